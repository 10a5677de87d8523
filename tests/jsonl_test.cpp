// Tests for content/jsonl: the writer's exact output, round trips through the reader,
// null and default handling, and every class of error with its field, message and column;
// plus hostile input (deep nesting, truncations, random mutations) and a 1 MiB body.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "content/jsonl.h"

using gazette::Article;
using gazette::article_to_json;
using gazette::parse_article_record;
using gazette::RecordError;
using gazette::Status;
using Strings = std::vector<std::string>;
using namespace std::string_literals;  // "\0"s: strings with NUL bytes

namespace {

Article parse_ok(const std::string& line) {
  auto result = parse_article_record(line);
  if (const auto* error = std::get_if<RecordError>(&result)) {
    FAIL_CHECK("column " << error->column << ": " << error->field << ": " << error->message
                         << "\nin: " << line);
    return {};
  }
  return std::get<Article>(std::move(result));
}

RecordError parse_error(const std::string& line) {
  auto result = parse_article_record(line);
  if (std::holds_alternative<Article>(result)) {
    FAIL_CHECK("parsed without error: " << line);
    return {};
  }
  return std::get<RecordError>(std::move(result));
}

// Article has no operator== (it is not ours to add); field by field names the culprit.
void check_equal(const Article& got, const Article& want) {
  CHECK(got.slug == want.slug);
  CHECK(got.title == want.title);
  CHECK(got.summary == want.summary);
  CHECK(got.body_markdown == want.body_markdown);
  CHECK(got.author == want.author);
  CHECK(got.tags == want.tags);
  CHECK(got.status == want.status);
  CHECK(got.published_at == want.published_at);
  CHECK(got.related == want.related);
}

// dump, import, dump: the Article survives and the two lines are the same bytes.
void check_round_trip(const Article& a) {
  const std::string line = article_to_json(a);
  CHECK(line.find('\n') == std::string::npos);
  const Article back = parse_ok(line);
  check_equal(back, a);
  CHECK(article_to_json(back) == line);
}

Article full_article() {
  Article a;
  a.slug = "council-approves-budget";
  a.title = "Council approves budget";
  a.summary = "The vote was 7 to 2.";
  a.body_markdown = "The council met on *Monday*.\n\nIt voted.";
  a.author = "Ana Ruiz";
  a.tags = {"politics", "city"};
  a.status = Status::published;
  a.published_at = "2026-11-23T10:00:00Z";
  a.related = {"budget-preview", "council-elections"};
  return a;
}

// A small deterministic generator, so a failing mutation can be replayed.
struct Xorshift {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

}  // namespace

TEST_CASE("article_to_json writes every key, in the SPEC's order", "[content][jsonl]") {
  CHECK(
      article_to_json(full_article()) ==
      R"({"slug":"council-approves-budget","title":"Council approves budget",)"
      R"("summary":"The vote was 7 to 2.","body_markdown":"The council met on *Monday*.\n\nIt voted.",)"
      R"("author":"Ana Ruiz","tags":["politics","city"],"status":"published",)"
      R"("published_at":"2026-11-23T10:00:00Z","related":["budget-preview","council-elections"]})");

  SECTION("empty strings and empty arrays are written too") {
    CHECK(article_to_json(Article{}) ==
          R"({"slug":"","title":"","summary":"","body_markdown":"","author":"","tags":[],)"
          R"("status":"draft","published_at":"","related":[]})");
  }
}

TEST_CASE("article_to_json escapes minimally", "[content][jsonl]") {
  Article a;
  a.title = "say \"hi\" \\ back\nnext\rline\ttab\b\f";
  CHECK(article_to_json(a).find(R"("title":"say \"hi\" \\ back\nnext\rline\ttab\b\f")") !=
        std::string::npos);

  SECTION("other control characters as \\u00XX, lowercase hex") {
    a.title = "\x01\x1f"s + "\0"s + "\x0b";
    CHECK(article_to_json(a).find(R"("title":"\u0001\u001f\u0000\u000b")") != std::string::npos);
  }
  SECTION("'/', <, >, &, DEL, non-ASCII and U+2028 as they are") {
    a.title = "</script> & <!-- \x7f caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x93\xB0";
    CHECK(article_to_json(a).find("\"title\":\"" + a.title + "\"") != std::string::npos);
  }
}

TEST_CASE("JSON Lines round trips are exact", "[content][jsonl]") {
  SECTION("a full article") {
    check_round_trip(full_article());
  }
  SECTION("an empty article") {
    check_round_trip(Article{});
  }
  SECTION("empty strings, empty arrays, draft") {
    Article a;
    a.title = "Only a title";
    check_round_trip(a);
  }
  SECTION("unicode: accents, CJK, RTL, emoji with ZWJ and skin tone, combining marks") {
    Article a = full_article();
    a.title = "Caf\xC3\xA9 \xE6\x96\xB0\xE8\x81\x9E \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D";
    a.summary =
        "\xF0\x9F\x91\xA9\xF0\x9F\x8F\xBD\xE2\x80\x8D\xF0\x9F\x92\xBB "
        "\xF0\x9F\x87\xAA\xF0\x9F\x87\xB8";
    a.author = "Zoe\xCC\x88 Ange\xCC\x81lique";  // e + combining diaeresis / acute
    a.tags = {
        "\xC3\xBC"
        "ber",
        "\xF0\x9F\x93\xB0"};
    check_round_trip(a);
  }
  SECTION("quotes, backslashes, slashes, newlines, tabs") {
    Article a = full_article();
    a.title = R"(He said "no" \ then "yes" // C:\path\ "\n" literally)";
    a.body_markdown = "line 1\nline 2\r\n\ttabbed\n\n    code\\\n";
    a.tags = {"\"quoted\"", "back\\slash"};
    check_round_trip(a);
  }
  SECTION("every control character, and DEL") {
    Article a;
    for (int c = 0; c < 0x20; ++c) a.body_markdown += static_cast<char>(c);
    a.body_markdown += '\x7f';
    check_round_trip(a);
  }
  SECTION("a GFM table, strikethrough and an autolink in the body") {
    Article a = full_article();
    a.body_markdown =
        "| Ward | Yes | No |\n"
        "|:-----|----:|:--:|\n"
        "| North | 4 | 1 |\n"
        "| \"South\" \\| East | 3 | 1 |\n"
        "\n~~old~~ new, see https://example.com/a?b=1&c=<2>\n";
    check_round_trip(a);
  }
  SECTION("U+2028, U+2029, BOM and U+FFFF inside strings") {
    Article a;
    a.title = "\xE2\x80\xA8\xE2\x80\xA9\xEF\xBB\xBF\xEF\xBF\xBF\xF4\x8F\xBF\xBF";
    check_round_trip(a);
  }
}

TEST_CASE("parse_article_record reads the SPEC's record", "[content][jsonl]") {
  const Article a = parse_ok(
      R"({"slug":"s","title":"T","summary":"S","body_markdown":"B","author":"A",)"
      R"("tags":["x","y"],"status":"draft","published_at":"2026-01-02T03:04:05Z","related":["r"]})");
  Article want;
  want.slug = "s";
  want.title = "T";
  want.summary = "S";
  want.body_markdown = "B";
  want.author = "A";
  want.tags = {"x", "y"};
  want.status = Status::draft;
  want.published_at = "2026-01-02T03:04:05Z";
  want.related = {"r"};
  check_equal(a, want);

  SECTION("keys in any order, whitespace around every token") {
    check_equal(
        parse_ok(" \t{ \"related\" :\n[ \"r\" ] , \"published_at\" : \"2026-01-02T03:04:05Z\","
                 " \"status\":\"draft\",\"tags\" : [\"x\" ,\"y\"],\"author\":\"A\","
                 "\"body_markdown\":\"B\",\"summary\":\"S\",\"title\":\"T\",\"slug\":\"s\" }\r"),
        want);
  }
  SECTION("a leading UTF-8 BOM is skipped") {
    CHECK(parse_ok("\xEF\xBB\xBF{\"title\":\"T\"}").title == "T");
  }
  SECTION("only the first BOM: a second one is text after it") {
    CHECK(parse_error("\xEF\xBB\xBF\xEF\xBB\xBF{}").message == "a record must be a JSON object");
  }
}

TEST_CASE("parse_article_record decodes every escape", "[content][jsonl]") {
  CHECK(parse_ok(R"({"title":"\" \\ \/ \b \f \n \r \t"})").title == "\" \\ / \b \f \n \r \t");
  CHECK(parse_ok(R"({"title":"\u0041\u00e9\u00E9\u20AC"})").title ==
        "A\xC3\xA9\xC3\xA9\xE2\x82\xAC");
  CHECK(parse_ok(R"({"title":"\ud83d\udcf0 \uD83D\uDE00"})").title ==
        "\xF0\x9F\x93\xB0 \xF0\x9F\x98\x80");
  CHECK(parse_ok(R"({"title":"\uDBFF\uDFFF"})").title == "\xF4\x8F\xBF\xBF");  // U+10FFFF
  CHECK(parse_ok(R"({"title":"a\u0000b"})").title == "a\0b"s);
  SECTION("keys are compared after unescaping") {
    CHECK(parse_ok(R"({"\u0073lug":"x","titl\u0065":"T"})").slug == "x");
  }
  SECTION("raw UTF-8 of every length") {
    const std::string text =
        "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xF0\x90\x80\x80";
    CHECK(parse_ok("{\"title\":\"" + text + "\"}").title == text);
  }
}

