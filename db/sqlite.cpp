// Implementation of the RAII SQLite types (see sqlite.h).
#include "db/sqlite.h"

#include <cstring>
#include <functional>

namespace gazette::db {

namespace {

std::string describe(sqlite3* db, int rc) {
  const char* msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return msg ? msg : sqlite3_errstr(rc);
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    int code = sqlite3_extended_errcode(db);
    throw Error(code ? code : rc, describe(db, rc));
  }
}

void Statement::fail(int rc) const {
  int code = sqlite3_extended_errcode(db_);
  throw Error(code ? code : rc, describe(db_, rc));
}

Statement& Statement::bind(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  // A null pointer would bind NULL, not an empty BLOB.
  const char* data = bytes.data() ? bytes.data() : "";
  int rc = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(rc);
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
  return std::string(text_view(column));
}

std::string_view Statement::text_view(int column) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string_view Statement::blob_view(int column) const {
  // The pointer first: sqlite3_column_bytes after it does not convert the value again.
  auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

void disable_memory_statistics() {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

Connection::Connection(const std::string& path, OpenMode mode) : path_(path) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  switch (mode) {
    case OpenMode::read_write:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case OpenMode::read_write_create:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case OpenMode::read_only:
      flags |= SQLITE_OPEN_READONLY;
      break;
  }
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = describe(db_, rc);
    int code = db_ ? sqlite3_extended_errcode(db_) : rc;
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw Error(code, msg);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close_v2(db_);
}

void Connection::exec(std::string_view sql) {
  std::string copy(sql);  // sqlite3_exec needs a NUL-terminated string
  char* err = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : describe(db_, rc);
    sqlite3_free(err);
    int code = sqlite3_extended_errcode(db_);
    throw Error(code ? code : rc, msg);
  }
}

std::size_t Connection::SqlTextHash::operator()(const std::string& sql) const {
  constexpr std::size_t kEnd = 24;
  std::string_view text = sql;
  if (text.size() <= 2 * kEnd) return std::hash<std::string_view>{}(text);
  char ends[2 * kEnd];
  std::memcpy(ends, text.data(), kEnd);
  std::memcpy(ends + kEnd, text.data() + text.size() - kEnd, kEnd);
  return std::hash<std::string_view>{}(std::string_view(ends, sizeof ends)) ^ text.size();
}

Statement& Connection::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return *it->second;
  auto stmt = std::make_unique<Statement>(db_, sql);
  return *cache_.emplace(sql, std::move(stmt)).first->second;
}

std::optional<std::int64_t> Connection::query_int(std::string_view sql) {
  Statement s(db_, sql);
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return s.int64(0);
}

namespace {
const std::string kBegin = "BEGIN";
const std::string kRollback = "ROLLBACK";
}  // namespace

ReadTransaction::ReadTransaction(Connection& c) : c_(c) {
  StatementUse begin(c_.cached(kBegin));
  begin->run();
}

ReadTransaction::~ReadTransaction() {
  // Nothing was written, so there is nothing to keep: ending it either way is the same,
  // and an error here (the transaction already ended) changes nothing.
  if (sqlite3_get_autocommit(c_.handle())) return;
  try {
    StatementUse rollback(c_.cached(kRollback));
    rollback->run();
  } catch (const std::exception&) {
    sqlite3_exec(c_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Transaction::Transaction(Connection& c) : c_(c) {
  c_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (done_) return;
  // A failed ROLLBACK (the transaction was already rolled back by SQLite after an
  // I/O error) leaves nothing to undo, so its error is deliberately dropped.
  sqlite3_exec(c_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  c_.exec("COMMIT");
  done_ = true;
}

}  // namespace gazette::db
