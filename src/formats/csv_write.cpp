// CSV writers: the wide file (one row per activity) and the table package (one CSV per repeatable element).
//
// Both read the input twice: the first pass plans the columns (the paths, languages and ordinals the data
// uses, sorted into schema order), the second writes. The reader calls begin/record/end once per pass, and
// memory stays bounded by one activity plus the column plan.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "core/io.hpp"
#include "formats/csv_codec.hpp"
#include "formats/csv_layout.hpp"
#include "formats/format.hpp"

namespace projconv {

namespace {

// Sort keys put columns in schema order: an element's text, then its attributes, then its children.
// Languages rank by first appearance in the file, the same for every table, so narrative order decisions agree.
using LangRanks = std::unordered_map<std::string, int64_t>;

class ColumnOrder {
 public:
  ColumnOrder(const ElementDef* base = nullptr, LangRanks* langs = nullptr) : base_(base), langs_(langs) {}

  std::vector<int64_t> key(const CellPath& p) {
    // Every table starts with the activity's identifier.
    if (p.attr.empty() && p.steps.size() == 1 && p.steps[0].name == "iati-identifier" && p.steps[0].ordinal == 1 &&
        base_ && base_->name == "iati-activity")
      return {0};
    std::vector<int64_t> k;
    const ElementDef* def = base_;
    for (const Step& s : p.steps) {
      int idx = def ? def->index_of(s.name) : -1;
      k.insert(k.end(), {2, idx >= 0 ? idx : 1000000 + rank(unknown_, s.name), s.narrative ? rank(*langs_, s.lang) : 0,
                         static_cast<int64_t>(s.ordinal)});
      def = def ? def->child(s.name) : nullptr;
    }
    k.push_back(1);
    if (p.attr.empty()) {
      k.push_back(0);
    } else if (p.attr == "#order") {
      k.push_back(9000000);
    } else {
      int ai = -1;
      if (def)
        for (size_t i = 0; i < def->attrs.size(); ++i)
          if (def->attrs[i].name == p.attr) ai = static_cast<int>(i);
      k.push_back(ai >= 0 ? 1 + ai : 1000000 + rank(unknown_, "@" + p.attr));
    }
    return k;
  }

  int64_t lang_rank(const std::string& lang) { return rank(*langs_, lang); }

 private:
  static int64_t rank(std::unordered_map<std::string, int64_t>& m, const std::string& s) {
    return m.try_emplace(s, static_cast<int64_t>(m.size())).first->second;
  }
  const ElementDef* base_;
  LangRanks* langs_;
  std::unordered_map<std::string, int64_t> unknown_;
};

// Order cells for the narratives that column order (language by first appearance, then ordinal) would move.
void order_cells(const FlatRecord& fr, ColumnOrder& order, std::vector<Cell>& out) {
  for (const NarrativeOrder& o : fr.orders) {
    std::vector<std::pair<int64_t, int64_t>> keys;
    size_t i = 0;
    while (i <= o.order.size()) {
      size_t j = o.order.find(' ', i);
      if (j == std::string::npos) j = o.order.size();
      std::string label = o.order.substr(i, j - i);
      size_t hash = label.find('#');
      std::string lang = label.substr(0, hash);
      lang = lang == "-" ? std::string() : decode_lang(lang);
      int64_t ord = hash == std::string::npos ? 1 : std::stoll(label.substr(hash + 1));
      keys.emplace_back(order.lang_rank(lang), ord);
      i = j + 1;
    }
    if (o.always || !std::is_sorted(keys.begin(), keys.end())) out.push_back({{o.at, "#order"}, o.order});
  }
}

struct Column {
  std::string heading;
  std::vector<int64_t> key;
};

class ColumnSet {
 public:
  void add(const std::string& heading, const std::vector<int64_t>& key) {
    if (index_.emplace(heading, columns_.size()).second) columns_.push_back({heading, key});
  }
  void finish() {
    std::stable_sort(columns_.begin(), columns_.end(), [](const Column& a, const Column& b) { return a.key < b.key; });
    for (size_t i = 0; i < columns_.size(); ++i) index_[columns_[i].heading] = i;
  }
  const std::vector<Column>& columns() const { return columns_; }
  size_t index(const std::string& heading) const { return index_.at(heading); }

