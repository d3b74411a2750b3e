// JSONTestSuite against the JSON reader: y_ read, n_ refused with no output, i_ as listed, values kept or refused.
#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <map>
#include <unistd.h>

#include "formats/pipeline.hpp"
#include "support.hpp"

using namespace projconv;
using namespace projconv::test;
namespace fs = std::filesystem;

namespace {

fs::path suite(const char* part) {
  fs::path shared = shared_dir("the JSON conformance tests");
  return shared.empty() ? shared : shared / "conformance" / "json" / part;
}

struct Scratch {
  fs::path path;
  Scratch() {
    char tmpl[] = "/tmp/projconv-jsonconf-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~Scratch() { fs::remove_all(path); }
};

// What reading a file as JSON gives: accepted when its only errors are json-shape (well-formed JSON that is not
// the projconv IATI form; warnings such as duplicate-key do not reject), else rejected with the first other error.
struct Outcome {
  bool accepted = true;
  std::string code;  // rejected: the first finding that is not json-shape
  Loc loc;
  std::string text;  // that finding, rendered
};

Outcome outcome_of(const std::vector<Diagnostic>& diags) {
  Outcome o;
  for (const Diagnostic& d : diags) {
    if (d.code == "json-shape" || d.severity != Severity::Error) continue;
    o = {false, d.code, d.loc, render_text(d)};
    break;
  }
  return o;
}

// Converts a file to XML in a scratch folder as `projconv --no-validate FILE out.xml` does: the output is kept
// only when the whole input was read. Returns the outcome; `left` tells whether anything is left in the folder.
Outcome convert_file(const fs::path& file, const fs::path& scratch, bool& left) {
  fs::path target = scratch / "out.xml";
  CollectingReporter rep;
  {
    auto src = Source::open(file.string());
    ConvertOptions opt;
    opt.from = format_by_name("json");
    opt.to = format_by_name("xml");
    opt.file = file.filename().string();
    FileOutput out(target.string());
    if (convert(*src, out, rep, opt).read == ReadResult::Ok) out.commit();
  }
  left = fs::exists(target) || !fs::is_empty(scratch);
  fs::remove_all(target);
  return outcome_of(rep.diags);
}

struct Choice {
  std::string outcome, code, reason;
};

// tests/golden/json-i-choices.tsv: file, accept|reject, code (- when accepted), reason; a header row first.
std::map<std::string, Choice> load_choices() {
  std::map<std::string, Choice> out;
  std::ifstream in(fs::path(PROJCONV_SOURCE_DIR) / "tests/golden/json-i-choices.tsv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cols;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      cols.push_back(line.substr(start, tab - start));
    cols.push_back(line.substr(start));
    INFO("json-i-choices.tsv: " << line);
    REQUIRE(cols.size() == 4);
    out[cols[0]] = {cols[1], cols[2], cols[3]};
  }
  return out;
}

std::string prefix_of(const fs::path& f) { return f.filename().string().substr(0, 2); }

// A minimal activity in the projconv JSON form, with `members` added to the activity object.
std::string activity_with(const std::string& members) {
  return "{\"iati-activities\": {\"@version\": \"2.03\", \"iati-activity\": [\n"
         "{\"iati-identifier\": \"XM-T-1\", " + members + "}]}}";
}

// The JSON text of the first `"#text": ` value in `json`, as written.
std::string text_value(const std::string& json) {
  size_t at = json.find("\"#text\": ");
  if (at == std::string::npos) return "<no #text>";
  at += 9;
  return json.substr(at, json.find_first_of(",\n}", at) - at);
}

// The bracketed token of a test_transform file such as `[1.0]`.
std::string token_of(const std::string& text) {
  size_t open = text.find('['), close = text.rfind(']');
  return text.substr(open + 1, close - open - 1);
}

bool has_code(const std::vector<Diagnostic>& ds, const std::string& code) {
  for (const Diagnostic& d : ds)
    if (d.code == code) return true;
  return false;
}

std::string all_codes(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) out += d.code + "@" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ";";
  return out;
}

}  // namespace

