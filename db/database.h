// Opening a Gazette database file: the checks that turn a wrong file into one clear
// line instead of a crash or a write, then the pragmas and migrations.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "db/sqlite.h"

namespace gazette::db {

// A database that cannot be used, with a one-line message for the user that names the
// file and what is wrong with it.
class OpenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OpenedDatabase {
  std::unique_ptr<Connection> connection;
  bool created = false;  // true when this call created the file (or it was empty)
};

// Opens `path`, creating an empty Gazette database when the file is missing, checks that
// it is a Gazette database this binary can use, applies the connection pragmas and
// migrates it forward. Nothing is written to a file that fails a check.
// Throws OpenError.
OpenedDatabase open_database(const std::string& path);

// True for the errors a store reports when it is full, locked, unwritable or failing
// (SQLITE_BUSY, LOCKED, FULL, IOERR, READONLY, CANTOPEN): the site is unavailable for a
// while, not broken, and the request gets a 503.
bool is_unavailable(const Error& e);

// What `e` means, in words a user can act on ("the disk is full"), without a file name.
std::string describe(const Error& e);

// Applies the per-connection settings every connection uses (foreign keys, busy
// timeout, synchronous=FULL so that a write acknowledged to a user survives power loss).
void configure_connection(Connection& c);

}  // namespace gazette::db