 private:
  std::vector<Column> columns_;
  std::unordered_map<std::string, size_t> index_;
};

void write_strings(CsvWriter& w, const std::vector<std::string>& row) { w.write_row(row); }

// --csv-safe: free text that a spreadsheet would run as a formula gets a leading '. Only schema strings
// (narratives, names, identifiers) are touched: never numbers, dates or codes, so -1500.00 stays a number.
std::string safe_value(const CellPath& p, const ElementDef* base, const std::string& v, bool safe) {
  if (!safe || v.empty() || p.attr == "#order") return v;
  char c = v[0];
  if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r') return v;
  const ElementDef* def = base;
  for (const Step& s : p.steps) def = def ? def->child(s.name) : nullptr;
  ValueType t = ValueType::String;
  if (def && p.attr.empty()) t = def->text;
  else if (def)
    if (const AttrDef* a = def->attr(p.attr)) t = a->type;
  return t == ValueType::String ? "'" + v : v;
}

// The wide layout: headings are full paths with ordinals; file-level values are on the first row, in
// columns after the activity columns.
class WideWriter : public Sink {
 public:
  WideWriter(Output& out, const WriteOptions& opt) : out_(out), opt_(opt), order_(opt.schema->activity(), &langs_) {}

  void begin(const Header& h) override {
    if (planning()) {
      for (const auto& [k, v] : meta_cells(h, true)) meta_.add(kRootPrefix + k, {});
      return;
    }
    first_ = meta_cells(h, true);
    csv_ = std::make_unique<CsvWriter>(out_, opt_.csv_bom);
    std::vector<std::string> head;
    for (const Column& c : cols_.columns()) head.push_back(c.heading);
    for (const Column& c : meta_.columns()) head.push_back(c.heading);
    // A file with no activity and no root attribute still needs a heading row to be a CSV file at all.
    if (head.empty()) head.push_back("iati-identifier");
    write_strings(*csv_, head);
  }

  void record(Record& r) override {
    flatten(r.activity(), opt_.schema->activity(), flat_);
    extra_.clear();
    order_cells(flat_, order_, extra_);
    const ElementDef* base = opt_.schema->activity();
    if (planning()) {
      for (const Cell& c : flat_.cells) cols_.add(format_path(c.path, base, true), order_.key(c.path));
      for (const Cell& c : extra_) cols_.add(format_path(c.path, base, true), order_.key(c.path));
      if (!flat_.fragments.empty()) cols_.add(kFragmentsHeading, {3});
      return;
    }
    std::vector<std::string> row(width());
    for (const Cell& c : flat_.cells) row[cols_.index(format_path(c.path, base, true))] = safe_value(c.path, base, c.value, opt_.csv_safe);
    for (const Cell& c : extra_) row[cols_.index(format_path(c.path, base, true))] = c.value;
    std::string frags;
    for (const Fragment& f : flat_.fragments) frags += wrap_fragment(format_path({f.at, ""}, base, true), f.xml);
    if (!frags.empty()) row[cols_.index(kFragmentsHeading)] = frags;
    put_file_level(row, first_);
    first_.clear();
    write_strings(*csv_, row);
  }

  void end(const Header& trailer) override {
    auto after = trailer_cells(trailer);
    if (planning()) {
      for (const auto& [k, v] : after) meta_.add(kRootPrefix + k, {});
      cols_.finish();
      meta_.finish();
      ++pass_;
      return;
    }
    // No activity row carried the file-level values, or there is content after the activities: one more row.
    if (!first_.empty() || !after.empty()) {
      std::vector<std::string> row(width());
      put_file_level(row, first_);
      put_file_level(row, after);
      write_strings(*csv_, row);
    }
    csv_->flush();
  }

 private:
  bool planning() const { return pass_ == 0; }
  size_t width() const { return cols_.columns().size() + meta_.columns().size(); }
  void put_file_level(std::vector<std::string>& row, const std::vector<std::pair<std::string, std::string>>& cells) {
    for (const auto& [k, v] : cells) row[cols_.columns().size() + meta_.index(kRootPrefix + k)] = v;
  }

  Output& out_;
  WriteOptions opt_;
  LangRanks langs_;
  ColumnOrder order_;
  ColumnSet cols_, meta_;
  std::vector<std::pair<std::string, std::string>> first_;
  FlatRecord flat_;
  std::vector<Cell> extra_;
  std::unique_ptr<CsvWriter> csv_;
  int pass_ = 0;
};

// The table package: activity.csv, one <path>.csv per repeatable element, _xml.csv for fragments, and
// _meta.csv for file-level values.
class PackageWriter : public Sink {
 public:
  PackageWriter(DirOutput& dir, const WriteOptions& opt) : dir_(dir), opt_(opt) {}

  void begin(const Header& h) override {
    if (planning()) {
      table("activity", opt_.schema->activity(), {});
      return;
    }
    meta_ = std::make_unique<CsvWriter>(dir_.file("_meta.csv"), opt_.csv_bom);
    write_strings(*meta_, {"key", "value"});
    write_strings(*meta_, {"projconv-csv", "1"});
    for (const auto& [k, v] : meta_cells(h, false)) write_strings(*meta_, {k, v});
    for (auto& [name, t] : tables_) {
      t.csv = std::make_unique<CsvWriter>(dir_.file(name + ".csv"), opt_.csv_bom);
      std::vector<std::string> head = t.keys;
      for (const Column& c : t.cols.columns()) head.push_back(c.heading);
      write_strings(*t.csv, head);
    }
    if (fragments_) {
      xml_ = std::make_unique<CsvWriter>(dir_.file("_xml.csv"), opt_.csv_bom);
      write_strings(*xml_, {"iati-identifier", "iati-activity#", "at", "xml"});
    }
  }

