// The parts of the App context that have code (see app.h).
#include "app/app.h"

namespace gazette {

std::vector<db::TagCount> NavTagsCache::get(db::Connection& c, const std::string& now,
                                            std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation != computed_generation_) {
    tags_ = db::top_tags(c, now, 6);
    computed_generation_ = generation;
  }
  return tags_;
}

std::shared_ptr<const TemplateData> SharedLayout::get(std::uint64_t generation,
                                                      std::string_view year,
                                                      const std::function<TemplateData()>& build) {
  std::lock_guard lock(mutex_);
  if (!data_ || generation != generation_ || year != year_) {
    data_ = std::make_shared<const TemplateData>(build());
    generation_ = generation;
    year_ = year;
  }
  return data_;
}

std::vector<db::TagCount> NavTagsCache::last() {
  std::lock_guard lock(mutex_);
  return tags_;
}

std::optional<std::int64_t> ListingCounts::find(const std::string& tag, std::uint64_t generation,
                                                std::int64_t stamp) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return std::nullopt;
  auto it = totals_.find(tag);
  if (it == totals_.end() || it->second.stamp != stamp) return std::nullopt;
  return it->second.total;
}

void ListingCounts::store(const std::string& tag, std::uint64_t generation, std::int64_t stamp,
                          std::int64_t total) {
  std::lock_guard lock(mutex_);
  if (generation < generation_) return;
  if (generation > generation_ || totals_.size() >= kMaxEntries) {
    totals_.clear();
    generation_ = generation;
  }
  totals_[tag] = Count{stamp, total};
}

}  // namespace gazette
