// Front matter: reads the "---"-delimited header of Hugo/Jekyll-style Markdown files into
// an Article. It understands the small subset of YAML such headers use (one-line scalars,
// quotes, flow and block lists, comments) and reports anything else with its line.
#include "content/front_matter.h"

#include <algorithm>
#include <array>
#include <optional>

#include "content/validate.h"

namespace gazette {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kBlank = " \t";

enum class Key { title, slug, summary, author, published_at, tags, related, status, draft };
constexpr std::size_t kKeyCount = 9;

struct KeyInfo {
  std::string_view name;   // as written in the file (lowercase)
  Key key;                 // synonyms share one
  std::string_view field;  // the Article field, as in FieldError
};

constexpr std::array<KeyInfo, 11> kKeys = {{
    {"title", Key::title, "title"},
    {"slug", Key::slug, "slug"},
    {"summary", Key::summary, "summary"},
    {"description", Key::summary, "summary"},
    {"author", Key::author, "author"},
    {"date", Key::published_at, "published_at"},
    {"published_at", Key::published_at, "published_at"},
    {"tags", Key::tags, "tags"},
    {"related", Key::related, "related"},
    {"status", Key::status, "status"},
    {"draft", Key::draft, "status"},
}};

std::string_view trim_left(std::string_view s) {
  const std::size_t first = s.find_first_not_of(kBlank);
  return first == std::string_view::npos ? std::string_view{} : s.substr(first);
}

std::string_view trim_right(std::string_view s) {
  const std::size_t last = s.find_last_not_of(kBlank);
  return last == std::string_view::npos ? std::string_view{} : s.substr(0, last + 1);
}

std::string_view trim(std::string_view s) {
  return trim_left(trim_right(s));
}

bool is_blank_char(char c) {
  return c == ' ' || c == '\t';
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const KeyInfo* find_key(std::string_view lowercase_name) {
  for (const KeyInfo& info : kKeys) {
    if (info.name == lowercase_name) return &info;
  }
  return nullptr;
}

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool is_valid_key(std::string_view key) {
  if (key.empty() || key.front() == '-') return false;
  for (const char c : key) {
    if (!is_key_char(c)) return false;
  }
  return true;
}

bool is_delimiter(std::string_view line) {
  return trim_right(line) == "---";
}

// "- item" (or a bare "-") after optional indentation, already left-trimmed.
bool is_list_item(std::string_view content) {
  return !content.empty() && content.front() == '-' &&
         (content.size() == 1 || is_blank_char(content[1]));
}

// A '#' after a blank starts a YAML comment; so does one at the very start of a value.
bool starts_comment(std::string_view s, std::size_t pos) {
  return s[pos] == '#' && (pos == 0 || is_blank_char(s[pos - 1]));
}

// Without the UTF-8 BOM and with CRLF line ends turned into LF.
std::string clean_text(std::string_view text) {
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

// One line at a time, numbered from 1, without the '\n'.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  bool next(std::string_view& line) {
    if (offset_ >= text_.size()) return false;
    const std::size_t end = std::min(text_.find('\n', offset_), text_.size());
    line = text_.substr(offset_, end - offset_);
    offset_ = end + 1;
    ++number_;
    return true;
  }
  int number() const { return number_; }  // of the line last read
  std::string_view rest() const {         // the text after the line last read
    return offset_ >= text_.size() ? std::string_view{} : text_.substr(offset_);
  }

 private:
  std::string_view text_;
  std::size_t offset_ = 0;
  int number_ = 0;
};

// A parsed value, or why it could not be parsed.
template <typename T>
struct Parsed {
  T value{};
  std::optional<std::string> error;
};

// What may follow a closing quote: blanks and a comment.
std::optional<std::string> check_after_quote(std::string_view rest) {
  rest = trim_left(rest);
  if (rest.empty() || rest.front() == '#') return std::nullopt;
  return "unexpected text after the closing quote";
}

Parsed<std::string> parse_double_quoted(std::string_view v) {
  std::string out;
  for (std::size_t i = 1; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '"') return {std::move(out), check_after_quote(v.substr(i + 1))};
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == v.size()) break;
    switch (v[i]) {
      case '"':
      case '\\':
        out += v[i];
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      default:
        return {"", "unknown escape \"\\" + std::string(1, v[i]) +
                        "\" in a double-quoted value; use \\\" \\\\ \\n or \\t"};
    }
  }
  return {"", "missing closing quote"};
}

