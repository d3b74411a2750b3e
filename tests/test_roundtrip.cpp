// Round trips on real data: XML -> JSON -> XML is canonical-equal, JSON -> XML -> JSON is byte-identical,
// and every decimal keeps its digits, for the real publisher corpus and the official should-pass suites.
#include <catch2/catch.hpp>

#include <pugixml.hpp>
#include <rapidjson/reader.h>

#include "check/schema.hpp"
#include "support.hpp"

using namespace projconv;
using namespace projconv::test;
namespace fs = std::filesystem;

namespace {

// Collects the raw text of every JSON number in a document.
struct NumberCollector : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NumberCollector> {
  std::vector<std::string> numbers;
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    numbers.emplace_back(s, n);
    return true;
  }
};

std::vector<std::string> json_numbers(const std::string& json) {
  NumberCollector c;
  rapidjson::Reader r;
  rapidjson::StringStream ss(json.c_str());
  r.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag>(ss, c);
  std::sort(c.numbers.begin(), c.numbers.end());
  return c.numbers;
}

// Every decimal-typed value of the XML (by the schema) that is a JSON number, as written.
void collect_decimals(pugi::xml_node el, const ElementDef* def, std::vector<std::string>& out) {
  if (!def) return;
  for (pugi::xml_attribute a : el.attributes()) {
    const AttrDef* ad = def->attr(a.name());
    std::string v = a.value();
    if (ad && ad->type == ValueType::Decimal && !v.empty() && v.find_first_not_of("-0123456789.eE+") == std::string::npos)
      out.push_back(v);
  }
  if (def->text == ValueType::Decimal) {
    std::string v = el.text().get();
    if (!v.empty() && v.find_first_not_of("-0123456789.eE+") == std::string::npos) out.push_back(v);
  }
  for (pugi::xml_node c : el.children())
    if (c.type() == pugi::node_element) collect_decimals(c, def->child(c.name()), out);
}

struct Outcome {
  bool canonical_equal = false;
  bool json_fixed_point = false;
  std::string detail;
};

Outcome round_trip(const fs::path& file) {
  Outcome o;
  std::string xml = read_file(file);
  Converted j1 = convert_text(xml, "xml", "json", file.string());
  if (j1.result != ReadResult::Ok) {
    o.detail = "XML -> JSON failed: " + (j1.diags.empty() ? std::string("?") : render_text(j1.diags.front()));
    return o;
  }
  Converted x2 = convert_text(j1.text, "json", "xml");
  if (x2.result != ReadResult::Ok) {
    o.detail = "JSON -> XML failed: " + (x2.diags.empty() ? std::string("?") : render_text(x2.diags.front()));
    return o;
  }
  std::string c1 = canonical_xml(xml), c2 = canonical_xml(x2.text);
  o.canonical_equal = c1 == c2;
  if (!o.canonical_equal) o.detail = "canonical XML differs at " + first_difference(c1, c2);
  Converted j3 = convert_text(x2.text, "xml", "json");
  o.json_fixed_point = j3.result == ReadResult::Ok && j3.text == j1.text;
  if (!o.json_fixed_point && o.detail.empty()) o.detail = "JSON differs at " + first_difference(j1.text, j3.text);
  return o;
}

void check_folder(const fs::path& dir, bool recursive, size_t expected_count) {
  auto files = files_in(dir, ".xml", recursive);
  CHECK(files.size() == expected_count);
  size_t ok = 0;
  for (const auto& f : files) {
    Outcome o = round_trip(f);
    INFO(f.string() << ": " << o.detail);
    CHECK(o.canonical_equal);
    CHECK(o.json_fixed_point);
    ok += o.canonical_equal && o.json_fixed_point;
  }
  std::printf("round trip: %zu of %zu files in %s\n", ok, files.size(), dir.string().c_str());
}

}  // namespace

TEST_CASE("round trip: real publisher corpus", "[roundtrip][corpus]") {
  fs::path shared = shared_dir("the corpus round trip");
  if (shared.empty()) return;
  check_folder(shared / "corpus/iati-real", false, 7);
}

TEST_CASE("round trip: official should-pass activity suites", "[roundtrip][corpus]") {
  fs::path shared = shared_dir("the should-pass round trip");
  if (shared.empty()) return;
  check_folder(shared / "iati/schema-tests/should-pass/iati-activities", true, 157);
  check_folder(shared / "iati/schema-tests/activity-tests/should-pass", true, 58);
}

TEST_CASE("round trip: the seed fixture", "[roundtrip]") {
  Outcome o = round_trip(fs::path(PROJCONV_SOURCE_DIR) / "fixtures/seed/seed.xml");
  INFO(o.detail);
  CHECK(o.canonical_equal);
  CHECK(o.json_fixed_point);
}

TEST_CASE("every decimal of the corpus comes back with the same digits", "[roundtrip][corpus][numbers]") {
  fs::path shared = shared_dir("the decimal digits check");
  std::vector<fs::path> files = {fs::path(PROJCONV_SOURCE_DIR) / "fixtures/seed/seed.xml"};
  if (!shared.empty())
    for (const auto& f : files_in(shared / "corpus/iati-real", ".xml", false)) files.push_back(f);
  size_t total = 0;
  for (const auto& f : files) {
    std::string xml = read_file(f);
    pugi::xml_document doc;
    REQUIRE(doc.load_buffer(xml.data(), xml.size()));
    std::vector<std::string> want;
    for (pugi::xml_node act : doc.document_element().children("iati-activity"))
      collect_decimals(act, Schema::builtin().activity(), want);
    std::sort(want.begin(), want.end());
    Converted j = convert_text(xml, "xml", "json");
    REQUIRE(j.result == ReadResult::Ok);
    INFO(f.string());
    CHECK(json_numbers(j.text) == want);
    // And back to XML: the same texts in the same places (the canonical check covers places).
    Converted x = convert_text(j.text, "json", "xml");
    pugi::xml_document back;
    REQUIRE(back.load_buffer(x.text.data(), x.text.size()));
    std::vector<std::string> got;
    for (pugi::xml_node act : back.document_element().children("iati-activity"))
      collect_decimals(act, Schema::builtin().activity(), got);
    std::sort(got.begin(), got.end());
    CHECK(got == want);
    total += want.size();
  }
  std::printf("decimals kept digit for digit: %zu values in %zu files\n", total, files.size());
  CHECK(total > 0);
}

TEST_CASE("the seed budget is the JSON number 200000.00", "[numbers]") {
  std::string xml = read_file(fs::path(PROJCONV_SOURCE_DIR) / "fixtures/seed/seed.xml");
  Converted j = convert_text(xml, "xml", "json");
  REQUIRE(j.result == ReadResult::Ok);
  CHECK(j.text.find("\"#text\": 200000.00\n") != std::string::npos);
  CHECK(j.text.find("\"200000.00\"") == std::string::npos);
}

TEST_CASE("organisation files get a clear 'not an activity file' error", "[corpus][errors]") {
  fs::path shared = shared_dir("the organisation-file check");
  if (shared.empty()) return;
  auto files = files_in(shared / "iati/schema-tests/organisation-tests/should-pass", ".xml", true);
  REQUIRE(files.size() > 0);
  for (const auto& f : files) {
    Converted j = convert_text(read_file(f), nullptr, "json", f.string());
    INFO(f.string());
    CHECK(j.result == ReadResult::DataError);
    REQUIRE(j.diags.size() == 1);
    CHECK(j.diags[0].code == "not-activity-file");
  }
  std::printf("organisation files refused clearly: %zu\n", files.size());
}
