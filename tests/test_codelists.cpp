// The codelist layer: the generated data, unknown and withdrawn codes, conditions, open lists, and the real corpus.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "check/codelists.hpp"
#include "core/embedded.hpp"
#include "support.hpp"

using namespace projconv;
using namespace projconv::test;
namespace fs = std::filesystem;

namespace {

// Runs the codelist check on every record as the reader hands it over, so records are real (wrapped
// under the root, with source positions), exactly as the validator sees them.
struct CheckSink : Sink {
  CheckSink(const Codelists& c, Reporter& r, std::string f) : lists(c), rep(r), file(std::move(f)) {}
  const Codelists& lists;
  Reporter& rep;
  std::string file;
  size_t records = 0;
  void begin(const Header&) override {}
  void record(Record& r) override {
    ++records;
    lists.check(r, file, rep);
  }
  void end(const Header&) override {}
};

std::vector<Diagnostic> check_xml(const std::string& xml, const Codelists& lists = Codelists::builtin(),
                                  bool organisations = false) {
  auto src = Source::from_string(xml, "t.xml");
  ReadOptions opt;
  opt.file = "t.xml";
  opt.schema = &Schema::builtin();
  opt.organisations = organisations;
  CollectingReporter read_rep, rep;
  CheckSink sink(lists, rep, "t.xml");
  REQUIRE(read_xml(*src, sink, read_rep, opt) == ReadResult::Ok);
  REQUIRE(read_rep.diags.empty());
  return std::move(rep.diags);
}

std::string activity(const std::string& body, const std::string& root_attrs = "version=\"2.03\"") {
  return "<iati-activities " + root_attrs +
         ">\n<iati-activity default-currency=\"USD\">\n <iati-identifier>T-1</iati-identifier>\n" + body +
         "</iati-activity>\n</iati-activities>\n";
}

// "code list value" per finding, for compact assertions.
std::vector<std::string> summary(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds)
    out.push_back(d.code + " " + std::string(d.get("list")) + " \"" + std::string(d.get("value")) + "\"");
  return out;
}

const Codelists& without_open_lists() {
  static const Codelists c =
      Codelists::parse(embedded_file("codelists.txt"), embedded_file("codelist-bindings.txt"), {false, false});
  return c;
}

const Codelists& with_open_lists() {
  static const Codelists c =
      Codelists::parse(embedded_file("codelists.txt"), embedded_file("codelist-bindings.txt"), {true, false});
  return c;
}

