// Format detection: by extension first, then by the first meaningful byte of the content.
#include "formats/format.hpp"

#include <algorithm>
#include <cctype>
#include <sys/stat.h>

namespace projconv {

namespace {

// Skips a UTF-8 byte order mark and blanks; what follows decides the format.
char first_meaningful(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  for (char c : head)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c;
  return 0;
}

bool sniff_xml(std::string_view head) {
  // UTF-16 XML starts with a BOM or a 16-bit '<'; the reader then says how to fix it.
  if (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF") return true;
  return first_meaningful(head) == '<';
}

bool sniff_json(std::string_view head) {
  char c = first_meaningful(head);
  return c == '{' || c == '[';
}

bool sniff_never(std::string_view) { return false; }
// CSV is what is left when the content is neither XML nor JSON but looks like text.
bool sniff_csv(std::string_view head) {
  char c = first_meaningful(head);
  return c != 0 && c != '<' && c != '{' && c != '[';
}

const std::vector<FormatInfo> kFormats = {
    {"xml", {".xml"}, sniff_xml, read_xml, make_xml_writer},
    {"json", {".json"}, sniff_json, read_json, make_json_writer},
    {"csv", {".csv"}, sniff_csv, read_csv, make_csv_writer, true},
    {"csv-dir", {}, sniff_never, read_csv_dir, make_csv_dir_writer, true, true},
};

}  // namespace

const std::vector<FormatInfo>& formats() { return kFormats; }

const FormatInfo* format_by_name(std::string_view name) {
  for (const auto& f : kFormats)
    if (f.name == name) return &f;
  return nullptr;
}

const FormatInfo* format_by_path(std::string_view path) {
  // A folder (or a path ending in '/') is a CSV table package.
  struct stat st {};
  if ((!path.empty() && path.back() == '/') || (::stat(std::string(path).c_str(), &st) == 0 && S_ISDIR(st.st_mode)))
    return format_by_name("csv-dir");
  size_t slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = base.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  std::string ext(base.substr(dot));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const auto& f : kFormats)
    for (auto e : f.extensions)
      if (e == ext) return &f;
  return nullptr;
}

const FormatInfo* format_by_content(std::string_view head) {
  for (const auto& f : kFormats)
    if (f.sniff(head)) return &f;
  return nullptr;
}

}  // namespace projconv
