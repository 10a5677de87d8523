// The article validator: normalises an Article (trimming, tag case, derived slug, UTC
// date) and checks every field against the SPEC, with messages meant for the author.
#include "content/validate.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <unordered_set>

#include "content/dates.h"
#include "content/slug.h"

namespace gazette {

namespace {

constexpr std::size_t kMaxTitleChars = 300;
constexpr std::size_t kMaxSummaryChars = 1000;
constexpr std::size_t kMaxBodyBytes = 1024 * 1024;
constexpr std::size_t kMaxAuthorChars = 200;
constexpr std::size_t kMaxTags = 20;
constexpr std::size_t kMaxTagChars = 50;
constexpr std::size_t kMaxRelated = 5;
constexpr std::size_t kMaxQuotedChars = 50;  // longer values are shortened in messages

constexpr std::string_view kNotUtf8 = "is not valid UTF-8";
constexpr std::string_view kSlugRule = "use lowercase letters, digits and single hyphens";
constexpr std::string_view kDateExample = "2026-11-23T10:00:00Z";

using Problem = std::optional<std::string>;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void trim(std::string& s) {
  const auto first = std::find_if_not(s.begin(), s.end(), is_space);
  const auto last = std::find_if_not(s.rbegin(), s.rend(), is_space).base();
  s = first < last ? std::string(first, last) : std::string();
}

// Trims every entry, drops the empty ones and the repeats (the first one stays).
// A set, not a scan of `kept`, so a form posting thousands of entries stays linear.
std::vector<std::string> clean_list(std::vector<std::string> list) {
  std::vector<std::string> kept;
  std::unordered_set<std::string> seen;
  for (std::string& item : list) {
    trim(item);
    if (item.empty() || !seen.insert(item).second) continue;
    kept.push_back(std::move(item));
  }
  return kept;
}

// Lowercases ASCII letters only; UTF-8 sequences pass through untouched.
std::string ascii_lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::vector<std::string> normalize_tags(std::vector<std::string> tags) {
  for (std::string& tag : tags) tag = ascii_lower(std::move(tag));
  return clean_list(std::move(tags));
}

bool is_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// `s` (valid UTF-8) in double quotes for a message: at most kMaxQuotedChars characters,
// with quotes, backslashes and control characters escaped so the message stays one line.
std::string quote(std::string_view s) {
  std::string out = "\"";
  std::size_t pos = 0;
  for (std::size_t chars = 0; pos < s.size() && chars < kMaxQuotedChars; ++chars) {
    const std::size_t start = pos;
    const char32_t cp = decode_utf8(s, pos).value_or(0xFFFD);
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (is_control(cp)) {
      char escaped[16];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(cp));
      out += escaped;
    } else {
      out.append(s.substr(start, pos - start));
    }
  }
  if (pos < s.size()) out += "\xE2\x80\xA6";  // …
  return out + "\"";
}

std::string too_long(std::size_t max, std::size_t got, std::string_view unit = "characters") {
  return "must be at most " + std::to_string(max) + " " + std::string(unit) + " (got " +
         std::to_string(got) + ")";
}

std::string not_a_slug(std::string_view s) {
  return quote(s) + " is not a valid slug: " + std::string(kSlugRule);
}

// Problems common to the free-text fields: encoding, presence, length in characters.
// Titles, summaries and bylines are one line of text: no control characters (a NUL or
// an escape code in a <title> or a feed helps nobody), tabs aside.
Problem text_problem(std::string_view value, std::size_t max_chars, bool required) {
  if (!is_valid_utf8(value)) return std::string(kNotUtf8);
  if (required && value.empty()) return "is required";
  const std::size_t chars = utf8_length(value);
  if (chars > max_chars) return too_long(max_chars, chars);
  for (std::size_t pos = 0; pos < value.size();) {
    char32_t cp = decode_utf8(value, pos).value_or(0);
    if (cp != '\t' && is_control(cp)) return "may not contain control characters or line breaks";
  }
  return std::nullopt;
}

// `title_empty`: the title's own "is required" already explains a missing derived slug.
Problem slug_problem(std::string_view slug, bool title_empty) {
  if (slug.empty()) {
    if (title_empty) return std::nullopt;
    return "could not derive a slug from the title; give one";
  }
  if (!is_valid_utf8(slug)) return std::string(kNotUtf8);
  const std::size_t chars = utf8_length(slug);
  if (chars > kMaxSlugLength) return too_long(kMaxSlugLength, chars);
  if (!is_valid_slug(slug)) return not_a_slug(slug);
  return std::nullopt;
}

Problem body_problem(std::string_view body) {
  if (body.size() > kMaxBodyBytes) return too_long(kMaxBodyBytes, body.size(), "bytes, 1 MiB");
  if (!is_valid_utf8(body)) return std::string(kNotUtf8);
  if (body.find('\0') != std::string_view::npos) return "may not contain NUL characters";
  return std::nullopt;
}

Problem tag_problem(std::string_view tag, std::size_t index) {
  if (!is_valid_utf8(tag)) return "tag " + std::to_string(index + 1) + " " + std::string(kNotUtf8);
  if (utf8_length(tag) > kMaxTagChars) {
    return "tag " + quote(tag) + " is longer than " + std::to_string(kMaxTagChars) + " characters";
  }
  if (tag.find(',') != std::string_view::npos)
    return "tag " + quote(tag) + " may not contain a comma";
  if (tag.find('/') != std::string_view::npos) return "tag " + quote(tag) + " may not contain '/'";
  // A tag is also a folder name in an export (tags/{tag}/index.html).
  if (tag == "." || tag == "..") return "tag " + quote(tag) + " is not a usable tag name";
  std::size_t pos = 0;
  while (pos < tag.size()) {
    if (is_control(decode_utf8(tag, pos).value_or(0))) {
      return "tag " + quote(tag) + " may not contain control characters";
    }
  }
  return std::nullopt;
}

// The first problem with the tags, if any: too many, or one bad tag.
Problem tags_problem(const std::vector<std::string>& tags) {
  if (tags.size() > kMaxTags) {
    return "at most " + std::to_string(kMaxTags) + " tags (got " + std::to_string(tags.size()) +
           ")";
  }
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (Problem p = tag_problem(tags[i], i)) return p;
  }
  return std::nullopt;
}

