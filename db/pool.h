// A small pool of SQLite connections for the server's worker threads: a connection is
// used by one thread at a time, keeps its prepared statements, and goes back to the
// pool after the request.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.h"

namespace gazette::db {

class Pool {
 public:
  // `path` must already be an open-checked, migrated Gazette database (open_database).
  // At most `max_connections` are open at once: SQLite reads are CPU-bound, so more than
  // a few per core only add memory (each keeps its own page cache), while the server
  // may have hundreds of threads, one per open HTTP connection.
  explicit Pool(std::string path, std::size_t max_connections = default_max_connections())
      : path_(std::move(path)), max_(max_connections < 1 ? 1 : max_connections) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection on loan; returned to the pool when the Lease is destroyed.
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> c) : pool_(&pool), c_(std::move(c)) {}
    Lease(Lease&& o) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (c_) pool_->give_back(std::move(c_));
    }
    Connection& operator*() { return *c_; }
    Connection* operator->() { return c_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> c_;
  };

  // An idle connection, or a new one when all are in use and fewer than the maximum are
  // open; else waits for one to come back.
  Lease acquire();
  // A connection only if one is idle or may be opened now; never waits. For code that
  // may already hold one (the error page, rendered inside any handler): waiting there
  // could deadlock once every connection is held by a thread waiting for a second.
  std::optional<Lease> try_acquire();

  // Four per core, at least 16. Fewer make threads wait: with 32 clients rendering
  // uncached article pages on 2 cores, 16 connections served 10% more pages than 8
  // (alternating runs, 18,000-19,400 against 14,900-17,300 req/s; each thread that
  // waits is one more sleep and wake-up). Each connection keeps at most 512 KiB of
  // pages, so the sixteen hold what eight of 1 MiB held before.
  static std::size_t default_max_connections();

  const std::string& path() const { return path_; }

 private:
  void give_back(std::unique_ptr<Connection> c);
  // Opens a connection in a place already counted in open_.
  Lease open_new();

  std::string path_;
  std::size_t max_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::size_t open_ = 0;  // guarded by mutex_
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace gazette::db
