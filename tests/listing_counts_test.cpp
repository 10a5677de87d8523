// Listing counts are kept per content generation and content stamp (app/app.h,
// ListingCounts).
#include <catch2/catch.hpp>

#include "app/app.h"

using gazette::ListingCounts;

TEST_CASE("listing counts belong to one content generation", "[app]") {
  ListingCounts counts;
  CHECK_FALSE(counts.find("", 1, 5).has_value());
  counts.store("", 1, 5, 42);
  counts.store("europe", 1, 5, 7);
  CHECK(counts.find("", 1, 5) == 42);
  CHECK(counts.find("europe", 1, 5) == 7);
  CHECK_FALSE(counts.find("asia", 1, 5).has_value());

  // A newer generation knows nothing of the older counts...
  CHECK_FALSE(counts.find("", 2, 5).has_value());
  counts.store("", 2, 5, 43);
  CHECK(counts.find("", 2, 5) == 43);
  CHECK_FALSE(counts.find("europe", 2, 5).has_value());
  // ...and a count from an older render does not overwrite it.
  counts.store("", 1, 5, 42);
  CHECK(counts.find("", 2, 5) == 43);
  CHECK_FALSE(counts.find("", 1, 5).has_value());
}

TEST_CASE("a listing count is given only to a snapshot of the same content", "[app]") {
  // The generation moves on just after a write commits: a page rendered in between reads
  // the new articles under the old generation, and must count them itself.
  ListingCounts counts;
  counts.store("", 7, 100, 42);
  CHECK(counts.find("", 7, 100) == 42);
  CHECK_FALSE(counts.find("", 7, 101).has_value());
  counts.store("", 7, 101, 43);
  CHECK(counts.find("", 7, 101) == 43);
  CHECK_FALSE(counts.find("", 7, 100).has_value());
}
