// Output safety: the target appears only on commit, an old file survives a failed run, write errors throw.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "core/io.hpp"
#include "support.hpp"

using namespace projconv;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/projconv-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  size_t entries() const { return static_cast<size_t>(std::distance(fs::directory_iterator(path), fs::directory_iterator())); }
};

}  // namespace

TEST_CASE("output: the target appears only on commit", "[io]") {
  TempDir d;
  fs::path target = d.path / "out.json";
  {
    FileOutput out(target.string());
    out.write("hello");
    CHECK_FALSE(fs::exists(target));
    CHECK(d.entries() == 1);  // the temp file, beside the target
    out.commit();
  }
  CHECK(test::read_file(target) == "hello");
  CHECK(d.entries() == 1);
}

TEST_CASE("output: without commit, nothing is left and an old file is untouched", "[io]") {
  TempDir d;
  fs::path target = d.path / "out.json";
  { std::ofstream(target) << "old"; }
  {
    FileOutput out(target.string());
    out.write(std::string(3 << 20, 'x'));  // more than the buffer, so the temp file really holds data
  }
  CHECK(test::read_file(target) == "old");
  CHECK(d.entries() == 1);
}

TEST_CASE("output: environment faults throw IoError", "[io]") {
  CHECK_THROWS_AS(FileOutput("/nonexistent-dir/out.json"), IoError);
  TempDir d;
  CHECK_THROWS_AS(FileOutput(d.path.string()), IoError);  // a directory
  FileOutput full("/dev/full");
  full.write("data");
  CHECK_THROWS_AS(full.commit(), IoError);
}

TEST_CASE("source: peek does not consume, a missing file throws", "[io]") {
  auto s = Source::from_string("abcdef", "mem");
  CHECK(s->peek(3) == "abc");
  char buf[8];
  size_t n = s->read(buf, sizeof buf);
  CHECK(std::string(buf, n) == "abc");
  n = s->read(buf, sizeof buf);
  CHECK(std::string(buf, n) == "def");
  CHECK_THROWS_AS(Source::open("/nonexistent/file.xml"), IoError);
}
