// Dates: parsing the ISO 8601 forms authors write, normalising them to UTC text, and
// formatting them for readers and HTTP headers. Calendar arithmetic is done here (Howard
// Hinnant's days_from_civil / civil_from_days) so nothing depends on the C library's time
// zone or locale.
#include "content/dates.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace gazette {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 9999;

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kWeekdayAbbreviations = {"Sun", "Mon", "Tue", "Wed",
                                                                   "Thu", "Fri", "Sat"};

struct CivilDate {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

struct DateTime {
  CivilDate date;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

bool is_leap_year(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(std::int64_t year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// Days since 1970-01-01 of a proleptic Gregorian date (negative before it).
std::int64_t days_from_civil(CivilDate d) {
  const std::int64_t y = d.month <= 2 ? d.year - 1 : d.year;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t year_of_era = y - era * 400;
  const std::int64_t day_of_year =
      (153 * (d.month > 2 ? d.month - 3 : d.month + 9) + 2) / 5 + d.day - 1;
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// The inverse of days_from_civil.
CivilDate civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t day_of_era = z - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t mp = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

DateTime from_unix(std::int64_t seconds) {
  const std::int64_t days = floor_div(seconds, kSecondsPerDay);
  const auto second_of_day = static_cast<int>(seconds - days * kSecondsPerDay);
  return {civil_from_days(days), second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60};
}

std::int64_t to_unix(const DateTime& t) {
  return days_from_civil(t.date) * kSecondsPerDay + t.hour * 3600 + t.minute * 60 + t.second;
}

// Reads exactly `count` ASCII digits at `pos` and moves past them.
std::optional<int> read_digits(std::string_view s, std::size_t& pos, std::size_t count) {
  if (pos + count > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return value;
}

bool read_char(std::string_view s, std::size_t& pos, char expected) {
  if (pos >= s.size() || s[pos] != expected) return false;
  ++pos;
  return true;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// "YYYY-MM-DD", checked against the calendar and the supported years.
std::optional<CivilDate> read_date(std::string_view s, std::size_t& pos) {
  const auto year = read_digits(s, pos, 4);
  if (!year || !read_char(s, pos, '-')) return std::nullopt;
  const auto month = read_digits(s, pos, 2);
  if (!month || !read_char(s, pos, '-')) return std::nullopt;
  const auto day = read_digits(s, pos, 2);
  if (!day || *year < kMinYear || *month < 1 || *month > 12) return std::nullopt;
  if (*day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  return CivilDate{*year, *month, *day};
}

// "HH:MM" or "HH:MM:SS" with optional fractional seconds, which are dropped.
bool read_time(std::string_view s, std::size_t& pos, DateTime& t) {
  const auto hour = read_digits(s, pos, 2);
  if (!hour || !read_char(s, pos, ':')) return false;
  const auto minute = read_digits(s, pos, 2);
  if (!minute || *hour > 23 || *minute > 59) return false;
  t.hour = *hour;
  t.minute = *minute;
  if (!read_char(s, pos, ':')) return true;
  const auto second = read_digits(s, pos, 2);
  if (!second || *second > 59) return false;
  t.second = *second;
  if (read_char(s, pos, '.') || read_char(s, pos, ',')) {
    if (pos >= s.size() || !is_digit(s[pos])) return false;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
  }
  return true;
}

// "Z", "+HH:MM" or "-HHMM" running to the end of `s`: the offset from UTC in seconds.
std::optional<std::int64_t> read_zone(std::string_view s, std::size_t pos) {
  if (pos + 1 == s.size() && s[pos] == 'Z') return 0;
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return std::nullopt;
  const int sign = s[pos++] == '-' ? -1 : 1;
  const auto hours = read_digits(s, pos, 2);
  read_char(s, pos, ':');
  const auto minutes = read_digits(s, pos, 2);
  if (!hours || !minutes || pos != s.size() || *hours > 23 || *minutes > 59) {
    return std::nullopt;
  }
  return sign * (*hours * 3600 + *minutes * 60);
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// A normalised timestamp: the exact "YYYY-MM-DDTHH:MM:SSZ" form, in range.
std::optional<std::int64_t> parse_normalised(std::string_view s) {
  std::size_t pos = 0;
  const auto date = read_date(s, pos);
  if (!date || !read_char(s, pos, 'T')) return std::nullopt;
  DateTime t{*date};
  const std::size_t time_start = pos;
  if (!read_time(s, pos, t) || pos - time_start != 8) return std::nullopt;
  if (!read_char(s, pos, 'Z') || pos != s.size()) return std::nullopt;
  return to_unix(t);
}

}  // namespace

std::optional<std::string> normalize_iso8601(std::string_view text) {
  const std::string_view s = trim(text);
  std::size_t pos = 0;
  const auto date = read_date(s, pos);
  if (!date) return std::nullopt;
  DateTime t{*date};
  std::int64_t offset = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!read_time(s, pos, t)) return std::nullopt;
    const auto zone = read_zone(s, pos);
    if (!zone) return std::nullopt;
    offset = *zone;
  }
  // The offset may carry the time across midnight, even into another year.
  const std::int64_t utc = to_unix(t) - offset;
  const std::int64_t utc_year = from_unix(utc).date.year;
  if (utc_year < kMinYear || utc_year > kMaxYear) return std::nullopt;
  return unix_to_iso8601(utc);
}

std::optional<std::int64_t> iso8601_to_unix(std::string_view normalised) {
  return parse_normalised(normalised);
}

namespace {

// `value` (0-99) as two digits at `out`.
void put_two_digits(char* out, int value) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
}

}  // namespace

std::string unix_to_iso8601(std::int64_t seconds) {
  const DateTime t = from_unix(seconds);
  if (t.date.year >= 0 && t.date.year <= 9999) {
    // Digit by digit: every request formats the time (app.now()), and snprintf's
    // format parsing was most of that.
    std::string out = "0000-00-00T00:00:00Z";
    const auto year = static_cast<int>(t.date.year);
    put_two_digits(&out[0], year / 100);
    put_two_digits(&out[2], year % 100);
    put_two_digits(&out[5], t.date.month);
    put_two_digits(&out[8], t.date.day);
    put_two_digits(&out[11], t.hour);
    put_two_digits(&out[14], t.minute);
    put_two_digits(&out[17], t.second);
    return out;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                static_cast<long long>(t.date.year), t.date.month, t.date.day, t.hour, t.minute,
                t.second);
  return buffer;
}

std::string now_iso8601() {
  const auto now = std::chrono::system_clock::now();
  return unix_to_iso8601(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

std::string human_date(std::string_view normalised) {
  const auto seconds = parse_normalised(normalised);
  if (!seconds) return "";
  const DateTime t = from_unix(*seconds);
  return std::to_string(t.date.day) + " " +
         std::string(kMonthNames[static_cast<std::size_t>(t.date.month - 1)]) + " " +
         std::to_string(t.date.year);
}

std::string http_date(std::string_view normalised) {
  const auto seconds = parse_normalised(normalised);
  if (!seconds) return "";
  const DateTime t = from_unix(*seconds);
  // 1970-01-01 was a Thursday.
  const auto weekday = static_cast<std::size_t>(floor_div(*seconds, kSecondsPerDay) + 4) % 7;
  const std::string_view month = kMonthNames[static_cast<std::size_t>(t.date.month - 1)];
  if (t.date.year >= 0 && t.date.year <= 9999) {
    // Digit by digit, as unix_to_iso8601: a page's Last-Modified, on every render.
    std::string out = "Thu, 01 Jan 1970 00:00:00 GMT";
    out.replace(0, 3, kWeekdayAbbreviations[weekday].substr(0, 3));
    put_two_digits(&out[5], t.date.day);
    out.replace(8, 3, month.substr(0, 3));
    const auto year = static_cast<int>(t.date.year);
    put_two_digits(&out[12], year / 100);
    put_two_digits(&out[14], year % 100);
    put_two_digits(&out[17], t.hour);
    put_two_digits(&out[20], t.minute);
    put_two_digits(&out[23], t.second);
    return out;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3s, %02d %.3s %04lld %02d:%02d:%02d GMT",
                kWeekdayAbbreviations[weekday].data(), t.date.day, month.data(),
                static_cast<long long>(t.date.year), t.hour, t.minute, t.second);
  return buffer;
}

}  // namespace gazette
