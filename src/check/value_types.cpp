// XSD lexical rules, as libxml2 applies them, with reasons a publisher can act on.
#include "check/value_types.hpp"

#include <cstdint>

namespace projconv {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// XSD collapses whitespace around every non-string value before checking it.
std::string_view collapse(std::string_view v) {
  size_t b = v.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = v.find_last_not_of(" \t\r\n");
  return v.substr(b, e - b + 1);
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

int to_int(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

bool leap(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                         "July",    "August",   "September", "October", "November", "December"};

// Checks `-?YYYY-MM-DD`, returning the rest (time or timezone) in `rest`.
std::string check_date_part(std::string_view v, std::string_view& rest) {
  size_t i = 0;
  if (i < v.size() && v[i] == '-') ++i;
  size_t ys = i;
  while (i < v.size() && is_digit(v[i])) ++i;
  std::string_view year = v.substr(ys, i - ys);
  if (year.size() == v.size() && year.size() == 4) return "a year alone is not a date: write YYYY-MM-DD";
  std::string_view date_only = v.substr(0, v.find_first_of("T "));
  if (date_only.find_first_of("/.") != std::string_view::npos) return "dates are written YYYY-MM-DD, not with '/' or '.'";
  if (year.size() < 4) return "the year needs four digits, and dates are written YYYY-MM-DD";
  if (year.size() > 4 && year[0] == '0') return "a year of more than four digits cannot start with 0";
  if (i >= v.size() || v[i] != '-') return "dates are written YYYY-MM-DD";
  ++i;
  size_t ms = i;
  while (i < v.size() && is_digit(v[i])) ++i;
  std::string_view month = v.substr(ms, i - ms);
  if (i >= v.size() || v[i] != '-') return "dates are written YYYY-MM-DD";
  ++i;
  size_t ds = i;
  while (i < v.size() && is_digit(v[i])) ++i;
  std::string_view day = v.substr(ds, i - ds);
  if (month.size() != 2 || day.size() != 2) return "month and day need two digits each (YYYY-MM-DD)";
  // xsd:date allows years of any length; the leap-year rule needs only the year modulo 400.
  long long y = 0;
  for (char c : year) y = (y * 10 + (c - '0')) % 400;
  if (year.find_first_not_of('0') == std::string_view::npos) return "there is no year 0000";
  int m = to_int(month), d = to_int(day);
  if (m < 1 || m > 12) return "there is no month " + std::string(month);
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
  if (d < 1 || d > max)
    return "there is no day " + std::string(day) + " in " + kMonths[m - 1] + " " + std::string(year);
  rest = v.substr(i);
  return {};
}

std::string check_timezone(std::string_view tz) {
  if (tz.empty() || tz == "Z") return {};
  if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && all_digits(tz.substr(1, 2)) && tz[3] == ':' &&
      all_digits(tz.substr(4, 2))) {
    int h = to_int(tz.substr(1, 2)), m = to_int(tz.substr(4, 2));
    if (h < 14 ? m <= 59 : (h == 14 && m == 0)) return {};
    return "the time zone must lie between -14:00 and +14:00";
  }
  return "the time zone must be Z or +HH:MM / -HH:MM";
}

std::string check_date(std::string_view v) {
  std::string_view rest;
  std::string why = check_date_part(v, rest);
  if (!why.empty()) return why;
  if (!rest.empty() && rest[0] == 'T') return "a date-time is not allowed here: write the date alone (YYYY-MM-DD)";
  return check_timezone(rest);
}

std::string check_datetime(std::string_view v) {
  std::string_view rest;
  std::string why = check_date_part(v, rest);
  if (!why.empty()) return why;
  if (rest.empty()) return "a time is needed: write YYYY-MM-DDThh:mm:ss";
  if (rest[0] == ' ') return "date and time must be joined by 'T', not a space";
  if (rest[0] != 'T') return "write YYYY-MM-DDThh:mm:ss";
  rest.remove_prefix(1);
  if (rest.size() < 8 || !all_digits(rest.substr(0, 2)) || rest[2] != ':' || !all_digits(rest.substr(3, 2)) ||
      rest[5] != ':' || !all_digits(rest.substr(6, 2)))
    return "the time must be written hh:mm:ss";
  int h = to_int(rest.substr(0, 2)), mi = to_int(rest.substr(3, 2)), s = to_int(rest.substr(6, 2));
  rest.remove_prefix(8);
  bool frac_zero = true;
  if (!rest.empty() && rest[0] == '.') {
    size_t k = 1;
    while (k < rest.size() && is_digit(rest[k])) {
      if (rest[k] != '0') frac_zero = false;
      ++k;
    }
    if (k == 1) return "a decimal point in the seconds needs digits after it";
    rest.remove_prefix(k);
  }
  bool end_of_day = h == 24 && mi == 0 && s == 0 && frac_zero;
  if ((h > 23 && !end_of_day) || mi > 59 || s > 59) return "the time is out of range";
  return check_timezone(rest);
}

std::string check_decimal(std::string_view v) {
  size_t i = 0;
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < v.size() && is_digit(v[i])) ++i, ++int_digits;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && is_digit(v[i])) ++i, ++frac_digits;
  }
  if (i == v.size() && int_digits + frac_digits > 0) return {};
  if (v.empty()) return "a number is needed here";
  if (v.find(',') != std::string_view::npos) return "write the number without thousands separators or decimal commas";
  if (v.find_first_of("eE") != std::string_view::npos && v.find_first_not_of("0123456789.eE+-") == std::string_view::npos)
    return "write the number in full, without an exponent";
  return "write a plain number: digits, an optional '-' and an optional decimal point, nothing else";
}

