// Streaming IATI XML reader: cuts the input at each <iati-activity> and parses one activity at a time.
//
// A light scanner walks the root's content in a refillable buffer; each activity span is parsed on its own
// by pugixml, so memory is bounded by the largest activity. Everything else under the root (comments,
// foreign elements such as ir:registry-record) goes to the header, or to the trailer once activities began.
// Every span also goes through our lexical and namespace checks (xml_hygiene), for what pugixml lets pass.
// A file whose root is not ours is still read to its end the same way, keeping nothing, so that a file that
// is not IATI is also told whether it is well-formed XML.
#include <cstring>
#include <vector>

#include "formats/format.hpp"
#include "formats/xml_hygiene.hpp"

namespace projconv {

namespace {

constexpr size_t kNeedMore = static_cast<size_t>(-1);
constexpr unsigned kParseFlags = pugi::parse_default | pugi::parse_ws_pcdata_single | pugi::parse_comments |
                                 pugi::parse_pi;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_name_end(char c) { return is_space(c) || c == '>' || c == '/'; }

bool starts(std::string_view s, size_t i, std::string_view what) { return s.compare(i, what.size(), what) == 0; }

size_t find_from(std::string_view s, size_t i, std::string_view what) {
  size_t k = s.find(what, i);
  return k == std::string_view::npos ? kNeedMore : k;
}

// Index just past the '>' closing the tag that starts at s[i] == '<', skipping quoted attribute values.
size_t tag_end(std::string_view s, size_t i) {
  for (size_t k = i + 1; k < s.size(); ++k) {
    char c = s[k];
    if (c == '"' || c == '\'') {
      size_t q = s.find(c, k + 1);
      if (q == std::string_view::npos) return kNeedMore;
      k = q;
    } else if (c == '>') {
      return k + 1;
    }
  }
  return kNeedMore;
}

// Index just past a comment, CDATA section, PI or declaration starting at s[i], or kNeedMore.
size_t special_end(std::string_view s, size_t i) {
  if (starts(s, i, "<!--")) {
    size_t k = find_from(s, i + 4, "-->");
    return k == kNeedMore ? k : k + 3;
  }
  if (starts(s, i, "<![CDATA[")) {
    size_t k = find_from(s, i + 9, "]]>");
    return k == kNeedMore ? k : k + 3;
  }
  if (starts(s, i, "<?")) {
    size_t k = find_from(s, i + 2, "?>");
    return k == kNeedMore ? k : k + 2;
  }
  return tag_end(s, i);  // <!DOCTYPE ...> and the like
}

struct Span {
  size_t end = kNeedMore;        // just past the element
  size_t too_deep_at = kNeedMore;  // the first start tag nested deeper than the limit
};

// The extent of the element whose start tag is at s[i], which counts as depth 1; nesting deeper than `limit`
// is noted. End-tag names are not matched here: pugixml checks them when it parses the span.
Span element_span(std::string_view s, size_t i, size_t limit) {
  Span out;
  size_t depth = 0;
  while (i < s.size()) {
    if (s[i] != '<') {
      size_t k = s.find('<', i);
      if (k == std::string_view::npos) return out;
      i = k;
      continue;
    }
    if (i + 1 >= s.size()) return out;
    char c = s[i + 1];
    if (c == '!' || c == '?') {
      size_t k = special_end(s, i);
      if (k == kNeedMore) return out;
      i = k;
    } else if (c == '/') {
      size_t k = tag_end(s, i);
      if (k == kNeedMore) return out;
      i = k;
      if (depth > 0 && --depth == 0) {
        out.end = i;
        return out;
      }
    } else {
      size_t k = tag_end(s, i);
      if (k == kNeedMore) return out;
      bool empty = s[k - 2] == '/';
      if (depth + 1 > limit && out.too_deep_at == kNeedMore) out.too_deep_at = i;
      i = k;
      if (empty) {
        if (depth == 0) {
          out.end = i;
          return out;
        }
      } else {
        ++depth;
      }
    }
  }
  return out;
}

std::string_view element_name(std::string_view s, size_t i) {
  size_t k = i + 1;
  while (k < s.size() && !is_name_end(s[k])) ++k;
  return s.substr(i + 1, k - i - 1);
}

class XmlScanner {
 public:
  // `utf16`: the input is UTF-16, converted by this source (which is `in`).
  XmlScanner(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt, const Utf16Source* utf16)
      : in_(in), out_(out), rep_(rep), opt_(opt), utf16_(utf16) {}

