// XML text: escaping any user text so that the feeds and the sitemap are always
// well-formed XML 1.0, whatever an article contains.
#pragma once

#include <string>
#include <string_view>

namespace gazette {

// True for the characters XML 1.0 allows in a document (the Char production): tab, line
// feed, carriage return, U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF.
bool is_xml_char(char32_t cp);

// Appends `s` to `out` escaped for XML character data and for attribute values (single
// or double quoted):
// - & < > " ' become &amp; &lt; &gt; &quot; &apos;
// - a carriage return becomes &#13;, so that a parser's end-of-line handling does not
//   turn it into a line feed (the text reads back exactly);
// - characters XML 1.0 does not allow (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F,
//   U+FFFE, U+FFFF) are dropped: they cannot be written at all, not even as references;
// - a malformed UTF-8 byte becomes U+FFFD, so the output is always valid UTF-8.
// Everything else is copied as it is (UTF-8).
void append_xml_escaped(std::string& out, std::string_view s);

// `s` escaped as append_xml_escaped does.
std::string xml_escape(std::string_view s);

}  // namespace gazette
