// JSON Lines articles (see jsonl.h): a strict single-pass JSON reader for the one record
// shape `import` accepts, and the writer `dump` uses.
//
// The reader is a hand-written recursive-descent parser over a byte range. It decodes
// the values of known fields straight into the Article (no DOM, no allocation per
// character: runs of plain bytes are appended in one go) and only walks a value
// generically when its type is wrong, so the error can say what was expected after the
// value has been checked as JSON. Recursion is bounded by kMaxDepth, so hostile input
// cannot exhaust the stack.
#include "content/jsonl.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <optional>

namespace gazette {

namespace {

// Open objects and arrays, the record's own braces included. Real records need 2.
constexpr int kMaxDepth = 32;
// Characters of an unknown key quoted in a message; longer keys are shortened.
constexpr std::size_t kMaxQuotedChars = 40;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The record's keys, in the order article_to_json writes them.
enum class Field {
  slug,
  title,
  summary,
  body_markdown,
  author,
  tags,
  status,
  published_at,
  related
};
constexpr std::array<std::string_view, 9> kFieldNames = {
    "slug", "title",  "summary",      "body_markdown", "author",
    "tags", "status", "published_at", "related",
};

constexpr char kHex[] = "0123456789abcdef";

// What article_to_json writes for each byte: 0 means the byte itself, 'u' means
// \u00XX, anything else is the letter after the backslash.
constexpr std::array<char, 256> make_escape_table() {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['"'] = '"';
  table['\\'] = '\\';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  table['\b'] = 'b';
  table['\f'] = 'f';
  return table;
}
constexpr std::array<char, 256> kEscape = make_escape_table();

// Appends `s` as a JSON string, escaped minimally (see article_to_json). Bytes that need
// no escape are copied in runs, which keeps a 1 MiB body to a few large appends.
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char escape = kEscape[static_cast<unsigned char>(s[i])];
    if (escape == 0) continue;
    out.append(s, run, i - run);
    out += '\\';
    out += escape;
    if (escape == 'u') {
      const auto c = static_cast<unsigned char>(s[i]);
      out += "00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    run = i + 1;
  }
  out.append(s, run, std::string_view::npos);
  out += '"';
}

void append_json_array(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, items[i]);
  }
  out += ']';
}