TEST_CASE("JSONTestSuite test_parsing: y_ read, n_ refused without output, i_ as listed", "[conformance][json]") {
  fs::path dir = suite("test_parsing");
  if (dir.empty()) return;
  std::map<std::string, Choice> choices = load_choices();
  size_t y_ok = 0, y_n = 0, n_ok = 0, n_n = 0, i_ok = 0, i_n = 0;
  Scratch scratch;
  for (const fs::path& f : files_in(dir, ".json", false)) {
    std::string name = f.filename().string(), kind = prefix_of(f);
    bool left = false;
    Outcome o = convert_file(f, scratch.path, left);
    INFO(name << ": " << (o.accepted ? "accepted" : o.text));
    if (kind == "y_") {
      ++y_n;
      CHECK(o.accepted);
      y_ok += o.accepted;
    } else if (kind == "n_") {
      ++n_n;
      CHECK_FALSE(o.accepted);
      CHECK(o.loc.line >= 1);
      CHECK_FALSE(left);
      n_ok += !o.accepted && o.loc.line >= 1 && !left;
    } else if (kind == "i_") {
      ++i_n;
      auto it = choices.find(name);
      bool listed = it != choices.end();
      CHECK(listed);
      if (!listed) continue;
      const Choice& want = it->second;
      std::string got = o.accepted ? "accept" : "reject", code = o.accepted ? "-" : o.code;
      CHECK(got == want.outcome);
      CHECK(code == want.code);
      i_ok += got == want.outcome && code == want.code;
      choices.erase(it);
    }
  }
  std::cout << "conformance: JSONTestSuite y_ accepted " << y_ok << "/" << y_n << ", n_ rejected " << n_ok << "/" << n_n
            << ", i_ as listed " << i_ok << "/" << i_n << std::endl;
  for (const auto& [name, c] : choices) {
    INFO("json-i-choices.tsv lists " << name << ", which is not in the suite");
    CHECK(false);
  }
  CHECK(y_n == 95);
  CHECK(n_n == 188);
  CHECK(i_n == 35);
  CHECK(y_ok == y_n);
  CHECK(n_ok == n_n);
  CHECK(i_ok == i_n);
}

TEST_CASE("JSONTestSuite test_transform: values kept to the character, or refused with a clear error",
          "[conformance][json]") {
  fs::path dir = suite("test_transform");
  if (dir.empty()) return;
  size_t ok = 0, n = 0;
  for (const fs::path& f : files_in(dir, ".json", false)) {
    std::string name = f.filename().string(), text = read_file(f);
    INFO(name);
    ++n;
    bool good = false;
    if (name.rfind("number_", 0) == 0) {
      // Numbers are kept as their text: each must come back with exactly its characters, through XML and CSV.
      std::string token = token_of(text);
      std::string doc = activity_with("\"budget\": [{\"value\": {\"@currency\": \"USD\", \"#text\": " + token + "}}]");
      Converted x = convert_text(doc, "json", "xml");
      REQUIRE(x.result == ReadResult::Ok);
      CHECK(x.text.find(">" + token + "</value>") != std::string::npos);
      Converted j = convert_text(x.text, "xml", "json");
      REQUIRE(j.result == ReadResult::Ok);
      CHECK(text_value(j.text) == token);
      good = text_value(j.text) == token;
      for (const char* layout : {"csv", "csv-dir"}) {
        Scratch s;
        Through c = convert_through(doc, "json", layout, "json", s.path);
        INFO("via " << layout << ": " << all_codes(c.diags));
        CHECK(c.back == ReadResult::Ok);
        CHECK(text_value(c.text) == token);
        good = good && text_value(c.text) == token;
      }
    } else if (name.rfind("object_same_key_", 0) == 0) {
      // As a file, and inside an activity: a name given twice is reported, and both values are kept.
      Converted raw = convert_text(text, "json", "xml");
      CHECK(has_code(raw.diags, "duplicate-key"));
      std::string members = text.substr(text.find('{') + 1, text.rfind('}') - text.find('{') - 1);
      Converted in_activity = convert_text(activity_with(members), "json", "xml");
      CHECK(in_activity.result == ReadResult::Ok);
      REQUIRE(!in_activity.diags.empty());
      CHECK(in_activity.diags[0].code == "duplicate-key");
      CHECK(in_activity.diags[0].severity == Severity::Warning);
      CHECK(in_activity.diags[0].get("key") == "a");
      size_t first = in_activity.text.find("<a>"), second = in_activity.text.find("<a>", first + 1);
      CHECK(second != std::string::npos);
      good = has_code(raw.diags, "duplicate-key") && !in_activity.diags.empty() &&
             in_activity.diags[0].code == "duplicate-key" && second != std::string::npos;
    } else if (name.rfind("object_key_nf", 0) == 0) {
      // Names that differ only by Unicode normalisation are different names: both are kept.
      Converted raw = convert_text(text, "json", "xml");
      CHECK(outcome_of(raw.diags).accepted);
      std::string members = text.substr(text.find('{') + 1, text.rfind('}') - text.find('{') - 1);
      Converted x = convert_text(activity_with(members), "json", "xml");
      REQUIRE(x.result == ReadResult::Ok);
      const std::string nfc = "\xC3\xA9", nfd = "e\xCC\x81";
      CHECK(x.text.find("<" + nfc + ">NFC</" + nfc + ">") != std::string::npos);
      CHECK(x.text.find("<" + nfd + ">NFD</" + nfd + ">") != std::string::npos);
      Converted j = convert_text(x.text, "xml", "json");
      REQUIRE(j.result == ReadResult::Ok);
      bool both = j.text.find("\"" + nfc + "\": [\n") != std::string::npos &&
                  j.text.find("\"" + nfd + "\": [\n") != std::string::npos &&
                  j.text.find("\"NFC\"") != std::string::npos && j.text.find("\"NFD\"") != std::string::npos;
      INFO(j.text);
      CHECK(both);
      good = outcome_of(raw.diags).accepted && both;
    } else if (name.rfind("string_", 0) == 0) {
      // Lone surrogate halves are not characters and NUL is not an XML character: both are refused, in place.
      std::string token = token_of(text);
      std::string doc = activity_with("\"title\": {\"narrative\": [{\"#text\": " + token + "}]}");
      Converted x = convert_text(doc, "json", "xml");
      bool nul = name == "string_with_escaped_NULL.json";
      const char* want = nul ? "xml-control-char" : "invalid-utf8";
      INFO(all_codes(x.diags));
      CHECK(x.result == ReadResult::DataError);
      REQUIRE(x.diags.size() == 1);
      CHECK(x.diags[0].code == want);
      CHECK(x.diags[0].loc.line == 2);
      // RapidJSON's own findings point at the bad bytes or escape; ours, made on the decoded text, at the string.
      CHECK(x.diags[0].loc.col == (nul ? 65u : 66u));
      good = x.result == ReadResult::DataError && x.diags[0].code == want && x.diags[0].loc.line == 2;
    } else {
      FAIL("no rule for this test_transform file");
    }
    ok += good;
  }
  std::cout << "conformance: JSONTestSuite test_transform kept or refused as expected " << ok << "/" << n << std::endl;
  CHECK(n == 22);
  CHECK(ok == n);
}

