// Report options shared by the commands that report findings (validate, convert): format, file, exit policy.
#pragma once
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "report/report.hpp"

namespace projconv {

struct ReportArgs {
  std::string format, file, fail_on = "error", color = "auto";
  bool exit_zero = false, quiet = false, verbose = false;
};

void add_report_options(CLI::App& app, ReportArgs& a);

struct ReportSetup {
  std::unique_ptr<Output> out;
  std::unique_ptr<Report> report;
  const ReportFormat* format = nullptr;
};

// Makes the report the options ask for; -1 on success, else the exit code after saying what is wrong.
// `max_errors` caps what is shown; when the user did not give it, machine formats show everything.
int make_report(const ReportArgs& a, const CLI::App& app, size_t max_errors, ReportSetup& out);
// Ends the report (the summary or closing brackets; `summary_for_text` false leaves out the text summary
// line) and puts a report file in place.
void finish_report(ReportSetup& r, const Summary& s, bool summary_for_text = true);
// The exit code for a run that reached its end: 0, or 1 for findings at or above --fail-on.
int findings_exit_code(const ReportArgs& a, const Report& r, bool data_error);

}  // namespace projconv