std::string check_integer(std::string_view v, long long min, long long max) {
  size_t i = 0;
  bool neg = false;
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) neg = v[i++] == '-';
  std::string_view digits = v.substr(i);
  if (!all_digits(digits)) return "a whole number is needed here";
  size_t nz = digits.find_first_not_of('0');
  std::string_view sig = nz == std::string_view::npos ? std::string_view() : digits.substr(nz);
  if (sig.size() > 18) return "the number is out of range";
  long long n = 0;
  for (char c : sig) n = n * 10 + (c - '0');
  if (neg) n = -n;
  if (n < min) return min == 0 ? "the number must not be negative" : "the number must be at least " + std::to_string(min);
  if (n > max) return "the number is out of range";
  return {};
}

bool name_char(unsigned char c) {
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(static_cast<char>(c)) || c == '.' ||
         c == '-' || c == '_' || c == ':';
}

std::string check_language(std::string_view v) {
  if (v.empty()) return {};  // xml:lang="" is allowed: it means "no language"
  size_t i = 0, part = 0;
  while (i <= v.size()) {
    size_t j = i;
    while (j < v.size() && v[j] != '-') ++j;
    std::string_view p = v.substr(i, j - i);
    if (p.empty() || p.size() > 8) return "a language tag is letters, such as en or fr-CA";
    for (char c : p)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (part > 0 && is_digit(c))))
        return "a language tag is letters, such as en or fr-CA";
    ++part;
    i = j + 1;
    if (j == v.size()) break;
  }
  return {};
}

}  // namespace

std::string check_value(ValueType t, std::string_view raw) {
  std::string_view v = collapse(raw);
  switch (t) {
    case ValueType::Date: return check_date(v);
    case ValueType::DateTime: return check_datetime(v);
    case ValueType::Decimal: return check_decimal(v);
    case ValueType::Boolean:
      return v == "true" || v == "false" || v == "1" || v == "0" ? std::string()
                                                                 : "use true, false, 1 or 0";
    case ValueType::Int: return check_integer(v, INT32_MIN, INT32_MAX);
    case ValueType::NonNegativeInteger: return check_integer(v, 0, INT64_MAX);
    case ValueType::PositiveInteger: return check_integer(v, 1, INT64_MAX);
    case ValueType::NmToken: {
      if (v.empty()) return "a value is needed here";
      for (char c : v)
        if (!name_char(static_cast<unsigned char>(c))) return "use letters, digits and . - _ : only, without spaces";
      return {};
    }
    case ValueType::Lang: return check_language(v);
    default: return {};
  }
}

const char* bad_value_code(ValueType t) {
  switch (t) {
    case ValueType::Date: return "bad-date";
    case ValueType::DateTime: return "bad-datetime";
    case ValueType::Decimal: return "bad-decimal";
    case ValueType::Boolean: return "bad-boolean";
    case ValueType::Int:
    case ValueType::NonNegativeInteger:
    case ValueType::PositiveInteger: return "bad-integer";
    case ValueType::NmToken: return "bad-token";
    case ValueType::Lang: return "bad-language";
    default: return "bad-value";
  }
}

}  // namespace projconv