// An activity that uses a code of nearly every activity binding, all active and valid.
const char* kGood =
    " <reporting-org ref=\"XM-DAC-47066\" type=\"40\"><narrative xml:lang=\"en\">IOM</narrative></reporting-org>\n"
    " <title><narrative>Title</narrative><narrative xml:lang=\"fr\">Titre</narrative></title>\n"
    " <description type=\"1\"><narrative>Text</narrative></description>\n"
    " <participating-org role=\"1\" type=\"10\" crs-channel-code=\"41121\"/>\n"
    " <other-identifier ref=\"X\" type=\"A1\"/>\n"
    " <activity-status code=\"2\"/>\n"
    " <activity-date iso-date=\"2019-01-01\" type=\"1\"/>\n"
    " <contact-info type=\"1\"/>\n"
    " <activity-scope code=\"4\"/>\n"
    " <recipient-country code=\"MX\" percentage=\"100\"/>\n"
    " <recipient-region code=\"489\" vocabulary=\"1\"/>\n"
    " <recipient-region code=\"A1\" vocabulary=\"99\"/>\n"
    " <location><location-reach code=\"1\"/><location-id vocabulary=\"G1\" code=\"1\"/>"
    "<administrative vocabulary=\"A4\" code=\"MX\"/><exactness code=\"1\"/><location-class code=\"2\"/>"
    "<feature-designation code=\"ADMF\"/></location>\n"
    " <sector vocabulary=\"1\" code=\"15170\"/>\n"
    " <sector code=\"15170\"/>\n"
    " <sector vocabulary=\"2\" code=\"151\"/>\n"
    " <sector vocabulary=\"98\" code=\"1\"/>\n"
    " <sector vocabulary=\"99\" code=\"CC\"/>\n"
    " <tag vocabulary=\"2\" code=\"5\"/>\n"
    " <country-budget-items vocabulary=\"4\"/>\n"
    " <humanitarian-scope type=\"1\" vocabulary=\"1-2\" code=\"X\"/>\n"
    " <policy-marker vocabulary=\"1\" code=\"1\" significance=\"1\"/>\n"
    " <collaboration-type code=\"1\"/>\n"
    " <default-flow-type code=\"10\"/>\n"
    " <default-finance-type code=\"110\"/>\n"
    " <default-aid-type code=\"C01\"/>\n"
    " <default-aid-type vocabulary=\"2\" code=\"1\"/>\n"
    " <default-tied-status code=\"5\"/>\n"
    " <budget type=\"1\" status=\"1\"><value currency=\"EUR\" value-date=\"2019-01-01\">1</value></budget>\n"
    " <planned-disbursement type=\"1\"><value currency=\"USD\">1</value>"
    "<provider-org type=\"10\"/><receiver-org type=\"40\"/></planned-disbursement>\n"
    " <transaction><transaction-type code=\"11\"/><value currency=\"USD\">1</value>"
    "<provider-org type=\"10\"/><receiver-org type=\"40\"/><disbursement-channel code=\"1\"/>"
    "<sector vocabulary=\"1\" code=\"15170\"/><recipient-country code=\"MX\"/>"
    "<flow-type code=\"10\"/><finance-type code=\"110\"/><aid-type code=\"C01\"/>"
    "<tied-status code=\"5\"/></transaction>\n"
    " <document-link format=\"application/pdf\" url=\"http://x\">"
    "<category code=\"A01\"/><language code=\"en\"/></document-link>\n"
    " <related-activity ref=\"X\" type=\"1\"/>\n"
    " <conditions attached=\"1\"><condition type=\"1\"/></conditions>\n"
    " <result type=\"1\"><indicator measure=\"1\"><reference vocabulary=\"1\" code=\"1\"/></indicator></result>\n"
    " <crs-add><other-flags code=\"1\" significance=\"1\"/><loan-terms><repayment-type code=\"1\"/>"
    "<repayment-plan code=\"4\"/></loan-terms><loan-status year=\"2019\" currency=\"USD\"/>"
    "<channel-code>21000</channel-code></crs-add>\n"
    " <fss extraction-date=\"2019-01-01\"><forecast year=\"2019\" currency=\"USD\">1</forecast></fss>\n";

}  // namespace

TEST_CASE("codelists: the generated data compiled into the binary", "[codelists]") {
  const Codelists& c = Codelists::builtin();
  // mapping.xml (IATI-Codelists version-2.03 @75e827b) holds 124 <mapping> elements; 125 counts <mappings> too.
  CHECK(c.binding_count() == 124);
  CHECK(c.conditional_count() == 21);
  CHECK(c.list_count() == 70);
  CHECK(c.unbound().empty());

  const Codelist* sector = c.find("Sector");
  REQUIRE(sector);
  CHECK(sector->complete);
  REQUIRE(sector->find("11110"));
  CHECK(sector->find("11110")->name == "Education policy and administrative management");
  CHECK_FALSE(sector->find("11110")->withdrawn);
  REQUIRE(sector->find("11321"));
  CHECK(sector->find("11321")->withdrawn);
  CHECK(sector->find("99999") == nullptr);
  CHECK(sector->find("") == nullptr);

  REQUIRE(c.find("Country"));
  CHECK_FALSE(c.find("Country")->complete);  // the IATI list calls itself open (complete="0")
  REQUIRE(c.find("Language"));
  CHECK_FALSE(c.find("Language")->complete);
  CHECK(c.find("Language")->find("en"));
  CHECK(c.find("Language")->find("EN") == nullptr);  // codes are matched exactly, as the IATI Validator does
  REQUIRE(c.find("LoanRepaymentPeriod"));
  CHECK(c.find("LoanRepaymentPeriod")->complete);  // the source has no @complete: treated as closed
  CHECK(c.find("NoSuchList") == nullptr);
}