  ReadResult run();

 private:
  enum class State { Prolog, Content, Epilog };

  std::string_view data() const { return std::string_view(buf_.data() + pos_, len_ - pos_); }
  bool fill();
  void consume(size_t n);
  ReadResult fail(Diagnostic d, Loc at);
  ReadResult syntax(std::string detail, Loc at);
  Loc loc_in_data(size_t off) const { return advance_loc(loc_, data(), off); }

  ReadResult on_prolog(std::string_view d, bool& need);
  ReadResult on_content(std::string_view d, bool& need);
  ReadResult on_epilog(std::string_view d, bool& need);
  ReadResult declaration(std::string_view item);
  ReadResult start_root(std::string_view tag);
  ReadResult add_misc(std::string_view text, Loc at, pugi::xml_node into);
  ReadResult emit_activity(std::string_view text, Loc at);
  ReadResult parse_checked(pugi::xml_document& doc, std::string_view text, Loc at, unsigned flags);
  ReadResult check_markup(std::string_view text, Loc at);
  ReadResult stray_text(std::string_view d, Loc at, const char* what);
  ReadResult tree_problem(const HygieneProblem& p, const SourceMap& where);
  ReadResult parse_error(const pugi::xml_parse_result& res, std::string_view text, Loc at);
  void ensure_begun();

  Source& in_;
  Sink& out_;
  Reporter& rep_;
  const ReadOptions& opt_;
  const Utf16Source* utf16_;

  std::vector<char> buf_ = std::vector<char>(1 << 16);  // grows to hold the largest activity
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  bool at_file_start_ = true;
  Loc loc_{1, 1};

  State state_ = State::Prolog;
  Header header_;
  Header trailer_;
  std::string root_name_;
  std::string record_name_ = "iati-activity";
  Loc root_loc_;
  bool begun_ = false;
  bool damaged_ = false;  // an activity could not be parsed, and reading went on past it
  bool check_only_ = false;  // the root is not one we read: the rest is only checked, and nothing is kept
  bool decl_allowed_ = true;  // nothing has been read yet, so an XML declaration may come
  bool doctype_seen_ = false;
  XmlRules rules_;
  NsScope root_scope_;  // the root element's namespace declarations, in scope for every span
  Record record_;
};

bool XmlScanner::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    len_ -= pos_;
    pos_ = 0;
  }
  // An item larger than the buffer doubles it, so rescanning a big activity stays amortised linear.
  if (len_ * 2 > buf_.size()) buf_.resize(buf_.size() * 2);
  size_t got = in_.read(buf_.data() + len_, buf_.size() - len_);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  len_ += got;
  return true;
}

void XmlScanner::consume(size_t n) {
  loc_ = advance_loc(loc_, data(), n);
  pos_ += n;
}

ReadResult XmlScanner::fail(Diagnostic d, Loc at) {
  d.file = opt_.file;
  d.loc = at;
  rep_.report(std::move(d));
  return ReadResult::DataError;
}

ReadResult XmlScanner::syntax(std::string detail, Loc at) {
  return fail(make_diag("xml-syntax").fact("detail", std::move(detail)), at);
}

void XmlScanner::ensure_begun() {
  if (begun_) return;
  begun_ = true;
  out_.begin(header_);
}

