// The caps on one value and one item: endless or huge inputs stop at the cap with a clear finding.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "core/io.hpp"
#include "formats/format.hpp"
#include "support.hpp"

using namespace projconv;

namespace {

// A head, then the same byte for ever: an input no reader may hold whole.
class EndlessSource : public Source {
 public:
  EndlessSource(std::string head, char fill) : Source("endless"), head_(std::move(head)), fill_(fill) {}
  size_t served() const { return served_; }

 protected:
  size_t read_raw(char* buf, size_t n) override {
    size_t k = 0;
    if (pos_ < head_.size()) {
      k = std::min(n, head_.size() - pos_);
      std::memcpy(buf, head_.data() + pos_, k);
      pos_ += k;
    }
    std::memset(buf + k, fill_, n - k);
    served_ += n;
    return n;
  }
  void rewind_raw() override { pos_ = 0; }

 private:
  std::string head_;
  char fill_;
  size_t pos_ = 0, served_ = 0;
};

std::vector<Diagnostic> read_all(Source& in, const char* format) {
  CollectingReporter rep;
  NullSink sink;
  ReadOptions ro;
  ro.file = "endless";
  ro.schema = &Schema::builtin();
  format_by_name(format)->read(in, sink, rep, ro);
  return std::move(rep.diags);
}

std::string first_code(const std::vector<Diagnostic>& d) { return d.empty() ? "(none)" : d[0].code; }

}  // namespace

TEST_CASE("an endless value stops at the value cap in every format", "[limits]") {
  SECTION("a JSON string") {
    EndlessSource in("{\"iati-activities\": {\"@version\": \"2.03\", \"iati-activity\": [{\"iati-identifier\": \"", 'a');
    auto d = read_all(in, "json");
    CHECK(first_code(d) == "value-too-long");
    REQUIRE(!d.empty());
    CHECK(d[0].loc.line == 1);
    CHECK(d[0].loc.col == 80);  // the string's opening quote
    CHECK(in.served() < kMaxValueBytes + (size_t{4} << 20));
  }
  SECTION("a JSON number") {
    EndlessSource in("{\"iati-activities\": {\"@version\": 1", '1');
    auto d = read_all(in, "json");
    CHECK(first_code(d) == "value-too-long");
    CHECK(in.served() < kMaxValueBytes + (size_t{4} << 20));
  }
  SECTION("a CSV field in an unclosed quote") {
    EndlessSource in("iati-identifier,title/narrative\r\nXM-1,\"", 'a');
    auto d = read_all(in, "csv");
    CHECK(first_code(d) == "field-too-long");
    CHECK(in.served() < kMaxValueBytes + (size_t{4} << 20));
  }
  SECTION("an XML comment that never closes: the item cap") {
    EndlessSource in("<iati-activities version=\"2.03\">\n  <iati-activity><!--", 'a');
    auto d = read_all(in, "xml");
    CHECK(first_code(d) == "value-too-long");
    REQUIRE(!d.empty());
    CHECK(d[0].loc.line == 2);
    CHECK(in.served() < kMaxItemBytes + (size_t{4} << 20));
  }
}

TEST_CASE("an XML text or attribute past the value cap is refused where it starts", "[limits]") {
  std::string big(kMaxValueBytes + 1, 'x');
  SECTION("text") {
    std::string xml = "<iati-activities version=\"2.03\">\n<iati-activity>\n<iati-identifier>" + big +
                      "</iati-identifier></iati-activity></iati-activities>";
    auto src = Source::from_string(std::move(xml), "big.xml");
    auto d = read_all(*src, "xml");
    CHECK(first_code(d) == "value-too-long");
    REQUIRE(!d.empty());
    CHECK(d[0].loc.line == 3);
    CHECK(d[0].loc.col == 18);
  }
  SECTION("an attribute value") {
    std::string xml = "<iati-activities version=\"2.03\">\n<iati-activity default-currency=\"" + big +
                      "\"><iati-identifier>A</iati-identifier></iati-activity></iati-activities>";
    auto src = Source::from_string(std::move(xml), "big.xml");
    auto d = read_all(*src, "xml");
    CHECK(first_code(d) == "value-too-long");
    REQUIRE(!d.empty());
    CHECK(d[0].loc.line == 2);
    CHECK(d[0].loc.col == 34);
    CHECK(render_message(d[0]).find("default-currency") != std::string::npos);
  }
  SECTION("just under the cap is read") {
    std::string ok(kMaxValueBytes - 16, 'x');
    std::string xml = "<iati-activities version=\"2.03\"><iati-activity><iati-identifier>" + ok +
                      "</iati-identifier></iati-activity></iati-activities>";
    auto src = Source::from_string(std::move(xml), "big.xml");
    CHECK(read_all(*src, "xml").empty());
  }
}