  void record(Record& r) override {
    const ElementDef* act = opt_.schema->activity();
    flatten(r.activity(), act, flat_);
    extra_.clear();
    order_cells(flat_, tables_.at("activity").order, extra_);
    if (planning()) {
      for (const Cell* c : cells()) {
        if (is_identifier(c->path)) continue;  // the key column holds it
        TableCell tc = split_for_table(c->path, act);
        Table& t = table(tc.table, tc.def, tc.key_names);
        t.cols.add(format_path(tc.column, tc.def, false), t.order.key(tc.column));
      }
      fragments_ = fragments_ || !flat_.fragments.empty();
      return;
    }
    // This activity's rows per table, in key order (which is document order).
    std::map<std::string, std::map<std::vector<uint32_t>, std::vector<std::string>>> rows;
    rows["activity"][{}];  // every activity has its row, even one with only fragments
    for (const Cell* c : cells()) {
      if (is_identifier(c->path)) continue;
      TableCell tc = split_for_table(c->path, act);
      Table& t = tables_.at(tc.table);
      auto& row = rows[tc.table][tc.key];
      row.resize(t.cols.columns().size());
      row[t.cols.index(format_path(tc.column, tc.def, false))] = safe_value(c->path, act, c->value, opt_.csv_safe);
    }
    // The key column holds iati-identifier's whole text, as its cell would (all of its text pieces when
    // it has child elements too), since the reader takes the text from it.
    std::string id;
    for (const Cell& c : flat_.cells)
      if (is_identifier(c.path)) id = safe_value(c.path, act, c.value, opt_.csv_safe);
    std::string ordinal = std::to_string(r.index);
    for (auto& [name, keyed] : rows) {
      Table& t = tables_.at(name);
      for (auto& [key, cells] : keyed) {
        std::vector<std::string> out{id, ordinal};
        for (uint32_t o : key) out.push_back(std::to_string(o));
        cells.resize(t.cols.columns().size());
        out.insert(out.end(), cells.begin(), cells.end());
        write_strings(*t.csv, out);
      }
    }
    for (const Fragment& f : flat_.fragments) write_strings(*xml_, {id, ordinal, format_path({f.at, ""}, act, true), f.xml});
  }

  void end(const Header& trailer) override {
    if (planning()) {
      for (auto& [name, t] : tables_) t.cols.finish();
      ++pass_;
      return;
    }
    for (const auto& [k, v] : trailer_cells(trailer)) write_strings(*meta_, {k, v});
    meta_->flush();
    for (auto& [name, t] : tables_) t.csv->flush();
    if (xml_) xml_->flush();
  }

 private:
  struct Table {
    std::vector<std::string> keys;
    ColumnSet cols;
    ColumnOrder order;
    std::unique_ptr<CsvWriter> csv;
  };

  bool planning() const { return pass_ == 0; }
  static bool is_identifier(const CellPath& p) {
    return p.attr.empty() && p.steps.size() == 1 && p.steps[0].name == "iati-identifier" && p.steps[0].ordinal == 1;
  }
  std::vector<const Cell*> cells() const {
    std::vector<const Cell*> v;
    for (const Cell& c : flat_.cells) v.push_back(&c);
    for (const Cell& c : extra_) v.push_back(&c);
    return v;
  }
  Table& table(const std::string& name, const ElementDef* def, const std::vector<std::string>& key_names) {
    auto [it, fresh] = tables_.try_emplace(name);
    if (fresh) {
      it->second.order = ColumnOrder(def, &langs_);
      it->second.keys = {"iati-identifier", "iati-activity#"};
      for (const std::string& k : key_names) it->second.keys.push_back(k + "#");
    }
    return it->second;
  }

  DirOutput& dir_;
  WriteOptions opt_;
  LangRanks langs_;
  std::map<std::string, Table> tables_;
  FlatRecord flat_;
  std::vector<Cell> extra_;
  std::unique_ptr<CsvWriter> meta_, xml_;
  bool fragments_ = false;
  int pass_ = 0;
};

}  // namespace

std::unique_ptr<Sink> make_csv_writer(Output& out, const WriteOptions& opt) {
  return std::make_unique<WideWriter>(out, opt);
}

std::unique_ptr<Sink> make_csv_dir_writer(Output& out, const WriteOptions& opt) {
  return std::make_unique<PackageWriter>(dynamic_cast<DirOutput&>(out), opt);
}

}  // namespace projconv
