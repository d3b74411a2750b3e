// Maps CLI11's own error codes (104, 106, 109, ...) to projconv's: 0 for help/version, 2 for the rest.
#include "cli/parse.hpp"

#include <cstdio>

#include "cli/commands.hpp"

namespace projconv {

int parse_args(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::CallForHelp& e) {
    app.exit(e);
    return kExitOk;
  } catch (const CLI::CallForAllHelp& e) {
    app.exit(e);
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    app.exit(e);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "projconv: error: %s\nRun '%s --help' for usage.\n", e.what(), app.get_name().c_str());
    return kExitUsage;
  }
}

}  // namespace projconv
