// The content generation (see content_version.h).
#include "app/content_version.h"

#include <chrono>

namespace gazette {

namespace {

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ContentVersion::ContentVersion(const std::string& db_path)
    : watch_(std::make_unique<db::Connection>(db_path, db::OpenMode::read_only)) {
  data_version_ = watch_->query_int("PRAGMA data_version").value_or(0);
}

std::uint64_t ContentVersion::current(const std::function<std::string()>& now) {
  std::int64_t t = steady_ns();
  if (t >= next_check_ns_.load(std::memory_order_relaxed)) {
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (lock.owns_lock()) {
      next_check_ns_.store(t + kCheckIntervalNs, std::memory_order_relaxed);
      if (changed_since_last_check(now(), false)) generation_.fetch_add(1);
    }
  }
  return generation_.load();
}

void ContentVersion::bump(const std::function<std::string()>& now) {
  std::lock_guard lock(mutex_);
  changed_since_last_check(now(), true);
  generation_.fetch_add(1);
}

bool ContentVersion::changed_since_last_check(const std::string& now, bool force) {
  // data_version changes when any other connection (this process's pool included)
  // committed since this connection last asked.
  std::int64_t v = 0;
  {
    db::StatementUse version(watch_->cached("PRAGMA data_version"));
    if (version->step()) v = version->int64(0);
  }
  bool wrote = v != data_version_;
  bool published = !next_publication_.empty() && now >= next_publication_;
  bool first = !schedule_known_;
  if (!wrote && !published && !force && !first) return false;
  data_version_ = v;
  schedule_known_ = true;
  db::StatementUse next(watch_->cached(
      "SELECT min(published_at) FROM articles WHERE status = 'published' AND published_at > ?"));
  next->bind_all(now);
  next_publication_ = next->step() && !next->is_null(0) ? next->text(0) : std::string();
  return wrote || published || force;
}

}  // namespace gazette
