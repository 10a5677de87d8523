// Tests for content/front_matter: every key, the list forms, quoting, BOM and CRLF, the
// body, warnings and errors with their line numbers.
#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

#include "content/front_matter.h"

using gazette::parse_front_matter_document;
using gazette::ParsedDocument;
using gazette::ParseError;
using gazette::Status;
using Strings = std::vector<std::string>;

namespace {

ParsedDocument parse_ok(const std::string& text) {
  auto result = parse_front_matter_document(text);
  if (const auto* error = std::get_if<ParseError>(&result)) {
    FAIL_CHECK("line " << error->line << ": " << error->field << ": " << error->message);
    return {};
  }
  return std::get<ParsedDocument>(std::move(result));
}

ParseError parse_error(const std::string& text) {
  auto result = parse_front_matter_document(text);
  if (std::holds_alternative<ParsedDocument>(result)) {
    FAIL_CHECK("parsed without error: " << text);
    return {};
  }
  return std::get<ParseError>(std::move(result));
}

// A document whose front matter is `lines` and whose body is "Body.\n".
std::string doc(const std::string& lines) {
  return "---\n" + lines + "---\n\nBody.\n";
}

}  // namespace

TEST_CASE("every key is read", "[content][front_matter]") {
  const ParsedDocument d = parse_ok(
      "---\n"
      "title: Council approves budget\n"
      "slug: council-budget\n"
      "summary: The vote was close.\n"
      "author: Jane Doe\n"
      "date: 2026-11-23T10:00:00+01:00\n"
      "tags: [politics, Oslo]\n"
      "related: [old-story, other-story]\n"
      "status: published\n"
      "---\n"
      "\n"
      "The council *met*.\n");
  CHECK(d.article.title == "Council approves budget");
  CHECK(d.article.slug == "council-budget");
  CHECK(d.article.summary == "The vote was close.");
  CHECK(d.article.author == "Jane Doe");
  CHECK(d.article.published_at == "2026-11-23T10:00:00+01:00");  // normalised later
  CHECK(d.article.tags == Strings{"politics", "Oslo"});          // lowercased later
  CHECK(d.article.related == Strings{"old-story", "other-story"});
  CHECK(d.article.status == Status::published);
  CHECK(d.article.body_markdown == "The council *met*.\n");
  CHECK(d.body_line == 12);
  CHECK(d.warnings.empty());
  CHECK(d.field_lines.at("title") == 2);
  CHECK(d.field_lines.at("published_at") == 6);
  CHECK(d.field_lines.at("status") == 9);
  CHECK(d.field_lines.count("body_markdown") == 0);
}

TEST_CASE("synonyms: description and published_at", "[content][front_matter]") {
  const ParsedDocument d = parse_ok(doc("description: A dek\npublished_at: 2026-01-02\n"));
  CHECK(d.article.summary == "A dek");
  CHECK(d.article.published_at == "2026-01-02");
  CHECK(d.field_lines.at("summary") == 2);
}

TEST_CASE("keys are case-insensitive", "[content][front_matter]") {
  const ParsedDocument d = parse_ok(doc("Title: Hello\nTAGS: a\n"));
  CHECK(d.article.title == "Hello");
  CHECK(d.article.tags == Strings{"a"});
}

