// The streaming XML reader: header and trailer content, source positions, errors located to line:col, UTF-16 input,
// and the well-formedness checks pugixml leaves out.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace projconv;
using namespace projconv::test;

namespace {

// A sink that keeps what it is given, for inspection.
struct Capture : Sink {
  std::string root_attrs, header_children, trailer_children;
  std::vector<std::string> ids;
  std::vector<std::string> where;  // "line:col path" of selected nodes
  void begin(const Header& h) override {
    for (pugi::xml_attribute a : h.root().attributes()) root_attrs += std::string(a.name()) + "=" + a.value() + ";";
    for (pugi::xml_node n : h.root().children()) header_children += std::string(n.name()) + "|" + n.value() + ";";
  }
  void record(Record& r) override {
    ids.push_back(r.identifier());
    pugi::xml_node v = r.activity().child("budget").child("value");
    if (v) {
      Loc l = r.where.locate(v);
      Loc la = r.where.locate(v.attribute("currency"));
      where.push_back(std::to_string(l.line) + ":" + std::to_string(l.col) + " " + r.path_of(v));
      where.push_back(std::to_string(la.line) + ":" + std::to_string(la.col) + " " + r.path_of(v, v.attribute("currency")));
    }
  }
  void end(const Header& t) override {
    for (pugi::xml_node n : t.root().children()) trailer_children += std::string(n.name()) + ";";
  }
};

ReadResult read(const std::string& xml, Sink& sink, CollectingReporter& rep, size_t max_depth = 256) {
  auto src = Source::from_string(xml, "t.xml");
  ReadOptions opt;
  opt.file = "t.xml";
  opt.schema = &Schema::builtin();
  opt.max_depth = max_depth;
  return read_xml(*src, sink, rep, opt);
}

std::string only_error(const CollectingReporter& rep) {
  REQUIRE(rep.diags.size() == 1);
  const Diagnostic& d = rep.diags.front();
  return d.code + "@" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col);
}

}  // namespace

TEST_CASE("xml reader: root attributes, namespaces, misc children and activities", "[xml]") {
  std::string xml =
      "\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8'?>\n"
      "<iati-activities version='2.03' xmlns:ir='urn:ir'>\n"
      "  <!-- before -->\n"
      "  <ir:registry-record/>\n"
      "  <iati-activity><iati-identifier>A-1</iati-identifier></iati-activity>\n"
      "  <!-- between -->\n"
      "  <iati-activity><iati-identifier>A-2</iati-identifier></iati-activity>\n"
      "</iati-activities>\n<!-- after -->\n";
  Capture cap;
  CollectingReporter rep;
  REQUIRE(read(xml, cap, rep) == ReadResult::Ok);
  CHECK(rep.diags.empty());
  CHECK(cap.root_attrs == "version=2.03;xmlns:ir=urn:ir;");
  CHECK(cap.header_children == "| before ;ir:registry-record|;");
  CHECK(cap.ids == std::vector<std::string>{"A-1", "A-2"});
  CHECK(cap.trailer_children == ";;");  // the two comments
}

TEST_CASE("xml reader: element and attribute positions, in code points", "[xml][location]") {
  std::string xml =
      "<iati-activities version='2.03'>\n"
      "<iati-activity>\n"
      " <iati-identifier>é-1</iati-identifier>\n"
      " <budget><period-start iso-date='2019-01-01'/>\n"
      "  <value currency='USD' value-date='2019-01-01'>200000.00</value></budget>\n"
      "</iati-activity>\n"
      "<iati-activity><iati-identifier>é-2</iati-identifier><budget><value  currency='EUR'>1</value></budget></iati-activity>\n"
      "</iati-activities>";
  Capture cap;
  CollectingReporter rep;
  REQUIRE(read(xml, cap, rep) == ReadResult::Ok);
  REQUIRE(cap.where.size() == 4);
  CHECK(cap.where[0] == "5:3 /iati-activities/iati-activity[1]/budget[1]/value[1]");
  CHECK(cap.where[1] == "5:20 /iati-activities/iati-activity[1]/budget[1]/value[1]/@currency");
  CHECK(cap.where[2] == "7:62 /iati-activities/iati-activity[2]/budget[1]/value[1]");
  CHECK(cap.where[3] == "7:80 /iati-activities/iati-activity[2]/budget[1]/value[1]/@currency");
}

