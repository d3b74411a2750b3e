// Loads the codelist and binding files, compiles the bindings, and checks each record's coded values.
#include "check/codelists.hpp"

#include <cctype>

#include <optional>
#include <stdexcept>

#include "core/embedded.hpp"

namespace projconv {

namespace {

// The walk keeps, per element, one trie state per distance to a matching anchor; a plan has at most this
// many element steps, so a fixed array on the stack always holds them.
constexpr size_t kMaxSteps = 16;

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

// Calls `fn(line, line_no)` for each line that is neither blank nor a `#` comment.
template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    fn(line, line_no);
  }
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == ':';
}

bool is_plain_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '.') return false;
  for (char c : s)
    if (!is_name_char(c)) return false;
  return true;
}

// A path the walk can match: `//a/b/@c`, `//a/b/text()` or `//@c`. Anything with predicates, wildcards,
// axes or an inner `//` returns nullopt and stays an XPath query.
struct Plan {
  std::vector<std::string> steps;  // element names, the first one anywhere in the tree, the others children
  std::string attr;                // empty for text()
};

std::optional<Plan> plan_of(std::string_view path) {
  if (path.substr(0, 2) != "//") return std::nullopt;
  std::vector<std::string_view> parts;
  std::string_view rest = path.substr(2);
  size_t start = 0;
  while (true) {
    size_t slash = rest.find('/', start);
    parts.push_back(rest.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  Plan p;
  std::string_view last = parts.back();
  parts.pop_back();
  if (last == "text()") {
    if (parts.empty()) return std::nullopt;
  } else if (last.size() > 1 && last[0] == '@' && is_plain_name(last.substr(1))) {
    p.attr = std::string(last.substr(1));
  } else {
    return std::nullopt;
  }
  if (parts.size() > kMaxSteps) return std::nullopt;
  for (std::string_view s : parts) {
    if (!is_plain_name(s)) return std::nullopt;
    p.steps.emplace_back(s);
  }
  return p;
}

pugi::xpath_query compile(const std::string& expr, size_t line_no, const char* what) {
  try {
    pugi::xpath_query q(expr.c_str());
    if (!q) throw std::runtime_error(q.result().description());
    return q;
  } catch (const pugi::xpath_exception& e) {
    throw std::runtime_error("codelist bindings line " + std::to_string(line_no) + ": the " + what + " '" + expr +
                             "' is not an XPath pugixml can run: " + e.result().description());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("codelist bindings line " + std::to_string(line_no) + ": the " + what + " '" + expr +
                             "' is not an XPath pugixml can run: " + e.what());
  }
}

bool is_text(pugi::xml_node n) { return n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata; }

bool inside(pugi::xml_node n, pugi::xml_node activity) {
  for (; n; n = n.parent())
    if (n == activity) return true;
  return false;
}

}  // namespace

const Code* Codelist::find(std::string_view code) const {
  auto it = index_.find(code);
  return it == index_.end() ? nullptr : &codes[it->second];
}

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

const Code* Codelist::find_ignoring_case(std::string_view code) const {
  auto it = folded_.find(lower(code));
  return it == folded_.end() ? nullptr : &codes[it->second];
}

void Codelist::index() {
  index_.clear();
  index_.reserve(codes.size());
  folded_.clear();
  folded_.reserve(codes.size());
  for (uint32_t i = 0; i < codes.size(); ++i) {
    index_.emplace(codes[i].code, i);  // emplace keeps the first
    folded_.emplace(lower(codes[i].code), i);
  }
}

// The walked bindings as a trie of element names. Anchors are the first steps (matched at any depth, as
// `//` does); each node holds the attribute and text bindings of the path that leads to it.
struct Codelists::Walker {
  struct AttrGroup {
    std::string name;
    std::vector<const Binding*> bindings;
  };
  struct Node {
    std::unordered_map<std::string, uint32_t, TransparentHash, std::equal_to<>> children;
    std::vector<AttrGroup> attrs;
    std::vector<const Binding*> texts;
  };
  std::vector<Node> nodes;
  std::unordered_map<std::string, uint32_t, TransparentHash, std::equal_to<>> anchors;
  std::vector<AttrGroup> any_attrs;  // `//@name`: the attribute on every element

  bool empty() const { return anchors.empty() && any_attrs.empty(); }

  static void add_attr(std::vector<AttrGroup>& groups, const std::string& name, const Binding* b) {
    for (auto& g : groups)
      if (g.name == name) {
        g.bindings.push_back(b);
        return;
      }
    groups.push_back({name, {b}});
  }

  void add(const Plan& p, const Binding* b) {
    if (p.steps.empty()) {
      add_attr(any_attrs, p.attr, b);
      return;
    }
    uint32_t at = 0;
    for (size_t i = 0; i < p.steps.size(); ++i) {
      auto& table = i == 0 ? anchors : nodes[at].children;
      auto it = table.find(p.steps[i]);
      if (it == table.end()) {
        uint32_t fresh = static_cast<uint32_t>(nodes.size());
        table.emplace(p.steps[i], fresh);  // before the push_back below, which may move `table`
        nodes.emplace_back();
        at = fresh;
      } else {
        at = it->second;
      }
    }
    if (p.attr.empty()) nodes[at].texts.push_back(b);
    else add_attr(nodes[at].attrs, p.attr, b);
  }
};

Codelists::Codelists() = default;
Codelists::Codelists(Codelists&&) noexcept = default;
Codelists& Codelists::operator=(Codelists&&) noexcept = default;
Codelists::~Codelists() = default;

Codelists Codelists::parse(std::string_view lists_text, std::string_view bindings_text, CodelistOptions opt) {
  Codelists c;
  c.opt_ = opt;

  for_each_line(lists_text, [&](std::string_view line, size_t line_no) {
    auto fail = [&](const std::string& why) {
      throw std::runtime_error("codelists line " + std::to_string(line_no) + ": " + why);
    };
    auto f = split_tabs(line);
    if (f[0] == "list") {
      if (f.size() != 3 || (f[2] != "complete=1" && f[2] != "complete=0"))
        fail("expected 'list<TAB>Name<TAB>complete=1|0'");
      if (f[1].empty()) fail("a list without a name");
      if (c.by_name_.count(f[1])) fail("codelist " + std::string(f[1]) + " is listed twice");
      c.by_name_.emplace(std::string(f[1]), c.lists_.size());
      Codelist& l = c.lists_.emplace_back();
      l.name = std::string(f[1]);
      l.complete = f[2] == "complete=1";
      return;
    }
    if (!f[0].empty() || f.size() != 4) fail("expected 'list ...' or '<TAB>code<TAB>active|withdrawn<TAB>name'");
    if (c.lists_.empty()) fail("a code before the first list");
    if (f[1].empty()) fail("an empty code");
    if (f[2] != "active" && f[2] != "withdrawn") fail("status '" + std::string(f[2]) + "' is not active or withdrawn");
    c.lists_.back().codes.push_back({std::string(f[1]), f[2] == "withdrawn", std::string(f[3])});
  });
  for (Codelist& l : c.lists_) l.index();

  // lists_ is complete: from here on, pointers into it stay valid (a vector move keeps its elements).
  for_each_line(bindings_text, [&](std::string_view line, size_t line_no) {
    auto f = split_tabs(line);
    if (f.size() != 3 || f[0].empty() || f[1].empty())
      throw std::runtime_error("codelist bindings line " + std::to_string(line_no) +
                               ": expected 'path<TAB>Codelist<TAB>condition'");
    Binding& b = c.bindings_.emplace_back();
    b.path = std::string(f[0]);
    b.list_name = std::string(f[1]);
    b.condition = std::string(f[2]);
    if (auto it = c.by_name_.find(b.list_name); it != c.by_name_.end()) b.list = &c.lists_[it->second];
    b.query = compile(b.path, line_no, "path");
    if (b.query.return_type() != pugi::xpath_type_node_set)
      throw std::runtime_error("codelist bindings line " + std::to_string(line_no) + ": the path '" + b.path +
                               "' does not select nodes");
    if (!b.condition.empty()) b.when = compile(b.condition, line_no, "condition");
  });

  c.walker_ = std::make_unique<Walker>();
  if (!opt.xpath_only) {
    for (Binding& b : c.bindings_) {
      if (auto plan = plan_of(b.path)) {
        b.walked = true;
        c.walker_->add(*plan, &b);
      }
    }
  }
  return c;
}

const Codelists& Codelists::builtin() {
  static const Codelists c = parse(embedded_file("codelists.txt"), embedded_file("codelist-bindings.txt"));
  return c;
}

const Codelist* Codelists::find(std::string_view list) const {
  auto it = by_name_.find(list);
  return it == by_name_.end() ? nullptr : &lists_[it->second];
}

size_t Codelists::conditional_count() const {
  size_t n = 0;
  for (const Binding& b : bindings_) n += b.condition.empty() ? 0 : 1;
  return n;
}

std::vector<std::string> Codelists::unbound() const {
  std::vector<std::string> out;
  for (const Binding& b : bindings_)
    if (!b.list) out.push_back(b.path + " -> " + b.list_name);
  return out;
}

void Codelists::check_value(const Binding& b, const Record& r, pugi::xml_node owner, pugi::xml_attribute attr,
                            const char* value, const std::string& file, Reporter& rep) const {
  const Codelist* list = b.list;
  if (!list) return;
  const Code* code = list->find(value);
  if (code && !code->withdrawn) return;
  if (!code && !list->complete && !opt_.check_open_lists) return;
  // Last, because it is the one step that runs an XPath; most values never get here.
  if (b.when && !b.when.evaluate_boolean(pugi::xpath_node(owner))) return;

  // A code in the wrong letter case (xml:lang="EN", format="TEXT/HTML") is a slip, not an unknown code.
  const Code* folded = code ? nullptr : list->find_ignoring_case(value);
  Diagnostic d = make_diag(code ? "codelist-withdrawn" : folded ? "codelist-case" : "codelist-unknown");
  if (folded) d.fact("code", folded->code);
  d.file = file;
  d.activity = r.identifier();
  std::string node = owner.name();
  if (attr) {
    d.loc = r.where.locate(attr);
    d.path = r.path_of(owner, attr);
    node += "/@";
    node += attr.name();
  } else {
    d.loc = r.where.locate(owner);
    d.path = r.path_of(owner);
  }
  d.fact("node", std::move(node)).fact("value", value).fact("list", list->name);
  if (code) d.fact("name", code->name);
  rep.report(std::move(d));
}

void Codelists::walk(const Record& r, pugi::xml_node e, const uint32_t* parent_states, size_t n_parent,
                     const std::string& file, Reporter& rep) const {
  const Walker& w = *walker_;
  uint32_t states[kMaxSteps];
  size_t n = 0;
  const char* name = e.name();
  for (size_t i = 0; i < n_parent && n < kMaxSteps; ++i) {
    const auto& children = w.nodes[parent_states[i]].children;
    if (children.empty()) continue;
    if (auto it = children.find(std::string_view(name)); it != children.end()) states[n++] = it->second;
  }
  if (auto it = w.anchors.find(std::string_view(name)); it != w.anchors.end() && n < kMaxSteps)
    states[n++] = it->second;

  if (n > 0 || !w.any_attrs.empty()) {
    for (pugi::xml_attribute a : e.attributes()) {
      const char* an = a.name();
      for (const auto& g : w.any_attrs)
        if (g.name == an)
          for (const Binding* b : g.bindings) check_value(*b, r, e, a, a.value(), file, rep);
      for (size_t i = 0; i < n; ++i)
        for (const auto& g : w.nodes[states[i]].attrs)
          if (g.name == an)
            for (const Binding* b : g.bindings) check_value(*b, r, e, a, a.value(), file, rep);
    }
    for (size_t i = 0; i < n; ++i) {
      const auto& texts = w.nodes[states[i]].texts;
      if (texts.empty()) continue;
      // Like XPath text(): each text or CDATA child on its own; an empty element has none, so nothing to check.
      for (pugi::xml_node t : e.children())
        if (is_text(t))
          for (const Binding* b : texts) check_value(*b, r, e, {}, t.value(), file, rep);
    }
  }
  for (pugi::xml_node c : e.children())
    if (c.type() == pugi::node_element) walk(r, c, states, n, file, rep);
}

void Codelists::check(const Record& r, const std::string& file, Reporter& rep) const {
  pugi::xml_node root = r.root(), act = r.activity();
  if (!root || !act) return;

  if (walker_ && !walker_->empty()) {
    // The root only seeds the states of paths that start at it; its own attributes are not reported.
    uint32_t root_state[1];
    size_t n = 0;
    if (auto it = walker_->anchors.find(std::string_view(root.name())); it != walker_->anchors.end())
      root_state[n++] = it->second;
    walk(r, act, root_state, n, file, rep);
  }

  for (const Binding& b : bindings_) {
    if (b.walked || !b.list) continue;
    pugi::xpath_node_set found = b.query.evaluate_node_set(r.doc);
    for (const pugi::xpath_node& n : found) {
      pugi::xml_attribute a = n.attribute();
      pugi::xml_node owner;
      const char* value;
      if (a) {
        owner = n.parent();
        value = a.value();
      } else if (is_text(n.node())) {
        owner = n.node().parent();
        value = n.node().value();
      } else if (n.node().type() == pugi::node_element) {
        owner = n.node();
        value = owner.child_value();
      } else {
        continue;
      }
      if (owner != root && inside(owner, act)) check_value(b, r, owner, a, value, file, rep);
    }
  }
}

}  // namespace projconv
