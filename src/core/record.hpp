// The record model: a file is a header plus a stream of records, each one `iati-activity` held as an XML tree.
//
// DESIGN: every format is a view of the same tree. Values stay text as read; the schema, never the data,
// decides what is a number or an array when a writer renders a record. Records flow one at a time from a
// reader to a sink, so memory is bounded by the largest activity, not the file. A node's source position
// is found on demand: for XML from the node's offset in the activity's original bytes, for JSON (and later
// CSV) from a side table filled as the tree is built.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <pugixml.hpp>

#include "core/diag.hpp"

namespace projconv {

// Where the nodes of one tree came from.
class SourceMap {
 public:
  // XML: `text` is the original bytes of the activity as parsed by pugixml (never modified), starting at
  // `start` in the file; `buffer` is the start of pugixml's copy of it, which node offsets count from.
  void set_xml(std::string_view text, Loc start, const char* buffer);
  // JSON/CSV: explicit positions, keyed by pugixml's internal node or attribute object.
  void set(const void* key, Loc loc) { table_[key] = loc; }
  void clear();

  Loc locate(pugi::xml_node n) const;
  Loc locate(pugi::xml_attribute a) const;

 private:
  Loc at_offset(size_t off) const;
  std::string_view xml_text_;
  Loc xml_start_;
  // Positions already counted, by offset. Each question counts on from the nearest answer before it
  // instead of from the activity's start: a one-line activity with 100,000 findings would otherwise
  // count its whole text once per finding.
  mutable std::map<size_t, Loc> counted_;
  const char* xml_buffer_ = nullptr;
  std::unordered_map<const void*, Loc> table_;
};

// Everything in a file that is not an activity: the root element with its attributes (namespace
// declarations included, in input order), comments before the root, and the root's other children
// (comments, foreign elements such as ir:registry-record).
struct Header {
  pugi::xml_document doc;  // prolog comments, then the root element holding the non-activity children
  pugi::xml_node root() const { return doc.document_element(); }
  std::string version() const { return root().attribute("version").value(); }
  SourceMap where;  // positions of the root element and its attributes
};

// One activity (or, for the rules layer, one iati-organisation). Its tree sits under a copy of the file's
// root element (name and attributes), so absolute XPaths such as /iati-activities/iati-activity work on it.
struct Record {
  pugi::xml_document doc;
  size_t index = 0;  // 1-based position among the file's activities
  SourceMap where;

  pugi::xml_node root() const { return doc.document_element(); }
  pugi::xml_node activity() const { return root().first_child(); }
  // Puts the document element (a freshly loaded activity) under a copy of `file_root`'s name and attributes.
  void wrap(pugi::xml_node file_root);
  // iati-identifier, or organisation-identifier for an organisation.
  std::string identifier() const;
  // `/iati-activities/iati-activity[3]/budget[1]/value[1]`: positions among same-name siblings, as XPath counts.
  std::string path_of(pugi::xml_node n) const;
  std::string path_of(pugi::xml_node owner, pugi::xml_attribute a) const;

 private:
  friend class ReadOnlyTree;
  uint32_t position_among_siblings(pugi::xml_node n) const;
  // Set while a ReadOnlyTree holds: each node's position among same-name siblings, counted once per parent.
  mutable std::unordered_map<const void*, uint32_t> positions_;
  mutable bool tree_fixed_ = false;
};

// While it lives, nothing changes `r`'s tree, so path_of may remember sibling positions: without that,
// paths for findings on 100,000 sibling elements would recount the siblings once per finding.
class ReadOnlyTree {
 public:
  explicit ReadOnlyTree(const Record& r) : r_(r) { r_.tree_fixed_ = true; }
  ~ReadOnlyTree() {
    r_.tree_fixed_ = false;
    r_.positions_.clear();
  }
  ReadOnlyTree(const ReadOnlyTree&) = delete;
  ReadOnlyTree& operator=(const ReadOnlyTree&) = delete;

 private:
  const Record& r_;
};

// Receives a file: begin once, then each record in input order, then end with the trailer (root children
// that stood after the first activity). Readers push; writers and checks are sinks.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void begin(const Header& h) = 0;
  virtual void record(Record& r) = 0;
  virtual void end(const Header& trailer) = 0;
};

// Discards what it receives: the end of a chain that only validates.
class NullSink : public Sink {
 public:
  void begin(const Header&) override {}
  void record(Record&) override {}
  void end(const Header&) override {}
};

// Removes whitespace-only text beside child elements (formatting), in every reader alike, so that a tree
// means the same whichever format it came from and whatever it is written to next.
void drop_formatting_text(pugi::xml_node root);

// Line and column of byte `off` in `text`, counting from `start` (columns in code points).
Loc advance_loc(Loc start, std::string_view text, size_t off);

}  // namespace projconv