// In single quotes, '' stands for one quote and nothing else is special.
Parsed<std::string> parse_single_quoted(std::string_view v) {
  std::string out;
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i] != '\'') {
      out += v[i];
    } else if (i + 1 < v.size() && v[i + 1] == '\'') {
      out += '\'';
      ++i;
    } else {
      return {std::move(out), check_after_quote(v.substr(i + 1))};
    }
  }
  return {"", "missing closing quote"};
}

// A one-line scalar (`v` trimmed): quoted, or plain up to a comment.
Parsed<std::string> parse_scalar(std::string_view v) {
  if (v.empty()) return {};
  if (v.front() == '"') return parse_double_quoted(v);
  if (v.front() == '\'') return parse_single_quoted(v);
  std::size_t end = 0;
  while (end < v.size() && !starts_comment(v, end)) ++end;
  return {std::string(trim_right(v.substr(0, end))), std::nullopt};
}

// Just past the quote that closes the one at `pos`, or npos.
std::size_t skip_quoted(std::string_view s, std::size_t pos) {
  const char quote = s[pos];
  for (std::size_t i = pos + 1; i < s.size(); ++i) {
    if (quote == '"' && s[i] == '\\') {
      ++i;
    } else if (s[i] == quote) {
      if (quote == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return std::string_view::npos;
}

// The raw items of "a, 'b, c', d" from `pos`: split at commas outside quotes, stopping at
// the end, at a comment, or (`flow`) at ']'. `pos` ends where it stopped.
Parsed<std::vector<std::string_view>> split_items(std::string_view s, std::size_t& pos, bool flow) {
  std::vector<std::string_view> items;
  for (;;) {
    while (pos < s.size() && is_blank_char(s[pos])) ++pos;
    const std::size_t start = pos;
    if (pos < s.size() && (s[pos] == '"' || s[pos] == '\'')) {
      pos = skip_quoted(s, pos);
      if (pos == std::string_view::npos) return {{}, "missing closing quote"};
    }
    while (pos < s.size() && s[pos] != ',' && !(flow && s[pos] == ']') && !starts_comment(s, pos)) {
      ++pos;
    }
    items.push_back(trim_right(s.substr(start, pos - start)));
    if (pos == s.size() || s[pos] != ',') break;
    ++pos;
  }
  return {std::move(items), std::nullopt};
}

// "[a, b]" or "a, b" (`v` trimmed, not empty). Empty items ("[]", "a, , b") are skipped.
Parsed<std::vector<std::string>> parse_inline_list(std::string_view v) {
  const bool flow = v.front() == '[';
  std::size_t pos = flow ? 1 : 0;
  Parsed<std::vector<std::string_view>> raw = split_items(v, pos, flow);
  if (raw.error) return {{}, raw.error};
  if (flow) {
    if (pos == v.size() || v[pos] != ']') return {{}, "missing closing ']'"};
    const std::string_view rest = trim_left(v.substr(pos + 1));
    if (!rest.empty() && rest.front() != '#') return {{}, "unexpected text after ']'"};
  }
  std::vector<std::string> items;
  for (const std::string_view item : raw.value) {
    if (item.empty()) continue;
    Parsed<std::string> scalar = parse_scalar(item);
    if (scalar.error) return {{}, scalar.error};
    items.push_back(std::move(scalar.value));
  }
  return {std::move(items), std::nullopt};
}

std::optional<bool> parse_bool(std::string_view v) {
  const std::string lower = ascii_lower(v);
  if (lower == "true" || lower == "yes") return true;
  if (lower == "false" || lower == "no") return false;
  return std::nullopt;
}

// Reads the front matter one line at a time into a ParsedDocument.
class FrontMatterReader {
 public:
  // Contract: `number` is the line's 1-based number in the file, `raw` the line without '\n'.
  std::optional<ParseError> read_line(int number, std::string_view raw) {
    const std::string_view line = trim_right(raw);
    const std::string_view content = trim_left(line);
    if (content.empty() || content.front() == '#') return std::nullopt;
    if (is_list_item(content)) return read_list_item(number, content);
    if (content.size() != line.size()) return read_indented(number);
    return read_key_value(number, line);
  }

  // Settles status from status: and draft: once every line is read.
  std::optional<ParseError> finish() {
    Status status = Status::published;
    if (draft_) status = *draft_ ? Status::draft : Status::published;
    if (status_) {
      if (draft_ && status != *status_) {
        return ParseError{draft_line_, "status",
                          std::string("draft: ") + (*draft_ ? "true" : "false") +
                              " contradicts status: " + to_string(*status_)};
      }
      status = *status_;
    }
    doc_.article.status = status;
    return std::nullopt;
  }

  ParsedDocument take() { return std::move(doc_); }

 private:
  struct Seen {
    int line = 0;  // 0: not seen
    std::string spelling;
  };

  std::optional<ParseError> read_list_item(int number, std::string_view content) {
    if (skipping_) return std::nullopt;
    if (!list_) return ParseError{number, field_, misplaced_item_message()};
    Parsed<std::string> item = parse_scalar(trim(content.substr(1)));
    if (item.error) return ParseError{number, field_, *item.error};
    list_->push_back(std::move(item.value));
    return std::nullopt;
  }

  std::string misplaced_item_message() const {
    if (field_ == "tags" || field_ == "related") {
      return "give the list on the key line or as \"- item\" lines, not both";
    }
    if (!field_.empty()) return "only tags and related may be lists";
    return "a \"- item\" line must follow \"tags:\" or \"related:\"";
  }

  std::optional<ParseError> read_indented(int number) {
    if (skipping_) return std::nullopt;
    return ParseError{number, field_, "unexpected indented line; put each value on one line"};
  }

  std::optional<ParseError> read_key_value(int number, std::string_view line) {
    const std::size_t colon = line.find(':');
    const std::string_view key = line.substr(0, colon);
    const std::string_view after =
        colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    if (colon == std::string_view::npos || !is_valid_key(key) ||
        (!after.empty() && !is_blank_char(after.front()))) {
      return ParseError{number, "", "expected \"key: value\""};
    }
    list_ = nullptr;
    skipping_ = false;
    field_.clear();
    const KeyInfo* info = find_key(ascii_lower(key));
    if (!info) {
      doc_.warnings.push_back("line " + std::to_string(number) + ": unknown key '" +
                              std::string(key) + "' ignored");
      skipping_ = true;  // and any indented lines or list items that belong to it
      return std::nullopt;
    }
    field_ = info->field;
    if (std::optional<ParseError> error = check_duplicate(number, key, *info)) return error;
    const std::string_view value = trim(after);
    if (!value.empty() && (value.front() == '|' || value.front() == '>')) {
      return ParseError{number, field_,
                        "multi-line values are not supported; put the value on one line"};
    }
    doc_.field_lines.emplace(field_, number);
    return assign(number, info->key, value);
  }

  std::optional<ParseError> check_duplicate(int number, std::string_view key, const KeyInfo& info) {
    Seen& seen = seen_[static_cast<std::size_t>(info.key)];
    if (seen.line == 0) {
      seen = {number, std::string(key)};
      return std::nullopt;
    }
    std::string message = "duplicate key '" + std::string(key) + "' (already set on line " +
                          std::to_string(seen.line);
    if (ascii_lower(seen.spelling) != ascii_lower(key)) message += " as '" + seen.spelling + "'";
    return ParseError{number, field_, message + ")"};
  }

  std::optional<ParseError> assign(int number, Key key, std::string_view value) {
    switch (key) {
      case Key::title:
        return assign_scalar(number, value, doc_.article.title);
      case Key::slug:
        return assign_scalar(number, value, doc_.article.slug);
      case Key::summary:
        return assign_scalar(number, value, doc_.article.summary);
      case Key::author:
        return assign_scalar(number, value, doc_.article.author);
      case Key::published_at:
        return assign_scalar(number, value, doc_.article.published_at);
      case Key::tags:
        return assign_list(number, value, doc_.article.tags);
      case Key::related:
        return assign_list(number, value, doc_.article.related);
      case Key::status:
        return assign_status(number, value);
      case Key::draft:
        return assign_draft(number, value);
    }
    return std::nullopt;
  }

  std::optional<ParseError> assign_scalar(int number, std::string_view value, std::string& out) {
    Parsed<std::string> scalar = parse_scalar(value);
    if (scalar.error) return ParseError{number, field_, *scalar.error};
    out = std::move(scalar.value);
    return std::nullopt;
  }

  // An empty value (or just a comment) opens a block list: the "- item" lines that follow fill
  // `out`.
  std::optional<ParseError> assign_list(int number, std::string_view value,
                                        std::vector<std::string>& out) {
    if (value.empty() || value.front() == '#') {
      list_ = &out;
      return std::nullopt;
    }
    Parsed<std::vector<std::string>> list = parse_inline_list(value);
    if (list.error) return ParseError{number, field_, *list.error};
    out = std::move(list.value);
    return std::nullopt;
  }

  std::optional<ParseError> assign_status(int number, std::string_view value) {
    std::string text;
    if (std::optional<ParseError> error = assign_scalar(number, value, text)) return error;
    Status status{};
    if (!parse_status(text, status)) {
      return ParseError{number, field_, "must be draft or published (got \"" + text + "\")"};
    }
    status_ = status;
    return std::nullopt;
  }

  std::optional<ParseError> assign_draft(int number, std::string_view value) {
    std::string text;
    if (std::optional<ParseError> error = assign_scalar(number, value, text)) return error;
    const std::optional<bool> draft = parse_bool(text);
    if (!draft) {
      return ParseError{number, field_, "draft must be true or false (got \"" + text + "\")"};
    }
    draft_ = draft;
    draft_line_ = number;
    return std::nullopt;
  }

  ParsedDocument doc_;
  std::array<Seen, kKeyCount> seen_{};
  std::vector<std::string>* list_ = nullptr;  // the block list "- item" lines go to
  bool skipping_ = false;                     // inside an unknown key's value
  std::string field_;                         // the field of the last key line
  std::optional<Status> status_;
  std::optional<bool> draft_;
  int draft_line_ = 0;
};

// The body: everything after the closing '---', less one leading blank line.
void attach_body(ParsedDocument& doc, const LineReader& lines) {
  std::string_view body = lines.rest();
  doc.body_line = lines.number() + 1;
  const std::size_t first_end = std::min(body.find('\n'), body.size());
  if (!body.empty() && trim(body.substr(0, first_end)).empty()) {
    body.remove_prefix(std::min(first_end + 1, body.size()));
    ++doc.body_line;
  }
  doc.article.body_markdown = std::string(body);
}

// The lines between the opening '---' on line 1 and the closing '---', leaving `lines`
// just past the closing one. The closing line is looked for before any line is parsed:
// without it, the body's first line would be reported as a bad "key: value" line and
// hide the real mistake.
std::variant<std::vector<std::string_view>, ParseError> read_header(LineReader& lines) {
  std::string_view line;
  if (!lines.next(line) || !is_delimiter(line)) {
    return ParseError{1, "", "missing opening '---' line: the file must start with front matter"};
  }
  std::vector<std::string_view> header;
  while (lines.next(line)) {
    if (is_delimiter(line)) return header;
    header.push_back(line);
  }
  return ParseError{1, "", "missing closing '---' line for the front matter opened on line 1"};
}

}  // namespace

std::variant<ParsedDocument, ParseError> parse_front_matter_document(std::string_view text) {
  const std::string clean = clean_text(text);
  if (clean.find_first_not_of(" \t\r\n") == std::string::npos) {
    return ParseError{0, "",
                      "the file is empty; it must start with front matter between '---' lines"};
  }
  LineReader lines(clean);
  auto header = read_header(lines);
  if (auto* error = std::get_if<ParseError>(&header)) return std::move(*error);
  FrontMatterReader reader;
  int number = 1;  // line 1 is the opening '---'
  for (const std::string_view line : std::get<std::vector<std::string_view>>(header)) {
    if (std::optional<ParseError> error = reader.read_line(++number, line)) return *error;
  }
  if (std::optional<ParseError> error = reader.finish()) return *error;
  ParsedDocument doc = reader.take();
  attach_body(doc, lines);
  return doc;
}

}  // namespace gazette
