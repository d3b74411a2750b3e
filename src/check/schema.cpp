// Loads the schema line format into ElementDef trees; the builtin one comes from the embedded text.
#include "check/schema.hpp"

#include <stdexcept>

#include "core/embedded.hpp"

namespace projconv {

namespace {

struct TypeName {
  std::string_view name;
  ValueType type;
};
constexpr TypeName kTypes[] = {
    {"none", ValueType::None},       {"string", ValueType::String},   {"code", ValueType::Code},
    {"date", ValueType::Date},       {"dateTime", ValueType::DateTime}, {"decimal", ValueType::Decimal},
    {"boolean", ValueType::Boolean}, {"int", ValueType::Int},         {"anyURI", ValueType::AnyURI},
    {"nonNegativeInteger", ValueType::NonNegativeInteger},               {"positiveInteger", ValueType::PositiveInteger},
    {"NMTOKEN", ValueType::NmToken},
    {"xml:lang", ValueType::Lang},
};

ValueType parse_type(std::string_view s, size_t line_no) {
  for (const auto& t : kTypes)
    if (t.name == s) return t.type;
  throw std::runtime_error("schema line " + std::to_string(line_no) + ": unknown type '" + std::string(s) + "'");
}

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::string_view to_string(ValueType t) {
  for (const auto& n : kTypes)
    if (n.type == t) return n.name;
  return "?";
}

Schema Schema::parse(std::string_view text) {
  Schema s;
  std::vector<ElementDef*> stack;  // stack[d] = the element at indentation depth d
  size_t line_no = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("schema line " + std::to_string(line_no) + ": " + why);
  };
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos) continue;
    if (indent % 2) fail("odd indentation");
    size_t depth = indent / 2;
    auto words = split_words(line.substr(indent));
    if (words[0] == "schema") {
      if (words.size() != 3) fail("expected 'schema ROOT VERSION'");
      s.version_ = std::string(words[2]);
      continue;
    }
    if (words[0][0] == '@') {
      if (depth == 0 || depth > stack.size()) fail("attribute outside an element");
      if (words.size() != 3) fail("expected '@name type required|optional'");
      stack.resize(depth);
      AttrDef a{std::string(words[0].substr(1)), parse_type(words[1], line_no), words[2] == "required"};
      stack.back()->attrs.push_back(std::move(a));
      continue;
    }
    if (depth > stack.size()) fail("element indented too deep");
    if (words.size() < 3) fail("expected 'name min..max text=type'");
    stack.resize(depth);
    ElementDef& e = s.pool_.emplace_back();
    e.name = std::string(words[0]);
    auto card = words[1];
    size_t dots = card.find("..");
    if (dots == std::string_view::npos) fail("bad cardinality");
    e.min = std::stoi(std::string(card.substr(0, dots)));
    auto mx = card.substr(dots + 2);
    e.max = mx == "n" ? -1 : std::stoi(std::string(mx));
    if (words[2].substr(0, 5) != "text=") fail("expected text=TYPE");
    e.text = parse_type(words[2].substr(5), line_no);
    for (size_t i = 3; i < words.size(); ++i) {
      if (words[i] == "any-elements") e.any_elements = true;
      else if (words[i] == "any-attributes") e.any_attributes = true;
      else fail("unknown flag '" + std::string(words[i]) + "'");
    }
    if (stack.empty()) {
      if (s.root_) fail("second root element");
      s.root_ = &e;
    } else {
      ElementDef* parent = stack.back();
      parent->child_index.emplace(e.name, static_cast<int>(parent->children.size()));
      parent->children.push_back(&e);
    }
    stack.push_back(&e);
  }
  if (!s.root_) throw std::runtime_error("schema has no root element");
  s.activity_ = s.root_->child("iati-activity");
  if (!s.activity_) throw std::runtime_error("schema root has no iati-activity");
  // child_index keys view into pool_ strings, which a deque never moves.
  return s;
}

const Schema& Schema::builtin() {
  static const Schema s = parse(embedded_file("iati-activities-2.03.schema"));
  return s;
}

}  // namespace projconv
