// Options shared by the commands that validate (validate, convert): layers, rulesets, limits.
#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "check/validator.hpp"

namespace projconv {

struct CheckArgs {
  std::string layers = "wellformed,structure,codelists,rules";
  std::vector<std::string> rules;
  bool no_builtin_rules = false;
  size_t max_depth = 256;
  std::string max_input_size = "1G";  // parsed by resolve_check_options into input_limit
  uint64_t input_limit = uint64_t{1} << 30;
  size_t max_errors = 100;  // findings printed; 0: all
};

void add_check_options(CLI::App& app, CheckArgs& a);
// Fills `out` from the arguments; returns -1 on success, or the exit code after printing the problem.
int resolve_check_options(CheckArgs& a, ValidateOptions& out);

CLI::Validator whole_number();            // 0 or more
CLI::Validator whole_number_at_least_1();

}  // namespace projconv
