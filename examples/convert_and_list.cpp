// Example: convert one IATI file to JSON with the projconv library, validating as it goes, and list the findings.
// Usage: convert_and_list IN.xml OUT.json
#include <cstdio>

#include "check/validator.hpp"
#include "formats/pipeline.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s IN OUT.json\n", argv[0]);
    return 2;
  }
  try {
    auto in = projconv::Source::open(argv[1]);
    projconv::FileOutput out(argv[2]);
    projconv::CollectingReporter findings;
    projconv::ValidateOptions checks;  // every layer, with projconv's own ruleset
    projconv::ConvertOptions opt;
    opt.to = projconv::format_by_name("json");
    opt.file = argv[1];
    opt.validate = &checks;
    projconv::ConvertResult res = projconv::convert(*in, out, findings, opt);
    if (res.read != projconv::ReadResult::Ok) {
      for (const auto& d : findings.diags) std::printf("%s\n", projconv::render_text(d).c_str());
      return 1;
    }
    out.commit();
    std::printf("%zu activities converted; %zu errors, %zu warnings\n", res.activities, res.errors, res.warnings);
    for (const auto& d : findings.diags)
      std::printf("  %s line %u: [%s] %s\n", std::string(projconv::to_string(d.severity)).c_str(), d.loc.line,
                  d.code.c_str(), d.path.c_str());
    return res.errors ? 1 : 0;
  } catch (const projconv::IoError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
