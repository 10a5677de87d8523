// Tests for content/markdown: the GFM features, safe mode against XSS vectors, plain
// text extraction, word counts and reading time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <climits>
#include <string>
#include <thread>
#include <vector>

#include "content/markdown.h"

using gazette::count_words;
using gazette::markdown_to_html;
using gazette::markdown_to_text;
using gazette::reading_minutes;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  });
  return s;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Markup that would run script or load a dangerous URL, in any letter case.
void check_inert(const std::string& html) {
  INFO(html);
  const std::string l = lower(html);
  CHECK_FALSE(contains(l, "<script"));
  CHECK_FALSE(contains(l, "<img src=x"));
  CHECK_FALSE(contains(l, "<iframe"));
  CHECK_FALSE(contains(l, "onerror"));
  CHECK_FALSE(contains(l, "onclick"));
  CHECK_FALSE(contains(l, "href=\"javascript"));
  CHECK_FALSE(contains(l, "href=\"vbscript"));
  CHECK_FALSE(contains(l, "href=\"file"));
  CHECK_FALSE(contains(l, "src=\"data:text"));
  CHECK_FALSE(contains(l, "src=\"javascript"));
}

}  // namespace

TEST_CASE("markdown_to_html renders CommonMark blocks", "[content][markdown]") {
  CHECK(markdown_to_html("# Head") == "<h1>Head</h1>\n");
  CHECK(markdown_to_html("### Three") == "<h3>Three</h3>\n");
  CHECK(markdown_to_html("> quoted") == "<blockquote>\n<p>quoted</p>\n</blockquote>\n");
  CHECK(markdown_to_html("- one\n- two") == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
  CHECK(markdown_to_html("1. a\n2. b") == "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n");
  CHECK(markdown_to_html("```cpp\nint x = 1 < 2;\n```") ==
        "<pre><code class=\"language-cpp\">int x = 1 &lt; 2;\n</code></pre>\n");
  CHECK(markdown_to_html("*em* **strong** `code`") ==
        "<p><em>em</em> <strong>strong</strong> <code>code</code></p>\n");
  CHECK(markdown_to_html("[link](https://example.org \"T\")") ==
        "<p><a href=\"https://example.org\" title=\"T\">link</a></p>\n");
  CHECK(markdown_to_html("") == "");
}

TEST_CASE("markdown_to_html renders GFM tables", "[content][markdown]") {
  const std::string html = markdown_to_html("| a | b |\n|---|--:|\n| 1 | `x` |\n");
  CHECK(contains(html, "<table>"));
  CHECK(contains(html, "<th>a</th>"));
  CHECK(contains(html, "<th align=\"right\">b</th>"));
  CHECK(contains(html, "<td>1</td>"));
  CHECK(contains(html, "<td align=\"right\"><code>x</code></td>"));
}

TEST_CASE("markdown_to_html renders double-tilde strikethrough only", "[content][markdown]") {
  CHECK(markdown_to_html("~~gone~~") == "<p><del>gone</del></p>\n");
  // A single tilde means "about" in news copy and stays text.
  CHECK(markdown_to_html("~5 km and ~10 km") == "<p>~5 km and ~10 km</p>\n");
}

TEST_CASE("markdown_to_html autolinks bare URLs", "[content][markdown]") {
  CHECK(markdown_to_html("see www.example.org") ==
        "<p>see <a href=\"http://www.example.org\">www.example.org</a></p>\n");
  CHECK(markdown_to_html("at https://example.org/x.") ==
        "<p>at <a href=\"https://example.org/x\">https://example.org/x</a>.</p>\n");
  CHECK(markdown_to_html("<https://example.org>") ==
        "<p><a href=\"https://example.org\">https://example.org</a></p>\n");
}

TEST_CASE("markdown_to_html leaves punctuation alone", "[content][markdown]") {
  CHECK(markdown_to_html("\"quoted\" -- it's...") == "<p>&quot;quoted&quot; -- it's...</p>\n");
}

TEST_CASE("markdown_to_html omits raw HTML", "[content][markdown]") {
  SECTION("script block") {
    const std::string html = markdown_to_html("<script>alert(1)</script>\n\nafter");
    check_inert(html);
    CHECK_FALSE(contains(html, "alert(1)</script>"));
    CHECK(contains(html, "<p>after</p>"));
  }
  SECTION("inline script") {
    check_inert(markdown_to_html("text <script>alert(1)</script>"));
  }
  SECTION("img onerror inline") {
    const std::string html = markdown_to_html("a <img src=x onerror=alert(1)> b");
    check_inert(html);
    CHECK(html == "<p>a <!-- raw HTML omitted --> b</p>\n");
  }
  SECTION("event handler attributes and iframes") {
    check_inert(markdown_to_html("x <div onclick=\"alert(1)\">y</div>"));
    check_inert(markdown_to_html("<iframe src=\"https://evil.example\"></iframe>"));
    check_inert(markdown_to_html("<a href=\"javascript:alert(1)\">x</a>"));
    check_inert(markdown_to_html("<svg onload=alert(1)>"));
  }
}

TEST_CASE("markdown_to_html drops dangerous link and image URLs", "[content][markdown]") {
  const char* vectors[] = {
      "[x](javascript:alert(1))",
      "[x](JAVASCRIPT:alert(1))",
      "[x](JavaScript:alert(1))",
      "[x](vbscript:msgbox(1))",
      "[x](file:///etc/passwd)",
      "[x](&#106;avascript:alert(1))",
      "[x](javascript&colon;alert(1))",
      "[x]( javascript:alert(1) )",
      "[x][ref]\n\n[ref]: javascript:alert(1)",
      "<javascript:alert(1)>",
      "![i](data:text/html,<script>alert(1)</script>)",
      "![i](javascript:alert(1))",
      "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  };
  for (const char* markdown : vectors) {
    INFO(markdown);
    const std::string html = markdown_to_html(markdown);
    check_inert(html);
    CHECK((contains(html, "href=\"\"") || contains(html, "src=\"\"")));
  }
}

TEST_CASE("markdown_to_html keeps safe URLs", "[content][markdown]") {
  CHECK(contains(markdown_to_html("![p](data:image/png;base64,AAAA)"),
                 "src=\"data:image/png;base64,AAAA\""));
  CHECK(contains(markdown_to_html("[m](mailto:news@example.org)"),
                 "href=\"mailto:news@example.org\""));
  CHECK(contains(markdown_to_html("[r](/articles/x)"), "href=\"/articles/x\""));
  // A quote in a URL is escaped, so it cannot close the attribute.
  CHECK(contains(markdown_to_html("[a](https://ok.example/\"onmouseover=\"x)"),
                 "href=\"https://ok.example/%22onmouseover=%22x\""));
}

TEST_CASE("markdown_to_html replaces malformed UTF-8", "[content][markdown]") {
  CHECK(markdown_to_html("a\xFF"
                         "b") ==
        "<p>a\xEF\xBF\xBD"
        "b</p>\n");
}

TEST_CASE("markdown_to_html is safe to call from several threads", "[content][markdown]") {
  const std::string doc = "| a | b |\n|---|---|\n| ~~x~~ | www.example.org |\n\n~~y~~ *z*";
  const std::string expected = markdown_to_html(doc);
  REQUIRE(contains(expected, "<del>x</del>"));
  std::vector<int> mismatches(8, 0);  // one slot per thread, so no sharing
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < mismatches.size(); ++i) {
    threads.emplace_back([&doc, &expected, &mismatches, i] {
      for (int n = 0; n < 50; ++n) {
        if (markdown_to_html(doc) != expected) ++mismatches[i];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const int m : mismatches) CHECK(m == 0);
}

TEST_CASE("markdown_to_text keeps what a reader reads", "[content][markdown]") {
  const std::string markdown =
      "# The *Title*\n"
      "\n"
      "Hello **world**,\n"
      "next line  \n"
      "hard break.\n"
      "\n"
      "| City | Temp |\n"
      "|------|-----:|\n"
      "| Oslo | `-3` |\n"
      "| Rome | 14 |\n"
      "\n"
      "```python\n"
      "print('hi')\n"
      "x = 1\n"
      "```\n"
      "\n"
      "> - quoted [link](https://example.org)\n"
      "> - ~~old~~ new\n"
      "\n"
      "<div class=\"ad\">advert</div>\n"
      "\n"
      "![a chart](c.png) and <b>bold</b>\n"
      "\n"
      "---\n"
      "\n"
      "The end.\n";
  CHECK(markdown_to_text(markdown) ==
        "The Title\n"
        "Hello world, next line hard break.\n"
        "City Temp\n"
        "Oslo -3\n"
        "Rome 14\n"
        "print('hi')\n"
        "x = 1\n"
        "quoted link\n"
        "old new\n"
        "a chart and bold\n"
        "The end.");
}

TEST_CASE("markdown_to_text of nothing readable is empty", "[content][markdown]") {
  CHECK(markdown_to_text("") == "");
  CHECK(markdown_to_text("<script>alert(1)</script>") == "");
  CHECK(markdown_to_text("---\n\n***") == "");
}

TEST_CASE("count_words counts runs of letters and digits", "[content][markdown]") {
  CHECK(count_words("") == 0);
  CHECK(count_words("   \n\t ") == 0);
  CHECK(count_words("one") == 1);
  CHECK(count_words("one two  three\nfour") == 4);
  CHECK(count_words("Hello, world!") == 2);
  CHECK(count_words("Top 10 tips") == 3);
  CHECK(count_words("1,000") == 2);  // a comma is not a joiner
}

TEST_CASE("count_words keeps apostrophes and hyphens inside words", "[content][markdown]") {
  CHECK(count_words("don't stop") == 2);
  CHECK(count_words("it’s fine") == 2);  // typographic apostrophe
  CHECK(count_words("state-of-the-art design") == 2);
  CHECK(count_words("-leading trailing- 'quoted'") == 3);
  CHECK(count_words("a--b") == 2);
  CHECK(count_words("a - b") == 2);
  CHECK(count_words("rock 'n' roll") == 3);
}

TEST_CASE("count_words handles Unicode letters and punctuation", "[content][markdown]") {
  CHECK(count_words("café au lait") == 3);
  CHECK(count_words("naïve résumé") == 2);
  CHECK(count_words("em—dash") == 2);     // em dash separates
  CHECK(count_words("“quoted”") == 1);    // curly quotes separate
  CHECK(count_words("🎉 party") == 1);     // emoji is not a word
  CHECK(count_words("Привет мир") == 2);  // Привет мир
  CHECK(count_words("a\xFF"
                    "b") == 2);  // a bad byte separates
}

TEST_CASE("reading_minutes rounds up at 230 words a minute", "[content][markdown]") {
  CHECK(reading_minutes(0) == 1);
  CHECK(reading_minutes(-5) == 1);
  CHECK(reading_minutes(1) == 1);
  CHECK(reading_minutes(230) == 1);
  CHECK(reading_minutes(231) == 2);
  CHECK(reading_minutes(460) == 2);
  CHECK(reading_minutes(461) == 3);
  CHECK(reading_minutes(2300) == 10);
  CHECK(reading_minutes(INT_MAX) == INT_MAX / 230 + 1);
}

TEST_CASE("word count of a rendered article", "[content][markdown]") {
  const std::string text = markdown_to_text("# Big news\n\nThe *council* voted 7-2 today.");
  CHECK(count_words(text) == 7);
  CHECK(reading_minutes(count_words(text)) == 1);
}
