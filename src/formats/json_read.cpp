// Streaming JSON reader: RapidJSON SAX events build one activity tree at a time, each value located by line:col.
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "core/xml_name.hpp"
#include "formats/format.hpp"
#include "formats/json_form.hpp"
#include "formats/tree_order.hpp"
#include "formats/xml_hygiene.hpp"

namespace projconv {

namespace {

// A RapidJSON input stream over a Source that knows the line and column of the token being read.
//
// It also keeps numbers away from RapidJSON's arithmetic: even when told to hand numbers over as text, RapidJSON
// 1.1 refuses those a double cannot hold (1e400, or 400 digits), yet projconv keeps numbers as text and writes
// any such text as a JSON number. So when a bare token starts with '-' or a digit, the stream reads the whole
// run of number characters itself and checks it with is_json_number (the writer's own test). RapidJSON is then
// shown a short number in its place ("1" for 1e400, "-0" for -1e400), and the handler takes the real text from
// number(). A run that is not a JSON number is shown as it is, for RapidJSON to say what is wrong with it.
class LocStream {
 public:
  using Ch = char;
  explicit LocStream(Source& in) : in_(in), buf_(1 << 16) { refill(); }

  Ch Peek() const { return *cur_; }
  Ch Take() {
    char c = *cur_;
    track(c);
    ++count_;
    if (++cur_ == end_) next();
    return c;
  }
  size_t Tell() const { return count_; }
  // Output side of the stream concept; never used for reading.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  size_t PutEnd(Ch*) { return 0; }

  Loc token() const { return token_; }
  // Whether the string just read had an escape: without one, its bytes are the input's, which RapidJSON
  // checked as UTF-8 (kParseValidateEncodingFlag) and in which it refuses raw control characters.
  bool escaped() const { return escaped_; }
  Loc here() const { return here_; }
  // The position of byte `offset` of the input, for RapidJSON's error offsets: exact when the bytes from there
  // to here are still in the buffer and on this line (a malformed UTF-8 sequence, an escape), else here.
  Loc at(size_t offset) const {
    size_t back = count_ - offset;
    if (offset > count_ || eof_ || shown_active_ || back > static_cast<size_t>(cur_ - buf_.data())) return here_;
    Loc l = here_;
    for (const char* p = cur_ - back; p < cur_; ++p) {
      if (*p == '\n') return here_;
      if ((static_cast<unsigned char>(*p) & 0xC0) != 0x80) --l.col;
    }
    return l;
  }
  // False when the parser stopped on a NUL byte that is data, not the end of input.
  bool at_end() const { return eof_ && cur_ == &sentinel_; }
  // A string or number longer than kMaxValueBytes: the stream then ends there, so RapidJSON stops holding it.
  bool too_long() const { return too_long_; }
  // The text of the number RapidJSON just parsed: the real token when a short one was shown in its place.
  std::string_view number(std::string_view parsed) {
    if (!substituted_) return parsed;
    substituted_ = false;
    return number_;
  }

 private:
  // The slow path of Take(): the end of the buffer, of the shown text, or a number to read.
  void next() {
    if (too_long_) {
      cut_off();
      return;
    }
    end_ = data_end_;
    if (shown_active_) {
      shown_active_ = false;
      cur_ = resume_;
    }
    if (cur_ == data_end_) refill();
    if (number_pending_) {
      number_pending_ = false;
      capture_number();
    }
  }

  void cut_off() {
    eof_ = true;
    cur_ = &sentinel_;
    end_ = data_end_ = &sentinel_ + 1;
  }

  void refill() {
    size_t got = in_.read(buf_.data(), buf_.size());
    if (got == 0) {
      eof_ = true;
      cur_ = &sentinel_;
      end_ = data_end_ = &sentinel_ + 1;
      return;
    }
    cur_ = buf_.data();
    end_ = data_end_ = cur_ + got;
  }

  static bool number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  }

