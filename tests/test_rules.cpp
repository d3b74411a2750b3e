// The rules layer: each rule type on small snippets, ruleset errors, the official meta tests, and our rulesets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

#include "check/rules.hpp"
#include "core/embedded.hpp"
#include "support.hpp"

using namespace projconv;
using namespace projconv::test;

namespace {

// A sink that runs a ruleset on every record it is given.
struct RuleSink : Sink {
  RuleSink(const RuleSet& rs, std::string f, Reporter& r) : rules(rs), file(std::move(f)), rep(r) {}
  void begin(const Header&) override {}
  void record(Record& r) override {
    ++records;
    rules.check(r, file, rep);
  }
  void end(const Header&) override {}
  const RuleSet& rules;
  std::string file;
  Reporter& rep;
  size_t records = 0;
};

std::vector<Diagnostic> run(const RuleSet& rs, const std::string& xml, const std::string& name = "t.xml") {
  auto src = Source::from_string(xml, name);
  CollectingReporter found, reading;
  ReadOptions opt;
  opt.file = name;
  opt.schema = &Schema::builtin();
  opt.organisations = true;
  RuleSink sink(rs, name, found);
  ReadResult res = read_xml(*src, sink, reading, opt);
  INFO(name << ": " << (reading.diags.empty() ? std::string() : render_text(reading.diags[0])));
  REQUIRE(res == ReadResult::Ok);
  return std::move(found.diags);
}

std::vector<Diagnostic> run(const std::string& json, const std::string& xml) {
  return run(RuleSet::parse(json, "test.json"), xml);
}

// A ruleset of one case under one context.
std::string one_case(const std::string& rule, const std::string& c,
                     const std::string& context = "/iati-activities/iati-activity") {
  return "{\"" + context + "\": {\"" + rule + "\": {\"cases\": [" + c + "]}}}";
}

// The activity starts on line 2, column 1; the body on line 3.
std::string activity(const std::string& body, const std::string& attrs = "") {
  return "<iati-activities version='2.03'>\n<iati-activity" + attrs + ">\n" + body + "</iati-activity>\n</iati-activities>\n";
}

std::string at(const Diagnostic& d) {
  return d.code + "@" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + " " + d.path;
}

std::string codes(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += (out.empty() ? "" : " ") + d.code;
  return out;
}

std::string show(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += render_text(d) + "\n";
  return out;
}

std::string parse_error(const std::string& json) {
  try {
    RuleSet::parse(json, "bad.json");
  } catch (const RulesetError& e) {
    CHECK(e.name() == "bad.json");
    return e.detail();
  }
  return "(parsed)";
}

}  // namespace

TEST_CASE("rules: a failing case becomes one diagnostic with ruleInfo, facts and place", "[rules]") {
  std::string rs = one_case("atleast_one", R"J({"paths": ["title"], "ruleInfo": {"id": "9.9.9", "severity": "warning",
                                               "message": "Give a title", "link": {"url": "x"}}})J");
  auto ds = run(rs, activity("<iati-identifier>AA-1</iati-identifier>\n"));
  REQUIRE(ds.size() == 1);
  const Diagnostic& d = ds[0];
  CHECK(at(d) == "9.9.9@2:1 /iati-activities/iati-activity[1]");
  CHECK(d.severity == Severity::Warning);
  CHECK(d.layer == "rules");
  CHECK(d.file == "t.xml");
  CHECK(d.activity == "AA-1");
  CHECK(d.get("message") == "Give a title");
  CHECK(d.get("detail") == "no \"title\" is present in iati-activity");
  CHECK(d.get("rule") == "atleast_one");
  CHECK(d.get("context") == "/iati-activities/iati-activity");
  CHECK(render_message(d) == "activity AA-1: Give a title: no \"title\" is present in iati-activity");
  CHECK(run(rs, activity("<title/>\n")).empty());
}

TEST_CASE("rules: severity and code without ruleInfo", "[rules]") {
  auto sev = [](const std::string& s) {
    auto ds = run(one_case("atleast_one", R"J({"paths": ["title"], "ruleInfo": {"id": "x", "severity": ")J" + s + "\"}}"),
                  activity(""));
    REQUIRE(ds.size() == 1);
    return ds[0].severity;
  };
  CHECK(sev("error") == Severity::Error);
  CHECK(sev("warning") == Severity::Warning);
  CHECK(sev("info") == Severity::Note);
  CHECK(sev("advisory") == Severity::Note);
  auto ds = run(one_case("atLeastOne", R"J({"paths": ["title"]})J"), activity(""));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].code == "atleast_one");  // the JS spelling is accepted; findings use the snake_case name
  CHECK(ds[0].severity == Severity::Error);
  CHECK(ds[0].get("message").empty());
}

