// What the server knows of its storage: whether writes fail (disk full, a read-only or
// failing disk, a lock held by another process) and since when. A failing disk fails
// every request that writes, and a log line per request would bury the cause; this
// logs the first failure of an outage with its cause, counts the rest, and logs the
// recovery with the count.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "db/sqlite.h"

namespace gazette {

class StorageHealth {
 public:
  // A request (`what`: method and path) failed with `e`, an error for which
  // db::is_unavailable is true. Logs an error line when this starts an outage: the first
  // failure, a failure with another cause, or one after kQuietGap without failures.
  void failed(const db::Error& e, std::string_view what);
  // A write was committed: ends the outage, if any, with an info line.
  void wrote();

  // After this long without a failure, a new failure is news again even with no write in
  // between to say the last outage ended (a site nobody edits).
  static constexpr std::chrono::minutes kQuietGap{5};

 private:
  std::mutex mutex_;
  // The current outage, guarded by mutex_: its SQLite primary code (0 when none), when
  // it began and last failed, and how many requests it failed.
  int code_ = 0;
  std::chrono::steady_clock::time_point began_;
  std::chrono::steady_clock::time_point last_;
  std::int64_t failures_ = 0;
};

}  // namespace gazette
