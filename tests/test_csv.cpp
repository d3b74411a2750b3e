// CSV layouts on real data: XML -> CSV (wide and package) -> XML is canonical-equal, and XML -> CSV -> JSON
// equals XML -> JSON byte for byte, for the real corpus and the official should-pass suites.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "support.hpp"

using namespace projconv;
using namespace projconv::test;
namespace fs = std::filesystem;

namespace {

struct Scratch {
  fs::path path;
  Scratch() {
    char tmpl[] = "/tmp/projconv-csv-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~Scratch() { fs::remove_all(path); }
};

std::string first_diag(const std::vector<Diagnostic>& ds) { return ds.empty() ? "" : render_text(ds.front()); }

// Checks one file through one layout; returns true when both properties hold.
bool check_layout(const fs::path& f, const char* layout) {
  Scratch s;
  std::string xml = read_file(f);
  Through x = convert_through(xml, "xml", layout, "xml", s.path);
  INFO(f.string() << " via " << layout << ": " << first_diag(x.diags));
  REQUIRE(x.there == ReadResult::Ok);
  CHECK(x.back == ReadResult::Ok);
  std::string c1 = canonical_xml(xml), c2 = canonical_xml(x.text);
  INFO("canonical XML differs at " << first_difference(c1, c2));
  CHECK(c1 == c2);
  Scratch s2;
  Through j = convert_through(xml, "xml", layout, "json", s2.path);
  Converted direct = convert_text(xml, "xml", "json");
  INFO("JSON differs at " << first_difference(direct.text, j.text));
  CHECK(j.text == direct.text);
  return c1 == c2 && j.text == direct.text && x.back == ReadResult::Ok;
}

void check_folder(const fs::path& dir, bool recursive) {
  for (const char* layout : {"csv", "csv-dir"}) {
    size_t ok = 0, n = 0;
    for (const auto& f : files_in(dir, ".xml", recursive)) {
      ++n;
      ok += check_layout(f, layout);
    }
    std::printf("CSV round trip (%s): %zu of %zu files in %s\n", layout, ok, n, dir.string().c_str());
  }
}

}  // namespace

TEST_CASE("CSV round trip: the seed fixture, both layouts", "[csv][roundtrip]") {
  for (const char* layout : {"csv", "csv-dir"})
    CHECK(check_layout(fs::path(PROJCONV_SOURCE_DIR) / "fixtures/seed/seed.xml", layout));
}

TEST_CASE("CSV round trip: real publisher corpus", "[csv][roundtrip][corpus]") {
  fs::path shared = shared_dir("the CSV corpus round trip");
  if (shared.empty()) return;
  check_folder(shared / "corpus/iati-real", false);
}

TEST_CASE("CSV round trip: official should-pass activity suites", "[csv][roundtrip][corpus]") {
  fs::path shared = shared_dir("the CSV should-pass round trip");
  if (shared.empty()) return;
  check_folder(shared / "iati/schema-tests/should-pass/iati-activities", true);
  check_folder(shared / "iati/schema-tests/activity-tests/should-pass", true);
}

TEST_CASE("csv writer: 100000 siblings are numbered without counting back from each one", "[csv][limits]") {
  const int n = 100000;
  std::string xml = "<iati-activities version='2.03'><iati-activity><iati-identifier>XM-1</iati-identifier>";
  for (int i = 1; i <= n; ++i) xml += "<transaction><value>" + std::to_string(i) + "</value></transaction>";
  xml += "</iati-activity></iati-activities>";
  Converted c = convert_text(xml, "xml", "csv");
  REQUIRE(c.result == ReadResult::Ok);
  std::string heading = c.text.substr(0, c.text.find('\n'));
  CHECK(heading.find(",transaction[1]/value,") != std::string::npos);
  CHECK(heading.find(",transaction[100000]/value,") != std::string::npos);
  // The last value sits under the last transaction's heading.
  size_t columns = static_cast<size_t>(std::count(heading.begin(), heading.begin() + static_cast<long>(heading.find(",transaction[100000]/value,")), ','));
  std::string row = c.text.substr(c.text.find('\n') + 1);
  size_t at = 0;
  for (size_t k = 0; k < columns + 1; ++k) at = row.find(',', at) + 1;
  CHECK(row.substr(at, row.find(',', at) - at) == "100000");
}

TEST_CASE("csv reader: 100000 siblings are found without counting from the first one", "[csv][limits]") {
  // Both layouts: the wide file names transaction[100000] in a heading, the package in a key column.
  const int n = 100000;
  std::string xml = "<iati-activities version='2.03'><iati-activity><iati-identifier>XM-1</iati-identifier>";
  for (int i = 1; i <= n; ++i) xml += "<transaction><value>" + std::to_string(i) + "</value></transaction>";
  xml += "</iati-activity></iati-activities>";
  for (const char* layout : {"csv", "csv-dir"}) {
    Scratch s;
    Through x = convert_through(xml, "xml", layout, "xml", s.path);
    INFO(layout << ": " << first_diag(x.diags));
    REQUIRE(x.there == ReadResult::Ok);
    REQUIRE(x.back == ReadResult::Ok);
    CHECK(canonical_xml(x.text) == canonical_xml(xml));
  }
}
