// The structure layer: XSD value types with plain reasons, order and cardinality messages, and the official suites.
#include <catch2/catch.hpp>

#include "check/value_types.hpp"
#include "support.hpp"

using namespace projconv;
using namespace projconv::test;
namespace fs = std::filesystem;

TEST_CASE("dates: the bad ones the issue names, and the edges", "[structure][types]") {
  for (const char* good : {"2019-02-28", "2020-02-29", "2000-02-29", "2018-03-13Z", "2018-03-13+01:00", " 2019-01-01 "})
    CHECK(check_value(ValueType::Date, good).empty());
  CHECK(check_value(ValueType::Date, "2019-02-30") == "there is no day 30 in February 2019");
  CHECK(check_value(ValueType::Date, "2019-02-29") == "there is no day 29 in February 2019");
  CHECK(check_value(ValueType::Date, "1900-02-29") == "there is no day 29 in February 1900");
  CHECK(check_value(ValueType::Date, "2019-1-1") == "month and day need two digits each (YYYY-MM-DD)");
  CHECK(check_value(ValueType::Date, "13/03/2018") == "dates are written YYYY-MM-DD, not with '/' or '.'");
  CHECK(check_value(ValueType::Date, "2019") == "a year alone is not a date: write YYYY-MM-DD");
  CHECK(check_value(ValueType::Date, "2019-13-01") == "there is no month 13");
  CHECK_FALSE(check_value(ValueType::Date, "").empty());
  CHECK_FALSE(check_value(ValueType::Date, "20110506").empty());
  CHECK_FALSE(check_value(ValueType::Date, "2019-01-01T00:00:00").empty());
}

TEST_CASE("date-times, decimals, booleans, integers, language tags", "[structure][types]") {
  CHECK(check_value(ValueType::DateTime, "2019-02-28T16:36:46.506663+00:00").empty());
  CHECK(check_value(ValueType::DateTime, "2016-03-21T17:30:29.409391").empty());
  CHECK(check_value(ValueType::DateTime, "2011-05-13 14:28:20") == "date and time must be joined by 'T', not a space");
  CHECK_FALSE(check_value(ValueType::DateTime, "2019-01-01").empty());
  CHECK_FALSE(check_value(ValueType::DateTime, "2019-01-01T25:00:00").empty());
  for (const char* good : {"200000.00", "-7826.00", "0.10", ".5", "5.", "+1", "007", " 100 "})
    CHECK(check_value(ValueType::Decimal, good).empty());
  CHECK(check_value(ValueType::Decimal, "1,000") == "write the number without thousands separators or decimal commas");
  CHECK_FALSE(check_value(ValueType::Decimal, "$5").empty());
  CHECK_FALSE(check_value(ValueType::Decimal, "10%").empty());
  CHECK_FALSE(check_value(ValueType::Decimal, "1e3").empty());
  CHECK_FALSE(check_value(ValueType::Decimal, "").empty());
  for (const char* b : {"true", "false", "1", "0"}) CHECK(check_value(ValueType::Boolean, b).empty());
  CHECK_FALSE(check_value(ValueType::Boolean, "True").empty());
  CHECK_FALSE(check_value(ValueType::Boolean, "yes").empty());
  CHECK(check_value(ValueType::Int, "-2147483648").empty());
  CHECK_FALSE(check_value(ValueType::Int, "2147483648").empty());
  CHECK_FALSE(check_value(ValueType::PositiveInteger, "0").empty());
  CHECK(check_value(ValueType::NonNegativeInteger, "0").empty());
  CHECK_FALSE(check_value(ValueType::NonNegativeInteger, "-1").empty());
  CHECK(check_value(ValueType::Lang, "en").empty());
  CHECK(check_value(ValueType::Lang, "fr-CA").empty());
  CHECK_FALSE(check_value(ValueType::Lang, "english language").empty());
}

