// JSON Lines articles: one article as one JSON object on one line, the format `import`
// reads and `dump` writes. The reader is a small strict RFC 8259 parser made for this
// one record shape (the project uses no JSON library); the writer is its exact inverse,
// so dump | import | dump is byte-identical.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "content/article.h"

namespace gazette {

// One problem in one JSON Lines record: the field it concerns ("" when the record as a
// whole is broken) and what is wrong, plus the 1-based column where parsing stopped
// (0 when not a syntax error).
//
// Syntax errors (column > 0) name the field when they happen inside the value of a
// known field ("body_markdown", "invalid escape \q"), and "" when they happen in the
// record's structure or in a key. Columns count bytes from the start of `line` as
// given (a leading BOM counts 3). Messages are one line of valid UTF-8 whatever the
// input: keys quoted in them are escaped and shortened.
struct RecordError {
  std::string field;
  std::string message;
  int column = 0;
};

// Parses one line (without its newline) holding one JSON object in the SPEC's record
// format: {"slug","title","summary","body_markdown","author","tags":[...],"status",
// "published_at","related":[...]}. Every key is optional except "title" (whose absence
// is left to the validator: return an Article with an empty title), unknown keys are an
// error ("unknown field \"foo\""), duplicate keys are an error, a wrong type is an error
// naming the field and the expected type ("tags: expected an array of strings"), null is
// accepted for the string fields (meaning empty) and for tags/related (meaning none).
// "status" must be the string "draft" or "published" (default when absent: published).
// Not normalised or validated here (content/validate.h does that).
//
// Details: keys are compared after unescaping ("\u0073lug" is "slug"); null for
// "status" is the same as leaving it out (published), as null is for every other key;
// \u0000 is valid JSON and gives a NUL byte, which is the validator's business. Strict
// RFC 8259 otherwise: no comments, no trailing commas, no single quotes, only space,
// tab, CR and LF as whitespace, strings of valid UTF-8 with no raw control characters,
// nesting at most 32 deep. A leading UTF-8 BOM is skipped. Linear in the line's length;
// never throws anything but std::bad_alloc.
std::variant<Article, RecordError> parse_article_record(std::string_view line);

// The article as one JSON object on one line (no newline), keys in exactly the order
// above, every key present (empty strings and [] included), strings escaped minimally:
// \" \\ \n \r \t \b \f and \u00XX for other control characters; everything else,
// including non-ASCII UTF-8 and '/', written as is. parse_article_record of the output
// gives back an equal Article: dump | import | dump must be byte-identical.
//
// Expects the strings to be valid UTF-8, as the validator guarantees for every stored
// article; other bytes are copied too, and that line would not parse back.
std::string article_to_json(const Article& a);

}  // namespace gazette
