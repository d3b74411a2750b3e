// The library entry point: read one input and write it in another format, reporting findings as data.
#pragma once
#include <string>

#include "formats/format.hpp"

namespace projconv {

struct ConvertOptions {
  const FormatInfo* from = nullptr;  // nullptr: sniff the content
  const FormatInfo* to = nullptr;
  std::string file;                  // the input's name in diagnostics
  size_t max_depth = 256;
};

// Streams `in` through the reader of `from` into the writer of `to`. Returns DataError when the input
// cannot be read (the findings say why); throws IoError on environment faults.
ReadResult convert(Source& in, Output& out, Reporter& rep, const ConvertOptions& opt);

// Picks the input format from the content's first bytes; nullptr when it is neither XML nor JSON.
const FormatInfo* sniff_source(Source& in);

}  // namespace projconv
