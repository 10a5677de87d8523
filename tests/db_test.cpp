// Unit tests of the store: migrations, the write path, the public reads, related lists.
#include <catch2/catch.hpp>

#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "db/related.h"
#include "db/schema.h"
#include "db/sqlite.h"
#include "tests/db_support.h"

using namespace gazette;

using gazette::test::memory_db;

namespace {

Article story(const std::string& slug, const std::string& date, std::vector<std::string> tags,
              Status status = Status::published) {
  Article a;
  a.slug = slug;
  a.title = "Title " + slug;
  a.summary = "Summary " + slug;
  a.body_markdown = "Some *body* text for " + slug + ".";
  a.author = "A. Writer";
  a.tags = std::move(tags);
  a.status = status;
  a.published_at = date;
  REQUIRE(normalize_and_validate(a, "2026-06-01T00:00:00Z").empty());
  return a;
}

std::vector<std::string> related_slugs(db::Connection& c, const std::string& slug,
                                       const std::string& now = "2026-06-01T00:00:00Z") {
  auto a = db::find_public(c, slug, now);
  REQUIRE(a);
  std::vector<std::string> out;
  for (const auto& r : db::related_public(c, a->id, now, 5)) out.push_back(r.slug);
  return out;
}

}  // namespace

TEST_CASE("migrations bring an empty database to the latest version", "[db][schema]") {
  auto c = memory_db();
  CHECK(c->query_int("PRAGMA user_version") == db::latest_schema_version());
  CHECK(c->query_int("PRAGMA application_id") == db::kApplicationId);
  CHECK(c->query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'articles'") == 1);
  // Running them again changes nothing.
  db::migrate(*c);
  CHECK(c->query_int("PRAGMA user_version") == db::latest_schema_version());
}

TEST_CASE("migration 3 keeps a version 2 database whole and puts the bodies last", "[db][schema]") {
  auto c = std::make_unique<db::Connection>(":memory:", db::OpenMode::read_write_create);
  db::configure_connection(*c);
  db::migrate(*c, 2);
  REQUIRE(c->query_int("PRAGMA user_version") == 2);
  auto pinned = story("pinned", "2026-01-02T00:00:00Z", {"harbour"});
  pinned.related = {"first"};
  auto saved =
      db::save_articles(*c,
                        {story("first", "2026-01-01T00:00:00Z", {"harbour", "council"}), pinned,
                         story("third", "2026-01-03T00:00:00Z", {"council"}),
                         story("draft", "2026-01-04T00:00:00Z", {"harbour"}, Status::draft)},
                        "2026-06-01T00:00:00Z", db::RelatedWeights{});
  REQUIRE(std::holds_alternative<db::SaveResult>(saved));

  const std::string now = "2026-06-01T00:00:00Z";
  auto snapshot = [&] {
    std::vector<std::string> rows;
    db::for_each_article(*c, [&](const Article& a) {
      std::string row = a.slug + "|" + a.title + "|" + a.summary + "|" + a.body_markdown + "|" +
                        a.author + "|" + to_string(a.status) + "|" + a.published_at;
      for (const auto& t : a.tags) row += "|t:" + t;
      for (const auto& r : a.related) row += "|r:" + r;
      rows.push_back(row);
    });
    for (const char* slug : {"first", "pinned", "third"}) {
      auto v = db::find_public(*c, slug, now);
      REQUIRE(v);
      std::string row = std::to_string(v->id) + "|" + v->body_html + "|" + v->created_at + "|" +
                        v->updated_at + "|" + std::to_string(v->word_count);
      for (const auto& r : db::related_public(*c, v->id, now, 5)) row += "|" + r.slug;
      rows.push_back(row);
    }
    auto page = db::list_public(*c, now, 20, 0);
    rows.push_back(std::to_string(page.total));
    for (const auto& a : page.items) rows.push_back(a.slug + "|" + a.author + "|" + a.updated_at);
    return rows;
  };
  auto before = snapshot();
  auto tags_before = c->query_int("SELECT count(*) FROM article_tags");
  auto related_before = c->query_int("SELECT count(*) FROM related");

  db::migrate(*c);
  CHECK(c->query_int("PRAGMA user_version") == db::latest_schema_version());
  CHECK(snapshot() == before);
  CHECK(c->query_int("SELECT count(*) FROM article_tags") == tags_before);
  CHECK(c->query_int("SELECT count(*) FROM related") == related_before);
  CHECK(c->query_int("SELECT count(*) FROM related_pins") == 1);
  // The bodies are the last columns, body_html first of them.
  CHECK(c->query_int("SELECT cid FROM pragma_table_info('articles') WHERE name = 'body_html'") ==
        c->query_int("SELECT count(*) FROM pragma_table_info('articles')").value_or(0) - 3);
  CHECK(c->query_int("SELECT max(cid) FROM pragma_table_info('articles') "
                     "WHERE name NOT IN ('body_html', 'body_markdown', 'body_text')") ==
        c->query_int("SELECT cid FROM pragma_table_info('articles') WHERE name = 'body_html'")
                .value_or(0) -
            1);
  // Indexes, search triggers and foreign keys are back.
  CHECK(c->query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE "
                     "'articles_fts_%'") == 3);
  CHECK(c->query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
                     "('articles_public', 'articles_visibility')") == 2);
  CHECK(c->query_int("PRAGMA foreign_keys") == 1);
  CHECK(c->query_int("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'pinned'") == 1);
  // Writes keep the search index in step, and deletes still cascade.
  auto edited = story("third", "2026-01-03T00:00:00Z", {"council"});
  edited.title = "Renamed zebra";
  REQUIRE(std::holds_alternative<db::SaveResult>(
      db::save_articles(*c, {edited}, now, db::RelatedWeights{})));
  CHECK(c->query_int("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'zebra'") == 1);
  c->exec("DELETE FROM articles WHERE slug = 'first'");
  CHECK(c->query_int("SELECT count(*) FROM related_pins") == 0);
  CHECK(c->query_int("SELECT count(*) FROM pragma_foreign_key_check") == 0);
}