TEST_CASE("rules: atleast_one, no_more_than_one, dependent, only_one_of", "[rules]") {
  SECTION("atleast_one counts text nodes and attributes") {
    std::string rs = one_case("atleast_one", R"J({"paths": ["@ref", "narrative/text()"]})J",
                              "/iati-activities/iati-activity/participating-org");
    CHECK(run(rs, activity("<participating-org ref='X'/>\n")).empty());
    CHECK(run(rs, activity("<participating-org><narrative>N</narrative></participating-org>\n")).empty());
    auto ds = run(rs, activity("<participating-org role='1'>\n <narrative/>\n</participating-org>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "atleast_one@3:1 /iati-activities/iati-activity[1]/participating-org[1]");
    CHECK(ds[0].get("detail") == "none of \"@ref\", \"narrative/text()\" is present in participating-org");
  }
  SECTION("no_more_than_one points at the second, and back at the first") {
    auto ds = run(one_case("no_more_than_one", R"J({"paths": ["title"]})J"),
                  activity("<title/>\n  <title>Two</title>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "no_more_than_one@4:3 /iati-activities/iati-activity[1]/title[2]");
    CHECK(ds[0].get("detail") == "2 found for \"title\"; at most one is allowed");
    CHECK(ds[0].get("value") == "Two");
    REQUIRE(ds[0].related.size() == 1);
    CHECK(ds[0].related[0].path == "/iati-activities/iati-activity[1]/title[1]");
    CHECK(ds[0].related[0].loc.line == 3);
  }
  SECTION("dependent") {
    std::string rs = one_case("dependent", R"J({"paths": ["title", "description"]})J");
    CHECK(run(rs, activity("")).empty());
    CHECK(run(rs, activity("<title/><description/>\n")).empty());
    auto ds = run(rs, activity("<title/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].get("detail") == "\"title\" is present but \"description\" is missing in iati-activity");
  }
  SECTION("only_one_of") {
    std::string rs = one_case("only_one_of", R"J({"excluded": ["recipient-country"],
                                                 "paths": ["transaction/recipient-country"]})J");
    CHECK(run(rs, activity("<recipient-country code='MX'/>\n")).empty());
    CHECK(run(rs, activity("<transaction><recipient-country code='MX'/></transaction>\n")).empty());
    auto ds = run(rs, activity("<recipient-country code='MX'/>\n<transaction><recipient-country code='FR'/></transaction>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "only_one_of@4:14 /iati-activities/iati-activity[1]/transaction[1]/recipient-country[1]");
    ds = run(rs, activity(""));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].get("detail") ==
          "expected exactly one of \"transaction/recipient-country\" when \"recipient-country\" is absent, found 0");
  }
}

TEST_CASE("rules: one_or_all", "[rules]") {
  std::string rs = R"J({"//iati-activity": {"one_or_all": {"cases": [
      {"one": "@xml:lang", "all": "lang"}, {"one": "@default-currency", "all": "currency"},
      {"one": "sector", "all": "sector"}, {"one": "recipient-country", "all": "recipient-country|recipient-region"}]}}})J";
  SECTION("a default on the activity is enough") {
    CHECK(run(rs, activity("<title><narrative>T</narrative></title><budget><value>1</value></budget>\n",
                           " xml:lang='en' default-currency='USD'")).empty());
  }
  SECTION("else every element must carry its own") {
    auto ds = run(rs, activity("<title><narrative xml:lang='en'>T</narrative>\n"
                               "  <narrative>U</narrative></title>\n"
                               "<budget><value currency='EUR'>1</value></budget><budget><value>2</value></budget>\n"
                               "<transaction><sector code='1'/><recipient-country code='MX'/></transaction>\n"
                               "<transaction/>\n"));
    REQUIRE(ds.size() == 4);
    CHECK(at(ds[0]) == "one_or_all@4:3 /iati-activities/iati-activity[1]/title[1]/narrative[2]");
    CHECK(ds[0].get("detail") == "iati-activity has no \"@xml:lang\", and 1 narrative lacks @xml:lang");
    CHECK(at(ds[1]) == "one_or_all@5:57 /iati-activities/iati-activity[1]/budget[2]/value[1]");
    CHECK(at(ds[2]) == "one_or_all@7:1 /iati-activities/iati-activity[1]/transaction[2]");
    CHECK(ds[2].get("detail") == "iati-activity has no \"sector\", and 1 transaction has no sector");
    CHECK(at(ds[3]) == "one_or_all@7:1 /iati-activities/iati-activity[1]/transaction[2]");
  }
  SECTION("an unknown `all` is refused") {
    CHECK(parse_error(one_case("one_or_all", R"J({"one": "@x", "all": "title"})J")).find("\"all\" must be one of") !=
          std::string::npos);
  }
}

