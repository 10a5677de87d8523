// Migrations. Append new ones at the end of kMigrations; never edit a released one
// (files in the field have already run it). Every column says what it holds.
#include "db/schema.h"

#include <algorithm>
#include <string>

namespace gazette::db {

namespace {

struct Migration {
  const char* description;
  const char* sql;
};

constexpr Migration kMigrations[] = {
    {"articles, tags, related lists and users", R"sql(
-- One row per article, drafts and scheduled ones included.
CREATE TABLE articles (
  id            INTEGER PRIMARY KEY,          -- internal key, never shown to readers
  slug          TEXT    NOT NULL UNIQUE,      -- the address: /articles/{slug}
  title         TEXT    NOT NULL,             -- 1 to 300 characters
  summary       TEXT    NOT NULL DEFAULT '',  -- the dek under the title and in lists
  body_markdown TEXT    NOT NULL DEFAULT '',  -- the source, exactly as written
  body_html     TEXT    NOT NULL DEFAULT '',  -- body_markdown rendered (safe mode) at write time
  body_text     TEXT    NOT NULL DEFAULT '',  -- the body as plain text, for scoring and search
  word_count    INTEGER NOT NULL DEFAULT 0,   -- words in body_text, for the reading time
  author        TEXT    NOT NULL DEFAULT '',  -- byline
  tags_text     TEXT    NOT NULL DEFAULT '',  -- the tags in order, joined by spaces: what
                                              -- search indexes, written with the row so
                                              -- that a write re-indexes it once
  status        TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
  published_at  TEXT,                         -- ISO 8601 UTC; in the future = scheduled;
                                              -- NULL only for an undated draft
  created_at    TEXT    NOT NULL,             -- ISO 8601 UTC, first written
  updated_at    TEXT    NOT NULL              -- ISO 8601 UTC, last written
) STRICT;
-- Listings: the newest public articles first.
CREATE INDEX articles_public ON articles (status, published_at DESC, id DESC);

-- An article's tags, lowercase, in the order the author gave them.
CREATE TABLE article_tags (
  article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  tag          TEXT    NOT NULL,              -- lowercase, 1 to 50 characters
  position     INTEGER NOT NULL,              -- 0-based order as written
  published_at TEXT,                          -- the article's published_at when it is
                                              -- published, else NULL: a copy, so that a
                                              -- tag page is one index range, newest first
  PRIMARY KEY (article_id, tag)
) STRICT, WITHOUT ROWID;
-- Shared-tag scoring.
CREATE INDEX article_tags_by_tag ON article_tags (tag, article_id);
-- Tag pages and tag feeds: the public articles of a tag, newest first.
CREATE INDEX article_tags_public ON article_tags (tag, published_at DESC, article_id DESC)
  WHERE published_at IS NOT NULL;

-- Related articles an editor pinned, shown first in the sidebar, in order.
CREATE TABLE related_pins (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,                -- 0-based order as written
  pinned_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  PRIMARY KEY (article_id, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX related_pins_by_pinned ON related_pins (pinned_id);

-- The stored sidebar: pins first, then the best-scoring articles. Computed when
-- articles are written, read with one indexed query per page view. It keeps a few more
-- rows than the sidebar shows so that hiding a draft or scheduled one still leaves five.
CREATE TABLE related (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  rank       INTEGER NOT NULL,                -- 0-based display order
  related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  score      REAL    NOT NULL,                -- similarity (pins: 1.0)
  pinned     INTEGER NOT NULL DEFAULT 0,      -- 1 when an editor pinned it
  PRIMARY KEY (article_id, rank)
) STRICT, WITHOUT ROWID;
-- Which lists an article appears in (to refresh them when it changes).
CREATE INDEX related_by_related ON related (related_id);

-- Admin accounts.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,         -- login name
  password_hash TEXT NOT NULL,                -- argon2id, libsodium crypto_pwhash_str format
  created_at    TEXT NOT NULL                 -- ISO 8601 UTC
) STRICT;
)sql"},
    {"full-text search index", R"sql(
-- The search index (GET /search, db/search.cpp): one row per article, drafts and
-- scheduled ones included, whose rowid is articles.id. Whether an article is public
-- depends on the time of the query, so the query joins `articles` and applies the
-- public rule; the index itself never needs a write when a scheduled article's time
-- comes.
--
-- A plain FTS5 table that stores its own copy of the text, kept by the triggers below:
-- - not contentless: snippet() needs the text, and SQLite 3.40's contentless tables
--   cannot delete or update a row;
-- - not external-content: `tags` has no column of its own in `articles` to point at,
--   and an external-content index must be handed the exact old values of a row to
--   remove it (one mismatch, and the index silently goes wrong).
-- The copy costs about the size of body_text again.
--
-- Tokenizer: Porter stemming over unicode61 ("councils" finds "council"), case and
-- diacritics folded ("cafe" finds "café", "zurich" finds "Zürich").
CREATE VIRTUAL TABLE articles_fts USING fts5(
  title,    -- articles.title
  summary,  -- articles.summary
  body,     -- articles.body_text (plain text, no Markdown), without U+E000 and U+E001:
            -- snippet() marks the matches with them (content/search_query.h)
  tags,     -- the article's tags in their order, separated by spaces
  tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Search checks the public rule for every match, by id. The table's own row would
-- answer too, but status and published_at come after the long text columns, and
-- reaching them reads the row's whole overflow chain (a common word matches most
-- articles: 60 times slower). This narrow index answers it alone.
CREATE INDEX articles_visibility ON articles (id, status, published_at);

-- Every write to `articles` keeps the index in step, whichever way it comes (import,
-- admin, plain SQL). An FTS5 update is a delete and an insert of the whole row, so the
-- tags come from articles.tags_text, written in the same statement as the rest of the
-- row: one re-index per write (triggers on article_tags re-indexed the whole document
-- once per tag, which tripled the cost of an import).
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  -- A stale row can only be left by INSERT OR REPLACE (its delete fires no trigger).
  DELETE FROM articles_fts WHERE rowid = new.id;
  INSERT INTO articles_fts (rowid, title, summary, body, tags)
  VALUES (new.id, new.title, new.summary,
          replace(replace(new.body_text, char(57344), ''), char(57345), ''),
          new.tags_text);
END;

-- Only when an indexed column changed: publishing a draft re-indexes nothing.
CREATE TRIGGER articles_fts_update AFTER UPDATE OF id, title, summary, body_text, tags_text
ON articles
WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.summary IS NOT new.summary
     OR old.body_text IS NOT new.body_text OR old.tags_text IS NOT new.tags_text
BEGIN
  DELETE FROM articles_fts WHERE rowid = old.id;
  INSERT INTO articles_fts (rowid, title, summary, body, tags)
  VALUES (new.id, new.title, new.summary,
          replace(replace(new.body_text, char(57344), ''), char(57345), ''),
          new.tags_text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  DELETE FROM articles_fts WHERE rowid = old.id;
END;

-- The articles written before this migration.
INSERT INTO articles_fts (rowid, title, summary, body, tags)
SELECT a.id, a.title, a.summary,
       replace(replace(a.body_text, char(57344), ''), char(57345), ''),
       (SELECT coalesce(group_concat(tag, ' '), '') FROM
          (SELECT tag FROM article_tags WHERE article_id = a.id ORDER BY position))
FROM articles a;
)sql"},
    {"articles: short columns before the bodies", R"sql(
-- The same articles table with its columns in a new order: every short column first,
-- then body_html, then the two columns only writes, dump and scoring read.
--
-- Why: SQLite stores a row's columns in order and keeps only the first part of a long
-- row on its b-tree page; the rest goes to a chain of overflow pages, and reaching a
-- column means reading every overflow page before it (each page holds the pointer to
-- the next). An article row is about 25 KB, six or seven pages. In the first layout
-- author, status, published_at, updated_at, word_count and created_at came after the
-- three bodies, so every listing card, every related link and every article page read
-- the whole chain. Now a card or a related link reads the row's head (its first page,
-- sometimes one overflow page), and the article page reads the head and body_html.
-- The ids stay the same, so articles_fts (keyed by rowid) and every list that refers
-- to an article stay valid. migrate() runs this with foreign keys off, as SQLite's
-- table-rebuild procedure requires, and checks them before it commits.
CREATE TABLE articles_new (
  id            INTEGER PRIMARY KEY,          -- internal key, never shown to readers
  slug          TEXT    NOT NULL UNIQUE,      -- the address: /articles/{slug}
  title         TEXT    NOT NULL,             -- 1 to 300 characters
  summary       TEXT    NOT NULL DEFAULT '',  -- the dek under the title and in lists
  author        TEXT    NOT NULL DEFAULT '',  -- byline
  status        TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
  published_at  TEXT,                         -- ISO 8601 UTC; in the future = scheduled;
                                              -- NULL only for an undated draft
  created_at    TEXT    NOT NULL,             -- ISO 8601 UTC, first written
  updated_at    TEXT    NOT NULL,             -- ISO 8601 UTC, last written
  word_count    INTEGER NOT NULL DEFAULT 0,   -- words in body_text, for the reading time
  tags_text     TEXT    NOT NULL DEFAULT '',  -- the tags in order, joined by spaces: what
                                              -- search indexes, written with the row so
                                              -- that a write re-indexes it once
  body_html     TEXT    NOT NULL DEFAULT '',  -- body_markdown rendered (safe mode) at write
                                              -- time; the article page and feeds print it
  body_markdown TEXT    NOT NULL DEFAULT '',  -- the source, exactly as written
  body_text     TEXT    NOT NULL DEFAULT ''   -- the body as plain text, for scoring and search
) STRICT;
INSERT INTO articles_new (id, slug, title, summary, author, status, published_at, created_at,
                          updated_at, word_count, tags_text, body_html, body_markdown, body_text)
SELECT id, slug, title, summary, author, status, published_at, created_at,
       updated_at, word_count, tags_text, body_html, body_markdown, body_text
FROM articles;
-- Takes its indexes and the search triggers with it.
DROP TABLE articles;
ALTER TABLE articles_new RENAME TO articles;

-- As in migrations 1 and 2.
-- Listings: the newest public articles first.
CREATE INDEX articles_public ON articles (status, published_at DESC, id DESC);
-- Search's public check by id without reading the row (see migration 2).
CREATE INDEX articles_visibility ON articles (id, status, published_at);

-- The search index's triggers, as in migration 2 (see there for why).
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  DELETE FROM articles_fts WHERE rowid = new.id;
  INSERT INTO articles_fts (rowid, title, summary, body, tags)
  VALUES (new.id, new.title, new.summary,
          replace(replace(new.body_text, char(57344), ''), char(57345), ''),
          new.tags_text);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF id, title, summary, body_text, tags_text
ON articles
WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.summary IS NOT new.summary
     OR old.body_text IS NOT new.body_text OR old.tags_text IS NOT new.tags_text
BEGIN
  DELETE FROM articles_fts WHERE rowid = old.id;
  INSERT INTO articles_fts (rowid, title, summary, body, tags)
  VALUES (new.id, new.title, new.summary,
          replace(replace(new.body_text, char(57344), ''), char(57345), ''),
          new.tags_text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  DELETE FROM articles_fts WHERE rowid = old.id;
END;
)sql"},
    {"admin sessions and login failures", R"sql(
-- Signed-in admin sessions (db/sessions.h). The browser holds a random 256-bit token in
-- the gazette_session cookie; only its BLAKE2b-256 hash is stored, so a copy of the
-- database lets nobody sign in. Times are Unix seconds: expiry is arithmetic.
CREATE TABLE sessions (
  token_hash  TEXT    PRIMARY KEY,              -- BLAKE2b-256 of the cookie's token, hex
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL,                 -- sign-in; the absolute expiry counts from it
  last_seen   INTEGER NOT NULL                  -- last request; the idle expiry counts from it
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed sign-ins, for throttling: one row per failure and key, where the key is
-- "user:NAME" (lowercased, existing or not) or "addr:ADDRESS" (the TCP peer). Rows
-- older than the throttling window are deleted as new ones arrive.
CREATE TABLE login_failures (
  key  TEXT    NOT NULL,
  at   INTEGER NOT NULL                         -- Unix seconds
) STRICT;
CREATE INDEX login_failures_by_key ON login_failures (key, at);

-- A number that changes with every write to `articles`, read inside a page's read
-- snapshot (db::content_stamp): a cached listing count (app.h, ListingCounts) is used
-- only by a snapshot with the same number, so a page never shows the count of one
-- state of the site and the articles of another.
CREATE TABLE content_stamp (n INTEGER NOT NULL) STRICT;
INSERT INTO content_stamp (n) VALUES (0);
CREATE TRIGGER articles_stamp_insert AFTER INSERT ON articles BEGIN
  UPDATE content_stamp SET n = n + 1;
END;
CREATE TRIGGER articles_stamp_update AFTER UPDATE ON articles BEGIN
  UPDATE content_stamp SET n = n + 1;
END;
CREATE TRIGGER articles_stamp_delete AFTER DELETE ON articles BEGIN
  UPDATE content_stamp SET n = n + 1;
END;

-- The admin's list (db/editing.cpp, list_all): every article, undated drafts first, then
-- newest first. Without it each page of the list sorted every article.
CREATE INDEX articles_admin ON articles (published_at IS NOT NULL, published_at DESC, id DESC);
)sql"},
    {"related articles by content: term index, statistics, list state", R"sql(
-- The related-articles engine (db/related.h). Each article's term vector: its heaviest
-- Porter-stemmed words by TF-IDF plus one dimension per tag, scaled to unit length.
-- Keyed by term first: the articles sharing a term with an article being written are
-- one index range per term, so a write scores only the articles it can relate to.
CREATE TABLE related_terms (
  term       INTEGER NOT NULL,                -- term_key() of a stem, or of "#" + tag
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  weight     INTEGER NOT NULL,                -- the vector's component x 65536, rounded:
                                              -- integer dot products are exact, so a
                                              -- score never depends on summation order
  PRIMARY KEY (term, article_id)
) STRICT, WITHOUT ROWID;
-- An article's own vector (to rescore its list, to replace it on a write).
CREATE INDEX related_terms_by_article ON related_terms (article_id);

-- Document frequencies as of the last full rebuild (the IDF of every vector). Kept
-- fixed between rebuilds, so that an incremental write gives the lists a rebuild
-- would.
CREATE TABLE related_df (
  term INTEGER PRIMARY KEY,                   -- term_key()
  df   INTEGER NOT NULL                       -- articles containing it
) STRICT;

-- Per article, what keeping its list up to date needs without reading the list.
CREATE TABLE related_state (
  article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  day        INTEGER NOT NULL,                -- published_at in days since 1970 (recency)
  candidate  INTEGER NOT NULL,                -- 1 when published: may enter other lists
  complete   INTEGER NOT NULL,                -- 1 when the list holds every article
                                              -- scoring above the threshold
  gate       REAL    NOT NULL                 -- the least score that may still enter
) STRICT;

-- Settings of the stored lists: 'articles' (how many the statistics were taken over),
-- 'weights' (the weights they were computed with).
CREATE TABLE related_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
-- related.pinned may now be 2: an entry the scoring ranked that is also pinned, kept for
-- the bookkeeping of the list but not shown twice.
)sql"},
    {"related articles: postings in blocks carrying what scoring reads", R"sql(
-- A write scored the new article against every article sharing a term with it: at
-- 100,000 articles of few topics, 60,000 to 80,000 rows of related_terms and then a
-- related_state lookup for each of thousands of candidates, most of a write's time.
-- The postings now come in blocks of up to 1,024 articles per row, each entry carrying
-- what scoring needs (day, candidate, a lower bound of the gate), so that a write reads a
-- few thousand rows and looks up the state only of articles whose list it may enter.
-- Updating one article's entry rewrites one small block per term.
CREATE TABLE related_postings (
  term    INTEGER NOT NULL,                   -- term_key() of a stem, or of "#" + tag
  block   INTEGER NOT NULL,                   -- article_id >> 10
  entries BLOB    NOT NULL,                   -- the articles of the block having the
                                              -- term, in id order, 20 bytes each: five
                                              -- little-endian int32s: article_id & 1023,
                                              -- the vector's component x 65536,
                                              -- related_state.day, .candidate, and at
                                              -- most .gate x 65536 (never above it)
  PRIMARY KEY (term, block)
) STRICT, WITHOUT ROWID;

-- Each article's vector, by article (to replace it on a write, to rescore its list).
CREATE TABLE related_vectors (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  term       INTEGER NOT NULL,                -- term_key(), as in related_postings
  weight     INTEGER NOT NULL,                -- the component x 65536, as before
  PRIMARY KEY (article_id, term)
) STRICT, WITHOUT ROWID;

-- related.rank is now an order key with gaps, no longer 0-based: an entry entering a
-- list takes a rank between its neighbours', so the others keep theirs (and their
-- related_by_related entries). Readers only ever ordered by it.

-- Both are derived: the next write (or serve's start-up) rebuilds them with every list,
-- as it does when the weights change.
DROP TABLE related_terms;
DELETE FROM related_meta;
)sql"},
    {"related lists carry what the sidebar shows; tags readable in order", R"sql(
-- Each entry of a stored related list now carries a copy of what the sidebar shows of
-- the article it points to, and what decides whether it is shown: slug, title,
-- summary, status and published_at.
--
-- Why: an article page read its five sidebar links by joining `related` to `articles`,
-- one row lookup per link, each on a page of its own in a table whose rows are 25 KB.
-- With 100,000 articles that was ten of the page's seventeen file reads, and the
-- sidebar a fifth of an uncached page's time. The copies make it one index range in
-- `related`. They cost some 300 bytes per entry.
--
-- The copies are written with the entry (db/related.cpp) and kept equal by the trigger
-- below whenever one of those columns of the article changes, whatever wrote it.
-- gazette check compares them.
ALTER TABLE related ADD COLUMN slug TEXT NOT NULL DEFAULT '';
ALTER TABLE related ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE related ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE related ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE related ADD COLUMN published_at TEXT;
UPDATE related
SET slug = a.slug, title = a.title, summary = a.summary, status = a.status,
    published_at = a.published_at
FROM articles AS a WHERE a.id = related.related_id;

CREATE TRIGGER related_copies_update
AFTER UPDATE OF slug, title, summary, status, published_at ON articles
WHEN old.slug IS NOT new.slug OR old.title IS NOT new.title
     OR old.summary IS NOT new.summary OR old.status IS NOT new.status
     OR old.published_at IS NOT new.published_at
BEGIN
  UPDATE related
  SET slug = new.slug, title = new.title, summary = new.summary, status = new.status,
      published_at = new.published_at
  WHERE related_id = new.id;
END;

-- An article's tags in their written order without a sort: every article page and
-- listing card reads them so (db/articles.cpp), and the primary key is by tag.
CREATE INDEX article_tags_in_order ON article_tags (article_id, position, tag);
)sql"},
};

}  // namespace

int latest_schema_version() {
  return static_cast<int>(std::size(kMigrations));
}

void migrate(Connection& c) {
  migrate(c, latest_schema_version());
}

void migrate(Connection& c, int target) {
  target = std::min(target, latest_schema_version());
  // Up to date (the usual case): no write lock, so that dump, export and backup never
  // queue behind a busy writer just to learn there is nothing to do.
  if (c.query_int("PRAGMA user_version").value_or(0) >= target) return;
  // A migration may rebuild a table (migration 3): with foreign keys on, dropping the old
  // table would cascade to every row that refers to it. The pragma is a no-op inside a
  // transaction, so it is switched here, restored on every way out, and each migration
  // checks the keys itself before it commits.
  const bool foreign_keys = c.query_int("PRAGMA foreign_keys").value_or(0) != 0;
  struct RestoreForeignKeys {
    Connection& c;
    bool on;
    ~RestoreForeignKeys() {
      if (on) sqlite3_exec(c.handle(), "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
    }
  } restore{c, foreign_keys};
  if (foreign_keys) c.exec("PRAGMA foreign_keys = OFF");
  for (;;) {
    Transaction tx(c);
    // Read inside the transaction: another process may have migrated meanwhile.
    int version = static_cast<int>(c.query_int("PRAGMA user_version").value_or(0));
    if (version >= target) return;  // the destructor ends the transaction
    c.exec(kMigrations[version].sql);
    if (version == 0) c.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    if (c.query_int("SELECT count(*) FROM pragma_foreign_key_check").value_or(0) != 0) {
      throw Error(SQLITE_CONSTRAINT_FOREIGNKEY,
                  std::string("migration ") + std::to_string(version + 1) + " (" +
                      kMigrations[version].description + ") broke a foreign key");
    }
    c.exec("PRAGMA user_version = " + std::to_string(version + 1));
    tx.commit();
  }
}

}  // namespace gazette::db