  // Called once RapidJSON has taken the first character of a number token: reads the rest of its run.
  void capture_number() {
    number_.assign(1, last_);
    while (cur_ != &sentinel_ && number_char(*cur_)) {
      number_ += *cur_;
      if (number_.size() > kMaxValueBytes) {
        too_long_ = true;
        cut_off();
        return;
      }
      if (++cur_ == data_end_) refill();
    }
    end_ = data_end_;
    substituted_ = is_json_number(number_);
    // A valid number has a digit after any '-': RapidJSON is shown that one, or "0", and nothing more.
    if (substituted_) shown_ = last_ == '-' ? "0" : "";
    else shown_.assign(number_, 1);
    if (substituted_) {
      // The characters not shown are not taken by RapidJSON: count them here (number text is ASCII, one line).
      size_t hidden = number_.size() - 1 - shown_.size();
      here_.col += static_cast<uint32_t>(hidden);
      count_ += hidden;
    }
    if (shown_.empty()) return;
    shown_active_ = true;
    resume_ = cur_;
    cur_ = shown_.data();
    end_ = cur_ + shown_.size();
  }

  // Marks where each token starts: string quotes, brackets, and the first byte of a bare value.
  void track(char c) {
    Loc at = here_;
    if (c == '\n') {
      ++here_.line;
      here_.col = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++here_.col;
    }
    if (in_string_) {
      if (++string_bytes_ > kMaxValueBytes) {
        too_long_ = true;
        end_ = cur_ + 1;  // next() cuts the input off right after this byte
      }
      if (escape_) escape_ = false;
      else if (c == '\\') escape_ = escaped_ = true;
      else if (c == '"') in_string_ = false;
      return;
    }
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (c == '"') {
      in_string_ = true;
      string_bytes_ = 0;
      escaped_ = false;
      token_ = at;
    } else if (c == '{' || c == '[') {
      token_ = at;
    } else if (!space && c != ',' && c != ':' && c != ']' && c != '}' && after_delim_) {
      token_ = at;
      if (c == '-' || (c >= '0' && c <= '9')) {
        // Stop Take() right after this character, so that next() reads the rest of the number.
        number_pending_ = true;
        last_ = c;
        end_ = cur_ + 1;
      }
    }
    after_delim_ = space || c == ',' || c == ':' || c == '[' || c == '{';
  }

  Source& in_;
  std::vector<char> buf_;
  char sentinel_ = '\0';
  char* cur_ = nullptr;
  char* end_ = nullptr;       // where Take() must call next(): the end of the data, or earlier
  char* data_end_ = nullptr;  // the end of the data in buf_
  bool eof_ = false;
  size_t count_ = 0;  // bytes of the input taken, counting those of a number hidden from RapidJSON
  Loc here_{1, 1};
  Loc token_{1, 1};
  bool in_string_ = false, escape_ = false, escaped_ = false, after_delim_ = true;
  // A number token: its text as read, and the shorter or same text RapidJSON is shown in its place.
  std::string number_, shown_;
  char last_ = 0;  // the number's first character, already taken
  char* resume_ = nullptr;  // where reading resumes in buf_ after the shown text
  bool number_pending_ = false, shown_active_ = false, substituted_ = false;
  size_t string_bytes_ = 0;
  bool too_long_ = false;
};

// Where a decoded string goes wrong: RapidJSON checks raw bytes, but decodes \u escapes without checking, so a
// lone second surrogate half (\uDC00) comes out as bytes that are not UTF-8, and \u0000 as a NUL.
struct TextFault {
  static constexpr size_t kNone = static_cast<size_t>(-1);
  size_t at = kNone;     // byte offset into the string
  bool control = false;  // a C0 control XML cannot hold, rather than bad UTF-8
};

// `controls`: also refuse the C0 controls other than tab, LF and CR (only text bound for the tree needs it).
TextFault check_text(std::string_view s, bool controls) {
  const size_t n = s.size();
  constexpr uint64_t kHigh = 0x8080808080808080ull, kSpace = 0x2020202020202020ull;
  for (size_t i = 0; i < n;) {
    // Eight bytes at a time while they are all printable ASCII, the common case by far.
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      uint64_t below_space = controls ? (w - kSpace) & ~w & kHigh : 0;
      if (((w & kHigh) | below_space) == 0) {
        i += 8;
        continue;
      }
    }
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) {
      if (controls && c < 0x20 && c != '\t' && c != '\n' && c != '\r') return {i, true};
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || c > 0xF4 || i + len > n) return {i, false};
    for (size_t k = 1; k < len; ++k)
      if ((byte(i + k) & 0xC0) != 0x80) return {i, false};
    unsigned char c1 = byte(i + 1);
    // Overlong forms, UTF-16 surrogate halves, and code points past U+10FFFF.
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))
      return {i, false};
    i += len;
  }
  return {};
}