ReadResult XmlScanner::run() {
  for (;;) {
    std::string_view d = data();
    if (at_file_start_) {
      if (d.size() < 4 && !eof_) {
        fill();
        continue;
      }
      at_file_start_ = false;
      if (d.substr(0, 3) == "\xEF\xBB\xBF") {
        pos_ += 3;  // the BOM is not a character of line 1
        continue;
      }
    }
    bool need = false;
    ReadResult r = ReadResult::Ok;
    switch (state_) {
      case State::Prolog: r = on_prolog(d, need); break;
      case State::Content: r = on_content(d, need); break;
      case State::Epilog: r = on_epilog(d, need); break;
    }
    if (r != ReadResult::Ok) return r;
    if (!need) continue;
    // One item (an activity, a tag, a comment) is held whole: past the cap, memory would follow the input.
    if (len_ - pos_ >= kMaxItemBytes)
      return fail(make_diag("value-too-long")
                      .fact("detail", "the element or markup that starts here is larger than " + size_text(kMaxItemBytes)),
                  loc_);
    if (fill()) continue;
    // End of input, or of what could be converted from UTF-16: the problem is where the text stops.
    std::string_view rest = data();
    if (utf16_ && !utf16_->error().empty())
      return fail(make_diag("invalid-utf16").fact("detail", utf16_->error()), loc_in_data(rest.size()));
    size_t nb = 0;
    while (nb < rest.size() && is_space(rest[nb])) ++nb;
    if (state_ == State::Epilog && nb == rest.size()) {
      if (check_only_) return ReadResult::DataError;  // not-iati or not-activity-file was reported
      ensure_begun();
      out_.end(trailer_);
      return damaged_ ? ReadResult::DataError : ReadResult::Ok;
    }
    if (state_ == State::Prolog && nb == rest.size())
      return syntax("the file has no root element", loc_in_data(nb));
    // What is left could not be read as a whole: text, or an element, tag or comment that the file ends inside.
    bool markup = nb < rest.size() && rest[nb] == '<';
    bool element = markup && !starts(rest, nb, "<!") && !starts(rest, nb, "<?") && !starts(rest, nb, "</");
    if (state_ == State::Content && !markup)
      return fail(make_diag("xml-unclosed").fact("element", root_name_), root_loc_);
    if (state_ == State::Content && element)
      return fail(make_diag("xml-unclosed").fact("element", std::string(element_name(rest, nb))),
                  loc_in_data(nb));
    if (!markup)
      return stray_text(rest.substr(nb), loc_in_data(nb),
                        state_ == State::Prolog ? "text before the root element" : "text after the root element");
    return syntax("the markup that starts here is not closed before the end of the file", loc_in_data(nb));
  }
}

ReadResult XmlScanner::on_prolog(std::string_view d, bool& need) {
  size_t i = 0;
  while (i < d.size() && is_space(d[i])) ++i;
  if (i > 0) {
    consume(i);
    decl_allowed_ = false;
    return ReadResult::Ok;
  }
  if (d.size() < 2) {
    need = true;
    return ReadResult::Ok;
  }
  if (d[0] != '<') return stray_text(d, loc_, "text before the root element");
  if (d[1] == '?' || d[1] == '!') {
    size_t k = special_end(d, 0);
    if (k == kNeedMore) {
      need = true;
      return ReadResult::Ok;
    }
    std::string_view item = d.substr(0, k);
    ReadResult r = ReadResult::Ok;
    if (decl_allowed_ && starts(item, 0, "<?xml") && item.size() > 5 && is_space(item[5])) {
      r = declaration(item);
    } else if (starts(item, 0, "<!DOCTYPE")) {
      if (item.find('[') != std::string_view::npos) return fail(make_diag("doctype-not-allowed"), loc_);
      if (doctype_seen_) return syntax("a second DOCTYPE", loc_);
      doctype_seen_ = true;
      if (HygieneProblem p = check_doctype(item); p.code)
        return fail(make_diag(p.code).fact("detail", p.detail), advance_loc(loc_, item, p.offset));
    } else if (starts(item, 0, "<!--")) {
      r = add_misc(item, loc_, header_.doc);
    } else if (starts(item, 0, "<?")) {
      r = check_markup(item, loc_);  // a processing instruction before the root is not kept
    } else {
      return syntax("unexpected markup before the root element", loc_);
    }
    if (r != ReadResult::Ok) return r;
    decl_allowed_ = false;
    consume(k);
    return ReadResult::Ok;
  }
  size_t k = tag_end(d, 0);
  if (k == kNeedMore) {
    need = true;
    return ReadResult::Ok;
  }
  decl_allowed_ = false;
  if (ReadResult r = start_root(d.substr(0, k)); r != ReadResult::Ok) return r;
  bool empty_root = d[k - 2] == '/';
  consume(k);
  state_ = empty_root ? State::Epilog : State::Content;
  return ReadResult::Ok;
}

// The XML declaration, which may only open the file: its version sets the rules, and its encoding must be
// the one the bytes are in (UTF-8, or UTF-16 converted as it is read).
ReadResult XmlScanner::declaration(std::string_view item) {
  XmlDeclaration decl;
  if (HygieneProblem p = parse_xml_declaration(item, decl); p.code)
    return fail(make_diag(p.code).fact("detail", p.detail), advance_loc(loc_, item, p.offset));
  rules_.xml11 = decl.version == "1.1";
  if (decl.encoding.empty()) return ReadResult::Ok;
  std::string enc = decl.encoding;
  for (auto& c : enc) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool utf16_name = enc == "utf-16" || enc == "utf-16le" || enc == "utf-16be";
  bool utf8_name = enc == "utf-8" || enc == "utf8" || enc == "us-ascii" || enc == "ascii";
  if (utf16_ ? !utf16_name : utf16_name)
    return fail(make_diag("xml-encoding-mismatch")
                    .fact("actual", utf16_ ? "UTF-16" : "UTF-8")
                    .fact("declared", decl.encoding),
                loc_);
  if (!utf16_ && !utf8_name) return fail(make_diag("xml-encoding").fact("encoding", decl.encoding), loc_);
  return ReadResult::Ok;
}

