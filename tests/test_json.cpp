// The JSON form: number syntax, schema-driven shapes, the SAX reader's positions, limits and errors.
#include <catch2/catch.hpp>

#include "formats/json_form.hpp"
#include "formats/pipeline.hpp"
#include "support.hpp"

using namespace projconv;
using namespace projconv::test;

namespace {

std::string codes_at(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.code + "@" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ";";
  return out;
}

const char* kOne =
    "<iati-activities version='2.03'><iati-activity>"
    "<iati-identifier>X-1</iati-identifier>"
    "<title><narrative xml:lang='fr'>Titre</narrative></title>"
    "<participating-org role='1'/>"
    "<activity-status code='2'/>"
    "<sector code='1' percentage='0.10'/>"
    "<budget><value currency='USD' value-date='2019-01-01'>200000.00</value></budget>"
    "<transaction><value value-date='2019-01-01'>50,000.00</value></transaction>"
    "</iati-activity></iati-activities>";

}  // namespace

TEST_CASE("JSON number syntax", "[json]") {
  for (const char* yes : {"0", "-0", "200000.00", "0.10", "1e2", "-1.5E-3", "12345678901234567890123"})
    CHECK(is_json_number(yes));
  for (const char* no : {"", "-", ".5", "5.", "+1", "007", "1,000", "$5", "1e", " 1", "1 ", "NaN", "0x10"})
    CHECK_FALSE(is_json_number(no));
}

TEST_CASE("JSON writer: repeatable elements are arrays, decimals are numbers with their digits", "[json]") {
  Converted j = convert_text(kOne, "xml", "json");
  REQUIRE(j.result == ReadResult::Ok);
  const std::string& t = j.text;
  CHECK(t.find("\"iati-identifier\": \"X-1\"") != std::string::npos);          // simple element: bare
  CHECK(t.find("\"participating-org\": [") != std::string::npos);              // one item, still an array
  CHECK(t.find("\"activity-status\": {") != std::string::npos);                // 0..1: an object
  CHECK(t.find("\"narrative\": [") != std::string::npos);
  CHECK(t.find("\"@xml:lang\": \"fr\"") != std::string::npos);
  CHECK(t.find("\"@percentage\": 0.10") != std::string::npos);                 // decimal attribute
  CHECK(t.find("\"#text\": 200000.00") != std::string::npos);                  // decimal text
  CHECK(t.find("\"#text\": \"50,000.00\"") != std::string::npos);              // not a number: kept as read
  CHECK(t.find("\"@code\": \"1\"") != std::string::npos);                      // codes stay strings
}

TEST_CASE("JSON reader: a hand-written file, including a non-array single item", "[json]") {
  std::string json = R"({"iati-activities": {"@version": "2.03", "iati-activity": [
    {"iati-identifier": "J-1", "sector": {"@code": "11110", "@percentage": 100},
     "budget": [{"value": {"@currency": "USD", "#text": 1.50}}]}]}})";
  Converted x = convert_text(json, "json", "xml");
  REQUIRE(x.result == ReadResult::Ok);
  CHECK(x.text.find("<sector code=\"11110\" percentage=\"100\" />") != std::string::npos);
  CHECK(x.text.find("<value currency=\"USD\">1.50</value>") != std::string::npos);
  CHECK(x.text.find("<iati-activities version=\"2.03\">") != std::string::npos);
}