TEST_CASE("codelists: a valid activity has no findings", "[codelists]") {
  CHECK(summary(check_xml(activity(kGood))).empty());
  CHECK(summary(check_xml(activity(kGood), with_open_lists())).empty());
}

TEST_CASE("codelists: an unknown code, with its node, value, list, position and path", "[codelists]") {
  std::string xml = activity(" <recipient-country code=\"XX\" percentage=\"100\"/>\n <activity-status code=\"9\"/>\n");
  SECTION("Country is open (complete=\"0\"): with open lists switched off, not reported") {
    CHECK(summary(check_xml(xml, without_open_lists())) == std::vector<std::string>{"codelist-unknown ActivityStatus \"9\""});
  }
  SECTION("by default open lists are checked, as the IATI Validator does") {
    auto ds = check_xml(xml);
    REQUIRE(ds.size() == 2);
    const Diagnostic& d = ds[0];
    CHECK(d.code == "codelist-unknown");
    CHECK(d.layer == "codelists");
    CHECK(d.severity == Severity::Error);
    CHECK(d.get("node") == "recipient-country/@code");
    CHECK(d.get("value") == "XX");
    CHECK(d.get("list") == "Country");
    CHECK(d.file == "t.xml");
    CHECK(d.activity == "T-1");
    CHECK(d.loc.line == 4);
    CHECK(d.loc.col == 27);  // the value, after code="
    CHECK(d.path == "/iati-activities/iati-activity[1]/recipient-country[1]/@code");
    CHECK(render_text(d) ==
          "t.xml:4:27: error: activity T-1: recipient-country/@code \"XX\" is not a code of the Country codelist "
          "[codelist-unknown]");
    CHECK(ds[1].get("node") == "activity-status/@code");
    CHECK(ds[1].loc.line == 5);
    CHECK(ds[1].path == "/iati-activities/iati-activity[1]/activity-status[1]/@code");
  }
}

TEST_CASE("codelists: an empty code is unknown", "[codelists]") {
  auto ds = check_xml(
      activity(" <activity-status code=\"\"/>\n <transaction><value currency=\"\">1</value></transaction>\n"));
  CHECK(summary(ds) ==
        std::vector<std::string>{"codelist-unknown ActivityStatus \"\"", "codelist-unknown Currency \"\""});
  REQUIRE(ds.size() == 2);
  CHECK(ds[1].path == "/iati-activities/iati-activity[1]/transaction[1]/value[1]/@currency");
}

TEST_CASE("codelists: a withdrawn code is a warning naming the code", "[codelists]") {
  auto ds = check_xml(activity(" <recipient-country code=\"AN\"/>\n <sector vocabulary=\"1\" code=\"11321\"/>\n"));
  REQUIRE(ds.size() == 2);
  // Country is open, but a withdrawn code is still worth a warning.
  CHECK(ds[0].code == "codelist-withdrawn");
  CHECK(ds[0].severity == Severity::Warning);
  CHECK(ds[0].get("list") == "Country");
  CHECK(ds[0].get("name") == "NETHERLAND ANTILLES");
  CHECK(ds[1].code == "codelist-withdrawn");
  CHECK(ds[1].get("node") == "sector/@code");
  CHECK(ds[1].get("value") == "11321");
  CHECK(ds[1].get("list") == "Sector");
  CHECK(ds[1].get("name") == "Lower secondary education");
  CHECK(ds[1].loc.line == 5);
  CHECK(render_message(ds[1]) ==
        "activity T-1: sector/@code \"11321\" is a withdrawn code of the Sector codelist (Lower secondary education)");
}

