// CSV readers: the wide file (a row per activity) and the table package (merged on iati-activity#), back to records.
#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <map>
#include <set>
#include <unordered_set>

#include "formats/csv_codec.hpp"
#include "formats/csv_layout.hpp"
#include "formats/xml_hygiene.hpp"
#include "formats/format.hpp"
#include "formats/tree_order.hpp"

namespace projconv {

namespace {

// A parsed heading: an activity cell path, the fragments column, a file-level key, or a key column.
struct Heading {
  enum Kind { Path, Fragments, FileLevel, Key } kind = Path;
  CellPath path;
  std::string key;    // FileLevel: "@version", "#before", ...; Key: the key column's name
  uint32_t text = 0;  // the heading, interned once for positions (see Loc::heading)
};

// Values that spreadsheets run as formulas, flagged on input (the writer can protect them with --csv-safe).
// A sign followed only by digits, spaces and number punctuation (-1500.00, +41 22 717 91 11) runs as nothing
// harmful, so only other text after + or - counts.
bool looks_like_formula(const std::string& v) {
  if (v.empty()) return false;
  if (v[0] == '=' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') return true;
  if (v[0] != '+' && v[0] != '-') return false;
  return v.size() > 1 && v.find_first_not_of("0123456789 .,()-/", 1) != std::string::npos;
}

class CsvRecordReader {
 public:
  explicit CsvRecordReader(Reporter& rep) : rep_(rep) {}

  Diagnostic diag(std::string_view code, const std::string& file, const CsvRow& row, uint32_t column,
                  const std::string& heading) const {
    Diagnostic d = make_diag(code);
    d.file = file;
    d.loc = {static_cast<uint32_t>(row.line), column};
    d.fact("cell", CsvReader::column_letter(column)).fact("heading", heading).fact("record", std::to_string(row.record));
    return d;
  }

  // Why a heading names no element of the schema (below `base`), or empty. Prefixed names are extensions.
  // Attributes are not checked here: an undeclared one is kept, and the structure layer reports it at its cell.
  static std::string check_heading(const CellPath& p, const ElementDef* base) {
    const ElementDef* def = base;
    for (const Step& s : p.steps) {
      if (s.name.find(':') != std::string::npos) return {};
      const ElementDef* cd = def ? def->child(s.name) : nullptr;
      if (!cd) return "<" + s.name + "> is not an element of <" + (def ? def->name : std::string("?")) + ">";
      def = cd;
    }
    return {};
  }

  // Reads a header row into headings; reports unknown and duplicate headings.
  bool headings(const CsvRow& row, const std::string& file, bool table, std::vector<Heading>& out,
                const ElementDef* base) {
    out.clear();
    std::unordered_set<std::string> seen;
    bool ok = true;
    for (size_t i = 0; i < row.cells.size(); ++i) {
      const std::string& h = row.cells[i];
      uint32_t col = static_cast<uint32_t>(i + 1);
      Heading hd;
      hd.text = intern_loc_file(h);
      if (!seen.insert(h).second) {
        rep_.report(diag("csv-duplicate-heading", file, row, col, h).fact("value", h));
        ok = false;
      }
      if (h == kFragmentsHeading) {
        hd.kind = Heading::Fragments;
      } else if (h.rfind(kRootPrefix, 0) == 0 && !table) {
        hd.kind = Heading::FileLevel;
        hd.key = h.substr(std::strlen(kRootPrefix));
      } else if (table && (h == "iati-identifier" || (!h.empty() && h.back() == '#')) && i < key_width(row)) {
        hd.kind = Heading::Key;
        hd.key = h;
      } else {
        std::string why = h.empty() ? std::string("an empty heading") : parse_path(h, hd.path);
        if (why.empty()) why = check_heading(hd.path, base);
        if (!why.empty()) {
          rep_.report(diag("csv-unknown-heading", file, row, col, h).fact("value", h).fact("reason", why));
          ok = false;
        }
      }
      out.push_back(std::move(hd));
    }
    return ok;
  }

  // The key columns of a table header: iati-identifier, then every "...#" heading that follows it.
  static size_t key_width(const CsvRow& row) {
    size_t n = 0;
    while (n < row.cells.size() && (row.cells[n] == "iati-identifier" || (!row.cells[n].empty() && row.cells[n].back() == '#')))
      ++n;
    return n;
  }

  // Puts the cells of one row into the activity, below `base`; every problem names its cell.
  bool apply_row(Record& r, const CsvRow& row, const std::vector<Heading>& hs, const std::string& file,
                 const std::vector<Step>& base, Header* header) {
    bool ok = true;
    if (package_ && file != file_name_) {  // interning searches a list: once per table, not per row
      file_name_ = file;
      file_id_ = intern_loc_file(file);
    }
    pugi::xml_node act = r.activity();
    for (size_t i = 0; i < row.cells.size() && i < hs.size(); ++i) {
      const std::string& v = row.cells[i];
      if (v.empty()) continue;
      uint32_t col = static_cast<uint32_t>(i + 1);
      const Heading& h = hs[i];
      std::string why;
      if (h.kind == Heading::FileLevel) {
        if (header) why = apply_meta(*header, h.key, v);
        else continue;
      } else if (h.kind == Heading::Fragments) {
        std::vector<Fragment> fs;
        why = unwrap_fragments(v, fs);
        for (Fragment& f : fs) {
          f.at.insert(f.at.begin(), base.begin(), base.end());
          if (why.empty()) why = builder_.fragment(f);
        }
      } else if (h.kind == Heading::Path && h.path.attr == "#order") {
        // Narrative order applies once every narrative of the record exists.
        std::vector<Step> at = base;
        at.insert(at.end(), h.path.steps.begin(), h.path.steps.end());
        if (builder_.at(at, &why)) orders_.push_back({at, v});
      } else if (h.kind == Heading::Path) {
        Cell c{h.path, v};
        c.path.steps.insert(c.path.steps.begin(), base.begin(), base.end());
        why = builder_.cell(c);
        if (why.empty()) locate(r, act, c, row, col, package_ ? file_id_ : 0, h.text);
        if (why.empty() && looks_like_formula(v))
          rep_.report(diag("csv-formula", file, row, col, raw_heading(i)).fact("value", v));
      } else {
        continue;
      }
      if (!why.empty()) {
        rep_.report(diag("csv-bad-cell", file, row, col, raw_heading(i)).fact("value", v).fact("reason", why));
        ok = false;
      }
    }
    return ok;
  }

  // Applies what had to wait for the whole record (narrative order cells); false (reported) when what the cells built breaks the namespace rules the
  // XML reader applies (an element prefixed xmlns, say), as XML written from it could not be read back.
  bool finish_record(Record& r, const std::string& file) {
    for (const NarrativeOrder& o : orders_) builder_.order(o);  // its element was made when the cell was read
    orders_.clear();
    HygieneProblem p = check_built_tree(r.activity().parent(), r.activity());
    if (!p.code || p.node == r.activity().parent()) return true;  // the root's own: file_level_ok says it
    return problem(p, file, p.attr ? r.where.locate(p.attr) : r.where.locate(p.node), r.identifier());
  }

  // The same for the file-level values: the root's declarations, then what stands beside the activities.
  bool file_level_ok(const Header& h, pugi::xml_node first, const std::string& file) {
    HygieneProblem p = check_built_tree(h.root(), first);
    return !p.code || problem(p, file, {1, 1}, {});
  }

  // Reports a namespace problem; false.
  bool problem(const HygieneProblem& p, const std::string& file, Loc loc, std::string activity) {
    Diagnostic d = make_diag(p.code).fact("detail", p.detail);
    d.file = file;
    d.loc = loc;
    d.activity = std::move(activity);
    rep_.report(std::move(d));
    return false;
  }

  // Starts building a record that has `values` non-empty cells in all.
  void begin_record(Record& r, size_t values) { builder_.begin(r.activity(), values); }
  ActivityBuilder& builder() { return builder_; }

  std::string raw_heading(size_t i) const {
    return i < heading_text_.size() ? heading_text_[i] : std::to_string(i + 1);
  }
  void set_heading_text(const std::vector<std::string>& t) { heading_text_ = t; }

 private:
  // Diagnostics about this value point at its cell.
  void locate(Record& r, pugi::xml_node act, const Cell& c, const CsvRow& row, uint32_t col, uint32_t file,
              uint32_t heading) {
    pugi::xml_node el = builder_.at(c.path.steps);
    Loc at{static_cast<uint32_t>(row.line), col, file, heading};
    if (!c.path.attr.empty())
      if (pugi::xml_attribute a = el.attribute(c.path.attr.c_str())) r.where.set(a.internal_object(), at);
    // The element and every container the cell created point at the first cell that made them.
    for (pugi::xml_node n = el; n && n != act; n = n.parent()) {
      if (r.where.locate(n).known() && n != el) break;
      if (!r.where.locate(n).known() || (n == el && c.path.attr.empty())) r.where.set(n.internal_object(), at);
    }
  }

  Reporter& rep_;
  ActivityBuilder builder_;
  std::vector<std::string> heading_text_;
  std::vector<NarrativeOrder> orders_;
  uint32_t file_id_ = 0;
  std::string file_name_;

 public:
  bool package_ = false;  // positions name the table file they are in
};

void new_record(Record& r, const Header& h) {
  r.doc.reset();
  r.where.clear();
  r.doc.append_child("iati-activity");
  r.wrap(h.root());
}

}  // namespace

ReadResult read_csv(Source& in, Sink& out, Reporter& rep, const ReadOptions& opt) {
  CsvReader csv(in, opt.file, rep);
  CsvRecordReader rr(rep);
  CsvRow row;
  if (!csv.next(row)) {
    if (csv.failed()) return ReadResult::DataError;
    Diagnostic d = make_diag("csv-empty");
    d.file = opt.file;
    rep.report(std::move(d));
    return ReadResult::DataError;
  }
  std::vector<Heading> hs;
  bool ok = rr.headings(row, opt.file, false, hs, opt.schema->activity());
  rr.set_heading_text(row.cells);
  size_t width = row.cells.size();
  Header header, trailer;
  header.doc.append_child("iati-activities");
  trailer.doc.append_child("iati-activities");
  header.where.set(header.root().internal_object(), {1, 1});  // file-level findings point at the heading row
  Record r;
  bool begun = false;
  while (csv.next(row)) {
    if (row.cells.size() != width) {
      Diagnostic d = rr.diag("csv-ragged-row", opt.file, row, static_cast<uint32_t>(std::min(row.cells.size(), width) + 1), "");
      d.fact("found", std::to_string(row.cells.size())).fact("expected", std::to_string(width));
      rep.report(std::move(d));
      ok = false;
      continue;
    }
    // File-level values ride on the first row; content after the activities (#after) may come on the last.
    size_t activity_cells = 0;
    for (size_t i = 0; i < hs.size(); ++i) {
      if (hs[i].kind != Heading::FileLevel) {
        activity_cells += !row.cells[i].empty();
        continue;
      }
      const std::string& key = hs[i].key;
      if (row.cells[i].empty() || (begun && key != "#after")) continue;
      std::string why = apply_meta(key == "#after" ? trailer : header, key, row.cells[i]);
      if (!why.empty()) {
        rep.report(rr.diag("csv-bad-cell", opt.file, row, static_cast<uint32_t>(i + 1), rr.raw_heading(i))
                       .fact("value", row.cells[i]).fact("reason", why));
        ok = false;
      }
    }
    if (!begun) {
      begun = true;
      out.begin(header);
    }
    if (!activity_cells) continue;
    new_record(r, header);
    rr.begin_record(r, activity_cells);
    ++r.index;
    r.where.set(r.activity().internal_object(), {static_cast<uint32_t>(row.line), 1});  // the row, for whole-activity findings
    if (!rr.apply_row(r, row, hs, opt.file, {}, nullptr)) ok = false;
    if (!rr.finish_record(r, opt.file)) {
      ok = false;
      continue;
    }
    order_by_schema(r.activity(), opt.schema->activity());  // column order is not element order
    drop_formatting_text(r.activity());
    out.record(r);
  }
  if (csv.failed()) return ReadResult::DataError;
  if (!begun) out.begin(header);
  if (!rr.file_level_ok(header, header.root().first_child(), opt.file) ||
      !rr.file_level_ok(header, trailer.root().first_child(), opt.file))
    ok = false;
  out.end(trailer);
  return ok ? ReadResult::Ok : ReadResult::DataError;
}

namespace {

// One child table of a package, read in step with the activities.
struct TableReader {
  std::string name, file;
  std::unique_ptr<Source> src;
  std::unique_ptr<CsvReader> csv;
  std::vector<Heading> hs;
  std::vector<std::string> heading_text;
  size_t keys = 0;
  CsvRow row;
  bool has_row = false;
  bool fragments = false;  // _xml.csv
};

// A table row waiting for the rest of its activity's rows.
struct TableRow {
  CsvRow row;
  std::vector<uint32_t> key;  // the numbers in the key columns after iati-activity#
  size_t bad_key = 0;         // the 1-based column of a key that is not a number from 1, or 0
};

// Reads the key columns of a table row; the column of the first bad one, or 0.
size_t parse_key(const CsvRow& row, size_t keys, std::vector<uint32_t>& key) {
  for (size_t k = 2; k < keys && k < row.cells.size(); ++k) {
    const std::string& v = row.cells[k];
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 9 || std::stoul(v) == 0)
      return k + 1;
    key.push_back(static_cast<uint32_t>(std::stoul(v)));
  }
  return 0;
}

}  // namespace

ReadResult read_csv_dir(Source&, Sink& out, Reporter& rep, const ReadOptions& opt) {
  std::string dir = opt.path;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  auto fail = [&](std::string_view code, std::string detail, const std::string& file) {
    Diagnostic d = make_diag(code).fact("detail", std::move(detail));
    d.file = file;
    rep.report(std::move(d));
    return ReadResult::DataError;
  };
  CsvRecordReader rr(rep);
  rr.package_ = true;
  // _meta.csv: the file-level values.
  Header header, trailer;
  header.doc.append_child("iati-activities");
  trailer.doc.append_child("iati-activities");
  bool ok = true;
  {
    std::string f = dir + "/_meta.csv";
    auto src = Source::open(f);
    src->set_limit(opt.max_input_size);
    CsvReader csv(*src, f, rep);
    CsvRow row;
    if (!csv.next(row) || row.cells.size() != 2 || row.cells[0] != "key")
      return csv.failed() ? ReadResult::DataError : fail("csv-package", "_meta.csv must start with the heading key,value", f);
    while (csv.next(row)) {
      if (row.cells.size() != 2) {
        rep.report(rr.diag("csv-ragged-row", f, row, 3, "").fact("found", std::to_string(row.cells.size())).fact("expected", "2"));
        ok = false;
        continue;
      }
      std::string why = apply_meta(row.cells[0] == "#after" ? trailer : header, row.cells[0], row.cells[1]);
      if (!why.empty()) {
        rep.report(rr.diag("csv-bad-cell", f, row, 2, row.cells[0]).fact("value", row.cells[1]).fact("reason", why));
        ok = false;
      }
    }
    if (csv.failed()) return ReadResult::DataError;
  }
  // The tables: activity.csv leads; the others follow it, in the same activity order.
  std::vector<std::unique_ptr<TableReader>> tables;
  std::unique_ptr<TableReader> main;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return fail("csv-package", "cannot list the folder", dir);
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 4 && n.substr(n.size() - 4) == ".csv" && n != "_meta.csv") names.push_back(n.substr(0, n.size() - 4));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    auto t = std::make_unique<TableReader>();
    t->name = n;
    t->file = dir + "/" + n + ".csv";
    t->src = Source::open(t->file);
    t->src->set_limit(opt.max_input_size);
    t->csv = std::make_unique<CsvReader>(*t->src, t->file, rep);
    CsvRow head;
    if (!t->csv->next(head)) {
      if (t->csv->failed()) return ReadResult::DataError;
      continue;  // an empty file holds nothing
    }
    t->fragments = n == "_xml";
    t->heading_text = head.cells;
    if (!t->fragments) {
      rr.set_heading_text(head.cells);
      std::vector<Step> table_path;
      std::vector<uint32_t> ones(16, 1);
      const ElementDef* base = opt.schema->activity();
      if (n != "activity" && table_steps(n, ones, base, table_path).empty())
        for (const Step& st : table_path) base = base ? base->child(st.name) : nullptr;
      else if (n != "activity")
        return fail("csv-package", "\"" + n + ".csv\" is not a table of IATI activity data", t->file);
      if (!rr.headings(head, t->file, true, t->hs, base)) ok = false;
      t->keys = CsvRecordReader::key_width(head);
      if (t->keys < 2 || head.cells[0] != "iati-identifier" || head.cells[1] != "iati-activity#")
        return fail("csv-package", "a table must start with the columns iati-identifier,iati-activity#", t->file);
    }
    t->has_row = t->csv->next(t->row);
    if (n == "activity") main = std::move(t);
    else tables.push_back(std::move(t));
  }
  if (!main) return fail("csv-package", "the package has no activity.csv", dir);
  // Fragments go into elements the cells made: _xml.csv (first by name) is applied last, as the wide
  // file's #xml column is, or a fragment would make an element the cells then put after it.
  std::stable_partition(tables.begin(), tables.end(), [](const auto& t) { return !t->fragments; });
  out.begin(header);
  Record r;
  std::unordered_set<std::string> passed;  // activity ordinals already assembled
  while (main->has_row) {
    CsvRow& arow = main->row;
    if (arow.cells.size() != main->heading_text.size()) {
      rep.report(rr.diag("csv-ragged-row", main->file, arow, 1, "").fact("found", std::to_string(arow.cells.size()))
                     .fact("expected", std::to_string(main->heading_text.size())));
      ok = false;
      main->has_row = main->csv->next(arow);
      continue;
    }
    std::string id = arow.cells[0], ordinal = arow.cells[1];
    if (!passed.insert(ordinal).second) {
      rep.report(rr.diag("csv-duplicate-key", main->file, arow, 2, "iati-activity#").fact("value", ordinal));
      ok = false;
    }
    new_record(r, header);
    ++r.index;
    r.where.set(r.activity().internal_object(), {static_cast<uint32_t>(arow.line), 1, intern_loc_file(main->file)});
    // This activity's rows of every table, gathered first: all of the record's values bound the gaps its keys
    // may leave, so a table sorted by another column (key 5 before keys 1 to 4) still reads.
    size_t values = !id.empty();
    for (size_t k = 2; k < arow.cells.size(); ++k) values += !arow.cells[k].empty();
    std::vector<std::vector<TableRow>> rows(tables.size());
    for (size_t ti = 0; ti < tables.size(); ++ti) {
      TableReader& t = *tables[ti];
      while (t.has_row && t.row.cells.size() > 1 && t.row.cells[1] == ordinal) {
        TableRow tr;
        tr.row = std::move(t.row);
        for (size_t k = t.fragments ? 3 : t.keys; k < tr.row.cells.size(); ++k) values += !tr.row.cells[k].empty();
        if (!t.fragments) tr.bad_key = parse_key(tr.row, t.keys, tr.key);
        rows[ti].push_back(std::move(tr));
        t.has_row = t.csv->next(t.row);
      }
    }
    rr.begin_record(r, values);
    rr.set_heading_text(main->heading_text);
    // In activity.csv the key column is the activity's own iati-identifier.
    if (!id.empty()) rr.builder().cell({{{{"iati-identifier", 1, false, {}}}, ""}, id});
    if (!rr.apply_row(r, arow, main->hs, main->file, {}, nullptr)) ok = false;
    for (size_t ti = 0; ti < tables.size(); ++ti) {
      TableReader& t = *tables[ti];
      std::set<std::vector<uint32_t>> keys_seen;
      for (TableRow& tr : rows[ti]) {
        CsvRow& row = tr.row;
        if (!row.cells.empty() && row.cells[0] != id) {
          rep.report(rr.diag("csv-key-mismatch", t.file, row, 1, "iati-identifier").fact("value", row.cells[0]).fact("expected", id));
          ok = false;
        }
        if (t.fragments) {
          if (row.cells.size() != 4) {
            rep.report(rr.diag("csv-ragged-row", t.file, row, 1, "").fact("found", std::to_string(row.cells.size())).fact("expected", "4"));
            ok = false;
          } else {
            CellPath p;
            std::string why = row.cells[2].empty() ? std::string() : parse_path(row.cells[2], p);
            if (why.empty()) why = rr.builder().fragment({p.steps, row.cells[3]});
            if (!why.empty()) {
              rep.report(rr.diag("csv-bad-cell", t.file, row, 4, "xml").fact("value", row.cells[3]).fact("reason", why));
              ok = false;
            }
          }
        } else if (row.cells.size() != t.heading_text.size()) {
          rep.report(rr.diag("csv-ragged-row", t.file, row, 1, "").fact("found", std::to_string(row.cells.size()))
                         .fact("expected", std::to_string(t.heading_text.size())));
          ok = false;
        } else if (tr.bad_key) {
          rep.report(rr.diag("csv-bad-key", t.file, row, static_cast<uint32_t>(tr.bad_key), t.heading_text[tr.bad_key - 1])
                         .fact("value", row.cells[tr.bad_key - 1]));
          ok = false;
        } else if (!keys_seen.insert(tr.key).second) {
          rep.report(rr.diag("csv-duplicate-key", t.file, row, 3, t.heading_text[2]).fact("value", row.cells[2]));
          ok = false;
        } else {
          std::vector<Step> base;
          std::string why = table_steps(t.name, tr.key, opt.schema->activity(), base);
          if (!why.empty()) {
            rep.report(rr.diag("csv-bad-cell", t.file, row, 1, t.name).fact("value", t.name).fact("reason", why));
            ok = false;
          } else {
            rr.set_heading_text(t.heading_text);
            if (!rr.apply_row(r, row, t.hs, t.file, base, nullptr)) ok = false;
          }
        }
      }
    }
    if (rr.finish_record(r, main->file)) {
      order_by_schema(r.activity(), opt.schema->activity());  // column order is not element order
      drop_formatting_text(r.activity());
      out.record(r);
    } else {
      ok = false;
    }
    main->has_row = main->csv->next(arow);
  }
  // Rows left over belong to no activity, or came out of order.
  // Reading a table stops at its first row that fits no activity; that row is the finding, the rows behind
  // it were not read and are only counted.
  for (auto& t : tables) {
    if (!t->has_row) continue;
    std::string ord = t->row.cells.size() > 1 ? t->row.cells[1] : "";
    Diagnostic d = rr.diag(passed.count(ord) ? "csv-out-of-order" : "csv-orphan-row", t->file, t->row, 2, "iati-activity#");
    d.fact("value", ord).fact("id", t->row.cells.empty() ? "" : t->row.cells[0]);
    size_t rest = 0;
    while ((t->has_row = t->csv->next(t->row))) ++rest;
    d.fact("rest", rest ? " (" + std::to_string(rest) + " row" + (rest == 1 ? "" : "s") + " after it not read)" : "");
    rep.report(std::move(d));
    ok = false;
  }
  if (main->csv->failed()) ok = false;
  for (auto& t : tables)
    if (t->csv->failed()) ok = false;
  std::string meta = dir + "/_meta.csv";
  if (!rr.file_level_ok(header, header.root().first_child(), meta) ||
      !rr.file_level_ok(header, trailer.root().first_child(), meta))
    ok = false;
  out.end(trailer);
  return ok ? ReadResult::Ok : ReadResult::DataError;
}

}  // namespace projconv
