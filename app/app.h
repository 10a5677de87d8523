// The application context: everything a request needs, built once at start-up and
// passed by reference. Immutable after start-up except the parts that say they are
// thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "app/config.h"
#include "db/articles.h"
#include "db/pool.h"
#include "views/assets.h"
#include "views/views.h"

namespace gazette {

// The header navigation's tags: a GROUP BY over every tag is too costly per page view,
// so it is computed at most once a minute. Thread-safe.
class NavTagsCache {
 public:
  // The tags as of `now`, recomputed when the minute or the content generation changed.
  std::vector<db::TagCount> get(db::Connection& c, const std::string& now,
                                std::uint64_t generation);

 private:
  std::mutex mutex_;
  std::string computed_minute_;  // "YYYY-MM-DDTHH:MM" of the last computation
  std::uint64_t computed_generation_ = 0;
  std::vector<db::TagCount> tags_;
};

struct App {
  App(Config cfg, const std::string& db_path)
      : config(std::move(cfg)), views(config.theme), assets(config.theme), pool(db_path) {}

  const Config config;
  const Views views;
  const Assets assets;
  db::Pool pool;     // thread-safe
  NavTagsCache nav;  // thread-safe
  // Bumped by every write this process makes, so caches know their content is old.
  std::atomic<std::uint64_t> generation{1};
  // The current time as ISO 8601 UTC; what "now" means for scheduled articles.
  std::function<std::string()> now;
};

}  // namespace gazette
