// Every input a fuzzer once broke projconv with, replayed through the same property in the ordinary build.
#include <catch2/catch.hpp>

#include "fuzz/fuzz_check.hpp"
#include "support.hpp"

namespace fs = std::filesystem;

TEST_CASE("fuzz regressions keep the property", "[fuzz]") {
  fs::path root = fs::path(PROJCONV_SOURCE_DIR) / "tests/fuzz/regressions";
  size_t seen = 0;
  for (const char* fmt : {"xml", "json", "csv"}) {
    for (const auto& e : fs::directory_iterator(root / fmt)) {
      if (!e.is_regular_file() || e.path().filename() == ".gitkeep") continue;
      std::string bytes = projconv::test::read_file(e.path());
      INFO(e.path().string());
      CHECK(projconv::fuzz::check_input(fmt, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) == "");
      ++seen;
    }
  }
  // The seed files go through the same property, so the check itself is exercised even with no regressions.
  for (const char* name : {"fixtures/seed/seed.xml", "fixtures/seed/seed.json"}) {
    std::string bytes = projconv::test::read_file(fs::path(PROJCONV_SOURCE_DIR) / name);
    REQUIRE(!bytes.empty());
    const char* fmt = fs::path(name).extension() == ".xml" ? "xml" : "json";
    CHECK(projconv::fuzz::check_input(fmt, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) == "");
  }
  std::printf("fuzz regressions replayed: %zu\n", seen);
}