TEST_CASE("xml reader: errors carry their position", "[xml][errors]") {
  Capture cap;
  SECTION("mismatched end tag") {
    CollectingReporter rep;
    CHECK(read("<iati-activities version='2.03'>\n<iati-activity>\n  <title></titel>\n</iati-activity></iati-activities>",
               cap, rep) == ReadResult::DataError);
    CHECK(only_error(rep) == "xml-syntax@3:10");
    CHECK(rep.diags[0].get("detail") == "end tag </titel> does not match <title>");
  }
  SECTION("unclosed activity at end of file") {
    CollectingReporter rep;
    CHECK(read("<iati-activities version='2.03'>\n  <iati-activity><title>", cap, rep) == ReadResult::DataError);
    CHECK(only_error(rep) == "xml-unclosed@2:3");
    CollectingReporter rep2;
    CHECK(read("\n<iati-activities version='2.03'>\n  <iati-activity/>\n", cap, rep2) == ReadResult::DataError);
    CHECK(only_error(rep2) == "xml-unclosed@2:1");
  }
  SECTION("organisation file") {
    CollectingReporter rep;
    CHECK(read("<iati-organisations version='2.03'/>", cap, rep) == ReadResult::DataError);
    CHECK(only_error(rep) == "not-activity-file@1:1");
  }
  SECTION("other root") {
    CollectingReporter rep;
    CHECK(read("\n\n<html/>", cap, rep) == ReadResult::DataError);
    CHECK(only_error(rep) == "not-iati@3:1");
  }
  SECTION("DOCTYPE with an internal subset") {
    CollectingReporter rep;
    CHECK(read("<!DOCTYPE r [<!ENTITY e 'x'>]><iati-activities/>", cap, rep) == ReadResult::DataError);
    CHECK(only_error(rep) == "doctype-not-allowed@1:1");
  }
  SECTION("UTF-32") {
    CollectingReporter rep;
    CHECK(read(std::string("\xFF\xFE\0\0<\0\0\0", 8), cap, rep) == ReadResult::DataError);
    CHECK(only_error(rep) == "xml-encoding@1:1");
    CHECK(rep.diags[0].get("encoding") == "UTF-32");
  }
  SECTION("declared non-UTF-8 encoding") {
    CollectingReporter rep;
    CHECK(read("<?xml version='1.0' encoding='ISO-8859-1'?><iati-activities/>", cap, rep) == ReadResult::DataError);
    CHECK(only_error(rep) == "xml-encoding@1:1");
  }
  SECTION("text after the root, and a second root") {
    CollectingReporter rep;
    CHECK(read("<iati-activities version='2.03'></iati-activities>\njunk", cap, rep) == ReadResult::DataError);
    CHECK(only_error(rep) == "xml-syntax@2:1");
    CollectingReporter rep2;
    CHECK(read("<iati-activities version='2.03'/><iati-activities/>", cap, rep2) == ReadResult::DataError);
    CHECK(only_error(rep2) == "xml-syntax@1:34");
  }
  SECTION("empty input") {
    CollectingReporter rep;
    CHECK(read("", cap, rep) == ReadResult::DataError);
    CHECK(only_error(rep) == "xml-syntax@1:1");
  }
}

TEST_CASE("xml reader: nesting beyond --max-depth is refused before any tree walk", "[xml][limits]") {
  std::string deep = "<iati-activities version='2.03'><iati-activity>";
  for (int i = 0; i < 300; ++i) deep += "<x>";
  for (int i = 0; i < 300; ++i) deep += "</x>";
  deep += "</iati-activity></iati-activities>";
  Capture cap;
  CollectingReporter rep;
  CHECK(read(deep, cap, rep) == ReadResult::DataError);
  CHECK(only_error(rep) == "too-deep@1:810");  // the 255th <x>, at depth 257
  CollectingReporter rep2;
  CHECK(read(deep, cap, rep2, 400) == ReadResult::Ok);
}

TEST_CASE("xml reader: an activity larger than the read buffer", "[xml][limits]") {
  std::string big = "<iati-activities version='2.03'><iati-activity><iati-identifier>B</iati-identifier>";
  std::string narrative = "<description><narrative>" + std::string(1 << 20, 'x') + "</narrative></description>";
  for (int i = 0; i < 9; ++i) big += narrative;  // 9 MiB, over twice the 4 MiB buffer
  big += "</iati-activity><iati-activity><iati-identifier>C</iati-identifier></iati-activity></iati-activities>";
  Capture cap;
  CollectingReporter rep;
  REQUIRE(read(big, cap, rep) == ReadResult::Ok);
  CHECK(cap.ids == std::vector<std::string>{"B", "C"});
}

