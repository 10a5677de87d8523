// `gazette check`: the consistency checks on a database broken one way at a time
// (db/check.h), and the command's output and exit status.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "content/validate.h"
#include "db/articles.h"
#include "db/check.h"
#include "db/database.h"
#include "db/related.h"
#include "tests/admin_support.h"
#include "tests/db_support.h"
#include "tests/process_support.h"

using gazette::Article;
using gazette::Status;
using gazette::test::memory_db;
using gazette::test::run_gazette;
using gazette::test::seed_article;
using gazette::test::TempDir;
namespace db = gazette::db;

namespace {

constexpr const char* kNow = "2026-03-01T00:00:00Z";

// Three published articles about the harbour, related to each other, a draft, and an
// article that pins one of them.
void seed(db::Connection& c) {
  std::vector<Article> articles = {
      seed_article("harbour-dredging", "Harbour dredging begins", {"harbour", "port"},
                   "Dredgers deepen the harbour channel for the ferries."),
      seed_article("ferry-timetable", "Ferry timetable changes", {"harbour", "ferries"},
                   "The harbour ferries run to a new timetable while dredgers work.",
                   Status::published, "2026-01-11T09:00:00Z"),
      seed_article("harbour-wall", "Harbour wall repaired", {"harbour"},
                   "The harbour wall is repaired before the winter ferries.", Status::published,
                   "2026-01-12T09:00:00Z"),
      seed_article("council-vote", "Council votes on the harbour", {"council"},
                   "The council votes on the harbour budget.", Status::published,
                   "2026-01-13T09:00:00Z"),
      seed_article("budget-draft", "Budget draft", {"council"}, "Not public yet.", Status::draft,
                   ""),
  };
  // An editor's pin, shown first in its list.
  articles[3].related = {"harbour-wall"};
  for (auto& a : articles) REQUIRE(gazette::normalize_and_validate(a, kNow).empty());
  REQUIRE(std::holds_alternative<db::SaveResult>(db::save_articles(c, articles, kNow, {})));
}

// The problems of check `name` ("" joined lines; fails when there is no such check).
std::string problems_of(db::Connection& c, const std::string& name) {
  for (const auto& r : db::check_database(c, true)) {
    if (r.name != name) continue;
    std::string all;
    for (const auto& p : r.problems) all += p + "\n";
    return all;
  }
  FAIL("no check named " << name);
  return "";
}

std::int64_t id_of(db::Connection& c, const std::string& slug) {
  auto q = c.prepare("SELECT id FROM articles WHERE slug = ?");
  q.bind(1, slug);
  REQUIRE(q.step());
  return q.int64(0);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("check: a sound database passes every check", "[check]") {
  auto c = memory_db();
  seed(*c);
  auto results = db::check_database(*c, true);
  REQUIRE(results.size() == 9);
  CHECK(db::check_database(*c, false).size() == 7);
  for (const auto& r : results) {
    std::string problems;
    for (const auto& p : r.problems) problems += p + "\n";
    INFO(r.name << ": " << problems);
    CHECK(r.problems.empty());
  }
  // Nothing was written, and a save still works afterwards (no transaction left open).
  CHECK(c->query_int("SELECT count(*) FROM articles") == 5);
  CHECK(sqlite3_get_autocommit(c->handle()) != 0);
}

TEST_CASE("check: each broken rule is found and names the article", "[check]") {
  auto c = memory_db();
  seed(*c);
  const std::string ferry = std::to_string(id_of(*c, "ferry-timetable"));
  const std::string wall = std::to_string(id_of(*c, "harbour-wall"));
  const std::string draft = std::to_string(id_of(*c, "budget-draft"));

  SECTION("an article missing from the search index") {
    c->exec("DELETE FROM articles_fts WHERE rowid = " + ferry);
    CHECK(contains(problems_of(*c, "search index"),
                   "article " + ferry + " (ferry-timetable) is missing from the index"));
  }
  SECTION("an article indexed with old text") {
    c->exec("UPDATE articles_fts SET title = 'Old title' WHERE rowid = " + wall);
    CHECK(contains(problems_of(*c, "search index"), "(harbour-wall) is indexed with old text"));
  }
  SECTION("an index row without an article") {
    c->exec(
        "INSERT INTO articles_fts (rowid, title, summary, body, tags) "
        "VALUES (999, 'x', 'x', 'x', 'x')");
    CHECK(contains(problems_of(*c, "search index"), "index row 999 has no article"));
  }
  SECTION("a damaged full-text index") {
    // Drop FTS5's own index pages (beyond the structure record): the text it stores no
    // longer matches what it can find.
    c->exec("DELETE FROM articles_fts_data WHERE id > 10");
    CHECK(contains(problems_of(*c, "search index structure (FTS5)"),
                   "the full-text index is damaged"));
  }
  SECTION("a tag table out of step") {
    c->exec("DELETE FROM article_tags WHERE article_id = " + ferry + " AND position = 1");
    CHECK(contains(problems_of(*c, "tags"), "(ferry-timetable): its tags differ"));
  }
  SECTION("a tag row with another publication date") {
    c->exec("UPDATE article_tags SET published_at = '2020-01-01T00:00:00Z' WHERE article_id = " +
            wall);
    CHECK(contains(problems_of(*c, "tags"), "(harbour-wall): the tag table has another"));
  }
  SECTION("a list holding a draft, or the article itself") {
    c->exec("INSERT INTO related (article_id, rank, related_id, score, pinned) VALUES (" + ferry +
            ", 50, " + draft + ", 0.5, 0), (" + wall + ", 50, " + wall + ", 0.5, 0)");
    std::string p = problems_of(*c, "related lists");
    CHECK(contains(p, "(ferry-timetable) lists the draft budget-draft"));
    CHECK(contains(p, "(harbour-wall) is in its own list"));
  }
  SECTION("a pin missing from its list") {
    c->exec("INSERT INTO related_pins (article_id, position, pinned_id) VALUES (" + ferry +
            ", 0, " + wall + ")");
    CHECK(
        contains(problems_of(*c, "related lists"), "(ferry-timetable): pin 1 is not at its place"));
  }
  SECTION("a pin moved behind a ranked entry") {
    const std::string vote = std::to_string(id_of(*c, "council-vote"));
    c->exec("UPDATE related SET rank = rank + 1000000 WHERE pinned = 1 AND article_id = " + vote);
    CHECK(contains(problems_of(*c, "related lists"),
                   "(council-vote): a ranked entry comes before a pin"));
  }
  SECTION("a pin replaced in its list") {
    const std::string vote = std::to_string(id_of(*c, "council-vote"));
    c->exec("UPDATE related SET related_id = " + ferry +
            " WHERE pinned = 1 AND article_id = " + vote);
    CHECK(contains(problems_of(*c, "related lists"), "(council-vote): pin 1 is not at its place"));
  }
  SECTION("engine postings out of step with the vectors") {
    c->exec(
        "DELETE FROM related_postings WHERE (term, block) IN "
        "(SELECT term, block FROM related_postings LIMIT 1)");
    CHECK(contains(problems_of(*c, "related engine postings"), "run gazette related --rebuild"));
  }
  SECTION("a list pointing at an article that is gone") {
    c->exec("PRAGMA foreign_keys = OFF");
    c->exec("INSERT INTO related (article_id, rank, related_id, score, pinned) VALUES (" + ferry +
            ", 50, 4242, 0.5, 0)");
    CHECK(contains(problems_of(*c, "foreign keys"),
                   "related: a row refers to a missing row of articles"));
  }
  SECTION("lists from an older gazette") {
    c->exec("DELETE FROM related_meta WHERE key = 'weights'");
    CHECK(contains(problems_of(*c, "related lists"), "run gazette related --rebuild"));
  }
  SECTION("a user without an argon2id hash") {
    c->exec(
        "INSERT INTO users (name, password_hash, created_at) "
        "VALUES ('mallory', 'plaintext', '2026-01-01T00:00:00Z')");
    CHECK(contains(problems_of(*c, "users"), "user mallory has no argon2id password hash"));
  }
  SECTION("the schema version") {
    c->exec("PRAGMA user_version = 2");
    CHECK(contains(problems_of(*c, "schema"), "schema version 2, expected"));
  }
}

TEST_CASE("gazette check: ok lines and exit 0, FAIL lines with the rows and exit 1",
          "[integration][cli][check]") {
  TempDir dir;
  std::string path = dir / "site.db";
  {
    auto opened = db::open_database(path);
    seed(*opened.connection);
  }
  auto sound = run_gazette({"check", "--db", path});
  CHECK(sound.exit_code == 0);
  CHECK(contains(sound.out, "ok    SQLite integrity_check\n"));
  CHECK(contains(sound.out, "ok    search index\n"));
  CHECK(contains(sound.out, ": all 7 checks passed\n"));
  auto deep = run_gazette({"check", "--db", path, "--deep"});
  CHECK(deep.exit_code == 0);
  CHECK(contains(deep.out, "ok    search index structure (FTS5)\n"));
  CHECK(contains(deep.out, "ok    related engine postings\n"));
  CHECK(contains(deep.out, ": all 9 checks passed\n"));

  {
    db::Connection c(path, db::OpenMode::read_write);
    c.exec(
        "DELETE FROM articles_fts WHERE rowid = (SELECT id FROM articles WHERE slug = "
        "'harbour-wall')");
  }
  auto broken = run_gazette({"check", "--db", path});
  CHECK(broken.exit_code == 1);
  CHECK(contains(broken.out, "FAIL  search index\n"));
  CHECK(contains(broken.out, "(harbour-wall) is missing from the index\n"));
  CHECK(contains(broken.out, ": 1 of 7 checks found problems\n"));

  SECTION("a missing file is an error, not a new database") {
    auto missing = run_gazette({"check", "--db", dir / "missing.db"});
    CHECK(missing.exit_code == 1);
    CHECK(contains(missing.err, "missing.db: no such database file"));
    CHECK_FALSE(std::filesystem::exists(dir / "missing.db"));
  }
  SECTION("a file that is not a database") {
    std::ofstream(dir / "notes.db") << std::string(5000, 'x');
    auto junk = run_gazette({"check", "--db", dir / "notes.db"});
    CHECK(junk.exit_code == 1);
    CHECK(contains(junk.err, "not a SQLite database"));
  }
}