TEST_CASE("list forms for tags and related", "[content][front_matter]") {
  SECTION("flow list") {
    CHECK(parse_ok(doc("tags: [a, b , c]\n")).article.tags == Strings{"a", "b", "c"});
    CHECK(parse_ok(doc("tags: []\n")).article.tags.empty());
    CHECK(parse_ok(doc("tags: [a, , b,]\n")).article.tags == Strings{"a", "b"});
    CHECK(parse_ok(doc("tags: [a, b] # two\n")).article.tags == Strings{"a", "b"});
  }
  SECTION("flow list with quoted items") {
    CHECK(parse_ok(doc("tags: ['a, b', \"c]\", 'it''s']\n")).article.tags ==
          Strings{"a, b", "c]", "it's"});
  }
  SECTION("comma-separated") {
    CHECK(parse_ok(doc("tags: a, b,c\n")).article.tags == Strings{"a", "b", "c"});
    CHECK(parse_ok(doc("tags: news\n")).article.tags == Strings{"news"});
    CHECK(parse_ok(doc("tags: rock 'n' roll, don't\n")).article.tags ==
          Strings{"rock 'n' roll", "don't"});
    CHECK(parse_ok(doc("tags: a, b # c, d\n")).article.tags == Strings{"a", "b"});
  }
  SECTION("YAML block list") {
    const ParsedDocument d = parse_ok(doc(
        "tags:\n  - politics\n  - \"city hall\"\n\n  # a comment\n  - oslo\nrelated:\n- a\n- b\n"
        "title: T\n"));
    CHECK(d.article.tags == Strings{"politics", "city hall", "oslo"});
    CHECK(d.article.related == Strings{"a", "b"});
    CHECK(d.article.title == "T");
  }
  SECTION("a block list after a comment on the key line") {
    CHECK(parse_ok(doc("tags: # none yet\n  - late\n")).article.tags == Strings{"late"});
  }
  SECTION("an empty block list") {
    CHECK(parse_ok(doc("tags:\ntitle: T\n")).article.tags.empty());
  }
  SECTION("related takes the same forms") {
    CHECK(parse_ok(doc("related: x, y\n")).article.related == Strings{"x", "y"});
    CHECK(parse_ok(doc("related: [x]\n")).article.related == Strings{"x"});
  }
}

TEST_CASE("list errors", "[content][front_matter]") {
  ParseError e = parse_error(doc("tags: [a, b\n"));
  CHECK(e.line == 2);
  CHECK(e.field == "tags");
  CHECK(e.message == "missing closing ']'");

  e = parse_error(doc("tags: [a] b\n"));
  CHECK(e.message == "unexpected text after ']'");

  e = parse_error(doc("related: ['a, b\n"));
  CHECK(e.field == "related");
  CHECK(e.message == "missing closing quote");

  e = parse_error(doc("title: T\n- stray\n"));
  CHECK(e.line == 3);
  CHECK(e.field == "title");
  CHECK(e.message == "only tags and related may be lists");

  e = parse_error(doc("tags: a\n  - b\n"));
  CHECK(e.line == 3);
  CHECK(e.field == "tags");
  CHECK(e.message == "give the list on the key line or as \"- item\" lines, not both");

  e = parse_error(doc("- stray\n"));
  CHECK(e.line == 2);
  CHECK(e.field == "");
  CHECK(e.message == "a \"- item\" line must follow \"tags:\" or \"related:\"");
}

TEST_CASE("status and draft", "[content][front_matter]") {
  CHECK(parse_ok(doc("title: T\n")).article.status == Status::published);
  CHECK(parse_ok(doc("status: draft\n")).article.status == Status::draft);
  CHECK(parse_ok(doc("status: published\n")).article.status == Status::published);
  CHECK(parse_ok(doc("status: \"draft\"\n")).article.status == Status::draft);
  CHECK(parse_ok(doc("draft: true\n")).article.status == Status::draft);
  CHECK(parse_ok(doc("draft: yes\n")).article.status == Status::draft);
  CHECK(parse_ok(doc("draft: True\n")).article.status == Status::draft);
  CHECK(parse_ok(doc("draft: false\n")).article.status == Status::published);
  CHECK(parse_ok(doc("draft: no\n")).article.status == Status::published);
  CHECK(parse_ok(doc("draft: true\nstatus: draft\n")).article.status == Status::draft);
  CHECK(parse_ok(doc("draft: false\nstatus: published\n")).article.status == Status::published);

  ParseError e = parse_error(doc("title: T\ndraft: maybe\n"));
  CHECK(e.line == 3);
  CHECK(e.field == "status");
  CHECK(e.message == "draft must be true or false (got \"maybe\")");

  e = parse_error(doc("status: archived\n"));
  CHECK(e.line == 2);
  CHECK(e.field == "status");
  CHECK(e.message == "must be draft or published (got \"archived\")");

  e = parse_error(doc("status: published\ntitle: T\ndraft: yes\n"));
  CHECK(e.line == 4);
  CHECK(e.field == "status");
  CHECK(e.message == "draft: true contradicts status: published");
}

