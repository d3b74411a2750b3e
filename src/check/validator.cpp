// Runs the validation layers record by record: structure, codelists, rules, and the file-level identifier checks.
#include "check/validator.hpp"

#include <sstream>

#include "check/codelists.hpp"
#include "check/rules.hpp"

namespace projconv {

std::string Layers::parse(const std::string& list) {
  structure = codelists = rules = false;
  std::stringstream ss(list);
  std::string word;
  while (std::getline(ss, word, ',')) {
    if (word == "wellformed") continue;  // always on: nothing can be checked in data that cannot be read
    if (word == "structure") structure = true;
    else if (word == "codelists") codelists = true;
    else if (word == "rules") rules = true;
    else return word.empty() ? std::string("(empty)") : word;
  }
  return {};
}

void CountingReporter::report(Diagnostic d) {
  if (d.severity == Severity::Error && d.layer == "wellformed") ++unreadable;
  switch (d.severity) {
    case Severity::Error: ++errors; break;
    case Severity::Warning: ++warnings; break;
    case Severity::Note: ++notes; break;
  }
  next_.report(std::move(d));
}

Validator::Validator(const ValidateOptions& opt, std::string file, Reporter& rep, Sink* next)
    : opt_(opt), file_(std::move(file)), rep_(rep), next_(next), structure_(Schema::builtin()) {
  if (opt_.layers.rules) {
    if (opt_.builtin_rules) rules_.push_back(&RuleSet::builtin());
    for (const auto& rs : opt_.rulesets) rules_.push_back(rs.get());
  }
}

Validator::~Validator() = default;

void Validator::begin(const Header& h) {
  header_ = &h;  // readers keep the header alive until end()
  check_version(h);
  if (opt_.layers.structure) structure_.check_header(h, file_, rep_);
  if (next_) next_->begin(h);
}

void Validator::record(Record& r) {
  ++activities_;
  size_t errors_before = rep_.errors;
  bool activity = r.activity().name() == std::string_view("iati-activity");
  {
    ReadOnlyTree fixed(r);  // the checks only read the tree; the next sink may change it
    if (opt_.layers.structure && activity) structure_.check_record(r, file_, rep_);
    if (opt_.layers.codelists) Codelists::builtin().check(r, file_, rep_);
    for (const RuleSet* rs : rules_) rs->check(r, file_, rep_);
    if (opt_.layers.rules && opt_.builtin_rules && activity) check_identifier(r);
  }
  if (rep_.errors > errors_before) ++invalid_;
  rep_.activity_checked(file_, r.identifier(), r.index, r.where.locate(r.activity()));
  if (next_) next_->record(r);
}

void Validator::end(const Header& trailer) {
  // A file whose activities could not be read has some, even if none became a record.
  if (opt_.layers.structure && header_ && rep_.unreadable == 0) structure_.check_end(activities_, *header_, file_, rep_);
  if (next_) next_->end(trailer);
}

void Validator::check_version(const Header& h) {
  pugi::xml_attribute attr = h.root().attribute("version");
  std::string v = attr.value();
  auto at = [&](Diagnostic d) {
    d.file = file_;
    d.path = "/" + std::string(h.root().name()) + "/@version";
    d.loc = h.where.locate(attr);
    rep_.report(std::move(d));
  };
  // The root is in no record, so its codelist binding (Version) is checked here, once per file.
  const Codelist* versions = Codelists::builtin().find("Version");
  if (attr && opt_.layers.codelists && versions && !versions->find(v)) {
    at(make_diag("codelist-unknown").fact("node", h.root().name() + std::string("/@version")).fact("value", v)
           .fact("list", "Version"));
    return;
  }
  if (v.empty() || v == Schema::builtin().version() || !opt_.layers.structure) return;
  if (v.rfind("1.", 0) == 0) at(make_diag("version-1x").fact("version", v).fact("value", v));
  else if (v.rfind("2.", 0) == 0) at(make_diag("version-older").fact("version", v).fact("value", v));
}

// Empty and duplicate identifiers: IATI's schema allows both, and both break every consumer downstream.
void Validator::check_identifier(const Record& r) {
  pugi::xml_node id = r.activity().child("iati-identifier");
  if (!id) return;  // the structure layer reports the missing element
  std::string text = r.identifier();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    Diagnostic d = make_diag("identifier-empty");
    d.file = file_;
    d.loc = r.where.locate(id);
    d.path = r.path_of(id);
    rep_.report(std::move(d));
    return;
  }
  auto [it, fresh] = ids_.try_emplace(text, Seen{r.where.locate(id), r.index});
  if (fresh) return;
  Diagnostic d = make_diag("identifier-duplicate").fact("value", text);
  d.file = file_;
  d.activity = text;
  d.loc = r.where.locate(id);
  d.path = r.path_of(id);
  std::string first = "/" + std::string(r.root().name()) + "/iati-activity[" + std::to_string(it->second.index) +
                      "]/iati-identifier[1]";
  d.related.push_back({it->second.loc, first, "first used here"});
  rep_.report(std::move(d));
}

}  // namespace projconv
