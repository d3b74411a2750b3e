// The format table: one row per data format, with its extensions, its content sniffer, its reader and writer.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "check/schema.hpp"
#include "core/diag.hpp"
#include "core/io.hpp"
#include "core/record.hpp"

namespace projconv {

struct ReadOptions {
  std::string file;             // name used in diagnostics
  const Schema* schema = nullptr;
  size_t max_depth = 256;       // deeper nesting is refused before any tree walk can recurse on it
  uint64_t max_input_size = 0;  // for the files a reader opens itself (the CSV package's tables); 0: none
  bool organisations = false;   // accept iati-organisations files (each iati-organisation is a record)
  bool keep_going = false;      // after a malformed activity, report it and read on (validation)
  std::string path;             // the input's path, for formats that are folders (the CSV package)
};

enum class ReadResult { Ok, DataError };

struct WriteOptions {
  const Schema* schema = nullptr;
  Reporter* reporter = nullptr;  // for what a writer cannot represent exactly
  std::string file;              // the input's name, for those diagnostics
  bool csv_bom = false;          // start CSV files with a UTF-8 byte order mark (for Excel)
  bool csv_safe = false;         // prefix free-text cells that spreadsheets would run as formulas with '
};

struct FormatInfo {
  std::string_view name;
  std::vector<std::string_view> extensions;
  // True when the first non-blank bytes look like this format.
  bool (*sniff)(std::string_view head);
  ReadResult (*read)(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt);
  std::unique_ptr<Sink> (*make_writer)(Output& out, const WriteOptions& opt);
  bool two_pass = false;   // the writer plans its columns in a first pass over the input
  bool directory = false;  // input and output are folders of files
};

const std::vector<FormatInfo>& formats();
const FormatInfo* format_by_name(std::string_view name);
const FormatInfo* format_by_path(std::string_view path);
const FormatInfo* format_by_content(std::string_view head);

// Each format's entry points, defined in <fmt>_read.cpp and <fmt>_write.cpp.
ReadResult read_xml(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt);
std::unique_ptr<Sink> make_xml_writer(Output& out, const WriteOptions& opt);
ReadResult read_json(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt);
std::unique_ptr<Sink> make_json_writer(Output& out, const WriteOptions& opt);
ReadResult read_csv(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt);
std::unique_ptr<Sink> make_csv_writer(Output& out, const WriteOptions& opt);
ReadResult read_csv_dir(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt);
std::unique_ptr<Sink> make_csv_dir_writer(Output& out, const WriteOptions& opt);

}  // namespace projconv
