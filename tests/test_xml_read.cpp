// The streaming XML reader: header and trailer content, source positions, and errors located to line:col.
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
  SECTION("UTF-16") {
    CollectingReporter rep;
    CHECK(read(std::string("\xFF\xFE<\0i\0", 6), cap, rep) == ReadResult::DataError);
    CHECK(only_error(rep) == "xml-encoding@1:1");
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
