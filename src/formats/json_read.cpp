// Streaming JSON reader: RapidJSON SAX events build one activity tree at a time, each value located by line:col.
#include <cstring>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "formats/format.hpp"
#include "formats/json_form.hpp"
#include "formats/tree_order.hpp"

namespace projconv {

namespace {

// A RapidJSON input stream over a Source that knows the line and column of the token being read.
class LocStream {
 public:
  using Ch = char;
  explicit LocStream(Source& in) : in_(in), buf_(1 << 16) { refill(); }

  Ch Peek() const { return *cur_; }
  Ch Take() {
    char c = *cur_;
    track(c);
    ++count_;
    if (++cur_ == end_) refill();
    return c;
  }
  size_t Tell() const { return count_; }
  // Output side of the stream concept; never used for reading.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  size_t PutEnd(Ch*) { return 0; }

  Loc token() const { return token_; }
  Loc here() const { return here_; }
  // False when the parser stopped on a NUL byte that is data, not the end of input.
  bool at_end() const { return eof_ && cur_ == &sentinel_; }

 private:
  void refill() {
    size_t got = in_.read(buf_.data(), buf_.size());
    if (got == 0) {
      eof_ = true;
      cur_ = &sentinel_;
      end_ = &sentinel_ + 1;
      return;
    }
    cur_ = buf_.data();
    end_ = cur_ + got;
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
      if (escape_) escape_ = false;
      else if (c == '\\') escape_ = true;
      else if (c == '"') in_string_ = false;
      return;
    }
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (c == '"') {
      in_string_ = true;
      token_ = at;
    } else if (c == '{' || c == '[') {
      token_ = at;
    } else if (!space && c != ',' && c != ':' && c != ']' && c != '}' && after_delim_) {
      token_ = at;
    }
    after_delim_ = space || c == ',' || c == ':' || c == '[' || c == '{';
  }

  Source& in_;
  std::vector<char> buf_;
  char sentinel_ = '\0';
  char* cur_ = nullptr;
  char* end_ = nullptr;
  bool eof_ = false;
  size_t count_ = 0;
  Loc here_{1, 1};
  Loc token_{1, 1};
  bool in_string_ = false, escape_ = false, after_delim_ = true;
};

class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  TreeBuilder(LocStream& s, Sink& out, Reporter& rep, const ReadOptions& opt)
      : s_(s), out_(out), rep_(rep), opt_(opt) {}

  bool failed() const { return failed_; }
  bool finished() const { return root_done_; }

  bool Null() { return scalar_error("null"); }
  bool Bool(bool b) { return scalar_error(b ? "true" : "false"); }
  bool Int(int) { return scalar_error("a number"); }
  bool Uint(unsigned) { return scalar_error("a number"); }
  bool Int64(int64_t) { return scalar_error("a number"); }
  bool Uint64(uint64_t) { return scalar_error("a number"); }
  bool Double(double) { return scalar_error("a number"); }
  bool RawNumber(const char* str, rapidjson::SizeType len, bool) { return scalar(std::string_view(str, len)); }
  bool String(const char* str, rapidjson::SizeType len, bool) { return scalar(std::string_view(str, len)); }

  bool Key(const char* str, rapidjson::SizeType len, bool) {
    key_.assign(str, len);
    return true;
  }