TEST_CASE("parse_article_record defaults and null", "[content][jsonl]") {
  SECTION("absent keys: empty fields, published, and an empty title for the validator") {
    const Article a = parse_ok("{}");
    check_equal(a, [] {
      Article want;
      want.status = Status::published;
      return want;
    }());
  }
  SECTION("null is empty for strings, none for lists, the default for status") {
    const Article a =
        parse_ok(R"({"slug":null,"title":null,"summary":null,"body_markdown":null,"author":null,)"
                 R"("tags":null,"status":null,"published_at":null,"related":null})");
    CHECK(a.slug.empty());
    CHECK(a.title.empty());
    CHECK(a.tags.empty());
    CHECK(a.related.empty());
    CHECK(a.status == Status::published);
  }
  SECTION("status") {
    CHECK(parse_ok(R"({"status":"draft"})").status == Status::draft);
    CHECK(parse_ok(R"({"status":"published"})").status == Status::published);
    CHECK(parse_ok(R"({"status":"pub\u006cished"})").status == Status::published);
  }
  SECTION("empty arrays and empty strings are kept as they are") {
    const Article a = parse_ok(R"({"tags":[],"related":[ ],"title":"","author":""})");
    CHECK(a.tags.empty());
    CHECK(a.related.empty());
  }
  SECTION("list entries are not normalised here") {
    CHECK(parse_ok(R"({"tags":[" A ","","a","a"]})").tags == Strings{" A ", "", "a", "a"});
  }
}

