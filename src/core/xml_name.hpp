// Whether a string is an XML Name, so that names coming from JSON members or CSV headings always serialise.
#pragma once
#include <cstdint>
#include <string_view>

namespace projconv {

// NameStartChar [4] and NameChar [4a] of XML 1.0 fifth edition (the same as XML 1.1), by code point.
bool xml_name_start(uint32_t c);
bool xml_name_char(uint32_t c);

// XML 1.0 (fifth edition) production [5] Name, on UTF-8 text; a colon is allowed (prefixed names).
bool is_xml_name(std::string_view s);

}  // namespace projconv
