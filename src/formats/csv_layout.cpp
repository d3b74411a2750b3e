// Shared pieces of the CSV layouts: file-level cells, fragment cells, table splitting.
#include "formats/csv_layout.hpp"

#include <cstring>

#include "core/xml_name.hpp"
#include "formats/xml_hygiene.hpp"

namespace projconv {

namespace {

std::string escape_attr(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '"') out += "&quot;";
    else if (c == '\n') out += "&#10;";  // literal whitespace in an attribute would read back as a space
    else if (c == '\r') out += "&#13;";
    else if (c == '\t') out += "&#9;";
    else out += c;
  }
  return out;
}

constexpr unsigned kFragmentFlags = pugi::parse_default | pugi::parse_fragment | pugi::parse_comments | pugi::parse_pi |
                                    pugi::parse_ws_pcdata_single;

// XML in a cell passes the same checks as an XML file (pugixml alone lets "--" in a comment, bad names and
// more through, which the XML writer could then not write back as they were): empty string, or why not.
std::string parse_fragment(pugi::xml_document& doc, const std::string& xml) {
  if (HygieneProblem p = check_xml_markup(xml, XmlRules{}); p.code)
    return "the XML is not well-formed at byte " + std::to_string(p.offset + 1) + ": " + p.detail;
  pugi::xml_parse_result r = load_xml_piece(doc, xml, kFragmentFlags);
  if (!r) return std::string("the XML is not well-formed: ") + r.description();
  return {};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> meta_cells(const Header& h, bool empty_is_absent) {
  std::vector<std::pair<std::string, std::string>> out;
  pugi::xml_node root = h.root();
  std::string prolog, before;
  for (pugi::xml_node n = h.doc.first_child(); n && n != root; n = n.next_sibling()) prolog += serialize_xml(n);
  if (root) {
    bool has_empty = false;
    for (pugi::xml_attribute a : root.attributes()) has_empty = has_empty || !*a.value();
    if (has_empty && empty_is_absent) {
      // An empty cell would read back as no attribute: the attributes travel as one element, in order.
      std::string attrs = "<iati-activities";
      for (pugi::xml_attribute a : root.attributes()) attrs += std::string(" ") + a.name() + "=\"" + escape_attr(a.value()) + "\"";
      out.emplace_back("#attributes", attrs + "/>");
    } else {
      for (pugi::xml_attribute a : root.attributes()) out.emplace_back(std::string("@") + a.name(), a.value());
    }
    for (pugi::xml_node n : root.children()) before += serialize_xml(n);
  }
  if (!prolog.empty()) out.emplace_back("#prolog", prolog);
  if (!before.empty()) out.emplace_back("#before", before);
  return out;
}

std::vector<std::pair<std::string, std::string>> trailer_cells(const Header& t) {
  std::string after;
  if (t.root())
    for (pugi::xml_node n : t.root().children()) after += serialize_xml(n);
  if (after.empty()) return {};
  return {{"#after", after}};
}

std::string apply_meta(Header& h, const std::string& key, const std::string& value) {
  pugi::xml_node root = h.root();
  if (!root) root = h.doc.append_child("iati-activities");
  if (key.size() > 1 && key[0] == '@') {
    if (!is_xml_name(key.substr(1))) return "\"" + key.substr(1) + "\" is not an XML attribute name";
    if (root.attribute(key.c_str() + 1)) return "the root attribute " + key + " is given twice";
    root.append_attribute(key.c_str() + 1).set_value(value.c_str());
    return {};
  }
  if (key == "#attributes") {
    pugi::xml_document tmp;
    if (!parse_fragment(tmp, value).empty() || std::strcmp(tmp.document_element().name(), "iati-activities") != 0)
      return "#attributes must hold one <iati-activities/> element with the root's attributes";
    for (pugi::xml_attribute a : tmp.document_element().attributes()) {
      if (root.attribute(a.name())) return std::string("the root attribute @") + a.name() + " is given twice";
      root.append_attribute(a.name()).set_value(a.value());
    }
    return {};
  }
  if (key == "#prolog" || key == "#before" || key == "#after") {
    pugi::xml_document tmp;
    if (std::string why = parse_fragment(tmp, value); !why.empty()) return why;
    // What stands before the root can only be comments and processing instructions; activities come from rows.
    for (pugi::xml_node n : tmp.children()) {
      if (key == "#prolog" && n.type() != pugi::node_comment && n.type() != pugi::node_pi)
        return "#prolog may hold only comments and processing instructions";
      // Only the root's own children are activities; one nested in a foreign element is that element's data.
      if (key != "#prolog" && std::strcmp(n.name(), "iati-activity") == 0)
        return key + " may not hold an iati-activity: each activity is a row";
    }
    for (pugi::xml_node n : tmp.children()) {
      if (key == "#prolog") h.doc.insert_copy_before(n, root);
      else root.append_copy(n);
    }
    return {};
  }
  if (key == "root" || key == "projconv-csv") return {};
  return "unknown file-level key \"" + key + "\"";
}

std::string wrap_fragment(const std::string& at, const std::string& xml) {
  return "<fragment at=\"" + escape_attr(at) + "\">" + xml + "</fragment>";
}

std::string unwrap_fragments(const std::string& cell, std::vector<Fragment>& out) {
  pugi::xml_document doc;
  if (std::string why = parse_fragment(doc, cell); !why.empty()) return why;
  for (pugi::xml_node f : doc.children("fragment")) {
    CellPath p;
    std::string why = parse_path(f.attribute("at").value(), p);
    if (!why.empty() && *f.attribute("at").value()) return "bad fragment path: " + why;
    Fragment fr;
    fr.at = p.steps;
    for (pugi::xml_node n : f.children()) fr.xml += serialize_xml(n);
    out.push_back(std::move(fr));
  }
  return {};
}

TableCell split_for_table(const CellPath& p, const ElementDef* activity) {
  TableCell t;
  t.def = activity;
  size_t cut = 0;  // steps[0, cut) name the table
  const ElementDef* def = activity;
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const ElementDef* cd = def ? def->child(p.steps[i].name) : nullptr;
    // A table's key holds ordinals for repeatable steps only: below a second copy of an element that
    // should occur once (conditions[2]), the cell stays in the table above, its path spelled in full.
    if (cd && !cd->repeats() && p.steps[i].ordinal > 1) break;
    if (cd && cd->repeats() && !p.steps[i].narrative) {
      cut = i + 1;
      t.def = cd;
    }
    def = cd;
  }
  def = activity;
  for (size_t i = 0; i < cut; ++i) {
    const Step& s = p.steps[i];
    const ElementDef* cd = def ? def->child(s.name) : nullptr;
    t.table += (t.table.empty() ? "" : ".") + s.name;
    if (cd && cd->repeats()) {
      t.key.push_back(s.ordinal);
      t.key_names.push_back(s.name);
    }
    def = cd;
  }
  if (t.table.empty()) t.table = "activity";
  t.column.steps.assign(p.steps.begin() + static_cast<std::ptrdiff_t>(cut), p.steps.end());
  t.column.attr = p.attr;
  return t;
}

std::string table_steps(const std::string& table, const std::vector<uint32_t>& key, const ElementDef* activity,
                        std::vector<Step>& out) {
  out.clear();
  if (table == "activity") return {};
  const ElementDef* def = activity;
  size_t k = 0, i = 0;
  while (i <= table.size()) {
    size_t j = table.find('.', i);
    if (j == std::string::npos) j = table.size();
    std::string name = table.substr(i, j - i);
    const ElementDef* cd = def ? def->child(name) : nullptr;
    if (!cd) return "\"" + table + "\" is not a table of the IATI activity schema";
    Step s{name, 1, false, {}};
    if (cd->repeats()) {
      if (k >= key.size()) return "the key has too few ordinals";
      s.ordinal = key[k++];
    }
    out.push_back(std::move(s));
    def = cd;
    i = j + 1;
  }
  return {};
}

}  // namespace projconv
