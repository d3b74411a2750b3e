// `projconv [convert] IN OUT`: converts between formats, writing the output only when the whole input was read.
#include <cstdio>
#include <string>
#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/parse.hpp"
#include "formats/pipeline.hpp"
#include "cli/report_args.hpp"

namespace projconv {

namespace {

struct ConvertArgs {
  std::string in, out, from, to, stdin_name = "<stdin>";
  bool strict = false, no_validate = false, csv_bom = false, csv_safe = false;
  CheckArgs check;
  ReportArgs report;
};

std::string format_names() {
  std::string s;
  for (const auto& f : formats()) s += (s.empty() ? "" : ", ") + std::string(f.name);
  return s;
}

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "projconv: error: %s\nRun 'projconv convert --help' for usage.\n", msg.c_str());
  return kExitUsage;
}

}  // namespace

int run_convert(int argc, char** argv) {
  ConvertArgs a;
  CLI::App app{"Convert IATI activity data between formats, losslessly.", "projconv convert"};
  app.footer(
      "Formats: " + format_names() +
      ". They come from the file extensions (.xml, .json, .csv; a folder or a path ending in '/' is a\n"
      "csv-dir table package), then from the content; --from and --to override.\n"
      "'-' is stdin or stdout (stdout needs --to).\n\n"
      "Examples:\n"
      "  projconv activities.xml activities.json\n"
      "  projconv convert activities.json activities.xml\n"
      "  projconv activities.xml activities.csv          one row per activity\n"
      "  projconv activities.xml tables/                 one CSV per repeatable element\n"
      "  cat activities.xml | projconv - - --to json\n\n"
      "The data is validated as it is converted (see 'projconv validate --help'); the findings are printed and the\n"
      "output is still written, unless --strict is given and there is an error.\n\n"
      "Exit codes: 0 converted with no errors, 1 the input cannot be read as IATI activity data or has errors,\n"
      "2 usage or environment error.");
  app.add_option("IN", a.in, "input file, or - for stdin")->required();
  app.add_option("OUT", a.out, "output file, or - for stdout")->required();
  app.add_option("--from", a.from, "input format (" + format_names() + ")");
  app.add_option("--to", a.to, "output format (" + format_names() + ")");
  app.add_flag("--csv-bom", a.csv_bom, "start CSV output with a UTF-8 byte order mark, for Excel");
  app.add_flag("--csv-safe", a.csv_safe,
               "prefix free text that a spreadsheet would run as a formula (=, +, -, @) with ' (for spreadsheets, "
               "not round trips)");
  app.add_flag("--strict", a.strict, "write nothing when validation finds an error");
  app.add_flag("--no-validate", a.no_validate, "convert without validating");
  add_check_options(app, a.check);
  add_report_options(app, a.report);
  app.add_option("--stdin-filename", a.stdin_name, "the name to report for data read from - (stdin)");
  if (int rc = parse_args(app, argc, argv); rc >= 0) return rc;
  ValidateOptions vopt;
  if (int rc = resolve_check_options(a.check, vopt); rc >= 0) return rc;

  const FormatInfo* from = nullptr;
  if (!a.from.empty() && !(from = format_by_name(a.from))) return usage_error("unknown --from format '" + a.from + "'");
  const FormatInfo* to = nullptr;
  if (!a.to.empty()) {
    if (!(to = format_by_name(a.to))) return usage_error("unknown --to format '" + a.to + "'");
  } else if (a.out == "-") {
    return usage_error("writing to stdout needs --to (" + format_names() + ")");
  } else if (!(to = format_by_path(a.out))) {
    return usage_error("cannot tell the output format of '" + a.out + "' from its extension; use --to");
  }
  if (!from && a.in != "-") from = format_by_path(a.in);

  // A package is a folder: its reader opens the files itself.
  std::unique_ptr<Source> in = from && from->directory ? Source::from_string("", a.in) : Source::open(a.in);
  in->set_limit(a.check.input_limit);
  // Writing over the input (same path, symlink or hard link) would destroy it: refuse.
  struct stat sin {}, sout {};
  if (a.out != "-" && in->stat(sin) && ::stat(a.out.c_str(), &sout) == 0 && S_ISREG(sout.st_mode) &&
      sin.st_dev == sout.st_dev && sin.st_ino == sout.st_ino)
    return usage_error("the output '" + a.out + "' is the input file; write to another file");

  // Findings print as they come; a text report of a conversion ends without a summary line (its output is
  // the result), machine formats end as for validate.
  ReportSetup setup;
  if (int rc = make_report(a.report, app, a.check.max_errors, setup); rc >= 0) return rc;
  Report& rep = *setup.report;
  ConvertOptions opt;
  opt.from = from;
  opt.to = to;
  opt.file = a.in == "-" ? a.stdin_name : a.in;
  opt.max_depth = a.check.max_depth;
  opt.max_input_size = a.check.input_limit;
  opt.path = a.in;
  opt.csv_bom = a.csv_bom;
  opt.csv_safe = a.csv_safe;
  if (!a.no_validate) opt.validate = &vopt;
  std::unique_ptr<FileOutput> file_out;
  std::unique_ptr<DirOutput> dir_out;
  Output* out;
  if (to->directory) {
    if (a.out == "-") return usage_error("a csv-dir package is a folder; it cannot go to stdout");
    out = (dir_out = std::make_unique<DirOutput>(a.out)).get();
  } else {
    out = (file_out = std::make_unique<FileOutput>(a.out)).get();
  }
  ConvertResult res = convert(*in, *out, rep, opt);
  Summary sum;
  sum.files = 1;
  sum.activities = res.activities;
  sum.invalid = res.invalid;
  finish_report(setup, sum, false);
  if (res.read != ReadResult::Ok) return kExitFindings;
  if (a.strict && res.errors > 0) {
    std::fprintf(stderr, "projconv: %s not written: --strict and %zu error%s\n", a.out.c_str(), res.errors,
                 res.errors == 1 ? "" : "s");
    return kExitFindings;
  }
  if (dir_out) dir_out->commit();
  else file_out->commit();
  return findings_exit_code(a.report, rep, false);
}

}  // namespace projconv
