// The rules layer: rulesets in the IATI Ruleset JSON format, compiled once and run on every record.
//
// DESIGN: a ruleset is parsed and every XPath and regex in it compiled when it is loaded, never per record:
// rulesets run on each activity of files of hundreds of megabytes. Only the XPaths of a `loop` that carry
// the `$1` of its `foreach` depend on the data; those are compiled on first use and kept by their final
// text. A failing case becomes one Diagnostic (layer "rules") carrying the case's ruleInfo and plain facts;
// the wording of the finding is the ruleset's own message, rendered elsewhere. Cases that need the online
// organisation-identifier list (`idCondition`, the `ORG-ID-PREFIX` prefix) are skipped: see docs/rules.md.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag.hpp"
#include "core/record.hpp"

namespace projconv {

// A ruleset that cannot be used: bad JSON, an unknown rule, an XPath or regex that does not compile, a
// missing key. `name()` is the ruleset's name (its path), `detail()` what is wrong and where in it.
class RulesetError : public std::runtime_error {
 public:
  RulesetError(const std::string& name, const std::string& detail);
  const std::string& name() const { return name_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string name_;
  std::string detail_;
};

class RuleSet {
 public:
  RuleSet();
  ~RuleSet();
  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;

  // Parses a ruleset: { context-xpath: { rule-name: { "cases": [ {...case..., "ruleInfo": {...}} ] } } }.
  // Rule names may be spelled as in either edition (atleast_one or atLeastOne). Throws RulesetError.
  static RuleSet parse(std::string_view json, const std::string& name);
  // Reads a file (at most 16 MiB), then parses it; a file that cannot be read is a RulesetError too.
  static RuleSet load(const std::string& path);
  // projconv's own ruleset (schemas/rules/projconv.json, compiled into the binary), parsed on first use.
  static const RuleSet& builtin();

  // Runs every case on one record (r.doc holds a copy of the file's root element with the one
  // iati-activity, or iati-organisation, under it) and reports each failure to `rep`. Safe to call from
  // several threads at once.
  void check(const Record& r, const std::string& file, Reporter& rep) const;

  // Cases that run (a loop counts the cases of its `do`); cases skipped as needing online data are not counted.
  size_t case_count() const;
  // One entry per finding code the ruleset can emit (its first case's rule, severity and message).
  struct RuleDescription {
    std::string code, rule, context, message;
    Severity severity;
  };
  std::vector<RuleDescription> describe() const;
  // Cases skipped because they need the online organisation-identifier list.
  size_t skipped_online() const;
  const std::string& name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace projconv
