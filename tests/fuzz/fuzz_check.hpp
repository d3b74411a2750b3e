// The property every fuzz input must keep: reading, validating and converting it never crashes, and any
// input that reads cleanly converts to every format and back without losing anything.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace projconv::fuzz {

// Runs one input of `format` ("xml", "json" or "csv") through the whole pipeline. Returns an empty string
// when the property holds, else a description of what broke (for the regression test and the fuzzer).
std::string check_input(const char* format, const uint8_t* data, size_t size);

}  // namespace projconv::fuzz