TEST_CASE("xml reader: what pugixml accepts but XML forbids is refused, with its position", "[xml][errors][hygiene]") {
  auto one = [](const std::string& activity_body) {
    Capture cap;
    CollectingReporter rep;
    std::string xml = "<iati-activities version='2.03'>\n<iati-activity>" + activity_body + "</iati-activity>\n</iati-activities>";
    CHECK(read(xml, cap, rep) == ReadResult::DataError);
    return rep.diags.size() == 1 ? rep.diags[0].code + "@" + std::to_string(rep.diags[0].loc.line) + ":" +
                                       std::to_string(rep.diags[0].loc.col)
                                 : std::string("?");
  };
  CHECK(one("<title>&undeclared;</title>") == "bad-reference@2:23");
  CHECK(one("<title>a & b</title>") == "bad-reference@2:25");
  CHECK(one("<title>&#xD800;</title>") == "bad-reference@2:23");
  CHECK(one("<title>&#1114112;</title>") == "bad-reference@2:23");
  CHECK(one("<title>\x01</title>") == "xml-control-char@2:23");
  CHECK(one("<title>\xC3\x28</title>") == "invalid-utf8@2:23");
  CHECK(one("<title>\xED\xA0\x80</title>") == "invalid-utf8@2:23");  // a UTF-8-encoded surrogate
  CHECK(one("<sector code='1' code='2'/>") == "duplicate-attribute@2:39");
  // Allowed: the predefined entities, valid character references, and '&' inside comments and CDATA.
  Capture cap;
  CollectingReporter rep;
  CHECK(read("<iati-activities version='2.03'><iati-activity><title>&amp;&lt;&#233;&#x1F600;<!-- a & b -->"
             "<![CDATA[x & y]]></title></iati-activity></iati-activities>",
             cap, rep) == ReadResult::Ok);
  CHECK(rep.diags.empty());
}

