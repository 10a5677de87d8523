// Opening and checking a database file (see database.h).
#include "db/database.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "db/schema.h"

namespace gazette::db {

namespace {

// What a SQLite error means for this file, in words a user can act on: describe(), with
// what to do about the two a user can only fix from outside.
std::string explain(const std::string& path, const Error& e) {
  std::string out = path + ": " + describe(e);
  if (e.primary_code() == SQLITE_NOTADB) out += " (is --db pointing at the right file?)";
  if (e.primary_code() == SQLITE_CORRUPT) out += "; restore it from a backup";
  return out;
}

}  // namespace

bool is_unavailable(const Error& e) {
  switch (e.primary_code()) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
      return true;
    default:
      return false;
  }
}

std::string describe(const Error& e) {
  switch (e.primary_code()) {
    case SQLITE_NOTADB:
      return "not a SQLite database";
    case SQLITE_CORRUPT:
      return std::string("the database file is corrupt (") + e.what() + ")";
    case SQLITE_READONLY:
      return "the database is read-only; Gazette needs to write to it";
    case SQLITE_CANTOPEN:
      return "cannot open the database file (check that its directory exists and is writable)";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "the database is locked by another process";
    case SQLITE_FULL:
      return "the disk is full";
    case SQLITE_IOERR:
      // SQLite's message is "disk I/O error" whatever failed; its extended code says what.
      switch (e.code()) {
        case SQLITE_IOERR_WRITE:
        case SQLITE_IOERR_TRUNCATE:
          return std::string("the storage refuses writes (") + e.what() +
                 "; is the file system read-only, full or failing?)";
        case SQLITE_IOERR_FSYNC:
        case SQLITE_IOERR_DIR_FSYNC:
          return std::string("the storage cannot flush writes to disk (") + e.what() + ")";
        case SQLITE_IOERR_READ:
        case SQLITE_IOERR_SHORT_READ:
          return std::string("the storage cannot be read (") + e.what() + ")";
        default:
          return std::string("the storage failed (") + e.what() + ", SQLite code " +
                 std::to_string(e.code()) + ")";
      }
    default:
      return e.what();
  }
}

void configure_connection(Connection& c) {
  c.exec(
      "PRAGMA foreign_keys = ON;"
      "PRAGMA busy_timeout = 5000;"
      "PRAGMA synchronous = FULL;");
}

OpenedDatabase open_database(const std::string& path) {
  struct stat st {};
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode))
    throw OpenError(path + ": is a directory, not a database file");
  if (exists && ::access(path.c_str(), R_OK | W_OK) != 0) {
    throw OpenError(path + ": the database file is not readable and writable by this user (" +
                    std::strerror(errno) + ")");
  }
  if (!exists && errno != ENOENT) {
    throw OpenError(path + ": cannot use this path (" + std::string(std::strerror(errno)) + ")");
  }
  // SQLite keeps the -wal and -shm files beside the database and creates them on open: a
  // folder this user may not write fails there, with a message about the file.
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  if (::access(folder.c_str(), F_OK) == 0 && ::access(folder.c_str(), W_OK | X_OK) != 0) {
    throw OpenError(path + ": its folder " + folder +
                    " is not writable by this user (SQLite keeps its -wal and -shm files "
                    "beside the database)");
  }

  OpenedDatabase out;
  try {
    out.connection = std::make_unique<Connection>(
        path, exists ? OpenMode::read_write : OpenMode::read_write_create);
    Connection& c = *out.connection;
    if (c.is_read_only()) throw Error(SQLITE_READONLY, "read-only");

    // Read-only probes first: a foreign or newer file must not be touched.
    int app_id = static_cast<int>(c.query_int("PRAGMA application_id").value_or(0));
    int version = static_cast<int>(c.query_int("PRAGMA user_version").value_or(0));
    auto objects = c.query_int("SELECT count(*) FROM sqlite_schema").value_or(0);
    if (app_id != kApplicationId) {
      if (app_id != 0 || objects != 0 || version != 0) {
        throw OpenError(path +
                        ": a SQLite database, but not a Gazette database; refusing to "
                        "change it");
      }
      out.created = true;  // a new or empty file: ours to initialise
    }
    if (version > latest_schema_version()) {
      throw OpenError(path + ": schema version " + std::to_string(version) +
                      " is newer than this gazette supports (" +
                      std::to_string(latest_schema_version()) + "); use a newer gazette");
    }
    // Touching every page of the articles index finds most corruption now, at start-up,
    // rather than on a reader's request.
    if (!out.created) c.query_int("SELECT count(*) FROM articles");

    c.exec("PRAGMA journal_mode = WAL");
    configure_connection(c);
    migrate(c);
  } catch (const Error& e) {
    out.connection.reset();
    if (!exists) {
      // Don't leave an empty or half-initialised file behind.
      ::unlink(path.c_str());
      ::unlink((path + "-wal").c_str());
      ::unlink((path + "-shm").c_str());
    }
    throw OpenError(explain(path, e));
  } catch (const OpenError&) {
    out.connection.reset();
    throw;
  }
  return out;
}

}  // namespace gazette::db