TEST_CASE("parse_article_record rejects wrong types, naming the field", "[content][jsonl]") {
  struct Case {
    std::string line, field, message;
  };
  const std::string strings = "expected a string";
  const std::string lists = "expected an array of strings";
  const std::string status = "expected \"draft\" or \"published\"";
  const std::vector<Case> cases = {
      {R"({"slug":12})", "slug", strings},
      {R"({"slug":-12.5e+3})", "slug", strings},
      {R"({"title":true})", "title", strings},
      {R"({"summary":false})", "summary", strings},
      {R"({"body_markdown":["a"]})", "body_markdown", strings},
      {R"({"author":{"name":"A"}})", "author", strings},
      {R"({"published_at":20261123})", "published_at", strings},
      {R"({"tags":"a, b"})", "tags", lists},
      {R"({"tags":{}})", "tags", lists},
      {R"({"tags":["a",1]})", "tags", lists},
      {R"({"tags":["a",null]})", "tags", lists},
      {R"({"tags":[0x10]})", "tags", lists},  // 0 is a number; the x is never reached
      {R"({"tags":[["a"]]})", "tags", lists},
      {R"({"related":0})", "related", lists},
      {R"({"related":[{"slug":"a"}]})", "related", lists},
      {R"({"status":true})", "status", status},
      {R"({"status":["draft"]})", "status", status},
      {R"({"status":"Draft"})", "status", status + ", got \"Draft\""},
      {R"({"status":""})", "status", status + ", got \"\""},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    const RecordError e = parse_error(c.line);
    CHECK(e.field == c.field);
    CHECK(e.message == c.message);
    CHECK(e.column == 0);
  }
}

