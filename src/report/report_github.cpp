// GitHub Actions report: workflow-command annotations for the first findings, and the full text log beside them.
#include "report/report.hpp"

namespace projconv {

namespace {

// GitHub shows 10 annotations of each kind per step; the log carries the rest.
constexpr size_t kAnnotationsPerKind = 10;

std::string escape_data(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string escape_property(std::string_view s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

class GithubReport : public Report {
 public:
  GithubReport(Output& out, size_t max_shown) : Report(out, max_shown), text_(make_text_report(out, 0)) {}
  void emit(const Diagnostic& d) override {
    text_->report(d);
    size_t& n = d.severity == Severity::Error ? errors_shown_ : d.severity == Severity::Warning ? warnings_shown_ : notes_shown_;
    if (n++ >= kAnnotationsPerKind) return;
    const char* kind = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "notice";
    std::string line = "::" + std::string(kind) + " file=" + escape_property(diag_file(d));
    if (d.loc.known()) line += ",line=" + std::to_string(d.loc.line) + ",col=" + std::to_string(d.loc.col);
    line += ",title=" + escape_property(d.code) + "::" + escape_data(render_message(d)) + "\n";
    out_.write(line);
  }
  void finish(Summary s) override { out_.write(summary_line(totals(s))); }

 private:
  std::unique_ptr<Report> text_;
  size_t errors_shown_ = 0, warnings_shown_ = 0, notes_shown_ = 0;
};

}  // namespace

std::unique_ptr<Report> make_github_report(Output& out, size_t max_shown) {
  return std::make_unique<GithubReport>(out, max_shown);
}

}  // namespace projconv
