// The stored related-articles lists (table `related`): how they are computed and kept up
// to date. Readers never score; they read the stored list (articles.h: related_public).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "db/sqlite.h"

namespace gazette::db {

// How many entries each stored list keeps: more than the sidebar's five, so that an
// entry that is not public yet (draft, scheduled) can be skipped at read time.
inline constexpr int kStoredRelated = 10;

// Recomputes the lists of the articles `ids` and of every article whose list may change
// because of them (articles sharing a tag with them, and lists they appear in), and
// rewrites those that differ. Gives what rebuild_all_related would; costs a read of
// every article's tags (about half a second for 100,000 articles) plus the ranking of
// the changed articles and of the lists that hold them. Runs in the caller's
// transaction.
void refresh_related(Connection& c, const std::vector<std::int64_t>& ids,
                     const std::function<void(std::size_t, std::size_t)>& progress = {});

// Recomputes every article's list, ranking on every core. Runs in the caller's
// transaction. `progress` (both functions) is called on the caller's thread.
void rebuild_all_related(Connection& c,
                         const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace gazette::db
