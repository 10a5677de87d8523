// Dates: every stored timestamp is ISO 8601 UTC text, "YYYY-MM-DDTHH:MM:SSZ", which
// sorts and compares as text in SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gazette {

// Accepts "YYYY-MM-DDTHH:MM:SSZ", with optional fractional seconds (dropped), a numeric
// offset ("+02:00", "-0500") instead of Z (converted to UTC), a space instead of 'T',
// "YYYY-MM-DDTHH:MMZ" and a bare "YYYY-MM-DD" (midnight UTC). Checks the calendar
// (2026-02-30 is refused). Years 1970-9999. Returns the normalised form, or nullopt.
std::optional<std::string> normalize_iso8601(std::string_view text);

// Seconds since the Unix epoch of a normalised timestamp; nullopt when not normalised.
std::optional<std::int64_t> iso8601_to_unix(std::string_view normalised);

// The normalised form of a Unix time.
std::string unix_to_iso8601(std::int64_t seconds);

// The current time, normalised.
std::string now_iso8601();

// "24 November 2026" for a normalised timestamp ("" when it does not parse).
std::string human_date(std::string_view normalised);

// RFC 9110 IMF-fixdate ("Tue, 24 Nov 2026 10:00:00 GMT") for Last-Modified headers.
std::string http_date(std::string_view normalised);

}  // namespace gazette
