// Tests for content/validate: normalising an Article and every SPEC field rule at its
// boundary, with the messages authors see.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "content/validate.h"

using gazette::Article;
using gazette::FieldError;
using gazette::normalize_and_validate;
using gazette::parse_status;
using gazette::Status;

namespace {

constexpr const char* kNow = "2026-11-24T09:30:00Z";

Article valid_article() {
  Article a;
  a.title = "Council approves budget";
  a.body_markdown = "The council met.";
  a.status = Status::published;
  a.published_at = "2026-11-23T10:00:00Z";
  return a;
}

std::vector<FieldError> validate(Article& a) {
  return normalize_and_validate(a, kNow);
}

// The message for `field`, or "" when that field has no error.
std::string error_for(const std::vector<FieldError>& errors, const std::string& field) {
  for (const FieldError& e : errors) {
    if (e.field == field) return e.message;
  }
  return "";
}

// "x" repeated: `count` copies of `unit`.
std::string repeat(const std::string& unit, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += unit;
  return out;
}

std::vector<std::string> numbered(const std::string& prefix, int count) {
  std::vector<std::string> out;
  for (int i = 1; i <= count; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("a valid article passes and gets a slug", "[content][validate]") {
  Article a = valid_article();
  CHECK(validate(a).empty());
  CHECK(a.slug == "council-approves-budget");
  CHECK(a.published_at == "2026-11-23T10:00:00Z");
}

TEST_CASE("text fields are trimmed", "[content][validate]") {
  Article a = valid_article();
  a.title = "  \tHello \n";
  a.summary = " dek ";
  a.author = "\nJane Doe  ";
  a.slug = " hello ";
  a.body_markdown = "  indented code\n";
  CHECK(validate(a).empty());
  CHECK(a.title == "Hello");
  CHECK(a.summary == "dek");
  CHECK(a.author == "Jane Doe");
  CHECK(a.slug == "hello");
  CHECK(a.body_markdown == "  indented code\n");  // the body is Markdown: left as written
}

TEST_CASE("slug rules", "[content][validate]") {
  Article a = valid_article();
  SECTION("derived from the title, with transliteration") {
    a.title = "Café Zürich reopens";
    CHECK(validate(a).empty());
    CHECK(a.slug == "cafe-zurich-reopens");
  }
  SECTION("a title with nothing to keep") {
    a.title = "!!! ???";
    const auto errors = validate(a);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "slug");
    CHECK(errors[0].message == "could not derive a slug from the title; give one");
  }
  SECTION("a missing title is reported once, on the title") {
    a.title = "   ";
    const auto errors = validate(a);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "title");
    CHECK(errors[0].message == "is required");
  }
  SECTION("a given slug is kept") {
    a.slug = "my-own-slug";
    CHECK(validate(a).empty());
    CHECK(a.slug == "my-own-slug");
  }
  SECTION("a malformed slug") {
    a.slug = "Bad Slug";
    CHECK(error_for(validate(a), "slug") ==
          "\"Bad Slug\" is not a valid slug: use lowercase letters, digits and single hyphens");
  }
  SECTION("double and edge hyphens") {
    a.slug = "a--b";
    CHECK(error_for(validate(a), "slug").find("is not a valid slug") != std::string::npos);
    a.slug = "-a";
    CHECK(error_for(validate(a), "slug").find("is not a valid slug") != std::string::npos);
  }
  SECTION("120 characters, not 121") {
    a.slug = std::string(120, 'a');
    CHECK(validate(a).empty());
    a.slug = std::string(121, 'a');
    CHECK(error_for(validate(a), "slug") == "must be at most 120 characters (got 121)");
  }
  SECTION("bad UTF-8") {
    a.slug = "a\xFF";
    CHECK(error_for(validate(a), "slug") == "is not valid UTF-8");
  }
}

TEST_CASE("title: required, at most 300 characters", "[content][validate]") {
  Article a = valid_article();
  a.title = repeat("é", 300);  // 300 characters, 600 bytes
  CHECK(error_for(validate(a), "title") == "");
  a.title = repeat("x", 301);
  CHECK(error_for(validate(a), "title") == "must be at most 300 characters (got 301)");
  a.title = "";
  CHECK(error_for(validate(a), "title") == "is required");
  a.title = "ok \xC0\xAF";
  CHECK(error_for(validate(a), "title") == "is not valid UTF-8");
}

TEST_CASE("summary: at most 1,000 characters, optional", "[content][validate]") {
  Article a = valid_article();
  a.summary = "";
  CHECK(validate(a).empty());
  a.summary = repeat("€", 1000);
  CHECK(validate(a).empty());
  a.summary = repeat("s", 1001);
  CHECK(error_for(validate(a), "summary") == "must be at most 1000 characters (got 1001)");
  a.summary = "\xED\xA0\x80";
  CHECK(error_for(validate(a), "summary") == "is not valid UTF-8");
}

TEST_CASE("body_markdown: at most 1 MiB, counted in bytes", "[content][validate]") {
  Article a = valid_article();
  a.body_markdown = std::string(1048576, 'b');
  CHECK(validate(a).empty());
  a.body_markdown = repeat("é", 524288) + "b";  // 524,289 characters, 1,048,577 bytes
  CHECK(error_for(validate(a), "body_markdown") ==
        "must be at most 1048576 bytes, 1 MiB (got 1048577)");
  a.body_markdown = "";
  CHECK(validate(a).empty());
  a.body_markdown = "text \xFF";
  CHECK(error_for(validate(a), "body_markdown") == "is not valid UTF-8");
}

TEST_CASE("author: at most 200 characters, optional", "[content][validate]") {
  Article a = valid_article();
  a.author = repeat("ø", 200);
  CHECK(validate(a).empty());
  a.author = repeat("a", 201);
  CHECK(error_for(validate(a), "author") == "must be at most 200 characters (got 201)");
  a.author = "\xC3";
  CHECK(error_for(validate(a), "author") == "is not valid UTF-8");
}

TEST_CASE("tags are trimmed, lowercased and deduplicated", "[content][validate]") {
  Article a = valid_article();
  a.tags = {" Politics ", "news", "", "NEWS", "  ", "politics", "Élysée", "Oslo"};
  CHECK(validate(a).empty());
  CHECK(a.tags == std::vector<std::string>{"politics", "news", "Élysée", "oslo"});
}

TEST_CASE("tags: at most 20, each at most 50 characters", "[content][validate]") {
  Article a = valid_article();
  SECTION("20 tags, not 21") {
    a.tags = numbered("t", 20);
    CHECK(validate(a).empty());
    a.tags = numbered("t", 21);
    CHECK(error_for(validate(a), "tags") == "at most 20 tags (got 21)");
  }
  SECTION("the limit applies after duplicates are dropped") {
    a.tags = numbered("t", 20);
    a.tags.push_back("T1");
    a.tags.push_back("t20");
    a.tags.push_back("");
    CHECK(validate(a).empty());
    CHECK(a.tags.size() == 20);
  }
  SECTION("50 characters, not 51") {
    a.tags = {repeat("é", 50)};
    CHECK(validate(a).empty());
    a.tags = {repeat("x", 51)};
    CHECK(error_for(validate(a), "tags") ==
          "tag \"" + repeat("x", 50) + "…\" is longer than 50 characters");
  }
  SECTION("forbidden characters") {
    a.tags = {"ok", "a,b"};
    CHECK(error_for(validate(a), "tags") == "tag \"a,b\" may not contain a comma");
    a.tags = {"a/b"};
    CHECK(error_for(validate(a), "tags") == "tag \"a/b\" may not contain '/'");
    a.tags = {
        "a\x01"
        "b"};
    CHECK(error_for(validate(a), "tags") == "tag \"a\\u0001b\" may not contain control characters");
    a.tags = {"a\tb"};
    CHECK(error_for(validate(a), "tags") == "tag \"a\\u0009b\" may not contain control characters");
  }
  SECTION("bad UTF-8") {
    a.tags = {"fine", "bad\xFF"};
    CHECK(error_for(validate(a), "tags") == "tag 2 is not valid UTF-8");
  }
}

TEST_CASE("a huge list of repeated tags is handled quickly", "[content][validate]") {
  Article a = valid_article();
  for (int i = 0; i < 200000; ++i) a.tags.push_back("tag" + std::to_string(i % 10));
  CHECK(validate(a).empty());
  CHECK(a.tags.size() == 10);
}

TEST_CASE("parse_status reads exactly draft or published", "[content][validate]") {
  Status s = Status::published;
  CHECK(parse_status("draft", s));
  CHECK(s == Status::draft);
  CHECK(parse_status("published", s));
  CHECK(s == Status::published);
  CHECK_FALSE(parse_status("Draft", s));
  CHECK_FALSE(parse_status("publish", s));
  CHECK_FALSE(parse_status("", s));
  CHECK_FALSE(parse_status(" draft", s));
  CHECK(s == Status::published);  // unchanged by a failed parse
}

TEST_CASE("status must be draft or published", "[content][validate]") {
  Article a = valid_article();
  a.status = static_cast<Status>(7);
  CHECK(error_for(validate(a), "status") == "must be draft or published");
}

TEST_CASE("published_at rules", "[content][validate]") {
  Article a = valid_article();
  SECTION("a published article without a date is published now") {
    a.published_at = "";
    CHECK(validate(a).empty());
    CHECK(a.published_at == kNow);
  }
  SECTION("a draft without a date stays without one") {
    a.status = Status::draft;
    a.published_at = "  ";
    CHECK(validate(a).empty());
    CHECK(a.published_at == "");
  }
  SECTION("a date is normalised to UTC") {
    a.published_at = " 2026-11-23T23:30:00-05:00 ";
    CHECK(validate(a).empty());
    CHECK(a.published_at == "2026-11-24T04:30:00Z");
    a.status = Status::draft;
    a.published_at = "2026-11-23";
    CHECK(validate(a).empty());
    CHECK(a.published_at == "2026-11-23T00:00:00Z");
  }
  SECTION("an unparsable date shows the expected form") {
    a.published_at = "next tuesday";
    const auto errors = validate(a);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "published_at");
    CHECK(errors[0].message ==
          "\"next tuesday\" is not a valid date: expected an ISO 8601 UTC time like "
          "2026-11-23T10:00:00Z");
    CHECK(a.published_at == "next tuesday");
  }
  SECTION("an impossible date") {
    a.status = Status::draft;
    a.published_at = "2026-02-29";
    CHECK(error_for(validate(a), "published_at").find("expected an ISO 8601 UTC time") !=
          std::string::npos);
  }
  SECTION("bad UTF-8") {
    a.published_at = "2026\xFF";
    CHECK(error_for(validate(a), "published_at") == "is not valid UTF-8");
  }
}

