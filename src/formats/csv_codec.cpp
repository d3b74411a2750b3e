// The CSV codec: a hand-rolled RFC 4180 state machine for reading, and a buffered writer that quotes only when needed.
//
// DESIGN: hand-rolled rather than libcsv. libcsv is LGPL, works byte by byte with a callback per field
// (130-180 MB/s measured on IATI CSV, where fields are short and mostly empty), is lenient unless told
// CSV_STRICT|CSV_STRICT_FINI and a space function, cannot abort from a callback, gives no positions and
// grows a field without bound. Every one of those would need code around it. The machine below scans
// each field with a table lookup per byte and copies it once into a reused string, so it knows the
// physical line and the column of every byte, caps a field while it grows, and stops at the first error;
// it is about as long as the libcsv glue would be, and reads a wide IATI-like CSV at about 270 MB/s.
#include "formats/csv_codec.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace projconv {

namespace {

constexpr size_t kChunk = size_t{256} << 10;      // bytes asked from the Source at a time
constexpr size_t kWriteChunk = size_t{256} << 10;  // the writer hands its text over in pieces this big

// Byte classes of the scanners: plain bytes are copied, high bytes mark the field for a UTF-8 check,
// special bytes stop the scan.
enum : unsigned char { kPlain = 0, kHigh = 1, kSpecial = 2 };

constexpr std::array<unsigned char, 256> make_classes(bool quoted) {
  std::array<unsigned char, 256> t{};
  for (int c = 0x80; c < 0x100; ++c) t[c] = kHigh;
  // Control characters other than tab, CR and LF cannot be written to XML at all: they stop the scan too.
  for (int c = 0; c < 0x20; ++c)
    if (c != '\t') t[c] = kSpecial;
  t['"'] = kSpecial;
  if (!quoted) t[','] = kSpecial;
  return t;
}
constexpr auto kUnquoted = make_classes(false);
constexpr auto kQuoted = make_classes(true);

// Skips the bytes of a field that need no action and returns the first that does: `"`, CR, LF, NUL, and
// in an unquoted field `,`. Each chunk ends with a NUL sentinel, so there is no end test per byte. High
// bytes do not stop the scan; they mark the field for a UTF-8 check. (A 16-byte SSE2 scan, and an inlined
// fast path for short fields, measured no faster: IATI fields are short and mostly empty.)
template <bool Quoted>
const unsigned char* scan(const unsigned char* p, bool& non_ascii) {
  const auto& cls = Quoted ? kQuoted : kUnquoted;
  for (;; ++p) {
    while (cls[*p] == kPlain) ++p;
    if (cls[*p] != kHigh) return p;
    non_ascii = true;
  }
}

constexpr std::array<bool, 256> make_needs_quote() {
  std::array<bool, 256> t{};
  t[','] = t['"'] = t['\n'] = t['\r'] = true;
  return t;
}
constexpr auto kNeedsQuote = make_needs_quote();

// Offset of the first byte that does not start a well-formed UTF-8 sequence (overlong forms, surrogates
// and code points past U+10FFFF included), or npos.
size_t utf8_error(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1Fu, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0Fu, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07u, min = 0x10000;
    } else {
      return i;
    }
    if (len > n - i) return i;
    for (size_t k = 1; k < len; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

// Line breaks inside a quoted cell's text, counted as the reader counts physical lines.
uint64_t line_breaks(std::string_view s) {
  uint64_t n = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n'))) ++n;
  return n;
}

uint32_t clamp_line(uint64_t line) { return static_cast<uint32_t>(std::min<uint64_t>(line, UINT32_MAX)); }

}  // namespace

CsvReader::CsvReader(Source& in, std::string file, Reporter& rep, size_t max_field, size_t max_record)
    : in_(in), file_(std::move(file)), rep_(rep), max_field_(max_field), max_record_(max_record), buf_(kChunk + 1) {}

std::string CsvReader::column_letter(uint32_t column) {
  // Bijective base 26: there is no zero digit, so Z is followed by AA.
  std::string out;
  for (uint64_t n = column; n > 0; n = (n - 1) / 26) out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  return out;
}

bool CsvReader::fail(std::string_view code, uint64_t line, uint32_t column,
                     std::vector<std::pair<std::string, std::string>> facts) {
  Diagnostic d = make_diag(code);
  d.file = file_;
  d.loc = {clamp_line(line), column};
  d.fact("cell", column_letter(column));
  d.fact("record", std::to_string(std::max<uint64_t>(record_, 1)));
  for (auto& [k, v] : facts) d.fact(std::move(k), std::move(v));
  rep_.report(std::move(d));
  failed_ = true;
  return false;
}

bool CsvReader::fill() {
  if (eof_) return false;
  pos_ = end_ = 0;
  buf_[0] = 0;
  size_t got = in_.read(buf_.data(), kChunk);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ = got;
  buf_[end_] = 0;  // a sentinel: the scanners stop on it without testing for the end at every byte
  return true;
}

// Sniffs the first bytes: a UTF-8 BOM is skipped; UTF-16 and UTF-32 would otherwise read as a wall of
// NUL errors or mojibake, so they are named, with the way out.
bool CsvReader::start() {
  started_ = true;
  std::string_view head = in_.peek(4);
  bool bom = head.starts_with("\xEF\xBB\xBF");
  std::string encoding;
  using namespace std::string_view_literals;
  if (head.starts_with("\xFF\xFE\0\0"sv)) encoding = "UTF-32 (little-endian)";
  else if (head.starts_with("\0\0\xFE\xFF"sv)) encoding = "UTF-32 (big-endian)";
  else if (head.starts_with("\xFF\xFE"sv)) encoding = "UTF-16 (little-endian, Excel's \"Unicode text\")";
  else if (head.starts_with("\xFE\xFF"sv)) encoding = "UTF-16 (big-endian)";
  else if (!bom && head.find('\0') != std::string_view::npos)
    encoding = "UTF-16 or UTF-32 without a byte order mark (its first bytes hold NUL bytes)";
  if (!encoding.empty()) return fail("csv-encoding", 1, 1, {{"encoding", encoding}});
  if (bom && fill()) pos_ = 3;  // peek guarantees the first read returns those 3 bytes at least
  return true;
}

void CsvReader::skip_lf() {
  if (pos_ == end_ && !fill()) return;
  if (buf_[pos_] == '\n') ++pos_;
}

bool CsvReader::too_long(uint64_t field_line, uint32_t column) {
  return fail("field-too-long", field_line, column, {{"limit", std::to_string(max_field_)}});
}

bool CsvReader::control_char(unsigned char c, uint32_t column) {
  char detail[8];
  std::snprintf(detail, sizeof detail, "U+%04X", c);
  return fail("csv-control-char", line_, column, {{"char", detail}});
}

bool CsvReader::check_utf8(const std::string& cell, uint64_t field_line, uint32_t column) {
  size_t bad = utf8_error(cell);
  if (bad == std::string_view::npos) return true;
  char detail[64];
  std::snprintf(detail, sizeof detail, "byte 0x%02X at byte %zu of the cell", static_cast<unsigned char>(cell[bad]),
                bad + 1);
  // The bad byte's own line, so an editor lands on it even inside a multi-line cell.
  uint64_t line = field_line + line_breaks(std::string_view(cell).substr(0, bad));
  return fail("csv-utf8", line, column, {{"detail", detail}});
}

bool CsvReader::read_unquoted(std::string& cell, uint32_t column, End& end, bool& non_ascii) {
  uint64_t field_line = line_;
  for (;;) {
    const auto* b = reinterpret_cast<const unsigned char*>(buf_.data());
    const unsigned char *p = b + pos_, *e = b + end_, *s = p;
    p = scan<false>(p, non_ascii);
    if (p != s) {
      if (cell.size() + static_cast<size_t>(p - s) > max_field_) return too_long(field_line, column);
      cell.append(reinterpret_cast<const char*>(s), static_cast<size_t>(p - s));
    }
    pos_ = static_cast<size_t>(p - b);
    if (p == e) {
      if (!fill()) {
        end = End::Input;
        return true;
      }
      continue;
    }
    ++pos_;
    switch (*p) {
      case ',': end = End::Comma; return true;
      case '\n': ++line_; end = End::Record; return true;
      case '\r':
        ++line_;
        skip_lf();
        end = End::Record;
        return true;
      case '"': return fail("csv-stray-quote", line_, column, {{"detail", "a quote inside an unquoted field"}});
      case '\0': return fail("csv-nul", line_, column);
      default: return control_char(*p, column);
    }
  }
}

bool CsvReader::read_quoted(std::string& cell, uint32_t column, uint64_t field_line, End& end, bool& non_ascii) {
  for (;;) {
    const auto* b = reinterpret_cast<const unsigned char*>(buf_.data());
    const unsigned char *p = b + pos_, *e = b + end_, *s = p;
    bool cr_last = false;  // a CR ends the chunk: whether it starts a CRLF is known only after the refill
    for (;;) {
      p = scan<true>(p, non_ascii);
      if (*p == '\n') {
        ++line_;
        ++p;
      } else if (*p == '\r') {
        if (++p == e) {
          cr_last = true;
          break;
        }
        if (*p != '\n') ++line_;
      } else {
        break;  // a quote, a NUL, or the sentinel at the end of the chunk
      }
    }
    if (p != s) {
      if (cell.size() + static_cast<size_t>(p - s) > max_field_) return too_long(field_line, column);
      cell.append(reinterpret_cast<const char*>(s), static_cast<size_t>(p - s));
    }
    pos_ = static_cast<size_t>(p - b);
    if (p == e) {
      if (!fill()) return fail("csv-unclosed-quote", field_line, column);
      if (cr_last && buf_[0] != '\n') ++line_;
      continue;
    }
    if (*p == 0) return fail("csv-nul", line_, column);
    if (*p != '"') return control_char(*p, column);
    // A quote: doubled, it is one quote of the text; alone, it closes the field.
    ++pos_;
    if (pos_ == end_ && !fill()) {
      end = End::Input;
      return true;
    }
    char c = buf_[pos_++];
    switch (c) {
      case '"':
        if (cell.size() + 1 > max_field_) return too_long(field_line, column);
        cell += '"';
        continue;
      case ',': end = End::Comma; return true;
      case '\n': ++line_; end = End::Record; return true;
      case '\r':
        ++line_;
        skip_lf();
        end = End::Record;
        return true;
      case '\0': return fail("csv-nul", line_, column);
      default: return fail("csv-stray-quote", line_, column, {{"detail", "text after the closing quote of a quoted field"}});
    }
  }
}

bool CsvReader::next(CsvRow& row) {
  if (failed_ || done_) return false;
  if (!started_ && !start()) return false;
  for (;;) {  // empty lines are no records, but they are lines
    if (pos_ == end_ && !fill()) {
      done_ = true;
      return false;
    }
    char c = buf_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
    } else if (c == '\r') {
      ++pos_;
      ++line_;
      skip_lf();
    } else {
      break;
    }
  }
  row.line = line_;
  row.record = ++record_;
  size_t n = 0, memory = 0;
  for (;;) {
    // The caller's strings are reused, so steady-state reading allocates nothing.
    if (n == row.cells.size()) row.cells.emplace_back();
    std::string& cell = row.cells[n];
    cell.clear();
    auto column = static_cast<uint32_t>(++n);
    uint64_t field_line = line_;
    bool non_ascii = false, ok;
    End end = End::Input;
    if ((pos_ < end_ || fill()) && buf_[pos_] == '"') {
      ++pos_;
      ok = read_quoted(cell, column, field_line, end, non_ascii);
    } else {
      ok = read_unquoted(cell, column, end, non_ascii);
    }
    if (!ok || (non_ascii && !check_utf8(cell, field_line, column))) return false;
    memory += cell.size() + sizeof(std::string);
    if (memory > max_record_) return fail("record-too-long", row.line, column, {{"limit", std::to_string(max_record_)}});
    if (end == End::Comma) continue;
    if (end == End::Input) done_ = true;
    break;
  }
  row.cells.resize(n);
  return true;
}

