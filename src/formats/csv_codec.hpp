// The CSV codec: RFC 4180 bytes to rows of verbatim UTF-8 cells and back, streaming, with located errors.
//
// DESIGN: this layer knows nothing about IATI. It turns bytes into records of text cells (and back) and
// reports what makes a file unreadable as CSV; what a cell means, and whether a row has the header's
// width, is the business of the caller, which gets each record's physical line, record number and cell
// count for its own messages.
//
// Reading rules (the dialect projconv accepts; the writer emits a subset of it):
// - Fields are separated by `,`. A record ends with LF, CRLF or a lone CR (old Mac exports; Python's csv
//   and rust-csv read it the same way). Each of them counts as one physical line.
// - A field starting with `"` is quoted: it may hold `,`, CR and LF (kept verbatim, so CRLF stays CRLF),
//   and `""` for one `"`. A `"` anywhere else in a field, or text after a closing quote, is an error.
// - Spaces are data: nothing is ever trimmed.
// - The last record may lack a line end. An empty line is no record: it is skipped, but still counted as
//   a physical line. (So a one-column record with an empty cell must be written `""`; the writer does.)
// - A UTF-8 byte order mark at the start is skipped. UTF-16 and UTF-32 are refused with a hint to re-save
//   as "CSV UTF-8"; every cell must be valid UTF-8 and no byte may be NUL.
// Every error stops the reading: past a broken quote no later record boundary can be trusted. An error is
// located at its physical line and the COLUMN NUMBER of its cell (not a character offset), with the facts
// `cell` (the column's letter, as spreadsheets show it) and `record`.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag.hpp"
#include "core/io.hpp"

namespace projconv {

// One cell seen through a row: its text and its 1-based column number.
struct CsvCell {
  std::string_view text;
  uint32_t column = 0;
};

struct CsvRow {
  std::vector<std::string> cells;  // verbatim UTF-8 text of each field: quotes removed, "" read as "
  uint64_t line = 0;               // physical line (1-based) where the record starts
  uint64_t record = 0;             // 1-based record number; the header is record 1

  size_t size() const { return cells.size(); }
  // Cell i (0-based); past the end of a short (ragged) row, an empty text with the column it would have.
  CsvCell cell(size_t i) const {
    return {i < cells.size() ? std::string_view(cells[i]) : std::string_view(), static_cast<uint32_t>(i + 1)};
  }
};

class CsvReader {
 public:
  // `file` names the input in diagnostics. `max_field` caps the bytes of one field (`field-too-long`);
  // `max_record` caps the memory of one record, counting each cell's bytes plus a string's overhead
  // (`record-too-long`), so a file of a billion commas cannot exhaust memory either.
  CsvReader(Source& in, std::string file, Reporter& rep, size_t max_field = kMaxValueBytes,
            size_t max_record = kMaxItemBytes);

  // Reads the next record into `row`, reusing its strings. False at the end of input or after an error
  // (then failed() is true and the error was reported). A read fault of the Source throws IoError.
  bool next(CsvRow& row);
  bool failed() const { return failed_; }
  // Records read so far (the header included).
  uint64_t records() const { return record_; }

  // The spreadsheet name of a column, for messages: 1 -> "A", 26 -> "Z", 27 -> "AA", 703 -> "AAA".
  static std::string column_letter(uint32_t column);

 private:
  enum class End { Comma, Record, Input };

  bool fill();
  bool start();
  bool read_unquoted(std::string& cell, uint32_t column, End& end, bool& non_ascii);
  bool read_quoted(std::string& cell, uint32_t column, uint64_t field_line, End& end, bool& non_ascii);
  void skip_lf();
  bool too_long(uint64_t field_line, uint32_t column);
  bool control_char(unsigned char c, uint32_t column);
  bool check_utf8(const std::string& cell, uint64_t field_line, uint32_t column);
  bool fail(std::string_view code, uint64_t line, uint32_t column, std::vector<std::pair<std::string, std::string>> facts = {});

  Source& in_;
  std::string file_;
  Reporter& rep_;
  size_t max_field_;
  size_t max_record_;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;     // the Source said end of input; never read it again (a terminal would block)
  bool started_ = false;
  bool done_ = false;
  bool failed_ = false;
  uint64_t line_ = 1;    // physical line of the byte at pos_
  uint64_t record_ = 0;
};

class CsvWriter {
 public:
  // `bom` writes a UTF-8 byte order mark first (Excel needs it to read UTF-8); `crlf` ends records with
  // CRLF as RFC 4180 says, else with LF. Line ends inside a cell are written as they are.
  explicit CsvWriter(Output& out, bool bom = false, bool crlf = true);

  // Quotes a field only when it needs it: it holds `,`, `"`, CR or LF, or starts or ends with a space or a
  // tab (which spreadsheet tools would trim). A record of one empty cell is written `""`, since an empty
  // line reads as no record; a record of no cells is an empty line.
  void write_row(const std::vector<std::string_view>& cells);
  void write_row(const std::vector<std::string>& cells);
  // Hands the buffered text to the Output. Must be called once the last row is written: the destructor
  // writes nothing, since a write fault cannot be reported from a destructor. Throws IoError.
  void flush();

 private:
  void put_field(std::string_view text, bool at_start);
  template <class Cells>
  void put_row(const Cells& cells);

  Output& out_;
  std::string buf_;
  bool crlf_;
  bool first_row_ = true;
};

}  // namespace projconv
