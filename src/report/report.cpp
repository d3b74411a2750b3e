// The report table, counting and capping shared by every format, and the text report.
#include "report/report.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unistd.h>
#include <cstring>

namespace projconv {

const std::vector<ReportFormat>& report_formats() {
  static const std::vector<ReportFormat> table = {
      {"text", false, make_text_report},
      {"json", true, make_json_report},
      {"jsonl", true, make_jsonl_report},
      {"github", true, make_github_report},
      {"sarif", true, make_sarif_report},
      {"gitlab", true, make_gitlab_report},
      {"junit", true, make_junit_report},
  };
  return table;
}

const ReportFormat* report_format(std::string_view name) {
  for (const auto& f : report_formats())
    if (f.name == name) return &f;
  return nullptr;
}

void StdioOutput::write(std::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), f_) != data.size())
    throw IoError(name_ + ": cannot write: " + std::strerror(errno));
}

namespace {
double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
}  // namespace

void Report::enable_progress() {
  const char* ci = std::getenv("CI");
  progress_ = ::isatty(2) && !(ci && *ci) && !quiet_;
  started_ = now_seconds();
}

void Report::clear_progress() {
  if (!progress_shown_) return;
  std::fputs("\r\033[K", stderr);
  progress_shown_ = false;
}

void Report::activity_checked(const std::string& file, const std::string& id, size_t index, Loc at) {
  on_activity(file, id, index, at);
  ++checked_;
  if (!progress_ || (checked_ & 255) != 0) return;  // look at the clock now and then, not per activity
  double t = now_seconds();
  if (t - started_ < 2 || t - last_shown_ < 0.25) return;
  last_shown_ = t;
  std::fprintf(stderr, "\r\033[Kprojconv: %zu activities checked (%s)", checked_, file.c_str());
  progress_shown_ = true;
}

void Report::report(Diagnostic d) {
  clear_progress();
  switch (d.severity) {
    case Severity::Error: ++errors_; break;
    case Severity::Warning: ++warnings_; break;
    case Severity::Note: ++notes_; break;
  }
  if (quiet_ && d.severity != Severity::Error) return;
  if (max_shown_ != 0 && shown_ >= max_shown_) {
    if (!truncated_) on_truncated();
    truncated_ = true;
    return;
  }
  ++shown_;
  emit(d);
}

Summary Report::totals(Summary s) {
  clear_progress();
  s.errors = errors_;
  s.warnings = warnings_;
  s.notes = notes_;
  s.truncated = truncated_;
  return s;
}

std::string summary_line(const Summary& s) {
  auto n = [](size_t k, const char* one, const char* many) { return std::to_string(k) + " " + (k == 1 ? one : many); };
  return "projconv: " + n(s.errors, "error", "errors") + ", " + n(s.warnings, "warning", "warnings") + ", " +
         n(s.notes, "note", "notes") + " in " + n(s.files, "file", "files") + " (" +
         n(s.activities, "activity", "activities") + " checked, " + std::to_string(s.invalid) + " with errors)\n";
}

namespace {

class TextReport : public Report {
 public:
  using Report::Report;
  void emit(const Diagnostic& d) override {
    std::string line = render_text(d);
    if (color_) {
      // Colour only the severity word, so the line still reads (and greps) the same.
      std::string_view sev = to_string(d.severity);
      const char* code = d.severity == Severity::Error ? "\033[1;31m" : d.severity == Severity::Warning ? "\033[1;33m" : "\033[1;36m";
      size_t at = line.find(": " + std::string(sev) + ": ");
      if (at != std::string::npos) line.replace(at + 2, sev.size(), code + std::string(sev) + "\033[0m");
    }
    line += "\n";
    if (verbose_ && !d.path.empty()) line += "  at " + d.path + "\n";
    for (const Related& r : d.related) {
      const std::string& f = r.loc.file ? loc_file(r.loc.file) : d.file;
      line += f.empty() ? std::string("<input>") : f;
      if (r.loc.known()) line += ":" + std::to_string(r.loc.line) + ":" + std::to_string(r.loc.col);
      line += ": note: " + r.note + (r.path.empty() ? std::string() : " (" + r.path + ")") + "\n";
    }
    out_.write(line);
  }
  void on_truncated() override {
    out_.write("projconv: stopped printing after " + std::to_string(max_shown_) +
               " findings; use --max-errors 0 to see all\n");
  }
  void finish(Summary s) override { out_.write(summary_line(totals(s))); }
};

}  // namespace

std::unique_ptr<Report> make_text_report(Output& out, size_t max_shown) {
  return std::make_unique<TextReport>(out, max_shown);
}

}  // namespace projconv
