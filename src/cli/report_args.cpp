// Report options: --format, -o, --fail-on, --exit-zero, -q, -v, --color, and the exit policy they set.
#include "cli/report_args.hpp"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "cli/commands.hpp"

namespace projconv {

namespace {

std::string format_names() {
  std::string names;
  for (const auto& f : report_formats()) names += (names.empty() ? "" : ", ") + std::string(f.name);
  return names;
}

// Colour is for people at a terminal: never for machine formats or files, and NO_COLOR (no-color.org) wins.
bool use_color(const std::string& mode, bool machine, std::FILE* to) {
  if (machine || mode == "never") return false;
  if (mode == "always") return true;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  return to && ::isatty(::fileno(to)) && !(term && std::string_view(term) == "dumb");
}

int usage(const CLI::App& app, const std::string& msg) {
  std::fprintf(stderr, "projconv: error: %s\nRun '%s --help' for usage.\n", msg.c_str(), app.get_name().c_str());
  return kExitUsage;
}

}  // namespace

void add_report_options(CLI::App& app, ReportArgs& a) {
  app.add_option("--format", a.format, "report format: " + format_names() + " (text; github under GitHub Actions)");
  app.add_option("-o,--output-file", a.file, "write the report to FILE instead of stderr");
  app.add_option("--fail-on", a.fail_on, "exit 1 on findings of this severity or worse: error (default) or warning");
  app.add_flag("--exit-zero", a.exit_zero, "exit 0 even when there are findings (report only)");
  app.add_flag("-q,--quiet", a.quiet, "show errors only (warnings and notes are still counted)");
  app.add_flag("-v,--verbose", a.verbose, "also show each finding's path in the data");
  app.add_option("--color", a.color, "colour the text report: auto (a terminal, unless NO_COLOR is set), always, never");
}

int make_report(const ReportArgs& a, const CLI::App& app, size_t max_errors, ReportSetup& r) {
  std::string format = a.format.empty() ? (std::getenv("GITHUB_ACTIONS") ? "github" : "text") : a.format;
  r.format = report_format(format);
  if (!r.format) return usage(app, "unknown --format '" + format + "' (choose from " + format_names() + ")");
  if (a.color != "auto" && a.color != "always" && a.color != "never")
    return usage(app, "--color takes auto, always or never, not '" + a.color + "'");
  if (a.fail_on != "error" && a.fail_on != "warning")
    return usage(app, "--fail-on takes error or warning, not '" + a.fail_on + "'");
  // Machine formats show every finding unless told otherwise: their consumers filter for themselves.
  const CLI::Option* cap = app.get_option_no_throw("--max-errors");
  size_t shown = (cap && cap->count()) || !r.format->machine ? max_errors : 0;
  if (a.file.empty()) r.out = std::make_unique<StdioOutput>(stderr, "<stderr>");
  else r.out = std::make_unique<FileOutput>(a.file);
  r.report = r.format->make(*r.out, shown);
  r.report->set_quiet(a.quiet);
  r.report->set_verbose(a.verbose);
  r.report->set_color(use_color(a.color, r.format->machine, a.file.empty() ? stderr : nullptr));
  r.report->enable_progress();
  return -1;
}

void finish_report(ReportSetup& r, const Summary& s, bool summary_for_text) {
  if (r.format->machine || summary_for_text) r.report->finish(s);
  if (auto* f = dynamic_cast<FileOutput*>(r.out.get())) f->commit();
}

int findings_exit_code(const ReportArgs& a, const Report& r, bool data_error) {
  if (a.exit_zero) return kExitOk;
  bool fail = r.errors() > 0 || data_error || (a.fail_on == "warning" && r.warnings() > 0);
  return fail ? kExitFindings : kExitOk;
}

}  // namespace projconv