std::string hex4(unsigned v) {
  static const char* digits = "0123456789ABCDEF";
  std::string out(4, '0');
  for (int k = 3; k >= 0; --k, v >>= 4) out[static_cast<size_t>(k)] = digits[v & 15];
  return out;
}

// The words for a fault check_text found in a string (`what`: "the string", "the member name").
std::string fault_detail(std::string_view s, TextFault f, const char* what) {
  unsigned char c = static_cast<unsigned char>(s[f.at]);
  if (f.control) {
    std::string written = c == '\b' ? "\\b" : c == '\f' ? "\\f" : "\\u" + hex4(c);
    return std::string(what) + " holds the control character U+" + hex4(c) + " (written " + written +
           "), which XML cannot hold: remove it";
  }
  if (c == 0xED && f.at + 2 < s.size()) {
    unsigned cp = 0xD000u | (static_cast<unsigned>(s[f.at + 1]) & 0x3Fu) << 6 |
                  (static_cast<unsigned>(s[f.at + 2]) & 0x3Fu);
    return std::string(what) + " holds the escape \\u" + hex4(cp) +
           ", half of a UTF-16 surrogate pair without its other half: alone it is not a character, and UTF-8 "
           "cannot hold it";
  }
  return std::string(what) + " holds bytes that are not valid UTF-8";
}

// Member names quoted in messages: control characters are legal in JSON names but invisible on a terminal.
std::string shown(std::string_view name) {
  std::string out;
  for (char ch : name) {
    if (static_cast<unsigned char>(ch) < 0x20) out += "\\u" + hex4(static_cast<unsigned char>(ch));
    else out += ch;
  }
  return out;
}

// The member names of one open object, to find a name given twice. Objects are small (an activity has a few
// dozen members), so a short list is scanned; a long object moves to a hash map to stay linear. The names of
// the list share one buffer, kept with the list's capacity from object to object: no allocation per name.
class KeySet {
 public:
  // The position of the first `key` when it was already given in this object, else nullptr.
  const Loc* insert(std::string_view key, Loc at) {
    if (big_.empty()) {
      for (const Entry& e : small_)
        if (name(e) == key) return &e.at;
      if (small_.size() < kScan) {
        small_.push_back({names_.size(), key.size(), at});
        names_.append(key);
        return nullptr;
      }
      for (const Entry& e : small_) big_.emplace(std::string(name(e)), e.at);
      clear_list();
    }
    auto [it, added] = big_.try_emplace(std::string(key), at);
    return added ? nullptr : &it->second;
  }
  void clear() {
    clear_list();
    if (!big_.empty()) big_.clear();
  }

 private:
  struct Entry {
    size_t offset, size;
    Loc at;
  };
  std::string_view name(const Entry& e) const { return std::string_view(names_).substr(e.offset, e.size); }
  void clear_list() {
    small_.clear();
    names_.clear();
  }

  static constexpr size_t kScan = 32;
  std::vector<Entry> small_;
  std::string names_;
  std::unordered_map<std::string, Loc> big_;
};

