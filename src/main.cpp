// projconv entry point; the commands live in src/cli/.
#include "cli/commands.hpp"

int main(int argc, char** argv) { return projconv::run_cli(argc, argv); }
