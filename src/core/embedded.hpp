// Data files compiled into the binary (the schema, codelists, rulesets), so a copied executable needs nothing else.
#pragma once
#include <string_view>
#include <vector>

namespace projconv {

struct EmbeddedFile {
  std::string_view name;  // path relative to schemas/, e.g. "rules/projconv.json"
  std::string_view data;
};

const std::vector<EmbeddedFile>& embedded_files();

// The named file's bytes; throws std::runtime_error when no such file was compiled in.
std::string_view embedded_file(std::string_view name);

}  // namespace projconv
