// Implementation of the test helpers in support.hpp.
#include "support.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "check/rules.hpp"
#include "check/validator.hpp"
#include "formats/pipeline.hpp"

namespace fs = std::filesystem;

namespace projconv::test {

fs::path shared_dir(const char* why) {
  fs::path p = fs::path(PROJCONV_SHARED_DIR);
  if (fs::is_directory(p)) return p;
  std::printf("SKIP: %s needs ../shared, which is absent\n", why);
  return {};
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> files_in(const fs::path& dir, const std::string& ext, bool recursive) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  auto take = [&](const fs::directory_entry& e) {
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  };
  if (recursive)
    for (const auto& e : fs::recursive_directory_iterator(dir)) take(e);
  else
    for (const auto& e : fs::directory_iterator(dir)) take(e);
  std::sort(out.begin(), out.end());
  return out;
}

Converted convert_text(const std::string& input, const char* from, const char* to, const std::string& name) {
  auto src = Source::from_string(input, name);
  StringOutput out;
  CollectingReporter rep;
  ConvertOptions opt;
  opt.from = from ? format_by_name(from) : nullptr;
  opt.to = format_by_name(to);
  opt.file = name;
  Converted c;
  c.result = convert(*src, out, rep, opt).read;
  c.text = std::move(out.text);
  c.diags = std::move(rep.diags);
  return c;
}

std::string Validated::codes() const {
  std::string out;
  for (const auto& d : diags) out += d.code + "@" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ";";
  return out;
}

Through convert_through(const std::string& input, const char* from, const char* to, const char* back,
                        const fs::path& scratch) {
  Through t;
  const FormatInfo* mid = format_by_name(to);
  fs::path target = scratch / (mid->directory ? "package" : "data.csv");
  {
    auto src = Source::from_string(input, "in");
    CollectingReporter rep;
    ConvertOptions opt;
    opt.from = from ? format_by_name(from) : nullptr;
    opt.to = mid;
    opt.file = "in";
    std::unique_ptr<Output> out;
    if (mid->directory) out = std::make_unique<DirOutput>(target.string());
    else out = std::make_unique<FileOutput>(target.string());
    t.there = convert(*src, *out, rep, opt).read;
    for (auto& d : rep.diags) t.diags.push_back(std::move(d));
    if (t.there != ReadResult::Ok) return t;
    if (auto* d = dynamic_cast<DirOutput*>(out.get())) d->commit();
    else dynamic_cast<FileOutput*>(out.get())->commit();
  }
  std::unique_ptr<Source> src = mid->directory ? Source::from_string("", target.string()) : Source::open(target.string());
  StringOutput out;
  CollectingReporter rep;
  ConvertOptions opt;
  opt.from = mid;
  opt.to = format_by_name(back);
  opt.file = target.string();
  opt.path = target.string();
  t.back = convert(*src, out, rep, opt).read;
  t.text = std::move(out.text);
  for (auto& d : rep.diags) t.diags.push_back(std::move(d));
  return t;
}

Validated validate_text(const std::string& input, const std::string& layers, const std::string& name,
                        const std::vector<std::string>& rulesets) {
  ValidateOptions opt;
  opt.layers.parse(layers);
  for (const auto& r : rulesets) opt.rulesets.push_back(std::make_shared<const RuleSet>(RuleSet::load(r)));
  CollectingReporter rep;
  auto src = Source::from_string(input, name);
  const FormatInfo* fmt = format_by_content(src->peek(512));
  Validated v;
  if (!fmt) {
    v.result = ReadResult::DataError;
    return v;
  }
  ValidateResult res = validate(*src, *fmt, opt, rep, name);
  v.result = res.read;
  v.diags = std::move(rep.diags);
  v.errors = res.errors;
  return v;
}

namespace {

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

void canon(pugi::xml_node el, int depth, std::string& out) {
  out.append(static_cast<size_t>(depth) * 2, ' ');
  out += '<';
  out += el.name();
  std::vector<std::pair<std::string, std::string>> attrs;
  for (pugi::xml_attribute a : el.attributes()) attrs.emplace_back(a.name(), a.value());
  std::sort(attrs.begin(), attrs.end());
  for (const auto& [k, v] : attrs) out += " " + k + "=\"" + v + "\"";
  out += '>';
  std::string text;
  for (pugi::xml_node c : el.children())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
  if (!blank(text)) out += " text=[" + text + "]";
  out += '\n';
  std::map<std::string, std::vector<pugi::xml_node>> groups;
  for (pugi::xml_node c : el.children())
    if (c.type() == pugi::node_element) groups[c.name()].push_back(c);
  for (const auto& [name, nodes] : groups)
    for (pugi::xml_node c : nodes) canon(c, depth + 1, out);
}

}  // namespace

std::string canonical_xml(const std::string& xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!r) return std::string("<unparsable: ") + r.description() + ">";
  std::string out;
  canon(doc.document_element(), 0, out);
  return out;
}

std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  size_t line = 0;
  while (true) {
    bool ga = static_cast<bool>(std::getline(sa, la)), gb = static_cast<bool>(std::getline(sb, lb));
    ++line;
    if (!ga && !gb) return "(no difference)";
    if (!ga || !gb || la != lb)
      return "line " + std::to_string(line) + ":\n  - " + (ga ? la : "<end>") + "\n  + " + (gb ? lb : "<end>");
  }
}

}  // namespace projconv::test
