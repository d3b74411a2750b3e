// The W3C XML conformance suite (xmlconf, in ../shared) against the XML reader's well-formedness verdict.
//
// Each document is read as projconv reads any XML file. Its root is never iati-activities, so the reader says
// not-iati and goes on checking the rest; a finding in the wellformed layer other than that is a rejection.
// The rows whose verdict differs from the suite's are listed, each with its reason, in tests/golden/, so
// no verdict changes without a reviewed edit there. The rates go to stdout as "conformance: " lines.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "support.hpp"

using namespace projconv;
using namespace projconv::test;
namespace fs = std::filesystem;

namespace {

struct Row {
  std::string path, id, type, entities, has_doctype;
};

std::vector<Row> manifest(const fs::path& dir) {
  std::istringstream in(read_file(dir / "manifest.tsv"));
  std::string line;
  std::getline(in, line);
  std::map<std::string, size_t> col;
  {
    std::istringstream head(line);
    std::string name;
    for (size_t i = 0; std::getline(head, name, '\t'); ++i) col[name] = i;
  }
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '\t');) f.push_back(cell);
    f.resize(col.size());
    rows.push_back({f[col.at("path")], f[col.at("id")], f[col.at("type")], f[col.at("entities")], f[col.at("has_doctype")]});
  }
  return rows;
}

// A golden list: id -> second column (a path or a code). Lines starting with '#' and blank lines are skipped.
std::map<std::string, std::string> golden(const std::string& name) {
  std::istringstream in(read_file(fs::path(PROJCONV_SOURCE_DIR) / "tests" / "golden" / name));
  std::map<std::string, std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t a = line.find('\t');
    size_t b = line.find('\t', a + 1);
    REQUIRE(a != std::string::npos);
    out[line.substr(0, a)] = line.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  }
  return out;
}

struct Verdict {
  const Diagnostic* rejection = nullptr;  // the first wellformed finding that is not about the root's name
  CollectingReporter rep;
  double seconds = 0;
};

void read_row(const fs::path& file, Verdict& v) {
  auto start = std::chrono::steady_clock::now();
  auto src = Source::from_string(read_file(file), file.filename().string());
  NullSink sink;
  ReadOptions opt;
  opt.file = file.filename().string();
  opt.schema = &Schema::builtin();
  read_xml(*src, sink, v.rep, opt);
  v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const Diagnostic& d : v.rep.diags)
    if (d.layer == "wellformed" && d.code != "not-iati" && d.code != "not-activity-file") {
      v.rejection = &d;
      break;
    }
}

std::string describe(const Verdict& v) {
  if (!v.rejection) return "accepted";
  return render_text(*v.rejection);
}

std::string rate_line(const char* what, const char* verb, size_t n, size_t of) {
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.1f%%", of ? 100.0 * static_cast<double>(n) / static_cast<double>(of) : 100.0);
  return std::string("conformance: W3C XML ") + what + " " + verb + " " + std::to_string(n) + "/" +
         std::to_string(of) + " (" + pct + ")";
}

bool no_doctype_no_entities(const Row& r) { return r.entities == "none" && r.has_doctype == "no"; }

}  // namespace

TEST_CASE("xmlconf: not-wf documents without DOCTYPE or entities are rejected", "[conformance]") {
  fs::path shared = shared_dir("the W3C XML conformance test");
  if (shared.empty()) return;
  fs::path dir = shared / "conformance" / "xml";
  std::map<std::string, std::string> accepted = golden("xml-not-wf-accepted.tsv");
  size_t total = 0, rejected = 0;
  std::vector<std::string> changed;
  std::set<std::string> seen;
  for (const Row& r : manifest(dir)) {
    if (r.type != "not-wf" || !no_doctype_no_entities(r)) continue;
    ++total;
    seen.insert(r.id);
    Verdict v;
    read_row(dir / r.path, v);
    if (v.rejection) ++rejected;
    bool listed = accepted.count(r.id) > 0;
    if (listed == !v.rejection) continue;
    changed.push_back(r.id + "\t" + r.path + "\t" + (listed ? "listed as accepted, now rejected: " : "accepted, not listed: ") +
                      describe(v));
  }
  for (const auto& [id, path] : accepted)
    if (!seen.count(id)) changed.push_back(id + "\t" + path + "\tlisted as accepted, but not a not-wf row without DOCTYPE");
  std::cout << rate_line("not-wf (entities=none, no DOCTYPE)", "rejected", rejected, total) << std::endl;
  for (const auto& c : changed) UNSCOPED_INFO(c);
  CHECK(changed.empty());  // update tests/golden/xml-not-wf-accepted.tsv, with a reason, when intended
  CHECK(total > 0);
  CHECK(static_cast<double>(rejected) >= 0.95 * static_cast<double>(total));
}

