// The application context: everything a request needs, built once at start-up and
// passed by reference. Immutable after start-up except the parts that say they are
// thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/config.h"
#include "app/content_version.h"
#include "app/passwords.h"
#include "app/storage_health.h"
#include "db/articles.h"
#include "db/pool.h"
#include "handlers/page_cache.h"
#include "views/assets.h"
#include "views/views.h"

namespace gazette {

// The header navigation's tags: a GROUP BY over every tag is too costly per page view,
// so it is computed once per content generation (which also changes when a scheduled
// article becomes public). Thread-safe.
class NavTagsCache {
 public:
  // The tags as of `now`, recomputed when the content generation changed.
  std::vector<db::TagCount> get(db::Connection& c, const std::string& now,
                                std::uint64_t generation);
  // The tags as last computed (none before the first get), without the database.
  std::vector<db::TagCount> last();

 private:
  std::mutex mutex_;
  std::uint64_t computed_generation_ = 0;
  std::vector<db::TagCount> tags_;
};

// The layout's template data that every public page shows alike (site, assets, nav_tags,
// year: handlers/page.h, layout_context), built once per content generation and year
// and shared, read-only, by every render meanwhile: some twenty entries a page no
// longer builds and frees. Thread-safe.
class SharedLayout {
 public:
  // The data for `generation` and `year`, made by `build` when those changed.
  std::shared_ptr<const TemplateData> get(std::uint64_t generation, std::string_view year,
                                          const std::function<TemplateData()>& build);

 private:
  std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::string year_;
  std::shared_ptr<const TemplateData> data_;
};

// How many public articles the home listing ("") and each tag's listing have, per
// content generation, so that paginating a listing counts it once. Each count carries
// the content stamp (db::content_stamp) of the snapshot that counted it and is given
// only to a snapshot with the same stamp: the generation moves on just after a write
// commits, and a page rendered in between must not pair its own articles with another
// state's count. Thread-safe.
class ListingCounts {
 public:
  std::optional<std::int64_t> find(const std::string& tag, std::uint64_t generation,
                                   std::int64_t stamp);
  void store(const std::string& tag, std::uint64_t generation, std::int64_t stamp,
             std::int64_t total);

 private:
  struct Count {
    std::int64_t stamp;
    std::int64_t total;
  };
  static constexpr std::size_t kMaxEntries = 10'000;  // tags; beyond it, start again
  std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::unordered_map<std::string, Count> totals_;
};

struct App {
  App(Config cfg, const std::string& db_path)
      : config(std::move(cfg)),
        views(config.theme),
        assets(config.theme),
        pool(db_path),
        version(db_path),
        pages(static_cast<std::size_t>(config.cache_mb) << 20),
        public_cache_control("public, max-age=" + std::to_string(config.max_age)),
        passwords(std::max(1u, std::thread::hardware_concurrency())) {}

  const Config config;
  const Views views;
  const Assets assets;
  db::Pool pool;           // thread-safe
  NavTagsCache nav;        // thread-safe
  SharedLayout layout;     // thread-safe
  ListingCounts counts;    // thread-safe
  ContentVersion version;  // thread-safe
  PageCache pages;         // thread-safe
  // Cache-Control of public pages (--max-age).
  const std::string public_cache_control;
  // Sign-in password checks, a few at a time.
  PasswordChecker passwords;  // thread-safe
  // Outages of the storage, logged once each.
  StorageHealth storage;  // thread-safe
  // The current time as ISO 8601 UTC; what "now" means for scheduled articles.
  std::function<std::string()> now;

  // The content generation as of now (see ContentVersion::current).
  std::uint64_t content_generation() { return version.current(now); }
};

}  // namespace gazette
