// The IATI Ruleset engine: a ruleset parsed and compiled once, then its cases evaluated on each record.
#include "check/rules.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <regex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <pugixml.hpp>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "core/embedded.hpp"
#include "core/io.hpp"

namespace projconv {

RulesetError::RulesetError(const std::string& name, const std::string& detail)
    : std::runtime_error(name + ": " + detail), name_(name), detail_(detail) {}

namespace {

enum class Kind {
  NoMoreThanOne, AtLeastOne, OnlyOneOf, OneOrAll, Dependent, Sum, StrictSum, Range, DateOrder, DateNow,
  TimeLimit, BetweenDates, RegexMatches, RegexNoMatches, StartsWith, Unique, IfThen, Loop, NoSpaces
};

struct RuleName {
  std::string_view snake;  // the Python edition's spelling, and ours in findings
  std::string_view camel;  // the JS edition's method name, accepted as a spelling too
  Kind kind;
};

constexpr RuleName kRuleNames[] = {
    {"no_more_than_one", "noMoreThanOne", Kind::NoMoreThanOne},
    {"atleast_one", "atLeastOne", Kind::AtLeastOne},
    {"only_one_of", "onlyOneOf", Kind::OnlyOneOf},
    {"one_or_all", "oneOrAll", Kind::OneOrAll},
    {"dependent", "dependent", Kind::Dependent},
    {"sum", "sum", Kind::Sum},
    {"strict_sum", "strictSum", Kind::StrictSum},
    {"range", "range", Kind::Range},
    {"date_order", "dateOrder", Kind::DateOrder},
    {"date_now", "dateNow", Kind::DateNow},
    {"time_limit", "timeLimit", Kind::TimeLimit},
    {"between_dates", "betweenDates", Kind::BetweenDates},
    {"regex_matches", "regexMatches", Kind::RegexMatches},
    {"regex_no_matches", "regexNoMatches", Kind::RegexNoMatches},
    {"startswith", "startsWith", Kind::StartsWith},
    {"unique", "unique", Kind::Unique},
    {"if_then", "ifThen", Kind::IfThen},
    {"loop", "loop", Kind::Loop},
    {"no_spaces", "noSpaces", Kind::NoSpaces},
};

const RuleName* find_rule(std::string_view name) {
  for (const auto& r : kRuleNames)
    if (r.snake == name || r.camel == name) return &r;
  return nullptr;
}

std::string known_rules() {
  std::string out;
  for (const auto& r : kRuleNames) {
    if (!out.empty()) out += ", ";
    out += r.snake;
  }
  return out;
}

// An XPath of a case. `now` is the literal NOW of the date rules; `templated` an XPath holding the `$1`
// of a loop, compiled per value at check time (its text is known to compile with a sample value).
struct XPath {
  std::string text;
  std::shared_ptr<const pugi::xpath_query> query;
  bool now = false;
  bool templated = false;
  bool empty() const { return text.empty(); }
};

enum class AllKind { Lang, Sector, Geography, Currency };

struct Case {
  Kind kind = Kind::AtLeastOne;
  std::string rule;  // snake_case name
  std::string code;  // ruleInfo.id, else the rule name
  Severity severity = Severity::Error;
  std::string message;
  std::optional<XPath> condition;
  std::vector<XPath> paths, excluded, prefix;
  std::string separator;
  XPath one;
  AllKind all = AllKind::Lang;
  double target = 0;
  std::optional<double> min, max;
  XPath less, more, date, start, end, if_, then_;
  std::shared_ptr<const std::regex> regex;
  std::string regex_text;
  XPath foreach;
  std::vector<Case> body;  // a loop's `do` cases, in order
};

struct Context {
  std::string xpath;
  std::shared_ptr<const pugi::xpath_query> query;
  std::vector<Case> cases;
};

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim_xml(std::string_view s) {
  while (!s.empty() && is_xml_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_xml_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size())) s.replace(i, from.size(), to);
  return s;
}

// JSON numbers arrive as strings (the project parses with kParseNumbersAsStringsFlag); accept both forms.
std::optional<double> parse_number(std::string_view s) {
  s = trim_xml(s);
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s.front() == '-') return std::nullopt;
  }
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Up to four decimals, as the official validator rounds sums; no trailing zeros.
std::string format_number(double v) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool read_digits(std::string_view s, size_t& i, size_t n, int64_t& out) {
  if (i + n > s.size()) return false;
  out = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  i += n;
  return true;
}

// Seconds since 1970-01-01T00:00:00Z of an xsd:date or xsd:dateTime; a value without a time zone is taken
// as UTC. Anything else (an empty value, 2019-02-30, a space instead of T) is not a date: rules skip it,
// and the structure layer reports the malformed value.
std::optional<int64_t> parse_date(std::string_view s) {
  s = trim_xml(s);
  size_t i = 0;
  size_t ylen = 0;
  while (ylen < s.size() && s[ylen] >= '0' && s[ylen] <= '9') ++ylen;
  if (ylen < 4 || ylen > 9) return std::nullopt;
  int64_t y = 0, mo = 0, d = 0;
  if (!read_digits(s, i, ylen, y) || i >= s.size() || s[i++] != '-' || !read_digits(s, i, 2, mo) ||
      i >= s.size() || s[i++] != '-' || !read_digits(s, i, 2, d))
    return std::nullopt;
  static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1) return std::nullopt;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kMonthDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return std::nullopt;
  int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400;
  if (i < s.size() && s[i] == 'T') {
    ++i;
    int64_t hh = 0, mm = 0, ss = 0;
    if (!read_digits(s, i, 2, hh) || i >= s.size() || s[i++] != ':' || !read_digits(s, i, 2, mm)) return std::nullopt;
    bool fraction_nonzero = false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!read_digits(s, i, 2, ss)) return std::nullopt;
      if (i < s.size() && s[i] == '.') {
        size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') fraction_nonzero |= s[i++] != '0';
        if (i == start) return std::nullopt;
      }
    }
    if (hh > 24 || mm > 59 || ss > 59 || (hh == 24 && (mm || ss || fraction_nonzero))) return std::nullopt;
    secs += hh * 3600 + mm * 60 + ss;
  }
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i++] == '+' ? 1 : -1;
    int64_t th = 0, tm = 0;
    if (!read_digits(s, i, 2, th) || i >= s.size() || s[i++] != ':' || !read_digits(s, i, 2, tm)) return std::nullopt;
    if (th > 14 || tm > 59) return std::nullopt;
    secs -= sign * (th * 3600 + tm * 60);
  }
  if (i != s.size()) return std::nullopt;
  return secs;
}

