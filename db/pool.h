// A small pool of SQLite connections for the server's worker threads: a connection is
// used by one thread at a time, keeps its prepared statements, and goes back to the
// pool after the request.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/sqlite.h"

namespace gazette::db {

class Pool {
 public:
  // `path` must already be an open-checked, migrated Gazette database (open_database).
  explicit Pool(std::string path) : path_(std::move(path)) {}
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

  // An idle connection, or a new one when all are in use (the number of connections is
  // bounded by the number of threads asking at once).
  Lease acquire();

  const std::string& path() const { return path_; }

 private:
  void give_back(std::unique_ptr<Connection> c);

  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace gazette::db
