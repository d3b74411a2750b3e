// What pugixml accepts but XML forbids: checked on the raw bytes of a span, and on its parsed tree.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pugixml.hpp>

namespace projconv {

struct HygieneProblem {
  const char* code = nullptr;  // nullptr: none
  size_t offset = 0;           // into the span
  std::string detail;
  pugi::xml_attribute attr;    // tree checks: the attribute at fault, else
  pugi::xml_node node;         // the element at fault
};

// The few rules that depend on the XML declaration.
struct XmlRules {
  bool xml11 = false;  // version="1.1": literal C1 controls are refused, prefixes may be unbound
};

// The characters, names, tags, attribute values, references, comments, CDATA sections and processing
// instructions of a span of content, checked against the XML 1.0 (5th edition) grammar where pugixml is
// lenient. Nesting and end-tag names are left to pugixml; so is a construct the span cuts short.
HygieneProblem check_xml_markup(std::string_view span, const XmlRules& rules);

// The XML declaration (`<?xml ...?>` at the start of a file), parsed strictly: version, then encoding,
// then standalone, each optional but the first.
struct XmlDeclaration {
  std::string version, encoding, standalone;
};
HygieneProblem parse_xml_declaration(std::string_view decl, XmlDeclaration& out);

// A light check of a DOCTYPE without an internal subset: a name and an optional SYSTEM or PUBLIC identifier.
HygieneProblem check_doctype(std::string_view decl);

// Namespace prefixes in scope and their URIs (an empty URI: XML 1.1 unbound the prefix). What is bound
// after mark() is undone by restore(mark), as an element closes. A map, so that a file declaring thousands
// of prefixes costs no more per name than one declaring two.
class NsScope {
 public:
  const std::string* find(std::string_view prefix) const;  // nullptr: not declared
  void bind(std::string_view prefix, std::string_view uri);
  size_t mark() const { return undo_.size(); }
  void restore(size_t mark);

 private:
  std::unordered_map<std::string, std::string> bound_;
  std::vector<std::pair<std::string, std::optional<std::string>>> undo_;  // prefix, URI it had before
};

// One element's attributes: duplicates (also through prefixes bound to the same URI), namespace declarations
// that the Namespaces in XML rules forbid, and prefixes used after being unbound. Adds its declarations
// to `scope`. Names with a colon and no declared prefix are left alone: XML 1.0 allows them.
HygieneProblem check_element(pugi::xml_node el, NsScope& scope, const XmlRules& rules);
// check_element for every element under `first` and its following siblings; `scope` is left as it was.
HygieneProblem check_tree(pugi::xml_node first, NsScope& scope, const XmlRules& rules);
// For trees built from JSON or CSV: the declarations on `decls` (the root), then `first`, its siblings and
// everything under them, by the rules of an XML 1.0 file, so that what is built can be written as XML and
// read back.
HygieneProblem check_built_tree(pugi::xml_node decls, pugi::xml_node first);

}  // namespace projconv
