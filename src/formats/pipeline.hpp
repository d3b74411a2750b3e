// The library entry point: read one input and write it in another format, reporting findings as data.
#pragma once
#include <string>

#include "formats/format.hpp"

namespace projconv {

struct ValidateOptions;

struct ConvertOptions {
  const FormatInfo* from = nullptr;  // nullptr: sniff the content
  const FormatInfo* to = nullptr;
  std::string file;                  // the input's name in diagnostics
  std::string path;                  // the input's path (folders: the CSV package)
  size_t max_depth = 256;
  uint64_t max_input_size = 0;  // applies to files the reader opens itself (a CSV package); 0: no limit
  const ValidateOptions* validate = nullptr;  // validate as it converts; nullptr: convert only
  bool csv_bom = false;
  bool csv_safe = false;
};

struct ConvertResult {
  ReadResult read = ReadResult::Ok;  // DataError: the input cannot be read; the output must not be kept
  size_t errors = 0, warnings = 0;   // validation findings
  size_t activities = 0, invalid = 0;  // activities checked, and those with errors
};

// Streams `in` through the reader of `from` (and the validator) into the writer of `to`. Throws IoError on
// environment faults.
ConvertResult convert(Source& in, Output& out, Reporter& rep, const ConvertOptions& opt);

struct ValidateResult {
  ReadResult read = ReadResult::Ok;  // DataError: some of the input could not be read (findings say where)
  size_t errors = 0, warnings = 0;
  size_t activities = 0, invalid = 0;  // activities checked, and those with errors
};

// Validates one input of format `fmt` (a folder for the CSV package: `path`). Readers go on past a malformed
// activity, and organisation files are accepted (for the rules layer). Throws IoError on environment faults.
ValidateResult validate(Source& in, const FormatInfo& fmt, const ValidateOptions& vopt, Reporter& rep,
                        const std::string& file, const std::string& path = {}, size_t max_depth = 256,
                        uint64_t max_input_size = 0);

// Picks the input format from the content's first bytes; nullptr when it is neither XML nor JSON.
const FormatInfo* sniff_source(Source& in);

}  // namespace projconv
