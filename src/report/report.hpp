// Reports: findings rendered for people or for CI systems (text, json, jsonl, github, sarif, gitlab, junit), one file per format.
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag.hpp"
#include "core/io.hpp"

namespace projconv {

struct Summary {
  size_t files = 0, activities = 0, invalid = 0;
  size_t errors = 0, warnings = 0, notes = 0;
  bool truncated = false;
};

// A report counts every finding and shows at most `max_shown` of them (0: all), saying so when it stops.
class Report : public Reporter {
 public:
  Report(Output& out, size_t max_shown) : out_(out), max_shown_(max_shown) {}
  void report(Diagnostic d) final;
  void activity_checked(const std::string& file, const std::string& id, size_t index, Loc at) final;
  // Shows a running count on stderr after about 2 s of work, when stderr is a terminal and CI is not set.
  void enable_progress();
  // Writes what comes after the findings (a summary line, closing brackets).
  virtual void finish(Summary s) = 0;
  size_t errors() const { return errors_; }
  size_t warnings() const { return warnings_; }
  size_t notes() const { return notes_; }
  bool truncated() const { return truncated_; }
  // -q shows errors only (everything is still counted); -v adds each finding's path; colour is for terminals.
  void set_quiet(bool q) { quiet_ = q; }
  void set_verbose(bool v) { verbose_ = v; }
  void set_color(bool c) { color_ = c; }

 protected:
  virtual void emit(const Diagnostic& d) = 0;
  virtual void on_activity(const std::string& /*file*/, const std::string& /*id*/, size_t /*index*/, Loc) {}
  // Called once, when the first finding past the cap arrives.
  virtual void on_truncated() {}
  // The run's counts added to `s`; also clears a progress line, since what follows is the report's end.
  Summary totals(Summary s);
  Output& out_;
  size_t max_shown_;
  bool verbose_ = false, color_ = false;

 private:
  bool quiet_ = false;
  bool progress_ = false, progress_shown_ = false;
  size_t checked_ = 0;
  double started_ = 0, last_shown_ = 0;
  void clear_progress();
  size_t shown_ = 0, errors_ = 0, warnings_ = 0, notes_ = 0;
  bool truncated_ = false;
};

// An Output over a stdio stream (stderr, stdout), with write errors reported as IoError.
class StdioOutput : public Output {
 public:
  StdioOutput(std::FILE* f, std::string name) : f_(f), name_(std::move(name)) {}
  void write(std::string_view data) override;

 private:
  std::FILE* f_;
  std::string name_;
};

struct ReportFormat {
  std::string_view name;
  bool machine;  // machine formats show every finding by default and are never coloured
  std::unique_ptr<Report> (*make)(Output& out, size_t max_shown);
};
const std::vector<ReportFormat>& report_formats();
const ReportFormat* report_format(std::string_view name);

std::unique_ptr<Report> make_text_report(Output& out, size_t max_shown);
std::unique_ptr<Report> make_json_report(Output& out, size_t max_shown);
std::unique_ptr<Report> make_jsonl_report(Output& out, size_t max_shown);
std::unique_ptr<Report> make_github_report(Output& out, size_t max_shown);
std::unique_ptr<Report> make_sarif_report(Output& out, size_t max_shown);
std::unique_ptr<Report> make_gitlab_report(Output& out, size_t max_shown);
std::unique_ptr<Report> make_junit_report(Output& out, size_t max_shown);

// The one-line summary of the text report: "projconv: 1 error, 0 warnings, ... in 1 file (...)".
std::string summary_line(const Summary& s);

}  // namespace projconv
