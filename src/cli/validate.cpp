// `projconv validate FILE...`: checks every file with the chosen layers and prints every finding, then a summary.
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "check/validator.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/parse.hpp"
#include "formats/pipeline.hpp"
#include "report/report.hpp"

namespace projconv {

namespace {

// Colour is for people at a terminal: never for machine formats or files, and NO_COLOR (no-color.org) wins.
bool use_color(const std::string& mode, bool machine, std::FILE* to) {
  if (machine || mode == "never") return false;
  if (mode == "always") return true;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  return to && ::isatty(::fileno(to)) && !(term && std::string_view(term) == "dumb");
}

}  // namespace

int run_validate(int argc, char** argv) {
  std::vector<std::string> files;
  CheckArgs check;
  std::string from, format, report_file, fail_on = "error", color = "auto";
  bool exit_zero = false, quiet = false, verbose = false;
  CLI::App app{"Validate IATI activity files: well-formedness, structure, codelists and rules.", "projconv validate"};
  app.footer(
      "Every finding prints as file:line:col: severity: message [code], then a summary line.\n\n"
      "Examples:\n"
      "  projconv validate data/*.xml\n"
      "  projconv validate --layers structure activities.xml\n"
      "  projconv validate --rules my-rules.json --no-builtin-rules --layers rules activities.xml\n\n"
      "  projconv validate --format json -o report.json data/\n\n"
      "Exit codes: 0 no errors (warnings allowed), 1 errors found or a file cannot be read as data,\n"
      "2 usage or environment error (unknown option, missing file). --fail-on warning also fails on\n"
      "warnings; --exit-zero reports without failing.");
  app.add_option("FILE", files, "files or folders to check (folders: every .xml, .json, .csv inside; - for stdin)")
      ->required();
  app.add_option("--from", from, "input format, when the extension does not tell (xml, json)");
  std::string names;
  for (const auto& f : report_formats()) names += (names.empty() ? "" : ", ") + std::string(f.name);
  app.add_option("--format", format, "report format: " + names + " (text; github under GitHub Actions)");
  app.add_option("-o,--output-file", report_file, "write the report to FILE instead of stderr");
  app.add_option("--fail-on", fail_on, "exit 1 on findings of this severity or worse: error (default) or warning");
  app.add_flag("--exit-zero", exit_zero, "exit 0 even when there are findings (report only)");
  app.add_flag("-q,--quiet", quiet, "show errors only (warnings and notes are still counted)");
  app.add_flag("-v,--verbose", verbose, "also show each finding's path in the data");
  app.add_option("--color", color, "colour the text report: auto (a terminal, unless NO_COLOR is set), always, never");
  add_check_options(app, check);
  if (int rc = parse_args(app, argc, argv); rc >= 0) return rc;
  if (format.empty()) format = std::getenv("GITHUB_ACTIONS") ? "github" : "text";
  const ReportFormat* rf = report_format(format);
  if (!rf) {
    std::fprintf(stderr, "projconv: error: unknown --format '%s' (choose from %s)\nRun 'projconv validate --help' for usage.\n",
                 format.c_str(), names.c_str());
    return kExitUsage;
  }
  if (color != "auto" && color != "always" && color != "never") {
    std::fprintf(stderr, "projconv: error: --color takes auto, always or never, not '%s'\n", color.c_str());
    return kExitUsage;
  }
  if (fail_on != "error" && fail_on != "warning") {
    std::fprintf(stderr, "projconv: error: --fail-on takes error or warning, not '%s'\nRun 'projconv validate --help' for usage.\n",
                 fail_on.c_str());
    return kExitUsage;
  }
  // Machine formats show every finding unless told otherwise: their consumers filter for themselves.
  size_t max_shown = app.get_option("--max-errors")->count() ? check.max_errors : rf->machine ? 0 : check.max_errors;

  ValidateOptions vopt;
  if (int rc = resolve_check_options(check, vopt); rc >= 0) return rc;
  const FormatInfo* forced = nullptr;
  if (!from.empty() && !(forced = format_by_name(from))) {
    std::fprintf(stderr, "projconv: error: unknown --from format '%s'\nRun 'projconv validate --help' for usage.\n",
                 from.c_str());
    return kExitUsage;
  }

  // Folders are walked for .xml, .json and .csv files (in name order); a folder with _meta.csv is one package.
  std::vector<std::string> inputs;
  for (const std::string& path : files) {
    std::error_code ec;
    if (path == "-" || !std::filesystem::is_directory(path, ec) || std::filesystem::exists(path + "/_meta.csv", ec)) {
      inputs.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec); !ec && it != std::filesystem::end(it);
         it.increment(ec)) {
      if (it->is_directory() && std::filesystem::exists(it->path() / "_meta.csv")) {
        found.push_back(it->path().string());
        it.disable_recursion_pending();
        continue;
      }
      std::string ext = it->path().extension().string();
      if (it->is_regular_file() && (ext == ".xml" || ext == ".json" || ext == ".csv")) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    inputs.insert(inputs.end(), found.begin(), found.end());
  }
  files = std::move(inputs);

  std::unique_ptr<Output> out;
  if (report_file.empty()) out = std::make_unique<StdioOutput>(stderr, "<stderr>");
  else out = std::make_unique<FileOutput>(report_file);
  std::unique_ptr<Report> report = rf->make(*out, max_shown);
  Report& rep = *report;
  rep.set_quiet(quiet);
  rep.set_verbose(verbose);
  rep.set_color(use_color(color, rf->machine, report_file.empty() ? stderr : nullptr));
  bool env_error = false, data_error = false;
  size_t activities = 0, invalid = 0;
  for (const std::string& path : files) {
    std::string shown = path == "-" ? "<stdin>" : path;
    const FormatInfo* by_path = forced ? forced : path != "-" ? format_by_path(path) : nullptr;
    std::unique_ptr<Source> in;
    try {
      // A CSV package is a folder: its reader opens the tables itself.
      in = by_path && by_path->directory ? Source::from_string("", path) : Source::open(path);
    } catch (const IoError& e) {
      // In the report like any finding (JUnit shows it as an <error>); the exit code says environment (2).
      std::string why = e.what();
      if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2);  // the location already names the file
      Diagnostic d = make_diag("file-unreadable").fact("detail", why);
      d.file = shown;
      rep.report(std::move(d));
      env_error = true;
      continue;
    }
    const FormatInfo* fmt = by_path;
    if (!fmt) fmt = sniff_source(*in);
    if (!fmt) {
      Diagnostic d = make_diag("unknown-format").fact("what", shown).fact("detail", "it is neither XML nor JSON");
      d.file = shown;
      rep.report(std::move(d));
      data_error = true;
      continue;
    }
    ValidateResult res = validate(*in, *fmt, vopt, rep, shown, path, check.max_depth);
    if (res.read != ReadResult::Ok) data_error = true;
    activities += res.activities;
    invalid += res.invalid;
  }
  Summary sum;
  sum.files = files.size();
  sum.activities = activities;
  sum.invalid = invalid;
  rep.finish(sum);
  if (auto* f = dynamic_cast<FileOutput*>(out.get())) f->commit();
  if (env_error) return kExitUsage;
  if (exit_zero) return kExitOk;
  bool fail = rep.errors() > 0 || data_error || (fail_on == "warning" && rep.warnings() > 0);
  return fail ? kExitFindings : kExitOk;
}

}  // namespace projconv