TEST_CASE("xmlconf: valid and invalid documents are accepted as well-formed", "[conformance]") {
  fs::path shared = shared_dir("the W3C XML conformance test");
  if (shared.empty()) return;
  fs::path dir = shared / "conformance" / "xml";
  std::map<std::string, std::string> refused = golden("xml-valid-refused.tsv");  // id -> the code we refuse with
  size_t plain = 0, plain_ok = 0, all = 0, all_ok = 0;
  std::map<std::string, size_t> by_code;
  std::vector<std::string> changed;
  std::set<std::string> seen;
  for (const Row& r : manifest(dir)) {
    if (r.type != "valid" && r.type != "invalid") continue;
    ++all;
    seen.insert(r.id);
    Verdict v;
    read_row(dir / r.path, v);
    if (!v.rejection) ++all_ok;
    if (no_doctype_no_entities(r)) {
      ++plain;
      if (!v.rejection) ++plain_ok;
      // These use nothing our policy refuses: they must be read, and cannot be listed as refused.
      if (v.rejection || refused.count(r.id)) changed.push_back(r.id + "\tmust be accepted: " + describe(v));
      continue;
    }
    if (v.rejection) ++by_code[v.rejection->code];
    auto it = refused.find(r.id);
    std::string got = v.rejection ? v.rejection->code : std::string();
    std::string want = it == refused.end() ? std::string() : it->second;
    if (got != want)
      changed.push_back(r.id + "\t" + (got.empty() ? "-" : got) + "\t" +
                        (want.empty() ? "refused, not listed: " : "listed as refused with " + want + ", now: ") + describe(v));
  }
  for (const auto& [id, code] : refused)
    if (!seen.count(id)) changed.push_back(id + "\t" + code + "\tlisted as refused, but not a valid or invalid row");
  std::cout << rate_line("valid+invalid (entities=none, no DOCTYPE)", "accepted", plain_ok, plain) << std::endl;
  std::string codes;
  for (const auto& [code, n] : by_code) codes += (codes.empty() ? "" : ", ") + code + " " + std::to_string(n);
  std::cout << rate_line("valid+invalid (all)", "accepted", all_ok, all) << "; the " << all - all_ok
            << " others refused by policy (" << (codes.empty() ? "none" : codes) << ")" << std::endl;
  for (const auto& c : changed) UNSCOPED_INFO(c);
  CHECK(changed.empty());  // update tests/golden/xml-valid-refused.tsv, with a reason, when intended
  CHECK(plain > 0);
  CHECK(plain_ok == plain);
}

TEST_CASE("xmlconf: every document is read to a verdict, without crash or hang", "[conformance]") {
  fs::path shared = shared_dir("the W3C XML conformance test");
  if (shared.empty()) return;
  fs::path dir = shared / "conformance" / "xml";
  size_t total = 0, not_wf = 0, not_wf_rejected = 0;
  double slowest = 0;
  std::string slowest_id;
  for (const Row& r : manifest(dir)) {
    ++total;
    Verdict v;
    read_row(dir / r.path, v);
    if (v.seconds > slowest) {
      slowest = v.seconds;
      slowest_id = r.id;
    }
    if (r.type == "not-wf") {
      ++not_wf;
      if (v.rejection) ++not_wf_rejected;
    }
    // Every finding can be rendered and is in the code table.
    for (const Diagnostic& d : v.rep.diags) {
      INFO(r.id << ": " << render_text(d));
      CHECK(find_code(d.code) != nullptr);
    }
  }
  std::cout << rate_line("not-wf (all, DOCTYPE and entities included)", "rejected", not_wf_rejected, not_wf)
            << std::endl;
  std::cout << "conformance: W3C XML all " << total << " documents read without crash; slowest " << slowest_id << " "
            << static_cast<long>(slowest * 1000) << " ms" << std::endl;
  CHECK(slowest < 2.0);
}
