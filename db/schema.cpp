// Migrations. Append new ones at the end of kMigrations; never edit a released one
// (files in the field have already run it). Every column says what it holds.
#include "db/schema.h"

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
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  tag        TEXT    NOT NULL,                -- lowercase, 1 to 50 characters
  position   INTEGER NOT NULL,                -- 0-based order as written
  PRIMARY KEY (article_id, tag)
) STRICT, WITHOUT ROWID;
-- Tag pages and shared-tag scoring.
CREATE INDEX article_tags_by_tag ON article_tags (tag, article_id);

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
};

}  // namespace

int latest_schema_version() {
  return static_cast<int>(std::size(kMigrations));
}

void migrate(Connection& c) {
  // Up to date (the usual case): no write lock, so that dump, export and backup never
  // queue behind a busy writer just to learn there is nothing to do.
  if (c.query_int("PRAGMA user_version").value_or(0) >= latest_schema_version()) return;
  for (;;) {
    Transaction tx(c);
    // Read inside the transaction: another process may have migrated meanwhile.
    int version = static_cast<int>(c.query_int("PRAGMA user_version").value_or(0));
    if (version >= latest_schema_version()) return;  // the destructor ends the transaction
    c.exec(kMigrations[version].sql);
    if (version == 0) c.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    c.exec("PRAGMA user_version = " + std::to_string(version + 1));
    tx.commit();
  }
}

}  // namespace gazette::db
