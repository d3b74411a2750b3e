// Column path grammar, and flattening an activity into cells and fragments (and back).
#include "formats/csv_paths.hpp"

#include <cctype>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "core/xml_name.hpp"

namespace projconv {

namespace {

constexpr const char* kLang = "xml:lang";
// A cell for ordinal n creates the n-1 siblings before it when they are missing: bound what a heading can ask.
constexpr size_t kMaxOrdinalDigits = 6;
// Empty siblings an activity may be left with beyond its values: a hand-edited file with a row or column taken
// out still reads (the gaps are then reported by validation), a short file cannot make millions of elements.
constexpr size_t kSpareHoles = 8;

bool is_narrative(const char* name) { return std::strcmp(name, "narrative") == 0; }

std::string lang_of(pugi::xml_node n) { return n.attribute(kLang).value(); }

// The ordinal `n` of child `c` among its siblings of the same step kind (name, or narrative language).
uint32_t ordinal_of(pugi::xml_node c) {
  uint32_t n = 1;
  bool narr = is_narrative(c.name());
  std::string lang = narr ? lang_of(c) : std::string();
  for (pugi::xml_node s = c.previous_sibling(c.name()); s; s = s.previous_sibling(c.name()))
    if (!narr || lang_of(s) == lang) ++n;
  return n;
}

bool is_chardata(pugi::xml_node n) { return n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata; }

// Flattens `el` (already addressed by `steps`); returns how many cells and fragments it produced.
size_t flatten_element(pugi::xml_node el, const ElementDef* def, std::vector<Step>& steps, FlatRecord& out) {
  size_t before = out.cells.size() + out.fragments.size();
  bool narrative_step = !steps.empty() && steps.back().narrative;
  std::string empty_attrs;  // attributes with empty values: cells cannot tell them from absent ones
  for (pugi::xml_attribute a : el.attributes()) {
    if (narrative_step && std::strcmp(a.name(), kLang) == 0 && *a.value()) continue;  // in the step
    if (!*a.value()) {
      empty_attrs += ' ';
      empty_attrs += a.name();
      empty_attrs += "=\"\"";
      continue;
    }
    out.cells.push_back({{steps, a.name()}, a.value()});
  }
  bool has_children = false;
  std::string text;
  bool has_text = false;
  for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) has_children = true;
    if (is_chardata(c)) {
      text += c.value();
      has_text = true;
    }
  }
  bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
  if (has_text && !text.empty() && (!has_children || !blank)) out.cells.push_back({{steps, ""}, text});
  std::string order;
  size_t narratives = 0;
  bool fragment_only = false;
  // Ordinals are counted as the children go by (ordinal_of from each child would be quadratic in the
  // siblings). Every node with the name counts, as pugixml's name lookups do when the cells are read back.
  std::unordered_map<std::string_view, uint32_t> by_name;
  std::unordered_map<std::string, uint32_t> by_lang;  // narratives, by xml:lang
  for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling()) {
    uint32_t same_name = ++by_name[c.name()];
    uint32_t same_lang = is_narrative(c.name()) ? ++by_lang[lang_of(c)] : 0;
    if (c.type() == pugi::node_comment || c.type() == pugi::node_pi) {
      out.fragments.push_back({steps, serialize_xml(c)});
      continue;
    }
    if (c.type() != pugi::node_element) continue;
    const char* name = c.name();
    const ElementDef* cd = def && !std::strchr(name, ':') ? def->child(name) : nullptr;
    Step s{name, is_narrative(name) ? same_lang : same_name, false, {}};
    if (!cd) {  // unknown or foreign: kept whole, addressed by its position among same-name siblings
      s.ordinal = same_name;
      // A narrative where the schema has none: narrative[*][N], since a bare narrative[N] means the Nth
      // narrative without a language and would not find this one again once its xml:lang is merged back.
      if (is_narrative(name)) {
        s.narrative = true;
        s.lang = "*";
      }
      steps.push_back(std::move(s));
      out.fragments.push_back({steps, serialize_xml(c)});
      steps.pop_back();
      continue;
    }
    if (is_narrative(name)) {
      s.narrative = true;
      s.lang = lang_of(c);
      if (narratives++) order += ' ';
      order += narrative_label(s);
    }
    bool narrative = s.narrative;
    steps.push_back(std::move(s));
    size_t cells_before = out.cells.size();
    if (flatten_element(c, cd, steps, out) == 0) out.fragments.push_back({steps, "<" + std::string(name) + "/>"});
    if (narrative && out.cells.size() == cells_before) fragment_only = true;
    steps.pop_back();
  }
  if (!empty_attrs.empty()) out.fragments.push_back({steps, "<" + std::string(el.name()) + empty_attrs + "/>"});
  if (narratives > 1) out.orders.push_back({steps, order, fragment_only});
  return out.cells.size() + out.fragments.size() - before;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::string serialize_xml(pugi::xml_node n) {
  // A carriage return in text would come back as a line feed when the fragment is parsed: as in the XML
  // writer, it goes out as a character reference (comments cannot hold one: parsing normalised it).
  struct W : pugi::xml_writer {
    std::string s;
    void write(const void* d, size_t n) override {
      for (const char *p = static_cast<const char*>(d), *e = p + n; p != e; ++p) {
        if (*p == '\r') s += "&#13;";
        else s += *p;
      }
    }
  } w;
  n.print(w, "", pugi::format_raw, pugi::encoding_utf8);
  return w.s;
}

