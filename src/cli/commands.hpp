// The command table: each command is one file exposing a run function, plus one row in commands.cpp.
#pragma once
#include <string_view>
#include <vector>

namespace projconv {

// Exit codes shared by every command.
enum Exit : int { kExitOk = 0, kExitFindings = 1, kExitUsage = 2 };

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(int argc, char** argv);  // argv[0] is "projconv <name>"
};

const std::vector<Command>& commands();
int run_cli(int argc, char** argv);

int run_convert(int argc, char** argv);
int run_validate(int argc, char** argv);
int run_rules(int argc, char** argv);
int run_explain(int argc, char** argv);

}  // namespace projconv
