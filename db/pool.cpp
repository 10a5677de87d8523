// The connection pool (see pool.h).
#include "db/pool.h"

#include "db/database.h"

#include <algorithm>
#include <thread>

namespace gazette::db {

std::size_t Pool::default_max_connections() {
  return std::max<std::size_t>(16, 4 * std::thread::hardware_concurrency());
}

Pool::Lease Pool::acquire() {
  {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [this] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
    ++open_;  // a place for the connection opened below
  }
  return open_new();
}

std::optional<Pool::Lease> Pool::try_acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
    if (open_ >= max_) return std::nullopt;
    ++open_;
  }
  return open_new();
}

Pool::Lease Pool::open_new() {
  try {
    auto c = std::make_unique<Connection>(path_, OpenMode::read_write);
    configure_connection(*c);
    // 512 KiB of page cache each instead of SQLite's 2 MiB: the server renders from the
    // operating system's file cache about as fast (16 connections of 512 KiB measured
    // no slower than 16 of 1 MiB, 8 of 2 MiB no faster than 8 of 1 MiB), and full-size
    // caches would be a third of the server's memory.
    c->exec("PRAGMA cache_size = -512");
    return Lease(*this, std::move(c));
  } catch (...) {
    std::lock_guard lock(mutex_);
    --open_;
    returned_.notify_one();
    throw;
  }
}

void Pool::give_back(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mutex_);
  // A connection left inside a transaction (an exception between BEGIN and COMMIT that
  // escaped every guard) must not serve the next request half-way through it: it is
  // closed, and its place freed.
  if (!sqlite3_get_autocommit(c->handle())) {
    --open_;
    c.reset();
  } else {
    idle_.push_back(std::move(c));
  }
  returned_.notify_one();
}

}  // namespace gazette::db
