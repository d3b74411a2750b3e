// Lexical checks of XSD value types (date, dateTime, decimal, boolean, integers, NMTOKEN, language tags).
#pragma once
#include <string>
#include <string_view>

#include "check/schema.hpp"

namespace projconv {

// Empty when `v` is a valid value of type `t`; otherwise a short reason in plain words
// (e.g. "there is no day 30 in February 2019"). String, code and anyURI values are always valid here.
std::string check_value(ValueType t, std::string_view v);

// The diagnostic code for a bad value of type `t` (bad-date, bad-decimal, ...).
const char* bad_value_code(ValueType t);

}  // namespace projconv