// The string-value of a selected node: an attribute's value, a text node's text, an element's text content.
std::string text_of(const pugi::xpath_node& n) {
  if (n.attribute()) return n.attribute().value();
  pugi::xml_node x = n.node();
  if (x.type() == pugi::node_pcdata || x.type() == pugi::node_cdata) return x.value();
  std::string out;
  // Iterative walk: the tree's depth is bounded by the reader, but no walk here needs the stack.
  pugi::xml_node cur = x.first_child();
  while (cur) {
    if (cur.type() == pugi::node_pcdata || cur.type() == pugi::node_cdata) out += cur.value();
    if (cur.first_child()) {
      cur = cur.first_child();
      continue;
    }
    while (cur && cur != x && !cur.next_sibling()) cur = cur.parent();
    if (!cur || cur == x) break;
    cur = cur.next_sibling();
  }
  return out;
}

// A value worth quoting in a finding: attributes, text, and elements holding some text and nothing else.
std::optional<std::string> value_of(const pugi::xpath_node& n) {
  if (n.attribute()) return std::string(n.attribute().value());
  pugi::xml_node x = n.node();
  if (x.type() == pugi::node_pcdata || x.type() == pugi::node_cdata) return std::string(x.value());
  if (x.type() == pugi::node_element && !x.find_child([](pugi::xml_node c) { return c.type() == pugi::node_element; })) {
    std::string t = text_of(n);
    if (!trim_xml(t).empty()) return t;
  }
  return std::nullopt;
}

// How a finding names a node: `activity-date/@iso-date`, plus ` (type 3)` when the element has a type.
struct Name {
  std::string name;
  std::string qual;
};

Name name_of(const pugi::xpath_node& n) {
  Name out;
  pugi::xml_node owner;
  if (n.attribute()) {
    owner = n.parent();
    out.name = std::string(owner.name()) + "/@" + n.attribute().name();
    if (std::string_view(n.attribute().name()) == "type") owner = pugi::xml_node();
  } else if (n.node().type() == pugi::node_pcdata || n.node().type() == pugi::node_cdata) {
    out.name = std::string(n.node().parent().name()) + "/text()";
  } else {
    owner = n.node();
    out.name = owner.name();
  }
  if (owner) {
    std::string_view type = owner.attribute("type").value();
    if (!type.empty()) out.qual = " (type " + std::string(type) + ")";
  }
  return out;
}

std::string clip(std::string s) {
  constexpr size_t kMax = 120;
  if (s.size() <= kMax) return s;
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
  return s.substr(0, cut) + "…";
}

std::string quoted(std::string_view s) { return "\"" + clip(std::string(s)) + "\""; }

// `activity-date/@iso-date "2019-01-01" (type 1)`
std::string show(const pugi::xpath_node& n, const std::string& text) {
  Name nm = name_of(n);
  return nm.name + " " + quoted(text) + nm.qual;
}

std::string and_more(size_t n) { return n == 0 ? std::string() : " (and " + std::to_string(n) + " more)"; }

