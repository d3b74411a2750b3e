// The CSV codec: csv-spectrum conformance, line and column of every error, chunk boundaries, writer round trips.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>

#include <rapidjson/document.h>

#include "formats/csv_codec.hpp"
#include "support.hpp"

using namespace projconv;
namespace fs = std::filesystem;

namespace {

// Hands out its text a few bytes at a time, so every chunk boundary (inside a CRLF, a doubled quote, a
// UTF-8 sequence) is crossed somewhere.
class TrickleSource : public Source {
 public:
  TrickleSource(std::string data, size_t step) : Source("trickle"), data_(std::move(data)), step_(step) {}

 protected:
  size_t read_raw(char* buf, size_t n) override {
    size_t k = std::min({n, step_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  void rewind_raw() override { pos_ = 0; }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

struct Parsed {
  std::vector<CsvRow> rows;
  std::vector<Diagnostic> diags;
  bool failed = false;
};

Parsed parse(Source& src, size_t max_field = size_t{64} << 20, size_t max_record = size_t{256} << 20,
             const std::string& name = "t.csv") {
  Parsed out;
  CollectingReporter rep;
  CsvReader reader(src, name, rep, max_field, max_record);
  CsvRow row;
  while (reader.next(row)) out.rows.push_back(row);
  CHECK_FALSE(reader.next(row));  // stays at the end
  out.diags = rep.diags;
  out.failed = reader.failed();
  CHECK(out.failed == !out.diags.empty());
  return out;
}

// Parses whole, then trickled 1, 2 and 3 bytes at a time; all four must agree exactly.
Parsed parse_text(const std::string& text, size_t max_field = size_t{64} << 20, size_t max_record = size_t{256} << 20) {
  auto whole = Source::from_string(text, "t.csv");
  Parsed first = parse(*whole, max_field, max_record);
  for (size_t step : {1, 2, 3}) {
    TrickleSource src(text, step);
    Parsed p = parse(src, max_field, max_record);
    INFO("trickled " << step << " bytes at a time");
    REQUIRE(p.rows.size() == first.rows.size());
    for (size_t i = 0; i < p.rows.size(); ++i) {
      CHECK(p.rows[i].cells == first.rows[i].cells);
      CHECK(p.rows[i].line == first.rows[i].line);
      CHECK(p.rows[i].record == first.rows[i].record);
    }
    REQUIRE(p.diags.size() == first.diags.size());
    for (size_t i = 0; i < p.diags.size(); ++i) {
      CHECK(p.diags[i].code == first.diags[i].code);
      CHECK(p.diags[i].loc.line == first.diags[i].loc.line);
      CHECK(p.diags[i].loc.col == first.diags[i].loc.col);
    }
  }
  return first;
}

using Cells = std::vector<std::string>;

// "code@line:col cell record" of the single error, for exact assertions.
std::string error_of(const Parsed& p) {
  REQUIRE(p.diags.size() == 1);
  const Diagnostic& d = p.diags[0];
  CHECK(d.file == "t.csv");
  CHECK(d.severity == Severity::Error);
  return d.code + "@" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + " " + std::string(d.get("cell")) +
         " " + std::string(d.get("record"));
}

}  // namespace

TEST_CASE("csv: csv-spectrum pairs parse to exactly the expected values", "[csv]") {
  fs::path shared = test::shared_dir("the csv-spectrum conformance test");
  if (shared.empty()) return;
  fs::path dir = shared / "conformance" / "csv";
  size_t passed = 0, total = 0;
  for (const fs::path& csv : test::files_in(dir / "csvs", ".csv", false)) {
    std::string name = csv.stem().string();
    INFO(name);
    auto src = Source::open(csv.string());
    if (name == "location_coordinates") {
      // A known-bad pair: its JSON disagrees with its CSV, and the CSV has bare quotes in an unquoted field.
      Parsed p = parse(*src, size_t{64} << 20, size_t{256} << 20, "location_coordinates.csv");
      REQUIRE(p.diags.size() == 1);
      CHECK(p.diags[0].code == "csv-stray-quote");
      CHECK(p.diags[0].loc.line == 2);
      CHECK(p.diags[0].loc.col == 2);
      std::printf("csv-spectrum: location_coordinates rejected as expected: %s\n", render_text(p.diags[0]).c_str());
      continue;
    }
    ++total;
    Parsed p = parse(*src);
    CHECK(p.diags.empty());
    rapidjson::Document doc;
    doc.Parse(test::read_file(dir / "json" / (name + ".json")).c_str());
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.IsArray());
    REQUIRE(p.rows.size() == doc.Size() + 1);
    const Cells& header = p.rows[0].cells;
    bool same = p.diags.empty();
    for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
      const auto& obj = doc[i];
      REQUIRE(obj.IsObject());
      const CsvRow& row = p.rows[i + 1];
      CHECK(row.size() == header.size());
      CHECK(obj.MemberCount() == header.size());
      for (size_t c = 0; c < header.size(); ++c) {
        auto m = obj.FindMember(header[c].c_str());
        REQUIRE(m != obj.MemberEnd());
        REQUIRE(m->value.IsString());
        std::string expected(m->value.GetString(), m->value.GetStringLength());
        CHECK(row.cell(c).text == expected);
        same = same && row.cell(c).text == expected && row.size() == header.size();
      }
    }
    if (same) ++passed;
  }
  std::printf("csv-spectrum: %zu of %zu pairs\n", passed, total);
  CHECK(total == 11);
  CHECK(passed == total);
}

TEST_CASE("csv: LF, CRLF and lone CR end records; the last may lack one", "[csv]") {
  for (std::string text : {"a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\r1,2\r", "a,b\n1,2", "a,b\r\n1,2"}) {
    INFO(text);
    Parsed p = parse_text(text);
    REQUIRE(p.rows.size() == 2);
    CHECK(p.rows[0].cells == Cells{"a", "b"});
    CHECK(p.rows[1].cells == Cells{"1", "2"});
    CHECK(p.rows[1].line == 2);
    CHECK(p.rows[1].record == 2);
  }
  Parsed p = parse_text("a,\n,\n\"\"\n");
  REQUIRE(p.rows.size() == 3);
  CHECK(p.rows[0].cells == Cells{"a", ""});
  CHECK(p.rows[1].cells == Cells{"", ""});
  CHECK(p.rows[2].cells == Cells{""});
  CHECK(parse_text("").rows.empty());
  CHECK(parse_text("\xEF\xBB\xBF").rows.empty());
}

TEST_CASE("csv: quoted line ends are kept verbatim and later records carry their physical line", "[csv]") {
  Parsed p = parse_text("a,b\r\n\"x\r\ny\",\"1\n2\r3\"\r\nz,4\n");
  REQUIRE(p.rows.size() == 3);
  CHECK(p.rows[1].cells == Cells{"x\r\ny", "1\n2\r3"});
  CHECK(p.rows[1].line == 2);
  CHECK(p.rows[2].cells == Cells{"z", "4"});
  CHECK(p.rows[2].line == 6);  // CRLF, LF and lone CR inside the quotes are one line each
  CHECK(p.rows[2].record == 3);
}

TEST_CASE("csv: empty lines are skipped but counted; spaces are data", "[csv]") {
  Parsed p = parse_text("a,b\n\n\r\n 1 ,\" 2 \"\n\n");
  REQUIRE(p.rows.size() == 2);
  CHECK(p.rows[1].cells == Cells{" 1 ", " 2 "});
  CHECK(p.rows[1].line == 4);
  CHECK(p.rows[1].record == 2);
  CHECK(p.rows[1].cell(5).text.empty());  // past a short row
  CHECK(p.rows[1].cell(5).column == 6);
}

TEST_CASE("csv: a UTF-8 BOM is skipped, UTF-16 and UTF-32 are refused with a way out", "[csv]") {
  Parsed p = parse_text("\xEF\xBB\xBFid,name\n1,\xC3\xA9t\xC3\xA9\n");
  REQUIRE(p.rows.size() == 2);
  CHECK(p.rows[0].cells == Cells{"id", "name"});
  CHECK(p.rows[1].cells == Cells{"1", "\xC3\xA9t\xC3\xA9"});

  using namespace std::string_literals;
  for (std::string text : {"\xFF\xFEi\0d\0,\0n\0\n\0"s, "\xFE\xFF\0i\0d"s, "i\0d\0,\0"s, "\xFF\xFE\0\0i\0\0\0"s}) {
    Parsed bad = parse_text(text);
    CHECK(bad.rows.empty());
    CHECK(error_of(bad) == "csv-encoding@1:1 A 1");
    std::string msg = render_message(bad.diags[0]);
    CHECK_THAT(msg, Catch::Contains("UTF-") && Catch::Contains("CSV UTF-8"));
  }
}

TEST_CASE("csv: stray quotes are located by line and column number", "[csv]") {
  Parsed p = parse_text("a,b,c\n1,2,3\nx,ab\"c,z\n");
  CHECK(p.rows.size() == 2);
  CHECK(error_of(p) == "csv-stray-quote@3:2 B 3");
  CHECK(render_message(p.diags[0]) ==
        "a quote inside an unquoted field in cell B of record 3: put the whole field in quotes and double every "
        "quote inside it (\"\")");

  p = parse_text("a,b,c\n\"multi\nline\",x,\"x\"y\n");
  CHECK(p.rows.size() == 1);
  CHECK(error_of(p) == "csv-stray-quote@3:3 C 2");
  CHECK_THAT(render_message(p.diags[0]), Catch::StartsWith("text after the closing quote"));

  p = parse_text("a, \"b\"\n");  // a space before the quote makes it data, not an opening quote
  CHECK(error_of(p) == "csv-stray-quote@1:2 B 1");
}

TEST_CASE("csv: an unclosed quote points at the line where the field starts", "[csv]") {
  Parsed p = parse_text("a,b\n1,2\n3,\"never\nclosed\n\n4,5\n");
  CHECK(p.rows.size() == 2);
  CHECK(error_of(p) == "csv-unclosed-quote@3:2 B 3");
  p = parse_text("\"");
  CHECK(error_of(p) == "csv-unclosed-quote@1:1 A 1");
}

TEST_CASE("csv: a field larger than the cap stops the reading", "[csv]") {
  Parsed ok = parse_text("a,b\n1234567890,\"12345678\"\"\"\n", 10);
  CHECK(ok.diags.empty());
  CHECK(ok.rows.size() == 2);

  Parsed p = parse_text("a,b\n1,12345678901\nnot,reached\n", 10);
  CHECK(p.rows.size() == 1);
  CHECK(error_of(p) == "field-too-long@2:2 B 2");
  CHECK(p.diags[0].get("limit") == "10");
  p = parse_text("a,b\n1,\"123\n45678901\"\n", 10);
  CHECK(error_of(p) == "field-too-long@2:2 B 2");

  // Many small cells are bounded too: each counts its bytes plus a string's overhead.
  p = parse_text(std::string(100, ','), 10, 40 * sizeof(std::string));
  CHECK(error_of(p) == "record-too-long@1:41 AO 1");
}

TEST_CASE("csv: invalid UTF-8 and NUL bytes are errors at their cell", "[csv]") {
  Parsed p = parse_text("a,b\n1,caf\xE9\n");
  CHECK(error_of(p) == "csv-utf8@2:2 B 2");
  CHECK(p.diags[0].get("detail") == "byte 0xE9 at byte 4 of the cell");
  CHECK_THAT(render_message(p.diags[0]), Catch::Contains("CSV UTF-8"));

  p = parse_text("a,b\n1,\"ok\nstill ok\n\xC0\xAF\"\n");  // overlong '/', on the third line of the cell
  CHECK(error_of(p) == "csv-utf8@4:2 B 2");
  for (std::string bad : {"\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\x80", "\xF8\x88\x80\x80\x80"}) {
    INFO(bad);
    CHECK(error_of(parse_text("x\n" + bad + "\n")) == "csv-utf8@2:1 A 2");
  }
  CHECK(parse_text("x\n\xF0\x9F\x98\x80,\xE2\x82\xAC,\xC2\xA0,\xF4\x8F\xBF\xBF\n").diags.empty());

  using namespace std::string_literals;
  p = parse_text("a,b\n1,x\0y\n"s);
  CHECK(error_of(p) == "csv-nul@2:2 B 2");
  p = parse_text("a,b\n1,\"x\0y\"\n"s);
  CHECK(error_of(p) == "csv-nul@2:2 B 2");
}

TEST_CASE("csv: column letters", "[csv]") {
  CHECK(CsvReader::column_letter(1) == "A");
  CHECK(CsvReader::column_letter(26) == "Z");
  CHECK(CsvReader::column_letter(27) == "AA");
  CHECK(CsvReader::column_letter(52) == "AZ");
  CHECK(CsvReader::column_letter(53) == "BA");
  CHECK(CsvReader::column_letter(702) == "ZZ");
  CHECK(CsvReader::column_letter(703) == "AAA");
  CHECK(CsvReader::column_letter(16384) == "XFD");  // Excel's last column
}

TEST_CASE("csv: the writer quotes only what needs it", "[csv]") {
  StringOutput out;
  CsvWriter w(out);
  w.write_row(std::vector<std::string_view>{"plain", "a,b", "say \"hi\"", " lead", "trail\t", "", "x\ny", "=HYPERLINK(\"u\")"});
  w.write_row(std::vector<std::string_view>{""});
  w.write_row(std::vector<std::string>{"-1500.00", "in side"});
  w.flush();
  CHECK(out.text ==
        "plain,\"a,b\",\"say \"\"hi\"\"\",\" lead\",\"trail\t\",,\"x\ny\",\"=HYPERLINK(\"\"u\"\")\"\r\n"
        "\"\"\r\n"
        "-1500.00,in side\r\n");

  StringOutput lf;
  CsvWriter w2(lf, true, false);
  w2.write_row(std::vector<std::string_view>{"id", "name"});
  w2.flush();
  CHECK(lf.text == "\xEF\xBB\xBFid,name\n");
}

TEST_CASE("csv: writer then reader gives back every tricky cell", "[csv]") {
  std::vector<Cells> rows = {
      {"id", "text", "more"},
      {"a,b", "say \"hi\"", "line\nbreak"},
      {"crlf\r\ninside", " leading", "trailing "},
      {"", "", ""},
      {"=HYPERLINK(\"http://x\",\"y\")", "\"", "\"\""},
      {"\xC3\xA9t\xC3\xA9 \xE2\x82\xAC", "\tTab", "lone\rcr"},
      {""},
  };
  // And a few hundred random rows over the characters that matter.
  std::mt19937 rng(42);
  const std::vector<std::string> atoms = {"a", ",", "\"", "\n", "\r", "\r\n", " ", "\t", "\xC3\xA9", "="};
  for (int r = 0; r < 300; ++r) {
    Cells row(1 + rng() % 5);
    for (auto& cell : row)
      for (unsigned k = rng() % 8; k > 0; --k) cell += atoms[rng() % atoms.size()];
    rows.push_back(row);
  }
  for (bool crlf : {true, false}) {
    for (bool bom : {false, true}) {
      StringOutput out;
      CsvWriter w(out, bom, crlf);
      for (const Cells& row : rows) w.write_row(row);
      w.flush();
      Parsed p = parse_text(out.text);
      CHECK(p.diags.empty());
      REQUIRE(p.rows.size() == rows.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        INFO("row " << i);
        CHECK(p.rows[i].cells == rows[i]);
        CHECK(p.rows[i].record == i + 1);
      }
    }
  }
}

TEST_CASE("csv: the reader streams records bigger than its chunk", "[csv]") {
  std::string big(700 << 10, 'x');
  std::string text = "a,b\n" + big + ",\"" + big + "\"\r\n1,2\r\n";
  auto src = Source::from_string(text, "t.csv");
  Parsed p = parse(*src);
  CHECK(p.diags.empty());
  REQUIRE(p.rows.size() == 3);
  CHECK(p.rows[1].cells == Cells{big, big});
  CHECK(p.rows[2].cells == Cells{"1", "2"});
  CHECK(p.rows[2].line == 3);
}
