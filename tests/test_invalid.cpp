// Golden validation cases: each fixtures/invalid/X.xml gives exactly the findings listed in X.expected.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support.hpp"

using namespace projconv;
using namespace projconv::test;
namespace fs = std::filesystem;

namespace {

// "severity code line:col path", one finding a line: what the tests pin, without the prose.
std::string listing(const Validated& v) {
  std::string out;
  for (const auto& d : v.diags)
    out += std::string(to_string(d.severity)) + " " + d.code + " " + std::to_string(d.loc.line) + ":" +
           std::to_string(d.loc.col) + " " + d.path + "\n";
  return out;
}

}  // namespace

TEST_CASE("fixtures/invalid: each file gives exactly its expected findings", "[validate][golden]") {
  fs::path dir = fs::path(PROJCONV_SOURCE_DIR) / "fixtures/invalid";
  auto files = files_in(dir, ".xml", false);
  REQUIRE(files.size() >= 12);
  bool update = std::getenv("UPDATE") != nullptr;
  for (const auto& f : files) {
    fs::path expected_path = f;
    expected_path.replace_extension(".expected");
    std::string expected = read_file(expected_path);
    std::vector<std::string> rulesets;
    std::istringstream lines(expected);
    std::string line, want;
    while (std::getline(lines, line)) {
      if (line.rfind("# rules: ", 0) == 0) rulesets.push_back((fs::path(PROJCONV_SOURCE_DIR) / line.substr(9)).string());
      else if (!line.empty() && line[0] != '#') want += line + "\n";
    }
    Validated v = validate_text(read_file(f), "wellformed,structure,codelists,rules", f.filename().string(), rulesets);
    std::string got = listing(v);
    if (update) {
      std::string head;
      for (const auto& r : rulesets) head += "# rules: " + fs::relative(r, PROJCONV_SOURCE_DIR).string() + "\n";
      std::ofstream(expected_path) << head << got;
      continue;
    }
    INFO(f.filename().string());
    CHECK(got == want);
  }
}

TEST_CASE("the seed fixture validates with no errors", "[validate]") {
  Validated v = validate_text(read_file(fs::path(PROJCONV_SOURCE_DIR) / "fixtures/seed/seed.xml"));
  CHECK(v.result == ReadResult::Ok);
  CHECK(v.errors == 0);
  // Its one warning: the page gives one budget for 2019-2022, and IATI wants budget periods of a year or less.
  REQUIRE(v.diags.size() == 1);
  CHECK(v.diags[0].code == "7.5.3");
  CHECK(v.diags[0].severity == Severity::Warning);
}
