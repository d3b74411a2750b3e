// Structure checks in plain words: "participating-org is missing (expected before activity-status)", never
// "element not expected". Depth is bounded by the readers' --max-depth check, so the recursion is too.
#include "check/structure.hpp"

#include <cstring>
#include <vector>

#include "check/value_types.hpp"

namespace projconv {

namespace {

bool is_foreign(const char* name) {
  return std::strchr(name, ':') != nullptr && std::strncmp(name, "xmlns", 5) != 0;
}
bool is_namespace_decl(const char* name) {
  return std::strcmp(name, "xmlns") == 0 || std::strncmp(name, "xmlns:", 6) == 0;
}

// Where a diagnostic about a node points, and the helpers that fill it in for records and for the header.
struct Place {
  const Record* rec = nullptr;
  const Header* header = nullptr;
  const std::string* file = nullptr;
  Reporter* rep = nullptr;

  void report(Diagnostic d, pugi::xml_node n, pugi::xml_attribute a = {}) const {
    d.file = *file;
    if (rec) {
      d.activity = rec->identifier();
      d.loc = a ? rec->where.locate(a) : rec->where.locate(n);
      if (!d.loc.known() && a) d.loc = rec->where.locate(n);
      d.path = a ? rec->path_of(n, a) : rec->path_of(n);
    } else {
      d.path = "/" + std::string(n.name()) + (a ? "/@" + std::string(a.name()) : std::string());
      if (header) d.loc = a ? header->where.locate(a) : header->where.locate(n);
    }
    rep->report(std::move(d));
  }
};

std::string text_of(pugi::xml_node el) {
  std::string t;
  for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) t += c.value();
  return t;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

void check_attributes(pugi::xml_node el, const ElementDef& def, const Place& at) {
  for (pugi::xml_attribute a : el.attributes()) {
    const char* name = a.name();
    if (is_namespace_decl(name)) continue;
    const AttrDef* ad = def.attr(name);
    if (!ad) {
      // xml:lang and prefixed attributes are in another namespace: allowed where the schema says so.
      if (is_foreign(name) && def.any_attributes) continue;
      Diagnostic d = make_diag("unexpected-attribute").fact("attribute", name).fact("element", def.name);
      d.fact("value", a.value());
      at.report(std::move(d), el, a);
      continue;
    }
    std::string why = check_value(ad->type, a.value());
    if (!why.empty()) {
      Diagnostic d = make_diag(bad_value_code(ad->type));
      d.fact("node", def.name + "/@" + ad->name).fact("value", a.value()).fact("reason", why);
      at.report(std::move(d), el, a);
    }
  }
  for (const AttrDef& ad : def.attrs)
    if (ad.required && !el.attribute(ad.name.c_str())) {
      Diagnostic d = make_diag("missing-attribute").fact("attribute", ad.name).fact("element", def.name);
      at.report(std::move(d), el);
    }
}

void check_text(pugi::xml_node el, const ElementDef& def, const Place& at) {
  std::string text = text_of(el);
  if (def.text == ValueType::None) {
    if (!blank(text)) {
      Diagnostic d = make_diag("text-not-allowed").fact("element", def.name).fact("value", text);
      at.report(std::move(d), el);
    }
    return;
  }
  std::string why = check_value(def.text, text);
  if (!why.empty()) {
    Diagnostic d = make_diag(bad_value_code(def.text));
    d.fact("node", def.name).fact("value", text).fact("reason", why);
    at.report(std::move(d), el);
  }
}

void check_element(pugi::xml_node el, const ElementDef& def, const Place& at);

// The children against the xsd:sequence: each known child in schema order, within its cardinality, and
// foreign-namespace elements only where allowed and only after the known ones (the XSD puts xsd:any last).
void check_children(pugi::xml_node el, const ElementDef& def, const Place& at) {
  std::vector<int> counts(def.children.size(), 0);
  int last_idx = -1;
  pugi::xml_node last_known, first_foreign;
  for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const char* name = c.name();
    if (is_foreign(name)) {
      if (!def.any_elements) {
        at.report(make_diag("unexpected-element").fact("element", name).fact("parent", def.name), c);
      } else if (!first_foreign) {
        first_foreign = c;
      }
      continue;
    }
    int idx = def.index_of(name);
    if (idx < 0) {
      at.report(make_diag("unexpected-element").fact("element", name).fact("parent", def.name), c);
      continue;
    }
    const ElementDef& cd = *def.children[static_cast<size_t>(idx)];
    int n = ++counts[static_cast<size_t>(idx)];
    if (first_foreign) {
      Diagnostic d = make_diag("element-order").fact("element", name).fact("before", first_foreign.name());
      at.report(std::move(d), c);
    } else if (idx < last_idx) {
      Diagnostic d = make_diag("element-order").fact("element", name).fact("before", last_known.name());
      at.report(std::move(d), c);
    } else {
      last_idx = idx;
      last_known = c;
    }
    if (cd.max != -1 && n == cd.max + 1) {
      Diagnostic d = make_diag("too-many").fact("element", name).fact("parent", def.name);
      d.fact("max", cd.max == 1 ? "once" : std::to_string(cd.max) + " times");
      at.report(std::move(d), c);
    }
    check_element(c, cd, at);
  }
  for (size_t i = 0; i < def.children.size(); ++i) {
    const ElementDef& cd = *def.children[i];
    if (counts[i] >= cd.min) continue;
    // Say where it belongs: before the first present child that the schema puts after it.
    pugi::xml_node next;
    for (pugi::xml_node c = el.first_child(); c && !next; c = c.next_sibling())
      if (c.type() == pugi::node_element && def.index_of(c.name()) > static_cast<int>(i)) next = c;
    Diagnostic d = make_diag(counts[i] == 0 ? "missing-element" : "too-few").fact("element", cd.name);
    d.fact("parent", def.name).fact("min", std::to_string(cd.min));
    d.fact("where", next ? std::string("expected before ") + next.name() : "expected at the end of " + def.name);
    at.report(std::move(d), next ? next : el);
  }
}

void check_element(pugi::xml_node el, const ElementDef& def, const Place& at) {
  check_attributes(el, def, at);
  check_text(el, def, at);
  check_children(el, def, at);
}

}  // namespace

void StructureCheck::check_header(const Header& h, const std::string& file, Reporter& rep) const {
  pugi::xml_node root = h.root();
  if (!root) return;
  Place at{nullptr, &h, &file, &rep};
  const ElementDef& def = *schema_.root();
  check_attributes(root, def, at);
  for (pugi::xml_node c : root.children()) {
    if (c.type() == pugi::node_element && !is_foreign(c.name()))
      at.report(make_diag("unexpected-element").fact("element", c.name()).fact("parent", def.name), c);
    if ((c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) && !blank(c.value()))
      at.report(make_diag("text-not-allowed").fact("element", def.name).fact("value", c.value()), root);
  }
}

void StructureCheck::check_record(const Record& r, const std::string& file, Reporter& rep) const {
  Place at{&r, nullptr, &file, &rep};
  check_element(r.activity(), *schema_.activity(), at);
}

void StructureCheck::check_end(size_t activities, const Header& h, const std::string& file, Reporter& rep) const {
  if (activities > 0 || !h.root()) return;
  Place at{nullptr, &h, &file, &rep};
  Diagnostic d = make_diag("missing-element").fact("element", "iati-activity").fact("parent", "iati-activities");
  d.fact("min", "1").fact("where", "a file needs at least one activity");
  at.report(std::move(d), h.root());
}

}  // namespace projconv