Problem status_problem(Status status) {
  if (status == Status::draft || status == Status::published) return std::nullopt;
  return "must be draft or published";
}

Problem published_at_problem(std::string_view published_at, Status status) {
  if (published_at.empty()) {
    return status == Status::published ? Problem("is required") : std::nullopt;
  }
  if (!is_valid_utf8(published_at)) return std::string(kNotUtf8);
  if (iso8601_to_unix(published_at)) return std::nullopt;
  return quote(published_at) + " is not a valid date: expected an ISO 8601 UTC time like " +
         std::string(kDateExample);
}

// The first problem with the pinned slugs: too many, a malformed one, or a self-pin.
Problem related_problem(const std::vector<std::string>& related, std::string_view own_slug) {
  if (related.size() > kMaxRelated) {
    return "at most " + std::to_string(kMaxRelated) + " related articles (got " +
           std::to_string(related.size()) + ")";
  }
  for (std::size_t i = 0; i < related.size(); ++i) {
    const std::string& slug = related[i];
    if (!is_valid_utf8(slug)) return "entry " + std::to_string(i + 1) + " " + std::string(kNotUtf8);
    if (!is_valid_slug(slug)) return not_a_slug(slug);
    if (slug == own_slug) return "may not include the article's own slug " + quote(slug);
  }
  return std::nullopt;
}

// The normalising half of normalize_and_validate (see validate.h).
void normalize(Article& a, std::string_view now_iso) {
  trim(a.slug);
  trim(a.title);
  trim(a.summary);
  trim(a.author);
  trim(a.published_at);
  a.tags = normalize_tags(std::move(a.tags));
  a.related = clean_list(std::move(a.related));
  if (a.slug.empty()) a.slug = slugify(a.title);
  if (a.published_at.empty() && a.status == Status::published) a.published_at = now_iso;
  if (std::optional<std::string> utc = normalize_iso8601(a.published_at)) {
    a.published_at = std::move(*utc);
  }
}

}  // namespace

std::vector<FieldError> normalize_and_validate(Article& a, std::string_view now_iso) {
  normalize(a, now_iso);
  std::vector<FieldError> errors;
  const auto check = [&errors](const char* field, Problem problem) {
    if (problem) errors.push_back({field, std::move(*problem)});
  };
  check("slug", slug_problem(a.slug, a.title.empty()));
  check("title", text_problem(a.title, kMaxTitleChars, true));
  check("summary", text_problem(a.summary, kMaxSummaryChars, false));
  check("body_markdown", body_problem(a.body_markdown));
  check("author", text_problem(a.author, kMaxAuthorChars, false));
  check("tags", tags_problem(a.tags));
  check("status", status_problem(a.status));
  check("published_at", published_at_problem(a.published_at, a.status));
  check("related", related_problem(a.related, a.slug));
  return errors;
}

bool parse_status(std::string_view text, Status& out) {
  if (text == "draft") {
    out = Status::draft;
  } else if (text == "published") {
    out = Status::published;
  } else {
    return false;
  }
  return true;
}

}  // namespace gazette
