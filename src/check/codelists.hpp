// The codelist layer of validation: IATI codelists and their XPath bindings, checked against each record.
//
// DESIGN: the lists and the mapping.xml bindings come from two generated text files in schemas/ (see
// tools/gen_codelists.py), parsed once. Every binding's path and condition is compiled as a pugixml XPath
// at parse time, so a path pugixml cannot run is a start-up error, not a silent gap. The paths IATI uses are
// plain child steps (`//iati-activity/sector/@code`), so those are matched by one walk over the record, in
// document order: running the 124 `//` queries on every record made checking a 100 MB file take 2.5 s
// instead of 0.1 s. Any other path is evaluated as XPath. Conditions (`@vocabulary = '2'`) run only when a
// code would otherwise be reported.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <pugixml.hpp>

#include "core/diag.hpp"
#include "core/record.hpp"

namespace projconv {

struct Code {
  std::string code;
  bool withdrawn = false;
  std::string name;  // English name; empty when the codelist gives none (most FileFormat codes)
};

// Lookup by std::string_view into maps keyed by std::string, without building a string per lookup.
struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct Codelist {
  std::string name;
  bool complete = true;     // complete="0": an open list, whose unknown codes are not errors
  std::vector<Code> codes;  // source order

  // The code, or nullptr. A code listed twice (FileFormat has two) resolves to its first entry.
  const Code* find(std::string_view code) const;
  const Code* find_ignoring_case(std::string_view code) const;
  // Builds the lookup table; call after the last code is added.
  void index();

 private:
  std::unordered_map<std::string, uint32_t, TransparentHash, std::equal_to<>> index_;
  std::unordered_map<std::string, uint32_t> folded_;  // lower-cased codes
};

struct CodelistOptions {
  // Also report unknown codes of complete="0" lists (Country, Language, ...), as the IATI Validator does.
  bool check_open_lists = true;
  // Evaluate every binding as pugixml XPath on the whole record instead of the single walk: slow, but the
  // reference the walk is tested against.
  bool xpath_only = false;
};

class Codelists {
 public:
  Codelists();
  Codelists(Codelists&&) noexcept;
  Codelists& operator=(Codelists&&) noexcept;
  ~Codelists();

  // The codelists compiled into the binary (schemas/codelists.txt and codelist-bindings.txt), parsed once.
  static const Codelists& builtin();
  // Parses the two line formats written by tools/gen_codelists.py; throws std::runtime_error on bad text or
  // on an XPath that pugixml cannot compile. A binding to a list that is not in `lists_text` is kept but
  // checks nothing.
  static Codelists parse(std::string_view lists_text, std::string_view bindings_text, CodelistOptions opt = {});

  const Codelist* find(std::string_view list) const;
  size_t list_count() const { return lists_.size(); }
  size_t binding_count() const { return bindings_.size(); }
  size_t conditional_count() const;
  // Bindings whose codelist is missing from the lists, as "path -> List" (normally none).
  std::vector<std::string> unbound() const;

  // Reports codelist-unknown and codelist-withdrawn for one record (an iati-activity, or an
  // iati-organisation of an organisation file). Nodes of the file's root element are not reported: the
  // root is the same for every record and is checked once per file elsewhere.
  void check(const Record& r, const std::string& file, Reporter& rep) const;

 private:
  struct Binding {
    std::string path;
    std::string list_name;
    std::string condition;           // empty: unconditional
    const Codelist* list = nullptr;  // nullptr: the list is not in the codelist file
    pugi::xpath_query query;
    pugi::xpath_query when;          // empty query when unconditional
    bool walked = false;             // matched by the walk rather than evaluated as XPath
  };
  struct Walker;  // the trie of walked paths, in codelists.cpp

  void check_value(const Binding& b, const Record& r, pugi::xml_node owner, pugi::xml_attribute attr,
                   const char* value, const std::string& file, Reporter& rep) const;
  void walk(const Record& r, pugi::xml_node e, const uint32_t* parent_states, size_t n_parent, const std::string& file,
            Reporter& rep) const;

  std::vector<Codelist> lists_;  // never resized after parse: bindings point into it
  std::unordered_map<std::string, size_t, TransparentHash, std::equal_to<>> by_name_;
  std::vector<Binding> bindings_;  // mapping.xml order; never resized after parse: the walker points into it
  std::unique_ptr<Walker> walker_;
  CodelistOptions opt_;
};

}  // namespace projconv
