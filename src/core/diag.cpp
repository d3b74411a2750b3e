// The code table (layer, severity, wording) and the rendering of diagnostics to text.
#include "core/diag.hpp"

#include <algorithm>
#include <cstdio>

namespace projconv {

namespace {

// One row per code projconv can emit. Messages name the thing and quote the value, so a person can act.
const std::vector<CodeInfo> kCodes = {
    {"xml-syntax", "wellformed", Severity::Error, "The XML is not well-formed",
     "the XML is not well-formed: {detail}"},
    {"xml-unclosed", "wellformed", Severity::Error, "An element is not closed before the end of the file",
     "<{element}> is not closed before the end of the file"},
    {"xml-encoding", "wellformed", Severity::Error, "The file is in an encoding projconv does not read",
     "the file is encoded as {encoding}, which projconv cannot read: re-save it as UTF-8"},
    {"xml-encoding-mismatch", "wellformed", Severity::Error, "The XML declaration names another encoding",
     "the file is in {actual}, but its XML declaration says encoding=\"{declared}\": correct the declaration"},
    {"invalid-utf8", "wellformed", Severity::Error, "Bytes that are not valid UTF-8", "{detail}"},
    {"invalid-utf16", "wellformed", Severity::Error, "UTF-16 data that does not decode to characters", "{detail}"},
    {"xml-control-char", "wellformed", Severity::Error, "A control character XML does not allow", "{detail}"},
    {"xml-bad-char", "wellformed", Severity::Error, "A character XML does not allow", "{detail}"},
    {"bad-reference", "wellformed", Severity::Error, "An entity or character reference XML does not allow", "{detail}"},
    {"duplicate-attribute", "wellformed", Severity::Error, "An attribute given twice on one element", "{detail}"},
    {"xml-namespace", "wellformed", Severity::Error, "A namespace declaration or prefix that Namespaces in XML forbids",
     "{detail}"},
    {"doctype-not-allowed", "wellformed", Severity::Error, "A DOCTYPE with declarations is not allowed",
     "a DOCTYPE with an internal subset is not allowed in IATI data (entities are never expanded)"},
    {"json-syntax", "wellformed", Severity::Error, "The JSON is not well-formed",
     "the JSON is not well-formed: {detail}"},
    {"json-shape", "wellformed", Severity::Error, "The JSON does not have the projconv IATI shape",
     "{detail}"},
    {"duplicate-key", "wellformed", Severity::Warning, "A JSON object with the same member name twice",
     "the member \"{key}\" is given twice in one object (first at {first}); {detail}"},
    {"value-too-long", "wellformed", Severity::Error, "A value or item larger than projconv's cap",
     "{detail}; the cap keeps memory bounded, and real IATI data stays far below it"},
    {"too-deep", "wellformed", Severity::Error, "Nesting deeper than --max-depth",
     "the data is nested deeper than {limit} levels"},
    {"not-iati", "wellformed", Severity::Error, "The root element is not iati-activities",
     "the root element is <{root}>, not <iati-activities>: this is not an IATI activity file"},
    {"not-activity-file", "wellformed", Severity::Error, "An organisation file where activities are expected",
     "this is an IATI organisation file (<iati-organisations>), not an activity file; converting organisation "
     "files is not supported yet"},
    {"file-unreadable", "wellformed", Severity::Error, "A file that cannot be opened or read", "{detail}"},
    {"unknown-format", "usage", Severity::Error, "The data format cannot be told",
     "cannot tell the format of {what}: {detail}"},
    {"missing-element", "structure", Severity::Error, "A required element is missing",
     "<{element}> is missing in <{parent}> ({where})"},
    {"too-few", "structure", Severity::Error, "An element occurs fewer times than required",
     "<{parent}> needs at least {min} <{element}> ({where})"},
    {"too-many", "structure", Severity::Error, "An element occurs more often than allowed",
     "<{element}> may occur only {max} in <{parent}>; this one is too many"},
    {"element-order", "structure", Severity::Error, "Elements out of schema order",
     "<{element}> is out of order: it must come before <{before}>"},
    {"unexpected-element", "structure", Severity::Error, "An element that is not allowed here",
     "<{element}> is not allowed in <{parent}>: it is not part of IATI 2.03 here (extensions need their own namespace)"},
    {"missing-attribute", "structure", Severity::Error, "A required attribute is missing",
     "<{element}> needs the attribute @{attribute}"},
    {"unexpected-attribute", "structure", Severity::Error, "An attribute that is not allowed here",
     "@{attribute} is not an attribute of <{element}> (extensions need their own namespace)"},
    {"text-not-allowed", "structure", Severity::Error, "Text where only elements are allowed",
     "<{element}> cannot hold text; found \"{value}\""},
    {"bad-date", "structure", Severity::Error, "A date that is not YYYY-MM-DD",
     "{node} \"{value}\" is not a valid date: {reason}"},
    {"bad-datetime", "structure", Severity::Error, "A date-time that is not YYYY-MM-DDThh:mm:ss",
     "{node} \"{value}\" is not a valid date-time: {reason}"},
    {"bad-decimal", "structure", Severity::Error, "A number that is not a plain decimal",
     "{node} \"{value}\" is not a valid number: {reason}"},
    {"bad-boolean", "structure", Severity::Error, "A flag that is not true, false, 1 or 0",
     "{node} \"{value}\" is not a valid flag: {reason}"},
    {"bad-integer", "structure", Severity::Error, "A value that is not a whole number in range",
     "{node} \"{value}\" is not a valid whole number: {reason}"},
    {"bad-token", "structure", Severity::Error, "A token with spaces or other forbidden characters",
     "{node} \"{value}\" is not a valid token: {reason}"},
    {"bad-language", "structure", Severity::Error, "A language tag that is not well-formed",
     "{node} \"{value}\" is not a valid language tag: {reason}"},
    {"version-older", "structure", Severity::Note, "A 2.0x file older than 2.03",
     "this file declares IATI version {version}; it is checked against 2.03, the version projconv knows"},
    {"version-1x", "structure", Severity::Note, "A file from before IATI 2.0x",
     "this file declares IATI version {version}, which predates the 2.0x standard: it is checked against 2.03, so "
     "expect many structure findings; conversion still keeps everything"},
    {"identifier-empty", "rules", Severity::Error, "An empty iati-identifier",
     "the iati-identifier is empty: every activity needs a unique identifier"},
    {"identifier-duplicate", "rules", Severity::Error, "An iati-identifier used twice in one file",
     "the iati-identifier \"{value}\" is used by an earlier activity in this file; identifiers must be unique"},
    {"codelist-unknown", "codelists", Severity::Error, "A code that is not on its codelist",
     "{node} \"{value}\" is not a code of the {list} codelist"},
    {"codelist-case", "codelists", Severity::Warning, "A code written in the wrong letter case",
     "{node} \"{value}\" matches the {list} code \"{code}\" only when case is ignored; write it as \"{code}\""},
    {"codelist-withdrawn", "codelists", Severity::Warning, "A code that its codelist has withdrawn",
     "{node} \"{value}\" is a withdrawn code of the {list} codelist ({name})"},
    {"ruleset-invalid", "usage", Severity::Error, "A ruleset file that cannot be used",
     "ruleset {file}: {detail}"},
    {"csv-encoding", "wellformed", Severity::Error, "The CSV file is not in UTF-8",
     "the CSV file is encoded as {encoding}; projconv reads CSV in UTF-8 only: in your spreadsheet, save it as "
     "\"CSV UTF-8 (comma delimited)\" (or re-save it as UTF-8 in a text editor)"},
    {"csv-utf8", "wellformed", Severity::Error, "A CSV cell that is not valid UTF-8",
     "cell {cell} of record {record} is not valid UTF-8 ({detail}); the file is probably in another encoding, "
     "such as Windows-1252: re-save it as \"CSV UTF-8\""},
    {"csv-control-char", "wellformed", Severity::Error, "A control character in a CSV cell",
     "cell {cell} of record {record} holds the control character {char}, which XML cannot hold"},
    {"csv-nul", "wellformed", Severity::Error, "A NUL byte in a CSV file",
     "cell {cell} of record {record} holds a NUL byte, which CSV text cannot contain: is this a binary file, or "
     "one saved as UTF-16?"},
    {"csv-stray-quote", "wellformed", Severity::Error, "A quote that is not part of a quoted field",
     "{detail} in cell {cell} of record {record}: put the whole field in quotes and double every quote inside it "
     "(\"\")"},
    {"csv-unclosed-quote", "wellformed", Severity::Error, "A quoted CSV field that is never closed",
     "the quoted field in cell {cell} of record {record}, which starts here, is never closed: its closing quote "
     "(\") is missing"},
    {"field-too-long", "wellformed", Severity::Error, "A CSV field longer than the limit",
     "cell {cell} of record {record} is longer than {limit} bytes; often a missing closing quote makes the rest "
     "of the file one field"},
    {"record-too-long", "wellformed", Severity::Error, "A CSV record larger than the limit",
     "record {record} needs more than {limit} bytes of memory (at cell {cell}); is it really one record?"},
    {"csv-empty", "wellformed", Severity::Error, "A CSV file with no heading row", "the CSV file is empty"},
    {"csv-package", "wellformed", Severity::Error, "A folder that is not a projconv CSV package", "{detail}"},
    {"csv-unknown-heading", "wellformed", Severity::Error, "A CSV heading that is not a column path",
     "column {cell} \"{heading}\" is not a column of IATI activity data: {reason}"},
    {"csv-duplicate-heading", "wellformed", Severity::Error, "A CSV heading given twice",
     "column {cell} \"{heading}\" repeats an earlier heading"},
    {"csv-ragged-row", "wellformed", Severity::Error, "A CSV row with too many or too few cells",
     "row {record} has {found} cells where the heading row has {expected}"},
    {"csv-bad-cell", "wellformed", Severity::Error, "A CSV cell that cannot be placed in the activity",
     "cell {cell} (column \"{heading}\", row {record}) \"{value}\": {reason}"},
    {"csv-bad-key", "wellformed", Severity::Error, "A key cell that is not an ordinal",
     "cell {cell} (column \"{heading}\", row {record}) \"{value}\" is not an ordinal (1, 2, 3, ...)"},
    {"csv-duplicate-key", "wellformed", Severity::Error, "Two CSV rows with the same key",
     "cell {cell} (column \"{heading}\", row {record}): the key \"{value}\" is used by an earlier row"},
    {"csv-key-mismatch", "wellformed", Severity::Error, "A child row whose iati-identifier is not its activity's",
     "cell {cell} (row {record}): iati-identifier \"{value}\" differs from its activity's \"{expected}\""},
    {"csv-orphan-row", "wellformed", Severity::Error, "A child row with no activity",
     "row {record}: activity #{value} (\"{id}\") is not in activity.csv{rest}"},
    {"csv-out-of-order", "wellformed", Severity::Error, "A child row after its activity's place",
     "row {record}: activity #{value} (\"{id}\") comes earlier in activity.csv; keep each table in activity order{rest}"},
    {"csv-formula", "wellformed", Severity::Warning, "A text cell a spreadsheet would run as a formula",
     "cell {cell} (column \"{heading}\", row {record}) \"{value}\" starts like a formula; a spreadsheet may "
     "run it: check it is the data you meant"},
    {"mixed-content", "conversion", Severity::Warning, "Text mixed with elements is moved ahead of them",
     "<{element}> mixes text with child elements; the text is kept but written before the children"},
    {"root-text", "conversion", Severity::Warning, "Text directly in the root element",
     "<{element}> holds text of its own, which IATI does not allow; it is kept, without its surrounding whitespace"},
    {"pi-dropped", "conversion", Severity::Warning, "A processing instruction inside an activity is dropped",
     "the processing instruction <?{target}?> inside an activity cannot be represented and is dropped"},
};

}  // namespace

namespace {
std::vector<std::string>& loc_files() {
  static std::vector<std::string> names{""};
  return names;
}
}  // namespace

uint32_t intern_loc_file(const std::string& name) {
  auto& v = loc_files();
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i] == name) return static_cast<uint32_t>(i);
  v.push_back(name);
  return static_cast<uint32_t>(v.size() - 1);
}

