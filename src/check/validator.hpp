// The validator: a sink that runs the chosen layers on each record and passes it on (to a writer, or nowhere).
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "check/structure.hpp"
#include "core/record.hpp"

namespace projconv {

class RuleSet;

struct Layers {
  bool structure = true, codelists = true, rules = true;
  // Parses "wellformed,structure,codelists,rules"; empty string on success, else the bad word.
  std::string parse(const std::string& list);
};

struct ValidateOptions {
  Layers layers;
  bool builtin_rules = true;                              // our ruleset and the identifier checks
  std::vector<std::shared_ptr<const RuleSet>> rulesets;  // --rules FILE, in order
};

// Counts what it forwards, so the validator can tell whether a record had errors.
class CountingReporter : public Reporter {
 public:
  explicit CountingReporter(Reporter& next) : next_(next) {}
  void report(Diagnostic d) override;
  void activity_checked(const std::string& file, const std::string& id, size_t index, Loc at) override {
    next_.activity_checked(file, id, index, at);
  }
  size_t errors = 0, warnings = 0, notes = 0;
  size_t unreadable = 0;  // wellformed-layer errors: parts of the input that never became records

 private:
  Reporter& next_;
};

class Validator : public Sink {
 public:
  // `next` may be null (validate only). The options must outlive the validator.
  Validator(const ValidateOptions& opt, std::string file, Reporter& rep, Sink* next);
  ~Validator() override;

  void begin(const Header& h) override;
  void record(Record& r) override;
  void end(const Header& trailer) override;

  size_t activities() const { return activities_; }
  size_t invalid_activities() const { return invalid_; }
  const CountingReporter& counts() const { return rep_; }
  // The reporter that counts into this validator's totals (readers report parse errors through it).
  Reporter& reporter() { return rep_; }

 private:
  void check_version(const Header& h);
  void check_identifier(const Record& r);

  const ValidateOptions& opt_;
  std::string file_;
  CountingReporter rep_;
  Sink* next_;
  const Header* header_ = nullptr;
  StructureCheck structure_;
  std::vector<const RuleSet*> rules_;
  size_t activities_ = 0, invalid_ = 0;
  struct Seen {  // kept per activity of the file, so kept small: the path is rebuilt from the index
    Loc loc;
    size_t index;
  };
  std::unordered_map<std::string, Seen> ids_;
};

}  // namespace projconv
