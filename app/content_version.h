// The content generation: a number that changes whenever what the public site shows may
// have changed, so that caches of rendered pages know when they are old.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "db/sqlite.h"

namespace gazette {

class ContentVersion {
 public:
  // Watches the database at `db_path` (an open-checked Gazette database).
  explicit ContentVersion(const std::string& db_path);

  // The generation as of now. It changes when
  // - this process wrote (bump), seen by the very next call;
  // - another connection or process committed (`gazette import` into a running site),
  //   seen within kCheckInterval;
  // - a scheduled article's publication time passed, seen within kCheckInterval.
  // Thread-safe and cheap: two atomic loads, and a database check at most once per
  // interval, by whichever thread comes first (the others do not wait for it).
  std::uint64_t current(const std::function<std::string()>& now);

  // To be called after this process commits a write: the next current() is newer.
  void bump(const std::function<std::string()>& now);

  // How often the database is asked whether another connection wrote. PRAGMA
  // data_version costs ~3 µs; once a millisecond is 0.3% of a core.
  static constexpr std::int64_t kCheckIntervalNs = 1'000'000;

 private:
  // Asks the database; requires mutex_. Returns true when the content changed.
  bool changed_since_last_check(const std::string& now, bool force);

  std::atomic<std::uint64_t> generation_{1};
  std::atomic<std::int64_t> next_check_ns_{0};  // steady clock
  std::mutex mutex_;
  std::unique_ptr<db::Connection> watch_;  // guarded by mutex_
  std::int64_t data_version_ = -1;         // guarded by mutex_
  std::string next_publication_;           // earliest future published_at; "" none; mutex_
  bool schedule_known_ = false;            // next_publication_ computed at least once; mutex_
};

}  // namespace gazette