// Builds the tree from SAX events. After the first error about the data (its shape, a name given twice, a
// character XML cannot hold), nothing more is built, but the rest of the text is still scanned, so that a
// later syntax error, bad UTF-8 or name given twice is reported too: the file is not well-formed either.
class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  TreeBuilder(LocStream& s, Sink& out, Reporter& rep, const ReadOptions& opt)
      : s_(s), out_(out), rep_(rep), opt_(opt),
        // An IATI-shaped document within --max-depth nests at most two JSON levels per element (the element's
        // array and its object) plus the top-level object; only text being skipped can reach this bound.
        nesting_limit_(2 * opt.max_depth + 2) {}

  bool failed() const { return failed_; }
  bool finished() const { return root_done_; }

  // Each callback returns whether RapidJSON reads on. A build step returns false when it has reported an error;
  // reading then goes on, skipping, unless that error stops it (`x || !stopped_`).
  bool Null() { return skipping_ || scalar_error("null") || !stopped_; }
  bool Bool(bool b) { return skipping_ || scalar_error(b ? "true" : "false") || !stopped_; }
  bool Int(int) { return skipping_ || scalar_error("a number") || !stopped_; }
  bool Uint(unsigned) { return skipping_ || scalar_error("a number") || !stopped_; }
  bool Int64(int64_t) { return skipping_ || scalar_error("a number") || !stopped_; }
  bool Uint64(uint64_t) { return skipping_ || scalar_error("a number") || !stopped_; }
  bool Double(double) { return skipping_ || scalar_error("a number") || !stopped_; }
  // Numbers come as their text, checked by LocStream: ASCII only.
  bool RawNumber(const char* str, rapidjson::SizeType len, bool) {
    std::string_view v = s_.number(std::string_view(str, len));
    return skipping_ || scalar(v) || !stopped_;
  }

  bool String(const char* str, rapidjson::SizeType len, bool) {
    std::string_view v(str, len);
    at_ = s_.token();
    if (!text_ok(v, "the string", !skipping_ && in_tree())) return !stopped_;
    return skipping_ || scalar(v) || !stopped_;
  }

  bool Key(const char* str, rapidjson::SizeType len, bool) {
    std::string_view k(str, len);
    at_ = s_.token();
    // Top-level names never become element names: an unknown one is a shape error that quotes it.
    if (!text_ok(k, "the member name", !skipping_ && stack_.back().kind != Kind::Top)) return !stopped_;
    if (const Loc* first = keys_[open_objects_ - 1].insert(k, at_)) {
      Loc f = *first;
      Diagnostic d = make_diag("duplicate-key")
                         .fact("key", shown(k))
                         .fact("first", std::to_string(f.line) + ":" + std::to_string(f.col));
      d.related.push_back({f, {}, "the first \"" + shown(k) + "\""});
      // A repeated element member is kept (as repeated elements, which the structure layer judges); a
      // repeated attribute cannot be, so only that one is an error.
      if (skipping_ || k.empty() || k[0] != '@') {
        d.fact("detail", "JSON does not say which one counts, so projconv keeps both, in order: remove or rename one");
        note(std::move(d));
      } else {
        d.severity = Severity::Error;
        d.fact("detail", "an attribute holds one value, so projconv cannot keep both: remove or rename one");
        return report(std::move(d)) || !stopped_;
      }
    }
    if (!skipping_) key_.assign(k);
    return true;
  }

  // RapidJSON calls StartObject/StartArray before taking the bracket, and the scalar callbacks after the token.
  bool StartObject() {
    at_ = s_.here();
    if (!open_level()) return false;
    if (open_objects_ == keys_.size()) keys_.emplace_back();
    ++open_objects_;
    return skipping_ || start_object() || !stopped_;
  }

  bool EndObject(rapidjson::SizeType) {
    --nesting_;
    keys_[--open_objects_].clear();
    if (!skipping_) end_object();
    return true;
  }

  bool StartArray() {
    at_ = s_.here();
    if (!open_level()) return false;
    return skipping_ || start_array() || !stopped_;
  }

  bool EndArray(rapidjson::SizeType) {
    --nesting_;
    if (!skipping_) stack_.pop_back();
    return true;
  }

 private:
  enum class Kind { Top, Root, Element, Array, Comments };
  struct Frame {
    Kind kind;
    pugi::xml_node node;
    std::string name;  // Array: the element name of its items
    bool activity = false;
    bool activities = false;
  };

  bool start_object() {
    if (stack_.empty()) {
      stack_.push_back({Kind::Top, {}, {}});
      return true;
    }
    Frame& f = stack_.back();
    switch (f.kind) {
      case Kind::Top:
        // A second "iati-activities" is a name given twice, refused in Key().
        if (key_ == "iati-activities") {
          pugi::xml_node root = header_.doc.append_child("iati-activities");
          trailer_.doc.append_child("iati-activities");
          return push({Kind::Root, root, {}});
        }
        if (key_ == "iati-organisations") return report(make_diag("not-activity-file"));
        return shape("unexpected member \"" + shown(key_) + "\" at the top level; expected \"iati-activities\"");
      case Kind::Root:
        if (key_ == kAfterKey) {
          return push({Kind::Element, trailer_.root(), {}});
        }
        [[fallthrough]];
      case Kind::Element:
        if (!check_member_name(key_)) return false;
        return push({Kind::Element, new_element(container(f), key_), {}});
      case Kind::Array:
        if (f.activities) {
          record_.doc.reset();
          record_.where.clear();
          pugi::xml_node act = record_.doc.append_child("iati-activity");
          record_.wrap(header_.root());
          act = record_.activity();
          record_.where.set(act.internal_object(), at_);
          in_activity_ = true;
          return push({Kind::Element, act, {}, true});
        }
        return push({Kind::Element, new_element(f.node, f.name), {}});
      case Kind::Comments: return shape("\"#comment\" holds strings only");
    }
    return true;
  }

  void end_object() {
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.kind == Kind::Element || f.kind == Kind::Root) --depth_;
    if (f.kind == Kind::Element && f.activity) {
      if (!namespaces_ok(record_.activity().parent(), record_.activity(), record_.where)) return;
      in_activity_ = false;
      ++record_.index;
      // Member order in JSON is not element order: put the tree in schema order before anyone checks it.
      order_by_schema(record_.activity(), opt_.schema ? opt_.schema->activity() : nullptr);
      drop_formatting_text(record_.activity());
      out_.record(record_);
    } else if (f.kind == Kind::Root) {
      // The root and what stands beside the activities (before them, then after them).
      if (!namespaces_ok(header_.root(), header_.root().first_child(), header_.where) ||
          !namespaces_ok(header_.root(), trailer_.root().first_child(), header_.where))
        return;
      ensure_begun();
      root_done_ = true;
    }
  }

  bool start_array() {
    if (stack_.empty()) return shape("the top level must be an object with an \"iati-activities\" member");
    Frame& f = stack_.back();
    if (f.kind == Kind::Array || f.kind == Kind::Comments) return shape("an array inside an array has no XML meaning");
    if (key_ == kCommentKey) {
      pugi::xml_node target = f.kind == Kind::Top ? pugi::xml_node(header_.doc) : container(f);
      stack_.push_back({Kind::Comments, target, {}});
      return true;
    }
    if (f.kind == Kind::Top) return shape("unexpected array \"" + shown(key_) + "\" at the top level");
    if (f.kind == Kind::Root && key_ == "iati-activity") {
      ensure_begun();
      Frame a{Kind::Array, {}, key_};
      a.activities = true;
      stack_.push_back(a);
      return true;
    }
    if (!check_member_name(key_)) return false;
    stack_.push_back({Kind::Array, container(f), key_});
    return true;
  }

  // Counts every object and array, even while skipping: RapidJSON's own stack grows with nesting, so text
  // that is skipped must still not nest without bound.
  bool open_level() {
    if (++nesting_ > nesting_limit_) return stop(make_diag("too-deep").fact("limit", std::to_string(opt_.max_depth)));
    return true;
  }

  // Element levels count as in XML (the root is depth 1); arrays cannot nest, so they add no unbounded depth.
  bool push(Frame f) {
    if (++depth_ > opt_.max_depth) return stop(make_diag("too-deep").fact("limit", std::to_string(opt_.max_depth)));
    stack_.push_back(std::move(f));
    return true;
  }

  // A bare value is an element one level below the current one.
  bool leaf_fits() {
    if (depth_ + 1 > opt_.max_depth) return stop(make_diag("too-deep").fact("limit", std::to_string(opt_.max_depth)));
    return true;
  }

  // Where new children of a frame go: root members after the activities belong to the trailer.
  pugi::xml_node container(const Frame& f) { return f.kind == Kind::Root && begun_ ? trailer_.root() : f.node; }

  pugi::xml_node new_element(pugi::xml_node parent, const std::string& name) {
    pugi::xml_node el = parent.append_child(name.c_str());
    if (in_record()) record_.where.set(el.internal_object(), at_);
    return el;
  }

  bool in_record() const { return in_activity_; }
  // Whether a string here would go into the tree (rather than be refused as being in the wrong place).
  bool in_tree() const { return !stack_.empty() && stack_.back().kind != Kind::Top; }

  // Every decoded string must be UTF-8, skipped or not: this is JSON text RapidJSON should have refused, as it
  // does a lone first surrogate half. Text bound for the tree must also be characters XML can hold. Only an
  // escape can break either rule in a string RapidJSON has read.
  bool text_ok(std::string_view v, const char* what, bool for_tree) {
    if (!s_.escaped()) return true;
    TextFault f = check_text(v, for_tree);
    if (f.at == TextFault::kNone) return true;
    Diagnostic d = make_diag(f.control ? "xml-control-char" : "invalid-utf8").fact("detail", fault_detail(v, f, what));
    return f.control ? report(std::move(d)) : stop(std::move(d));
  }

  bool check_member_name(const std::string& name) {
    if (!is_xml_name(name)) return shape("\"" + shown(name) + "\" is not an XML element name");
    return true;
  }

  bool scalar(std::string_view v) {
    at_ = s_.token();
    if (stack_.empty()) return shape("the top level must be an object with an \"iati-activities\" member");
    Frame& f = stack_.back();
    switch (f.kind) {
      case Kind::Top: return shape("unexpected value for \"" + shown(key_) + "\" at the top level");
      case Kind::Comments:
        // XML cannot hold these in a comment (and has no escapes there): refused rather than altered.
        if (v.find("--") != std::string_view::npos || (!v.empty() && v.back() == '-'))
          return shape("a comment cannot contain \"--\" or end with \"-\" (XML does not allow it)");
        if (v.find('\r') != std::string_view::npos)
          return shape("a comment cannot contain a carriage return (XML reads it as a line feed)");
        f.node.append_child(pugi::node_comment).set_value(std::string(v).c_str());
        return true;
      case Kind::Array:
        if (f.activities) return shape("each item of \"iati-activity\" must be an object");
        if (!leaf_fits()) return false;
        set_text(new_element(f.node, f.name), v);
        return true;
      case Kind::Root:
      case Kind::Element: {
        pugi::xml_node target = container(f);
        if (!key_.empty() && key_[0] == '@') {
          if (f.kind == Kind::Root && begun_) return shape("root attributes must come before \"iati-activity\"");
          std::string name = key_.substr(1);
          if (!is_xml_name(name)) return shape("\"" + shown(name) + "\" is not an XML attribute name");
          if (target.attribute(name.c_str())) return shape("attribute \"" + name + "\" is given twice");
          pugi::xml_attribute a = target.append_attribute(name.c_str());
          a.set_value(std::string(v).c_str());
          if (in_record()) record_.where.set(a.internal_object(), at_);
          return true;
        }
        if (key_ == kTextKey) {
          set_text(target, v);
          return true;
        }
        if (!check_member_name(key_) || !leaf_fits()) return false;
        set_text(new_element(target, key_), v);
        return true;
      }
    }
    return true;
  }

  void set_text(pugi::xml_node el, std::string_view v) {
    if (v.empty()) return;
    el.append_child(pugi::node_pcdata).set_value(std::string(v).c_str());
  }

  bool scalar_error(const char* what) {
    at_ = s_.token();
    std::string member = !stack_.empty() && stack_.back().kind == Kind::Array ? "each item of \"" + stack_.back().name + "\""
                                                                              : "\"" + shown(key_) + "\"";
    return shape(member + " must be a string or a number, not " + what);
  }

  // The Namespaces in XML rules the XML reader applies (no element prefixed xmlns, no xmlns:xmlns, no
  // prefix used after xmlns:p="" unbinds it, no attribute twice through two prefixes for one URI): a tree
  // that breaks them could not be written as XML and read back.
  bool namespaces_ok(pugi::xml_node decls, pugi::xml_node first, const SourceMap& where) {
    HygieneProblem p = check_built_tree(decls, first);
    if (!p.code || (p.node == decls && in_record())) return true;  // the root's own: said at the root's end
    Loc l = p.attr ? where.locate(p.attr) : where.locate(p.node);
    if (l.known()) at_ = l;  // else the end of the object just read
    return report(make_diag(p.code).fact("detail", p.detail));
  }

  bool shape(std::string detail) { return report(make_diag("json-shape").fact("detail", std::move(detail))); }

  // Reports a finding at the current value and skips the rest of the data; returns false, for "not built".
  // Reports a finding at the current value; reading goes on as before (a warning).
  void note(Diagnostic d) {
    d.file = opt_.file;
    d.loc = at_;
    // While skipping, activities are no longer followed: a later finding cannot name one.
    if (in_record() && !skipping_) d.activity = record_.identifier();
    rep_.report(std::move(d));
  }

  // Reports an error, after which nothing more is built (the text is still read to its end).
  bool report(Diagnostic d) {
    note(std::move(d));
    failed_ = true;
    skipping_ = true;
    return false;
  }

  // Reports a finding after which the text is not read on (its nesting, its encoding).
  bool stop(Diagnostic d) {
    report(std::move(d));
    stopped_ = true;
    return false;
  }

  void ensure_begun() {
    if (begun_) return;
    begun_ = true;
    out_.begin(header_);
  }

 public:
  void finish() { out_.end(trailer_); }

 private:
  LocStream& s_;
  Sink& out_;
  Reporter& rep_;
  const ReadOptions& opt_;
  std::vector<Frame> stack_;
  size_t depth_ = 0;
  size_t nesting_ = 0, nesting_limit_;  // JSON objects and arrays open, built or skipped
  std::vector<KeySet> keys_;             // one per open object; kept for reuse past open_objects_
  size_t open_objects_ = 0;
  std::string key_;
  Loc at_;  // where the value of the current event starts
  Header header_, trailer_;
  Record record_;
  bool begun_ = false, root_done_ = false, failed_ = false, in_activity_ = false;
  bool skipping_ = false;  // an error was reported: nothing more is built, the text is still scanned
  bool stopped_ = false;   // an error after which the text is not read on either
};

