// JSON writer: the projconv JSON form (docs/json-format.md), shaped by the schema, decimals written as read.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <rapidjson/prettywriter.h>

#include "formats/format.hpp"
#include "formats/json_form.hpp"
#include "formats/tree_order.hpp"

namespace projconv {

namespace {

// RapidJSON output stream over an Output, buffered.
class JsonStream {
 public:
  using Ch = char;
  explicit JsonStream(Output& out) : out_(out) {}
  void Put(char c) {
    if (n_ == kChunk) Flush();
    buf_[n_++] = c;
  }
  void Flush() {
    out_.write(std::string_view(buf_, n_));
    n_ = 0;
  }

 private:
  static constexpr size_t kChunk = 1 << 16;
  Output& out_;
  char buf_[kChunk];
  size_t n_ = 0;
};

using Writer = rapidjson::PrettyWriter<JsonStream>;

class JsonWriter : public Sink {
 public:
  JsonWriter(Output& out, WriteOptions opt) : stream_(out), w_(stream_), opt_(std::move(opt)) { w_.SetIndent(' ', 2); }

  void begin(const Header& h) override {
    w_.StartObject();
    pugi::xml_node root = h.root();
    // Comments before the root element are the only top-level members besides the root.
    std::vector<std::string> prolog;
    for (pugi::xml_node n = h.doc.first_child(); n && n != root; n = n.next_sibling())
      if (n.type() == pugi::node_comment) prolog.emplace_back(n.value());
    if (!prolog.empty()) {
      key(kCommentKey);
      w_.StartArray();
      for (const auto& c : prolog) string(c);
      w_.EndArray();
    }
    key(root ? root.name() : "iati-activities");
    w_.StartObject();
    if (root) {
      order_by_schema(root, opt_.schema->root());
      attributes(root, opt_.schema->root());
      root_text(root);
      members(root, opt_.schema->root());
    }
    key("iati-activity");
    w_.StartArray();
  }

  void record(Record& r) override {
    order_by_schema(r.activity(), opt_.schema->activity());
    record_ = &r;
    value(r.activity(), opt_.schema->activity(), true);
    record_ = nullptr;
  }

  void end(const Header& trailer) override {
    w_.EndArray();
    pugi::xml_node t = trailer.root();
    if (t && t.first_child()) {
      key(kAfterKey);
      w_.StartObject();
      root_text(t);
      members(t, opt_.schema->root());
      w_.EndObject();
    }
    w_.EndObject();
    w_.EndObject();
    stream_.Put('\n');
    stream_.Flush();
  }

 private:
  // Text directly in the root is not IATI (the structure layer says so), but it is data: kept as "#text".
  // Between the root's indented children its surrounding whitespace cannot survive a trip through XML, so
  // it is trimmed, and the warning says so.
  void root_text(pugi::xml_node root) {
    std::string text;
    for (pugi::xml_node c : root.children())
      if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
    size_t b = text.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return;
    text = text.substr(b, text.find_last_not_of(" \t\r\n") - b + 1);
    key(kTextKey);
    string(text);
    if (opt_.reporter) {
      Diagnostic d = make_diag("root-text").fact("element", root.name());
      d.file = opt_.file;
      opt_.reporter->report(std::move(d));
    }
  }

