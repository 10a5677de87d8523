// The connection pool: bounded, waits for a connection to come back, never blocks in
// try_acquire.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "db/database.h"
#include "db/pool.h"
#include "tests/process_support.h"

using namespace gazette;
using gazette::test::TempDir;

TEST_CASE("the pool opens at most its maximum and hands connections back",
          "[db][pool][concurrency]") {
  TempDir dir;
  std::string path = dir / "pool.db";
  db::open_database(path);  // creates and migrates
  db::Pool pool(path, 2);

  auto a = pool.acquire();
  auto b = pool.acquire();
  CHECK(a->handle() != b->handle());
  CHECK_FALSE(pool.try_acquire().has_value());

  // A third acquire waits until one comes back.
  std::promise<void> started;
  auto third = std::async(std::launch::async, [&] {
    started.set_value();
    auto c = pool.acquire();
    return c->query_int("SELECT 1").value_or(0);
  });
  started.get_future().wait();
  CHECK(third.wait_for(std::chrono::milliseconds(0)) == std::future_status::timeout);
  sqlite3* returned = a->handle();
  { auto gone = std::move(a); }
  REQUIRE(third.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK(third.get() == 1);

  // The returned connection is reused, not a new one opened.
  auto again = pool.try_acquire();
  REQUIRE(again.has_value());
  CHECK((*again)->handle() == returned);
}

TEST_CASE("a connection left in a transaction is closed, and its place freed",
          "[db][pool][concurrency]") {
  TempDir dir;
  std::string path = dir / "pool.db";
  db::open_database(path);
  db::Pool pool(path, 1);
  {
    auto c = pool.acquire();
    c->exec("BEGIN");
  }
  auto next = pool.try_acquire();
  REQUIRE(next.has_value());
  CHECK(sqlite3_get_autocommit((*next)->handle()) != 0);
}
