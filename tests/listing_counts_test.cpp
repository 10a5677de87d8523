// Listing counts are kept per content generation (app/app.h, ListingCounts).
#include <catch2/catch.hpp>

#include "app/app.h"

using gazette::ListingCounts;

TEST_CASE("listing counts belong to one content generation", "[app]") {
  ListingCounts counts;
  CHECK_FALSE(counts.find("", 1).has_value());
  counts.store("", 1, 42);
  counts.store("europe", 1, 7);
  CHECK(counts.find("", 1) == 42);
  CHECK(counts.find("europe", 1) == 7);
  CHECK_FALSE(counts.find("asia", 1).has_value());

  // A newer generation knows nothing of the older counts...
  CHECK_FALSE(counts.find("", 2).has_value());
  counts.store("", 2, 43);
  CHECK(counts.find("", 2) == 43);
  CHECK_FALSE(counts.find("europe", 2).has_value());
  // ...and a count from an older render does not overwrite it.
  counts.store("", 1, 42);
  CHECK(counts.find("", 2) == 43);
  CHECK_FALSE(counts.find("", 1).has_value());
}