// A narrative's language as it stands in a heading and in an order cell: bytes that the heading grammar or the
// space-separated order list would misread (spaces, brackets, '/', '#', '%', a lone '-', all digits) become %XX.
std::string encode_lang(const std::string& lang) {
  bool digits = !lang.empty() && lang.find_first_not_of("0123456789") == std::string::npos;
  std::string out;
  for (size_t i = 0; i < lang.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(lang[i]);
    bool plain = std::isalnum(c) || c == '_' || c == '.' || c == ':' || (c == '-' && lang != "-") || c >= 0x80;
    if (plain && !(digits && i == 0) && c != '*') {
      out += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string decode_lang(std::string_view s) {
  std::string out;
  auto val = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && val(s[i + 1]) >= 0 && val(s[i + 2]) >= 0) {
      out += static_cast<char>(val(s[i + 1]) * 16 + val(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string narrative_label(const Step& s) {
  std::string l = s.lang.empty() ? "-" : encode_lang(s.lang);
  if (s.ordinal > 1) l += "#" + std::to_string(s.ordinal);
  return l;
}

std::string format_path(const CellPath& p, const ElementDef* base, bool ordinals) {
  std::string out;
  const ElementDef* def = base;
  for (const Step& s : p.steps) {
    if (!out.empty()) out += '/';
    out += s.name;
    const ElementDef* cd = def ? def->child(s.name) : nullptr;
    if (s.narrative) {
      if (!s.lang.empty()) out += "[" + (s.lang == "*" ? s.lang : encode_lang(s.lang)) + "]";
      if (s.ordinal > 1) out += "[" + std::to_string(s.ordinal) + "]";
    } else if ((ordinals && (!cd || cd->repeats())) || s.ordinal > 1) {
      out += "[" + std::to_string(s.ordinal) + "]";
    }
    def = cd;
  }
  if (p.attr == "#order") return out + (out.empty() ? "" : "/") + "narrative#order";
  if (!p.attr.empty()) out += (out.empty() ? "@" : "/@") + p.attr;
  return out.empty() ? "." : out;  // a table element's own text
}

std::string parse_path(std::string_view heading, CellPath& out) {
  out = CellPath{};
  if (heading == ".") return {};
  size_t i = 0;
  while (i <= heading.size()) {
    size_t j = heading.find('/', i);
    if (j == std::string_view::npos) j = heading.size();
    std::string_view seg = heading.substr(i, j - i);
    bool last = j == heading.size();
    if (seg.empty()) return "an empty step";
    if (seg == "narrative#order") {
      if (!last) return "narrative#order must end the heading";
      out.attr = "#order";
      return {};
    }
    if (seg[0] == '@') {
      if (!last) return "an attribute must end the heading";
      out.attr = std::string(seg.substr(1));
      if (out.attr.empty()) return "an attribute needs a name";
      if (!is_xml_name(out.attr)) return "'" + out.attr + "' is not an XML attribute name";
      return {};
    }
    if (all_digits(seg)) {  // flatten-tool/CoVE alias: a 0-based index after the element
      if (out.steps.empty()) return "an index with no element before it";
      if (seg.size() > kMaxOrdinalDigits) return "the index " + std::string(seg) + " is too large";
      Step& prev = out.steps.back();
      prev.ordinal = static_cast<uint32_t>(std::stoul(std::string(seg))) + 1;
      if (prev.narrative) prev.lang = "*";  // by position among all narratives, language set by a cell
    } else {
      size_t b = seg.find('[');
      Step s;
      s.name = std::string(seg.substr(0, b));
      if (s.name.empty()) return "a step needs an element name";
      if (!is_xml_name(s.name)) return "'" + s.name + "' is not an XML element name";
      s.narrative = s.name == "narrative";
      while (b != std::string_view::npos && b < seg.size()) {
        if (seg[b] != '[') return "unexpected text after ']'";
        size_t e = seg.find(']', b);
        if (e == std::string_view::npos) return "an unclosed '['";
        std::string_view in = seg.substr(b + 1, e - b - 1);
        if (all_digits(in)) {
          if (in.size() > kMaxOrdinalDigits) return "the ordinal " + std::string(in) + " is too large";
          s.ordinal = static_cast<uint32_t>(std::stoul(std::string(in)));
          if (s.ordinal == 0) return "ordinals count from 1";
        } else if (s.narrative && !in.empty()) {
          s.lang = in == "*" ? std::string(in) : decode_lang(in);
        } else {
          return "'[" + std::string(in) + "]' is neither an ordinal nor a narrative language";
        }
        b = e + 1;
      }
      out.steps.push_back(std::move(s));
    }
    i = j + 1;
  }
  return {};
}

void flatten(pugi::xml_node activity, const ElementDef* def, FlatRecord& out) {
  out.cells.clear();
  out.fragments.clear();
  out.orders.clear();
  std::vector<Step> steps;
  if (flatten_element(activity, def, steps, out) == 0) out.fragments.push_back({steps, "<iati-activity/>"});
}

void ActivityBuilder::begin(pugi::xml_node activity, size_t values) {
  activity_ = activity;
  values_ = values;
  holes_left_ = values + kSpareHoles;
  kids_.clear();
}

pugi::xml_node ActivityBuilder::at(const std::vector<Step>& steps, std::string* why) {
  pugi::xml_node cur = activity_;
  for (const Step& s : steps) {
    cur = s.narrative ? narrative_at(cur, s, why) : element_at(cur, s, why);
    if (!cur) return {};
  }
  return cur;
}

pugi::xml_node ActivityBuilder::element_at(pugi::xml_node parent, const Step& s, std::string* why) {
  auto& by_name = kids_[parent.internal_object()];
  auto it = by_name.find(s.name);
  if (it == by_name.end()) {
    it = by_name.emplace(s.name, std::vector<pugi::xml_node>{}).first;
    for (pugi::xml_node c = parent.child(s.name.c_str()); c; c = c.next_sibling(s.name.c_str())) it->second.push_back(c);
  }
  std::vector<pugi::xml_node>& same = it->second;
  if (s.ordinal <= same.size()) return same[s.ordinal - 1];
  if (!make_room(s, static_cast<uint32_t>(same.size()), why)) return {};
  while (same.size() < s.ordinal) same.push_back(parent.append_child(s.name.c_str()));
  return same.back();
}

pugi::xml_node ActivityBuilder::narrative_at(pugi::xml_node parent, const Step& s, std::string* why) {
  bool positional = s.lang == "*";
  uint32_t seen = 0;
  for (pugi::xml_node c = parent.child("narrative"); c; c = c.next_sibling("narrative"))
    if ((positional || lang_of(c) == s.lang) && ++seen == s.ordinal) return c;
  if (!make_room(s, seen, why)) return {};
  pugi::xml_node n;
  for (; seen < s.ordinal; ++seen) {
    n = parent.append_child("narrative");
    if (!positional && !s.lang.empty()) n.append_attribute(kLang).set_value(s.lang.c_str());
  }
  return n;
}

bool ActivityBuilder::make_room(const Step& s, uint32_t have, std::string* why) {
  size_t holes = s.ordinal - 1 - have;
  if (holes <= holes_left_) {
    holes_left_ -= holes;
    return true;
  }
  if (why)
    *why = "<" + s.name + "> number " + std::to_string(s.ordinal) + " (counting from 1) would leave " + std::to_string(holes) +
           " empty <" + s.name + "> elements before it, more than this activity's " + std::to_string(values_) +
           " values can fill (is a row or column missing?)";
  return false;
}

std::string ActivityBuilder::cell(const Cell& c) {
  if (c.value.empty()) return {};  // an empty cell is absent
  if (c.path.attr == "#order") return "narrative order cells are applied after the record is built";
  std::string why;
  pugi::xml_node el = at(c.path.steps, &why);
  if (!el) return why;
  if (c.path.attr.empty()) {
    for (pugi::xml_node t = el.first_child(); t; t = t.next_sibling())
      if (is_chardata(t)) return "the text of this element is given twice";
    el.prepend_child(pugi::node_pcdata).set_value(c.value.c_str());
    return {};
  }
  if (el.attribute(c.path.attr.c_str())) return "attribute @" + c.path.attr + " is given twice";
  el.append_attribute(c.path.attr.c_str()).set_value(c.value.c_str());
  return {};
}

pugi::xml_parse_result load_xml_piece(pugi::xml_document& doc, std::string_view xml, unsigned flags) {
  if (!xml.starts_with("\xEF\xBB\xBF")) return doc.load_buffer(xml.data(), xml.size(), flags, pugi::encoding_utf8);
  std::string kept = "&#xFEFF;" + std::string(xml.substr(3));
  return doc.load_buffer(kept.data(), kept.size(), flags, pugi::encoding_utf8);
}

std::string ActivityBuilder::fragment(const Fragment& f) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = load_xml_piece(doc, f.xml,
                                            pugi::parse_default | pugi::parse_fragment | pugi::parse_comments |
                                                pugi::parse_pi | pugi::parse_ws_pcdata_single);
  if (!r) return std::string("the XML fragment is not well-formed: ") + r.description();
  std::string why;
  pugi::xml_node el = at(f.at, &why);
  if (!el) return why;
  pugi::xml_node top = doc.first_child();
  if (!top) return {};
  kids_.erase(el.internal_object());  // its children change: number them again when next asked
  if (top.type() != pugi::node_element) {
    for (pugi::xml_node n : doc.children()) el.append_copy(n);
    return {};
  }
  // The fragment is the element at `at`: merge its attributes and content into it.
  for (pugi::xml_attribute a : top.attributes())
    if (!el.attribute(a.name())) el.append_copy(a);
  for (pugi::xml_node n : top.children()) el.append_copy(n);
  return {};
}

std::string ActivityBuilder::order(const NarrativeOrder& o) {
  std::string why;
  pugi::xml_node el = at(o.at, &why);
  if (!el) return why;
  // Labels first: moving a narrative changes the ordinals of the others.
  std::vector<std::pair<std::string, pugi::xml_node>> narratives;
  for (pugi::xml_node c = el.child("narrative"); c; c = c.next_sibling("narrative"))
    narratives.emplace_back(narrative_label({"narrative", ordinal_of(c), true, lang_of(c)}), c);
  size_t i = 0;
  while (i <= o.order.size()) {
    size_t j = o.order.find(' ', i);
    if (j == std::string::npos) j = o.order.size();
    std::string label = o.order.substr(i, j - i);
    for (auto& [l, n] : narratives) {
      if (n && l == label) {
        el.append_move(n);
        n = pugi::xml_node();
        break;
      }
    }
    i = j + 1;
  }
  return {};
}

}  // namespace projconv