  // RapidJSON calls StartObject/StartArray before taking the bracket, and the scalar callbacks after the token.
  bool StartObject() {
    at_ = s_.here();
    if (stack_.empty()) {
      stack_.push_back({Kind::Top, {}, {}});
      return true;
    }
    Frame& f = stack_.back();
    switch (f.kind) {
      case Kind::Top:
        if (key_ == "iati-activities") {
          if (header_.root()) return shape("the file has two \"iati-activities\" members");
          pugi::xml_node root = header_.doc.append_child("iati-activities");
          trailer_.doc.append_child("iati-activities");
          return push({Kind::Root, root, {}});
        }
        if (key_ == "iati-organisations") return fail(make_diag("not-activity-file"));
        return shape("unexpected member \"" + key_ + "\" at the top level; expected \"iati-activities\"");
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

  bool EndObject(rapidjson::SizeType) {
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.kind == Kind::Element || f.kind == Kind::Root) --depth_;
    if (f.kind == Kind::Element && f.activity) {
      in_activity_ = false;
      ++record_.index;
      // Member order in JSON is not element order: put the tree in schema order before anyone checks it.
      order_by_schema(record_.activity(), opt_.schema ? opt_.schema->activity() : nullptr);
      out_.record(record_);
    } else if (f.kind == Kind::Root) {
      ensure_begun();
      root_done_ = true;
    }
    return true;
  }

  bool StartArray() {
    at_ = s_.here();
    if (stack_.empty()) return shape("the top level must be an object with an \"iati-activities\" member");
    Frame& f = stack_.back();
    if (f.kind == Kind::Array || f.kind == Kind::Comments) return shape("an array inside an array has no XML meaning");
    if (key_ == kCommentKey) {
      pugi::xml_node target = f.kind == Kind::Top ? pugi::xml_node(header_.doc) : container(f);
      stack_.push_back({Kind::Comments, target, {}});
      return true;
    }
    if (f.kind == Kind::Top) return shape("unexpected array \"" + key_ + "\" at the top level");
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

  bool EndArray(rapidjson::SizeType) {
    stack_.pop_back();
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

  // Element levels count as in XML (the root is depth 1); arrays cannot nest, so they add no unbounded depth.
  bool push(Frame f) {
    if (++depth_ > opt_.max_depth) return fail(make_diag("too-deep").fact("limit", std::to_string(opt_.max_depth)));
    stack_.push_back(std::move(f));
    return true;
  }

  // A bare value is an element one level below the current one.
  bool leaf_fits() {
    if (depth_ + 1 > opt_.max_depth) return fail(make_diag("too-deep").fact("limit", std::to_string(opt_.max_depth)));
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

  bool check_member_name(const std::string& name) {
    if (name.empty() || name[0] == '#' || name[0] == '@' || name.find_first_of(" <>&\"'=/") != std::string::npos)
      return shape("\"" + name + "\" is not a valid element name");
    return true;
  }

  bool scalar(std::string_view v) {
    at_ = s_.token();
    if (stack_.empty()) return shape("the top level must be an object with an \"iati-activities\" member");
    Frame& f = stack_.back();
    switch (f.kind) {
      case Kind::Top: return shape("unexpected value for \"" + key_ + "\" at the top level");
      case Kind::Comments: f.node.append_child(pugi::node_comment).set_value(std::string(v).c_str()); return true;
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
                                                                              : "\"" + key_ + "\"";
    return shape(member + " must be a string or a number, not " + what);
  }

  bool shape(std::string detail) { return fail(make_diag("json-shape").fact("detail", std::move(detail))); }

  bool fail(Diagnostic d) {
    d.file = opt_.file;
    d.loc = at_;
    if (in_record()) d.activity = record_.identifier();
    rep_.report(std::move(d));
    failed_ = true;
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
  std::string key_;
  Loc at_;  // where the value of the current event starts
  Header header_, trailer_;
  Record record_;
  bool begun_ = false, root_done_ = false, failed_ = false, in_activity_ = false;
};

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
  if (builder.failed()) return ReadResult::DataError;
  if (!res) {
    // RapidJSON's sentences start upper-case and end with a full stop; ours do neither.
    std::string detail = rapidjson::GetParseError_En(res.Code());
    if (!detail.empty() && detail.back() == '.') detail.pop_back();
    if (!detail.empty()) detail[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(detail[0])));
    return fail(make_diag("json-syntax").fact("detail", detail), stream.here());
  }
  if (!stream.at_end())
    return fail(make_diag("json-syntax").fact("detail", "a NUL byte is not allowed in JSON text"), stream.here());
  if (!builder.finished())
    return fail(make_diag("json-shape").fact("detail", "the top level has no \"iati-activities\" member"), {1, 1});
  builder.finish();
  return ReadResult::Ok;
}

}  // namespace projconv