namespace {

// The outcome of reading `xml`: "code@line:col;" for each finding.
std::string findings(const std::string& xml) {
  Capture cap;
  CollectingReporter rep;
  read(xml, cap, rep);
  std::string out;
  for (const auto& d : rep.diags) out += d.code + "@" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ";";
  return out;
}

// UTF-8 re-encoded as UTF-16, with or without a byte order mark (the test data is valid UTF-8).
std::string to_utf16(const std::string& utf8, bool big_endian, bool bom = true) {
  std::string out;
  auto unit = [&](uint32_t u) {
    char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += big_endian ? hi : lo;
    out += big_endian ? lo : hi;
  };
  if (bom) unit(0xFEFF);
  for (size_t i = 0; i < utf8.size();) {
    auto c = static_cast<unsigned char>(utf8[i]);
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += n;
    if (cp >= 0x10000) {
      unit(0xD800 + ((cp - 0x10000) >> 10));
      unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

std::string fixture(const char* name) { return read_file(std::string(PROJCONV_SOURCE_DIR) + "/fixtures/utf16/" + name); }

}  // namespace

TEST_CASE("xml reader: UTF-16 reads as its UTF-8 twin, with the same line:col", "[xml][utf16]") {
  std::string utf8 = fixture("activity-utf8.xml");
  Converted want = convert_text(utf8, "xml", "json");
  REQUIRE(want.result == ReadResult::Ok);
  Validated v8 = validate_text(utf8);
  // Line 18 holds é and 🌎 (one UTF-16 unit, and a surrogate pair) before the bad date: columns count characters.
  CHECK(v8.codes() == "bad-date@18:76;");
  for (const char* name : {"activity-utf16le.xml", "activity-utf16be.xml"}) {
    INFO(name);
    std::string utf16 = fixture(name);
    Converted got = convert_text(utf16, "xml", "json");
    CHECK(got.result == ReadResult::Ok);
    CHECK(got.diags.empty());
    CHECK(first_difference(want.text, got.text) == "(no difference)");
    CHECK(validate_text(utf16).codes() == v8.codes());
    // Written XML is UTF-8 and says so, whatever the input's declaration said.
    Converted xml = convert_text(utf16, "xml", "xml");
    CHECK(xml.text.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) == 0);
    CHECK(canonical_xml(xml.text) == canonical_xml(convert_text(utf8, "xml", "xml").text));
  }
}

TEST_CASE("xml reader: errors in UTF-16 are located as in UTF-8", "[xml][utf16][errors]") {
  std::string bad = "<iati-activities version='2.03'>\n<iati-activity>\n <title>é🌎 ok</title><title a='1' a='2'/>\n"
                    "</iati-activity>\n<iati-activity><title>🌎</titel></iati-activity>\n</iati-activities>\n";
  std::string want = findings(bad);
  CHECK(want == "duplicate-attribute@3:38;");
  for (bool be : {false, true})
    for (bool bom : {true, false}) {
      INFO("big-endian " << be << ", byte order mark " << bom);
      CHECK(findings(to_utf16(bad, be, bom)) == want);
    }
  std::string mismatch = "<iati-activities version='2.03'>\n<iati-activity><title>é🌎</titel></iati-activity>\n</iati-activities>";
  CHECK(findings(to_utf16(mismatch, false)) == "xml-syntax@2:25;");
  CHECK(findings(mismatch) == "xml-syntax@2:25;");
}

TEST_CASE("xml reader: UTF-16 that does not decode is refused where it stops", "[xml][utf16][errors]") {
  std::string head = to_utf16("<iati-activities version='2.03'>\n<iati-activity><title>a🌎", false);
  std::string tail = to_utf16("b</title></iati-activity></iati-activities>", false, false);
  std::string lone_high = head + std::string("\x00\xD8", 2) + tail;
  std::string lone_low = head + std::string("\x00\xDC", 2) + tail;
  CHECK(findings(lone_high) == "invalid-utf16@2:25;");
  CHECK(findings(lone_low) == "invalid-utf16@2:25;");
  CHECK(findings(head + std::string("\x00\xD8", 2)) == "invalid-utf16@2:25;");  // at the very end
  CHECK(findings(head + tail + "x") == "invalid-utf16@2:68;");                    // an odd last byte
}

TEST_CASE("xml reader: a surrogate pair across the converter's reads", "[xml][utf16][limits]") {
  // Pairs and single units alternate, so the 64 KiB reads end inside a pair somewhere, more than once.
  std::string text;
  for (int i = 0; i < 40000; ++i) text += i % 2 ? "🌎" : "x";
  std::string utf8 = "<iati-activities version='2.03'><iati-activity><iati-identifier>U</iati-identifier><title>"
                     "<narrative>" + text + "</narrative></title></iati-activity></iati-activities>";
  Converted want = convert_text(utf8, "xml", "json");
  REQUIRE(want.result == ReadResult::Ok);
  for (bool be : {false, true}) {
    Converted got = convert_text(to_utf16(utf8, be), "xml", "json");
    CHECK(got.result == ReadResult::Ok);
    CHECK(got.text == want.text);
  }
  // Reading the converted bytes one at a time gives the same UTF-8.
  auto inner = Source::from_string(to_utf16(utf8, true), "t.xml");
  Utf16Source src(*inner, true);
  std::string back;
  char c;
  while (src.read(&c, 1) == 1) back += c;
  CHECK(back == "\xEF\xBB\xBF" + utf8);
  CHECK(src.error().empty());
}

TEST_CASE("xml reader: the declared encoding must be the file's", "[xml][utf16][errors]") {
  std::string body = "\n<iati-activities version='2.03'/>\n";
  CHECK(findings(to_utf16("<?xml version='1.0' encoding='UTF-16'?>" + body, true)) == "");
  CHECK(findings(to_utf16("<?xml version='1.0' encoding='utf-16le'?>" + body, false)) == "");
  CHECK(findings(to_utf16("<?xml version='1.0'?>" + body, false)) == "");
  CHECK(findings(to_utf16("<?xml version='1.0' encoding='UTF-8'?>" + body, false)) == "xml-encoding-mismatch@1:1;");
  CHECK(findings("<?xml version='1.0' encoding='UTF-16'?>" + body) == "xml-encoding-mismatch@1:1;");
  CHECK(findings("<?xml version='1.0' encoding='windows-1252'?>" + body) == "xml-encoding@1:1;");
}

TEST_CASE("xml reader: XML syntax that pugixml lets pass is refused, with its position", "[xml][errors][hygiene]") {
  auto in_activity = [](const std::string& body) {
    return findings("<iati-activities version='2.03'>\n<iati-activity>" + body + "</iati-activity>\n</iati-activities>");
  };
  CHECK(in_activity("<title a='x<y'/>") == "xml-syntax@2:27;");
  CHECK(in_activity("<!-- a -- b -->") == "xml-syntax@2:23;");
  CHECK(in_activity("<!-- a --->") == "xml-syntax@2:23;");
  CHECK(in_activity("<title>a ]]> b</title>") == "xml-syntax@2:25;");
  CHECK(in_activity("<title a='1'b='2'/>") == "xml-syntax@2:28;");
  CHECK(in_activity("<title a='1'/ >") == "xml-syntax@2:28;");
  CHECK(in_activity("<title>x</title >") == "");
  CHECK(in_activity("<title>x</title/>") == "xml-syntax@2:31;");
  CHECK(in_activity("<title><.x/></title>") == "xml-syntax@2:23;");
  CHECK(in_activity("<title a\xCC\x80='1'/>") == "");         // U+0300 may continue a name
  CHECK(in_activity("<title \xCC\x80='1'/>") == "xml-syntax@2:23;");  // but not start one
  CHECK(in_activity("<?xml version='1.0'?>") == "xml-syntax@2:16;");
  CHECK(in_activity("<?XmL x?>") == "xml-syntax@2:18;");
  CHECK(in_activity("<?pi?><?pi data?>") == "");
  CHECK(in_activity("<?pi\x01?>") == "xml-control-char@2:20;");
  CHECK(in_activity("<title>\xEF\xBF\xBE</title>") == "xml-bad-char@2:23;");  // U+FFFE
  CHECK(in_activity("<title>&amp</title>") == "bad-reference@2:23;");
  CHECK(in_activity("<title>&#x41;&#65;&#X41;</title>") == "bad-reference@2:34;");
  CHECK(in_activity("<![CDATA[ <&]]]><!DOCTYPE x>") == "xml-syntax@2:32;");
}

TEST_CASE("xml reader: namespace declarations follow Namespaces in XML", "[xml][errors][hygiene]") {
  auto doc = [](const std::string& root_attrs, const std::string& body, const char* decl = "") {
    return findings(std::string(decl) + "<iati-activities version='2.03'" + root_attrs + ">\n<iati-activity>" + body +
                    "</iati-activity>\n</iati-activities>");
  };
  CHECK(doc(" xmlns:a='urn:a' xmlns:b='urn:a'", "<title a:x='1' b:x='2'/>") == "duplicate-attribute@2:36;");
  CHECK(doc(" xmlns:a='urn:a'", "<title xmlns:b='urn:a' a:x='1' b:x='2'/>") == "duplicate-attribute@2:52;");
  CHECK(doc(" xmlns:a='urn:a' xmlns:b='urn:b'", "<title a:x='1' b:x='2' x='3'/>") == "");
  CHECK(doc("", "<title xmlns:xml='urn:x'/>") == "xml-namespace@2:34;");
  CHECK(doc("", "<title xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:lang='en'/>") == "");
  CHECK(doc("", "<title xmlns:x='http://www.w3.org/2000/xmlns/'/>") == "xml-namespace@2:32;");
  CHECK(doc(" xmlns:xmlns='urn:x'", "") == "xml-namespace@1:46;");
  CHECK(doc("", "<title xmlns:='urn:x'/>") == "xml-namespace@2:31;");
  CHECK(doc(" xmlns:a='urn:a'", "<a:title xmlns:a=''/>") == "xml-namespace@2:34;");  // unbinding is XML 1.1
  CHECK(doc(" xmlns:a='urn:a'", "<title xmlns:a=''><a:x/></title>", "<?xml version='1.1'?>") == "xml-namespace@2:34;");
  CHECK(doc(" xmlns:a='urn:a'", "<title xmlns:a=''><x/></title><a:x/>", "<?xml version='1.1'?>") == "");
  CHECK(doc("", "<u:title/>") == "");  // XML 1.0 allows a colon in a name: undeclared prefixes are not checked
  CHECK(doc(" version='2'", "") == "duplicate-attribute@1:42;");
}

TEST_CASE("xml reader: the prolog and XML 1.1", "[xml][errors][hygiene]") {
  std::string root = "<iati-activities version='2.03'><iati-activity><title>\xC2\x80</title></iati-activity></iati-activities>";
  CHECK(findings("<?xml version='1.0'?>" + root) == "");
  CHECK(findings("<?xml version='1.1'?>" + root) == "xml-control-char@1:76;");  // C1 controls are references in 1.1
  CHECK(findings("<?xml version='1.1'?><iati-activities version='2.03'><!-- &#x1; is fine here -->"
                 "<iati-activity><title>&#x1;</title></iati-activity></iati-activities>") == "bad-reference@1:103;");
  CHECK(findings(" <?xml version='1.0'?><iati-activities/>") == "xml-syntax@1:2;");
  CHECK(findings("<!-- c --><?xml version='1.0'?><iati-activities/>") == "xml-syntax@1:11;");
  CHECK(findings("<?xml encoding='UTF-8' version='1.0'?><iati-activities/>") == "xml-syntax@1:7;");
  CHECK(findings("<?xml version='1.0' standalone='yes' encoding='UTF-8'?><iati-activities/>") == "xml-syntax@1:38;");
  CHECK(findings("<?xml version='2.0'?><iati-activities/>") == "xml-syntax@1:16;");
  CHECK(findings("<?xml version='1.0' standalone='no' ?><!DOCTYPE iati-activities SYSTEM 'x.dtd'>"
                 "<?pi x?><iati-activities version='2.03'/>") == "");
  CHECK(findings("<!DOCTYPE iati-activities><!DOCTYPE iati-activities><iati-activities/>") == "xml-syntax@1:27;");
  CHECK(findings("\x01<iati-activities/>") == "xml-control-char@1:1;");
  CHECK(findings("<iati-activities/>\n\xEF\xBF\xBF") == "xml-bad-char@2:1;");
}

TEST_CASE("xml reader: a file that is not IATI is still checked to its end", "[xml][errors]") {
  CHECK(findings("<html>\n<body><p></b></body>\n</html>") == "not-iati@1:1;xml-syntax@2:10;");
  CHECK(findings("<html a='<'/>") == "xml-syntax@1:10;");
  CHECK(findings("<html>\n<body>&nbsp;</body>\n</html>") == "not-iati@1:1;bad-reference@2:7;");
  CHECK(findings("<html><body/></html>\n<!-- -- -->") == "not-iati@1:1;xml-syntax@2:6;");
  CHECK(findings("<html><body/>") == "not-iati@1:1;xml-unclosed@1:1;");
  CHECK(findings("<html><iati-activity><title></titel></iati-activity></html>") == "not-iati@1:1;xml-syntax@1:29;");
  CHECK(findings("<iati-organisations version='2.03'><iati-organisation></iati-organisations>") ==
        "not-activity-file@1:1;xml-syntax@1:55;");
  // Well-formed: only the root is reported, and nothing is passed on.
  Capture cap;
  CollectingReporter rep;
  CHECK(read("<html><iati-activity><iati-identifier>A</iati-identifier></iati-activity></html>", cap, rep) ==
        ReadResult::DataError);
  CHECK(only_error(rep) == "not-iati@1:1");
  CHECK(cap.ids.empty());
}

TEST_CASE("xml reader: attribute checks stay linear on an element with very many attributes", "[xml][limits]") {
  auto doc = [](const std::string& root_attrs, const std::string& body) {
    return "<iati-activities version='2.03'" + root_attrs + ">\n<iati-activity>" + body + "</iati-activity>\n</iati-activities>";
  };
  std::string many;
  for (int i = 0; i < 40; ++i) many += " a" + std::to_string(i) + "='1'";
  // The finding is at the second one's value, on line 2.
  auto at_value = [](const std::string& xml, const std::string& attr) {
    return "duplicate-attribute@2:" + std::to_string(xml.find(attr + "='2'") + attr.size() + 2 - xml.find('\n')) + ";";
  };
  std::string same_name = doc("", "<title" + many + " a7='2'/>");
  CHECK(findings(same_name) == at_value(same_name, "a7"));
  std::string same_uri = doc(" xmlns:p='urn:a' xmlns:q='urn:a'", "<title p:x='1'" + many + " q:x='2'/>");
  CHECK(findings(same_uri) == at_value(same_uri, "q:x"));
  // 200,000 attributes and 20,000 prefixes: quadratic checks would not finish.
  std::string huge, prefixes;
  for (int i = 0; i < 200000; ++i) huge += " p" + std::to_string(i % 20000) + ":a" + std::to_string(i) + "='1'";
  for (int i = 0; i < 20000; ++i) prefixes += " xmlns:p" + std::to_string(i) + "='urn:" + std::to_string(i) + "'";
  CHECK(findings(doc(prefixes, "<title" + huge + "/>")) == "");
}
