// Shared validation options, and the number validators that give one plain line instead of CLI11's wording.
#include "cli/options.hpp"

#include <cstdio>

#include "check/rules.hpp"
#include "cli/commands.hpp"
#include "core/io.hpp"

namespace projconv {

namespace {

CLI::Validator whole_number_min(unsigned long min) {
  return CLI::Validator(
      [min](std::string& v) -> std::string {
        if (!v.empty() && v.size() < 10 && v.find_first_not_of("0123456789") == std::string::npos && std::stoul(v) >= min)
          return {};
        return "must be a whole number" + std::string(min ? " of at least " + std::to_string(min) : "") + ", not '" +
               v + "'";
      },
      "N");
}

}  // namespace

CLI::Validator whole_number() { return whole_number_min(0); }
CLI::Validator whole_number_at_least_1() { return whole_number_min(1); }

void add_check_options(CLI::App& app, CheckArgs& a) {
  app.add_option("--layers", a.layers, "layers to run, comma-separated: wellformed,structure,codelists,rules (all by default)");
  // One file per --rules, or a vector option would swallow the data files after it.
  app.add_option("--rules", a.rules, "add a ruleset in the IATI Ruleset JSON format (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--no-builtin-rules", a.no_builtin_rules, "leave out projconv's own ruleset and identifier checks");
  app.add_option("--max-errors", a.max_errors, "print at most N findings (0: all); counting goes on")
      ->check(whole_number());
  app.add_option("--max-depth", a.max_depth, "refuse data nested deeper than this many elements (default 256)")
      ->check(whole_number_at_least_1());
  app.add_option("--max-input-size", a.max_input_size,
                 "refuse an input file larger than this: 1500, 64K, 512M, 1G (default 1G; 0: no limit)")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            uint64_t n = 0;
            return parse_size(v, n) ? std::string() : "must be a size such as 1500, 64K, 512M or 2G, not '" + v + "'";
          },
          "SIZE"));
}

int resolve_check_options(CheckArgs& a, ValidateOptions& out) {
  std::string bad = out.layers.parse(a.layers);
  if (!bad.empty()) {
    std::fprintf(stderr,
                 "projconv: error: --layers: unknown layer '%s' (choose from wellformed, structure, codelists, rules)\n",
                 bad.c_str());
    return kExitUsage;
  }
  parse_size(a.max_input_size, a.input_limit);  // checked when the option was parsed
  out.builtin_rules = !a.no_builtin_rules;
  for (const std::string& path : a.rules) {
    try {
      out.rulesets.push_back(std::make_shared<const RuleSet>(RuleSet::load(path)));
    } catch (const RulesetError& e) {
      std::fprintf(stderr, "projconv: error: ruleset %s: %s\n", e.name().c_str(), e.detail().c_str());
      return kExitUsage;
    }
  }
  return -1;
}

}  // namespace projconv
