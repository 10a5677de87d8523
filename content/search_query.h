// Search text in and out: what a reader types into the search box, made into an FTS5
// query that cannot be FTS5 syntax; and the snippet FTS5 returns, made into HTML that can
// hold nothing but our own <mark>. Pure functions, no state: both are fed arbitrary bytes
// (and fuzzed).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gazette {

// What the box keeps of a query: longer input is cut (at a character boundary). The
// search box has the same maxlength.
inline constexpr std::size_t kMaxQueryChars = 200;
// Words searched for; the rest are ignored. Each is one more doclist to intersect.
inline constexpr std::size_t kMaxQueryTerms = 16;
// A longer word is cut to this many characters (no real word is that long).
inline constexpr std::size_t kMaxTermChars = 64;
// The last word is also matched as a prefix from this many characters up ("elect"
// finds "election"). Not from 3: "the"* or "has"* expand to dozens of words whose
// document lists FTS5 must merge, which made such a query 2 to 10 times slower.
inline constexpr std::size_t kMinPrefixChars = 4;

struct SearchQuery {
  // The query for showing back (search box, heading, links): valid UTF-8, no control
  // characters, runs of whitespace made one space, trimmed, at most kMaxQueryChars.
  std::string text;
  // The words searched for, in order, each at most once (ASCII letters lowercased): runs
  // of ASCII letters and digits and of non-ASCII characters other than punctuation and
  // spaces. At most kMaxQueryTerms.
  std::vector<std::string> terms;
  // The FTS5 MATCH expression: every term double-quoted (a quote inside doubled), joined
  // by spaces (FTS5's implicit AND), the last one with `*` when it has at least
  // kMinPrefixChars characters: "climate" "pla"*. Empty when there are no terms, and
  // then nothing should be searched.
  std::string match;
};

// Parses what a reader typed (any bytes; invalid UTF-8 is replaced). Never throws
// except std::bad_alloc.
SearchQuery parse_search_query(std::string_view typed);

// The markers FTS5's snippet() is asked to put around each match: U+E000 and U+E001,
// private-use characters. The search index never holds them (the triggers of
// db/schema.cpp migration 2 strip them from the text), so in a snippet they can only
// be snippet()'s own.
inline constexpr std::string_view kSnippetOpen = "\xEE\x80\x80";
inline constexpr std::string_view kSnippetClose = "\xEE\x80\x81";

// A snippet (text with kSnippetOpen/kSnippetClose around the matches) as HTML: the text
// escaped as content/xml.h does (& < > " ' as entities, malformed UTF-8 as U+FFFD, the
// characters XML 1.0 forbids dropped), the markers made <mark> and </mark>. Always
// balanced: a marker out of turn is dropped and an open <mark> is closed at the end.
// The result is safe to print unescaped ({{{snippet_html}}}).
std::string snippet_html(std::string_view snippet);

}  // namespace gazette