TEST_CASE("related: at most 5 valid slugs, not the article's own", "[content][validate]") {
  Article a = valid_article();
  a.slug = "budget";
  SECTION("5, not 6") {
    a.related = numbered("story-", 5);
    CHECK(validate(a).empty());
    a.related = numbered("story-", 6);
    CHECK(error_for(validate(a), "related") == "at most 5 related articles (got 6)");
  }
  SECTION("trimmed, empty entries and exact duplicates dropped, order kept") {
    a.related = {" b ", "a", "", "b", "c", "a", "d", "e"};
    CHECK(validate(a).empty());
    CHECK(a.related == std::vector<std::string>{"b", "a", "c", "d", "e"});
  }
  SECTION("each must be a valid slug") {
    a.related = {"fine", "Not A Slug"};
    CHECK(error_for(validate(a), "related") ==
          "\"Not A Slug\" is not a valid slug: use lowercase letters, digits and single hyphens");
  }
  SECTION("an article may not pin itself") {
    a.related = {"other", "budget"};
    CHECK(error_for(validate(a), "related") == "may not include the article's own slug \"budget\"");
  }
  SECTION("the self-pin check uses the derived slug") {
    a.slug = "";
    a.related = {"council-approves-budget"};
    CHECK(error_for(validate(a), "related") ==
          "may not include the article's own slug \"council-approves-budget\"");
  }
  SECTION("bad UTF-8") {
    a.related = {"ok", "\xFE"};
    CHECK(error_for(validate(a), "related") == "entry 2 is not valid UTF-8");
  }
}