ReadResult XmlScanner::start_root(std::string_view tag) {
  if (ReadResult r = check_markup(tag, loc_); r != ReadResult::Ok) return r;
  // Parse the start tag alone, closed, to get its attributes with escapes resolved.
  std::string text(tag);
  if (text.size() >= 2 && text[text.size() - 2] != '/') text.insert(text.size() - 1, "/");
  pugi::xml_document tmp;
  pugi::xml_parse_result res = tmp.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!res) return syntax(std::string("bad root element start tag: ") + res.description(), loc_);
  pugi::xml_node root = tmp.document_element();
  const char* base = root.name() - root.offset_debug();
  SourceMap where;
  where.set_xml(text, loc_, base);
  if (HygieneProblem p = check_element(root, root_scope_, rules_); p.code) return tree_problem(p, where);
  root_name_ = root.name();
  root_loc_ = loc_;
  if (root_name_ == "iati-organisations" && opt_.organisations) {
    record_name_ = "iati-organisation";
  } else if (root_name_ != "iati-activities") {
    // Not a file we read, which is reported now; the rest of it is still checked (and nothing is kept), so
    // that a file that is not well-formed says so too.
    Diagnostic d = root_name_ == "iati-organisations" ? make_diag("not-activity-file")
                                                      : make_diag("not-iati").fact("root", root_name_);
    fail(std::move(d), loc_);
    check_only_ = true;
    record_name_.clear();
    return ReadResult::Ok;
  }
  pugi::xml_node copy = header_.doc.append_copy(root);
  header_.where.set(copy.internal_object(), loc_);
  // The attributes' positions, from their values' offsets in the start tag (parsed alone, above). Each one
  // counts on from the one before, so a root with thousands of attributes is not counted from its start each time.
  pugi::xml_attribute src = root.first_attribute();
  Loc at = loc_;
  size_t done = 0;
  for (pugi::xml_attribute a = copy.first_attribute(); a && src; a = a.next_attribute(), src = src.next_attribute()) {
    size_t off = static_cast<size_t>(src.value() - base);
    if (off < done || off > tag.size()) {
      at = loc_;
      done = 0;
    }
    at = advance_loc(at, tag.substr(done), off - done);
    done = off;
    header_.where.set(a.internal_object(), at);
  }
  trailer_.doc.append_child(root.name());
  return ReadResult::Ok;
}

ReadResult XmlScanner::add_misc(std::string_view text, Loc at, pugi::xml_node into) {
  pugi::xml_document tmp;
  if (ReadResult r = parse_checked(tmp, text, at, kParseFlags | pugi::parse_fragment); r != ReadResult::Ok) return r;
  for (pugi::xml_node n : tmp.children()) {
    if (n.type() != pugi::node_element) continue;
    SourceMap where;
    where.set_xml(text, at, n.name() - n.offset_debug());
    if (HygieneProblem p = check_tree(n, root_scope_, rules_); p.code) return tree_problem(p, where);
    break;  // a span holds one element
  }
  if (check_only_) return ReadResult::Ok;
  for (pugi::xml_node n : tmp.children()) into.append_copy(n);
  return ReadResult::Ok;
}

// Parses a span with pugixml and our lexical checks, and reports the problem that comes first: the lexer
// looks only at the part pugixml could read, since what follows a syntax error means nothing.
ReadResult XmlScanner::parse_checked(pugi::xml_document& doc, std::string_view text, Loc at, unsigned flags) {
  pugi::xml_parse_result res = doc.load_buffer(text.data(), text.size(), flags, pugi::encoding_utf8);
  size_t lexed = text.size();
  if (!res) {
    // Up to and including the character pugixml stopped at: it stops at a NUL, which the lexer names.
    lexed = std::min(static_cast<size_t>(res.offset) + 1, text.size());
    while (lexed < text.size() && (static_cast<unsigned char>(text[lexed]) & 0xC0) == 0x80) ++lexed;
  }
  if (ReadResult r = check_markup(text.substr(0, lexed), at); r != ReadResult::Ok) return r;
  if (!res) return parse_error(res, text, at);
  return ReadResult::Ok;
}