const std::string& loc_file(uint32_t id) { return loc_files().at(id); }

const std::string& diag_file(const Diagnostic& d) { return d.loc.file ? loc_file(d.loc.file) : d.file; }

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

std::string_view Diagnostic::get(std::string_view key) const {
  for (const auto& [k, v] : facts)
    if (k == key) return v;
  return {};
}

const CodeInfo* find_code(std::string_view code) {
  for (const auto& c : kCodes)
    if (c.code == code) return &c;
  return nullptr;
}

const std::vector<CodeInfo>& all_codes() { return kCodes; }

Diagnostic make_diag(std::string_view code) {
  Diagnostic d;
  d.code = std::string(code);
  if (const CodeInfo* c = find_code(code)) {
    d.severity = c->severity;
    d.layer = std::string(c->layer);
  }
  return d;
}

namespace {

// A message quotes values, and a value can be megabytes long: past a few hundred bytes, its start is enough.
std::string clipped(std::string_view v) {
  constexpr size_t kShown = 200;
  if (v.size() <= kShown + 100) return std::string(v);
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
  return std::string(v.substr(0, cut)) + "... (" + std::to_string(v.size()) + " bytes in all)";
}

}  // namespace

std::string render_message(const Diagnostic& d) {
  const CodeInfo* c = find_code(d.code);
  std::string out;
  if (!d.activity.empty()) out += "activity " + clipped(d.activity) + ": ";
  if (!c) {
    // Ruleset findings carry their own words: the rule's message, then what was found.
    std::string_view msg = d.get("message"), detail = d.get("detail");
    out += msg;
    if (!msg.empty() && !detail.empty()) out += ": ";
    out += clipped(detail);
    return out;
  }
  std::string_view tpl = c->message;
  for (size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == '{') {
      size_t end = tpl.find('}', i);
      if (end != std::string_view::npos) {
        out += clipped(d.get(tpl.substr(i + 1, end - i - 1)));
        i = end;
        continue;
      }
    }
    out += tpl[i];
  }
  return out;
}

std::string render_text(const Diagnostic& d) {
  const std::string& file = diag_file(d);
  std::string out = file.empty() ? std::string("<input>") : file;
  if (d.loc.known()) out += ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col);
  out += ": ";
  out += to_string(d.severity);
  out += ": ";
  out += render_message(d);
  if (d.loc.heading) {
    // A CSV cell: say which, as a spreadsheet user sees it.
    std::string letters;
    for (uint32_t c = d.loc.col; c > 0; c = (c - 1) / 26) letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
    // Lines are physical; quoted line breaks make spreadsheet rows differ, so only the column is named.
    out += " (column " + letters + ", \"" + loc_file(d.loc.heading) + "\")";
  }
  out += " [" + d.code + "]";
  return out;
}

size_t CollectingReporter::count(Severity s) const {
  return static_cast<size_t>(std::count_if(diags.begin(), diags.end(), [s](const auto& d) { return d.severity == s; }));
}

}  // namespace projconv