TEST_CASE("quoted values", "[content][front_matter]") {
  SECTION("double quotes with escapes") {
    const ParsedDocument d =
        parse_ok(doc("title: \"He said \\\"hi\\\" \\\\ then\\tleft\\n\"\nauthor: \"\"\n"));
    CHECK(d.article.title == "He said \"hi\" \\ then\tleft\n");
    CHECK(d.article.author == "");
  }
  SECTION("single quotes") {
    CHECK(parse_ok(doc("title: 'It''s \"fine\" \\n'\n")).article.title == "It's \"fine\" \\n");
  }
  SECTION("quotes keep what would be a comment or a list") {
    CHECK(parse_ok(doc("title: \"We're #1: a, b\"\n")).article.title == "We're #1: a, b");
    CHECK(parse_ok(doc("title: '[not a list]' # comment\n")).article.title == "[not a list]");
  }
  SECTION("plain values") {
    CHECK(parse_ok(doc("title: Breaking: news, today\n")).article.title == "Breaking: news, today");
    CHECK(parse_ok(doc("title: C# rocks # comment\n")).article.title == "C# rocks");
    CHECK(parse_ok(doc("title:    spaced out   \n")).article.title == "spaced out");
    CHECK(parse_ok(doc("title:\tTabbed\n")).article.title == "Tabbed");
    CHECK(parse_ok(doc("summary:\n")).article.summary == "");
  }
  SECTION("errors") {
    ParseError e = parse_error(doc("slug: s\ntitle: \"bad \\q escape\"\n"));
    CHECK(e.line == 3);
    CHECK(e.field == "title");
    CHECK(e.message == "unknown escape \"\\q\" in a double-quoted value; use \\\" \\\\ \\n or \\t");

    e = parse_error(doc("title: \"unterminated\n"));
    CHECK(e.message == "missing closing quote");
    e = parse_error(doc("title: 'unterminated\n"));
    CHECK(e.message == "missing closing quote");
    e = parse_error(doc("title: \"a\" b\n"));
    CHECK(e.message == "unexpected text after the closing quote");
  }
}

TEST_CASE("multi-line values are refused", "[content][front_matter]") {
  for (const char* indicator : {">", "|", "|-", ">+"}) {
    const ParseError e =
        parse_error(doc("title: T\nsummary: " + std::string(indicator) + "\n  more\n"));
    CHECK(e.line == 3);
    CHECK(e.field == "summary");
    CHECK(e.message == "multi-line values are not supported; put the value on one line");
  }
  const ParseError e = parse_error(doc("title: T\n  continued\n"));
  CHECK(e.line == 3);
  CHECK(e.field == "title");
  CHECK(e.message == "unexpected indented line; put each value on one line");
}

TEST_CASE("comments and blank lines are skipped", "[content][front_matter]") {
  const ParsedDocument d = parse_ok(doc("# leading comment\n\ntitle: T\n   \n  # indented\n"));
  CHECK(d.article.title == "T");
  CHECK(d.field_lines.at("title") == 4);
}

TEST_CASE("unknown keys are ignored with a warning", "[content][front_matter]") {
  const ParsedDocument d = parse_ok(
      doc("title: T\nlayout: post\nweight: 3\naliases:\n  - /old/url\nparams:\n  color: red\n"
          "  size: [1, 2]\nslug: s\n"));
  CHECK(d.warnings ==
        Strings{"line 3: unknown key 'layout' ignored", "line 4: unknown key 'weight' ignored",
                "line 5: unknown key 'aliases' ignored", "line 7: unknown key 'params' ignored"});
  CHECK(d.article.title == "T");
  CHECK(d.article.slug == "s");
  CHECK(d.article.tags.empty());
}

TEST_CASE("duplicate keys are errors", "[content][front_matter]") {
  ParseError e = parse_error(doc("title: A\nslug: a\ntitle: B\n"));
  CHECK(e.line == 4);
  CHECK(e.field == "title");
  CHECK(e.message == "duplicate key 'title' (already set on line 2)");

  e = parse_error(doc("summary: A\ndescription: B\n"));
  CHECK(e.line == 3);
  CHECK(e.field == "summary");
  CHECK(e.message == "duplicate key 'description' (already set on line 2 as 'summary')");

  e = parse_error(doc("published_at: 2026-01-01\ndate: 2026-01-02\n"));
  CHECK(e.field == "published_at");
  CHECK(e.message.rfind("duplicate key", 0) == 0);

  e = parse_error(doc("tags:\n  - a\ntags: b\n"));
  CHECK(e.line == 4);
  CHECK(e.field == "tags");
}

