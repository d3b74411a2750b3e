// The compiled IATI activity schema: which elements exist where, in what order, how often, and with which types.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace projconv {

enum class ValueType {
  None, String, Code, Date, DateTime, Decimal, Boolean, Int, NonNegativeInteger, PositiveInteger, NmToken, AnyURI, Lang
};

std::string_view to_string(ValueType t);

struct AttrDef {
  std::string name;
  ValueType type = ValueType::String;
  bool required = false;
};

// One element in its context: `value` under `budget` and `value` under `transaction` are distinct defs.
struct ElementDef {
  std::string name;
  int min = 0;
  int max = 1;  // -1: unbounded
  ValueType text = ValueType::None;
  bool any_elements = false;
  bool any_attributes = false;
  std::vector<AttrDef> attrs;
  std::vector<const ElementDef*> children;  // schema order
  std::unordered_map<std::string_view, int> child_index;

  bool repeats() const { return max != 1; }
  // Text-only elements with no declared attributes are written as bare JSON values.
  bool is_simple() const { return attrs.empty() && children.empty() && text != ValueType::None; }
  int index_of(std::string_view child) const {
    auto it = child_index.find(child);
    return it == child_index.end() ? -1 : it->second;
  }
  const ElementDef* child(std::string_view n) const {
    int i = index_of(n);
    return i < 0 ? nullptr : children[static_cast<size_t>(i)];
  }
  const AttrDef* attr(std::string_view n) const {
    for (const auto& a : attrs)
      if (a.name == n) return &a;
    return nullptr;
  }
};

class Schema {
 public:
  Schema() = default;
  Schema(const Schema&) = delete;  // defs point into pool_ and at each other
  Schema& operator=(const Schema&) = delete;
  Schema(Schema&&) = default;  // a deque move keeps its elements in place
  Schema& operator=(Schema&&) = default;

  // Parses the line format of schemas/*.schema (see schemas/README.md); throws std::runtime_error on bad text.
  static Schema parse(std::string_view text);
  // The schema compiled into the binary, parsed once on first use.
  static const Schema& builtin();

  const ElementDef* root() const { return root_; }
  const ElementDef* activity() const { return activity_; }
  const std::string& version() const { return version_; }

 private:
  std::deque<ElementDef> pool_;
  const ElementDef* root_ = nullptr;
  const ElementDef* activity_ = nullptr;
  std::string version_;
};

}  // namespace projconv
