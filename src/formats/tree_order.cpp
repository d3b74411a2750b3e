// Schema ordering of children, shared by every writer so all formats agree on element order.
#include "formats/tree_order.hpp"

#include <algorithm>
#include <climits>
#include <vector>

namespace projconv {

void order_by_schema(pugi::xml_node el, const ElementDef* def) {
  if (!def) return;  // unknown content keeps its input order
  struct Kid {
    int key;
    pugi::xml_node node;
  };
  std::vector<Kid> kids;
  int last = -1;
  bool sorted = true;
  for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling()) {
    int key = last;
    if (c.type() == pugi::node_element) {
      int idx = def->index_of(c.name());
      // Extensions and unknown elements go last, where the XSD's xsd:any stands in every sequence; so
      // their place never depends on the route the data took.
      key = idx >= 0 ? idx : INT_MAX;
    }
    if (key < last) sorted = false;
    last = std::max(last, key);
    kids.push_back({key, c});
  }
  if (!sorted) {
    std::stable_sort(kids.begin(), kids.end(), [](const Kid& a, const Kid& b) { return a.key < b.key; });
    for (const Kid& k : kids) el.append_move(k.node);
  }
  for (const Kid& k : kids)
    if (k.node.type() == pugi::node_element) order_by_schema(k.node, def->child(k.node.name()));
}

}  // namespace projconv
