// JSON reports: one document with every finding and a summary (json), or one finding per line (jsonl).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "report/report.hpp"

namespace projconv {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void str(JsonWriter& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

// Every field of a diagnostic, facts included, so a consumer never has to parse the message.
std::string diagnostic_json(const Diagnostic& d) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("file");
  str(w, diag_file(d));
  w.Key("line");
  w.Uint(d.loc.line);
  w.Key("column");
  w.Uint(d.loc.col);
  w.Key("severity");
  str(w, to_string(d.severity));
  w.Key("code");
  str(w, d.code);
  w.Key("layer");
  str(w, d.layer.empty() ? std::string_view("rules") : std::string_view(d.layer));
  w.Key("activity");
  str(w, d.activity);
  w.Key("path");
  str(w, d.path);
  w.Key("value");
  str(w, d.get("value"));
  w.Key("message");
  str(w, render_message(d));
  w.Key("facts");
  w.StartObject();
  for (const auto& [k, v] : d.facts) {
    w.Key(k.c_str());
    str(w, v);
  }
  w.EndObject();
  w.Key("related");
  w.StartArray();
  for (const Related& r : d.related) {
    w.StartObject();
    w.Key("file");
    str(w, r.loc.file ? loc_file(r.loc.file) : diag_file(d));
    w.Key("line");
    w.Uint(r.loc.line);
    w.Key("column");
    w.Uint(r.loc.col);
    w.Key("path");
    str(w, r.path);
    w.Key("message");
    str(w, r.note);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

class JsonReport : public Report {
 public:
  JsonReport(Output& out, size_t max_shown) : Report(out, max_shown) {
    out_.write("{\"version\":1,\"tool\":{\"name\":\"projconv\",\"version\":\"" PROJCONV_VERSION "\"},\"diagnostics\":[");
  }
  void emit(const Diagnostic& d) override {
    out_.write(first_ ? "\n" : ",\n");
    first_ = false;
    out_.write(diagnostic_json(d));
  }
  void finish(Summary s) override {
    s = totals(s);
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("files");
    w.Uint64(s.files);
    w.Key("activities");
    w.Uint64(s.activities);
    w.Key("invalid");
    w.Uint64(s.invalid);
    w.Key("errors");
    w.Uint64(s.errors);
    w.Key("warnings");
    w.Uint64(s.warnings);
    w.Key("notes");
    w.Uint64(s.notes);
    w.Key("valid");
    w.Bool(s.errors == 0);
    w.Key("truncated");
    w.Bool(s.truncated);
    w.EndObject();
    out_.write("\n],\"summary\":");
    out_.write(buf.GetString());
    out_.write("}\n");
  }

 private:
  bool first_ = true;
};

class JsonlReport : public Report {
 public:
  using Report::Report;
  void emit(const Diagnostic& d) override { out_.write(diagnostic_json(d) + "\n"); }
  void finish(Summary) override {}
};

}  // namespace

std::unique_ptr<Report> make_json_report(Output& out, size_t max_shown) {
  return std::make_unique<JsonReport>(out, max_shown);
}
std::unique_ptr<Report> make_jsonl_report(Output& out, size_t max_shown) {
  return std::make_unique<JsonlReport>(out, max_shown);
}

}  // namespace projconv
