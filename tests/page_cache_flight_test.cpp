// Concurrent misses of one page render it once (PageCache::Flight).
#include <catch2/catch.hpp>

#include <future>
#include <optional>
#include <vector>

#include "handlers/page_cache.h"

using namespace gazette;

namespace {

std::shared_ptr<const CachedPage> page_with(std::string body) {
  return std::make_shared<const CachedPage>(std::move(body), "text/html; charset=utf-8", "\"tag\"",
                                            "public, max-age=60", "");
}

}  // namespace

TEST_CASE("the first miss leads, the others get its page", "[http][cache][concurrency]") {
  PageCache cache(1 << 20);
  auto leader = cache.join("/a", 1);
  REQUIRE(leader.leads());

  // Joined here, in order; they wait on other threads while the leader renders.
  std::vector<std::future<std::string>> followers;
  for (int i = 0; i < 4; ++i) {
    auto flight = std::make_shared<PageCache::Flight>(cache.join("/a", 1));
    REQUIRE_FALSE(flight->leads());
    followers.push_back(std::async(std::launch::async, [flight] {
      auto page = flight->wait(std::chrono::seconds(30));
      return page ? page->body() : std::string("none");
    }));
  }
  // Another key is another flight.
  CHECK(cache.join("/b", 1).leads());
  leader.land(page_with("<p>a</p>"));
  for (auto& f : followers) CHECK(f.get() == "<p>a</p>");
  // Once landed, a new miss leads again.
  CHECK(cache.join("/a", 1).leads());
}

TEST_CASE("a newer generation does not wait for an older render", "[http][cache][concurrency]") {
  PageCache cache(1 << 20);
  auto old_render = cache.join("/a", 1);
  REQUIRE(old_render.leads());
  auto newer = cache.join("/a", 2);
  CHECK(newer.leads());
  auto follower_of_newer = cache.join("/a", 2);
  CHECK_FALSE(follower_of_newer.leads());
  // The old leader landing does not end the newer flight.
  old_render.land(page_with("old"));
  newer.land(page_with("new"));
  auto page = follower_of_newer.wait(std::chrono::seconds(30));
  REQUIRE(page);
  CHECK(page->body() == "new");
}

TEST_CASE("a leader that keeps nothing lets the others render alone",
          "[http][cache][concurrency]") {
  PageCache cache(1 << 20);
  std::shared_ptr<const CachedPage> got = page_with("sentinel");
  {
    auto leader = cache.join("/missing", 1);
    REQUIRE(leader.leads());
    auto follower = cache.join("/missing", 1);
    REQUIRE_FALSE(follower.leads());
    leader.land(nullptr);
    got = follower.wait(std::chrono::seconds(30));
  }
  CHECK(got == nullptr);

  // A leader destroyed without landing (an exception in the render) lands empty.
  std::optional<PageCache::Flight> follower;
  {
    auto leader = cache.join("/boom", 1);
    REQUIRE(leader.leads());
    follower.emplace(cache.join("/boom", 1));
  }
  CHECK(follower->wait(std::chrono::seconds(30)) == nullptr);
}

TEST_CASE("with the cache off every miss renders", "[http][cache][concurrency]") {
  PageCache cache(0);
  CHECK(cache.join("/a", 1).leads());
  auto first = cache.join("/a", 1);
  CHECK(first.leads());
  CHECK(cache.join("/a", 1).leads());
}
