// CSV column paths (`transaction[2]/value/@currency`, `title/narrative[fr]`) and the cells of a flattened record.
//
// DESIGN: a record flattens to cells keyed by a path of steps from the activity, each step an element name with
// an ordinal among its same-name siblings (1-based, as XPath counts); narratives are addressed by language
// instead (`narrative[fr]`, `narrative[fr][2]`, bare `narrative` for no language). The wide layout writes the
// path as the heading; the table package splits it at the last repeatable step into a table, a key of
// ordinals and a column. Whatever cells cannot express exactly (unknown or foreign elements, empty elements,
// empty attributes, comments) travels as an XML fragment addressed by the same path, so nothing is lost.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <pugixml.hpp>

#include "check/schema.hpp"

namespace projconv {

struct Step {
  std::string name;
  uint32_t ordinal = 1;  // among same-name siblings; for narratives, among those of the same language
  bool narrative = false;
  std::string lang;      // narratives only; empty = no xml:lang
  bool operator==(const Step&) const = default;
};

struct CellPath {
  std::vector<Step> steps;  // from the activity (or the table element) down to the element
  std::string attr;         // empty: the element's text
  bool operator==(const CellPath&) const = default;
};

// Heading text: `sector[2]/@code`; with `ordinals` false (table columns) repeatable steps carry no [n].
std::string format_path(const CellPath& p, const ElementDef* base, bool ordinals);
// Parses a heading, accepting flatten-tool/CoVE aliases (`sector/0/@code`); empty string on success, else why.
std::string parse_path(std::string_view heading, CellPath& out);

struct Cell {
  CellPath path;
  std::string value;
};

// An XML fragment for what cells cannot express: `at` is the element it is (or, for a comment, the element it
// sits in); `xml` is the element (merged into the one at `at`) or the comment.
struct Fragment {
  std::vector<Step> at;
  std::string xml;
};

// The narrative order of one element, when it differs from the file's language column order.
struct NarrativeOrder {
  std::vector<Step> at;  // the element holding the narratives
  std::string order;     // e.g. "fr en"; `-` is a narrative without language, `fr#2` the second in French
  // Some narrative has no cell of its own (only a fragment makes it), so column order cannot place it.
  bool always = false;
};

struct FlatRecord {
  std::vector<Cell> cells;
  std::vector<Fragment> fragments;
  std::vector<NarrativeOrder> orders;
};

// Flattens one activity. Narratives are listed in input order; the writer decides whether an order cell is
// needed (it knows the column order).
void flatten(pugi::xml_node activity, const ElementDef* def, FlatRecord& out);

// Rebuilds one activity from cells, fragments and narrative orders (the inverse of flatten). Methods that can
// fail return an empty string on success, or what is wrong with the cell (for a located diagnostic).
class ActivityBuilder {
 public:
  // Starts on a new activity element. A cell for ordinal n makes the missing siblings before it; together those
  // empty elements may not outnumber the record's `values` (plus a few), so a short file cannot ask for millions.
  void begin(pugi::xml_node activity, size_t values);
  std::string cell(const Cell& c);
  std::string fragment(const Fragment& f);
  std::string order(const NarrativeOrder& o);
  // The element at `steps`, made (with any missing earlier siblings) when absent; null, with `why` set, when
  // that would leave more empty elements than the record's values allow.
  pugi::xml_node at(const std::vector<Step>& steps, std::string* why = nullptr);

 private:
  pugi::xml_node element_at(pugi::xml_node parent, const Step& s, std::string* why);
  pugi::xml_node narrative_at(pugi::xml_node parent, const Step& s, std::string* why);
  bool make_room(const Step& s, uint32_t have, std::string* why);

  pugi::xml_node activity_;
  size_t holes_left_ = 0, values_ = 0;
  // Each parent's children by element name, numbered once: a record with many siblings builds in linear time.
  // Narratives are looked up afresh, as a later cell may set their language.
  std::unordered_map<const void*, std::unordered_map<std::string, std::vector<pugi::xml_node>>> kids_;
};

// Parses a piece of XML from a cell. pugixml skips a leading U+FEFF as a byte order mark; in a cell it is
// text, so it is kept.
pugi::xml_parse_result load_xml_piece(pugi::xml_document& doc, std::string_view xml, unsigned flags);

// A node as XML text, exactly (no indentation added).
std::string serialize_xml(pugi::xml_node n);

// The label of a narrative step in an order cell: "fr", "fr#2", "-", "-#2".
std::string narrative_label(const Step& s);
// A narrative language as headings and order cells spell it (%XX for bytes they would misread), and back.
std::string encode_lang(const std::string& lang);
std::string decode_lang(std::string_view s);

}  // namespace projconv