TEST_CASE("structure messages say what is missing and where it belongs", "[structure]") {
  std::string xml =
      "<iati-activities version='2.03'>\n<iati-activity>\n"
      " <iati-identifier>XM-1-A</iati-identifier>\n"
      " <reporting-org ref='XM-1' type='10'><narrative>Org</narrative></reporting-org>\n"
      " <title><narrative>T</narrative></title>\n"
      " <description><narrative>D</narrative></description>\n"
      " <activity-status code='2'/>\n"
      " <activity-date type='1' iso-date='2019-02-30'/>\n"
      " <sector code='11110' percentage='1,000'/>\n"
      " <recipient-country code='MX'/>\n"
      " <activity-status code='3'/>\n"
      "</iati-activity>\n</iati-activities>\n";
  Validated v = validate_text(xml, "structure");
  CHECK(v.codes() ==
        "bad-date@8:36;"           // the value of @iso-date
        "bad-decimal@9:35;"
        "element-order@10:2;"      // recipient-country after sector
        "element-order@11:2;"      // the second activity-status: out of place, and one too many
        "too-many@11:2;"
        "missing-element@7:2;");   // participating-org, expected before activity-status
  const Diagnostic& missing = v.diags.back();
  CHECK(render_message(missing) ==
        "activity XM-1-A: <participating-org> is missing in <iati-activity> (expected before activity-status)");
  CHECK(missing.path == "/iati-activities/iati-activity[1]/activity-status[1]");
  CHECK(v.diags[0].path == "/iati-activities/iati-activity[1]/activity-date[1]/@iso-date");
  CHECK(v.diags[0].get("value") == "2019-02-30");
  CHECK(render_message(v.diags[2]) == "activity XM-1-A: <recipient-country> is out of order: it must come before <sector>");
}

TEST_CASE("extensions are allowed only in their own namespace, and only where the schema says", "[structure]") {
  std::string head = "<iati-activities version='2.03' xmlns:u='urn:u'><iati-activity u:flag='1'>"
                     "<iati-identifier>X</iati-identifier>"
                     "<reporting-org ref='X' type='10'><narrative>O</narrative></reporting-org>"
                     "<title><narrative>T</narrative></title><description><narrative>D</narrative></description>"
                     "<participating-org role='1'/><activity-status code='2'/><activity-date type='1' iso-date='2019-01-01'/>";
  CHECK(validate_text(head + "<u:ext/></iati-activity></iati-activities>", "structure").errors == 0);
  CHECK(validate_text(head + "<ext/></iati-activity></iati-activities>", "structure").codes() ==
        "unexpected-element@1:377;");
  // xsd:any comes last in each sequence, so a known element after an extension is out of order.
  CHECK(validate_text(head + "<u:ext/><sector code='1'/></iati-activity></iati-activities>", "structure").codes() ==
        "element-order@1:385;");
  // related-activity has no anyAttribute in the XSD.
  CHECK(validate_text(head + "<related-activity ref='Y' type='1' u:x='2'/></iati-activity></iati-activities>", "structure")
            .errors == 1);
}

TEST_CASE("a file needs an activity, and a malformed activity does not hide the next one", "[structure]") {
  CHECK(validate_text("<iati-activities version='2.03'/>", "structure").codes() == "missing-element@1:1;");
  Validated v = validate_text(
      "<iati-activities version='2.03'>\n<iati-activity><title></titel></iati-activity>\n"
      "<iati-activity><iati-identifier>B</iati-identifier></iati-activity>\n</iati-activities>",
      "structure");
  CHECK(v.result == ReadResult::DataError);
  REQUIRE(v.diags.size() >= 2);
  CHECK(v.diags[0].code == "xml-syntax");
  CHECK(v.diags[1].activity == "B");  // the second activity was still checked
  CHECK(v.diags[1].path.rfind("/iati-activities/iati-activity[2]", 0) == 0);
}

TEST_CASE("official schema suites: every should-pass file passes and every should-fail file fails",
          "[structure][corpus]") {
  fs::path shared = shared_dir("the official schema suites");
  if (shared.empty()) return;
  fs::path t = shared / "iati/schema-tests";
  size_t pass_ok = 0, pass_n = 0, fail_ok = 0, fail_n = 0;
  for (const char* dir : {"should-pass/iati-activities", "activity-tests/should-pass"})
    for (const auto& f : files_in(t / dir, ".xml", true)) {
      Validated v = validate_text(read_file(f), "structure", f.string());
      INFO(f.string() << " " << v.codes());
      CHECK(v.result == ReadResult::Ok);
      CHECK(v.errors == 0);
      ++pass_n;
      pass_ok += v.result == ReadResult::Ok && v.errors == 0;
    }
  for (const char* dir : {"should-fail/iati-activities", "activity-tests/should-fail"})
    for (const auto& f : files_in(t / dir, ".xml", true)) {
      Validated v = validate_text(read_file(f), "structure", f.string());
      INFO(f.string());
      bool failed = v.result != ReadResult::Ok || v.errors > 0;
      CHECK(failed);
      ++fail_n;
      fail_ok += failed;
    }
  CHECK(pass_n == 215);
  CHECK(fail_n == 323);
  std::printf("schema suites, structure layer: should-pass %zu/%zu pass, should-fail %zu/%zu fail\n", pass_ok, pass_n,
              fail_ok, fail_n);
}