TEST_CASE("JSON reader: a member name given twice is reported where the second one is", "[conformance][json][errors]") {
  std::string json =
      "{\"iati-activities\": {\"@version\": \"2.03\", \"iati-activity\": [\n"
      "  {\"iati-identifier\": \"XM-T-1\",\n"
      "   \"title\": {\"narrative\": [{\"#text\": \"a\"}]},\n"
      "   \"title\": {\"narrative\": [{\"#text\": \"b\"}]}}]}}";
  Converted x = convert_text(json, "json", "xml");
  // An element member given twice: a warning, and both titles kept in order (the structure layer judges them).
  CHECK(x.result == ReadResult::Ok);
  CHECK(x.text.find("<narrative>a</narrative>") < x.text.find("<narrative>b</narrative>"));
  CHECK(x.text.find("<narrative>b</narrative>") != std::string::npos);
  REQUIRE(x.diags.size() == 1);
  const Diagnostic& d = x.diags[0];
  CHECK(d.code == "duplicate-key");
  CHECK(d.layer == "wellformed");
  CHECK(d.severity == Severity::Warning);
  CHECK(d.loc.line == 4);
  CHECK(d.loc.col == 4);
  CHECK(d.get("key") == "title");
  CHECK(d.get("first") == "3:4");
  REQUIRE(d.related.size() == 1);
  CHECK(d.related[0].loc.line == 3);
  CHECK(d.related[0].loc.col == 4);
  CHECK(d.activity == "XM-T-1");
  CHECK(render_message(d).find("\"title\" is given twice in one object (first at 3:4)") != std::string::npos);

  SECTION("at any depth, and in JSON that is not IATI-shaped") {
    // An attribute can hold one value only: given twice, it is an error and nothing is written.
    Converted y = convert_text("{\"iati-activities\": {\"@version\": \"2.03\", \"@version\": \"2.02\"}}", "json", "xml");
    CHECK(all_codes(y.diags) == "duplicate-key@1:42;");
    REQUIRE(y.diags.size() == 1);
    CHECK(y.diags[0].severity == Severity::Error);
    CHECK(y.result == ReadResult::DataError);
    CHECK(y.text.empty());
    Converted z = convert_text("[{\"k\": 1},\n {\"k\": 1, \"j\": {\"k\": 2, \"k\": 3}}]", "json", "xml");
    CHECK(all_codes(z.diags) == "json-shape@1:1;duplicate-key@2:25;");
  }
  SECTION("names that differ only by normalisation are different names") {
    Converted n = convert_text(activity_with("\"\xC3\xA9\": \"NFC\", \"e\xCC\x81\": \"NFD\""), "json", "xml");
    CHECK(n.result == ReadResult::Ok);
    CHECK(n.diags.empty());
  }
}