CsvWriter::CsvWriter(Output& out, bool bom, bool crlf) : out_(out), crlf_(crlf) {
  buf_.reserve(kWriteChunk + (kWriteChunk >> 2));
  if (bom) buf_ += "\xEF\xBB\xBF";
}

// `at_start`: the field is the first of the output, where a reader would take a leading BOM for the
// file's own, so a cell that starts with one is quoted to keep it.
void CsvWriter::put_field(std::string_view text, bool at_start) {
  if (text.empty()) return;  // most IATI cells
  bool quote = text.front() == ' ' || text.front() == '\t' || text.back() == ' ' || text.back() == '\t' ||
               (at_start && text.starts_with("\xEF\xBB\xBF"));
  for (size_t i = 0; !quote && i < text.size(); ++i) quote = kNeedsQuote[static_cast<unsigned char>(text[i])];
  if (!quote) {
    buf_.append(text);
    return;
  }
  buf_ += '"';
  size_t from = 0;
  for (size_t q; (q = text.find('"', from)) != std::string_view::npos; from = q + 1) {
    buf_.append(text.substr(from, q + 1 - from));
    buf_ += '"';
  }
  buf_.append(text.substr(from));
  buf_ += '"';
}

template <class Cells>
void CsvWriter::put_row(const Cells& cells) {
  if (cells.size() == 1 && std::string_view(cells[0]).empty()) {
    buf_ += "\"\"";
  } else {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) buf_ += ',';
      put_field(cells[i], first_row_ && i == 0);
    }
  }
  first_row_ = false;
  buf_ += crlf_ ? "\r\n" : "\n";
  if (buf_.size() >= kWriteChunk) flush();
}

void CsvWriter::write_row(const std::vector<std::string_view>& cells) { put_row(cells); }
void CsvWriter::write_row(const std::vector<std::string>& cells) { put_row(cells); }

void CsvWriter::flush() {
  if (buf_.empty()) return;
  out_.write(buf_);
  buf_.clear();
}

}  // namespace projconv