TEST_CASE("codelists: sector codes are checked against the list their vocabulary names", "[codelists][conditions]") {
  std::string xml = activity(
      " <sector vocabulary=\"1\" code=\"99999\"/>\n"  // DAC 5-digit: unknown
      " <sector code=\"99998\"/>\n"                   // no vocabulary means 1
      " <sector vocabulary=\"2\" code=\"11110\"/>\n"  // DAC 3-digit list: a 5-digit code is unknown
      " <sector vocabulary=\"2\" code=\"111\"/>\n"    // fine
      " <sector vocabulary=\"7\" code=\"18\"/>\n"     // UNSDG goals 1..17
      " <sector vocabulary=\"98\" code=\"ABC\"/>\n"   // publisher vocabularies: never checked
      " <sector vocabulary=\"99\" code=\"99999\"/>\n"
      " <sector vocabulary=\"42\" code=\"99999\"/>\n"  // an unknown vocabulary: the vocabulary is the finding
      " <transaction><sector vocabulary=\"2\" code=\"1\"/></transaction>\n");
  CHECK(summary(check_xml(xml)) == std::vector<std::string>{
                                       "codelist-unknown Sector \"99999\"",
                                       "codelist-unknown Sector \"99998\"",
                                       "codelist-unknown SectorCategory \"11110\"",
                                       "codelist-unknown UNSDG-Goals \"18\"",
                                       "codelist-unknown SectorVocabulary \"42\"",
                                       "codelist-unknown SectorCategory \"1\"",
                                   });
}

TEST_CASE("codelists: xml:lang is checked against Language where it is an open list", "[codelists][language]") {
  std::string xml = activity(
      " <title><narrative xml:lang=\"zz\">T</narrative><narrative xml:lang=\"EN\">T</narrative>"
      "<narrative xml:lang=\"fr\">T</narrative></title>\n",
      "version=\"2.03\" xml:lang=\"qq\"");
  SECTION("Language is open (complete=\"0\"): with open lists switched off, not reported") {
    CHECK(check_xml(xml, without_open_lists()).empty());
  }
  SECTION("by default: zz is unknown, upper-case EN is a case slip; the root's xml:lang is not reported") {
    auto ds = check_xml(xml);
    CHECK(summary(ds) ==
          std::vector<std::string>{"codelist-unknown Language \"zz\"", "codelist-case Language \"EN\""});
    CHECK(ds[1].severity == Severity::Warning);
    CHECK(ds[1].get("code") == "en");
    REQUIRE(ds.size() == 2);
    CHECK(ds[0].get("node") == "narrative/@xml:lang");
    CHECK(ds[0].path == "/iati-activities/iati-activity[1]/title[1]/narrative[1]/@xml:lang");
    CHECK(ds[1].path == "/iati-activities/iati-activity[1]/title[1]/narrative[2]/@xml:lang");
  }
}

TEST_CASE("codelists: open lists report withdrawn codes only", "[codelists]") {
  // HumanitarianScopeType and IndicatorVocabulary are open too; OrganisationRegistrationAgency is bound to nothing.
  std::string xml = activity(
      " <recipient-country code=\"XX\"/>\n <humanitarian-scope type=\"7\" vocabulary=\"1-2\" code=\"X\"/>\n"
      " <document-link format=\"text/html\" url=\"http://x\"><language code=\"xx\"/></document-link>\n");
  CHECK(check_xml(xml, without_open_lists()).empty());
  CHECK(summary(check_xml(xml, with_open_lists())) ==
        std::vector<std::string>{"codelist-unknown Country \"XX\"", "codelist-unknown HumanitarianScopeType \"7\"",
                                 "codelist-unknown Language \"xx\""});
}

TEST_CASE("codelists: the root's attributes are left to the per-file check", "[codelists]") {
  CHECK(check_xml(activity("", "version=\"9.99\"")).empty());
  // Two records: still nothing, where a per-record root check would say it twice.
  std::string two =
      "<iati-activities version=\"9.99\"><iati-activity><iati-identifier>A</iati-identifier></iati-activity>"
      "<iati-activity><iati-identifier>B</iati-identifier></iati-activity></iati-activities>";
  CHECK(check_xml(two).empty());
}

