// The fuzz property: read -> validate -> write each format -> read that back, and compare with the direct form.
#include "fuzz_check.hpp"

#include "check/validator.hpp"
#include "formats/pipeline.hpp"

namespace projconv::fuzz {

namespace {

struct Run {
  ReadResult read = ReadResult::Ok;
  std::string text;
  size_t errors = 0;  // findings in the wellformed layer: the input was not (all) read
  std::string first;  // the first finding, as text
};

// Converts without validating, the way `projconv --no-validate` does; small caps keep each run fast.
Run convert_text(const std::string& input, const char* from, const char* to) {
  auto src = Source::from_string(input, "fuzz");
  StringOutput out;
  CollectingReporter rep;
  ConvertOptions opt;
  opt.from = format_by_name(from);
  opt.to = format_by_name(to);
  opt.file = "fuzz";
  opt.max_depth = 64;
  Run r;
  r.read = convert(*src, out, rep, opt).read;
  r.text = std::move(out.text);
  for (const Diagnostic& d : rep.diags)
    if (d.layer == "wellformed" && d.severity == Severity::Error) ++r.errors;
  if (!rep.diags.empty()) r.first = render_text(rep.diags.front());
  return r;
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

  for (const char* via : {"xml", "json", "csv"}) {
    Run there = convert_text(input, format, via);
    if (there.read != ReadResult::Ok) return std::string("writing ") + via + " failed after the JSON conversion worked";
    Run back = convert_text(there.text, via, "json");
    if (back.read != ReadResult::Ok)
      return std::string("projconv cannot read its own ") + via + " output (" + back.first + "):\n" + excerpt(there.text);
    if (back.text != direct.text)
      return std::string("through ") + via + " the JSON differs\n--- direct\n" + excerpt(direct.text) +
             "\n--- through " + via + "\n" + excerpt(back.text);
  }
  return {};
}

}  // namespace projconv::fuzz
