// The connection pool (see pool.h).
#include "db/pool.h"

#include "db/database.h"

#include <algorithm>
#include <thread>

namespace gazette::db {

std::size_t Pool::default_max_connections() {
  return std::max<std::size_t>(8, 2 * std::thread::hardware_concurrency());
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
    // 1 MiB of page cache each instead of SQLite's 2: the server renders from the
    // operating system's file cache just as fast, and eight connections' caches were a
    // fifth of the server's memory.
    c->exec("PRAGMA cache_size = -1024");
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
