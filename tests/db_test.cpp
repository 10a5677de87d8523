// Unit tests of the store: migrations, the write path, the public reads, related lists.
#include <catch2/catch.hpp>

#include "content/validate.h"
#include "db/articles.h"
#include "db/check.h"
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
  // Written as a version 2 gazette wrote them: today's write path knows only today's
  // schema.
  c->exec(R"sql(
    INSERT INTO articles (id, slug, title, summary, body_markdown, body_html, body_text,
                          word_count, author, status, published_at, created_at, updated_at,
                          tags_text) VALUES
      (1, 'first', 'Title first', 'Summary first', 'Some *body*.', '<p>Some <em>body</em>.</p>',
       'Some body.', 2, 'A. Writer', 'published', '2026-01-01T00:00:00Z',
       '2026-05-01T00:00:00Z', '2026-05-01T00:00:00Z', 'harbour council'),
      (2, 'pinned', 'Title pinned', 'Summary pinned', 'Pinned.', '<p>Pinned.</p>', 'Pinned.', 1,
       'B. Writer', 'published', '2026-01-02T00:00:00Z', '2026-05-02T00:00:00Z',
       '2026-05-03T00:00:00Z', 'harbour'),
      (3, 'third', 'Title third', 'Summary third', 'Third.', '<p>Third.</p>', 'Third.', 1,
       'A. Writer', 'published', '2026-01-03T00:00:00Z', '2026-05-01T00:00:00Z',
       '2026-05-01T00:00:00Z', 'council'),
      (4, 'draft', 'Title draft', 'Summary draft', 'Draft.', '<p>Draft.</p>', 'Draft.', 1,
       'A. Writer', 'draft', '2026-01-04T00:00:00Z', '2026-05-01T00:00:00Z',
       '2026-05-01T00:00:00Z', 'harbour');
    INSERT INTO article_tags (article_id, tag, position, published_at) VALUES
      (1, 'harbour', 0, '2026-01-01T00:00:00Z'), (1, 'council', 1, '2026-01-01T00:00:00Z'),
      (2, 'harbour', 0, '2026-01-02T00:00:00Z'), (3, 'council', 0, '2026-01-03T00:00:00Z'),
      (4, 'harbour', 0, NULL);
    INSERT INTO related_pins (article_id, position, pinned_id) VALUES (2, 0, 1);
    INSERT INTO related (article_id, rank, related_id, score, pinned) VALUES
      (1, 0, 2, 0.5, 0), (1, 1, 3, 0.25, 0), (2, 0, 1, 1.0, 1), (3, 0, 1, 0.25, 0);
  )sql");

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
      db::Statement r = c->prepare(
          "SELECT a.slug FROM related AS r JOIN articles AS a ON a.id = r.related_id "
          "WHERE r.article_id = ? ORDER BY r.rank");
      r.bind(1, v->id);
      while (r.step()) row += "|" + r.text(0);
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

TEST_CASE("migration 7 gives a version 6 database's related lists their copies", "[db][schema]") {
  auto c = std::make_unique<db::Connection>(":memory:", db::OpenMode::read_write_create);
  db::configure_connection(*c);
  db::migrate(*c, 6);
  c->exec(R"sql(
    INSERT INTO articles (id, slug, title, summary, author, status, published_at, created_at,
                          updated_at) VALUES
      (1, 'one', 'One', 'First', 'W', 'published', '2026-01-01T00:00:00Z',
       '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
      (2, 'two', 'Two', 'Second', 'W', 'draft', '2026-01-02T00:00:00Z',
       '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
      (3, 'three', 'Three', 'Third', 'W', 'published', '2026-09-01T00:00:00Z',
       '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    INSERT INTO related (article_id, rank, related_id, score, pinned) VALUES
      (1, 0, 2, 0.5, 1), (1, 1024, 3, 0.4, 0), (2, 0, 1, 0.5, 0), (3, 0, 1, 0.5, 0);
  )sql");
  db::migrate(*c);
  CHECK(c->query_int("SELECT count(*) FROM related AS r JOIN articles AS a "
                     "ON a.id = r.related_id WHERE r.slug = a.slug AND r.title = a.title "
                     "AND r.summary = a.summary AND r.status = a.status "
                     "AND r.published_at = a.published_at") == 4);
  // The sidebar reads the copies: the pinned draft and the scheduled article stay
  // hidden until their time.
  CHECK(db::related_public(*c, 1, "2026-06-01T00:00:00Z", 5).empty());
  auto later = db::related_public(*c, 1, "2026-10-01T00:00:00Z", 5);
  REQUIRE(later.size() == 1);
  CHECK(later[0].slug == "three");
  CHECK(later[0].title == "Three");
  CHECK(later[0].summary == "Third");
}

TEST_CASE("an article's copies in other related lists follow every write to it", "[db][related]") {
  auto c = memory_db();
  const std::string now = "2026-06-01T00:00:00Z";
  auto a = story("a", "2026-01-02T00:00:00Z", {"x", "y"});
  auto b = story("b", "2026-01-03T00:00:00Z", {"x", "y"});
  b.related = {"a"};
  REQUIRE(std::holds_alternative<db::SaveResult>(
      db::save_articles(*c, {a, b}, now, db::RelatedWeights{})));
  auto b_id = db::find_public(*c, "b", now)->id;
  auto shown = [&] {
    std::vector<std::string> out;
    for (const auto& r : db::related_public(*c, b_id, now, 5)) {
      out.push_back(r.slug + "|" + r.title + "|" + r.summary);
    }
    return out;
  };
  auto problems = [&] {
    std::size_t n = 0;
    for (const auto& r : db::check_database(*c, false)) n += r.problems.size();
    return n;
  };
  REQUIRE(shown() == std::vector<std::string>{"a|Title a|Summary a"});

  SECTION("a new title and summary") {
    a.title = "Harbour reopens";
    a.summary = "Ferries run again";
    db::save_articles(*c, {a}, now, db::RelatedWeights{});
    CHECK(shown() == std::vector<std::string>{"a|Harbour reopens|Ferries run again"});
  }
  SECTION("back to draft, then published again") {
    a.status = Status::draft;
    db::save_articles(*c, {a}, now, db::RelatedWeights{});
    CHECK(shown().empty());
    a.status = Status::published;
    db::save_articles(*c, {a}, now, db::RelatedWeights{});
    CHECK(shown() == std::vector<std::string>{"a|Title a|Summary a"});
  }
  SECTION("moved to a date after now") {
    a.published_at = "2026-07-01T00:00:00Z";
    db::save_articles(*c, {a}, now, db::RelatedWeights{});
    CHECK(shown().empty());
  }
  SECTION("a write outside gazette, by SQL") {
    c->exec("UPDATE articles SET title = 'Edited by hand' WHERE slug = 'a'");
    CHECK(shown() == std::vector<std::string>{"a|Edited by hand|Summary a"});
  }
  CHECK(problems() == 0);

  SECTION("gazette check finds a copy that differs, and a rebuild mends it") {
    c->exec(
        "UPDATE related SET title = 'Stale' WHERE related_id = "
        "(SELECT id FROM articles WHERE slug = 'a')");
    CHECK(problems() >= 1);  // one per entry for a: b lists it as a pin and as ranked
    {
      db::Transaction tx(*c);
      db::rebuild_all_related(*c, db::RelatedWeights{});
      tx.commit();
    }
    CHECK(problems() == 0);
  }
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
