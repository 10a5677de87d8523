// Tests for content/dates: parsing and normalising ISO 8601, calendar checks, Unix time
// conversion and the human and HTTP formats.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

#include "content/dates.h"

using gazette::http_date;
using gazette::human_date;
using gazette::iso8601_to_unix;
using gazette::normalize_iso8601;
using gazette::now_iso8601;
using gazette::unix_to_iso8601;

namespace {

std::string norm(const char* text) {
  return normalize_iso8601(text).value_or("<nullopt>");
}

}  // namespace

TEST_CASE("normalize_iso8601 keeps the normalised form", "[content][dates]") {
  CHECK(norm("2026-11-23T10:00:00Z") == "2026-11-23T10:00:00Z");
  CHECK(norm("1970-01-01T00:00:00Z") == "1970-01-01T00:00:00Z");
  CHECK(norm("9999-12-31T23:59:59Z") == "9999-12-31T23:59:59Z");
}

TEST_CASE("normalize_iso8601 accepts the other documented forms", "[content][dates]") {
  CHECK(norm("2026-11-23 10:00:00Z") == "2026-11-23T10:00:00Z");
  CHECK(norm("2026-11-23T10:05Z") == "2026-11-23T10:05:00Z");
  CHECK(norm("2026-11-23") == "2026-11-23T00:00:00Z");
  CHECK(norm("  2026-11-23T10:00:00Z\n") == "2026-11-23T10:00:00Z");
}

TEST_CASE("normalize_iso8601 drops fractional seconds without rounding", "[content][dates]") {
  CHECK(norm("2026-11-23T10:00:59.999Z") == "2026-11-23T10:00:59Z");
  CHECK(norm("2026-11-23T10:00:00.123456789+01:00") == "2026-11-23T09:00:00Z");
  CHECK(norm("2026-11-23T10:00:00,5Z") == "2026-11-23T10:00:00Z");
  CHECK(norm("2026-11-23T10:00:00.Z") == "<nullopt>");
  CHECK(norm("2026-11-23T10:00.5Z") == "<nullopt>");
}

TEST_CASE("normalize_iso8601 converts offsets to UTC", "[content][dates]") {
  CHECK(norm("2026-11-23T10:00:00+02:00") == "2026-11-23T08:00:00Z");
  CHECK(norm("2026-11-23T10:00:00-0500") == "2026-11-23T15:00:00Z");
  CHECK(norm("2026-11-23T10:00:00+05:30") == "2026-11-23T04:30:00Z");
  CHECK(norm("2026-11-23T10:00:00+00:00") == "2026-11-23T10:00:00Z");
  CHECK(norm("2026-11-23 10:00+0100") == "2026-11-23T09:00:00Z");

  SECTION("across midnight, month, year and leap day") {
    CHECK(norm("2026-11-23T23:30:00-05:00") == "2026-11-24T04:30:00Z");
    CHECK(norm("2026-11-24T01:00:00+02:00") == "2026-11-23T23:00:00Z");
    CHECK(norm("2026-12-01T00:30:00+01:00") == "2026-11-30T23:30:00Z");
    CHECK(norm("2026-01-01T00:30:00+01:00") == "2025-12-31T23:30:00Z");
    CHECK(norm("2025-12-31T23:00:00-02:00") == "2026-01-01T01:00:00Z");
    CHECK(norm("2024-02-28T23:00:00-02:00") == "2024-02-29T01:00:00Z");
    CHECK(norm("2024-03-01T01:00:00+02:00") == "2024-02-29T23:00:00Z");
    CHECK(norm("2026-03-01T01:00:00+02:00") == "2026-02-28T23:00:00Z");
  }
}

