// `projconv rules` lists every code projconv can emit; `projconv explain CODE` says what one means and how to fix it.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "check/rules.hpp"
#include "cli/commands.hpp"
#include "cli/parse.hpp"
#include "core/diag.hpp"

namespace projconv {

namespace {

// What to do about a finding, for `explain`: the code table's summary says what it is; this says how to fix
// it, with an example. Codes without an entry are explained by their summary alone.
struct Advice {
  std::string_view code, fix, example;
};
const Advice kAdvice[] = {
    {"bad-date", "Write dates as YYYY-MM-DD, with a real day of a real month.",
     "<activity-date type=\"1\" iso-date=\"2019-01-01\"/>   (not 2019, 2019-1-1, 01/01/2019 or 2019-02-30)"},
    {"bad-decimal", "Write amounts and percentages as plain numbers: digits, an optional '-' and decimal point.",
     "<value currency=\"USD\" value-date=\"2019-01-01\">200000.00</value>   (not 200,000.00, $200000 or 2.00E+05)"},
    {"missing-element", "Add the element where the message says it belongs (the schema fixes the order).",
     "<participating-org role=\"1\" ref=\"XM-DAC-47066\"/> before <activity-status>"},
    {"element-order", "Move the element before the one named: IATI 2.0x fixes the order of an activity's elements.",
     "<recipient-country code=\"MX\"/> comes before <sector .../>"},
    {"codelist-unknown", "Use a code from the named IATI codelist (iatistandard.org lists them).",
     "<recipient-country code=\"MX\"/>   (ISO 3166-1 alpha-2, not \"Mexico\" or \"MEX\")"},
    {"codelist-withdrawn", "Replace the withdrawn code with its current equivalent on the same codelist.",
     "DAC sector 11321 (withdrawn) -> check the current Sector list"},
    {"identifier-duplicate", "Give every activity of a file its own iati-identifier.",
     "XM-DAC-47066-IS.0022 and XM-DAC-47066-IS.0023, not the same identifier twice"},
    {"1.1.21", "Start the identifier with your organisation identifier and a hyphen.",
     "reporting-org ref=\"XM-DAC-47066\" -> iati-identifier XM-DAC-47066-IS.0022"},
    {"11.1.2", "Make the planned start date (type 1) come on or before the planned end date (type 3).",
     "activity-date type 1: 2019-01-01, type 3: 2022-12-31"},
    {"7.5.3", "Split a budget into periods of a year or less.",
     "budget 2019-01-01..2019-12-31, then 2020-01-01..2020-12-31, ..."},
};

void print_row(const std::string& code, std::string_view layer, Severity sev, std::string_view text) {
  std::printf("%-22s %-11s %-8s %s\n", code.c_str(), std::string(layer).c_str(), std::string(to_string(sev)).c_str(),
              std::string(text).c_str());
}

}  // namespace

int run_rules(int argc, char** argv) {
  CLI::App app{"List every finding code projconv can emit: layer, severity and what it means.", "projconv rules"};
  app.footer("Example:\n  projconv rules | grep codelists\n  projconv explain bad-date");
  if (int rc = parse_args(app, argc, argv); rc >= 0) return rc;
  std::printf("%-22s %-11s %-8s %s\n", "CODE", "LAYER", "SEVERITY", "MEANS");
  for (const CodeInfo& c : all_codes()) print_row(std::string(c.code), c.layer, c.severity, c.summary);
  for (const auto& r : RuleSet::builtin().describe()) print_row(r.code, "rules", r.severity, r.message);
  return kExitOk;
}

int run_explain(int argc, char** argv) {
  std::string code;
  CLI::App app{"Explain a finding code: what it means, how to fix it, with an example.", "projconv explain"};
  app.add_option("CODE", code, "a code from `projconv rules`, e.g. bad-date or 1.1.21")->required();
  if (int rc = parse_args(app, argc, argv); rc >= 0) return rc;
  std::string what, layer, severity;
  if (const CodeInfo* c = find_code(code)) {
    what = c->summary;
    layer = c->layer;
    severity = to_string(c->severity);
  } else {
    for (const auto& r : RuleSet::builtin().describe())
      if (r.code == code) {
        what = r.message + " (rule " + r.rule + " on " + r.context + ")";
        layer = "rules";
        severity = to_string(r.severity);
      }
  }
  if (what.empty()) {
    std::fprintf(stderr, "projconv: error: no finding has the code '%s'; `projconv rules` lists them all\n", code.c_str());
    return kExitUsage;
  }
  std::printf("%s (%s, %s)\n  %s\n", code.c_str(), layer.c_str(), severity.c_str(), what.c_str());
  for (const Advice& a : kAdvice)
    if (a.code == code) std::printf("\nHow to fix it:\n  %s\n\nExample:\n  %s\n", std::string(a.fix).c_str(), std::string(a.example).c_str());
  return kExitOk;
}

}  // namespace projconv