std::string count_of(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

Severity severity_of(std::string_view s) {
  std::string low(s);
  for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (low == "error" || low == "critical") return Severity::Error;
  if (low == "warning") return Severity::Warning;
  return Severity::Note;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

using JValue = rapidjson::Value;

class Parser {
 public:
  explicit Parser(const std::string& name) : name_(name) {}

  std::vector<Context> contexts(const rapidjson::Document& doc);
  size_t cases = 0, skipped = 0;

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw RulesetError(name_, where.empty() ? what : where + ": " + what);
  }
  std::shared_ptr<const pugi::xpath_query> compile(const std::string& text, const std::string& where,
                                                   const std::string& key, bool node_set) const;
  XPath xpath(const std::string& text, const std::string& where, const std::string& key, bool node_set,
              bool allow_now) const;
  std::optional<std::string> string_key(const JValue& c, const char* key, const std::string& where) const;
  std::vector<std::string> string_list(const JValue& c, const char* key, const std::string& where) const;
  XPath required_xpath(const JValue& c, const char* key, const std::string& where, bool node_set,
                       bool allow_now = false) const;
  std::vector<XPath> xpath_list(const JValue& c, const char* key, const std::string& where) const;
  std::optional<double> number_key(const JValue& c, const char* key, const std::string& where) const;
  const JValue* require(const JValue& c, const char* key, const std::string& where) const;
  std::optional<Case> parse_case(const JValue& c, const RuleName& rule, const std::string& where);
  void parse_rule(const JValue& body, const RuleName& rule, const std::string& where, std::vector<Case>& out,
                  bool in_loop);

  const std::string& name_;
  const std::vector<std::string>* subs_ = nullptr;  // keys whose `$1` a loop substitutes, while parsing its `do`
};

std::shared_ptr<const pugi::xpath_query> Parser::compile(const std::string& text, const std::string& where,
                                                         const std::string& key, bool node_set) const {
  std::shared_ptr<pugi::xpath_query> q;
  std::string problem;
  try {
    q = std::make_shared<pugi::xpath_query>(text.c_str());
    if (!*q)
      problem = std::string(q->result().description()) + " at character " + std::to_string(q->result().offset + 1);
  } catch (const pugi::xpath_exception& e) {
    problem = std::string(e.result().description()) + " at character " + std::to_string(e.result().offset + 1);
  }
  if (!problem.empty()) fail(where, "\"" + key + "\": the XPath " + quoted(text) + " does not compile: " + problem);
  if (node_set && q->return_type() != pugi::xpath_type_node_set)
    fail(where, "\"" + key + "\": the XPath " + quoted(text) + " must select nodes (it gives a " +
                    (q->return_type() == pugi::xpath_type_number    ? "number"
                     : q->return_type() == pugi::xpath_type_string  ? "string"
                     : q->return_type() == pugi::xpath_type_boolean ? "boolean"
                                                                    : "value") +
                    ")");
  return q;
}

XPath Parser::xpath(const std::string& text, const std::string& where, const std::string& key, bool node_set,
                    bool allow_now) const {
  XPath x;
  x.text = text;
  if (allow_now && text == "NOW") {
    x.now = true;
    return x;
  }
  bool subbed = subs_ && std::find(subs_->begin(), subs_->end(), key) != subs_->end();
  if (subbed && text.find("$1") != std::string::npos) {
    // The loop's values are known only per record; compiling with a sample value finds mistakes now.
    compile(replace_all(text, "$1", "1"), where, key, node_set);
    x.templated = true;
    return x;
  }
  x.query = compile(text, where, key, node_set);
  return x;
}

const JValue* Parser::require(const JValue& c, const char* key, const std::string& where) const {
  auto it = c.FindMember(key);
  if (it == c.MemberEnd()) fail(where, std::string("the key \"") + key + "\" is required for this rule");
  return &it->value;
}

std::optional<std::string> Parser::string_key(const JValue& c, const char* key, const std::string& where) const {
  auto it = c.FindMember(key);
  if (it == c.MemberEnd()) return std::nullopt;
  if (!it->value.IsString()) fail(where, std::string("\"") + key + "\" must be a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// A list of strings; a single string is taken as a list of one (the JS edition accepts `"prefix": "..."`).
std::vector<std::string> Parser::string_list(const JValue& c, const char* key, const std::string& where) const {
  const JValue* v = require(c, key, where);
  std::vector<std::string> out;
  if (v->IsString()) {
    out.emplace_back(v->GetString(), v->GetStringLength());
    return out;
  }
  if (!v->IsArray()) fail(where, std::string("\"") + key + "\" must be an array of XPath strings");
  for (const auto& e : v->GetArray()) {
    if (!e.IsString()) fail(where, std::string("\"") + key + "\" must be an array of XPath strings");
    out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return out;
}

XPath Parser::required_xpath(const JValue& c, const char* key, const std::string& where, bool node_set,
                             bool allow_now) const {
  require(c, key, where);
  return xpath(*string_key(c, key, where), where, key, node_set, allow_now);
}

std::vector<XPath> Parser::xpath_list(const JValue& c, const char* key, const std::string& where) const {
  std::vector<XPath> out;
  for (const auto& s : string_list(c, key, where)) out.push_back(xpath(s, where, key, true, false));
  return out;
}

std::optional<double> Parser::number_key(const JValue& c, const char* key, const std::string& where) const {
  auto it = c.FindMember(key);
  if (it == c.MemberEnd()) return std::nullopt;
  std::optional<double> v;
  if (it->value.IsString()) v = parse_number({it->value.GetString(), it->value.GetStringLength()});
  else if (it->value.IsNumber()) v = it->value.GetDouble();
  if (!v) fail(where, std::string("\"") + key + "\" must be a number");
  return v;
}

std::optional<Case> Parser::parse_case(const JValue& c, const RuleName& rule, const std::string& where) {
  if (!c.IsObject()) fail(where, "a case must be an object");
  Case k;
  k.kind = rule.kind;
  k.rule = std::string(rule.snake);
  k.code = k.rule;

  if (auto id = string_key(c, "idCondition", where)) {
    if (*id == "NOT_EXISTING_ORG_ID" || *id == "NOT_EXISTING_ORG_ID_PREFIX") return std::nullopt;  // online only
    fail(where, "unknown idCondition " + quoted(*id) + " (known: NOT_EXISTING_ORG_ID, NOT_EXISTING_ORG_ID_PREFIX)");
  }
  auto info = c.FindMember("ruleInfo");
  if (info != c.MemberEnd()) {
    if (!info->value.IsObject()) fail(where, "\"ruleInfo\" must be an object");
    if (auto id = string_key(info->value, "id", where + ", ruleInfo"); id && !id->empty()) k.code = *id;
    if (auto sev = string_key(info->value, "severity", where + ", ruleInfo")) k.severity = severity_of(*sev);
    if (auto msg = string_key(info->value, "message", where + ", ruleInfo")) k.message = *msg;
  }
  if (auto cond = string_key(c, "condition", where)) k.condition = xpath(*cond, where, "condition", false, false);

  switch (rule.kind) {
    case Kind::NoMoreThanOne:
    case Kind::AtLeastOne:
    case Kind::Dependent:
    case Kind::Unique:
    case Kind::NoSpaces:
      k.paths = xpath_list(c, "paths", where);
      break;
    case Kind::OnlyOneOf:
      k.excluded = xpath_list(c, "excluded", where);
      k.paths = xpath_list(c, "paths", where);
      break;
    case Kind::OneOrAll: {
      k.one = required_xpath(c, "one", where, false);
      require(c, "all", where);
      std::string all = *string_key(c, "all", where);
      if (all == "lang") k.all = AllKind::Lang;
      else if (all == "sector") k.all = AllKind::Sector;
      else if (all == "recipient-country|recipient-region") k.all = AllKind::Geography;
      else if (all == "currency") k.all = AllKind::Currency;
      else
        fail(where, "\"all\" must be one of \"lang\", \"sector\", \"recipient-country|recipient-region\", "
                    "\"currency\", not " + quoted(all));
      break;
    }
    case Kind::Sum:
    case Kind::StrictSum:
      k.paths = xpath_list(c, "paths", where);
      require(c, "sum", where);
      k.target = *number_key(c, "sum", where);
      break;
    case Kind::Range:
      k.paths = xpath_list(c, "paths", where);
      k.min = number_key(c, "min", where);
      k.max = number_key(c, "max", where);
      break;
    case Kind::DateOrder:
      k.less = required_xpath(c, "less", where, true, true);
      k.more = required_xpath(c, "more", where, true, true);
      break;
    case Kind::DateNow:
      k.date = required_xpath(c, "date", where, true, false);
      break;
    case Kind::TimeLimit:
      k.start = required_xpath(c, "start", where, true, true);
      k.end = required_xpath(c, "end", where, true, true);
      break;
    case Kind::BetweenDates:
      k.date = required_xpath(c, "date", where, true, false);
      k.start = required_xpath(c, "start", where, true, true);
      k.end = required_xpath(c, "end", where, true, true);
      break;
    case Kind::RegexMatches:
    case Kind::RegexNoMatches: {
      k.paths = xpath_list(c, "paths", where);
      require(c, "regex", where);
      k.regex_text = *string_key(c, "regex", where);
      try {
        auto flags = std::regex::ECMAScript;
#if defined(__GLIBCXX__)
        // libstdc++'s default matcher recurses once per input character; this one does not, so a long
        // value cannot exhaust the stack. It refuses back-references, which rulesets do not use.
        flags |= std::regex_constants::__polynomial;
#endif
        k.regex = std::make_shared<const std::regex>(k.regex_text, flags);
      } catch (const std::regex_error& e) {
        fail(where, "the regex " + quoted(k.regex_text) + " does not compile: " + e.what());
      }
      break;
    }
    case Kind::StartsWith: {
      k.paths = xpath_list(c, "paths", where);
      std::vector<std::string> prefixes;
      if (c.HasMember("prefix")) prefixes = string_list(c, "prefix", where);
      else if (c.HasMember("start")) prefixes = string_list(c, "start", where);  // the Python edition's key
      else fail(where, "the key \"prefix\" (or \"start\") is required for this rule");
      bool online = false;
      for (const auto& p : prefixes) {
        if (p == "ORG-ID-PREFIX") online = true;  // the Registry's list of agency prefixes: online only
        else k.prefix.push_back(xpath(p, where, "prefix", true, false));
      }
      if (online && k.prefix.empty()) return std::nullopt;
      if (auto sep = string_key(c, "separator", where)) k.separator = *sep;
      break;
    }
    case Kind::IfThen:
      k.if_ = required_xpath(c, "if", where, false);
      k.then_ = required_xpath(c, "then", where, false);
      if (c.HasMember("paths")) k.paths = xpath_list(c, "paths", where);
      break;
    case Kind::Loop:
      break;  // parse_rule handles loops
  }
  return k;
}

void Parser::parse_rule(const JValue& body, const RuleName& rule, const std::string& where, std::vector<Case>& out,
                        bool in_loop) {
  if (!body.IsObject()) fail(where, "a rule must be an object with \"cases\"");
  auto list = body.FindMember("cases");
  if (list == body.MemberEnd() || !list->value.IsArray()) fail(where, "a rule needs a \"cases\" array");
  size_t i = 0;
  for (const auto& c : list->value.GetArray()) {
    std::string at = where + ", case " + std::to_string(++i);
    if (rule.kind != Kind::Loop) {
      if (auto k = parse_case(c, rule, at)) {
        out.push_back(std::move(*k));
        ++cases;
      } else {
        ++skipped;
      }
      continue;
    }
    // A loop: its `do` holds ordinary rules, one level deep, whose `$1` takes each `foreach` value.
    if (in_loop) fail(at, "a loop cannot hold another loop");
    if (!c.IsObject()) fail(at, "a case must be an object");
    Case loop;
    loop.kind = Kind::Loop;
    loop.rule = "loop";
    loop.code = "loop";
    loop.foreach = required_xpath(c, "foreach", at, true);
    std::vector<std::string> subs;
    if (c.HasMember("subs")) subs = string_list(c, "subs", at);
    static const char* kSubbable[] = {"paths", "excluded", "prefix", "condition", "if", "then", "one",
                                      "less", "more", "date", "start", "end"};
    for (const auto& s : subs)
      if (std::none_of(std::begin(kSubbable), std::end(kSubbable), [&](const char* k) { return s == k; }))
        fail(at, "\"subs\" names " + quoted(s) + ", which is not an XPath key of a case");
    const JValue* dos = require(c, "do", at);
    if (!dos->IsObject()) fail(at, "\"do\" must be an object of rules");
    subs_ = &subs;
    for (const auto& m : dos->GetObject()) {
      std::string name(m.name.GetString(), m.name.GetStringLength());
      const RuleName* inner = find_rule(name);
      std::string inner_at = at + ", do \"" + name + "\"";
      if (!inner) fail(inner_at, "unknown rule " + quoted(name) + " (known: " + known_rules() + ")");
      parse_rule(m.value, *inner, inner_at, loop.body, true);
    }
    subs_ = nullptr;
    out.push_back(std::move(loop));
  }
}

std::vector<Context> Parser::contexts(const rapidjson::Document& doc) {
  if (!doc.IsObject()) fail("", "a ruleset must be a JSON object of context XPaths");
  std::vector<Context> out;
  for (const auto& m : doc.GetObject()) {
    Context ctx;
    ctx.xpath.assign(m.name.GetString(), m.name.GetStringLength());
    std::string where = "context " + quoted(ctx.xpath);
    ctx.query = compile(ctx.xpath, where, "context", true);
    if (!m.value.IsObject()) fail(where, "a context must map rule names to rules");
    for (const auto& rm : m.value.GetObject()) {
      std::string name(rm.name.GetString(), rm.name.GetStringLength());
      const RuleName* rule = find_rule(name);
      std::string at = where + ", rule \"" + name + "\"";
      if (!rule) fail(at, "unknown rule " + quoted(name) + " (known: " + known_rules() + ")");
      parse_rule(rm.value, *rule, at, ctx.cases, false);
    }
    out.push_back(std::move(ctx));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

struct Compiled {
  std::string name;
  std::vector<Context> contexts;
  size_t cases = 0, skipped = 0;

  // Loop XPaths by their final text; bounded, since the values come from the data.
  mutable std::mutex cache_mutex;
  mutable std::unordered_map<std::string, std::shared_ptr<const pugi::xpath_query>> cache;

  std::shared_ptr<const pugi::xpath_query> resolve(const XPath& x, const std::string* value) const {
    if (!x.templated) return x.query;
    std::string text = replace_all(x.text, "$1", value ? *value : std::string());
    std::lock_guard<std::mutex> lock(cache_mutex);
    auto it = cache.find(text);
    if (it != cache.end()) return it->second;
    std::shared_ptr<const pugi::xpath_query> q;
    try {
      auto made = std::make_shared<pugi::xpath_query>(text.c_str());
      if (*made) q = std::move(made);
    } catch (const pugi::xpath_exception&) {
      // A value that breaks the XPath cannot be checked; the case is skipped for it.
    }
    if (cache.size() >= 4096) cache.clear();
    cache.emplace(std::move(text), q);
    return q;
  }
};

struct Dated {
  pugi::xpath_node node;  // empty for NOW
  std::string text;
  std::optional<int64_t> t;
};

// One finding before it becomes a Diagnostic.
struct Finding {
  pugi::xpath_node at;  // empty: the context element
  std::string detail;
  std::optional<std::string> value;
  std::vector<Related> related;
};

class Run {
 public:
  Run(const Compiled& set, const Record& r, const std::string& file, Reporter& rep)
      : set_(set), r_(r), file_(file), rep_(rep), activity_(r.identifier()), now_(std::time(nullptr)) {}

  void context(const Context& ctx) {
    auto nodes = ctx.query->evaluate_node_set(r_.doc);
    nodes.sort();
    for (const auto& n : nodes) {
      if (!n.node() || n.attribute()) continue;  // a context is an element
      ctx_ = n.node();
      ctx_xpath_ = &ctx.xpath;
      for (const auto& c : ctx.cases) {
        if (c.kind == Kind::Loop) run_loop(c);
        else run_case(c);
      }
    }
  }

 private:
  // --- XPath helpers; a loop XPath that does not compile for this value yields nothing and is false.
  std::string text(const XPath& x) const { return x.templated && value_ ? replace_all(x.text, "$1", *value_) : x.text; }

  std::vector<pugi::xpath_node> nodes(const XPath& x) const {
    std::vector<pugi::xpath_node> out;
    auto q = set_.resolve(x, value_);
    if (!q || q->return_type() != pugi::xpath_type_node_set) return out;
    auto ns = q->evaluate_node_set(ctx_);
    ns.sort();
    out.assign(ns.begin(), ns.end());
    return out;
  }

  std::vector<pugi::xpath_node> nodes(const std::vector<XPath>& xs) const {
    std::vector<pugi::xpath_node> out;
    for (const auto& x : xs) {
      auto part = nodes(x);
      out.insert(out.end(), part.begin(), part.end());
    }
    return out;
  }

  // XPath's boolean(): a node-set is true when not empty. (The JS validator takes any node-set as true.)
  bool truth(const XPath& x) const {
    auto q = set_.resolve(x, value_);
    return q && q->evaluate_boolean(ctx_);
  }

  std::vector<Dated> dates(const XPath& x) const {
    std::vector<Dated> out;
    if (x.now) {
      out.push_back({pugi::xpath_node(), "", now_});
      return out;
    }
    for (const auto& n : nodes(x)) {
      std::string s = text_of(n);
      auto t = parse_date(s);
      out.push_back({n, std::move(s), t});
    }
    return out;
  }

  std::string list(const std::vector<XPath>& xs) const {
    std::string out;
    for (const auto& x : xs) {
      if (!out.empty()) out += ", ";
      out += quoted(text(x));
    }
    return out;
  }

  // --- reporting
  Loc loc_of(const pugi::xpath_node& n) const {
    Loc l = n.attribute() ? r_.where.locate(n.attribute()) : r_.where.locate(n.node());
    return l.known() ? l : r_.where.locate(r_.activity());
  }

  std::string node_path(pugi::xml_node n) const {
    pugi::xml_node act = r_.activity();
    for (pugi::xml_node p = n; p; p = p.parent())
      if (p == act) return r_.path_of(n);
    if (n.type() == pugi::node_element) return "/" + std::string(n.name());  // the copy of the file's root
    return "/";
  }

  std::string path_of(const pugi::xpath_node& n) const {
    if (n.attribute()) return node_path(n.parent()) + "/@" + n.attribute().name();
    pugi::xml_node x = n.node();
    if (x.type() == pugi::node_pcdata || x.type() == pugi::node_cdata) return node_path(x.parent()) + "/text()";
    return node_path(x);
  }

  Related related(const pugi::xpath_node& n, std::string note) const { return {loc_of(n), path_of(n), std::move(note)}; }

  void emit(const Case& c, Finding f) const {
    pugi::xpath_node at = f.at ? f.at : pugi::xpath_node(ctx_);
    Diagnostic d;
    d.code = c.code;
    d.layer = "rules";
    d.severity = c.severity;
    d.file = file_;
    d.activity = activity_;
    d.loc = loc_of(at);
    d.path = path_of(at);
    d.fact("message", c.message).fact("detail", std::move(f.detail));
    if (f.value) d.fact("value", std::move(*f.value));
    d.fact("rule", c.rule).fact("context", *ctx_xpath_);
    d.related = std::move(f.related);
    rep_.report(std::move(d));
  }

  // --- rules
  void run_loop(const Case& loop) {
    std::vector<std::string> values;
    for (const auto& n : nodes(loop.foreach)) {
      std::string v = text_of(n);
      // A quote would end the XPath string literal the value is put in; such a value cannot be a code.
      if (v.find_first_of("'\"") != std::string::npos) continue;
      if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(std::move(v));
    }
    for (const auto& c : loop.body) {
      for (const auto& v : values) {
        value_ = &v;
        run_case(c);
      }
    }
    value_ = nullptr;
  }

  void run_case(const Case& c) {
    if (c.condition && !truth(*c.condition)) return;
    switch (c.kind) {
      case Kind::AtLeastOne: return at_least_one(c);
      case Kind::NoMoreThanOne: return no_more_than_one(c);
      case Kind::OnlyOneOf: return only_one_of(c);
      case Kind::OneOrAll: return one_or_all(c);
      case Kind::Dependent: return dependent(c);
      case Kind::Sum:
      case Kind::StrictSum: return sum(c);
      case Kind::Range: return range(c);
      case Kind::DateOrder: return date_order(c);
      case Kind::DateNow: return date_now(c);
      case Kind::TimeLimit: return time_limit(c);
      case Kind::BetweenDates: return between_dates(c);
      case Kind::RegexMatches:
      case Kind::RegexNoMatches: return regex(c);
      case Kind::StartsWith: return starts_with(c);
      case Kind::Unique: return unique(c);
      case Kind::IfThen: return if_then(c);
      case Kind::NoSpaces: return no_spaces(c);
      case Kind::Loop: return;
    }
  }

  void at_least_one(const Case& c) {
    if (!nodes(c.paths).empty()) return;
    std::string detail = c.paths.empty()       ? std::string("the case lists no paths, so nothing can be found")
                         : c.paths.size() == 1 ? "no " + list(c.paths) + " is present"
                                               : "none of " + list(c.paths) + " is present";
    emit(c, {{}, detail + " in " + ctx_.name(), std::nullopt, {}});
  }

  void no_more_than_one(const Case& c) {
    auto ns = nodes(c.paths);
    if (ns.size() <= 1) return;
    emit(c, {ns[1], std::to_string(ns.size()) + " found for " + list(c.paths) + "; at most one is allowed",
             value_of(ns[1]), {related(ns[0], "the first one")}});
  }

  void only_one_of(const Case& c) {
    auto ns = nodes(c.paths);
    for (const auto& ex : c.excluded) {
      auto exn = nodes(ex);
      if (!exn.empty()) {
        if (ns.empty()) continue;
        emit(c, {ns[0], quoted(text(ex)) + " is present, so " + list(c.paths) + " must not be",
                 value_of(ns[0]), {related(exn[0], "the element that excludes it")}});
        return;
      }
      if (ns.size() == 1) continue;
      emit(c, {ns.size() > 1 ? ns[1] : pugi::xpath_node(),
               "expected exactly one of " + list(c.paths) + " when " + quoted(text(ex)) + " is absent, found " +
                   std::to_string(ns.size()),
               std::nullopt, {}});
      return;
    }
  }

  void one_or_all(const Case& c) {
    if (truth(c.one)) return;
    // Which elements must each carry what `one` would have given them all.
    static const pugi::xpath_query kLang("descendant::narrative[not(@xml:lang)]");
    static const pugi::xpath_query kSector("transaction[not(sector)]");
    static const pugi::xpath_query kGeo("transaction[not(recipient-country or recipient-region)]");
    static const pugi::xpath_query kCurrency(
        "descendant::value[not(@currency)] | descendant::forecast[not(@currency)] | "
        "descendant::loan-status[not(@currency)]");
    struct Need {
      const pugi::xpath_query* query;
      const char* one;
      const char* many;
    };
    static const Need kNeeds[] = {
        {&kLang, "narrative lacks @xml:lang", "narratives lack @xml:lang"},
        {&kSector, "transaction has no sector", "transactions have no sector"},
        {&kGeo, "transaction has no recipient-country or recipient-region",
         "transactions have no recipient-country or recipient-region"},
        {&kCurrency, "amount (value, forecast, loan-status) lacks @currency",
         "amounts (value, forecast, loan-status) lack @currency"},
    };
    const Need& need = kNeeds[static_cast<size_t>(c.all)];
    const pugi::xpath_query* q = need.query;
    const char* one = need.one;
    const char* many = need.many;
    auto ns = q->evaluate_node_set(ctx_);
    if (ns.empty()) return;
    ns.sort();
    emit(c, {ns[0], ctx_.name() + std::string(" has no ") + quoted(text(c.one)) + ", and " + count_of(ns.size(), one, many),
             std::nullopt, {}});
  }

  void dependent(const Case& c) {
    std::vector<XPath> present, missing;
    for (const auto& p : c.paths) (nodes(p).empty() ? missing : present).push_back(p);
    if (present.empty() || missing.empty()) return;
    emit(c, {{}, list(present) + (present.size() == 1 ? " is" : " are") + " present but " + list(missing) +
                     (missing.size() == 1 ? " is" : " are") + " missing in " + ctx_.name(),
             std::nullopt, {}});
  }

  void sum(const Case& c) {
    auto ns = nodes(c.paths);
    if (ns.empty() && c.kind == Kind::Sum) return;  // `sum` holds when there is nothing to add up
    double total = 0;
    std::vector<std::string> names;
    for (const auto& n : ns) {
      std::string s = text_of(n);
      std::string name = name_of(n).name;
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      if (trim_xml(s).empty()) continue;
      auto v = parse_number(s);
      if (!v) {
        emit(c, {n, show(n, s) + " is not a number, so the values cannot be added up", s, {}});
        return;
      }
      total += *v;
    }
    // Compared at four decimals, as the IATI validator does: 33.33 + 33.33 + 33.34 is 100.
    if (std::round(total * 1e4) == std::round(c.target * 1e4)) return;
    std::string what;
    for (const auto& n : names) what += (what.empty() ? "" : " and ") + n;
    std::string detail = ns.empty() ? "no " + list(c.paths) + " is present, so the sum is 0, not " + format_number(c.target)
                                    : what + " values sum to " + format_number(total) + ", not " + format_number(c.target);
    // Percentages are summed per vocabulary; say which, as a loop over vocabularies does not.
    std::string vocabulary;
    bool one_vocabulary = !ns.empty();
    for (const auto& n : ns) {
      pugi::xml_node owner = n.attribute() ? n.parent() : n.node();
      std::string_view v = owner.attribute("vocabulary").value();
      if (v.empty()) v = owner.parent().attribute("vocabulary").value();
      if (v.empty() || (!vocabulary.empty() && v != vocabulary)) one_vocabulary = false;
      vocabulary = v;
    }
    if (one_vocabulary) detail += " in vocabulary " + quoted(vocabulary);
    emit(c, {ns.empty() ? pugi::xpath_node() : ns[0], detail, format_number(total), {}});
  }

  void range(const Case& c) {
    std::optional<Finding> first;
    size_t more = 0;
    for (const auto& n : nodes(c.paths)) {
      std::string s = text_of(n);
      if (trim_xml(s).empty()) continue;  // nothing to compare; the structure layer reports empty numbers
      auto v = parse_number(s);
      std::string problem;
      if (!v) problem = "is not a number";
      else if (c.min && *v < *c.min) problem = "is below the minimum " + format_number(*c.min);
      else if (c.max && *v > *c.max) problem = "is above the maximum " + format_number(*c.max);
      if (problem.empty()) continue;
      if (first) ++more;
      else first = Finding{n, show(n, s) + " " + problem, s, {}};
    }
    if (!first) return;
    first->detail += and_more(more);
    emit(c, std::move(*first));
  }

  // Pairs of two date lists: one against each of many, else the i-th with the i-th (a budget's start with
  // its own end when the context holds several budgets).
  template <typename F>
  static void pairs(const std::vector<Dated>& a, const std::vector<Dated>& b, F f) {
    if (a.size() == 1 || b.size() == 1) {
      for (const auto& x : a)
        for (const auto& y : b) f(x, y);
    } else {
      for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) f(a[i], b[i]);
    }
  }

  void date_order(const Case& c) {
    auto less = dates(c.less), more = dates(c.more);
    std::optional<Finding> first;
    size_t extra = 0;
    pairs(less, more, [&](const Dated& a, const Dated& b) {
      if (!a.t || !b.t || *a.t <= *b.t) return;
      if (first) return void(++extra);
      if (!b.node) {
        first = Finding{a.node, show(a.node, a.text) + " is in the future", a.text, {}};
      } else if (!a.node) {
        first = Finding{b.node, show(b.node, b.text) + " is in the past", b.text, {}};
      } else {
        Name na = name_of(a.node), nb = name_of(b.node);
        std::string other = (na.name == nb.name ? "" : na.name + " ") + quoted(a.text) + na.qual;
        first = Finding{b.node, show(b.node, b.text) + " is before " + other, b.text,
                        {related(a.node, "the date it must not precede")}};
      }
    });
    if (!first) return;
    first->detail += and_more(extra);
    emit(c, std::move(*first));
  }

  void date_now(const Case& c) {
    std::optional<Finding> first;
    size_t extra = 0;
    for (const auto& d : dates(c.date)) {
      if (!d.t || *d.t <= now_ || !d.node) continue;
      if (first) ++extra;
      else first = Finding{d.node, show(d.node, d.text) + " is in the future", d.text, {}};
    }
    if (!first) return;
    first->detail += and_more(extra);
    emit(c, std::move(*first));
  }

  void time_limit(const Case& c) {
    auto start = dates(c.start), end = dates(c.end);
    std::optional<Finding> first;
    size_t extra = 0;
    pairs(start, end, [&](const Dated& s, const Dated& e) {
      if (!s.t || !e.t) return;
      int64_t days = (*e.t - *s.t) / 86400;  // whole days, as the validator counts them
      if (days <= 365) return;
      if (first) return void(++extra);
      std::string span = " is " + std::to_string(days) + " days after ";
      std::string limit = "; a period may last at most a year (365 days)";
      if (!e.node) first = Finding{s.node, show(s.node, s.text) + " is " + std::to_string(days) + " days ago" + limit, s.text, {}};
      else if (!s.node) first = Finding{e.node, show(e.node, e.text) + span + "today" + limit, e.text, {}};
      else
        first = Finding{e.node, show(e.node, e.text) + span + show(s.node, s.text) + limit, e.text,
                        {related(s.node, "the start of the period")}};
    });
    if (!first) return;
    first->detail += and_more(extra);
    emit(c, std::move(*first));
  }

  void between_dates(const Case& c) {
    auto start = dates(c.start), end = dates(c.end);
    if (start.empty() || end.empty() || !start[0].t || !end[0].t) return;  // no period to be within
    const Dated& s = start[0];
    const Dated& e = end[0];
    std::optional<Finding> first;
    size_t extra = 0;
    for (const auto& d : dates(c.date)) {
      if (!d.t || !d.node) continue;
      const Dated* bound = *d.t < *s.t ? &s : *d.t > *e.t ? &e : nullptr;
      if (!bound) continue;
      if (first) {
        ++extra;
        continue;
      }
      std::string side = bound == &s ? " is before the start of the period, " : " is after the end of the period, ";
      std::string b = bound->node ? show(bound->node, bound->text) : std::string("today");
      first = Finding{d.node, show(d.node, d.text) + side + b, d.text, {}};
      if (bound->node) first->related.push_back(related(bound->node, bound == &s ? "the start of the period" : "the end of the period"));
    }
    if (!first) return;
    first->detail += and_more(extra);
    emit(c, std::move(*first));
  }

  void regex(const Case& c) {
    bool want = c.kind == Kind::RegexMatches;
    std::optional<Finding> first;
    size_t extra = 0;
    for (const auto& n : nodes(c.paths)) {
      std::string s = text_of(n);
      if (s.empty()) continue;  // as the validator does: an empty value is for other checks
      bool hit = false;
      try {
        hit = std::regex_search(s, *c.regex);
      } catch (const std::regex_error&) {
        continue;  // too complex for this value: not checked
      }
      if (hit == want) continue;
      if (first) ++extra;
      else
        first = Finding{n, show(n, s) + (want ? " does not match the pattern " : " matches the pattern ") + c.regex_text,
                        s, {}};
    }
    if (!first) return;
    first->detail += and_more(extra);
    emit(c, std::move(*first));
  }

  void starts_with(const Case& c) {
    std::vector<std::string> prefixes;
    pugi::xpath_node first_prefix;
    for (const auto& n : nodes(c.prefix)) {
      if (!first_prefix) first_prefix = n;
      prefixes.push_back(text_of(n) + c.separator);
    }
    std::optional<Finding> first;
    size_t extra = 0;
    for (const auto& n : nodes(c.paths)) {
      std::string s = text_of(n);
      if (std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return s.rfind(p, 0) == 0; }))
        continue;
      if (first) {
        ++extra;
        continue;
      }
      std::string detail = show(n, s);
      if (prefixes.empty()) {
        detail += " cannot start with a prefix: no " + list(c.prefix) + " is present";
      } else {
        detail += prefixes.size() == 1 ? " does not start with " : " does not start with any of ";
        for (size_t i = 0; i < prefixes.size(); ++i) detail += (i ? ", " : "") + quoted(prefixes[i]);
      }
      first = Finding{n, detail, s, {}};
      if (first_prefix) first->related.push_back(related(first_prefix, "the prefix"));
    }
    if (!first) return;
    first->detail += and_more(extra);
    emit(c, std::move(*first));
  }

  void unique(const Case& c) {
    auto ns = nodes(c.paths);
    std::unordered_map<std::string, size_t> seen;
    std::optional<Finding> first;
    size_t extra = 0;
    for (size_t i = 0; i < ns.size(); ++i) {
      std::string s = text_of(ns[i]);
      auto [it, fresh] = seen.try_emplace(s, i);
      if (fresh) continue;
      if (first) {
        ++extra;
        continue;
      }
      const auto& prev = ns[it->second];
      first = Finding{ns[i], show(ns[i], s) + " repeats the value of " + name_of(prev).name + name_of(prev).qual, s,
                      {related(prev, "the first occurrence")}};
    }
    if (!first) return;
    first->detail += and_more(extra);
    emit(c, std::move(*first));
  }

  void if_then(const Case& c) {
    if (!truth(c.if_) || truth(c.then_)) return;
    auto ns = nodes(c.paths);
    std::string detail = quoted(text(c.then_)) + " does not hold although " + quoted(text(c.if_)) + " does";
    if (!ns.empty()) {
      detail += " (found ";
      constexpr size_t kShown = 4;
      for (size_t i = 0; i < std::min(ns.size(), kShown); ++i) {
        if (i) detail += ", ";
        auto v = value_of(ns[i]);
        detail += v ? show(ns[i], *v) : name_of(ns[i]).name + name_of(ns[i]).qual;
      }
      if (ns.size() > kShown) detail += ", …";
      detail += ")";
    }
    emit(c, {ns.empty() ? pugi::xpath_node() : ns[0], detail, ns.empty() ? std::nullopt : value_of(ns[0]), {}});
  }

  // Leading or trailing white space of any kind, as JavaScript's trim() sees it (U+00A0 and friends too).
  static bool is_space_cp(uint32_t cp) {
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
  }

  static uint32_t decode_at(std::string_view s, size_t i) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (len == 1 || i + len > s.size()) return b;
    uint32_t cp = b & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return cp;
  }

  static bool has_outer_space(std::string_view s) {
    if (s.empty()) return false;
    size_t last = s.size() - 1;
    while (last > 0 && (static_cast<unsigned char>(s[last]) & 0xC0) == 0x80) --last;
    return is_space_cp(decode_at(s, 0)) || is_space_cp(decode_at(s, last));
  }

  void no_spaces(const Case& c) {
    std::optional<Finding> first;
    size_t extra = 0;
    for (const auto& n : nodes(c.paths)) {
      std::string s = text_of(n);
      if (!has_outer_space(s)) continue;
      if (first) ++extra;
      else first = Finding{n, show(n, s) + " has leading or trailing spaces", s, {}};
    }
    if (!first) return;
    first->detail += and_more(extra);
    emit(c, std::move(*first));
  }

  const Compiled& set_;
  const Record& r_;
  const std::string& file_;
  Reporter& rep_;
  std::string activity_;
  int64_t now_;
  pugi::xml_node ctx_;
  const std::string* ctx_xpath_ = nullptr;
  const std::string* value_ = nullptr;  // the loop value in place of `$1`, while a loop runs
};

}  // namespace

struct RuleSet::Impl : Compiled {};

RuleSet::RuleSet() : impl_(std::make_unique<Impl>()) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

RuleSet RuleSet::parse(std::string_view json, const std::string& name) {
  if (json.size() >= 3 && json.substr(0, 3) == "\xEF\xBB\xBF") json.remove_prefix(3);  // a BOM from an editor
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    size_t off = std::min(doc.GetErrorOffset(), json.size());
    size_t line = 1 + static_cast<size_t>(std::count(json.begin(), json.begin() + static_cast<ptrdiff_t>(off), '\n'));
    size_t nl = json.rfind('\n', off == 0 ? 0 : off - 1);
    size_t col = off - (nl == std::string_view::npos || off == 0 ? 0 : nl + 1) + 1;
    std::string what = rapidjson::GetParseError_En(doc.GetParseError());
    if (!what.empty() && what.back() == '.') what.pop_back();
    if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    throw RulesetError(name, "not valid JSON: " + what + " at line " + std::to_string(line) + ", column " +
                                 std::to_string(col) + " (byte offset " + std::to_string(off) + ")");
  }
  Parser p(name);
  RuleSet set;
  set.impl_->name = name;
  set.impl_->contexts = p.contexts(doc);
  set.impl_->cases = p.cases;
  set.impl_->skipped = p.skipped;
  return set;
}

