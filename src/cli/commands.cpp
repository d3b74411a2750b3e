// Dispatch: `projconv COMMAND ...` runs a command; anything else is `projconv convert ...` (IN OUT converts).
#include "cli/commands.hpp"

#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "core/io.hpp"

namespace projconv {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"convert", "convert IATI activity data between XML, JSON and CSV (the default command)", run_convert},
      {"validate", "check files for well-formedness, structure, codelists and rules", run_validate},
      {"rules", "list every finding code: layer, severity, meaning", run_rules},
      {"explain", "explain a finding code: what it means and how to fix it", run_explain},
  };
  return table;
}

namespace {

void print_overview(std::FILE* to) {
  std::fprintf(to,
      "projconv %s: validate and convert IATI activity data (XML, JSON, CSV) without losing anything.\n\n"
      "Usage:\n"
      "  projconv IN OUT              convert (formats from the extensions, or sniffed)\n"
      "  projconv COMMAND [ARGS...]   run a command\n\n"
      "Commands:\n",
      PROJCONV_VERSION);
  for (const auto& c : commands())
    std::fprintf(to, "  %-10s %s\n", std::string(c.name).c_str(), std::string(c.summary).c_str());
  std::fprintf(to,
      "\nExamples:\n"
      "  projconv activities.xml activities.json\n"
      "  projconv activities.json - --to xml | less\n"
      "  projconv validate data/ --format sarif -o projconv.sarif\n"
      "  projconv help validate\n\n"
      "Exit codes: 0 success, 1 the data cannot be read (or has errors), 2 usage or environment error.\n");
}

}  // namespace

int run_cli(int argc, char** argv) {
  install_signal_cleanup();
  try {
    if (argc < 2) {
      print_overview(stderr);
      return kExitUsage;
    }
    {
      std::string_view first = argv[1];
      if (first == "help" && argc >= 3) {  // `projconv help validate` is `projconv validate --help`
        for (const auto& c : commands())
          if (c.name == argv[2]) {
            std::string prog = "projconv " + std::string(c.name);
            char help[] = "--help";
            char* args[] = {prog.data(), help, nullptr};
            return c.run(2, args);
          }
        std::fprintf(stderr, "projconv: error: no command '%s'\nRun 'projconv --help' for the commands.\n", argv[2]);
        return kExitUsage;
      }
      if (first == "--help" || first == "-h" || first == "help") {
        print_overview(stdout);
        return kExitOk;
      }
      if (first == "--version" || first == "-V") {
        std::printf("projconv %s (IATI activity schema 2.03)\n", PROJCONV_VERSION);
        return kExitOk;
      }
      for (const auto& c : commands()) {
        if (c.name == first) {
          std::string prog = "projconv " + std::string(c.name);
          argv[1] = prog.data();
          return c.run(argc - 1, argv + 1);
        }
      }
    }
    return run_convert(argc, argv);
  } catch (const IoError& e) {
    std::fprintf(stderr, "projconv: error: %s\n", e.what());
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "projconv: error: out of memory\n");
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "projconv: internal error: %s\n", e.what());
    return kExitUsage;
  }
}

}  // namespace projconv
