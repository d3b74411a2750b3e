// Puts an element's children into schema order, keeping same-name siblings (and unknown nodes) where they were.
#pragma once
#include <pugixml.hpp>

#include "check/schema.hpp"

namespace projconv {

// Reorders the subtree of `el` (described by `def`, or nullptr when it is not in the schema) in place. Known
// elements sort by their schema position; extensions and unknown elements go after them (where xsd:any
// stands); comments stay just after the element they followed. Same-name siblings never change order.
// Depth is bounded by the readers' --max-depth check, so the recursion is too.
void order_by_schema(pugi::xml_node el, const ElementDef* def);

}  // namespace projconv
