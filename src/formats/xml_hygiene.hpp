// What pugixml accepts but XML forbids: checked on the raw bytes of a span, and on its parsed attributes.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <pugixml.hpp>

namespace projconv {

struct HygieneProblem {
  const char* code = nullptr;  // nullptr: none
  size_t offset = 0;           // into the span
  std::string detail;
  pugi::xml_attribute attr;    // duplicate-attribute: the second one
};

// Invalid UTF-8, C0 control characters, references to undeclared entities and character references outside
// the XML Char range. Comments, CDATA and processing instructions are skipped for the reference rules only.
HygieneProblem check_xml_bytes(std::string_view span);
// A duplicate attribute anywhere in the tree (pugixml keeps both).
HygieneProblem check_duplicate_attributes(pugi::xml_node root);

}  // namespace projconv