// Text outside the root element: a character XML forbids anywhere is the better thing to report.
ReadResult XmlScanner::stray_text(std::string_view d, Loc at, const char* what) {
  auto lead = static_cast<unsigned char>(d[0]);
  size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  if (ReadResult r = check_markup(d.substr(0, len), at); r != ReadResult::Ok) return r;
  return syntax(what, at);
}

ReadResult XmlScanner::check_markup(std::string_view text, Loc at) {
  if (HygieneProblem p = check_xml_markup(text, rules_); p.code)
    return fail(make_diag(p.code).fact("detail", p.detail), advance_loc(at, text, p.offset));
  return ReadResult::Ok;
}

ReadResult XmlScanner::tree_problem(const HygieneProblem& p, const SourceMap& where) {
  return fail(make_diag(p.code).fact("detail", p.detail), p.attr ? where.locate(p.attr) : where.locate(p.node));
}

// The name of the innermost element still open at text[off], by the same tag scan as element_span.
std::string open_element_at(std::string_view s, size_t off) {
  std::vector<std::string_view> open;
  size_t i = s.find('<');
  while (i < off && i != std::string_view::npos) {
    size_t k = i + 1 < s.size() && (s[i + 1] == '!' || s[i + 1] == '?') ? special_end(s, i) : tag_end(s, i);
    if (k == kNeedMore || k > off) break;
    if (s[i + 1] == '/') {
      if (!open.empty()) open.pop_back();
    } else if (s[i + 1] != '!' && s[i + 1] != '?' && s[k - 2] != '/') {
      open.push_back(element_name(s, i));
    }
    i = s.find('<', k);
  }
  return open.empty() ? std::string() : std::string(open.back());
}

ReadResult XmlScanner::parse_error(const pugi::xml_parse_result& res, std::string_view text, Loc at) {
  size_t off = std::min(static_cast<size_t>(res.offset), text.size());
  if (res.status == pugi::status_end_element_mismatch) {
    // pugixml stops at the end tag's name.
    size_t name_end = off;
    while (name_end < text.size() && !is_name_end(text[name_end])) ++name_end;
    size_t tag = off >= 2 ? off - 2 : off;
    std::string detail = "end tag </" + std::string(text.substr(off, name_end - off)) + "> does not match <" +
                         open_element_at(text, tag) + ">";
    return syntax(detail, advance_loc(at, text, tag));
  }
  std::string detail = res.description();
  if (!detail.empty()) detail[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(detail[0])));
  return syntax(detail, advance_loc(at, text, off));
}

ReadResult XmlScanner::emit_activity(std::string_view text, Loc at) {
  Record& r = record_;
  ++r.index;  // a malformed activity still takes its place in the count
  if (ReadResult res = parse_checked(r.doc, text, at, kParseFlags); res != ReadResult::Ok) return res;
  r.where.clear();
  pugi::xml_node act = r.doc.document_element();
  r.where.set_xml(text, at, act.name() - act.offset_debug());
  r.wrap(header_.root());
  if (HygieneProblem p = check_tree(r.activity(), root_scope_, rules_); p.code) return tree_problem(p, r.where);
  drop_formatting_text(r.activity());
  ensure_begun();
  out_.record(r);
  return ReadResult::Ok;
}

