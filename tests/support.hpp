// Test helpers: the shared reference folder, in-memory conversion, and the canonical form of an XML document.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "core/diag.hpp"
#include "formats/format.hpp"

namespace projconv::test {

// ../shared beside the repository, or an empty path (and a printed reason) when it is absent.
std::filesystem::path shared_dir(const char* why);
std::string read_file(const std::filesystem::path& p);
std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir, const std::string& ext,
                                            bool recursive);

struct Converted {
  ReadResult result;
  std::string text;
  std::vector<Diagnostic> diags;
};
Converted convert_text(const std::string& input, const char* from, const char* to, const std::string& name = "in");

struct Validated {
  ReadResult result;
  std::vector<Diagnostic> diags;
  size_t errors = 0;
  std::string codes() const;  // "code@line:col;" for each finding, in order
};
// Validates text as `projconv validate` does, with the given layers (e.g. "structure").
Validated validate_text(const std::string& input, const std::string& layers = "wellformed,structure,codelists,rules",
                        const std::string& name = "t.xml", const std::vector<std::string>& rulesets = {});

// Converts text through a file or folder in `scratch` (for layouts that are files or folders, like the CSV
// package): text -> `to` at scratch/name, then back to `back` as text.
struct Through {
  ReadResult there = ReadResult::Ok, back = ReadResult::Ok;
  std::string text;
  std::vector<Diagnostic> diags;
};
Through convert_through(const std::string& input, const char* from, const char* to, const char* back,
                        const std::filesystem::path& scratch);

// Canonical form: elements with sorted attributes, non-blank character data, children grouped by name with
// same-name siblings in order; comments, PIs and blank text dropped. One line per element, indented.
std::string canonical_xml(const std::string& xml);

// The first differing line of two texts, for readable failures.
std::string first_difference(const std::string& a, const std::string& b);

}  // namespace projconv::test
