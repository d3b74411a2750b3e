// Source positions of tree nodes, and the identifier and path helpers every diagnostic uses.
#include "core/record.hpp"

#include <algorithm>
#include <cstring>
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
}

void SourceMap::clear() {
  xml_text_ = {};
  xml_buffer_ = nullptr;
  table_.clear();
}

Loc SourceMap::at_offset(size_t off) const { return advance_loc(xml_start_, xml_text_, off); }

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
    size_t pos = 1;
    for (pugi::xml_node s = n.previous_sibling(n.name()); s; s = s.previous_sibling(n.name())) ++pos;
    steps.push_back(std::string(n.name()) + "[" + std::to_string(pos) + "]");
  }
  std::string out = "/" + std::string(root().name()) + "/" + act.name() + "[" + std::to_string(index) + "]";
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) out += "/" + *it;
  return out;
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
