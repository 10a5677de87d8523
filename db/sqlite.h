// Thin RAII types over the SQLite C API: a connection, a prepared statement, a
// transaction. Every handle is released by its destructor; every failing return code
// becomes a db::Error carrying SQLite's extended code and message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gazette::db {

// A failed SQLite call. `code()` is the extended result code (SQLITE_BUSY, SQLITE_FULL...)
// so callers can tell a locked or full database from a bug.
class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }
  int primary_code() const { return code_ & 0xff; }

 private:
  int code_;
};

class Connection;

// Turns SQLite's memory statistics off for the process. They are on by default, and then
// every SQLite allocation takes one global mutex, on which threads rendering pages at
// once queue; Gazette never reads them. Must come before the first connection opens
// (afterwards SQLite refuses the change and this does nothing).
void disable_memory_statistics();

// A prepared statement. Compiled in its constructor, finalized in its destructor;
// movable, not copyable, never shared between threads (it belongs to one Connection).
// Parameters are 1-based as in SQLite; columns 0-based.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Binding. Text is copied by SQLite (SQLITE_TRANSIENT), so temporaries are fine.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  // A BLOB: the bytes of `bytes`, copied by SQLite as text is.
  Statement& bind_blob(int index, std::string_view bytes);

  // Binds every argument in order from parameter 1.
  template <typename... Args>
  Statement& bind_all(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  // Advances to the next row: true when a row is there, false when done.
  bool step();
  // Runs a statement that returns no rows (or whose rows don't matter).
  void run();
  // Makes the statement ready to run again, with bindings cleared.
  void reset();

  std::string text(int column) const;
  std::string_view text_view(int column) const;  // valid until the next step/reset
  std::string_view blob_view(int column) const;  // the bytes of a BLOB, as text_view
  std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  int integer(int column) const { return sqlite3_column_int(stmt_, column); }
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  [[noreturn]] void fail(int rc) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a cached statement when the caller's scope ends, so that a half-read statement
// never holds a read transaction open (which would stop WAL checkpoints) and the next
// user finds it clean.
class StatementUse {
 public:
  explicit StatementUse(Statement& s) : s_(s) {}
  ~StatementUse() { s_.reset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  Statement* operator->() { return &s_; }
  Statement& operator*() { return s_; }

 private:
  Statement& s_;
};

// How to open a database file.
enum class OpenMode {
  read_write,         // the file must exist
  read_write_create,  // created when missing
  read_only,
};

// One SQLite connection. Closed in the destructor. Holds a cache of prepared statements
// keyed by their SQL text, so each statement is compiled once per connection. A
// Connection is used by one thread at a time (the Pool hands it out).
class Connection {
 public:
  Connection(const std::string& path, OpenMode mode);
  Connection(Connection&&) = delete;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements that return nothing (schema, pragmas).
  void exec(std::string_view sql);
  // A fresh statement (not cached): for one-off SQL.
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  // The cached statement for `sql`, compiled on first use. Use it through StatementUse.
  Statement& cached(const std::string& sql);
  // Convenience for single-value queries: the first column of the first row, if any.
  std::optional<std::int64_t> query_int(std::string_view sql);

  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  bool is_read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  // Hashes an SQL text by its length and its two ends, where one connection's
  // statements differ: hashing texts of hundreds of bytes whole, on every query, cost
  // more than some of the queries. Equal hashes are told apart by the full text.
  struct SqlTextHash {
    std::size_t operator()(const std::string& sql) const;
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlTextHash> cache_;
};

// A read snapshot: every query from the first one to the destructor sees the database
// as of that first query, whatever other connections commit meanwhile (WAL). A page
// that makes several queries (a listing and its count, an article and its sidebar)
// then never mixes two states of the site.
class ReadTransaction {
 public:
  // BEGIN and its ROLLBACK are statements cached on the connection: parsing them anew
  // took longer than an article page's own queries.
  explicit ReadTransaction(Connection& c);
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  Connection& c_;
};

// A write transaction: BEGIN IMMEDIATE in the constructor (so the write lock is taken
// up front and busy_timeout applies there, not at a later upgrade that could deadlock),
// ROLLBACK in the destructor unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& c);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& c_;
  bool done_ = false;
};

}  // namespace gazette::db