// `s` (valid UTF-8) quoted for an error message: escaped like the writer does, so the
// message stays on one line, and cut after kMaxQuotedChars characters.
std::string quote_for_message(std::string_view s) {
  std::size_t cut = 0;
  std::size_t chars = 0;
  while (cut < s.size()) {
    // A character starts at every byte that is not a continuation byte (10xxxxxx).
    if ((static_cast<unsigned char>(s[cut]) & 0xC0) != 0x80 && chars++ == kMaxQuotedChars) break;
    ++cut;
  }
  std::string out;
  append_json_string(out, s.substr(0, cut));
  if (cut < s.size()) out.insert(out.size() - 1, "\xE2\x80\xA6");  // … inside the quotes
  return out;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The length of the well-formed UTF-8 sequence starting at `p` (whose first byte is
// >= 0x80), or 0 when it is not one. Follows the Unicode standard's table of
// well-formed byte sequences (3-7), which rules out overlong forms, UTF-16 surrogates
// and code points above U+10FFFF by the allowed range of the second byte.
std::size_t utf8_sequence_length(const char* p, const char* end) {
  const auto b0 = static_cast<unsigned char>(p[0]);
  std::size_t length = 0;
  unsigned char low = 0x80;  // the range allowed for the second byte
  unsigned char high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;   // no overlong 3-byte forms
    if (b0 == 0xED) high = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;   // no overlong 4-byte forms
    if (b0 == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;  // a continuation byte, C0/C1 (always overlong) or F5..FF
  }
  if (static_cast<std::size_t>(end - p) < length) return 0;
  const auto b1 = static_cast<unsigned char>(p[1]);
  if (b1 < low || b1 > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if ((static_cast<unsigned char>(p[i]) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// One parse of one line. Every parse_* / skip_* member reads one token or value starting
// at p_ (after any whitespace, which the caller skips), leaves p_ just past it and
// returns true, or records the first error in error_ and returns false; callers stop
// at the first false.
class RecordParser {
 public:
  explicit RecordParser(std::string_view line)
      : begin_(line.data()), p_(line.data()), end_(line.data() + line.size()) {}

  std::variant<Article, RecordError> parse() {
    Article article;
    if (!parse_record(article)) return std::move(error_);
    return article;
  }

 private:
  const char* const begin_;
  const char* p_;
  const char* const end_;
  std::string_view field_;  // the field whose value is being read; named in syntax errors
  RecordError error_;
  std::string key_;      // the current key, reused so keys do not allocate each time
  std::string scratch_;  // strings read only to be checked or compared

  // A syntax error at p_.
  bool syntax_error(std::string message) {
    const std::ptrdiff_t column = p_ - begin_ + 1;
    error_ = RecordError{std::string(field_), std::move(message),
                         static_cast<int>(std::min<std::ptrdiff_t>(column, INT_MAX))};
    return false;
  }

  // A syntax error where `what` was expected; says so when it is the line that ended.
  bool expected(std::string_view what) {
    std::string message = "expected " + std::string(what);
    if (p_ == end_) message = "unexpected end of line: " + message;
    return syntax_error(std::move(message));
  }

  // A well-formed record whose content is wrong.
  bool field_error(std::string_view field, std::string message) {
    error_ = RecordError{std::string(field), std::move(message), 0};
    return false;
  }

  bool at(char c) const { return p_ < end_ && *p_ == c; }

  void skip_whitespace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  // Consumes the literal `word` (true, false or null) when it is next.
  bool take_literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool parse_record(Article& article) {
    if (static_cast<std::size_t>(end_ - p_) >= kBom.size() &&
        std::memcmp(p_, kBom.data(), kBom.size()) == 0) {
      p_ += kBom.size();
    }
    skip_whitespace();
    if (!at('{')) return syntax_error("a record must be a JSON object");
    ++p_;
    article.status = Status::published;
    std::array<bool, kFieldNames.size()> seen{};
    skip_whitespace();
    if (at('}')) {
      ++p_;
    } else {
      bool after_comma = false;
      for (;;) {
        if (!at('"')) {
          if (after_comma && at('}')) return syntax_error("trailing comma");
          return expected("a string key");
        }
        key_.clear();
        if (!parse_string(key_)) return false;
        const auto it = std::find(kFieldNames.begin(), kFieldNames.end(), key_);
        if (it == kFieldNames.end()) {
          return field_error("", "unknown field " + quote_for_message(key_));
        }
        const auto index = static_cast<std::size_t>(it - kFieldNames.begin());
        if (seen[index]) return field_error(*it, "duplicate key");
        seen[index] = true;
        skip_whitespace();
        if (!at(':')) return expected("':' after a key");
        ++p_;
        skip_whitespace();
        field_ = *it;
        if (!parse_field(static_cast<Field>(index), article)) return false;
        field_ = {};
        skip_whitespace();
        if (at('}')) {
          ++p_;
          break;
        }
        if (!at(',')) return expected("',' or '}' after a value");
        ++p_;
        skip_whitespace();
        after_comma = true;
      }
    }
    skip_whitespace();
    if (p_ != end_) return syntax_error("unexpected text after the record");
    return true;
  }

  bool parse_field(Field field, Article& a) {
    switch (field) {
      case Field::slug:
        return parse_string_or_null(a.slug);
      case Field::title:
        return parse_string_or_null(a.title);
      case Field::summary:
        return parse_string_or_null(a.summary);
      case Field::body_markdown:
        return parse_string_or_null(a.body_markdown);
      case Field::author:
        return parse_string_or_null(a.author);
      case Field::tags:
        return parse_string_array_or_null(a.tags);
      case Field::status:
        return parse_status(a.status);
      case Field::published_at:
        return parse_string_or_null(a.published_at);
      case Field::related:
        return parse_string_array_or_null(a.related);
    }
    return false;  // unreachable: every Field is handled above
  }

  // A string field's value: a string, or null for "".
  bool parse_string_or_null(std::string& out) {
    if (at('"')) return parse_string(out);
    if (take_literal("null")) return true;
    return skip_value(2) && field_error(field_, "expected a string");
  }

  // tags / related: an array of strings, or null for none.
  bool parse_string_array_or_null(std::vector<std::string>& out) {
    static constexpr std::string_view kExpected = "expected an array of strings";
    if (take_literal("null")) return true;
    if (!at('[')) return skip_value(2) && field_error(field_, std::string(kExpected));
    ++p_;
    skip_whitespace();
    if (at(']')) {
      ++p_;
      return true;
    }
    for (bool first = true;; first = false) {
      if (at('"')) {
        if (!parse_string(out.emplace_back())) return false;
      } else {
        if (!first && at(']')) return syntax_error("trailing comma");
        return skip_value(3) && field_error(field_, std::string(kExpected));
      }
      skip_whitespace();
      if (at(']')) {
        ++p_;
        return true;
      }
      if (!at(',')) return expected("',' or ']' after a value");
      ++p_;
      skip_whitespace();
    }
  }

  // "draft" or "published"; null means the default (published), like a missing key.
  bool parse_status(Status& out) {
    static constexpr std::string_view kExpected = "expected \"draft\" or \"published\"";
    if (take_literal("null")) return true;
    if (!at('"')) return skip_value(2) && field_error(field_, std::string(kExpected));
    scratch_.clear();
    if (!parse_string(scratch_)) return false;
    if (scratch_ == "draft") {
      out = Status::draft;
    } else if (scratch_ == "published") {
      out = Status::published;
    } else {
      return field_error(field_, std::string(kExpected) + ", got " + quote_for_message(scratch_));
    }
    return true;
  }

  // Any JSON value, checked and thrown away: the value of a field of the wrong type.
  // `depth` is the nesting level an object or array here would open.
  bool skip_value(int depth) {
    if (p_ == end_) return expected("a value");
    switch (*p_) {
      case '{':
      case '[':
        return skip_container(depth);
      case '"':
        scratch_.clear();
        return parse_string(scratch_);
      case 't':
      case 'f':
      case 'n':
        if (take_literal("true") || take_literal("false") || take_literal("null")) return true;
        return syntax_error("invalid literal (expected true, false or null)");
      default:
        if (*p_ == '-' || is_digit(*p_)) return skip_number();
        return expected("a value");
    }
  }

  // An object or an array, p_ at its opening bracket.
  bool skip_container(int depth) {
    if (depth > kMaxDepth) {
      return syntax_error("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    const bool object = *p_ == '{';
    const char close = object ? '}' : ']';
    ++p_;
    skip_whitespace();
    if (at(close)) {
      ++p_;
      return true;
    }
    for (bool first = true;; first = false) {
      if (!first && at(close)) return syntax_error("trailing comma");
      if (object) {
        if (!at('"')) return expected("a string key");
        scratch_.clear();
        if (!parse_string(scratch_)) return false;
        skip_whitespace();
        if (!at(':')) return expected("':' after a key");
        ++p_;
        skip_whitespace();
      }
      if (!skip_value(depth + 1)) return false;
      skip_whitespace();
      if (at(close)) {
        ++p_;
        return true;
      }
      if (!at(','))
        return expected(object ? "',' or '}' after a value" : "',' or ']' after a value");
      ++p_;
      skip_whitespace();
    }
  }

  // RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool skip_number() {
    if (at('-')) ++p_;
    if (at('0')) {
      ++p_;
    } else if (p_ < end_ && is_digit(*p_)) {
      while (p_ < end_ && is_digit(*p_)) ++p_;
    } else {
      return syntax_error("invalid number");
    }
    if (at('.')) {
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) return syntax_error("invalid number");
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    if (at('e') || at('E')) {
      ++p_;
      if (at('+') || at('-')) ++p_;
      if (p_ == end_ || !is_digit(*p_)) return syntax_error("invalid number");
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    return true;
  }

  // The four hex digits of a \u escape at p_ (just past the 'u'), or -1.
  int read_hex4() const {
    if (end_ - p_ < 4) return -1;
    int value = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(p_[i]);
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    return value;
  }

  // A string, p_ at its opening quote; appends the decoded text to `out`.
  bool parse_string(std::string& out) {
    ++p_;
    for (;;) {
      // The fast path: a run of bytes that stand for themselves (printable ASCII and
      // well-formed UTF-8), appended at once.
      const char* run = p_;
      while (p_ < end_) {
        const auto c = static_cast<unsigned char>(*p_);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
          ++p_;
        } else if (c >= 0x80) {
          const std::size_t length = utf8_sequence_length(p_, end_);
          if (length == 0) break;
          p_ += length;
        } else {
          break;
        }
      }
      out.append(run, p_);
      if (p_ == end_) return syntax_error("unterminated string");
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c >= 0x80) return syntax_error("invalid UTF-8 in string");
      if (c < 0x20) return syntax_error("unescaped control character in string");
      if (!parse_escape(out)) return false;
    }
  }

  // One escape, p_ at its backslash.
  bool parse_escape(std::string& out) {
    if (end_ - p_ < 2) {
      p_ = end_;
      return syntax_error("unterminated string");
    }
    const char letter = p_[1];
    char decoded = 0;
    switch (letter) {
      case '"':
        decoded = '"';
        break;
      case '\\':
        decoded = '\\';
        break;
      case '/':
        decoded = '/';
        break;
      case 'b':
        decoded = '\b';
        break;
      case 'f':
        decoded = '\f';
        break;
      case 'n':
        decoded = '\n';
        break;
      case 'r':
        decoded = '\r';
        break;
      case 't':
        decoded = '\t';
        break;
      case 'u':
        return parse_unicode_escape(out);
      default:
        if (letter > 0x20 && letter < 0x7F)
          return syntax_error(std::string("invalid escape \\") + letter);
        return syntax_error("invalid escape");
    }
    out += decoded;
    p_ += 2;
    return true;
  }

  // \uXXXX, p_ at its backslash; a high surrogate must be followed by a \u low one.
  bool parse_unicode_escape(std::string& out) {
    const char* const escape = p_;
    p_ += 2;
    const int unit = read_hex4();
    if (unit < 0) {
      p_ = escape;
      return syntax_error("invalid \\u escape: expected 4 hex digits");
    }
    p_ += 4;
    char32_t cp = static_cast<char32_t>(unit);
    if (unit >= 0xD800 && unit <= 0xDFFF) {
      int low = -1;
      if (unit <= 0xDBFF && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
        p_ += 2;
        low = read_hex4();
        p_ -= 2;
      }
      if (low < 0xDC00 || low > 0xDFFF) {
        const std::string written(escape, 6);  // "\uD83D": six ASCII bytes, checked above
        p_ = escape;
        return syntax_error("unpaired UTF-16 surrogate " + written);
      }
      p_ += 6;
      cp = 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) +
           (static_cast<char32_t>(low) - 0xDC00);
    }
    append_utf8(out, cp);
    return true;
  }
};

}  // namespace

std::variant<Article, RecordError> parse_article_record(std::string_view line) {
  return RecordParser(line).parse();
}

std::string article_to_json(const Article& a) {
  std::string out;
  std::size_t size = 160 + a.slug.size() + a.title.size() + a.summary.size() +
                     a.body_markdown.size() + a.author.size() + a.published_at.size();
  for (const std::string& tag : a.tags) size += tag.size() + 3;
  for (const std::string& slug : a.related) size += slug.size() + 3;
  out.reserve(size + size / 16);  // room for a few escapes before the first regrowth
  // The keys in kFieldNames order.
  out += "{\"slug\":";
  append_json_string(out, a.slug);
  out += ",\"title\":";
  append_json_string(out, a.title);
  out += ",\"summary\":";
  append_json_string(out, a.summary);
  out += ",\"body_markdown\":";
  append_json_string(out, a.body_markdown);
  out += ",\"author\":";
  append_json_string(out, a.author);
  out += ",\"tags\":";
  append_json_array(out, a.tags);
  out += ",\"status\":";
  append_json_string(out, to_string(a.status));
  out += ",\"published_at\":";
  append_json_string(out, a.published_at);
  out += ",\"related\":";
  append_json_array(out, a.related);
  out += '}';
  return out;
}

}  // namespace gazette