TEST_CASE("lines that are not key: value", "[content][front_matter]") {
  const char* bad[] = {"just some text\n", "title=foo\n",    "http://example.org\n",
                       ": no key\n",       "two words: x\n", "--\n"};
  for (const char* line : bad) {
    INFO(line);
    const ParseError e = parse_error(doc(std::string("title: T\nslug: s\n") + line));
    CHECK(e.line == 4);
    CHECK(e.field == "");
    CHECK(e.message == "expected \"key: value\"");
  }
}

TEST_CASE("the front matter delimiters", "[content][front_matter]") {
  SECTION("no front matter at all") {
    const ParseError e = parse_error("# Just Markdown\n\nText.\n");
    CHECK(e.line == 1);
    CHECK(e.field == "");
    CHECK(e.message == "missing opening '---' line: the file must start with front matter");
  }
  SECTION("front matter that does not start on line 1") {
    CHECK(parse_error("\n---\ntitle: T\n---\n").line == 1);
  }
  SECTION("an empty file") {
    const ParseError e = parse_error("");
    CHECK(e.line == 0);
    CHECK(e.message == "the file is empty; it must start with front matter between '---' lines");
    CHECK(parse_error(" \n\n").line == 0);
  }
  SECTION("missing closing ---") {
    const ParseError e = parse_error("---\ntitle: T\n\nBody text\n");
    CHECK(e.line == 1);
    CHECK(e.message == "missing closing '---' line for the front matter opened on line 1");
  }
  SECTION("trailing blanks after --- are fine") {
    CHECK(parse_ok("--- \ntitle: T\n---\t\nBody").article.body_markdown == "Body");
  }
  SECTION("empty front matter") {
    const ParsedDocument d = parse_ok("---\n---\nBody\n");
    CHECK(d.article.title == "");
    CHECK(d.article.body_markdown == "Body\n");
    CHECK(d.body_line == 3);
  }
}

TEST_CASE("the body", "[content][front_matter]") {
  SECTION("one leading blank line is removed, the rest is verbatim") {
    const ParsedDocument d = parse_ok("---\ntitle: T\n---\n\n\n  indented\n---\ntrailing  \n\n");
    CHECK(d.article.body_markdown == "\n  indented\n---\ntrailing  \n\n");
    CHECK(d.body_line == 5);
  }
  SECTION("a whitespace-only first line counts as blank") {
    const ParsedDocument d = parse_ok("---\ntitle: T\n---\n   \nText");
    CHECK(d.article.body_markdown == "Text");
    CHECK(d.body_line == 5);
  }
  SECTION("no blank line") {
    const ParsedDocument d = parse_ok("---\ntitle: T\n---\nText\n");
    CHECK(d.article.body_markdown == "Text\n");
    CHECK(d.body_line == 4);
  }
  SECTION("no body") {
    const ParsedDocument d = parse_ok("---\ntitle: T\n---");
    CHECK(d.article.body_markdown == "");
    CHECK(d.body_line == 4);
    CHECK(parse_ok("---\ntitle: T\n---\n").article.body_markdown == "");
  }
}

TEST_CASE("BOM and CRLF", "[content][front_matter]") {
  const ParsedDocument d = parse_ok(
      "\xEF\xBB\xBF---\r\ntitle: \"T\"\r\ntags:\r\n  - a\r\n  - b\r\nslug: s\r\n---\r\n\r\n"
      "Line one\r\nLine two\r\n");
  CHECK(d.article.title == "T");
  CHECK(d.article.tags == Strings{"a", "b"});
  CHECK(d.article.slug == "s");
  CHECK(d.article.body_markdown == "Line one\nLine two\n");
  CHECK(d.body_line == 9);

  const ParseError e = parse_error("\xEF\xBB\xBF---\r\ntitle: T\r\ntitle: U\r\n---\r\n");
  CHECK(e.line == 3);
}

TEST_CASE("line numbers in errors count every line", "[content][front_matter]") {
  const ParseError e = parse_error(
      "---\n# comment\n\ntitle: T\ntags:\n  - a\n\n  - b\nsummary: \"oops\n---\nBody\n");
  CHECK(e.line == 9);
  CHECK(e.field == "summary");
}
