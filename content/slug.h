// Slugs: the article's address (/articles/{slug}).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gazette {

inline constexpr std::size_t kMaxSlugLength = 120;

// True when `s` matches [a-z0-9]+(-[a-z0-9]+)* and is at most kMaxSlugLength chars.
bool is_valid_slug(std::string_view s);

// Derives a valid slug from a title: lowercase ASCII letters and digits, every other run
// of characters becomes one hyphen, common Latin accented letters lose their accents
// ("Café Zürich" -> "cafe-zurich"), no leading/trailing hyphen, cut at a hyphen to at most
// kMaxSlugLength chars. Returns "" when the title has no letter or digit to keep.
std::string slugify(std::string_view title);

// UTF-8 helpers shared by the content code (slugs, validation, word counts).

// Decodes the code point starting at `pos` and moves `pos` past it. Malformed input
// (a stray continuation byte, a truncated sequence, an overlong form, a surrogate or a
// value past U+10FFFF) gives nullopt and moves `pos` on by one byte. `pos` < s.size().
std::optional<char32_t> decode_utf8(std::string_view s, std::size_t& pos);

// True when `s` is well-formed UTF-8 in the sense of decode_utf8.
bool is_valid_utf8(std::string_view s);

// Characters (code points) in `s`; each malformed byte counts as one.
std::size_t utf8_length(std::string_view s);

}  // namespace gazette
