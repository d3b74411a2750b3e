// SARIF 2.1.0 report, for GitHub code scanning: results streamed, rules (stable ids, descriptions) listed after.
#include <unordered_map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "report/report.hpp"

namespace projconv {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void str(JsonWriter& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

const char* level(Severity s) {
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note";
}

// File paths as URI references: unreserved characters and '/' stay, the rest is percent-encoded.
std::string uri(std::string_view path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~' || c == '/')
      out += static_cast<char>(c);
    else
      out += {'%', hex[c >> 4], hex[c & 15]};
  }
  return out;
}

void location(JsonWriter& w, std::string_view file, const Loc& loc, std::string_view message) {
  w.StartObject();
  w.Key("physicalLocation");
  w.StartObject();
  w.Key("artifactLocation");
  w.StartObject();
  w.Key("uri");
  str(w, uri(file));
  w.EndObject();
  if (loc.known()) {
    w.Key("region");
    w.StartObject();
    w.Key("startLine");
    w.Uint(loc.line);
    if (loc.col) {
      w.Key("startColumn");
      w.Uint(loc.col);
    }
    w.EndObject();
  }
  w.EndObject();
  if (!message.empty()) {
    w.Key("message");
    w.StartObject();
    w.Key("text");
    str(w, message);
    w.EndObject();
  }
  w.EndObject();
}

class SarifReport : public Report {
 public:
  SarifReport(Output& out, size_t max_shown) : Report(out, max_shown) {
    out_.write(
        "{\"version\":\"2.1.0\",\"$schema\":\"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
        "sarif-schema-2.1.0.json\",\"runs\":[{\"columnKind\":\"unicodeCodePoints\",\"results\":[");
  }

  void emit(const Diagnostic& d) override {
    auto [it, fresh] = rule_index_.try_emplace(d.code, rules_.size());
    if (fresh) rules_.push_back(d);
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("ruleId");
    str(w, d.code);
    w.Key("ruleIndex");
    w.Uint64(it->second);
    w.Key("level");
    w.String(level(d.severity));
    w.Key("message");
    w.StartObject();
    w.Key("text");
    str(w, render_message(d));
    w.EndObject();
    w.Key("locations");
    w.StartArray();
    location(w, diag_file(d), d.loc, {});
    w.EndArray();
    if (!d.related.empty()) {
      w.Key("relatedLocations");
      w.StartArray();
      for (const Related& r : d.related) location(w, r.loc.file ? loc_file(r.loc.file) : diag_file(d), r.loc, r.note);
      w.EndArray();
    }
    if (!d.path.empty() || !d.activity.empty()) {
      w.Key("properties");
      w.StartObject();
      w.Key("activity");
      str(w, d.activity);
      w.Key("path");
      str(w, d.path);
      w.EndObject();
    }
    w.EndObject();
    out_.write(first_ ? "\n" : ",\n");
    first_ = false;
    out_.write(buf.GetString());
  }

  void finish(Summary) override {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("driver");
    w.StartObject();
    w.Key("name");
    w.String("projconv");
    w.Key("version");
    w.String(PROJCONV_VERSION);
    w.Key("informationUri");
    w.String("https://iatistandard.org/en/iati-standard/203/");
    w.Key("rules");
    w.StartArray();
    for (const Diagnostic& d : rules_) {
      const CodeInfo* info = find_code(d.code);
      w.StartObject();
      w.Key("id");
      str(w, d.code);
      w.Key("shortDescription");
      w.StartObject();
      w.Key("text");
      // Ruleset rules describe themselves in their message; our own codes in the code table.
      std::string_view text = info ? info->summary : d.get("message");
      str(w, text.empty() ? std::string_view(d.code) : text);
      w.EndObject();
      w.Key("defaultConfiguration");
      w.StartObject();
      w.Key("level");
      w.String(level(info ? info->severity : d.severity));
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    w.EndObject();
    out_.write("\n],\"tool\":");
    out_.write(buf.GetString());
    out_.write("}]}\n");
  }

 private:
  bool first_ = true;
  std::unordered_map<std::string, size_t> rule_index_;
  std::vector<Diagnostic> rules_;  // the first finding of each rule: enough to describe it
};

}  // namespace

std::unique_ptr<Report> make_sarif_report(Output& out, size_t max_shown) {
  return std::make_unique<SarifReport>(out, max_shown);
}

}  // namespace projconv
