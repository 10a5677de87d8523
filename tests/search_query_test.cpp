// Tests for content/search_query: what a reader types becomes quoted FTS5 terms and
// nothing else (every FTS5 operator is a separator or a quoted word), the text shown
// back is clean and bounded, and snippets become HTML where only our <mark> survives.
#include <catch2/catch.hpp>

#include <string>

#include "content/search_query.h"
#include "content/slug.h"

using gazette::kMaxQueryChars;
using gazette::kMaxQueryTerms;
using gazette::parse_search_query;
using gazette::snippet_html;

namespace {

std::string match_of(std::string_view typed) {
  return parse_search_query(typed).match;
}

// The only characters a match may hold outside quoted terms: a space between terms and
// one `*` at the very end. Inside quotes, a quote must come doubled.
bool is_quoted_terms(const std::string& match) {
  std::size_t i = 0;
  while (i < match.size()) {
    if (match[i] != '"') return false;
    ++i;
    for (;;) {
      if (i >= match.size()) return false;
      if (match[i] == '"') {
        if (i + 1 < match.size() && match[i + 1] == '"') {
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      ++i;
    }
    if (i == match.size()) return true;
    if (match[i] == '*') return i + 1 == match.size();
    if (match[i] != ' ') return false;
    ++i;
  }
  return match.empty();
}

}  // namespace

TEST_CASE("words become quoted terms, ANDed, the last a prefix", "[content][search]") {
  CHECK(match_of("climate plan") == R"("climate" "plan"*)");
  CHECK(match_of("Climate") == R"("climate"*)");
  CHECK(match_of("climate ab") == R"("climate" "ab")");  // too short for a prefix
  CHECK(match_of("climate the") == R"("climate" "the")");
  CHECK(match_of("the climate") == R"("the" "climate"*)");
  CHECK(match_of("ab") == R"("ab")");
  CHECK(match_of("a") == R"("a")");
  CHECK(match_of("2026 budget") == R"("2026" "budget"*)");
  auto q = parse_search_query("  Climate   PLAN ");
  CHECK(q.text == "Climate PLAN");
  CHECK(q.terms == std::vector<std::string>{"climate", "plan"});
  // A repeated word is searched once.
  CHECK(match_of("plan Plan PLAN council") == R"("plan" "council"*)");
}

TEST_CASE("FTS5 operators and punctuation are never syntax", "[content][search]") {
  CHECK(match_of(R"("climate plan")") == R"("climate" "plan"*)");
  CHECK(match_of(R"(climate" OR "x)") == R"("climate" "or" "x")");
  CHECK(match_of("climate*") == R"("climate"*)");
  CHECK(match_of("*") == "");
  CHECK(match_of("-climate") == R"("climate"*)");
  CHECK(match_of("climate -plan") == R"("climate" "plan"*)");
  CHECK(match_of("climate NEAR plan") == R"("climate" "near" "plan"*)");
  CHECK(match_of("NEAR(climate plan, 5)") == R"("near" "climate" "plan" "5")");
  CHECK(match_of("climate AND plan") == R"("climate" "and" "plan"*)");
  CHECK(match_of("climate OR plan") == R"("climate" "or" "plan"*)");
  CHECK(match_of("NOT climate") == R"("not" "climate"*)");
  CHECK(match_of("AND") == R"("and")");
  CHECK(match_of("((climate") == R"("climate"*)");
  CHECK(match_of("climate)) OR (") == R"("climate" "or")");
  CHECK(match_of("^climate") == R"("climate"*)");
  CHECK(match_of("title:climate") == R"("title" "climate"*)");
  CHECK(match_of("{title body}: climate") == R"("title" "body" "climate"*)");
  CHECK(match_of("climate + plan") == R"("climate" "plan"*)");
  CHECK(match_of("it's") == R"("it" "s")");
  CHECK(match_of("R&D") == R"("r" "d")");
  CHECK(match_of("<script>alert(1)</script>") == R"("script" "alert" "1")");
  CHECK(match_of("a\\b") == R"("a" "b")");
  CHECK(match_of("'; DROP TABLE articles; --") == R"("drop" "table" "articles"*)");
  for (const char* typed :
       {"\"", "\"\"", "\"\"\"", "*", "-", "^",  ":",  "(", ")",     "((",    "))",
        "{",  "}",    "+",      ",", ".", "\\", "--", "'", "\"*\"", "NEAR(", "\t\n"}) {
    INFO(typed);
    CHECK(match_of(typed).empty() == (std::string_view(typed).find_first_not_of(
                                          "\"*-^:(){}+,.\\'\t\n") == std::string_view::npos));
  }
}

TEST_CASE("empty and whitespace-only queries search nothing", "[content][search]") {
  for (const char* typed : {"", " ", "   ", "\t", "\n\r\n", "\xC2\xA0", "\xE3\x80\x80"}) {
    INFO(typed);
    auto q = parse_search_query(typed);
    CHECK(q.text.empty());
    CHECK(q.terms.empty());
    CHECK(q.match.empty());
  }
  // Only punctuation: something shown back, nothing searched.
  auto q = parse_search_query(" ?! ");
  CHECK(q.text == "?!");
  CHECK(q.match.empty());
}

TEST_CASE("letters beyond ASCII stay words, their punctuation separates", "[content][search]") {
  CHECK(match_of("café Zürich") == "\"café\" \"zürich\"*");  // ASCII letters lowercased
  CHECK(match_of("Ωμέγα") == "\"Ωμέγα\"*");
  CHECK(match_of("東京") == "\"東京\"");  // two characters: no prefix
  CHECK(match_of("東京都庁") == "\"東京都庁\"*");
  // Typographic quotes, dashes, ellipsis, guillemets, no-break and ideographic spaces.
  CHECK(match_of("\u201cclimate\u201d\u2014plan\u2026") == R"("climate" "plan"*)");
  CHECK(match_of("\u00abcafé\u00bb\u00a0bars") == "\"café\" \"bars\"*");
  CHECK(match_of("東京\u3000大阪\u3002") == "\"東京\" \"大阪\"");
  CHECK(match_of("\uff08climate\uff09") == R"("climate"*)");
  // The snippet markers can never be part of a term.
  CHECK(match_of("cli\uE000mate\uE001") == R"("cli" "mate"*)");
  // An emoji is a word to the sanitiser; the tokenizer finds nothing in it, and FTS5
  // ignores an empty term.
  CHECK(match_of("\U0001F600") == "\"\U0001F600\"");
}

TEST_CASE("malformed UTF-8 and control characters are cleaned", "[content][search]") {
  auto q = parse_search_query("cli\xFFmate\x01plan\x7F\xC3");
  CHECK(gazette::is_valid_utf8(q.text));
  CHECK(q.text == "cli\uFFFDmate plan \uFFFD");
  CHECK(q.match == R"("cli" "mate" "plan"*)");
  CHECK(match_of(std::string("a\0b", 3)) == R"("a" "b")");
  CHECK(parse_search_query("\xED\xA0\x80").match.empty());  // a surrogate
}

TEST_CASE("long queries are bounded", "[content][search]") {
  SECTION("a 10,000-character query") {
    std::string typed;
    for (int i = 0; typed.size() < 10000; ++i) typed += "word" + std::to_string(i) + " ";
    auto q = parse_search_query(typed);
    CHECK(gazette::utf8_length(q.text) <= kMaxQueryChars);
    CHECK(q.text.back() != ' ');
    CHECK(q.terms.size() == kMaxQueryTerms);
    CHECK(q.terms.front() == "word0");
    CHECK(q.terms.back() == "word15");
    CHECK(is_quoted_terms(q.match));
  }
  SECTION("one 10,000-character word") {
    auto q = parse_search_query(std::string(10000, 'x'));
    CHECK(q.text == std::string(kMaxQueryChars, 'x'));
    REQUIRE(q.terms.size() == 1);
    CHECK(q.terms[0] == std::string(gazette::kMaxTermChars, 'x'));
    CHECK(q.match == "\"" + std::string(gazette::kMaxTermChars, 'x') + "\"*");
  }
  SECTION("multi-byte characters are cut whole") {
    std::string typed;
    for (int i = 0; i < 5000; ++i) typed += "é";
    auto q = parse_search_query(typed);
    CHECK(gazette::is_valid_utf8(q.text));
    CHECK(gazette::utf8_length(q.text) == kMaxQueryChars);
    CHECK(gazette::utf8_length(q.terms.at(0)) == gazette::kMaxTermChars);
  }
  SECTION("10,000 quotes and operators") {
    std::string typed;
    while (typed.size() < 10000) typed += "\"a\" OR (b* NOT -c) NEAR/2 ^d: ";
    auto q = parse_search_query(typed);
    CHECK(q.terms.size() <= kMaxQueryTerms);
    CHECK(is_quoted_terms(q.match));
  }
}

TEST_CASE("every match is quoted terms, whatever the bytes", "[content][search]") {
  // A cheap deterministic fuzz: every pair of interesting bytes and fragments.
  const std::vector<std::string> parts = {"\"",     "*",      "-",      "(",     ")",    "^",
                                          ":",      "NEAR",   "AND",    "OR",    "NOT",  "a",
                                          "bc",     " ",      "\t",     "\\",    "'",    "{",
                                          "}",      "+",      ",",      "\xFF",  "\xC3", "é",
                                          "\0",     "\n",     "x:",     "\"\"",  "abc*", "\uE000",
                                          "\uE001", "title:", "NEAR/3", "\u2028"};
  for (const auto& a : parts) {
    for (const auto& b : parts) {
      for (const auto& c : {std::string(""), std::string("z"), std::string("\"")}) {
        std::string typed = a + b + c + a;
        auto q = parse_search_query(typed);
        INFO(typed);
        CHECK(is_quoted_terms(q.match));
        CHECK(gazette::is_valid_utf8(q.text));
        CHECK(q.match.find('\0') == std::string::npos);
      }
    }
  }
}

TEST_CASE("snippets become HTML with only our marks", "[content][search]") {
  const std::string open(gazette::kSnippetOpen);
  const std::string close(gazette::kSnippetClose);
  CHECK(snippet_html("") == "");
  CHECK(snippet_html("plain text") == "plain text");
  CHECK(snippet_html("the " + open + "plan" + close + " was") == "the <mark>plan</mark> was");
  CHECK(snippet_html(open + "a" + close + " & " + open + "b" + close) ==
        "<mark>a</mark> &amp; <mark>b</mark>");
  // Text that looks like HTML stays text, our own tag name included.
  CHECK(snippet_html("<script>alert(1)</script> " + open + "x" + close) ==
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>x</mark>");
  CHECK(snippet_html("<mark>fake</mark>") == "&lt;mark&gt;fake&lt;/mark&gt;");
  CHECK(snippet_html("\"quoted\" 'single'") == "&quot;quoted&quot; &apos;single&apos;");
  // Markers out of turn are dropped; an open mark is closed.
  CHECK(snippet_html(close + "a" + open + open + "b") == "a<mark>b</mark>");
  CHECK(snippet_html(open + "a" + close + close) == "<mark>a</mark>");
  // Malformed UTF-8 and forbidden control characters.
  CHECK(snippet_html("a\xFF"
                     "b\x01"
                     "c") == "a\uFFFDbc");
  // A half marker (truncated UTF-8) is not a marker.
  CHECK(snippet_html("a\xEE\x80") == "a\uFFFD\uFFFD");
}
