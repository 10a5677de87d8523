// Slugs: checking them, deriving them from titles (with Latin transliteration), and the
// small UTF-8 reader the rest of the content code shares.
#include "content/slug.h"

#include <array>

namespace gazette {

namespace {

// ASCII spellings of U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A),
// lowercase. "" marks a code point that is not a letter (× and ÷) and so separates words.
constexpr char32_t kLatinFirst = 0xC0;
constexpr std::array<std::string_view, 0x180 - kLatinFirst> kLatin = {
    // U+00C0 À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï
    "a",
    "a",
    "a",
    "a",
    "a",
    "a",
    "ae",
    "c",
    "e",
    "e",
    "e",
    "e",
    "i",
    "i",
    "i",
    "i",
    // U+00D0 Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
    "d",
    "n",
    "o",
    "o",
    "o",
    "o",
    "o",
    "",
    "o",
    "u",
    "u",
    "u",
    "u",
    "y",
    "th",
    "ss",
    // U+00E0 à á â ã ä å æ ç è é ê ë ì í î ï
    "a",
    "a",
    "a",
    "a",
    "a",
    "a",
    "ae",
    "c",
    "e",
    "e",
    "e",
    "e",
    "i",
    "i",
    "i",
    "i",
    // U+00F0 ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
    "d",
    "n",
    "o",
    "o",
    "o",
    "o",
    "o",
    "",
    "o",
    "u",
    "u",
    "u",
    "u",
    "y",
    "th",
    "y",
    // U+0100 Ā ā Ă ă Ą ą Ć ć Ĉ ĉ Ċ ċ Č č Ď ď
    "a",
    "a",
    "a",
    "a",
    "a",
    "a",
    "c",
    "c",
    "c",
    "c",
    "c",
    "c",
    "c",
    "c",
    "d",
    "d",
    // U+0110 Đ đ Ē ē Ĕ ĕ Ė ė Ę ę Ě ě Ĝ ĝ Ğ ğ
    "d",
    "d",
    "e",
    "e",
    "e",
    "e",
    "e",
    "e",
    "e",
    "e",
    "e",
    "e",
    "g",
    "g",
    "g",
    "g",
    // U+0120 Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ Ĩ ĩ Ī ī Ĭ ĭ Į į
    "g",
    "g",
    "g",
    "g",
    "h",
    "h",
    "h",
    "h",
    "i",
    "i",
    "i",
    "i",
    "i",
    "i",
    "i",
    "i",
    // U+0130 İ ı Ĳ ĳ Ĵ ĵ Ķ ķ ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ
    "i",
    "i",
    "ij",
    "ij",
    "j",
    "j",
    "k",
    "k",
    "k",
    "l",
    "l",
    "l",
    "l",
    "l",
    "l",
    "l",
    // U+0140 ŀ Ł ł Ń ń Ņ ņ Ň ň ŉ Ŋ ŋ Ō ō Ŏ ŏ
    "l",
    "l",
    "l",
    "n",
    "n",
    "n",
    "n",
    "n",
    "n",
    "n",
    "ng",
    "ng",
    "o",
    "o",
    "o",
    "o",
    // U+0150 Ő ő Œ œ Ŕ ŕ Ŗ ŗ Ř ř Ś ś Ŝ ŝ Ş ş
    "o",
    "o",
    "oe",
    "oe",
    "r",
    "r",
    "r",
    "r",
    "r",
    "r",
    "s",
    "s",
    "s",
    "s",
    "s",
    "s",
    // U+0160 Š š Ţ ţ Ť ť Ŧ ŧ Ũ ũ Ū ū Ŭ ŭ Ů ů
    "s",
    "s",
    "t",
    "t",
    "t",
    "t",
    "t",
    "t",
    "u",
    "u",
    "u",
    "u",
    "u",
    "u",
    "u",
    "u",
    // U+0170 Ű ű Ų ų Ŵ ŵ Ŷ ŷ Ÿ Ź ź Ż ż Ž ž ſ
    "u",
    "u",
    "u",
    "u",
    "w",
    "w",
    "y",
    "y",
    "y",
    "z",
    "z",
    "z",
    "z",
    "z",
    "z",
    "s",
};

// The ASCII spelling of one code point: itself for [a-z0-9], lowercased for [A-Z], the
// transliteration for the Latin letters above (and Romanian ș ț, capital ẞ), "" otherwise.
std::string_view ascii_spelling(char32_t cp) {
  static constexpr std::string_view kDigitsAndLetters = "0123456789abcdefghijklmnopqrstuvwxyz";
  if (cp >= '0' && cp <= '9') return kDigitsAndLetters.substr(cp - '0', 1);
  if (cp >= 'a' && cp <= 'z') return kDigitsAndLetters.substr(10 + cp - 'a', 1);
  if (cp >= 'A' && cp <= 'Z') return kDigitsAndLetters.substr(10 + cp - 'A', 1);
  if (cp >= kLatinFirst && cp < kLatinFirst + kLatin.size()) return kLatin[cp - kLatinFirst];
  switch (cp) {
    case 0x0218:  // Ș
    case 0x0219:  // ș
      return "s";
    case 0x021A:  // Ț
    case 0x021B:  // ț
      return "t";
    case 0x1E9E:  // ẞ
      return "ss";
    default:
      return "";
  }
}

bool is_slug_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Cuts a well-formed slug to at most kMaxSlugLength chars at a hyphen, so no word is
// broken; a first word longer than the limit has to be cut inside it.
std::string truncate_slug(std::string slug) {
  if (slug.size() <= kMaxSlugLength) return slug;
  if (slug[kMaxSlugLength] == '-') return slug.substr(0, kMaxSlugLength);
  const std::size_t hyphen = slug.rfind('-', kMaxSlugLength - 1);
  return slug.substr(0, hyphen == std::string::npos ? kMaxSlugLength : hyphen);
}

// Continuation bytes of a sequence whose lead byte is `lead`, the smallest code point it
// may encode (to refuse overlong forms), and the payload bits of the lead byte.
struct SequenceShape {
  int continuation_bytes;
  char32_t min_code_point;
  char32_t lead_bits;
};

std::optional<SequenceShape> shape_of(unsigned char lead) {
  if (lead < 0x80) return SequenceShape{0, 0, lead};
  if ((lead & 0xE0) == 0xC0) return SequenceShape{1, 0x80, lead & 0x1Fu};
  if ((lead & 0xF0) == 0xE0) return SequenceShape{2, 0x800, lead & 0x0Fu};
  if ((lead & 0xF8) == 0xF0) return SequenceShape{3, 0x10000, lead & 0x07u};
  return std::nullopt;
}

}  // namespace

bool is_valid_slug(std::string_view s) {
  if (s.empty() || s.size() > kMaxSlugLength) return false;
  if (s.front() == '-' || s.back() == '-') return false;
  char previous = '\0';
  for (const char c : s) {
    if (c == '-' && previous == '-') return false;
    if (c != '-' && !is_slug_char(c)) return false;
    previous = c;
  }
  return true;
}

std::string slugify(std::string_view title) {
  std::string slug;
  bool pending_hyphen = false;  // a separator seen since the last kept character
  std::size_t pos = 0;
  while (pos < title.size()) {
    const std::optional<char32_t> cp = decode_utf8(title, pos);
    const std::string_view spelling = cp ? ascii_spelling(*cp) : std::string_view{};
    if (spelling.empty()) {
      pending_hyphen = true;
      continue;
    }
    if (pending_hyphen && !slug.empty()) slug += '-';
    pending_hyphen = false;
    slug += spelling;
  }
  return truncate_slug(std::move(slug));
}

std::optional<char32_t> decode_utf8(std::string_view s, std::size_t& pos) {
  const std::size_t start = pos++;
  const std::optional<SequenceShape> shape = shape_of(static_cast<unsigned char>(s[start]));
  if (!shape) return std::nullopt;
  const std::size_t end = start + 1 + static_cast<std::size_t>(shape->continuation_bytes);
  if (end > s.size()) return std::nullopt;
  char32_t cp = shape->lead_bits;
  for (std::size_t i = start + 1; i < end; ++i) {
    const auto byte = static_cast<unsigned char>(s[i]);
    if ((byte & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte & 0x3Fu);
  }
  if (cp < shape->min_code_point || cp > 0x10FFFF) return std::nullopt;
  if (cp >= 0xD800 && cp <= 0xDFFF) return std::nullopt;
  pos = end;
  return cp;
}

bool is_valid_utf8(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (!decode_utf8(s, pos)) return false;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    decode_utf8(s, pos);
    ++count;
  }
  return count;
}

}  // namespace gazette