TEST_CASE("parse_article_record rejects unknown and duplicate keys", "[content][jsonl]") {
  RecordError e = parse_error(R"({"title":"T","foo":1})");
  CHECK(e.field.empty());
  CHECK(e.message == "unknown field \"foo\"");
  CHECK(e.column == 0);

  SECTION("keys are case-sensitive") {
    CHECK(parse_error(R"({"Title":"T"})").message == "unknown field \"Title\"");
  }
  SECTION("an unknown key is quoted on one line, shortened") {
    e = parse_error("{\"a\\nb\\u0001\\\"" + std::string(100, 'x') + "\":1}");
    CHECK(e.message ==
          "unknown field \"a\\nb\\u0001\\\"" + std::string(35, 'x') + "\xE2\x80\xA6\"");
  }
  SECTION("a duplicate, even when both are null or spelled differently") {
    e = parse_error(R"({"title":"T","tags":[],"title":"U"})");
    CHECK(e.field == "title");
    CHECK(e.message == "duplicate key");
    CHECK(e.column == 0);
    CHECK(parse_error(R"({"slug":null,"slug":null})").field == "slug");
    CHECK(parse_error(R"({"slug":"a","\u0073lug":"a"})").message == "duplicate key");
  }
}

TEST_CASE("parse_article_record reports syntax errors with field and column", "[content][jsonl]") {
  struct Case {
    std::string line, field, message;
    int column;
  };
  const std::vector<Case> cases = {
      // The record's shape.
      {"", "", "a record must be a JSON object", 1},
      {"   ", "", "a record must be a JSON object", 4},
      {"[]", "", "a record must be a JSON object", 1},
      {R"(  "title")", "", "a record must be a JSON object", 3},
      {"null", "", "a record must be a JSON object", 1},
      {"\xEF\xBB\xBFx", "", "a record must be a JSON object", 4},
      {R"({"title":"T"} x)", "", "unexpected text after the record", 15},
      {R"({"title":"T"}{})", "", "unexpected text after the record", 14},
      {R"({"title":"T"} // note)", "", "unexpected text after the record", 15},
      {"{\"title\":\"T\"}\n\n{}", "", "unexpected text after the record", 16},
      {R"({"title":"T",})", "", "trailing comma", 14},
      {R"({"tags":["a",]})", "tags", "trailing comma", 14},
      {R"({,})", "", "expected a string key", 2},
      {R"({title:"T"})", "", "expected a string key", 2},
      {R"({'title':'T'})", "", "expected a string key", 2},
      {R"({/* c */})", "", "expected a string key", 2},
      {"{\f}", "", "expected a string key", 2},
      {"{\xC2\xA0}", "", "expected a string key", 2},  // no-break space is not whitespace
      {R"({"title" "T"})", "", "expected ':' after a key", 10},
      {R"({"title"="T"})", "", "expected ':' after a key", 9},
      {R"({"title":"T" "slug":"s"})", "", "expected ',' or '}' after a value", 14},
      {R"({"title":"T";"slug":"s"})", "", "expected ',' or '}' after a value", 13},
      {R"({"tags":["a" "b"]})", "tags", "expected ',' or ']' after a value", 14},
      {R"({"tags":["a"})", "tags", "expected ',' or ']' after a value", 13},
      {R"({"title":})", "title", "expected a value", 10},
      {R"({"title":'T'})", "title", "expected a value", 10},
      {R"({"title":undefined})", "title", "expected a value", 10},
      {R"({"title":tru})", "title", "invalid literal (expected true, false or null)", 10},
      {R"({"title":nul})", "title", "invalid literal (expected true, false or null)", 10},
      {R"({"title":False})", "title", "expected a value", 10},
      {R"({"title":"T"})"s + "\0"s, "", "unexpected text after the record", 14},
      // Cut short.
      {R"({)", "", "unexpected end of line: expected a string key", 2},
      {R"({"title")", "", "unexpected end of line: expected ':' after a key", 9},
      {R"({"title":)", "title", "unexpected end of line: expected a value", 10},
      {R"({"title":"T")", "", "unexpected end of line: expected ',' or '}' after a value", 13},
      {R"({"title":"T",)", "", "unexpected end of line: expected a string key", 14},
      {R"({"tags":["a",)", "tags", "unexpected end of line: expected a value", 14},
      {R"({"title":"T)", "title", "unterminated string", 12},
      {R"({"title":"T\)", "title", "unterminated string", 13},
      {R"({"ti)", "", "unterminated string", 5},
      // Numbers, checked before the type is.
      {R"({"slug":-})", "slug", "invalid number", 10},
      {R"({"slug":+1})", "slug", "expected a value", 9},
      {R"({"slug":.5})", "slug", "expected a value", 9},
      {R"({"slug":1.})", "slug", "invalid number", 11},
      {R"({"slug":1.e5})", "slug", "invalid number", 11},
      {R"({"slug":1e})", "slug", "invalid number", 11},
      {R"({"slug":1e+})", "slug", "invalid number", 12},
      // Escapes.
      {R"({"title":"a\qb"})", "title", "invalid escape \\q", 12},
      {R"({"title":"a\x41"})", "title", "invalid escape \\x", 12},
      {R"({"title":"a\'"})", "title", "invalid escape \\'", 12},
      {"{\"title\":\"a\\\xC3\xA9\"}", "title", "invalid escape", 12},
      {R"({"title":"\u12"})", "title", "invalid \\u escape: expected 4 hex digits", 11},
      {R"({"title":"\u12G4"})", "title", "invalid \\u escape: expected 4 hex digits", 11},
      {R"({"title":"\U0041"})", "title", "invalid escape \\U", 11},
      {R"({"title":"x\uD800"})", "title", "unpaired UTF-16 surrogate \\uD800", 12},
      {R"({"title":"\ud83dx"})", "title", "unpaired UTF-16 surrogate \\ud83d", 11},
      {R"({"title":"\uD800\u0041"})", "title", "unpaired UTF-16 surrogate \\uD800", 11},
      {R"({"title":"\uD800\uD800"})", "title", "unpaired UTF-16 surrogate \\uD800", 11},
      {R"({"title":"\uDC00\uD800"})", "title", "unpaired UTF-16 surrogate \\uDC00", 11},
      {R"({"title":"\uD800\u12"})", "title", "unpaired UTF-16 surrogate \\uD800", 11},
      {R"({"titl\uDFFF":1})", "", "unpaired UTF-16 surrogate \\uDFFF", 7},
      // Raw bytes.
      {"{\"title\":\"a\tb\"}", "title", "unescaped control character in string", 12},
      {"{\"title\":\"a\nb\"}", "title", "unescaped control character in string", 12},
      {"{\"title\":\"a"s + "\0"s + "b\"}", "title", "unescaped control character in string", 12},
      {"{\"title\":\"a\x80\"}", "title", "invalid UTF-8 in string", 12},
      {"{\"title\":\"a\xC0\xAF\"}", "title", "invalid UTF-8 in string", 12},      // overlong '/'
      {"{\"title\":\"a\xC1\xBF\"}", "title", "invalid UTF-8 in string", 12},      // overlong
      {"{\"title\":\"a\xE0\x9F\xBF\"}", "title", "invalid UTF-8 in string", 12},  // overlong
      {"{\"title\":\"a\xF0\x8F\xBF\xBF\"}", "title", "invalid UTF-8 in string", 12},
      {"{\"title\":\"a\xED\xA0\x80\"}", "title", "invalid UTF-8 in string", 12},      // U+D800
      {"{\"title\":\"a\xED\xBF\xBF\"}", "title", "invalid UTF-8 in string", 12},      // U+DFFF
      {"{\"title\":\"a\xF4\x90\x80\x80\"}", "title", "invalid UTF-8 in string", 12},  // > U+10FFFF
      {"{\"title\":\"a\xF5\x80\x80\x80\"}", "title", "invalid UTF-8 in string", 12},
      {"{\"title\":\"a\xFF\"}", "title", "invalid UTF-8 in string", 12},
      {"{\"title\":\"a\xE2\x82\"}", "title", "invalid UTF-8 in string", 12},  // cut short
      {"{\"title\":\"a\xE2\x82", "title", "invalid UTF-8 in string", 12},     // at the end
      {"{\"title\":\"a\xC3\xA9\xC3\"}", "title", "invalid UTF-8 in string", 14},
      {"{\"ti\xFFtle\":\"a\"}", "", "invalid UTF-8 in string", 5},
      {"{\"tags\":[\"ok\",\"\xC3\x28\"]}", "tags", "invalid UTF-8 in string", 16},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    const RecordError e = parse_error(c.line);
    CHECK(e.field == c.field);
    CHECK(e.message == c.message);
    CHECK(e.column == c.column);
  }
}

TEST_CASE("parse_article_record reports the first problem", "[content][jsonl]") {
  // Left to right: the unknown key comes before the broken string.
  CHECK(parse_error(R"({"foo":1,"title":"\q"})").message == "unknown field \"foo\"");
  CHECK(parse_error(R"({"title":"\q","foo":1})").message == "invalid escape \\q");
  // A value of the wrong type is checked as JSON before its type is reported.
  CHECK(parse_error(R"({"slug":[1,2,]})").message == "trailing comma");
  CHECK(parse_error(R"({"slug":{"a" 1}})").message == "expected ':' after a key");
  CHECK(parse_error(R"({"slug":{"a":1,"a":2}})").message == "expected a string");
}

TEST_CASE("parse_article_record bounds nesting", "[content][jsonl]") {
  // The record is level 1 and "tags"' array level 2, so 31 '[' reach level 32.
  const auto nested = [](std::size_t levels) {
    return "{\"tags\":" + std::string(levels, '[') + std::string(levels, ']') + "}";
  };
  RecordError e = parse_error(nested(31));
  CHECK(e.message == "expected an array of strings");
  e = parse_error(nested(32));
  CHECK(e.field == "tags");
  CHECK(e.message == "nested deeper than 32 levels");
  CHECK(e.column == 40);  // the 33rd level's bracket

  SECTION("hostile depth fails fast without exhausting the stack") {
    CHECK(parse_error("{\"title\":" + std::string(1'000'000, '[')).message ==
          "nested deeper than 32 levels");
    std::string objects = "{\"title\":";
    for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
    CHECK(parse_error(objects).message == "nested deeper than 32 levels");
    CHECK(parse_error(std::string(100'000, '{')).message == "expected a string key");
  }
}

TEST_CASE("parse_article_record takes large records", "[content][jsonl]") {
  SECTION("a 1 MiB body, written and read back") {
    Article a = full_article();
    std::string paragraph =
        "Caf\xC3\xA9 \"quoted\" text with a\ttab, a back\\slash and an emoji \xF0\x9F\x93\xB0.\n\n";
    while (a.body_markdown.size() + paragraph.size() <= 1024 * 1024) a.body_markdown += paragraph;
    check_round_trip(a);
  }
  SECTION("a 4 MiB line of nothing but escapes") {
    std::string line = "{\"body_markdown\":\"";
    for (int i = 0; i < 1024 * 1024; ++i) line += i % 2 ? "\\n" : "\\u00e9";
    line += "\"}";
    CHECK(parse_ok(line).body_markdown.size() == 1024 * 1024 / 2 * 3);
  }
  SECTION("many tags") {
    Article a;
    for (int i = 0; i < 10'000; ++i) a.tags.push_back("t" + std::to_string(i));
    check_round_trip(a);
  }
}

TEST_CASE("parse_article_record survives cut and mutated input", "[content][jsonl]") {
  Article a = full_article();
  a.title = "Caf\xC3\xA9 \xF0\x9F\x93\xB0 \"q\" \\ \x01";
  const std::string line = article_to_json(a) + "\r";

  SECTION("every prefix but the whole line is an error with a column inside it") {
    for (std::size_t n = 0; n + 1 < line.size(); ++n) {
      INFO(n);
      const RecordError e = parse_error(line.substr(0, n));
      CHECK(e.column >= 1);
      CHECK(static_cast<std::size_t>(e.column) <= n + 1);
    }
  }
  SECTION("random byte edits never crash; what parses is written back the same") {
    Xorshift random{0x9E3779B97F4A7C15ULL};
    const std::string alphabet = "{}[],:\"\\/ nultrfe0123456789.-+Eu\x80\xC3\xED\xF0\xFF\t\n";
    for (int round = 0; round < 20'000; ++round) {
      std::string mutated = line;
      for (std::size_t edits = 1 + random.below(4); edits > 0; --edits) {
        const std::size_t pos = random.below(mutated.size() + 1);
        const char c = alphabet[random.below(alphabet.size())];
        switch (random.below(3)) {
          case 0:
            mutated.insert(pos, 1, c);
            break;
          case 1:
            if (pos < mutated.size()) mutated.erase(pos, 1);
            break;
          default:
            if (pos < mutated.size()) mutated[pos] = c;
        }
      }
      auto result = parse_article_record(mutated);
      if (const auto* parsed = std::get_if<Article>(&result)) {
        const std::string dumped = article_to_json(*parsed);
        CHECK(article_to_json(parse_ok(dumped)) == dumped);
      } else {
        const auto& e = std::get<RecordError>(result);
        CHECK(!e.message.empty());
        CHECK(e.column <= static_cast<int>(mutated.size()) + 1);
      }
    }
  }
}