TEST_CASE("one error per bad field, in field order", "[content][validate]") {
  Article a;
  a.title = std::string(301, 't');
  a.slug = "Nope";
  a.summary = std::string(1001, 's');
  a.author = "\xFF";
  a.tags = numbered("t", 22);
  a.tags.push_back("x/y");
  a.status = Status::published;
  a.published_at = "soon";
  a.related = {"nope", "Bad", "worse!"};
  a.slug = "nope";
  const auto errors = validate(a);
  std::vector<std::string> fields;
  for (const FieldError& e : errors) fields.push_back(e.field);
  CHECK(fields ==
        std::vector<std::string>{"title", "summary", "author", "tags", "published_at", "related"});
  CHECK(error_for(errors, "tags") == "at most 20 tags (got 23)");
  CHECK(error_for(errors, "related") == "may not include the article's own slug \"nope\"");
}

TEST_CASE("quoted values in messages are shortened and escaped", "[content][validate]") {
  Article a = valid_article();
  a.slug = "say \"hi\"\\";
  CHECK(error_for(validate(a), "slug") ==
        "\"say \\\"hi\\\"\\\\\" is not a valid slug: use lowercase letters, digits and single "
        "hyphens");
  a.slug = "";
  a.status = Status::draft;
  a.published_at = std::string(60, '9');
  CHECK(error_for(validate(a), "published_at") ==
        "\"" + std::string(50, '9') +
            "…\" is not a valid date: expected an ISO 8601 UTC time like "
            "2026-11-23T10:00:00Z");
}

TEST_CASE("tags that would be folder names like . and .. are refused", "[content][validate]") {
  for (const char* bad : {".", ".."}) {
    Article a;
    a.title = "T";
    a.tags = {bad};
    auto errors = normalize_and_validate(a, "2026-01-01T00:00:00Z");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "tags");
  }
  Article ok;
  ok.title = "T";
  ok.tags = {"c++", "...", ".net"};
  CHECK(normalize_and_validate(ok, "2026-01-01T00:00:00Z").empty());
}

TEST_CASE("one-line fields refuse control characters, bodies refuse NUL", "[content][validate]") {
  Article a;
  a.title = "Line one\nline two";
  a.summary = std::string("nul \0 inside", 13);
  a.author = "Tab\tis fine";
  a.body_markdown = std::string("body \0", 6);
  auto errors = normalize_and_validate(a, "2026-01-01T00:00:00Z");
  std::vector<std::string> fields;
  for (const auto& e : errors) fields.push_back(e.field);
  CHECK(fields == std::vector<std::string>{"title", "summary", "body_markdown"});
  Article ok;
  ok.title = "Fine";
  ok.body_markdown = "Line one\n\tindented \x01 control in a body is kept";
  CHECK(normalize_and_validate(ok, "2026-01-01T00:00:00Z").empty());
}