TEST_CASE("JSON reader: past a shape error, the rest is still checked for syntax", "[conformance][json][errors]") {
  Converted x = convert_text("[1,\n 2,\n 3 4]", "json", "xml");
  CHECK(x.result == ReadResult::DataError);
  CHECK(all_codes(x.diags) == "json-shape@1:1;json-syntax@3:4;");
  SECTION("only the first shape error is reported") {
    Converted y = convert_text("{\"iati-activities\": {\"iati-activity\": [true, null, [], 1]}}", "json", "xml");
    CHECK(all_codes(y.diags) == "json-shape@1:40;");
  }
  SECTION("a NUL byte after a shape error") {
    Converted z = convert_text(std::string("[1]\0", 4), "json", "xml");
    CHECK(all_codes(z.diags) == "json-shape@1:1;json-syntax@1:4;");
  }
  SECTION("skipped text still has a depth limit") {
    std::string deep = "[" + std::string(100000, '[');
    Converted d = convert_text(deep, "json", "xml");
    CHECK(d.result == ReadResult::DataError);
    REQUIRE(d.diags.size() == 2);
    CHECK(d.diags[1].code == "too-deep");
    Converted ok = convert_text(std::string(500, '[') + std::string(500, ']'), "json", "xml");
    CHECK(all_codes(ok.diags) == "json-shape@1:1;");
  }
}

TEST_CASE("JSON reader: decoded strings are UTF-8 and hold only characters XML can", "[conformance][json][errors]") {
  auto narrative = [](const std::string& text) {
    return activity_with("\"title\": {\"narrative\": [{\"#text\": \"" + text + "\"}]}");
  };
  SECTION("a lone second surrogate half") {
    Converted x = convert_text(narrative("x\\uDC00y"), "json", "xml");
    CHECK(x.result == ReadResult::DataError);
    CHECK(all_codes(x.diags) == "invalid-utf8@2:65;");
    CHECK(x.diags[0].get("detail").find("\\uDC00") != std::string::npos);
    CHECK(x.text.find("\xED\xB0\x80") == std::string::npos);
  }
  SECTION("in a member name, and in JSON that is not IATI-shaped") {
    CHECK(all_codes(convert_text(activity_with("\"a\\uDFFF\": \"1\""), "json", "xml").diags) == "invalid-utf8@2:31;");
    CHECK(all_codes(convert_text("[\"\\uDC00\"]", "json", "xml").diags) == "json-shape@1:1;invalid-utf8@1:2;");
  }
  SECTION("a lone first surrogate half") {
    Converted x = convert_text(narrative("\\uD800x"), "json", "xml");
    REQUIRE(x.diags.size() == 1);
    CHECK(x.diags[0].code == "invalid-utf8");
  }
  SECTION("a surrogate pair is one character") {
    Converted x = convert_text(narrative("\\uD834\\uDD1E"), "json", "xml");
    CHECK(x.result == ReadResult::Ok);
    CHECK(x.text.find("\xF0\x9D\x84\x9E") != std::string::npos);
  }
  SECTION("NUL is refused, never cut off") {
    Converted x = convert_text(narrative("A\\u0000B"), "json", "xml");
    CHECK(x.result == ReadResult::DataError);
    CHECK(all_codes(x.diags) == "xml-control-char@2:65;");
    CHECK(x.diags[0].get("detail").find("U+0000") != std::string::npos);
  }
  SECTION("other control characters XML cannot hold, but tab, line feed and return are fine") {
    CHECK(all_codes(convert_text(narrative("a\\u001Fb"), "json", "xml").diags) == "xml-control-char@2:65;");
    CHECK(all_codes(convert_text(narrative("a\\fb"), "json", "xml").diags) == "xml-control-char@2:65;");
    Converted ok = convert_text(narrative("a\\tb\\nc\\rd"), "json", "xml");
    CHECK(ok.result == ReadResult::Ok);
    CHECK(ok.diags.empty());
  }
  SECTION("control characters in JSON that is not IATI-shaped are only JSON") {
    CHECK(all_codes(convert_text("{\"foo\\u0000bar\": 42}", "json", "xml").diags) == "json-shape@1:18;");
    CHECK(convert_text("{\"foo\\u0000bar\": 42}", "json", "xml").diags[0].get("detail") ==
          "unexpected value for \"foo\\u0000bar\" at the top level");
  }
  SECTION("raw bytes that are not UTF-8 are pointed at") {
    Converted x = convert_text("{\"iati-activities\": {\"@version\": \"2.0\xE9\"}}", "json", "xml");
    CHECK(all_codes(x.diags) == "invalid-utf8@1:38;");
  }
}
