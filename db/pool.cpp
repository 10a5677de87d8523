// The connection pool (see pool.h).
#include "db/pool.h"

#include "db/database.h"

namespace gazette::db {

Pool::Lease Pool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  auto c = std::make_unique<Connection>(path_, OpenMode::read_write);
  configure_connection(*c);
  return Lease(*this, std::move(c));
}

void Pool::give_back(std::unique_ptr<Connection> c) {
  // A connection left inside a transaction (an exception between BEGIN and COMMIT that
  // escaped every guard) must not serve the next request half-way through it.
  if (!sqlite3_get_autocommit(c->handle())) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(c));
}

}  // namespace gazette::db
