// JUnit XML report: a test suite per file and a test case per activity, so passing activities count as passes.
//
// Test counts stand in the opening tags, so the report is kept until the end: its size grows with the number
// of activities (about 100 bytes each), which suits the CI systems that read JUnit.
#include <map>

#include <pugixml.hpp>

#include "report/report.hpp"

namespace projconv {

namespace {

class JunitReport : public Report {
 public:
  using Report::Report;

  void emit(const Diagnostic& d) override {
    std::string file = diag_file(d);
    Case& c = d.activity.empty() && !d.loc.known() ? file_case(file) : activity_case(file, d);
    std::string line = render_text(d);
    // An input that could not be read is an error; a finding in the data is a failure.
    bool unreadable = d.layer == "wellformed";
    if (d.severity != Severity::Error) return;
    // The document is written at the end, so what it holds is capped per test case: memory must not follow
    // the number of findings. Every finding is still counted, and the text and JSON reports list them all.
    std::vector<Problem>& list = unreadable ? c.errors : c.failures;
    if (list.size() < kMaxPerCase) list.push_back({d.code, render_message(d), line});
    else ++c.more;
  }

  void on_activity(const std::string& file, const std::string& id, size_t index, Loc at) override {
    Case& c = suite(file).cases[index];
    c.name = id.empty() ? "activity #" + std::to_string(index) : id;
    c.line = at.line;
  }

  void finish(Summary) override {
    pugi::xml_document doc;
    pugi::xml_node decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    pugi::xml_node all = doc.append_child("testsuites");
    all.append_attribute("name") = "projconv";
    size_t tests = 0, failures = 0, errors = 0;
    for (auto& [file, s] : suites_) {
      pugi::xml_node ts = all.append_child("testsuite");
      size_t t = 0, f = 0, e = 0;
      ts.append_attribute("name") = file.c_str();
      for (auto& [index, c] : s.cases) {
        pugi::xml_node tc = ts.append_child("testcase");
        tc.append_attribute("classname") = file.c_str();
        tc.append_attribute("name") = c.name.empty() ? (index == 0 ? "file" : ("activity #" + std::to_string(index)).c_str())
                                                    : c.name.c_str();
        tc.append_attribute("file") = file.c_str();
        if (c.line) tc.append_attribute("line") = c.line;
        for (const Problem& p : c.failures) add(tc, "failure", p);
        for (const Problem& p : c.errors) add(tc, "error", p);
        if (c.more)
          add(tc, c.failures.empty() ? "error" : "failure",
              {"more", std::to_string(c.more) + " more errors in this activity are not listed here",
               "see projconv's text or JSON report for all of them"});
        ++t;
        f += !c.failures.empty() && c.errors.empty();
        e += !c.errors.empty();
      }
      ts.append_attribute("tests") = t;
      ts.append_attribute("failures") = f;
      ts.append_attribute("errors") = e;
      tests += t;
      failures += f;
      errors += e;
    }
    all.append_attribute("tests") = tests;
    all.append_attribute("failures") = failures;
    all.append_attribute("errors") = errors;
    struct W : pugi::xml_writer {
      Output& out;
      explicit W(Output& o) : out(o) {}
      void write(const void* d, size_t n) override { out.write(std::string_view(static_cast<const char*>(d), n)); }
    } w(out_);
    doc.save(w, "  ", pugi::format_indent, pugi::encoding_utf8);
  }

 private:
  struct Problem {
    std::string type, message, text;
  };
  struct Case {
    std::string name;
    unsigned line = 0;
    std::vector<Problem> failures, errors;
    size_t more = 0;  // errors past kMaxPerCase
  };
  static constexpr size_t kMaxPerCase = 100;
  struct Suite {
    std::map<size_t, Case> cases;  // by activity index; 0 is the file itself
  };

  static void add(pugi::xml_node tc, const char* kind, const Problem& p) {
    pugi::xml_node n = tc.append_child(kind);
    n.append_attribute("type") = p.type.c_str();
    n.append_attribute("message") = p.message.c_str();
    n.text() = p.text.c_str();
  }
  Suite& suite(const std::string& file) { return suites_[file]; }
  Case& file_case(const std::string& file) { return suite(file).cases[0]; }
  // Findings arrive before their activity is reported checked; the path holds its index.
  Case& activity_case(const std::string& file, const Diagnostic& d) {
    size_t index = 0;
    size_t open = d.path.find("-activity[");
    if (open == std::string::npos) open = d.path.find("-organisation[");
    if (open != std::string::npos) index = std::stoul(d.path.substr(d.path.find('[', open) + 1));
    return suite(file).cases[index];
  }

  std::map<std::string, Suite> suites_;
};

}  // namespace

std::unique_ptr<Report> make_junit_report(Output& out, size_t max_shown) {
  return std::make_unique<JunitReport>(out, max_shown);
}

}  // namespace projconv
