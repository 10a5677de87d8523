// Markdown: cmark-gfm in safe mode, rendered when an article is written, never per view.
#pragma once

#include <string>
#include <string_view>

namespace gazette {

// CommonMark + GFM tables, strikethrough, autolinks (and tagfilter) to HTML. Safe mode:
// raw HTML in the source is not passed through and links or images with javascript:,
// vbscript:, file: or data: (non-image) URLs lose their URL. Smart punctuation is off.
// Thread-safe.
std::string markdown_to_html(std::string_view markdown);

// The text a reader would read: no Markdown syntax, no HTML, block elements separated
// by newlines. Used for word counts, search and descriptions.
std::string markdown_to_text(std::string_view markdown);

// Words in plain text (runs of letters/digits, an apostrophe or hyphen inside a word
// does not split it).
int count_words(std::string_view text);

// Minutes to read `words` words at 230 words a minute, at least 1.
int reading_minutes(int words);

}  // namespace gazette