TEST_CASE("normalize_iso8601 checks the calendar", "[content][dates]") {
  CHECK(norm("2024-02-29") == "2024-02-29T00:00:00Z");  // leap year
  CHECK(norm("2000-02-29") == "2000-02-29T00:00:00Z");  // divisible by 400
  CHECK(norm("2026-02-29") == "<nullopt>");
  CHECK(norm("2100-02-29") == "<nullopt>");  // divisible by 100, not 400
  CHECK(norm("2026-02-30") == "<nullopt>");
  CHECK(norm("2026-04-31") == "<nullopt>");
  CHECK(norm("2026-12-31") == "2026-12-31T00:00:00Z");
  CHECK(norm("2026-13-01") == "<nullopt>");
  CHECK(norm("2026-00-10") == "<nullopt>");
  CHECK(norm("2026-01-00") == "<nullopt>");
  CHECK(norm("2026-11-23T24:00:00Z") == "<nullopt>");
  CHECK(norm("2026-11-23T23:60:00Z") == "<nullopt>");
  CHECK(norm("2026-11-23T23:59:60Z") == "<nullopt>");
  CHECK(norm("2026-11-23T10:00:00+24:00") == "<nullopt>");
  CHECK(norm("2026-11-23T10:00:00+01:60") == "<nullopt>");
}

TEST_CASE("normalize_iso8601 keeps to years 1970-9999", "[content][dates]") {
  CHECK(norm("1970-01-01") == "1970-01-01T00:00:00Z");
  CHECK(norm("1969-12-31T23:59:59Z") == "<nullopt>");
  CHECK(norm("10000-01-01") == "<nullopt>");
  CHECK(norm("10000-01-01T00:00:00Z") == "<nullopt>");
  CHECK(norm("0000-01-01") == "<nullopt>");
  // An offset may carry a date out of range.
  CHECK(norm("1970-01-01T00:30:00+01:00") == "<nullopt>");
  CHECK(norm("9999-12-31T23:00:00-02:00") == "<nullopt>");
}

TEST_CASE("normalize_iso8601 refuses garbage", "[content][dates]") {
  const char* bad[] = {"",
                       "   ",
                       "yesterday",
                       "2026",
                       "2026-11",
                       "2026-1-5",
                       "26-11-23",
                       "2026/11/23",
                       "23.11.2026",
                       "2026-11-23T10:00:00",  // no zone: local time is ambiguous
                       "2026-11-23T10:00",
                       "2026-11-23T10Z",
                       "2026-11-23T10:00:00+2",
                       "2026-11-23T10:00:00+02:0",
                       "2026-11-23T10:00:00z",
                       "2026-11-23T10:00:00ZZ",
                       "2026-11-23T10:00:00Z extra",
                       "2026-11-23X10:00:00Z",
                       "2026-11-23T",
                       "2026-11-23T1:00:00Z",
                       "+2026-11-23",
                       "2026-11-23T10:00:00 Z"};
  for (const char* text : bad) {
    INFO('"' << text << '"');
    CHECK_FALSE(normalize_iso8601(text).has_value());
  }
}

TEST_CASE("iso8601_to_unix reads only the normalised form", "[content][dates]") {
  CHECK(iso8601_to_unix("1970-01-01T00:00:00Z") == 0);
  CHECK(iso8601_to_unix("2000-02-29T00:00:00Z") == 951782400);
  CHECK(iso8601_to_unix("2026-11-23T10:00:00Z") == 1795428000);
  CHECK(iso8601_to_unix("2024-02-29T12:34:56Z") == 1709210096);
  CHECK(iso8601_to_unix("9999-12-31T23:59:59Z") == 253402300799);
  CHECK_FALSE(iso8601_to_unix("2026-11-23").has_value());
  CHECK_FALSE(iso8601_to_unix("2026-11-23T10:00Z").has_value());
  CHECK_FALSE(iso8601_to_unix("2026-11-23T10:00:00+00:00").has_value());
  CHECK_FALSE(iso8601_to_unix("2026-11-23T10:00:00.5Z").has_value());
  CHECK_FALSE(iso8601_to_unix("2026-02-29T00:00:00Z").has_value());
  CHECK_FALSE(iso8601_to_unix(" 2026-11-23T10:00:00Z").has_value());
}

