// Test support for the store: a fresh, migrated in-memory Gazette database.
#pragma once

#include <memory>

#include "db/database.h"
#include "db/schema.h"
#include "db/sqlite.h"

namespace gazette::test {

// An in-memory database with the connection settings and schema of a real one.
inline std::unique_ptr<db::Connection> memory_db() {
  auto c = std::make_unique<db::Connection>(":memory:", db::OpenMode::read_write_create);
  db::configure_connection(*c);
  db::migrate(*c);
  return c;
}

}  // namespace gazette::test