TEST_CASE("a million nested elements or arrays stop at --max-depth without recursing", "[limits]") {
  std::string deep = "<iati-activities version=\"2.03\"><iati-activity>";
  for (int i = 0; i < 1000000; ++i) deep += "<a>";
  for (int i = 0; i < 1000000; ++i) deep += "</a>";
  deep += "</iati-activity></iati-activities>";
  auto src = Source::from_string(std::move(deep), "deep.xml");
  CHECK(first_code(read_all(*src, "xml")) == "too-deep");
  // Objects inside an activity are element levels; bare arrays are JSONTestSuite's n_structure_100000_*.
  std::string objects = "{\"iati-activities\": {\"iati-activity\": [{";
  for (int i = 0; i < 1000000; ++i) objects += "\"a\": {";
  auto js = Source::from_string(std::move(objects), "deep.json");
  CHECK(first_code(read_all(*js, "json")) == "too-deep");
  auto arrays = Source::from_string("{\"iati-activities\": " + std::string(1000000, '['), "deep.json");
  auto d = read_all(*arrays, "json");
  CHECK(std::any_of(d.begin(), d.end(), [](const Diagnostic& x) { return x.code == "too-deep"; }));
}

TEST_CASE("a UTF-8 byte order mark is accepted in XML and JSON, and never part of the data", "[limits]") {
  std::string bom = "\xEF\xBB\xBF";
  auto x = test::convert_text(bom + test::read_file(PROJCONV_SOURCE_DIR "/fixtures/seed/seed.xml"), "xml", "json");
  CHECK(x.result == ReadResult::Ok);
  CHECK(x.text == test::read_file(PROJCONV_SOURCE_DIR "/fixtures/seed/seed.json"));
  auto j = test::convert_text(bom + test::read_file(PROJCONV_SOURCE_DIR "/fixtures/seed/seed.json"), "json", "json");
  CHECK(j.result == ReadResult::Ok);
  CHECK(j.text == test::read_file(PROJCONV_SOURCE_DIR "/fixtures/seed/seed.json"));
}

TEST_CASE("findings on 100000 siblings on one line keep exact positions and paths", "[limits]") {
  // One line, so every position counts code points from the activity's start; each path counts the
  // transactions before it. Counted afresh per finding, this would not finish.
  const int n = 100000;
  std::string xml = "<iati-activities version='2.03'><iati-activity><iati-identifier>XM-1</iati-identifier>";
  std::vector<size_t> at;  // byte offset (= code point offset: all ASCII) of each bad code's value
  for (int i = 0; i < n; ++i) {
    xml += "<transaction><transaction-type code='";
    at.push_back(xml.size());
    xml += "99'/></transaction>";
  }
  xml += "</iati-activity></iati-activities>";
  test::Validated v = test::validate_text(xml, "structure,codelists");
  std::vector<const Diagnostic*> unknown;
  for (const Diagnostic& d : v.diags)
    if (d.code == "codelist-unknown") unknown.push_back(&d);
  REQUIRE(unknown.size() == static_cast<size_t>(n));
  for (int i : {0, 1, 49999, n - 1}) {
    const Diagnostic& d = *unknown[static_cast<size_t>(i)];
    CHECK(d.loc.line == 1);
    CHECK(d.loc.col == at[static_cast<size_t>(i)] + 1);
    CHECK(d.path == "/iati-activities/iati-activity[1]/transaction[" + std::to_string(i + 1) + "]/transaction-type[1]/@code");
  }
}