TEST_CASE("codelists: the one text() binding, crs-add/channel-code", "[codelists]") {
  auto ds = check_xml(activity(" <crs-add><channel-code>99999</channel-code></crs-add>\n"));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].get("node") == "channel-code");
  CHECK(ds[0].get("list") == "CRSChannelCode");
  CHECK(ds[0].path == "/iati-activities/iati-activity[1]/crs-add[1]/channel-code[1]");
  CHECK(ds[0].loc.line == 4);
  CHECK(ds[0].loc.col == 11);  // the element's '<'
  // Like XPath text(), an empty element has no text node to check (the structure layer sees the empty value).
  CHECK(check_xml(activity(" <crs-add><channel-code/></crs-add>\n")).empty());
  CHECK(summary(check_xml(activity(" <crs-add><channel-code>41109</channel-code></crs-add>\n"))) ==
        std::vector<std::string>{"codelist-withdrawn CRSChannelCode \"41109\""});
}

TEST_CASE("codelists: organisation records use the organisation bindings", "[codelists][organisation]") {
  std::string xml =
      "<iati-organisations version=\"2.03\">\n"
      "<iati-organisation default-currency=\"XYZ\">\n"
      " <organisation-identifier>XM-1</organisation-identifier>\n"
      " <reporting-org ref=\"XM-1\" type=\"99\"/>\n"
      " <total-budget status=\"1\"><value currency=\"USD\">1</value></total-budget>\n"
      " <recipient-region-budget><recipient-region code=\"1\"/></recipient-region-budget>\n"
      " <activity-status code=\"9\"/>\n"  // an activity element: no organisation binding
      "</iati-organisation>\n</iati-organisations>\n";
  auto ds = check_xml(xml, Codelists::builtin(), true);
  CHECK(summary(ds) == std::vector<std::string>{"codelist-unknown Currency \"XYZ\"",
                                                "codelist-unknown OrganisationType \"99\"",
                                                "codelist-unknown Region \"1\""});
  REQUIRE(ds.size() == 3);
  CHECK(ds[0].activity == "XM-1");
  CHECK(ds[0].path == "/iati-organisations/iati-organisation[1]/@default-currency");
}

TEST_CASE("codelists: bad data files are refused", "[codelists][errors]") {
  const char* lists = "# x\nlist\tL\tcomplete=1\n\ta\tactive\tA\n\tb\twithdrawn\tB\n";
  CHECK_NOTHROW(Codelists::parse(lists, "//iati-activity/@x\tL\t\n"));
  CHECK_THROWS_WITH(Codelists::parse("\ta\tactive\tA\n", ""), Catch::Contains("before the first list"));
  CHECK_THROWS_WITH(Codelists::parse("list\tL\tcomplete=2\n", ""), Catch::Contains("line 1"));
  CHECK_THROWS_WITH(Codelists::parse("list\tL\tcomplete=1\n\ta\tretired\tA\n", ""), Catch::Contains("retired"));
  CHECK_THROWS_WITH(Codelists::parse("list\tL\tcomplete=1\nlist\tL\tcomplete=0\n", ""), Catch::Contains("twice"));
  CHECK_THROWS_WITH(Codelists::parse(lists, "//iati-activity/@x\tL\n"), Catch::Contains("line 1"));
  CHECK_THROWS_WITH(Codelists::parse(lists, "# c\n//iati-activity/@x[\tL\t\n"), Catch::Contains("line 2"));
  CHECK_THROWS_WITH(Codelists::parse(lists, "//iati-activity/@x\tL\t@a = \n"), Catch::Contains("condition"));
  CHECK_THROWS_WITH(Codelists::parse(lists, "count(//x)\tL\t\n"), Catch::Contains("does not select nodes"));
  // A binding to a list the file does not have is kept, named, and checks nothing.
  Codelists c = Codelists::parse(lists, "//iati-activity/@x\tL\t\n//iati-activity/@y\tGone\t\n");
  CHECK(c.binding_count() == 2);
  CHECK(c.unbound() == std::vector<std::string>{"//iati-activity/@y -> Gone"});
  CHECK(summary(check_xml("<iati-activities><iati-activity x=\"c\" y=\"c\"/></iati-activities>", c)) ==
        std::vector<std::string>{"codelist-unknown L \"c\""});
}

