// The checks of `gazette check` (see check.h). Each is a query for the rows that break
// one rule; the first few are named, the rest counted.
#include "db/check.h"

#include <functional>

#include "db/related.h"
#include "db/schema.h"

namespace gazette::db {

namespace {

// How many offending rows a check names before it only counts the rest.
constexpr int kNamed = 10;

// Runs `sql`, one offending row per result row, described by `describe`; adds a line
// per row (the first kNamed) and one with the count of the rest.
void collect(Connection& c, const std::string& sql,
             const std::function<std::string(const Statement&)>& describe,
             std::vector<std::string>& problems) {
  auto q = c.prepare(sql);
  int rows = 0;
  while (q.step()) {
    if (++rows <= kNamed) problems.push_back(describe(q));
  }
  if (rows > kNamed) problems.push_back("... and " + std::to_string(rows - kNamed) + " more");
}

// "article 12 (harbour-news)" from columns `id` and `slug` of a row.
std::string article_at(const Statement& q, int id, int slug) {
  return "article " + std::to_string(q.int64(id)) + " (" + q.text(slug) + ")";
}

void sqlite_integrity(Connection& c, std::vector<std::string>& problems) {
  auto q = c.prepare("PRAGMA integrity_check(100)");
  while (q.step()) {
    if (q.text(0) != "ok") problems.push_back(q.text(0));
  }
}

void foreign_keys(Connection& c, std::vector<std::string>& problems) {
  collect(
      c, "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check",
      [](const Statement& q) {
        std::string row = q.is_null(1) ? "a row" : "row " + std::to_string(q.int64(1));
        return q.text(0) + ": " + row + " refers to a missing row of " + q.text(2);
      },
      problems);
}

void schema(Connection& c, std::vector<std::string>& problems) {
  auto version = c.query_int("PRAGMA user_version").value_or(0);
  if (version != latest_schema_version()) {
    problems.push_back("schema version " + std::to_string(version) + ", expected " +
                       std::to_string(latest_schema_version()));
  }
  if (c.query_int("SELECT count(*) FROM content_stamp").value_or(0) != 1) {
    problems.push_back("content_stamp must hold exactly one row");
  }
}

// The search index must hold one row per article with the article's current text, as
// the triggers write it (schema.cpp, migration 2), and FTS5's own structure must match
// the text it stores.
void search_index(Connection& c, std::vector<std::string>& problems) {
  collect(
      c,
      "SELECT a.id, a.slug FROM articles AS a "
      "WHERE NOT EXISTS (SELECT 1 FROM articles_fts AS f WHERE f.rowid = a.id)",
      [](const Statement& q) { return article_at(q, 0, 1) + " is missing from the index"; },
      problems);
  collect(
      c,
      "SELECT f.rowid FROM articles_fts AS f "
      "WHERE NOT EXISTS (SELECT 1 FROM articles AS a WHERE a.id = f.rowid)",
      [](const Statement& q) {
        return "index row " + std::to_string(q.int64(0)) + " has no article";
      },
      problems);
  collect(
      c,
      "SELECT a.id, a.slug FROM articles AS a JOIN articles_fts AS f ON f.rowid = a.id "
      "WHERE f.title IS NOT a.title OR f.summary IS NOT a.summary "
      "OR f.tags IS NOT a.tags_text OR f.body IS NOT "
      "replace(replace(a.body_text, char(57344), ''), char(57345), '')",
      [](const Statement& q) { return article_at(q, 0, 1) + " is indexed with old text"; },
      problems);
}

// FTS5 compares its inverted index with the text it stores. The command is written as
// an INSERT, changes nothing, but needs the write lock: it runs after the others, in a
// transaction of its own that is rolled back (a save in a running server waits for it,
// hence only on request: check --deep).
void search_index_structure(Connection& c, std::vector<std::string>& problems) {
  Transaction tx(c);
  try {
    c.exec("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')");
  } catch (const Error& e) {
    if (e.primary_code() != SQLITE_CORRUPT) throw;
    problems.push_back(std::string("the full-text index is damaged (") + e.what() +
                       "); rebuild it with: INSERT INTO articles_fts (articles_fts) VALUES "
                       "('rebuild')");
  }
}

// article_tags is a copy of each article's tags (for tag pages): the same tags in the
// same order as tags_text, published_at copied for published articles only.
void tags(Connection& c, std::vector<std::string>& problems) {
  collect(
      c,
      "SELECT a.id, a.slug FROM articles AS a "
      "WHERE a.tags_text IS NOT (SELECT coalesce(group_concat(tag, ' '), '') FROM "
      "(SELECT tag FROM article_tags AS t WHERE t.article_id = a.id ORDER BY position))",
      [](const Statement& q) {
        return article_at(q, 0, 1) + ": its tags differ from the tag table";
      },
      problems);
  collect(
      c,
      "SELECT a.id, a.slug FROM article_tags AS t JOIN articles AS a ON a.id = t.article_id "
      "WHERE t.published_at IS NOT "
      "(CASE WHEN a.status = 'published' THEN a.published_at END) GROUP BY a.id",
      [](const Statement& q) {
        return article_at(q, 0, 1) + ": the tag table has another publication date";
      },
      problems);
}

// The stored related lists: never the article itself, never a draft it did not pin,
// pins first and in the pinned order, every article with the engine's state row.
void related_lists(Connection& c, std::vector<std::string>& problems) {
  collect(
      c,
      "SELECT a.id, a.slug FROM related AS r JOIN articles AS a ON a.id = r.article_id "
      "WHERE r.related_id = r.article_id",
      [](const Statement& q) { return article_at(q, 0, 1) + " is in its own list"; }, problems);
  collect(
      c,
      "SELECT a.id, a.slug, d.slug FROM related AS r "
      "JOIN articles AS a ON a.id = r.article_id "
      "JOIN articles AS d ON d.id = r.related_id "
      "WHERE r.pinned = 0 AND d.status = 'draft'",
      [](const Statement& q) { return article_at(q, 0, 1) + " lists the draft " + q.text(2); },
      problems);
  // The list's order is its rank, an order key with gaps (migration 6): the pin at
  // position p is the list's (p+1)th pinned entry, and no other entry comes before it.
  collect(
      c,
      "WITH listed AS (SELECT article_id, related_id, "
      "row_number() OVER (PARTITION BY article_id ORDER BY rank) - 1 AS position "
      "FROM related WHERE pinned = 1) "
      "SELECT a.id, a.slug, p.position FROM related_pins AS p "
      "JOIN articles AS a ON a.id = p.article_id "
      "LEFT JOIN listed AS l ON l.article_id = p.article_id AND l.position = p.position "
      "WHERE l.related_id IS NOT p.pinned_id",
      [](const Statement& q) {
        return article_at(q, 0, 1) + ": pin " + std::to_string(q.int64(2) + 1) +
               " is not at its place in the list";
      },
      problems);
  // What each entry carries of the article it points to (migration 7), which the
  // sidebar shows without reading that article: equal to the article, or the sidebar
  // shows an old title or hides a published article.
  collect(
      c,
      "SELECT a.id, a.slug, d.slug FROM related AS r "
      "JOIN articles AS a ON a.id = r.article_id "
      "JOIN articles AS d ON d.id = r.related_id "
      "WHERE r.slug IS NOT d.slug OR r.title IS NOT d.title OR r.summary IS NOT d.summary "
      "OR r.status IS NOT d.status OR r.published_at IS NOT d.published_at",
      [](const Statement& q) {
        return article_at(q, 0, 1) + ": the entry for " + q.text(2) +
               " does not match that article (run gazette related --rebuild)";
      },
      problems);
  // Lists from before the content engine (a database an older gazette wrote) are one
  // problem, not one per article.
  if (c.query_int("SELECT count(*) FROM related_meta WHERE key = 'weights'").value_or(0) == 0 &&
      c.query_int("SELECT count(*) FROM articles").value_or(0) > 0) {
    problems.push_back(
        "the lists were made by an older gazette: run gazette related --rebuild (gazette "
        "serve does it at start-up)");
    return;
  }
  collect(
      c,
      "SELECT DISTINCT a.id, a.slug FROM related AS pin "
      "JOIN related AS other ON other.article_id = pin.article_id "
      "AND other.pinned <> 1 AND other.rank < pin.rank "
      "JOIN articles AS a ON a.id = pin.article_id WHERE pin.pinned = 1",
      [](const Statement& q) {
        return article_at(q, 0, 1) + ": a ranked entry comes before a pin";
      },
      problems);
  collect(
      c,
      "SELECT a.id, a.slug FROM articles AS a "
      "WHERE NOT EXISTS (SELECT 1 FROM related_state AS s WHERE s.article_id = a.id)",
      [](const Statement& q) {
        return article_at(q, 0, 1) +
               " has no related-engine state (run gazette related "
               "--rebuild)";
      },
      problems);
  collect(
      c,
      "SELECT a.id, a.slug, r.rank, r.score FROM related AS r "
      "JOIN articles AS a ON a.id = r.article_id WHERE r.score < 0 OR r.score > 1",
      [](const Statement& q) {
        return article_at(q, 0, 1) + ": entry " + std::to_string(q.int64(2)) +
               " has a score outside 0 to 1 (" + std::to_string(q.real(3)) + ")";
      },
      problems);
}

// The engine's posting blocks against the term vectors they index (db/related.h). Reads
// every posting into memory (some 200 MB at 100,000 articles): only with --deep.
void related_postings(Connection& c, std::vector<std::string>& problems) {
  ReadTransaction snapshot(c);
  if (std::string wrong = check_related_postings(c); !wrong.empty()) {
    problems.push_back(wrong + " (run gazette related --rebuild)");
  }
}

void users(Connection& c, std::vector<std::string>& problems) {
  collect(
      c, "SELECT name FROM users WHERE password_hash NOT LIKE '$argon2id$%'",
      [](const Statement& q) { return "user " + q.text(0) + " has no argon2id password hash"; },
      problems);
}

}  // namespace

std::vector<CheckResult> check_database(Connection& c, bool deep) {
  using Check = void (*)(Connection&, std::vector<std::string>&);
  struct Step {
    const char* name;
    Check check;
  };
  static constexpr Step kInSnapshot[] = {
      {"SQLite integrity_check", sqlite_integrity},
      {"foreign keys", foreign_keys},
      {"schema", schema},
      {"search index", search_index},
      {"tags", tags},
      {"related lists", related_lists},
      {"users", users},
  };
  std::vector<CheckResult> results;
  auto run = [&](const Step& step) {
    CheckResult& r = results.emplace_back();
    r.name = step.name;
    try {
      step.check(c, r.problems);
    } catch (const Error& e) {
      r.problems.push_back(std::string("could not be checked: ") + e.what());
    }
  };
  {
    // One snapshot: a server writing meanwhile cannot make two checks disagree.
    ReadTransaction snapshot(c);
    for (const auto& step : kInSnapshot) run(step);
  }
  if (deep) {
    run({"search index structure (FTS5)", search_index_structure});
    run({"related engine postings", related_postings});
  }
  return results;
}

}  // namespace gazette::db