TEST_CASE("JSON reader: errors carry the line and column of the JSON value", "[json][errors]") {
  SECTION("a boolean where text is expected") {
    Converted x = convert_text("{\"iati-activities\": {\"iati-activity\": [\n  {\"iati-identifier\": true}]}}", "json", "xml");
    CHECK(x.result == ReadResult::DataError);
    CHECK(codes_at(x.diags) == "json-shape@2:23;");
    CHECK(x.diags[0].get("detail") == "\"iati-identifier\" must be a string or a number, not true");
  }
  SECTION("syntax error") {
    Converted x = convert_text("{\"iati-activities\": {\n  \"@version\": \"2.03\"\n  \"iati-activity\": []}}", "json", "xml");
    CHECK(x.result == ReadResult::DataError);
    REQUIRE(x.diags.size() == 1);
    CHECK(x.diags[0].code == "json-syntax");
    CHECK(x.diags[0].loc.line == 3);
  }
  SECTION("wrong top level") {
    Converted x = convert_text("{\"foo\": 1}", "json", "xml");
    CHECK(codes_at(x.diags) == "json-shape@1:9;");
  }
  SECTION("organisation file") {
    Converted x = convert_text("{\"iati-organisations\": {}}", "json", "xml");
    CHECK(codes_at(x.diags) == "not-activity-file@1:24;");
  }
  SECTION("NUL byte after the document") {
    Converted x = convert_text(std::string("{\"iati-activities\": {}}\0 junk", 29), "json", "xml");
    CHECK(x.result == ReadResult::DataError);
    CHECK(x.diags.at(0).code == "json-syntax");
  }
  SECTION("UTF-16") {
    Converted x = convert_text(std::string("\xFF\xFE{\0", 4), "json", "xml");
    CHECK(codes_at(x.diags) == "xml-encoding@1:1;");
  }
  SECTION("invalid UTF-8 in a string") {
    Converted x = convert_text("{\"iati-activities\": {\"@version\": \"\xC3\x28\"}}", "json", "xml");
    CHECK(x.result == ReadResult::DataError);
    CHECK(codes_at(x.diags) == "invalid-utf8@1:35;");
  }
  SECTION("a number a double cannot hold is kept as its text") {
    Converted x = convert_text("{\"iati-activities\": {\"iati-activity\": [\n  {\"v\": 1E400, \"w\": -" +
                                   std::string(400, '9') + "}]}}",
                               "json", "xml");
    CHECK(x.result == ReadResult::Ok);
    CHECK(x.text.find("<v>1E400</v>") != std::string::npos);
    CHECK(x.text.find("<w>-" + std::string(400, '9') + "</w>") != std::string::npos);
    // projconv writes such text as a JSON number, and must read its own output.
    Converted j = convert_text(x.text, "xml", "json");
    CHECK(j.text.find("1E400") != std::string::npos);
    CHECK(convert_text(j.text, "json", "xml").text == x.text);
  }
  SECTION("a number across the edge of the read buffer, and the positions after it") {
    std::string head = "{\"iati-activities\": {\"iati-activity\": [{\"v\": ";
    for (size_t edge = 65530; edge < 65540; ++edge) {
      std::string json = head + std::string(edge - head.size(), ' ') + "-123.5e+400, \"w\": true}]}}";
      Converted x = convert_text(json, "json", "xml");
      REQUIRE(x.diags.size() == 1);
      CHECK(x.diags[0].loc.col == json.find("true") + 1);
      json.replace(json.find(", \"w\": true"), 11, "");
      CHECK(convert_text(json, "json", "xml").text.find("<v>-123.5e+400</v>") != std::string::npos);
    }
  }
}

TEST_CASE("JSON reader: a UTF-8 BOM is accepted", "[json]") {
  Converted x = convert_text("\xEF\xBB\xBF{\"iati-activities\": {\"@version\": \"2.03\", \"iati-activity\": []}}", "json", "xml");
  CHECK(x.result == ReadResult::Ok);
  CHECK(x.diags.empty());
}

TEST_CASE("JSON and XML count depth alike: the root is level 1", "[json][xml][limits]") {
  std::string xml = "<iati-activities version='2.03'><iati-activity><a><b/></a></iati-activity></iati-activities>";
  auto run = [](const std::string& text, const char* from, size_t depth) {
    auto src = Source::from_string(text, "t");
    StringOutput out;
    CollectingReporter rep;
    ConvertOptions opt;
    opt.from = format_by_name(from);
    opt.to = format_by_name("json");
    opt.max_depth = depth;
    return convert(*src, out, rep, opt).read;
  };
  CHECK(run(xml, "xml", 4) == ReadResult::Ok);
  CHECK(run(xml, "xml", 3) == ReadResult::DataError);
  std::string json = convert_text(xml, "xml", "json").text;
  CHECK(run(json, "json", 4) == ReadResult::Ok);
  CHECK(run(json, "json", 3) == ReadResult::DataError);
}

TEST_CASE("JSON reader: nesting beyond the depth limit is refused without recursion", "[json][limits]") {
  std::string deep = "{\"iati-activities\": {\"iati-activity\": [{";
  for (int i = 0; i < 100000; ++i) deep += "\"x\": {";
  Converted x = convert_text(deep, "json", "xml");
  CHECK(x.result == ReadResult::DataError);
  CHECK(x.diags.at(0).code == "too-deep");
  std::string arrays(100000, '[');
  Converted y = convert_text(arrays, "json", "xml");
  CHECK(y.result == ReadResult::DataError);
}

TEST_CASE("JSON form keeps comments, extensions, namespaces and text after the activities", "[json]") {
  std::string xml =
      "<!-- prolog --><iati-activities version='2.03' xmlns:usg='urn:usg'>"
      "<iati-activity><!-- inside --><iati-identifier>E-1</iati-identifier>"
      "<usg:ext a='1'><usg:inner>v</usg:inner></usg:ext>"
      "<transaction usg:flag='y'><value>-7826.00</value></transaction></iati-activity>"
      "<usg:after/></iati-activities>";
  Converted j = convert_text(xml, "xml", "json");
  REQUIRE(j.result == ReadResult::Ok);
  CHECK(j.text.find("\"@xmlns:usg\": \"urn:usg\"") != std::string::npos);
  CHECK(j.text.find("\"#after\"") != std::string::npos);
  CHECK(j.text.find("\"@usg:flag\": \"y\"") != std::string::npos);
  CHECK(j.text.find("-7826.00") != std::string::npos);
  Converted x = convert_text(j.text, "json", "xml");
  REQUIRE(x.result == ReadResult::Ok);
  CHECK(canonical_xml(x.text) == canonical_xml(xml));
  CHECK(x.text.find("<!-- inside -->") != std::string::npos);
  CHECK(x.text.find("<!-- prolog -->") != std::string::npos);
  Converted j2 = convert_text(x.text, "xml", "json");
  CHECK(j2.text == j.text);
}
