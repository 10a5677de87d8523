// Outages of the storage, logged once each (see storage_health.h).
#include "app/storage_health.h"

#include <spdlog/spdlog.h>

#include "app/http_guard.h"
#include "db/database.h"

namespace gazette {

void StorageHealth::failed(const db::Error& e, std::string_view what) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  bool news = code_ != e.primary_code() || now - last_ > kQuietGap;
  last_ = now;
  if (!news) {
    ++failures_;
    spdlog::debug("{}: storage still unavailable: {}", loggable(what), db::describe(e));
    return;
  }
  code_ = e.primary_code();
  began_ = now;
  failures_ = 1;
  spdlog::error(
      "storage unavailable: {} (first failed request: {}); requests that need it get 503 "
      "until it recovers, logged once",
      db::describe(e), loggable(what));
}

void StorageHealth::wrote() {
  std::lock_guard lock(mutex_);
  if (code_ == 0) return;
  std::chrono::duration<double> lasted = std::chrono::steady_clock::now() - began_;
  spdlog::info("storage recovered: writes succeed again after {:.0f} s and {} failed request{}",
               lasted.count(), failures_, failures_ == 1 ? "" : "s");
  code_ = 0;
  failures_ = 0;
}

}  // namespace gazette