TEST_CASE("unix_to_iso8601 formats and round-trips", "[content][dates]") {
  CHECK(unix_to_iso8601(0) == "1970-01-01T00:00:00Z");
  CHECK(unix_to_iso8601(951782400) == "2000-02-29T00:00:00Z");
  CHECK(unix_to_iso8601(1795428000) == "2026-11-23T10:00:00Z");
  CHECK(unix_to_iso8601(253402300799) == "9999-12-31T23:59:59Z");
  CHECK(unix_to_iso8601(-1) == "1969-12-31T23:59:59Z");

  for (std::int64_t t = 0; t <= 253402300799; t += 7777777) {
    const std::string text = unix_to_iso8601(t);
    INFO(text);
    REQUIRE(iso8601_to_unix(text) == t);
    REQUIRE(normalize_iso8601(text) == text);
  }
}

TEST_CASE("unix_to_iso8601 and http_date write what strftime writes", "[content][dates]") {
  // Both are written digit by digit; the C library is the reference.
  for (std::int64_t t = 0; t <= 253402300799; t += 3333331) {
    const auto time = static_cast<std::time_t>(t);
    std::tm tm{};
    REQUIRE(gmtime_r(&time, &tm));
    char iso[64];
    char imf[64];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::strftime(imf, sizeof imf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    const std::string text = unix_to_iso8601(t);
    REQUIRE(text == iso);
    REQUIRE(http_date(text) == imf);
  }
  // Years before 1000 keep their four digits.
  CHECK(unix_to_iso8601(-62135596800) == "0001-01-01T00:00:00Z");
  CHECK(unix_to_iso8601(-30610224000) == "1000-01-01T00:00:00Z");
  CHECK(unix_to_iso8601(-30610224001) == "0999-12-31T23:59:59Z");
}

TEST_CASE("now_iso8601 is the current time, normalised", "[content][dates]") {
  const std::string now = now_iso8601();
  const auto seconds = iso8601_to_unix(now);
  REQUIRE(seconds.has_value());
  const std::int64_t clock = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  CHECK(clock - *seconds >= 0);
  CHECK(clock - *seconds <= 5);
}

TEST_CASE("human_date writes day, English month and year", "[content][dates]") {
  CHECK(human_date("2026-11-24T10:00:00Z") == "24 November 2026");
  CHECK(human_date("2024-02-29T23:59:59Z") == "29 February 2024");
  CHECK(human_date("2026-01-01T00:00:00Z") == "1 January 2026");
  CHECK(human_date("2026-05-09T00:00:00Z") == "9 May 2026");
  CHECK(human_date("garbage") == "");
  CHECK(human_date("") == "");
  CHECK(human_date("2026-02-30T00:00:00Z") == "");
}

TEST_CASE("http_date writes the IMF-fixdate", "[content][dates]") {
  CHECK(http_date("2026-11-24T10:00:00Z") == "Tue, 24 Nov 2026 10:00:00 GMT");
  CHECK(http_date("1970-01-01T00:00:00Z") == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(http_date("2000-02-29T00:00:00Z") == "Tue, 29 Feb 2000 00:00:00 GMT");
  CHECK(http_date("2024-02-29T12:34:56Z") == "Thu, 29 Feb 2024 12:34:56 GMT");
  CHECK(http_date("9999-12-31T23:59:59Z") == "Fri, 31 Dec 9999 23:59:59 GMT");
  CHECK(http_date("2026-11-22T08:05:09Z") == "Sun, 22 Nov 2026 08:05:09 GMT");
  CHECK(http_date("2026-11-28T00:00:00Z") == "Sat, 28 Nov 2026 00:00:00 GMT");
  CHECK(http_date("not a date") == "");
}
