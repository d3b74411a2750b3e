// The fuzz property: read -> validate -> write each format -> read that back, and compare with the direct form.
#include "fuzz_check.hpp"

#include "check/validator.hpp"
#include "formats/pipeline.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

namespace projconv::fuzz {

namespace {

struct Run {
  ReadResult read = ReadResult::Ok;
  std::string text;
  size_t errors = 0;  // findings in the wellformed layer: the input was not (all) read
  std::string first;  // the first finding, as text
};

// The folder a package goes through (a csv-dir output is files on disk), one per process, removed at exit.
const std::string& package_path() {
  struct Folder {
    std::string dir, pkg;
    Folder() {
      const char* tmp = std::getenv("TMPDIR");
      std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/projconv-fuzz-XXXXXX";
      if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot make a folder for the fuzz packages: " + tmpl);
      dir = tmpl;
      pkg = dir + "/pkg";
    }
    ~Folder() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  static Folder folder;
  return folder.pkg;
}

// Converts without validating, the way `projconv --no-validate` does; small caps keep each run fast. A
// package (csv-dir) is written to and read from package_path(); its `text` is then that path.
Run convert_text(const std::string& input, const char* from, const char* to) {
  const FormatInfo* in_fmt = format_by_name(from);
  const FormatInfo* out_fmt = format_by_name(to);
  auto src = in_fmt->directory ? Source::from_string("", package_path()) : Source::from_string(input, "fuzz");
  CollectingReporter rep;
  ConvertOptions opt;
  opt.from = in_fmt;
  opt.to = out_fmt;
  opt.file = in_fmt->directory ? package_path() : "fuzz";
  opt.path = package_path();
  opt.max_depth = 64;
  Run r;
  if (out_fmt->directory) {
    DirOutput out(package_path());
    r.read = convert(*src, out, rep, opt).read;
    if (r.read == ReadResult::Ok) out.commit();
    r.text = package_path();
  } else {
    StringOutput out;
    r.read = convert(*src, out, rep, opt).read;
    r.text = std::move(out.text);
  }
  for (const Diagnostic& d : rep.diags)
    if (d.layer == "wellformed" && d.severity == Severity::Error) ++r.errors;
  if (!rep.diags.empty()) r.first = render_text(rep.diags.front());
  return r;
}

// What a package holds, file by file, for a failure message.
std::string package_text(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    out += "== " + f.filename().string() + "\n" + std::string(std::istreambuf_iterator<char>(in), {});
  }
  return out;
}

std::string excerpt(const std::string& s) { return s.size() > 2000 ? s.substr(0, 2000) + "..." : s; }

}  // namespace

std::string check_input(const char* format, const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);

  // Validation with every layer, as `projconv validate` runs it (keep going past bad activities).
  {
    auto src = Source::from_string(input, "fuzz");
    CollectingReporter rep;
    ValidateOptions vopt;
    validate(*src, *format_by_name(format), vopt, rep, "fuzz", {}, 64);
  }

  // The direct JSON form is the yardstick: a conversion through any other format must give it back.
  Run direct = convert_text(input, format, "json");
  if (direct.read != ReadResult::Ok) return {};
  if (direct.errors) return "read reported well-formedness errors yet returned Ok";

  for (const char* via : {"xml", "json", "csv", "csv-dir"}) {
    Run there = convert_text(input, format, via);
    if (format_by_name(via)->directory && there.read == ReadResult::Ok) there.text = package_text(there.text);
    if (there.read != ReadResult::Ok) return std::string("writing ") + via + " failed after the JSON conversion worked";
    Run back = convert_text(there.text, via, "json");  // a package is read from package_path()
    if (back.read != ReadResult::Ok)
      return std::string("projconv cannot read its own ") + via + " output (" + back.first + "):\n" + excerpt(there.text);
    if (back.text != direct.text)
      return std::string("through ") + via + " the JSON differs\n--- direct\n" + excerpt(direct.text) +
             "\n--- through " + via + "\n" + excerpt(back.text);
  }
  return {};
}

}  // namespace projconv::fuzz
