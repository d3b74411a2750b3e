// Streaming IATI XML reader: cuts the input at each <iati-activity> and parses one activity at a time.
//
// A light scanner walks the root's content in a refillable buffer; each activity span is parsed on its own
// by pugixml, so memory is bounded by the largest activity. Everything else under the root (comments,
// foreign elements such as ir:registry-record) goes to the header, or to the trailer once activities began.
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
  XmlScanner(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt)
      : in_(in), out_(out), rep_(rep), opt_(opt) {}

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
  ReadResult start_root(std::string_view tag);
  ReadResult add_misc(std::string_view text, Loc at, pugi::xml_node into);
  ReadResult emit_activity(std::string_view text, Loc at);
  ReadResult parse_error(const pugi::xml_parse_result& res, std::string_view text, Loc at);
  void ensure_begun();

  Source& in_;
  Sink& out_;
  Reporter& rep_;
  const ReadOptions& opt_;

  std::vector<char> buf_ = std::vector<char>(1 << 22);
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
      if (d.substr(0, 2) == "\xFF\xFE" || d.substr(0, 2) == "\xFE\xFF" ||
          (d.size() >= 2 && d[0] == '<' && d[1] == 0) || (d.size() >= 2 && d[0] == 0 && d[1] == '<'))
        return fail(make_diag("xml-encoding").fact("encoding", "UTF-16"), {1, 1});
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
    if (fill()) continue;
    // End of input.
    std::string_view rest = data();
    size_t nb = 0;
    while (nb < rest.size() && is_space(rest[nb])) ++nb;
    if (state_ == State::Epilog && nb == rest.size()) {
      ensure_begun();
      out_.end(trailer_);
      return damaged_ ? ReadResult::DataError : ReadResult::Ok;
    }
    if (state_ == State::Prolog && nb == rest.size())
      return syntax("the file has no root element", loc_in_data(nb));
    if (state_ == State::Content && nb == rest.size())
      return fail(make_diag("xml-unclosed").fact("element", root_name_), root_loc_);
    if (state_ == State::Content && rest[nb] == '<' && !starts(rest, nb, "<!") && !starts(rest, nb, "<?") &&
        !starts(rest, nb, "</"))
      return fail(make_diag("xml-unclosed").fact("element", std::string(element_name(rest, nb))),
                  loc_in_data(nb));
    if (state_ == State::Epilog) return syntax("text after the root element", loc_in_data(nb));
    return syntax("unexpected end of file", loc_in_data(rest.size()));
  }
}

ReadResult XmlScanner::on_prolog(std::string_view d, bool& need) {
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
  if (d[0] != '<') return syntax("text before the root element", loc_);
  if (d[1] == '?' || d[1] == '!') {
    size_t k = special_end(d, 0);
    if (k == kNeedMore) {
      need = true;
      return ReadResult::Ok;
    }
    std::string_view item = d.substr(0, k);
    if (starts(item, 0, "<?xml") && item.size() > 5 && is_space(item[5])) {
      pugi::xml_document decl;
      std::string text(item);
      decl.load_buffer(text.data(), text.size(), pugi::parse_declaration, pugi::encoding_utf8);
      std::string enc = decl.first_child().attribute("encoding").value();
      for (auto& c : enc) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!enc.empty() && enc != "utf-8" && enc != "utf8" && enc != "us-ascii" && enc != "ascii")
        return fail(make_diag("xml-encoding").fact("encoding", decl.first_child().attribute("encoding").value()),
                    loc_);
    } else if (starts(item, 0, "<!DOCTYPE")) {
      if (item.find('[') != std::string_view::npos) return fail(make_diag("doctype-not-allowed"), loc_);
    } else if (starts(item, 0, "<!--")) {
      if (ReadResult r = add_misc(item, loc_, header_.doc); r != ReadResult::Ok) return r;
    } else if (!starts(item, 0, "<?")) {
      return syntax("unexpected markup before the root element", loc_);
    }
    consume(k);
    return ReadResult::Ok;
  }
  size_t k = tag_end(d, 0);
  if (k == kNeedMore) {
    need = true;
    return ReadResult::Ok;
  }
  if (ReadResult r = start_root(d.substr(0, k)); r != ReadResult::Ok) return r;
  bool empty_root = d[k - 2] == '/';
  consume(k);
  state_ = empty_root ? State::Epilog : State::Content;
  return ReadResult::Ok;
}

