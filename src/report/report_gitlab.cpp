// GitLab Code Quality report: a JSON array of issues whose fingerprints are unique and survive line shifts.
#include <cstdint>
#include <cstdio>
#include <unordered_map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "report/report.hpp"

namespace projconv {

namespace {

uint64_t fnv1a(std::string_view s, uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

class GitlabReport : public Report {
 public:
  GitlabReport(Output& out, size_t max_shown) : Report(out, max_shown) { out_.write("["); }

  void emit(const Diagnostic& d) override {
    // File, activity, rule and element path identify a finding; the line does not (it moves with edits). The
    // occurrence count keeps two findings with the same identity apart.
    std::string identity = diag_file(d) + '\x1f' + d.activity + '\x1f' + d.code + '\x1f' + d.path;
    // Findings come activity by activity, and the identity names the activity: occurrences are counted
    // within one activity's run of findings, so the table holds one activity's worth, not the whole run's.
    std::string bucket = diag_file(d) + '\x1f' + d.activity;
    if (bucket != bucket_) {
      seen_.clear();
      bucket_ = std::move(bucket);
    }
    size_t n = ++seen_[identity];
    identity += '\x1f' + std::to_string(n);
    char fp[33];
    std::snprintf(fp, sizeof fp, "%016llx%016llx", static_cast<unsigned long long>(fnv1a(identity, 0xcbf29ce484222325ULL)),
                  static_cast<unsigned long long>(fnv1a(identity, 0x84222325cbf29ce4ULL)));
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("description");
    std::string msg = render_message(d);
    w.String(msg.c_str(), static_cast<rapidjson::SizeType>(msg.size()));
    w.Key("check_name");
    w.String(d.code.c_str(), static_cast<rapidjson::SizeType>(d.code.size()));
    w.Key("fingerprint");
    w.String(fp);
    w.Key("severity");
    w.String(d.severity == Severity::Error ? "major" : d.severity == Severity::Warning ? "minor" : "info");
    w.Key("location");
    w.StartObject();
    w.Key("path");
    const std::string& file = diag_file(d);
    w.String(file.c_str(), static_cast<rapidjson::SizeType>(file.size()));
    w.Key("lines");
    w.StartObject();
    w.Key("begin");
    w.Uint(d.loc.line ? d.loc.line : 1);
    w.EndObject();
    w.EndObject();
    w.EndObject();
    out_.write(first_ ? "\n" : ",\n");
    first_ = false;
    out_.write(buf.GetString());
  }

  void finish(Summary) override { out_.write("\n]\n"); }

 private:
  bool first_ = true;
  std::unordered_map<std::string, size_t> seen_;
  std::string bucket_;  // the file and activity whose findings seen_ counts
};

}  // namespace

std::unique_ptr<Report> make_gitlab_report(Output& out, size_t max_shown) {
  return std::make_unique<GitlabReport>(out, max_shown);
}

}  // namespace projconv
