// JSON text: quoting strings so the result is valid JSON and also safe inside an HTML
// <script> element (JSON-LD) — no "</script>", no "<!--", no U+2028/2029.
#pragma once

#include <string>
#include <string_view>

namespace gazette {

// `s` (valid UTF-8) as a quoted JSON string. <, >, & and the line/paragraph separators
// are written as \u escapes, which every JSON parser reads back as the same characters.
std::string json_quote(std::string_view s);
// The same, appended to `out`.
void append_json_quoted(std::string& out, std::string_view s);

}  // namespace gazette