ReadResult XmlScanner::start_root(std::string_view tag) {
  // Parse the start tag alone, closed, to get its attributes with escapes resolved.
  std::string text(tag);
  if (text.size() >= 2 && text[text.size() - 2] != '/') text.insert(text.size() - 1, "/");
  pugi::xml_document tmp;
  pugi::xml_parse_result res = tmp.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!res) return syntax(std::string("bad root element start tag: ") + res.description(), loc_);
  pugi::xml_node root = tmp.document_element();
  root_name_ = root.name();
  root_loc_ = loc_;
  if (root_name_ == "iati-organisations") {
    if (!opt_.organisations) return fail(make_diag("not-activity-file"), loc_);
    record_name_ = "iati-organisation";
  } else if (root_name_ != "iati-activities") {
    return fail(make_diag("not-iati").fact("root", root_name_), loc_);
  }
  pugi::xml_node copy = header_.doc.append_copy(root);
  header_.where.set(copy.internal_object(), loc_);
  // The attributes' positions, from their values' offsets in the start tag (parsed alone, above).
  const char* base = root.name() - root.offset_debug();
  pugi::xml_attribute src = root.first_attribute();
  for (pugi::xml_attribute a = copy.first_attribute(); a && src; a = a.next_attribute(), src = src.next_attribute())
    header_.where.set(a.internal_object(), advance_loc(loc_, tag, static_cast<size_t>(src.value() - base)));
  trailer_.doc.append_child(root.name());
  return ReadResult::Ok;
}

ReadResult XmlScanner::add_misc(std::string_view text, Loc at, pugi::xml_node into) {
  pugi::xml_document tmp;
  pugi::xml_parse_result res =
      tmp.load_buffer(text.data(), text.size(), kParseFlags | pugi::parse_fragment, pugi::encoding_utf8);
  if (!res) return syntax(res.description(), advance_loc(at, text, static_cast<size_t>(res.offset)));
  for (pugi::xml_node n : tmp.children()) into.append_copy(n);
  return ReadResult::Ok;
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
  if (HygieneProblem p = check_xml_bytes(text); p.code)
    return fail(make_diag(p.code).fact("detail", p.detail), advance_loc(at, text, p.offset));
  pugi::xml_parse_result res = r.doc.load_buffer(text.data(), text.size(), kParseFlags, pugi::encoding_utf8);
  if (!res) return parse_error(res, text, at);
  r.where.clear();
  pugi::xml_node act = r.doc.document_element();
  r.where.set_xml(text, at, act.name() - act.offset_debug());
  r.wrap(header_.root());
  if (HygieneProblem p = check_duplicate_attributes(r.activity()); p.code)
    return fail(make_diag(p.code).fact("detail", p.detail), r.where.locate(p.attr));
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
    std::string wrapped = "<x>" + text + "</x>";
    pugi::xml_document tmp;
    pugi::xml_parse_result res = tmp.load_buffer(wrapped.data(), wrapped.size(), kParseFlags, pugi::encoding_utf8);
    if (!res) return syntax(res.description(), loc_);
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
    std::string_view name = element_name(d, 1);
    if (name != root_name_)
      return syntax("end tag </" + std::string(name) + "> does not match <" + root_name_ + ">", loc_);
    consume(k);
    state_ = State::Epilog;
    return ReadResult::Ok;
  }
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
    if (!opt_.keep_going) return r;
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
  return syntax("text after the root element", loc_);
}

}  // namespace

ReadResult read_xml(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt) {
  XmlScanner s(in, out, rep, opt);
  return s.run();
}

}  // namespace projconv
