// The database schema: an ordered list of migrations under PRAGMA user_version.
#pragma once

#include "db/sqlite.h"

namespace gazette::db {

// PRAGMA application_id of every Gazette database ("Gazt"), so that another program's
// SQLite file is recognised and refused rather than written to.
inline constexpr int kApplicationId = 0x47617a74;

// The schema version this binary writes: the number of migrations it knows.
int latest_schema_version();

// Brings the schema of `c` forward to latest_schema_version(). Each migration and its
// user_version bump run in one IMMEDIATE transaction, so a crash leaves the file at the
// old or the new version, never between. Throws db::Error on failure; the caller has
// already refused files newer than this binary. Foreign keys are off while it migrates
// (a migration may rebuild a table) and checked before each commit.
void migrate(Connection& c);

// The same, stopping at schema version `version` (at most latest_schema_version()): for
// tests that need a database as an older Gazette left it.
void migrate(Connection& c, int version);

}  // namespace gazette::db