TEST_CASE("rules: sum, strict_sum and range", "[rules]") {
  std::string strict = one_case("strict_sum", R"J({"paths": ["sector/@percentage"], "sum": 100})J");
  std::string loose = one_case("sum", R"J({"paths": ["sector/@percentage"], "sum": 100})J");
  SECTION("four decimals, as the validator rounds") {
    CHECK(run(strict, activity("<sector percentage='33.33'/><sector percentage='33.33'/><sector percentage='33.34'/>\n")).empty());
    CHECK(run(strict, activity("<sector percentage='33.33333'/><sector percentage='33.33333'/><sector percentage='33.33334'/>\n")).empty());
    CHECK(run(strict, activity("<sector percentage='33.333'/><sector percentage='33.333'/><sector percentage='33.333'/>\n")).size() == 1);
  }
  SECTION("a wrong total is reported at the first value") {
    auto ds = run(strict, activity("<title/>\n<sector percentage='50'/><sector percentage=' 40.0 '/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "strict_sum@4:21 /iati-activities/iati-activity[1]/sector[1]/@percentage");
    CHECK(ds[0].get("detail") == "sector/@percentage values sum to 90, not 100");
    CHECK(ds[0].get("value") == "90");
  }
  SECTION("nothing to add up: sum holds, strict_sum does not") {
    CHECK(run(loose, activity("")).empty());
    auto ds = run(strict, activity(""));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "strict_sum@2:1 /iati-activities/iati-activity[1]");
    CHECK(ds[0].get("detail") == "no \"sector/@percentage\" is present, so the sum is 0, not 100");
  }
  SECTION("a value that is not a number") {
    auto ds = run(loose, activity("<sector percentage='50%'/><sector percentage='50'/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].get("detail") == "sector/@percentage \"50%\" is not a number, so the values cannot be added up");
    CHECK(ds[0].get("value") == "50%");
  }
  SECTION("the sum may be written as a string") {
    CHECK(run(one_case("sum", R"J({"paths": ["sector/@percentage"], "sum": "100"})J"),
              activity("<sector percentage='100'/>\n")).empty());
  }
  SECTION("range") {
    std::string rs = one_case("range", R"J({"paths": ["sector/@percentage"], "min": 0, "max": 100.0})J");
    CHECK(run(rs, activity("<sector percentage='0'/><sector percentage='100'/><sector percentage=''/>\n")).empty());
    auto ds = run(rs, activity("<sector percentage='-1'/><sector percentage='110.5'/><sector percentage='x'/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "range@3:21 /iati-activities/iati-activity[1]/sector[1]/@percentage");
    CHECK(ds[0].get("detail") == "sector/@percentage \"-1\" is below the minimum 0 (and 2 more)");
    ds = run(one_case("range", R"J({"paths": ["sector/@percentage"], "max": 100})J"), activity("<sector percentage='110.5'/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].get("detail") == "sector/@percentage \"110.5\" is above the maximum 100");
  }
}

TEST_CASE("rules: dates", "[rules][dates]") {
  SECTION("date_order: the later date is reported, the earlier one is related") {
    std::string rs = one_case("date_order", R"J({"less": "activity-date[@type='1']/@iso-date",
                                                "more": "activity-date[@type='3']/@iso-date"})J");
    auto ds = run(rs, activity("<activity-date type='1' iso-date='2019-01-01'/>\n"
                               "<activity-date type='3' iso-date='2018-05-01'/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "date_order@4:35 /iati-activities/iati-activity[1]/activity-date[2]/@iso-date");
    CHECK(ds[0].get("detail") == "activity-date/@iso-date \"2018-05-01\" (type 3) is before \"2019-01-01\" (type 1)");
    CHECK(ds[0].get("value") == "2018-05-01");
    REQUIRE(ds[0].related.size() == 1);
    CHECK(ds[0].related[0].path == "/iati-activities/iati-activity[1]/activity-date[1]/@iso-date");
    CHECK(ds[0].related[0].loc.line == 3);
    // Equal dates, a missing date and an unparsable one are all fine.
    CHECK(run(rs, activity("<activity-date type='1' iso-date='2019-01-01'/><activity-date type='3' iso-date='2019-01-01'/>\n")).empty());
    CHECK(run(rs, activity("<activity-date type='3' iso-date='2018-05-01'/>\n")).empty());
    CHECK(run(rs, activity("<activity-date type='1' iso-date='2019-02-30'/><activity-date type='3' iso-date='2018-05-01'/>\n")).empty());
    CHECK(run(rs, activity("<activity-date type='1' iso-date='2019-01-01 10:00:00'/><activity-date type='3' iso-date='2018-05-01'/>\n")).empty());
  }
  SECTION("date_order: dateTimes with zones") {
    std::string rs = one_case("date_order", R"J({"less": "a/@d", "more": "b/@d"})J");
    CHECK(run(rs, activity("<a d='2020-01-01T10:00:00+02:00'/><b d='2020-01-01T09:00:00Z'/>\n")).empty());
    CHECK(run(rs, activity("<a d='2020-01-01T10:00:00-02:00'/><b d='2020-01-01T09:00:00Z'/>\n")).size() == 1);
    CHECK(run(rs, activity("<a d='2020-01-02'/><b d='2020-01-01T23:59:59.5'/>\n")).size() == 1);
  }
  SECTION("date_order with NOW checks every date against today") {
    std::string rs = one_case("date_order", R"J({"less": "transaction/transaction-date/@iso-date", "more": "NOW"})J");
    CHECK(run(rs, activity("<transaction><transaction-date iso-date='2001-01-01'/></transaction>\n")).empty());
    auto ds = run(rs, activity("<transaction><transaction-date iso-date='2001-01-01'/></transaction>\n"
                               "<transaction><transaction-date iso-date='2999-01-01'/></transaction>\n"
                               "<transaction><transaction-date iso-date='2998-01-01'/></transaction>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].path == "/iati-activities/iati-activity[1]/transaction[2]/transaction-date[1]/@iso-date");
    CHECK(ds[0].get("detail") == "transaction-date/@iso-date \"2999-01-01\" is in the future (and 1 more)");
    CHECK(ds[0].related.empty());
  }
  SECTION("date_now") {
    std::string rs = one_case("date_now", R"J({"date": "@last-updated-datetime"})J");
    CHECK(run(rs, activity("", " last-updated-datetime='2018-10-24T22:51:42'")).empty());
    CHECK(run(rs, activity("", " last-updated-datetime='not a date'")).empty());
    CHECK(run(rs, activity("")).empty());
    auto ds = run(rs, activity("", " last-updated-datetime='2050-10-24T22:51:42'"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "date_now@2:39 /iati-activities/iati-activity[1]/@last-updated-datetime");
    CHECK(ds[0].get("detail") == "iati-activity/@last-updated-datetime \"2050-10-24T22:51:42\" is in the future");
  }
  SECTION("time_limit: more than 365 whole days") {
    std::string rs = one_case("time_limit", R"J({"start": "period-start/@iso-date", "end": "period-end/@iso-date"})J",
                              "/iati-activities/iati-activity/budget");
    auto budget = [](const char* s, const char* e) {
      return activity(std::string("<budget><period-start iso-date='") + s + "'/>\n<period-end iso-date='" + e + "'/></budget>\n");
    };
    CHECK(run(rs, budget("2020-01-01", "2020-12-31")).empty());  // 365 days, a leap year
    CHECK(run(rs, budget("2019-01-01", "2020-01-01")).empty());  // 365 days
    CHECK(run(rs, budget("2019-01-01", "2018-01-01")).empty());  // backwards: date_order's business
    auto ds = run(rs, budget("2019-01-01", "2020-01-02"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "time_limit@4:23 /iati-activities/iati-activity[1]/budget[1]/period-end[1]/@iso-date");
    CHECK(ds[0].get("detail") == "period-end/@iso-date \"2020-01-02\" is 366 days after period-start/@iso-date "
                                 "\"2019-01-01\"; a period may last at most a year (365 days)");
    REQUIRE(ds[0].related.size() == 1);
    CHECK(ds[0].related[0].path == "/iati-activities/iati-activity[1]/budget[1]/period-start[1]/@iso-date");
  }
  SECTION("time_limit on several budgets pairs each start with its own end") {
    std::string rs = one_case("time_limit", R"J({"start": "budget/period-start/@iso-date", "end": "budget/period-end/@iso-date"})J");
    CHECK(run(rs, activity("<budget><period-start iso-date='2019-01-01'/><period-end iso-date='2019-12-31'/></budget>\n"
                           "<budget><period-start iso-date='2020-01-01'/><period-end iso-date='2020-12-31'/></budget>\n"))
              .empty());
  }
  SECTION("between_dates in an organisation file") {
    std::string rs = one_case("between_dates", R"J({"date": "budget-line/value/@value-date",
                                                   "start": "period-start/@iso-date", "end": "period-end/@iso-date",
                                                   "ruleInfo": {"id": "11.3.1", "severity": "error"}})J",
                              "/iati-organisations/iati-organisation/recipient-country-budget");
    std::string org =
        "<iati-organisations version='2.03'>\n<iati-organisation>\n<organisation-identifier>XM-1</organisation-identifier>\n"
        "<recipient-country-budget><period-start iso-date='2019-01-01'/><period-end iso-date='2020-01-01'/>\n"
        "<budget-line><value value-date='2019-05-01'>1</value></budget-line>\n"
        "<budget-line><value value-date='2020-05-01'>1</value></budget-line>\n"
        "</recipient-country-budget>\n</iati-organisation>\n</iati-organisations>\n";
    auto ds = run(rs, org);
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "11.3.1@6:33 /iati-organisations/iati-organisation[1]/recipient-country-budget[1]/budget-line[2]/value[1]/@value-date");
    CHECK(ds[0].activity == "XM-1");
    CHECK(ds[0].get("detail") == "value/@value-date \"2020-05-01\" is after the end of the period, period-end/@iso-date \"2020-01-01\"");
    REQUIRE(ds[0].related.size() == 1);
    CHECK(ds[0].related[0].path == "/iati-organisations/iati-organisation[1]/recipient-country-budget[1]/period-end[1]/@iso-date");
  }
}

TEST_CASE("rules: regex, startswith, unique, no_spaces", "[rules]") {
  SECTION("regex_matches and regex_no_matches; empty values are for other checks") {
    std::string yes = one_case("regex_matches", R"J({"paths": ["iati-identifier"], "regex": "^[^\\/\\&\\|\\?]+$"})J");
    std::string no = one_case("regexNoMatches", R"J({"paths": ["iati-identifier"], "regex": "\\s$"})J");
    CHECK(run(yes, activity("<iati-identifier>AA-1</iati-identifier>\n")).empty());
    CHECK(run(yes, activity("<iati-identifier></iati-identifier>\n")).empty());
    auto ds = run(yes, activity("<iati-identifier>AA/1</iati-identifier>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "regex_matches@3:1 /iati-activities/iati-activity[1]/iati-identifier[1]");
    CHECK(ds[0].get("detail") == "iati-identifier \"AA/1\" does not match the pattern ^[^\\/\\&\\|\\?]+$");
    CHECK(run(no, activity("<iati-identifier>AA-1</iati-identifier>\n")).empty());
    CHECK(codes(run(no, activity("<iati-identifier>AA-1 </iati-identifier>\n"))) == "regex_no_matches");
  }
  SECTION("a long value does not exhaust the stack") {
    std::string rs = one_case("regex_matches", R"J({"paths": ["iati-identifier"], "regex": "^[^\\/\\&\\|\\?]+$"})J");
    CHECK(run(rs, activity("<iati-identifier>" + std::string(1 << 20, 'a') + "</iati-identifier>\n")).empty());
  }
  SECTION("startswith: any prefix, with the separator") {
    std::string rs = one_case("startswith", R"J({"prefix": ["reporting-org/@ref", "other-identifier[@type='B1']/@ref"],
                                                "separator": "-", "paths": ["iati-identifier"]})J");
    CHECK(run(rs, activity("<iati-identifier>GB-1-X</iati-identifier><reporting-org ref='GB-1'/>\n")).empty());
    CHECK(run(rs, activity("<iati-identifier>OLD-9-X</iati-identifier><reporting-org ref='GB-1'/>"
                           "<other-identifier type='B1' ref='OLD-9'/>\n")).empty());
    auto ds = run(rs, activity("<iati-identifier>GB-1X</iati-identifier>\n<reporting-org ref='GB-1'/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "startswith@3:1 /iati-activities/iati-activity[1]/iati-identifier[1]");
    CHECK(ds[0].get("detail") == "iati-identifier \"GB-1X\" does not start with \"GB-1-\"");
    REQUIRE(ds[0].related.size() == 1);
    CHECK(ds[0].related[0].path == "/iati-activities/iati-activity[1]/reporting-org[1]/@ref");
    ds = run(rs, activity("<iati-identifier>GB-1-X</iati-identifier>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].get("detail") == "iati-identifier \"GB-1-X\" cannot start with a prefix: no \"reporting-org/@ref\", "
                                 "\"other-identifier[@type='B1']/@ref\" is present");
  }
  SECTION("startswith: the Python edition's `start`, and ORG-ID-PREFIX skipped offline") {
    std::string rs = one_case("startswith", R"J({"start": "reporting-org/@ref", "paths": ["iati-identifier"]})J");
    CHECK(run(rs, activity("<iati-identifier>A-B-C</iati-identifier><reporting-org ref='A-B'/>\n")).empty());
    CHECK(run(rs, activity("<iati-identifier>A-C</iati-identifier><reporting-org ref='A-B'/>\n")).size() == 1);
    RuleSet online = RuleSet::parse(one_case("startswith", R"J({"prefix": ["ORG-ID-PREFIX"], "paths": ["reporting-org/@ref"]})J"), "o");
    CHECK(online.case_count() == 0);
    CHECK(online.skipped_online() == 1);
    RuleSet mixed = RuleSet::parse(
        one_case("startswith", R"J({"prefix": ["ORG-ID-PREFIX", "reporting-org/@ref"], "paths": ["iati-identifier"]})J"), "m");
    CHECK(mixed.case_count() == 1);
    CHECK(run(mixed, activity("<iati-identifier>A-C</iati-identifier><reporting-org ref='A-B'/>\n")).size() == 1);
  }
  SECTION("unique points at the repeat and back at the first") {
    std::string rs = one_case("unique", R"J({"paths": ["reporting-org/@ref", "iati-identifier"],
                                            "ruleInfo": {"id": "1.1.3", "severity": "error"}})J");
    CHECK(run(rs, activity("<iati-identifier>GB-1-1</iati-identifier><reporting-org ref='GB-1'/>\n")).empty());
    auto ds = run(rs, activity("<iati-identifier>GB-1</iati-identifier>\n<reporting-org ref='GB-1'/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "1.1.3@3:1 /iati-activities/iati-activity[1]/iati-identifier[1]");
    CHECK(ds[0].get("detail") == "iati-identifier \"GB-1\" repeats the value of reporting-org/@ref");
    REQUIRE(ds[0].related.size() == 1);
    CHECK(ds[0].related[0].path == "/iati-activities/iati-activity[1]/reporting-org[1]/@ref");
  }
  SECTION("no_spaces, Unicode spaces included") {
    std::string rs = one_case("no_spaces", R"J({"paths": ["iati-identifier", "reporting-org/@ref"]})J");
    CHECK(run(rs, activity("<iati-identifier>AB-1</iati-identifier><reporting-org ref='A B'/>\n")).empty());
    auto ds = run(rs, activity("<iati-identifier>AB-1 </iati-identifier><reporting-org ref='\xC2\xA0" "AB'/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].get("detail") == "iati-identifier \"AB-1 \" has leading or trailing spaces (and 1 more)");
    CHECK(ds[0].get("value") == "AB-1 ");
    CHECK(codes(run(rs, activity("<iati-identifier>AB-1\n</iati-identifier>\n"))) == "no_spaces");
    CHECK(codes(run(rs, activity("<reporting-org ref='AB\xE3\x80\x80'/>\n"))) == "no_spaces");
  }
}

TEST_CASE("rules: if_then, condition, loop", "[rules]") {
  SECTION("if_then reports at the first node of `paths`, with what it found") {
    std::string rs = one_case("if_then", R"J({"if": "count(sector[@vocabulary=98 or @vocabulary=99]) > 0",
        "then": "count(sector[@vocabulary=98 or @vocabulary=99]/narrative) >= count(sector[@vocabulary=98 or @vocabulary=99])",
        "paths": ["sector[@vocabulary=98 or @vocabulary=99]"]})J");
    CHECK(run(rs, activity("<sector vocabulary='1' code='1'/>\n")).empty());
    CHECK(run(rs, activity("<sector vocabulary='99' code='A'><narrative>A</narrative></sector>\n")).empty());
    auto ds = run(rs, activity("<sector vocabulary='1' code='1'/>\n<sector vocabulary='99' code='A'/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(at(ds[0]) == "if_then@4:1 /iati-activities/iati-activity[1]/sector[2]");
    CHECK(ds[0].get("detail").find("does not hold although") != std::string_view::npos);
    CHECK(ds[0].get("detail").find("(found sector)") != std::string_view::npos);
  }
  SECTION("if and then use XPath's boolean(): an empty node-set is false") {
    std::string rs = one_case("if_then", R"J({"if": "not(recipient-country)", "then": "transaction[recipient-country]"})J");
    CHECK(run(rs, activity("<transaction><recipient-country code='MX'/></transaction>\n")).empty());
    CHECK(run(rs, activity("<transaction/>\n")).size() == 1);
  }
  SECTION("condition: the case is skipped when it is false") {
    std::string rs = one_case("atleast_one", R"J({"paths": ["activity-date[@type='4']"], "condition": "activity-status/@code = 3"})J");
    CHECK(run(rs, activity("<activity-status code='2'/>\n")).empty());
    CHECK(run(rs, activity("<activity-status code='3'/>\n")).size() == 1);
  }
  SECTION("idCondition cases need the online list and are skipped") {
    RuleSet rs = RuleSet::parse(one_case("regex_matches", R"J({"idCondition": "NOT_EXISTING_ORG_ID", "regex": "^x$",
                                                              "paths": ["iati-identifier"]})J"), "t");
    CHECK(rs.case_count() == 0);
    CHECK(rs.skipped_online() == 1);
    CHECK(run(rs, activity("<iati-identifier>AA</iati-identifier>\n")).empty());
  }
  SECTION("loop: each distinct foreach value in place of $1") {
    std::string rs = one_case("loop", R"J({"foreach": "sector[@vocabulary != '1']/@vocabulary",
        "do": {"strict_sum": {"cases": [{"condition": "count(sector[@vocabulary = '$1']) > 1",
                                         "paths": ["sector[@vocabulary = '$1']/@percentage"], "sum": 100,
                                         "ruleInfo": {"id": "2.1.2", "severity": "error"}}]},
               "no_more_than_one": {"cases": [{"paths": ["sector[@vocabulary = '$1'][@code = 'X']"]}]}},
        "subs": ["paths", "condition"]})J");
    CHECK(RuleSet::parse(rs, "t").case_count() == 2);
    CHECK(run(rs, activity("<sector vocabulary='2' percentage='50'/><sector vocabulary='2' percentage='50'/>"
                           "<sector vocabulary='3' percentage='20'/>\n")).empty());
    auto ds = run(rs, activity("<sector vocabulary='2' percentage='50'/><sector vocabulary='2' percentage='60'/>\n"
                               "<sector vocabulary='3' percentage='20'/><sector vocabulary='3' percentage='80'/>\n"
                               "<sector vocabulary='4' percentage='1'/><sector vocabulary='4' percentage='1'/>\n"
                               "<sector vocabulary=\"5'\" code='X'/><sector vocabulary=\"5'\" code='X'/>\n"));
    REQUIRE(ds.size() == 2);
    CHECK(at(ds[0]) == "2.1.2@3:36 /iati-activities/iati-activity[1]/sector[1]/@percentage");
    CHECK(ds[0].get("detail") == "sector/@percentage values sum to 110, not 100 in vocabulary \"2\"");
    CHECK(at(ds[1]) == "2.1.2@5:36 /iati-activities/iati-activity[1]/sector[5]/@percentage");
    CHECK(ds[1].get("detail") == "sector/@percentage values sum to 2, not 100 in vocabulary \"4\"");
  }
  SECTION("loop: $1 substituted in the detail") {
    std::string rs = one_case("loop", R"J({"foreach": "default-aid-type/@vocabulary",
        "do": {"no_more_than_one": {"cases": [{"paths": ["default-aid-type[@vocabulary = '$1']"]}]}}, "subs": ["paths"]})J");
    auto ds = run(rs, activity("<default-aid-type vocabulary='2' code='A'/><default-aid-type vocabulary='2' code='B'/>\n"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].get("detail") == "2 found for \"default-aid-type[@vocabulary = '2']\"; at most one is allowed");
    CHECK(ds[0].code == "no_more_than_one");
  }
}

TEST_CASE("rules: bad rulesets are refused with what is wrong", "[rules][errors]") {
  CHECK(parse_error("{\n  \"//x\": {\n    \"atleast_one\": {\"cases\": [}\n  }\n}") ==
        "not valid JSON: invalid value at line 3, column 31 (byte offset 43)");
  CHECK(parse_error("[]") == "a ruleset must be a JSON object of context XPaths");
  CHECK(parse_error(one_case("at_least_one", R"J({"paths": ["a"]})J")).rfind(
            "context \"/iati-activities/iati-activity\", rule \"at_least_one\": unknown rule \"at_least_one\" (known: "
            "no_more_than_one, atleast_one, ",
            0) == 0);
  CHECK(parse_error(one_case("atleast_one", R"J({"paths": ["a["]})J")).rfind(
            "context \"/iati-activities/iati-activity\", rule \"atleast_one\", case 1: \"paths\": the XPath \"a[\" does "
            "not compile: ",
            0) == 0);
  CHECK(parse_error(one_case("atleast_one", R"J({"paths": ["count(a)"]})J")).find("must select nodes (it gives a number)") !=
        std::string::npos);
  CHECK(parse_error(one_case("date_order", R"J({"less": "a/@d"})J")) ==
        "context \"/iati-activities/iati-activity\", rule \"date_order\", case 1: the key \"more\" is required for this rule");
  CHECK(parse_error(one_case("strict_sum", R"J({"paths": ["a"], "sum": "all"})J")).find("\"sum\" must be a number") !=
        std::string::npos);
  CHECK(parse_error(one_case("regex_matches", R"J({"paths": ["a"], "regex": "(["})J")).find("the regex \"([\" does not compile") !=
        std::string::npos);
  CHECK(parse_error(one_case("atleast_one", R"J({"paths": ["a"], "idCondition": "ONLINE"})J")).find("unknown idCondition") !=
        std::string::npos);
  CHECK(parse_error("{\"a[\": {}}") .rfind("context \"a[\": \"context\": the XPath \"a[\" does not compile", 0) == 0);
  CHECK(parse_error(one_case("loop", R"J({"foreach": "a/@b", "do": {"loop": {"cases": [{"foreach": "c", "do": {}}]}}})J"))
            .find("a loop cannot hold another loop") != std::string::npos);
  CHECK(parse_error(one_case("loop", R"J({"foreach": "a/@b", "subs": ["paths"],
                                         "do": {"atleast_one": {"cases": [{"paths": ["x[@v = '$1'"]}]}}})J"))
            .find("do \"atleast_one\", case 1: \"paths\": the XPath") != std::string::npos);
  try {
    RuleSet::load("/nonexistent/rules.json");
    FAIL("loaded a missing file");
  } catch (const RulesetError& e) {
    CHECK(e.name() == "/nonexistent/rules.json");
    CHECK(!e.detail().empty());
  }
}

TEST_CASE("rules: the official meta tests", "[rules][meta]") {
  auto shared = shared_dir("the ruleset meta tests");
  if (shared.empty()) return;
  auto dir = shared / "iati" / "rulesets" / "meta_tests";
  std::istringstream tsv(read_file(dir / "EXPECTED.tsv"));
  std::string line;
  std::getline(tsv, line);  // header
  size_t rows = 0, passed = 0;
  while (std::getline(tsv, line)) {
    if (line.empty()) continue;
    std::istringstream cols(line);
    std::string ruleset, xml, expected;
    std::getline(cols, ruleset, '\t');
    std::getline(cols, xml, '\t');
    std::getline(cols, expected, '\t');
    ++rows;
    RuleSet rs = RuleSet::load((dir / ruleset).string());
    auto ds = run(rs, read_file(dir / xml), xml);
    size_t errors = static_cast<size_t>(std::count_if(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; }));
    bool valid = errors == 0;
    INFO(ruleset << " on " << xml << ": expected " << expected << "\n" << show(ds));
    CHECK(valid == (expected == "True"));
    if (valid == (expected == "True")) ++passed;
  }
  std::printf("rules meta tests: %zu of %zu rows give the expected outcome\n", passed, rows);
  CHECK(rows == 83);

  // Rulesets of the suite that EXPECTED.tsv does not list, with the good and bad files named after them.
  const std::vector<std::tuple<const char*, const char*, bool>> extra = {
      {"forloop.json", "forloop_good.xml", true},
      {"forloop.json", "forloop_bad.xml", false},
      {"sector_percentage_sum.json", "sector_percentage_sum_good.xml", true},
      {"sector_percentage_sum.json", "sector_percentage_sum_bad.xml", false},
      {"recipient_country.json", "recipient_country_good.xml", true},
      {"recipient_country.json", "recipient_country_bad.xml", false},
  };
  for (const auto& [ruleset, xml, valid] : extra) {
    auto ds = run(RuleSet::load((dir / ruleset).string()), read_file(dir / xml), xml);
    INFO(ruleset << " on " << xml << "\n" << show(ds));
    CHECK(ds.empty() == valid);
  }
}

TEST_CASE("rules: the official rulesets parse", "[rules][meta]") {
  auto shared = shared_dir("the official rulesets");
  if (shared.empty()) return;
  for (const auto& f : files_in(shared / "iati" / "rulesets", ".json", false)) {
    if (f.filename().string().rfind("schema", 0) == 0) continue;  // JSON Schemas of the format, not rulesets
    INFO(f.string());
    RuleSet rs = RuleSet::load(f.string());
    CHECK(rs.case_count() > 0);
  }
  RuleSet standard = RuleSet::load((shared / "iati" / "rulesets" / "standard.json").string());
  CHECK(standard.skipped_online() == 10);  // the idCondition and ORG-ID-PREFIX cases
}

TEST_CASE("rules: our ruleset on the seed and the real-world corpus", "[rules][corpus]") {
  const RuleSet& ours = RuleSet::builtin();
  CHECK(ours.skipped_online() == 0);
  CHECK(ours.case_count() > 80);

  auto seed = run(ours, read_file(std::filesystem::path(PROJCONV_SOURCE_DIR) / "fixtures" / "seed" / "seed.xml"), "seed.xml");
  INFO(show(seed));
  CHECK(std::none_of(seed.begin(), seed.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; }));
  CHECK(codes(seed) == "7.5.3");
  REQUIRE(seed.size() == 1);
  CHECK(seed[0].severity == Severity::Warning);
  CHECK(seed[0].path == "/iati-activities/iati-activity[1]/budget[1]/period-end[1]/@iso-date");

  auto shared = shared_dir("the real-world corpus");
  if (shared.empty()) return;
  std::map<std::string, std::map<std::string, size_t>> counts;  // id -> severity -> count
  size_t activities = 0;
  auto start = std::chrono::steady_clock::now();
  for (const auto& f : files_in(shared / "corpus" / "iati-real", ".xml", false)) {
    std::string text = read_file(f);
    auto src = Source::from_string(text, f.filename().string());
    CollectingReporter found, reading;
    ReadOptions opt;
    opt.file = f.filename().string();
    opt.schema = &Schema::builtin();
    RuleSink sink(ours, opt.file, found);
    CHECK(read_xml(*src, sink, reading, opt) == ReadResult::Ok);
    activities += sink.records;
    for (const auto& d : found.diags) ++counts[d.code][std::string(to_string(d.severity))];
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("our ruleset on shared/corpus/iati-real (%zu activities, %.2f s):\n", activities, secs);
  for (const auto& [id, by] : counts) {
    std::string line = "  " + id + ":";
    for (const auto& [sev, n] : by) line += " " + std::to_string(n) + " " + sev;
    std::printf("%s\n", line.c_str());
  }
  CHECK(activities == 1187);
}

TEST_CASE("rules: the IOM Prima ID example ruleset", "[rules][example]") {
  RuleSet prima = RuleSet::parse(embedded_file("rules/iom-prima-id.json"), "rules/iom-prima-id.json");
  std::string seed = read_file(std::filesystem::path(PROJCONV_SOURCE_DIR) / "fixtures" / "seed" / "seed.xml");
  CHECK(run(prima, seed, "seed.xml").empty());

  std::string moved = seed;
  size_t at_mx = moved.find("<recipient-country code=\"MX\"");
  REQUIRE(at_mx != std::string::npos);
  moved.replace(at_mx, 28, "<recipient-country code=\"FR\"");
  auto ds = run(prima, moved, "moved.xml");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].code == "iom-prima-country");
  CHECK(ds[0].severity == Severity::Error);
  CHECK(ds[0].path == "/iati-activities/iati-activity[1]/other-identifier[1]/@ref");
  CHECK(ds[0].get("value") == "MX10P0501");
  CHECK(ds[0].get("detail").find("recipient-country/@code \"FR\"") != std::string_view::npos);
  std::printf("%s\n", render_text(ds[0]).c_str());

  // Another publisher's activity is not IOM's business.
  std::string other = moved;
  size_t ref = other.find("ref=\"XM-DAC-47066\" type=\"40\"");
  REQUIRE(ref != std::string::npos);
  other.replace(ref, 18, "ref=\"XM-DAC-41122\"");
  CHECK(run(prima, other, "other.xml").empty());
}
