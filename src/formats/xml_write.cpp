// IATI XML writer: the header once, each activity in schema order, indented, namespace declarations kept.
#include <string>

#include "formats/format.hpp"
#include "formats/tree_order.hpp"

namespace projconv {

namespace {

// pugixml writes a carriage return in text as it is, and a parser then reads it as a line feed. The writer
// itself only ever emits "\n", and comments and CDATA cannot hold a CR here (parsing normalised it, and JSON
// comments with one are refused), so every CR in the stream is data: it goes out as a character reference.
class OutputAdapter : public pugi::xml_writer {
 public:
  explicit OutputAdapter(Output& out) : out_(out) {}
  void write(const void* data, size_t size) override {
    std::string_view s(static_cast<const char*>(data), size);
    for (size_t cr; (cr = s.find('\r')) != std::string_view::npos; s.remove_prefix(cr + 1)) {
      out_.write(s.substr(0, cr));
      out_.write("&#13;");
    }
    out_.write(s);
  }

 private:
  Output& out_;
};

// Attribute values keep tabs and newlines as character references, so they survive re-parsing unchanged.
void append_attr_escaped(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
}

constexpr unsigned kFormat = pugi::format_indent;

class XmlWriter : public Sink {
 public:
  XmlWriter(Output& out, const WriteOptions& opt) : out_(out), adapter_(out), opt_(opt) {}

  void begin(const Header& h) override {
    out_.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    pugi::xml_node root = h.root();
    for (pugi::xml_node n = h.doc.first_child(); n && n != root; n = n.next_sibling()) n.print(adapter_, "  ", kFormat);
    root_name_ = root ? root.name() : "iati-activities";
    std::string tag = "<" + root_name_;
    for (pugi::xml_attribute a : root.attributes()) {
      tag += ' ';
      tag += a.name();
      tag += "=\"";
      append_attr_escaped(tag, a.value());
      tag += '"';
    }
    tag += ">\n";
    out_.write(tag);
    write_children(root);
  }

  void record(Record& r) override {
    order_by_schema(r.activity(), opt_.schema->activity());
    r.activity().print(adapter_, "  ", kFormat, pugi::encoding_utf8, 1);
  }

  void end(const Header& trailer) override {
    write_children(trailer.root());
    out_.write("</" + root_name_ + ">\n");
  }

 private:
  void write_children(pugi::xml_node parent) {
    if (!parent) return;
    order_by_schema(parent, opt_.schema->root());
    // Text in the root (not IATI, but kept) would change if indentation were added around it, so then the
    // root's other content here is written without any either, as pugixml does for mixed content.
    bool mixed = false;
    for (pugi::xml_node n : parent.children())
      mixed = mixed || ((n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) &&
                        std::string_view(n.value()).find_first_not_of(" \t\r\n") != std::string_view::npos);
    for (pugi::xml_node n : parent.children())
      n.print(adapter_, mixed ? "" : "  ", mixed ? unsigned{pugi::format_raw} : kFormat, pugi::encoding_utf8, mixed ? 0 : 1);
  }

  Output& out_;
  OutputAdapter adapter_;
  const WriteOptions& opt_;
  std::string root_name_;
};

}  // namespace

std::unique_ptr<Sink> make_xml_writer(Output& out, const WriteOptions& opt) {
  return std::make_unique<XmlWriter>(out, opt);
}

}  // namespace projconv