RuleSet RuleSet::load(const std::string& path) {
  constexpr size_t kMaxSize = 16u << 20;
  std::string text;
  try {
    auto src = Source::open(path);
    char buf[1 << 16];
    while (size_t n = src->read(buf, sizeof buf)) {
      text.append(buf, n);
      if (text.size() > kMaxSize) throw RulesetError(path, "the file is larger than 16 MiB, too large for a ruleset");
    }
  } catch (const IoError& e) {
    throw RulesetError(path, e.what());
  }
  return parse(text, path);
}

const RuleSet& RuleSet::builtin() {
  static const RuleSet set = parse(embedded_file("rules/projconv.json"), "rules/projconv.json");
  return set;
}

void RuleSet::check(const Record& r, const std::string& file, Reporter& rep) const {
  Run run(*impl_, r, file, rep);
  for (const auto& ctx : impl_->contexts) run.context(ctx);
}

size_t RuleSet::case_count() const { return impl_->cases; }

std::vector<RuleSet::RuleDescription> RuleSet::describe() const {
  std::vector<RuleDescription> out;
  std::unordered_set<std::string> seen;
  std::vector<std::pair<const Case*, const Context*>> todo;
  for (const Context& ctx : impl_->contexts)
    for (const Case& c : ctx.cases) todo.emplace_back(&c, &ctx);
  for (size_t i = 0; i < todo.size(); ++i) {  // loop bodies are appended as they are met
    auto [c, ctx] = todo[i];
    for (const Case& b : c->body) todo.emplace_back(&b, ctx);
    if (c->kind != Kind::Loop && seen.insert(c->code).second)
      out.push_back({c->code, c->rule, ctx->xpath, c->message, c->severity});
  }
  return out;
}
size_t RuleSet::skipped_online() const { return impl_->skipped; }
const std::string& RuleSet::name() const { return impl_->name; }

}  // namespace projconv
