// Diagnostics as data: a code, a location, a path and the facts; their text is rendered in diag.cpp only.
//
// DESIGN: a finding is built where it is found, with facts (`value`, `expected`, ...) but no prose. The
// code table in diag.cpp gives each code its layer, default severity and message template, so the wording
// lives in one place and tests assert codes, locations and paths rather than sentences. Reporters consume
// diagnostics one at a time, so memory does not grow with the number of findings.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace projconv {

enum class Severity { Note, Warning, Error };
std::string_view to_string(Severity s);

struct Loc {
  uint32_t line = 0;  // 1-based; 0 = unknown
  uint32_t col = 0;   // 1-based, in Unicode code points (for CSV: the column number)
  uint32_t file = 0;  // when the input is several files (a CSV package): which one, see loc_file(); 0 = the input
  uint32_t heading = 0;  // CSV: the column heading of the cell (an id for loc_file()); 0 = none
  bool known() const { return line != 0; }
};

// Names of the files positions can point into, for inputs made of several files; ids live for the process.
uint32_t intern_loc_file(const std::string& name);
const std::string& loc_file(uint32_t id);
// The file a diagnostic is in: its position's own file, else the input's name.
const std::string& diag_file(const struct Diagnostic& d);

// A second place a finding refers to (the other date of a date-order rule, the first of two duplicates).
struct Related {
  Loc loc;
  std::string path;
  std::string note;
};

struct Diagnostic {
  std::string code;
  std::string layer;  // wellformed, structure, codelists, rules, conversion, usage
  Severity severity = Severity::Error;
  std::string file;
  Loc loc;
  std::string activity;  // iati-identifier of the activity, if any
  std::string path;      // e.g. /iati-activities/iati-activity[3]/budget[1]/value
  std::vector<std::pair<std::string, std::string>> facts;  // `value` is the offending value, as read
  std::vector<Related> related;

  Diagnostic& fact(std::string key, std::string value) {
    facts.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  std::string_view get(std::string_view key) const;
};

// Builds a diagnostic for a code with its table severity.
Diagnostic make_diag(std::string_view code);

struct CodeInfo {
  std::string_view code;
  std::string_view layer;
  Severity severity;
  std::string_view summary;
  std::string_view message;  // template; {name} is replaced by the fact `name`
};
const CodeInfo* find_code(std::string_view code);
const std::vector<CodeInfo>& all_codes();

// The one place where a diagnostic becomes a sentence.
std::string render_message(const Diagnostic& d);
// `file:line:col: severity: message [code]`, the gcc/shellcheck shape.
std::string render_text(const Diagnostic& d);

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void report(Diagnostic d) = 0;
  // Told of every activity once its checks are done (reports that list passes, such as JUnit, need it).
  virtual void activity_checked(const std::string& /*file*/, const std::string& /*id*/, size_t /*index*/, Loc) {}
};

// Keeps every diagnostic; for tests and library users.
class CollectingReporter : public Reporter {
 public:
  void report(Diagnostic d) override { diags.push_back(std::move(d)); }
  std::vector<Diagnostic> diags;
  size_t count(Severity s) const;
};

}  // namespace projconv
