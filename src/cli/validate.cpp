// `projconv validate FILE...`: checks every file with the chosen layers and prints every finding, then a summary.
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "check/validator.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/parse.hpp"
#include "formats/pipeline.hpp"
#include "cli/report_args.hpp"

namespace projconv {

int run_validate(int argc, char** argv) {
  std::vector<std::string> files;
  CheckArgs check;
  std::string from, stdin_name = "<stdin>";
  ReportArgs ra;
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
  add_report_options(app, ra);
  app.add_option("--stdin-filename", stdin_name, "the name to report for data read from - (stdin)");
  add_check_options(app, check);
  if (int rc = parse_args(app, argc, argv); rc >= 0) return rc;
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

  ReportSetup setup;
  if (int rc = make_report(ra, app, check.max_errors, setup); rc >= 0) return rc;
  Report& rep = *setup.report;
  bool env_error = false, data_error = false;
  size_t activities = 0, invalid = 0;
  for (const std::string& path : files) {
    std::string shown = path == "-" ? stdin_name : path;
    const FormatInfo* by_path = forced ? forced : path != "-" ? format_by_path(path) : nullptr;
    std::unique_ptr<Source> in;
    try {
      // A CSV package is a folder: its reader opens the tables itself.
      in = by_path && by_path->directory ? Source::from_string("", path) : Source::open(path);
      in->set_limit(check.input_limit);
    } catch (const IoError& e) {
      // In the report like any finding (JUnit shows it as an <error>); the exit code says environment (2).
      std::string why = e.what();
      if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2);  // the location already names the file
      else if (why.rfind(path + " ", 0) == 0) why.replace(0, path.size(), "the file");
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
    ValidateResult res;
    try {
      res = validate(*in, *fmt, vopt, rep, shown, path, check.max_depth, check.input_limit);
    } catch (const IoError& e) {
      // Met while reading (a pipe over --max-input-size, a read error): reported, and the next file checked.
      std::string why = e.what();
      if (why.rfind(path + " ", 0) == 0) why.replace(0, path.size(), "the input");
      Diagnostic d = make_diag("file-unreadable").fact("detail", why);
      d.file = shown;
      rep.report(std::move(d));
      env_error = true;
      continue;
    }
    if (res.read != ReadResult::Ok) data_error = true;
    activities += res.activities;
    invalid += res.invalid;
  }
  Summary sum;
  sum.files = files.size();
  sum.activities = activities;
  sum.invalid = invalid;
  finish_report(setup, sum);
  if (env_error) return kExitUsage;
  return findings_exit_code(ra, rep, data_error);
}

}  // namespace projconv
