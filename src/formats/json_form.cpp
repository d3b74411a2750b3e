// Number syntax and element shape rules of the JSON form.
#include "formats/json_form.hpp"

namespace projconv {

bool is_json_number(std::string_view s) {
  size_t i = 0, n = s.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

ElementShape shape_of(pugi::xml_node el, const ElementDef* def) {
  ElementShape s;
  bool has_children = false, has_other = false, has_chardata = false;
  for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling()) {
    switch (c.type()) {
      case pugi::node_element: has_children = true; break;
      case pugi::node_pcdata:
      case pugi::node_cdata:
        s.text += c.value();
        has_chardata = true;
        break;
      // A processing instruction is dropped on the way to JSON (pi-dropped), so it cannot shape the value:
      // text around it is one string, as it is once read back.
      case pugi::node_pi: break;
      default: has_other = true; break;
    }
  }
  bool blank = s.text.find_first_not_of(" \t\r\n") == std::string::npos;
  if (has_children) {
    s.has_text = !blank;
    s.mixed = !blank;
  } else {
    s.has_text = has_chardata;
  }
  s.bare = !has_children && !has_other && !el.first_attribute() && (!def || def->is_simple());
  return s;
}

}  // namespace projconv