ReadResult XmlScanner::on_content(std::string_view d, bool& need) {
  size_t i = 0;
  while (i < d.size() && is_space(d[i])) ++i;
  if (i > 0) {
    consume(i);
    return ReadResult::Ok;
  }
  if (d.size() < 2) {
    need = true;
    return ReadResult::Ok;
  }
  pugi::xml_node misc_target = begun_ ? trailer_.root() : header_.root();
  if (d[0] != '<') {
    // Stray text under the root is kept, like any other non-activity content.
    size_t k = d.find('<');
    if (k == std::string_view::npos) {
      need = true;
      return ReadResult::Ok;
    }
    std::string text(d.substr(0, k));
    if (ReadResult r = check_markup(text, loc_); r != ReadResult::Ok) return r;
    std::string wrapped = "<x>" + text + "</x>";
    pugi::xml_document tmp;
    pugi::xml_parse_result res = tmp.load_buffer(wrapped.data(), wrapped.size(), kParseFlags, pugi::encoding_utf8);
    if (!res) return syntax(res.description(), loc_);
    if (!check_only_)
      for (pugi::xml_node n : tmp.first_child().children()) misc_target.append_copy(n);
    consume(k);
    return ReadResult::Ok;
  }
  if (d[1] == '!' || d[1] == '?') {
    size_t k = special_end(d, 0);
    if (k == kNeedMore) {
      need = true;
      return ReadResult::Ok;
    }
    if (starts(d, 0, "<!DOCTYPE") || (!starts(d, 0, "<!--") && !starts(d, 0, "<![CDATA[") && d[1] == '!'))
      return syntax("a declaration is not allowed inside the root element", loc_);
    if (ReadResult r = add_misc(d.substr(0, k), loc_, misc_target); r != ReadResult::Ok) return r;
    consume(k);
    return ReadResult::Ok;
  }
  if (d[1] == '/') {
    size_t k = tag_end(d, 0);
    if (k == kNeedMore) {
      need = true;
      return ReadResult::Ok;
    }
    if (ReadResult r = check_markup(d.substr(0, k), loc_); r != ReadResult::Ok) return r;
    std::string_view name = element_name(d, 1);
    if (name != root_name_)
      return syntax("end tag </" + std::string(name) + "> does not match <" + root_name_ + ">", loc_);
    consume(k);
    state_ = State::Epilog;
    return ReadResult::Ok;
  }
  // A start tag that is not one is told now, rather than as an element never closed at the end of the file.
  if (size_t t = tag_end(d, 0); t != kNeedMore)
    if (ReadResult r = check_markup(d.substr(0, t), loc_); r != ReadResult::Ok) return r;
  // Depth counts from the root element, which is depth 1.
  Span span = element_span(d, 0, opt_.max_depth - 1);
  if (span.end == kNeedMore) {
    need = true;
    return ReadResult::Ok;
  }
  if (span.too_deep_at != kNeedMore)
    return fail(make_diag("too-deep").fact("limit", std::to_string(opt_.max_depth)), loc_in_data(span.too_deep_at));
  std::string_view text = d.substr(0, span.end);
  ReadResult r = element_name(d, 0) == record_name_ ? emit_activity(text, loc_) : add_misc(text, loc_, misc_target);
  if (r != ReadResult::Ok) {
    // The span's extent is known from the tag scan, so the next activity can still be read safely.
    if (!opt_.keep_going || check_only_) return r;
    damaged_ = true;
  }
  consume(span.end);
  return ReadResult::Ok;
}

ReadResult XmlScanner::on_epilog(std::string_view d, bool& need) {
  size_t i = 0;
  while (i < d.size() && is_space(d[i])) ++i;
  if (i > 0) {
    consume(i);
    return ReadResult::Ok;
  }
  if (d.size() < 4) {
    need = true;
    return ReadResult::Ok;
  }
  if (starts(d, 0, "<!--") || starts(d, 0, "<?")) {
    size_t k = special_end(d, 0);
    if (k == kNeedMore) {
      need = true;
      return ReadResult::Ok;
    }
    if (ReadResult r = add_misc(d.substr(0, k), loc_, trailer_.root()); r != ReadResult::Ok) return r;
    consume(k);
    return ReadResult::Ok;
  }
  if (d[0] == '<') return syntax("a second root element after </" + root_name_ + ">", loc_);
  return stray_text(d, loc_, "text after the root element");
}

}  // namespace

ReadResult read_xml(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt) {
  // The encoding, from the byte order mark or from how the first '<' is written (XML 1.0, appendix F).
  std::string_view h = in.peek(4);
  auto is = [&](std::string_view bytes) { return h.substr(0, bytes.size()) == bytes; };
  using namespace std::string_view_literals;
  if (is("\0\0\xFE\xFF"sv) || is("\xFF\xFE\0\0"sv) || is("\0\0\0<"sv) || is("<\0\0\0"sv)) {
    Diagnostic d = make_diag("xml-encoding").fact("encoding", "UTF-32");
    d.file = opt.file;
    d.loc = {1, 1};
    rep.report(std::move(d));
    return ReadResult::DataError;
  }
  bool le = is("\xFF\xFE"sv) || (h.size() == 4 && h[0] == '<' && h[1] == 0 && h[2] != 0 && h[3] == 0);
  bool be = is("\xFE\xFF"sv) || (h.size() == 4 && h[0] == 0 && h[1] == '<' && h[2] == 0 && h[3] != 0);
  if (le || be) {
    Utf16Source utf8(in, be);
    return XmlScanner(utf8, out, rep, opt, &utf8).run();
  }
  return XmlScanner(in, out, rep, opt, nullptr).run();
}

}  // namespace projconv
