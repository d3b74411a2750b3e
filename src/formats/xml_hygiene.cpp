// Byte-level and tree-level XML checks that pugixml leaves out (it accepts these inputs silently).
#include "formats/xml_hygiene.hpp"

#include <cstring>

namespace projconv {

namespace {

// Length of the UTF-8 sequence at s[i], or 0 when it is malformed (overlong, surrogate, beyond U+10FFFF).
size_t utf8_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
  if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
  if (c == 0xED && c1 >= 0xA0) return 0;  // surrogates
  if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
  if (c == 0xF4 && c1 >= 0x90) return 0;  // beyond U+10FFFF
  return n;
}

bool xml_char(unsigned long cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Checks the reference starting at s[i] == '&'; returns an empty string when it is one XML defines.
std::string check_reference(std::string_view s, size_t i) {
  size_t end = s.find(';', i);
  if (end == std::string_view::npos || end - i > 32) return "a bare '&': write &amp; for an ampersand";
  std::string_view ref = s.substr(i + 1, end - i - 1);
  if (ref == "amp" || ref == "lt" || ref == "gt" || ref == "quot" || ref == "apos") return {};
  if (!ref.empty() && ref[0] == '#') {
    bool hex = ref.size() > 1 && ref[1] == 'x';
    std::string_view digits = ref.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return "the character reference &" + std::string(ref) + "; is malformed";
    unsigned long cp = 0;
    for (char c : digits) {
      int v = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (v < 0) return "the character reference &" + std::string(ref) + "; is malformed";
      cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(v);
    }
    if (!xml_char(cp)) return "&" + std::string(ref) + "; is not a character XML allows";
    return {};
  }
  return "&" + std::string(ref) + "; refers to an entity that is not declared (IATI data declares none)";
}

}  // namespace

HygieneProblem check_xml_bytes(std::string_view s) {
  size_t no_refs_until = 0;  // inside a comment, CDATA section or PI, '&' is plain text
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      static const char* hex = "0123456789ABCDEF";
      return {"xml-control-char", i, std::string("the control character U+00") + hex[c >> 4] + hex[c & 15] +
                                         " is not allowed in XML", {}};
    }
    if (c >= 0x80) {
      size_t n = utf8_length(s, i);
      if (n == 0) return {"invalid-utf8", i, "the bytes here are not valid UTF-8", {}};
      i += n;
      continue;
    }
    if (c == '<' && i >= no_refs_until) {
      const char* close = s.compare(i, 4, "<!--") == 0 ? "-->" : s.compare(i, 9, "<![CDATA[") == 0 ? "]]>"
                          : s.compare(i, 2, "<?") == 0 ? "?>" : nullptr;
      if (close) {
        size_t e = s.find(close, i + 2);
        no_refs_until = e == std::string_view::npos ? s.size() : e;
      }
    }
    if (c == '&' && i >= no_refs_until) {
      std::string why = check_reference(s, i);
      if (!why.empty()) return {"bad-reference", i, why, {}};
    }
    ++i;
  }
  return {};
}

HygieneProblem check_duplicate_attributes(pugi::xml_node root) {
  // Depth is bounded by the reader's --max-depth check.
  for (pugi::xml_node n = root; n; n = n.next_sibling()) {
    if (n.type() != pugi::node_element) continue;
    for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute())
      for (pugi::xml_attribute b = a.next_attribute(); b; b = b.next_attribute())
        if (std::strcmp(a.name(), b.name()) == 0)
          return {"duplicate-attribute", 0, std::string("@") + b.name() + " is given twice on <" + n.name() + ">", b};
    if (n.first_child()) {
      HygieneProblem p = check_duplicate_attributes(n.first_child());
      if (p.code) return p;
    }
  }
  return {};
}

}  // namespace projconv
