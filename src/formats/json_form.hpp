// The vocabulary of the projconv JSON form, shared by its reader and writer (see docs/json-format.md).
#pragma once
#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "check/schema.hpp"

namespace projconv {

inline constexpr std::string_view kTextKey = "#text";
inline constexpr std::string_view kCommentKey = "#comment";
inline constexpr std::string_view kAfterKey = "#after";  // root children that followed the first activity

// True for text that is a JSON number as RFC 8259 writes one (so `.5`, `+1`, `007` and `1,000` are not).
bool is_json_number(std::string_view s);

struct ElementShape {
  std::string text;       // all character data, concatenated
  bool has_text = false;  // a leaf with any text, or non-blank text beside child elements
  bool mixed = false;     // non-blank text beside child elements
  bool bare = false;      // written as a bare JSON value rather than an object
};

// How an element is rendered: bare when it has no attributes, children or comments and the schema declares
// it as text only (or does not know it).
ElementShape shape_of(pugi::xml_node el, const ElementDef* def);

}  // namespace projconv
