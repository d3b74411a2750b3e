// Byte-level and tree-level XML checks that pugixml leaves out (it accepts these inputs silently).
//
// The markup check is a lexer over the XML 1.0 grammar of content, not a parser: pugixml builds the tree and
// matches end tags, and the lexer looks at what pugixml reads without judging (names, attribute values,
// comments, references, characters). Both run on the same span and the reader reports whichever problem
// comes first, so that together they reject what a conforming parser rejects (tests/test_xml_conformance.cpp
// measures how nearly, on the W3C suite).
#include "formats/xml_hygiene.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/io.hpp"
#include "core/xml_name.hpp"

namespace projconv {

namespace {

constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";
constexpr std::string_view kXmlnsNs = "http://www.w3.org/2000/xmlns/";

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

struct CodePoint {
  uint32_t cp = 0;
  size_t len = 0;  // 0: not valid UTF-8
};

CodePoint decode(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  size_t n = utf8_length(s, i);
  if (n == 0) return {};
  uint32_t cp = c & (n == 2 ? 0x1Fu : n == 3 ? 0x0Fu : 0x07u);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  return {cp, n};
}

bool xml_char(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

bool name_start(uint32_t c) { return xml_name_start(c); }
bool name_char(uint32_t c) { return xml_name_char(c); }

bool is_s(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int digit_value(char c, bool hex) {
  if (c >= '0' && c <= '9') return c - '0';
  if (hex && c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (hex && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ASCII name characters by table: names are most of the markup a lexer reads.
struct AsciiNames {
  bool start[128] = {}, cont[128] = {};
  AsciiNames() {
    for (uint32_t c = 0; c < 128; ++c) {
      start[c] = name_start(c);
      cont[c] = name_char(c);
    }
  }
};
const AsciiNames kAscii;

std::string u_plus(uint32_t cp) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (int shift = cp > 0xFFFF ? 20 : 12; shift >= 0; shift -= 4) out += hex[(cp >> shift) & 15];
  return "U+" + out;
}

// A character as a message shows it: printable ASCII quoted, anything else by its code point.
std::string shown(uint32_t cp) {
  if (cp > 0x20 && cp < 0x7F) return std::string("'") + static_cast<char>(cp) + "'";
  if (cp == ' ') return "a space";
  return u_plus(cp);
}

class Lexer {
 public:
  Lexer(std::string_view s, const XmlRules& rules) : s_(s), n_(s.size()), rules_(rules) {}

  HygieneProblem run() {
    size_t i = 0, text_start = 0;
    while (i < n_) {
      // Plain text is most of a file: skip it without the general dispatch.
      while (i < n_) {
        unsigned char c = static_cast<unsigned char>(s_[i]);
        if (c < 0x20 || c >= 0x7F || c == '<' || c == '&' || c == ']') break;
        ++i;
      }
      if (i >= n_) break;
      char c = s_[i];
      bool ok = true;
      if (c == '<' && i - text_start > kMaxValueBytes) return too_long(text_start, "a text");
      if (c == '<' && (ok = markup(i))) text_start = i;
      else if (c == '<') ok = false;
      else if (c == '&') ok = reference(i);
      else if (c == ']' && at(i, "]]>")) ok = fail("xml-syntax", i, "']]>' is not allowed in text: write ]]&gt;");
      else if (c == ']') ++i;
      else ok = character(i);
      if (!ok) return problem_;
    }
    return {};
  }

  // Each reader below moves `i` past what it read, or returns false with problem_ set. Input that ends
  // inside a construct is not a problem here: pugixml reports what is cut short.
 private:
  bool at(size_t i, std::string_view w) const { return s_.compare(i, w.size(), w) == 0; }
  // The input ends inside `w` (a prefix of it is all that is left).
  bool cut_in(size_t i, std::string_view w) const { return n_ - i < w.size() && w.substr(0, n_ - i) == s_.substr(i); }

  bool fail(const char* code, size_t off, std::string detail) {
    problem_ = HygieneProblem{code, off, std::move(detail), {}, {}};
    return false;
  }

  HygieneProblem too_long(size_t off, const char* what) {
    fail("value-too-long", off, std::string(what) + " longer than " + size_text(kMaxValueBytes));
    return problem_;
  }

  bool character(size_t& i) {
    unsigned char c = static_cast<unsigned char>(s_[i]);
    if ((c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      return true;
    }
    if (c < 0x20) return fail("xml-control-char", i, "the control character " + u_plus(c) + " is not allowed in XML");
    CodePoint cp = decode(s_, i);
    if (cp.len == 0) return fail("invalid-utf8", i, "the bytes here are not valid UTF-8");
    if (cp.cp == 0xFFFE || cp.cp == 0xFFFF)
      return fail("xml-bad-char", i, u_plus(cp.cp) + " is not a character XML allows");
    // XML 1.1 moved DEL and the C1 controls (but NEL) out of plain text.
    if (rules_.xml11 && cp.cp >= 0x7F && cp.cp <= 0x9F && cp.cp != 0x85)
      return fail("xml-control-char", i,
                  "the control character " + u_plus(cp.cp) + " is allowed in XML 1.1 only as a character reference");
    i += cp.len;
    return true;
  }

  void skip_s(size_t& i) const {
    while (i < n_ && is_s(s_[i])) ++i;
  }

  // A Name; `what` says whose ("an element name"). Stops at the first character that cannot continue it.
  bool name(size_t& i, const char* what) {
    if (i >= n_) return true;
    auto first = static_cast<unsigned char>(s_[i]);
    if (first < 0x80 && kAscii.start[first]) {
      ++i;
    } else {
      CodePoint c = decode(s_, i);
      if (c.len == 0) return fail("invalid-utf8", i, "the bytes here are not valid UTF-8");
      if (!name_start(c.cp)) return fail("xml-syntax", i, shown(c.cp) + " cannot start " + what);
      i += c.len;
    }
    while (i < n_) {
      auto b = static_cast<unsigned char>(s_[i]);
      if (b < 0x80) {
        if (!kAscii.cont[b]) break;
        ++i;
        continue;
      }
      CodePoint c = decode(s_, i);
      if (c.len == 0) return fail("invalid-utf8", i, "the bytes here are not valid UTF-8");
      if (!name_char(c.cp)) break;
      i += c.len;
    }
    return true;
  }

  bool reference(size_t& i) {
    size_t k = i + 1;
    if (k < n_ && s_[k] == '#') {
      bool hex = k + 1 < n_ && s_[k + 1] == 'x';
      k += hex ? 2 : 1;
      size_t digits = k;
      uint32_t cp = 0;
      for (int v; k < n_ && (v = digit_value(s_[k], hex)) >= 0; ++k)
        cp = std::min<uint32_t>(cp * (hex ? 16 : 10) + static_cast<uint32_t>(v), 0x110000);  // saturates
      std::string ref(s_.substr(i, std::min<size_t>({k + 1, n_, i + 16}) - i));
      if (k == digits || k >= n_ || s_[k] != ';')
        return fail("bad-reference", i, "the character reference " + ref + " is malformed: write &#DIGITS; or &#xHEX;");
      if (!xml_char(cp)) {
        if (rules_.xml11 && cp >= 1 && cp < 0x20)
          return fail("bad-reference", i, ref + " is a control character that only XML 1.1 allows; projconv writes "
                                              "XML 1.0, which cannot hold it");
        return fail("bad-reference", i, ref + " is not a character XML allows");
      }
      i = k + 1;
      return true;
    }
    // An entity reference: only the five predefined ones, since IATI data declares no entities.
    if (k >= n_ || !name_start(decode(s_, k).cp))
      return fail("bad-reference", i, "a bare '&': write &amp; for an ampersand");
    size_t start = k;
    if (!name(k, "an entity name")) return false;
    std::string ref(s_.substr(start, std::min<size_t>(k - start, 32)));
    if (k >= n_ || s_[k] != ';')
      return fail("bad-reference", i, "&" + ref + " is not closed with ';' (for an ampersand, write &amp;)");
    if (ref != "amp" && ref != "lt" && ref != "gt" && ref != "quot" && ref != "apos")
      return fail("bad-reference", i,
                  "&" + ref + "; refers to an entity that is not declared (IATI data declares none)");
    i = k + 1;
    return true;
  }

  bool markup(size_t& i) {
    char next = i + 1 < n_ ? s_[i + 1] : 0;
    if (next == '?') return pi(i);
    if (next == '/') return end_tag(i);
    if (next != '!') return start_tag(i);
    if (at(i, "<!--")) return comment(i);
    if (at(i, "<![CDATA[")) return cdata(i);
    if (cut_in(i, "<!--") || cut_in(i, "<![CDATA[")) {
      i = n_;
      return true;
    }
    return fail("xml-syntax", i, "'<!' here starts neither a comment nor a CDATA section (declarations are not "
                                 "allowed inside elements)");
  }

  bool comment(size_t& i) {
    size_t k = i + 4;
    while (k < n_) {
      if (s_[k] == '-' && k + 1 < n_ && s_[k + 1] == '-') {
        if (k + 2 >= n_) break;
        if (s_[k + 2] != '>') return fail("xml-syntax", k, "'--' is not allowed inside a comment");
        i = k + 3;
        return true;
      }
      if (!character(k)) return false;
    }
    i = n_;
    return true;
  }

  bool cdata(size_t& i) {
    size_t k = i + 9;
    while (k < n_) {
      if (s_[k] == ']' && at(k, "]]>")) {
        i = k + 3;
        return true;
      }
      if (!character(k)) return false;
    }
    i = n_;
    return true;
  }

  bool pi(size_t& i) {
    size_t k = i + 2;
    if (k < n_ && (is_s(s_[k]) || s_[k] == '?'))
      return fail("xml-syntax", k, "a processing instruction needs a target name right after '<?'");
    size_t start = k;
    if (!name(k, "a processing instruction's target")) return false;
    std::string_view target = s_.substr(start, k - start);
    if (target == "xml")
      return fail("xml-syntax", i, "an XML declaration (<?xml ...?>) is allowed only at the very start of the file");
    if (target.size() == 3 && (target[0] | 0x20) == 'x' && (target[1] | 0x20) == 'm' && (target[2] | 0x20) == 'l')
      return fail("xml-syntax", start, "the processing-instruction name " + std::string(target) +
                                           " is reserved (and the XML declaration is written <?xml in lower case)");
    if (k < n_ && !at(k, "?>") && !is_s(s_[k]) && !cut_in(k, "?>")) {
      if (size_t c = k; !character(c)) return false;  // a character not allowed anywhere says more
      return fail("xml-syntax", k, "a space must separate a processing instruction's target from its content");
    }
    while (k < n_) {
      if (s_[k] == '?' && at(k, "?>")) {
        i = k + 2;
        return true;
      }
      if (!character(k)) return false;
    }
    i = n_;
    return true;
  }

  bool end_tag(size_t& i) {
    size_t k = i + 2;
    if (!name(k, "the element name of an end tag")) return false;
    skip_s(k);
    if (k < n_ && s_[k] != '>')
      return fail("xml-syntax", k, "an end tag holds only the element name: " + shown(decode(s_, k).cp) +
                                       " is not allowed");
    i = std::min(k + 1, n_);
    return true;
  }

  bool start_tag(size_t& i) {
    size_t k = i + 1;
    if (CodePoint c = k < n_ ? decode(s_, k) : CodePoint{}; c.len != 0 && !name_start(c.cp))
      return fail("xml-syntax", i, "'<' does not start a tag here (" + shown(c.cp) +
                                       " cannot start an element name): write &lt; for a less-than sign");
    if (!name(k, "an element name")) return false;
    for (;;) {
      size_t before = k;
      skip_s(k);
      bool space = k > before;
      if (k >= n_) break;
      if (s_[k] == '>') {
        i = k + 1;
        return true;
      }
      if (s_[k] == '/') {
        if (k + 1 >= n_) break;
        if (s_[k + 1] != '>') return fail("xml-syntax", k, "'/' in a start tag must be followed by '>'");
        i = k + 2;
        return true;
      }
      size_t attr = k;
      if (!name(k, "an attribute name")) return false;
      if (!space) return fail("xml-syntax", attr, "a space must separate an attribute from what comes before it");
      std::string shown_name(s_.substr(attr, k - attr));
      skip_s(k);
      if (k >= n_) break;
      if (s_[k] != '=') return fail("xml-syntax", k, "the attribute " + shown_name + " needs '=' and a quoted value");
      ++k;
      skip_s(k);
      if (k >= n_) break;
      char q = s_[k];
      if (q != '"' && q != '\'')
        return fail("xml-syntax", k, "the value of the attribute " + shown_name + " must be in quotes");
      size_t value_start = k + 1;
      for (++k; k < n_ && s_[k] != q;) {
        if (k - value_start >= kMaxValueBytes) {  // a character past the cap
          too_long(value_start, ("the value of the attribute " + shown_name).c_str());
          return false;
        }
        auto c = static_cast<unsigned char>(s_[k]);
        if (c >= 0x20 && c < 0x7F && c != '<' && c != '&') {
          ++k;
          continue;
        }
        if (s_[k] == '<') return fail("xml-syntax", k, "'<' is not allowed in an attribute value: write &lt;");
        if (!(s_[k] == '&' ? reference(k) : character(k))) return false;
      }
      if (k >= n_) break;
      ++k;
    }
    i = n_;
    return true;
  }

  std::string_view s_;
  size_t n_;
  const XmlRules& rules_;
  HygieneProblem problem_;
};

bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }

bool version_num(std::string_view v) {
  if (v.size() < 3 || v.substr(0, 2) != "1.") return false;
  for (char c : v.substr(2))
    if (!ascii_digit(c)) return false;
  return true;
}

bool enc_name(std::string_view v) {
  if (v.empty() || !ascii_alpha(v[0])) return false;
  for (char c : v)
    if (!ascii_alpha(c) && !ascii_digit(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

bool pubid_char(char c) {
  return c == ' ' || c == '\r' || c == '\n' || ascii_alpha(c) || ascii_digit(c) ||
         std::strchr("-'()+,./:=?;!*#@$_%", c) != nullptr;
}

// The URI a prefix is bound to in scope: nullptr when it is not declared, "" when XML 1.1 unbound it.
const std::string* lookup(const NsScope& scope, std::string_view prefix) {
  static const std::string xml(kXmlNs);
  return prefix == "xml" ? &xml : scope.find(prefix);
}

HygieneProblem ns_problem(pugi::xml_attribute a, pugi::xml_node el, std::string detail) {
  return HygieneProblem{"xml-namespace", 0, std::move(detail), a, el};
}

// A namespace declaration (xmlns or xmlns:p) against the reserved names and URIs of Namespaces in XML.
HygieneProblem check_declaration(pugi::xml_attribute a, pugi::xml_node el, const XmlRules& rules, NsScope& scope) {
  std::string_view name = a.name(), uri = a.value();
  if (name == "xmlns") {
    if (uri == kXmlNs || uri == kXmlnsNs)
      return ns_problem(a, el, "the default namespace cannot be " + std::string(uri) + ", which is reserved");
    return {};
  }
  std::string_view prefix = name.substr(6);
  if (prefix.empty())
    return ns_problem(a, el, "xmlns: declares no prefix: write xmlns:PREFIX=\"URI\", or xmlns=\"URI\"");
  if (prefix == "xmlns") return ns_problem(a, el, "the prefix xmlns is reserved and cannot be declared");
  if (prefix == "xml" && uri != kXmlNs)
    return ns_problem(a, el, "the prefix xml is bound to " + std::string(kXmlNs) +
                                 " and cannot be bound to anything else");
  if (prefix != "xml" && uri == kXmlNs)
    return ns_problem(a, el, std::string(kXmlNs) + " belongs to the prefix xml alone: it cannot be bound to " +
                                 std::string(prefix));
  if (uri == kXmlnsNs) return ns_problem(a, el, std::string(kXmlnsNs) + " is reserved: no prefix can be bound to it");
  if (uri.empty() && !rules.xml11)
    return ns_problem(a, el, "xmlns:" + std::string(prefix) + "=\"\" would unbind the prefix, which only XML 1.1 "
                                                              "allows: in XML 1.0 a prefix needs a namespace URI");
  scope.bind(prefix, uri);
  return {};
}

bool is_declaration(const char* name) {
  return std::strncmp(name, "xmlns", 5) == 0 && (name[5] == 0 || name[5] == ':');
}

// An attribute name's prefix and local part; no prefix when it has no colon, or starts with one.
std::pair<std::string_view, std::string_view> split_name(std::string_view name) {
  size_t colon = name.find(':');
  if (colon == std::string_view::npos || colon == 0) return {{}, name};
  return {name.substr(0, colon), name.substr(colon + 1)};
}

HygieneProblem duplicate(pugi::xml_node el, pugi::xml_attribute a, pugi::xml_attribute b, const std::string* uri) {
  std::string detail = uri ? "@" + std::string(a.name()) + " and @" + b.name() + " on <" + el.name() +
                                 "> are the same attribute: both prefixes stand for " + *uri
                           : std::string("@") + b.name() + " is given twice on <" + el.name() + ">";
  return {"duplicate-attribute", 0, std::move(detail), b, el};
}

// Attributes that are the same, by name or by prefixes bound to one URI. Elements have a few attributes, so
// pairs are compared; past that, a table keeps a crafted element with thousands of them linear.
HygieneProblem check_duplicates(pugi::xml_node el, const NsScope& scope) {
  constexpr size_t kPairwise = 16;
  size_t count = 0;
  for (pugi::xml_attribute a = el.first_attribute(); a && count <= kPairwise; a = a.next_attribute()) ++count;
  if (count <= kPairwise) {
    for (pugi::xml_attribute a = el.first_attribute(); a; a = a.next_attribute()) {
      auto [prefix, local] = split_name(a.name());
      const std::string* uri = prefix.empty() || is_declaration(a.name()) ? nullptr : lookup(scope, prefix);
      for (pugi::xml_attribute b = a.next_attribute(); b; b = b.next_attribute()) {
        if (std::strcmp(a.name(), b.name()) == 0) return duplicate(el, a, b, nullptr);
        if (!uri || uri->empty()) continue;
        auto [bprefix, blocal] = split_name(b.name());
        if (blocal != local || bprefix.empty() || is_declaration(b.name())) continue;
        if (const std::string* buri = lookup(scope, bprefix); buri && *buri == *uri) return duplicate(el, a, b, uri);
      }
    }
    return {};
  }
  std::unordered_map<std::string_view, pugi::xml_attribute> names;
  std::unordered_map<std::string, std::pair<pugi::xml_attribute, const std::string*>> expanded;  // URI, local
  for (pugi::xml_attribute b = el.first_attribute(); b; b = b.next_attribute()) {
    auto [it, fresh] = names.emplace(b.name(), b);
    if (!fresh) return duplicate(el, it->second, b, nullptr);
    auto [prefix, local] = split_name(b.name());
    const std::string* uri = prefix.empty() || is_declaration(b.name()) ? nullptr : lookup(scope, prefix);
    if (!uri || uri->empty()) continue;
    auto [e, new_pair] = expanded.emplace(*uri + '\n' + std::string(local), std::make_pair(b, uri));
    if (!new_pair) return duplicate(el, e->second.first, b, uri);
  }
  return {};
}

}  // namespace

const std::string* NsScope::find(std::string_view prefix) const {
  auto it = bound_.find(std::string(prefix));
  return it == bound_.end() ? nullptr : &it->second;
}

void NsScope::bind(std::string_view prefix, std::string_view uri) {
  std::string key(prefix);
  auto it = bound_.find(key);
  undo_.emplace_back(key, it == bound_.end() ? std::nullopt : std::optional<std::string>(it->second));
  bound_[key] = std::string(uri);
}

void NsScope::restore(size_t mark) {
  while (undo_.size() > mark) {
    auto& [prefix, before] = undo_.back();
    if (before) bound_[prefix] = std::move(*before);
    else bound_.erase(prefix);
    undo_.pop_back();
  }
}

HygieneProblem check_xml_markup(std::string_view span, const XmlRules& rules) { return Lexer(span, rules).run(); }

HygieneProblem parse_xml_declaration(std::string_view s, XmlDeclaration& out) {
  auto problem = [](size_t off, std::string detail) {
    return HygieneProblem{"xml-syntax", off, "in the XML declaration, " + detail, {}, {}};
  };
  struct Pseudo {
    std::string_view name;
    std::string* value;
  };
  const Pseudo order[] = {{"version", &out.version}, {"encoding", &out.encoding}, {"standalone", &out.standalone}};
  size_t n = s.size(), k = 5, next = 0;  // after "<?xml"; next: the first pseudo-attribute still allowed
  for (;;) {
    size_t before = k;
    while (k < n && is_s(s[k])) ++k;
    bool space = k > before;
    if (s.compare(k, 2, "?>") == 0) break;
    size_t start = k;
    while (k < n && ascii_alpha(s[k])) ++k;
    std::string_view name = s.substr(start, k - start);
    size_t which = 0;
    while (which < 3 && order[which].name != name) ++which;
    if (which == 3) {
      if (name.empty())
        return problem(start, "only version, encoding and standalone may be given, each as name=\"value\"");
      return problem(start, "'" + std::string(name) + "' is not allowed: only version, encoding and standalone are");
    }
    if (next == 0 && which != 0) return problem(start, "version must come first");
    if (which < next)
      return problem(start, std::string(name) +
                                " is out of place: version, encoding and standalone come in that order, once each");
    if (!space) return problem(start, "a space must come before " + std::string(name));
    while (k < n && is_s(s[k])) ++k;
    if (k >= n || s[k] != '=') return problem(k, std::string(name) + " needs '=' and a quoted value");
    ++k;
    while (k < n && is_s(s[k])) ++k;
    if (k >= n || (s[k] != '"' && s[k] != '\''))
      return problem(k, "the value of " + std::string(name) + " must be in quotes");
    size_t close = s.find(s[k], k + 1);
    if (close == std::string_view::npos) return problem(k, "the value of " + std::string(name) + " is not closed");
    std::string_view v = s.substr(k + 1, close - k - 1);
    bool good = which == 0 ? version_num(v) : which == 1 ? enc_name(v) : (v == "yes" || v == "no");
    if (!good) {
      const char* expect = which == 0   ? "a version number such as 1.0"
                           : which == 1 ? "an encoding name such as UTF-8"
                                        : "yes or no";
      return problem(k + 1, std::string(name) + " \"" + std::string(v) + "\" is not " + expect);
    }
    *order[which].value = std::string(v);
    next = which + 1;
    k = close + 1;
  }
  if (next == 0) return problem(5, "version is missing");
  return {};
}

HygieneProblem check_doctype(std::string_view s) {
  auto problem = [](size_t off, std::string detail) {
    return HygieneProblem{"xml-syntax", off, "in the DOCTYPE, " + detail, {}, {}};
  };
  size_t n = s.size(), k = 9;  // after "<!DOCTYPE"
  if (k >= n || !is_s(s[k])) return problem(k, "a space must follow DOCTYPE");
  while (k < n && is_s(s[k])) ++k;
  size_t start = k;
  while (k < n && !is_s(s[k]) && s[k] != '>') ++k;
  XmlRules rules;
  std::string tag = "<" + std::string(s.substr(start, k - start)) + "/>";
  if (k == start) return problem(start, "the root element's name is missing");
  if (HygieneProblem p = check_xml_markup(tag, rules); p.code)
    return problem(start, "the root element's name is not a name");
  while (k < n && is_s(s[k])) ++k;
  if (k < n && s[k] == '>') return {};
  auto literal = [&](bool pubid) -> bool {
    if (k >= n || (s[k] != '"' && s[k] != '\'')) return false;
    size_t close = s.find(s[k], k + 1);
    if (close == std::string_view::npos) return false;
    if (pubid)
      for (size_t i = k + 1; i < close; ++i)
        if (!pubid_char(s[i])) return false;
    k = close + 1;
    return true;
  };
  auto space = [&]() {
    size_t before = k;
    while (k < n && is_s(s[k])) ++k;
    return k > before;
  };
  if (s.compare(k, 6, "SYSTEM") == 0) {
    k += 6;
    if (!space() || !literal(false)) return problem(k, "SYSTEM must be followed by a quoted system identifier");
  } else if (s.compare(k, 6, "PUBLIC") == 0) {
    k += 6;
    if (!space() || !literal(true)) return problem(k, "PUBLIC must be followed by a quoted public identifier");
    if (!space() || !literal(false))
      return problem(k, "the public identifier must be followed by a quoted system identifier");
  } else {
    return problem(k, "only SYSTEM or PUBLIC may follow the root element's name");
  }
  space();
  if (k >= n || s[k] != '>') return problem(k, "nothing may follow the identifiers");
  return {};
}

HygieneProblem check_element(pugi::xml_node el, NsScope& scope, const XmlRules& rules) {
  for (pugi::xml_attribute a = el.first_attribute(); a; a = a.next_attribute())
    if (is_declaration(a.name()))
      if (HygieneProblem p = check_declaration(a, el, rules, scope); p.code) return p;
  // With the element's own declarations in scope: its prefixes, and attributes that differ only by prefix.
  std::string_view name = el.name();
  if (size_t colon = name.find(':'); colon != std::string_view::npos && colon > 0) {
    std::string_view prefix = name.substr(0, colon);
    if (prefix == "xmlns") return ns_problem({}, el, "an element name cannot have the prefix xmlns");
    if (const std::string* uri = lookup(scope, prefix); uri && uri->empty())
      return ns_problem({}, el, "the prefix " + std::string(prefix) + " is used after xmlns:" + std::string(prefix) +
                                    "=\"\" unbound it");
  }
  for (pugi::xml_attribute a = el.first_attribute(); a; a = a.next_attribute()) {
    auto [prefix, local] = split_name(a.name());
    if (prefix.empty() || is_declaration(a.name())) continue;
    if (const std::string* uri = lookup(scope, prefix); uri && uri->empty())
      return ns_problem(a, el, "the prefix " + std::string(prefix) + " is used after xmlns:" + std::string(prefix) +
                                   "=\"\" unbound it");
  }
  return check_duplicates(el, scope);
}

HygieneProblem check_tree(pugi::xml_node first, NsScope& scope, const XmlRules& rules) {
  // Depth is bounded by the reader's --max-depth check.
  for (pugi::xml_node n = first; n; n = n.next_sibling()) {
    if (n.type() != pugi::node_element) continue;
    size_t mark = scope.mark();
    HygieneProblem p = check_element(n, scope, rules);
    if (!p.code && n.first_child()) p = check_tree(n.first_child(), scope, rules);
    scope.restore(mark);
    if (p.code) return p;
  }
  return {};
}

HygieneProblem check_built_tree(pugi::xml_node decls, pugi::xml_node first) {
  NsScope scope;
  HygieneProblem p = check_element(decls, scope, XmlRules{});
  if (!p.code && first) p = check_tree(first, scope, XmlRules{});
  return p;
}

}  // namespace projconv
