// `projconv validate FILE...`: checks every file with the chosen layers and prints every finding, then a summary.
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "check/validator.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/parse.hpp"
#include "formats/pipeline.hpp"

namespace projconv {

int run_validate(int argc, char** argv) {
  std::vector<std::string> files;
  CheckArgs check;
  std::string from;
  CLI::App app{"Validate IATI activity files: well-formedness, structure, codelists and rules.", "projconv validate"};
  app.footer(
      "Every finding prints as file:line:col: severity: message [code], then a summary line.\n\n"
      "Examples:\n"
      "  projconv validate data/*.xml\n"
      "  projconv validate --layers structure activities.xml\n"
      "  projconv validate --rules my-rules.json --no-builtin-rules --layers rules activities.xml\n\n"
      "Exit codes: 0 no errors (warnings allowed), 1 errors found or a file cannot be read as data,\n"
      "2 usage or environment error (unknown option, missing file).");
  app.add_option("FILE", files, "files to check (- for stdin)")->required();
  app.add_option("--from", from, "input format, when the extension does not tell (xml, json)");
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

  TextReporter rep(stderr, check.max_errors);
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
      std::fprintf(stderr, "projconv: error: %s\n", e.what());
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
  std::fprintf(stderr, "projconv: %zu error%s, %zu warning%s, %zu note%s in %zu file%s (%zu activit%s checked, %zu with errors)\n",
               rep.errors(), rep.errors() == 1 ? "" : "s", rep.warnings(), rep.warnings() == 1 ? "" : "s", rep.notes(),
               rep.notes() == 1 ? "" : "s", files.size(), files.size() == 1 ? "" : "s", activities,
               activities == 1 ? "y" : "ies", invalid);
  if (env_error) return kExitUsage;
  return rep.errors() > 0 || data_error ? kExitFindings : kExitOk;
}

}  // namespace projconv
