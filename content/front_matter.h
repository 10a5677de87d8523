// Markdown files with front matter (Hugo / Jekyll style): the demo content and `import`.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "content/article.h"

namespace gazette {

// Where a file went wrong: 1-based line (0 when the problem is the whole file), the
// field it concerns ("" when none) and what is wrong.
struct ParseError {
  int line = 0;
  std::string field;
  std::string message;
};

struct ParsedDocument {
  Article article;                    // not yet normalised or validated
  std::vector<std::string> warnings;  // e.g. "line 4: unknown key 'weight' ignored"
  int body_line = 0;                  // 1-based line where the body starts
  // The line that set each field, by article field name ("published_at" for date:,
  // "summary" for description:, "status" for status: or draft:), so validation errors
  // can be reported as FILE:LINE too. Fields not in the file are absent.
  std::map<std::string, int, std::less<>> field_lines;
};

// Parses "---\nkey: value\n...\n---\nbody". Keys: title, slug, summary (or description),
// author, date (or published_at), tags ("[a, b]", "a, b" or a YAML block list of "- a"
// lines), related (same forms), status ("draft"/"published"), draft (true/false: true
// means status draft; without status or draft, the article is published). Values may
// be single- or double-quoted (YAML escapes \" \\ \n \t in double quotes). Lines
// starting with '#' and blank lines in the front matter are skipped. Unknown keys are
// ignored with a warning; a duplicate key, a line that is not "key: value", a missing
// opening or closing '---' are errors. A UTF-8 BOM and CRLF line ends are accepted.
std::variant<ParsedDocument, ParseError> parse_front_matter_document(std::string_view text);

}  // namespace gazette