  void key(std::string_view k) { w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void string(std::string_view s) { w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

  // A decimal-typed value that is a valid JSON number is written as that number, digit for digit.
  void typed(std::string_view text, ValueType type) {
    if (type == ValueType::Decimal && is_json_number(text))
      w_.RawValue(text.data(), text.size(), rapidjson::kNumberType);
    else
      string(text);
  }

  // Attributes in schema order, then any others by name: the order never depends on the input, so every
  // format that reaches JSON (XML, JSON, CSV) writes the same bytes.
  void attributes(pugi::xml_node el, const ElementDef* def) {
    attrs_.clear();
    for (pugi::xml_attribute a : el.attributes()) {
      int idx = -1;
      if (def)
        for (size_t i = 0; i < def->attrs.size(); ++i)
          if (def->attrs[i].name == a.name()) idx = static_cast<int>(i);
      attrs_.push_back({idx < 0 ? INT32_MAX : idx, a});
    }
    std::sort(attrs_.begin(), attrs_.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first < y.first : std::strcmp(x.second.name(), y.second.name()) < 0;
    });
    std::vector<std::pair<int, pugi::xml_attribute>> sorted;
    sorted.swap(attrs_);
    for (const auto& [i, a] : sorted) attribute(a, def);
  }

  void attribute(pugi::xml_attribute a, const ElementDef* def) {
    std::string k = "@";
    k += a.name();
    key(k);
    const AttrDef* ad = def ? def->attr(a.name()) : nullptr;
    typed(a.value(), ad ? ad->type : ValueType::String);
  }

  // An element as a JSON value: a bare value for simple text elements, otherwise an object.
  void value(pugi::xml_node el, const ElementDef* def, bool is_activity = false) {
    ElementShape shape = shape_of(el, def);
    if (shape.bare && !is_activity) {
      typed(shape.text, def ? def->text : ValueType::String);
      return;
    }
    w_.StartObject();
    attributes(el, def);
    if (shape.has_text) {
      key(kTextKey);
      typed(shape.text, def ? def->text : ValueType::String);
      if (shape.mixed) warn_mixed(el);
    }
    members(el, def);
    w_.EndObject();
  }

  // Comments, then child elements grouped by name in order of first appearance (schema order after sorting).
  void members(pugi::xml_node el, const ElementDef* def) {
    bool any_comment = false;
    for (pugi::xml_node c : el.children()) {
      if (c.type() == pugi::node_comment) any_comment = true;
      if (c.type() == pugi::node_pi) warn_pi(c);
    }
    if (any_comment) {
      key(kCommentKey);
      w_.StartArray();
      for (pugi::xml_node c : el.children())
        if (c.type() == pugi::node_comment) string(c.value());
      w_.EndArray();
    }
    // After schema ordering, same-name known elements are contiguous; only unknown names can be scattered.
    size_t first = kids_.size();
    for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling())
      if (c.type() == pugi::node_element) kids_.push_back(c);
    size_t last = kids_.size();
    for (size_t i = first; i < last; ++i) {
      if (!kids_[i]) continue;  // already written with an earlier same-name run
      const char* n = kids_[i].name();
      const ElementDef* cd = def ? def->child(n) : nullptr;
      size_t run = i + 1;
      while (run < last && kids_[run] && std::strcmp(kids_[run].name(), n) == 0) ++run;
      size_t count = run - i;
      std::vector<pugi::xml_node> scattered;
      if (!cd)
        for (size_t j = run; j < last; ++j)
          if (kids_[j] && std::strcmp(kids_[j].name(), n) == 0) {
            scattered.push_back(kids_[j]);
            kids_[j] = pugi::xml_node();
          }
      count += scattered.size();
      // Repeatable (or unknown) elements are always arrays; a non-repeatable one that occurs twice in bad
      // data becomes an array too, rather than losing an occurrence.
      bool array = !cd || cd->repeats() || count > 1;
      key(n);
      if (array) w_.StartArray();
      for (size_t j = i; j < run; ++j) value(kids_[j], cd);
      for (pugi::xml_node c : scattered) value(c, cd);
      if (array) w_.EndArray();
      i = run - 1;
    }
    kids_.resize(first);
  }

  void warn_mixed(pugi::xml_node el) {
    if (!opt_.reporter) return;
    Diagnostic d = make_diag("mixed-content").fact("element", el.name());
    locate(d, el);
    opt_.reporter->report(std::move(d));
  }

  void warn_pi(pugi::xml_node pi) {
    if (!opt_.reporter) return;
    Diagnostic d = make_diag("pi-dropped").fact("target", pi.name());
    locate(d, pi);
    opt_.reporter->report(std::move(d));
  }

  void locate(Diagnostic& d, pugi::xml_node n) {
    d.file = opt_.file;
    if (!record_) return;
    d.loc = record_->where.locate(n);
    d.activity = record_->identifier();
    d.path = record_->path_of(n.type() == pugi::node_element ? n : n.parent());
  }

  JsonStream stream_;
  Writer w_;
  WriteOptions opt_;
  const Record* record_ = nullptr;
  std::vector<pugi::xml_node> kids_;
  std::vector<std::pair<int, pugi::xml_attribute>> attrs_;  // a stack of child lists, one slice per open element
};

}  // namespace

std::unique_ptr<Sink> make_json_writer(Output& out, const WriteOptions& opt) {
  return std::make_unique<JsonWriter>(out, opt);
}

}  // namespace projconv
