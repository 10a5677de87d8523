// Search text in and out (see search_query.h).
#include "content/search_query.h"

#include <algorithm>
#include <optional>

#include "content/slug.h"
#include "content/xml.h"

namespace gazette {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Characters that separate words like a space does but are not control characters:
// the no-break and typographic spaces, the line and paragraph separators, the
// byte-order mark.
bool is_unicode_space(char32_t cp) {
  return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

// Where the text shown back breaks: ASCII whitespace and control characters (C0, DEL,
// C1), which a form field has no use for, and the Unicode spaces.
bool is_space_or_control(char32_t cp) {
  return cp <= 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_unicode_space(cp);
}

// Whether `cp` belongs to a word. ASCII: letters and digits only, so every character
// FTS5's query syntax gives a meaning to (" * - + ^ : ( ) { } , and the rest) separates
// words. Beyond ASCII: everything but the blocks of punctuation, symbols and spaces a
// reader is likely to type or paste (Latin-1 punctuation, General and Supplemental
// Punctuation, CJK and full-width punctuation), the private-use area (where the snippet
// markers live) and U+FFFD (malformed input). Letters of every script stay words; the
// tokenizer (unicode61) decides about the rest, and a word it finds empty is ignored.
bool is_word_char(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp <= 0xBF) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;  // ª µ º are letters
  if (cp == 0xD7 || cp == 0xF7) return false;                     // × ÷
  if (is_unicode_space(cp)) return false;
  if (cp >= 0x2000 && cp <= 0x206F) return false;  // General Punctuation
  if (cp >= 0x2E00 && cp <= 0x2E7F) return false;  // Supplemental Punctuation
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK Symbols and Punctuation
  if (cp >= 0xE000 && cp <= 0xF8FF) return false;  // Private Use Area
  if (cp >= 0xFE10 && cp <= 0xFE6F) return false;  // vertical, compatibility, small forms
  if ((cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
      (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65)) {
    return false;  // full-width punctuation
  }
  return cp != 0xFFFD;
}

// One character of the cleaned text: its code point and its bytes in that text.
struct Char {
  char32_t cp;
  std::string_view bytes;
};

// Calls `fn` with each character of `s`, a malformed byte as U+FFFD.
template <typename Fn>
void for_each_char(std::string_view s, Fn fn) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t start = pos;
    std::optional<char32_t> cp = decode_utf8(s, pos);
    if (cp) {
      fn(Char{*cp, s.substr(start, pos - start)});
    } else {
      fn(Char{0xFFFD, kReplacement});
    }
  }
}

// The query as it is shown back (see SearchQuery::text).
std::string clean_text(std::string_view typed) {
  std::string out;
  out.reserve(std::min(typed.size(), kMaxQueryChars * 4));
  std::size_t chars = 0;
  bool pending_space = false;
  std::size_t pos = 0;
  while (pos < typed.size() && chars < kMaxQueryChars) {
    std::size_t start = pos;
    std::optional<char32_t> cp = decode_utf8(typed, pos);
    if (cp && is_space_or_control(*cp)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) {
      if (chars + 2 > kMaxQueryChars) break;  // no room for the space and a character
      out += ' ';
      ++chars;
    }
    pending_space = false;
    if (cp) {
      out.append(typed, start, pos - start);
    } else {
      out += kReplacement;
    }
    ++chars;
  }
  return out;
}

// The term as FTS5 reads a string: in double quotes, a quote inside doubled. (The
// terms parse_search_query makes hold no quote; this stays right if that changes.)
void append_quoted(std::string& out, std::string_view term) {
  out += '"';
  for (char ch : term) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

}  // namespace

SearchQuery parse_search_query(std::string_view typed) {
  SearchQuery q;
  q.text = clean_text(typed);

  std::string term;
  std::size_t term_chars = 0;
  std::size_t last_chars = 0;  // characters in the last term kept
  auto flush = [&] {
    if (!term.empty() && q.terms.size() < kMaxQueryTerms &&
        std::find(q.terms.begin(), q.terms.end(), term) == q.terms.end()) {
      q.terms.push_back(term);
      last_chars = term_chars;
    }
    term.clear();
    term_chars = 0;
  };
  for_each_char(q.text, [&](Char c) {
    if (!is_word_char(c.cp)) {
      flush();
      return;
    }
    if (term_chars == kMaxTermChars) return;  // the rest of an overlong word is dropped
    if (c.cp < 0x80) {
      term += static_cast<char>(c.cp >= 'A' && c.cp <= 'Z' ? c.cp - 'A' + 'a' : c.cp);
    } else {
      term += c.bytes;
    }
    ++term_chars;
  });
  flush();

  for (std::size_t i = 0; i < q.terms.size(); ++i) {
    if (i) q.match += ' ';
    append_quoted(q.match, q.terms[i]);
  }
  if (!q.terms.empty() && last_chars >= kMinPrefixChars) q.match += '*';
  return q;
}

std::string snippet_html(std::string_view snippet) {
  std::string out;
  out.reserve(snippet.size() + snippet.size() / 8);
  bool open = false;
  while (!snippet.empty()) {
    std::size_t at_open = snippet.find(kSnippetOpen);
    std::size_t at_close = snippet.find(kSnippetClose);
    std::size_t at = std::min(at_open, at_close);
    append_xml_escaped(out, snippet.substr(0, at));
    if (at == std::string_view::npos) break;
    bool is_open = at == at_open;
    if (is_open && !open) {
      out += "<mark>";
      open = true;
    } else if (!is_open && open) {
      out += "</mark>";
      open = false;
    }
    snippet.remove_prefix(at + (is_open ? kSnippetOpen : kSnippetClose).size());
  }
  if (open) out += "</mark>";
  return out;
}

}  // namespace gazette