// RapidJSON's sentences start upper-case and end with a full stop; ours do neither.
std::string our_words(rapidjson::ParseErrorCode code) {
  std::string detail = rapidjson::GetParseError_En(code);
  if (!detail.empty() && detail.back() == '.') detail.pop_back();
  if (!detail.empty()) detail[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(detail[0])));
  return detail;
}

}  // namespace

ReadResult read_json(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt) {
  std::string_view head = in.peek(4);
  auto fail = [&](Diagnostic d, Loc at) {
    d.file = opt.file;
    d.loc = at;
    rep.report(std::move(d));
    return ReadResult::DataError;
  };
  if (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF" ||
      (head.size() >= 2 && (head[0] == 0 || head[1] == 0)))
    return fail(make_diag("xml-encoding").fact("encoding", "UTF-16 or UTF-32"), {1, 1});
  if (head.substr(0, 3) == "\xEF\xBB\xBF") {
    char skip[3];
    in.read(skip, 3);
  }
  LocStream stream(in);
  TreeBuilder builder(stream, out, rep, opt);
  rapidjson::Reader reader;
  rapidjson::ParseResult res = reader.Parse(stream, builder);
  if (stream.too_long())
    return fail(make_diag("value-too-long").fact("detail", "a string or number longer than " + size_text(kMaxValueBytes)),
                stream.token());
  switch (res.Code()) {
    case rapidjson::kParseErrorNone: break;
    case rapidjson::kParseErrorTermination: break;  // the builder stopped, and has said why
    case rapidjson::kParseErrorStringInvalidEncoding:
      return fail(make_diag("invalid-utf8").fact("detail", "a string holds bytes that are not valid UTF-8 (is the "
                                                           "file in another encoding, such as Windows-1252? re-save "
                                                           "it as UTF-8)"),
                  stream.at(res.Offset()));
    case rapidjson::kParseErrorStringUnicodeSurrogateInvalid:
      return fail(make_diag("invalid-utf8").fact("detail", "a \\u escape for the first half of a UTF-16 surrogate "
                                                           "pair (\\uD800-\\uDBFF) is not followed by one for the "
                                                           "second half (\\uDC00-\\uDFFF): alone it is not a "
                                                           "character, and UTF-8 cannot hold it"),
                  stream.at(res.Offset()));
    default: return fail(make_diag("json-syntax").fact("detail", our_words(res.Code())), stream.at(res.Offset()));
  }
  // RapidJSON takes a NUL byte for the end of the text; when the builder stopped early, the text was not all read.
  if (res && !stream.at_end())
    return fail(make_diag("json-syntax").fact("detail", "a NUL byte is not allowed in JSON text"), stream.here());
  if (builder.failed()) return ReadResult::DataError;
  if (!builder.finished())
    return fail(make_diag("json-shape").fact("detail", "the top level has no \"iati-activities\" member"), {1, 1});
  builder.finish();
  return ReadResult::Ok;
}

}  // namespace projconv
