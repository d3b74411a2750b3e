// CLI11 parsing with projconv's exit codes: help and version exit 0, every usage error exits 2.
#pragma once
#include <CLI/CLI.hpp>

namespace projconv {

// Returns -1 when parsing succeeded and the command should run, or the exit code to return now.
int parse_args(CLI::App& app, int argc, char** argv);

}  // namespace projconv