TEST_CASE("body_html is written with the article and rewritten when its body changes",
          "[db][articles]") {
  auto c = memory_db();
  const std::string now = "2026-06-01T00:00:00Z";
  auto a = story("one", "2026-01-01T00:00:00Z", {"x"});
  REQUIRE(std::holds_alternative<db::SaveResult>(
      db::save_articles(*c, {a}, now, db::RelatedWeights{})));
  auto v = db::find_public(*c, "one", now);
  REQUIRE(v);
  CHECK(v->body_html == "<p>Some <em>body</em> text for one.</p>\n");
  // The same body again: nothing is written.
  auto same = db::save_articles(*c, {a}, "2026-06-02T00:00:00Z", db::RelatedWeights{});
  CHECK(std::get<db::SaveResult>(same).unchanged == 1);
  a.body_markdown = "A **new** body.";
  auto changed = db::save_articles(*c, {a}, "2026-06-03T00:00:00Z", db::RelatedWeights{});
  CHECK(std::get<db::SaveResult>(changed).updated == 1);
  v = db::find_public(*c, "one", now);
  REQUIRE(v);
  CHECK(v->body_html == "<p>A <strong>new</strong> body.</p>\n");
  CHECK(v->updated_at == "2026-06-03T00:00:00Z");
}

TEST_CASE("a transaction rolls back unless committed", "[db][sqlite]") {
  auto c = memory_db();
  {
    db::Transaction tx(*c);
    c->exec("INSERT INTO users (name, password_hash, created_at) VALUES ('a', 'h', 'now')");
  }
  CHECK(c->query_int("SELECT count(*) FROM users") == 0);
  {
    db::Transaction tx(*c);
    c->exec("INSERT INTO users (name, password_hash, created_at) VALUES ('a', 'h', 'now')");
    tx.commit();
  }
  CHECK(c->query_int("SELECT count(*) FROM users") == 1);
}

TEST_CASE("SQLite errors carry their code", "[db][sqlite]") {
  auto c = memory_db();
  try {
    c->exec("INSERT INTO articles (slug) VALUES ('x')");  // title is NOT NULL
    FAIL("expected an error");
  } catch (const db::Error& e) {
    CHECK(e.primary_code() == SQLITE_CONSTRAINT);
  }
  CHECK_THROWS_AS(c->prepare("SELECT nonsense FROM nowhere"), db::Error);
}

TEST_CASE("save_articles upserts by slug and renders Markdown", "[db][articles]") {
  auto c = memory_db();
  auto r = db::save_articles(*c, {story("one", "2026-01-01T00:00:00Z", {"x"})},
                             "2026-06-01T00:00:00Z", db::RelatedWeights{});
  REQUIRE(std::get<db::SaveResult>(r).created == 1);
  auto edited = story("one", "2026-01-02T00:00:00Z", {"y", "z"});
  edited.title = "New title";
  r = db::save_articles(*c, {edited}, "2026-06-02T00:00:00Z", db::RelatedWeights{});
  CHECK(std::get<db::SaveResult>(r).updated == 1);
  CHECK(db::count_all(*c) == 1);
  auto a = db::find_public(*c, "one", "2026-06-02T00:00:00Z");
  REQUIRE(a);
  CHECK(a->title == "New title");
  CHECK(a->tags == std::vector<std::string>{"y", "z"});
  CHECK(a->body_html.find("<em>body</em>") != std::string::npos);
  CHECK(a->updated_at == "2026-06-02T00:00:00Z");
  CHECK(a->word_count == 5);
}

TEST_CASE("an unknown pinned slug aborts the whole batch", "[db][articles]") {
  auto c = memory_db();
  auto a = story("first", "2026-01-01T00:00:00Z", {"x"});
  auto b = story("second", "2026-01-02T00:00:00Z", {"x"});
  b.related = {"missing"};
  auto r = db::save_articles(*c, {a, b}, "2026-06-01T00:00:00Z", db::RelatedWeights{});
  REQUIRE(std::holds_alternative<db::SaveError>(r));
  CHECK(std::get<db::SaveError>(r).index == 1);
  CHECK(std::get<db::SaveError>(r).error.field == "related");
  CHECK(db::count_all(*c) == 0);
}

