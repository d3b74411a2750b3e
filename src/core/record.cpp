// Source positions of tree nodes, and the identifier and path helpers every diagnostic uses.
#include "core/record.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <tuple>
#include <vector>

namespace projconv {

Loc advance_loc(Loc start, std::string_view text, size_t off) {
  off = std::min(off, text.size());
  Loc loc = start;
  const char* p = text.data();
  const char* end = p + off;
  const char* line_start = p;
  for (const char* q = p; (q = static_cast<const char*>(std::memchr(q, '\n', static_cast<size_t>(end - q)))); ++q) {
    ++loc.line;
    line_start = q + 1;
  }
  if (line_start != p) loc.col = 1;
  for (const char* q = line_start; q < end; ++q)
    if ((static_cast<unsigned char>(*q) & 0xC0) != 0x80) ++loc.col;
  return loc;
}

void SourceMap::set_xml(std::string_view text, Loc start, const char* buffer) {
  xml_text_ = text;
  xml_start_ = start;
  xml_buffer_ = buffer;
  counted_.clear();
}

void SourceMap::clear() {
  xml_text_ = {};
  xml_buffer_ = nullptr;
  table_.clear();
  counted_.clear();
}

// Counting is additive (lines and code points from a known position on), so any earlier answer is a start.
Loc SourceMap::at_offset(size_t off) const {
  off = std::min(off, xml_text_.size());
  auto after = counted_.upper_bound(off);
  size_t from = 0;
  Loc loc = xml_start_;
  if (after != counted_.begin()) std::tie(from, loc) = *std::prev(after);
  loc = advance_loc(loc, xml_text_.substr(from), off - from);
  if (off != from) counted_.emplace_hint(after, off, loc);
  return loc;
}

Loc SourceMap::locate(pugi::xml_node n) const {
  if (!table_.empty()) {
    auto it = table_.find(n.internal_object());
    if (it != table_.end()) return it->second;
  }
  if (xml_buffer_ && n) {
    ptrdiff_t off = n.offset_debug();
    // An element's offset is its name; point at the '<' before it, where an editor shows the tag.
    if (off > 0 && n.type() == pugi::node_element) --off;
    if (off >= 0) return at_offset(static_cast<size_t>(off));
  }
  return {};
}

Loc SourceMap::locate(pugi::xml_attribute a) const {
  if (!table_.empty()) {
    auto it = table_.find(a.internal_object());
    if (it != table_.end()) return it->second;
  }
  if (xml_buffer_ && a) {
    // pugixml keeps no attribute offsets, but an attribute's value points into the document buffer.
    ptrdiff_t off = a.value() - xml_buffer_;
    if (off >= 0 && static_cast<size_t>(off) <= xml_text_.size()) return at_offset(static_cast<size_t>(off));
  }
  return {};
}

void Record::wrap(pugi::xml_node file_root) {
  pugi::xml_node act = doc.document_element();
  pugi::xml_node w = doc.prepend_child(file_root.name());
  for (pugi::xml_attribute a : file_root.attributes()) w.append_copy(a);
  w.append_move(act);
}

std::string Record::identifier() const {
  pugi::xml_node act = activity();
  const char* id = std::strcmp(act.name(), "iati-organisation") == 0 ? "organisation-identifier" : "iati-identifier";
  return act.child(id).text().get();
}

std::string Record::path_of(pugi::xml_node n) const {
  std::vector<std::string> steps;
  pugi::xml_node act = activity();
  for (; n && n != act; n = n.parent()) {
    if (n.type() != pugi::node_element) continue;
    uint32_t pos = position_among_siblings(n);
    steps.push_back(std::string(n.name()) + "[" + std::to_string(pos) + "]");
  }
  std::string out = "/" + std::string(root().name()) + "/" + act.name() + "[" + std::to_string(index) + "]";
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) out += "/" + *it;
  return out;
}

uint32_t Record::position_among_siblings(pugi::xml_node n) const {
  if (!tree_fixed_) {
    uint32_t pos = 1;  // elements only, as XPath counts: a processing instruction may share the name
    for (pugi::xml_node s = n.previous_sibling(); s; s = s.previous_sibling())
      if (s.type() == pugi::node_element && std::strcmp(s.name(), n.name()) == 0) ++pos;
    return pos;
  }
  auto it = positions_.find(n.internal_object());
  if (it != positions_.end()) return it->second;
  // First question about this parent: number all of its element children at once.
  std::unordered_map<std::string_view, uint32_t> seen;
  for (pugi::xml_node c = n.parent().first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) positions_[c.internal_object()] = ++seen[c.name()];
  return positions_[n.internal_object()];
}

std::string Record::path_of(pugi::xml_node owner, pugi::xml_attribute a) const {
  return path_of(owner) + "/@" + a.name();
}

// Whitespace-only text beside child elements is formatting, and pugixml drops it when it is written as
// whitespace; written as character references (&#10;) it would stay, and then not survive being written
// out again. So it is dropped however it is written. Text of an element without children is always kept.
// Iterative: nothing recurses on input depth.
void drop_formatting_text(pugi::xml_node root) {
  auto blank = [](const char* s) { return std::string_view(s).find_first_not_of(" \t\r\n") == std::string_view::npos; };
  pugi::xml_node n = root;
  while (n) {
    if (n.type() == pugi::node_element && n.first_child()) {
      if (n.find_child([](pugi::xml_node c) { return c.type() == pugi::node_element; }))
        for (pugi::xml_node c = n.first_child(), next; c; c = next) {
          next = c.next_sibling();
          if (c.type() == pugi::node_pcdata && blank(c.value())) n.remove_child(c);
        }
      if (n.first_child()) {
        n = n.first_child();
        continue;
      }
    }
    while (n && n != root && !n.next_sibling()) n = n.parent();
    if (!n || n == root) break;
    n = n.next_sibling();
  }
}

}  // namespace projconv