TEST_CASE("codelists: paths the walk cannot take are evaluated as XPath", "[codelists][xpath]") {
  const char* lists = "list\tL\tcomplete=1\n\ta\tactive\tA\n\tb\twithdrawn\tB\n";
  const char* bindings =
      "//iati-activity/s[@v = '1']/@code\tL\t\n"                // a predicate
      "//iati-activity/*/@w\tL\t\n"                             // a wildcard
      "/iati-activities/iati-activity/t/text()\tL\t@v = '2'\n"  // an absolute path, with a condition
      "/iati-activities/@w\tL\t\n";                             // the root: left to the per-file check
  Codelists c = Codelists::parse(lists, bindings);
  std::string xml =
      "<iati-activities w=\"z\"><iati-activity><s v=\"1\" code=\"x\"/><s v=\"2\" code=\"y\"/><u w=\"b\"/>"
      "<t v=\"2\">q</t><t v=\"3\">r</t></iati-activity></iati-activities>";
  CHECK(summary(check_xml(xml, c)) ==
        std::vector<std::string>{"codelist-unknown L \"x\"", "codelist-withdrawn L \"b\"", "codelist-unknown L \"q\""});
}

namespace {

using Key = std::tuple<std::string, std::string, std::string, std::string, uint32_t, uint32_t>;

struct FileResult {
  size_t records = 0;
  std::vector<Diagnostic> diags;
};

FileResult check_file(const fs::path& p, const Codelists& lists) {
  auto src = Source::open(p.string());
  ReadOptions opt;
  opt.file = p.filename().string();
  opt.schema = &Schema::builtin();
  CollectingReporter read_rep, rep;
  CheckSink sink(lists, rep, opt.file);
  REQUIRE(read_xml(*src, sink, read_rep, opt) == ReadResult::Ok);
  return {sink.records, std::move(rep.diags)};
}

std::vector<Key> keys(const std::vector<Diagnostic>& ds) {
  std::vector<Key> out;
  for (const auto& d : ds)
    out.emplace_back(d.code, d.path, std::string(d.get("value")), std::string(d.get("list")), d.loc.line, d.loc.col);
  std::sort(out.begin(), out.end());
  return out;
}

std::map<std::string, size_t> count_by(const std::vector<Diagnostic>& ds, bool by_list) {
  std::map<std::string, size_t> n;
  for (const auto& d : ds) ++n[by_list ? d.code + " " + std::string(d.get("list")) : d.code];
  return n;
}

std::string format_counts(const std::map<std::string, size_t>& n) {
  std::string s;
  for (const auto& [k, v] : n) s += (s.empty() ? "" : ", ") + k + ": " + std::to_string(v);
  return s.empty() ? "none" : s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Unknown codes that differ from a listed code only in letter case ("EN" for "en", "TEXT/HTML"), by list.
std::map<std::string, size_t> case_only(const std::vector<Diagnostic>& ds) {
  static const auto folded = [] {
    std::map<std::string, std::map<std::string, bool>> m;  // list -> lower-cased codes
    for (const auto& d : std::vector<std::string>{"Language", "FileFormat", "UNSDG-Targets", "Country", "Currency"})
      for (const Code& c : Codelists::builtin().find(d)->codes) m[d][lower(c.code)] = true;
    return m;
  }();
  std::map<std::string, size_t> n;
  for (const auto& d : ds) {
    if (d.code != "codelist-unknown") continue;
    auto it = folded.find(std::string(d.get("list")));
    if (it != folded.end() && it->second.count(lower(d.get("value")))) ++n[it->first];
  }
  return n;
}

}  // namespace

TEST_CASE("codelists: IOM's real file, activity by activity", "[codelists][corpus]") {
  fs::path shared = shared_dir("the codelist check of un-iom-2.03.xml");
  if (shared.empty()) return;
  FileResult r = check_file(shared / "corpus/iati-real/un-iom-2.03.xml", Codelists::builtin());
  auto n = count_by(r.diags, true);
  std::printf("codelists: un-iom-2.03.xml: %zu activities, %zu findings: %s\n", r.records, r.diags.size(),
              format_counts(n).c_str());
  CHECK(r.records == 577);
  // IOM's file is valid IATI and mostly uses live codes: no unknown code at all. What it has is the DAC
  // sector 74010 (Disaster prevention and preparedness), which the DAC list has since withdrawn; IOM was
  // still using it in February 2019 in 14 of its 577 activities: warnings, not errors.
  CHECK(n == std::map<std::string, size_t>{{"codelist-withdrawn Sector", 14}});
  for (const auto& d : r.diags) {
    CHECK(d.get("value") == "74010");
    CHECK(d.get("name") == "Disaster prevention and preparedness");
  }
  // Open lists add nothing here: IOM writes lower-case languages and listed country codes.
  CHECK(check_file(shared / "corpus/iati-real/un-iom-2.03.xml", with_open_lists()).diags.size() == 14);
}

TEST_CASE("codelists: the whole real corpus, with the walk cross-checked against XPath", "[codelists][corpus]") {
  fs::path shared = shared_dir("the codelist check of the real corpus");
  if (shared.empty()) return;
  const Codelists xpath_default =
      Codelists::parse(embedded_file("codelists.txt"), embedded_file("codelist-bindings.txt"), {false, true});
  const Codelists xpath_open =
      Codelists::parse(embedded_file("codelists.txt"), embedded_file("codelist-bindings.txt"), {true, true});
  auto files = files_in(shared / "corpus/iati-real", ".xml", false);
  REQUIRE(files.size() == 7);
  size_t records = 0, findings = 0;
  for (const auto& f : files) {
    INFO(f.string());
    FileResult def = check_file(f, without_open_lists());
    FileResult open = check_file(f, with_open_lists());
    // The walk and pugixml's XPath select the same nodes: same findings, same places.
    CHECK(keys(def.diags) == keys(check_file(f, xpath_default).diags));
    CHECK(keys(open.diags) == keys(check_file(f, xpath_open).diags));
    // Checking open lists only adds unknown codes of open lists.
    CHECK(open.diags.size() >= def.diags.size());
    std::printf(
        "codelists: %s: %zu records\n  default: %s\n  open lists too: %s\n  only the letter case is wrong: %s\n",
        f.filename().string().c_str(), def.records, format_counts(count_by(def.diags, true)).c_str(),
        format_counts(count_by(open.diags, true)).c_str(), format_counts(case_only(open.diags)).c_str());
    records += def.records;
    findings += def.diags.size();
  }
  CHECK(records == 1187);
  std::printf("codelists: corpus: %zu records, %zu findings by default\n", records, findings);
}

TEST_CASE("codelists: the IATI Validator's codelist test files give exactly their planted codes",
          "[codelists][corpus]") {
  fs::path shared = shared_dir("the IATI Validator's codelist test files");
  if (shared.empty()) return;
  fs::path dir = shared / "iati/validator/integration-test-files";
  auto found = [&](const char* name, bool organisations) {
    return summary(check_xml(read_file(dir / name), with_open_lists(), organisations));
  };
  CHECK(found("iati-act-no-errors.xml", false).empty());
  CHECK(found("iati-org-no-errors.xml", true).empty());
  CHECK(found("iati-act-codelist-basic.xml", false) ==
        std::vector<std::string>{"codelist-unknown OrganisationRole \"\"", "codelist-unknown BudgetType \"3\""});
  // aid-type vocabulary="ABC123" is itself unknown, so its code is checked against no list.
  CHECK(found("iati-act-codelist-conditional.xml", false) ==
        std::vector<std::string>{"codelist-unknown Region \"ZZA123\"", "codelist-unknown AidType \"123ZZ\"",
                                 "codelist-unknown AidTypeVocabulary \"ABC123\""});
  CHECK(found("iati-org-codelist-basic.xml", true) ==
        std::vector<std::string>{"codelist-unknown OrganisationType \"ZZ123\""});
}