TEST_CASE("listings show public articles only, newest first", "[db][articles]") {
  auto c = memory_db();
  db::save_articles(*c,
                    {story("old", "2026-01-01T00:00:00Z", {"t"}),
                     story("new", "2026-02-01T00:00:00Z", {"t", "u"}),
                     story("draft", "2026-03-01T00:00:00Z", {"t"}, Status::draft),
                     story("scheduled", "2026-12-01T00:00:00Z", {"t"})},
                    "2026-06-01T00:00:00Z", db::RelatedWeights{});
  auto page = db::list_public(*c, "2026-06-01T00:00:00Z", 20, 0);
  REQUIRE(page.items.size() == 2);
  CHECK(page.total == 2);
  CHECK(page.items[0].slug == "new");
  CHECK(page.items[1].slug == "old");
  CHECK(page.items[0].tags == std::vector<std::string>{"t", "u"});
  CHECK(db::list_public_by_tag(*c, "u", "2026-06-01T00:00:00Z", 20, 0).total == 1);
  CHECK_FALSE(db::find_public(*c, "draft", "2026-06-01T00:00:00Z"));
  CHECK_FALSE(db::find_public(*c, "scheduled", "2026-06-01T00:00:00Z"));
  // Its time comes: visible without any write.
  CHECK(db::find_public(*c, "scheduled", "2026-12-01T00:00:00Z"));
  CHECK(db::list_public(*c, "2026-12-02T00:00:00Z", 20, 0).total == 3);
  auto tags = db::top_tags(*c, "2026-06-01T00:00:00Z", 6);
  REQUIRE(tags.size() == 2);
  CHECK(tags[0].tag == "t");
  CHECK(tags[0].count == 2);
}

TEST_CASE("related lists: pins first, shared tags, never self or drafts", "[db][related]") {
  auto c = memory_db();
  // Related by content: a, b, c and d read alike (the same boilerplate); pinned and e
  // share no word with them.
  auto unlike = [](Article x, const std::string& words) {
    x.title = x.summary = x.body_markdown = words;
    REQUIRE(normalize_and_validate(x, "2026-06-01T00:00:00Z").empty());
    return x;
  };
  auto pinned =
      unlike(story("pinned", "2026-01-01T00:00:00Z", {"other"}), "Harbour ferry timetable");
  auto a = story("a", "2026-01-02T00:00:00Z", {"x", "y"});
  a.related = {"pinned"};
  auto b = story("b", "2026-01-03T00:00:00Z", {"x", "y"});
  auto c2 = story("c", "2026-01-04T00:00:00Z", {"x", "z", "w"});
  auto d = story("d", "2026-01-05T00:00:00Z", {"x", "y"}, Status::draft);
  auto e = unlike(story("e", "2026-01-06T00:00:00Z", {"unrelated"}), "Orchestra season opens");
  REQUIRE(std::holds_alternative<db::SaveResult>(db::save_articles(
      *c, {pinned, a, b, c2, d, e}, "2026-06-01T00:00:00Z", db::RelatedWeights{})));
  CHECK(related_slugs(*c, "a") == std::vector<std::string>{"pinned", "b", "c"});
  CHECK(related_slugs(*c, "b") == std::vector<std::string>{"a", "c"});
  CHECK(related_slugs(*c, "e").empty());

  SECTION("a new article enters the lists of the existing ones it outranks") {
    auto f = story("f", "2026-01-07T00:00:00Z", {"x", "y"});
    db::save_articles(*c, {f}, "2026-06-02T00:00:00Z", db::RelatedWeights{});
    // Same text and tags as a, but further from b in time (the mild recency preference).
    CHECK(related_slugs(*c, "b") == std::vector<std::string>{"a", "f", "c"});
  }
  SECTION("a rebuild gives the same lists") {
    {
      db::Transaction tx(*c);
      db::rebuild_all_related(*c, db::RelatedWeights{});
      tx.commit();
    }
    CHECK(related_slugs(*c, "a") == std::vector<std::string>{"pinned", "b", "c"});
  }
}

TEST_CASE("cached statements: texts alike at both ends are still told apart", "[db]") {
  auto db = memory_db();
  // The same length, the same first and last 24 characters: the same cache hash.
  std::string pad = "                                   ";
  std::string one = "SELECT 'same beginning!', 1 AS value" + pad + ", 'and the same end here!'";
  std::string two = "SELECT 'same beginning!', 2 AS value" + pad + ", 'and the same end here!'";
  REQUIRE(one.size() == two.size());
  for (int round = 0; round < 2; ++round) {
    for (const auto& [sql, expected] : {std::pair{one, 1}, std::pair{two, 2}}) {
      db::StatementUse s(db->cached(sql));
      REQUIRE(s->step());
      CHECK(s->integer(1) == expected);
    }
  }
}
