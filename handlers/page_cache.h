// The rendered-page cache: whole public responses kept in memory with their compressed
// variants, so that a page is rendered and compressed once per content change rather
// than once per request.
//
// Correctness rests on one rule: an entry belongs to the content generation it was
// rendered under (App::content_generation(), read before the page's first query). A
// lookup with a newer generation drops the old entries, so a write is visible on the
// next request on every page at once (articles, listings, tags, feeds, search, other
// articles' related sidebars) without knowing which pages it touched.
#pragma once

#include <httplib.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "handlers/compression.h"

namespace gazette {

// One response as the cache keeps it: a 200 with its representation headers.
class CachedPage {
 public:
  // `fit`: the body gets a buffer of its exact size, as a page the cache keeps needs
  // (see cost()); a page only sent (the cache off) is spared the copy.
  CachedPage(std::string body, std::string content_type, std::string etag,
             std::string cache_control, std::string last_modified, bool fit = true);

  const std::string& body() const { return body_; }
  const std::string& content_type() const { return content_type_; }
  const std::string& cache_control() const { return cache_control_; }
  const std::string& last_modified() const { return last_modified_; }  // HTTP-date or ""

  // The body in coding `e`, compressed on first demand (once, whichever thread asks);
  // falls back to identity when the coding would not make it smaller. `used` says which.
  const std::string& encoded(Encoding e, Encoding& used) const;

  // What a client gets: 304 when its If-None-Match names any coding of the body (or
  // "*"), else the body in the best coding its Accept-Encoding takes.
  struct Choice {
    bool not_modified = false;
    Encoding used = Encoding::identity;  // also for a 304: its ETag is that coding's
    const std::string* body = nullptr;   // for a 200
  };
  Choice choose(std::string_view accept_encoding,
                std::optional<std::string_view> if_none_match) const;

  // The status line and headers send_page gives `choice`, then `extra` (lines, each
  // with its CRLF), without the blank line that ends a head: for answers sent without
  // the library (GuardedServer's early answers). A 304 has no Content-Length (RFC 9110
  // 8.6: it would have to be the 200's).
  std::string response_head(const Choice& choice, std::string_view extra) const;

  // The strong ETag of the body in coding `e`. Each coding is its own representation,
  // so each has its own tag ("abc", "abc-gz", "abc-br"), as a cache in front needs.
  std::string etag(Encoding e) const;
  // What the entry costs the cache's budget.
  std::size_t cost() const;

 private:
  std::string body_;
  std::string content_type_;
  std::string etag_;  // quoted, of the identity body
  std::string cache_control_;
  std::string last_modified_;
  mutable std::once_flag gzip_once_, brotli_once_;
  mutable std::string gzip_, brotli_;
};

// Sends `page` for `req`: 304 when If-None-Match matches, else 200 with the body in the
// best coding the client accepts. The body goes out through a content provider, which
// cpp-httplib sends as it is (it recompresses plain bodies on every request).
void send_page(const httplib::Request& req, httplib::Response& res,
               std::shared_ptr<const CachedPage> page);

// For responses that are not cached (errors, redirects, no-store pages): compresses
// res.body once, at the same moderate levels, by the request's Accept-Encoding, and
// hands it to the library so that it does not compress it again at its own level.
void send_body_encoded(const httplib::Request& req, httplib::Response& res);

// The key of a request: its path and the parameters the handlers read (`page`, `q`).
// Any other parameter (?utm_source=…) changes nothing in the response, so it is not part
// of the key. Handlers must read no other parameter, or it must be added here.
std::string cache_key(const httplib::Request& req);

// The same key from a request target as sent, for answering before cpp-httplib parses
// the request: nullopt for any target whose parsing this does not repeat exactly (a
// percent-escape, an empty or doubled parameter, a second '=' or '?', a control
// character), which the library's path then serves as usual.
std::optional<std::string> cache_key_of_target(std::string_view target);

// A byte-bounded LRU of pages, in shards so that threads rarely wait for one another.
// Thread-safe. A budget of 0 turns it off (find misses, insert drops).
class PageCache {
 public:
  explicit PageCache(std::size_t budget_bytes);

  // The page under `key` rendered at `generation`, or null. A miss counts in stats()
  // only when `count_miss` (a lookup that a second one will follow passes false).
  std::shared_ptr<const CachedPage> find(const std::string& key, std::uint64_t generation,
                                         bool count_miss = true);
  // Counts a miss whose find() passed count_miss = false, once the caller knows that no
  // second lookup will count it.
  void count_miss() { misses_.fetch_add(1, std::memory_order_relaxed); }
  // Keeps `page`, rendered at `generation`, under `key` (dropped when the content has
  // already moved on, or when it is larger than a shard's budget allows).
  void insert(const std::string& key, std::shared_ptr<const CachedPage> page,
              std::uint64_t generation);

  bool enabled() const { return budget_ > 0; }

  // Concurrent misses of one page render it once. On a miss, a caller joins the flight
  // for its key and generation: the first to come leads (renders, then lands the flight
  // with the page it kept, or null); the others wait for that page. A spike of readers
  // on a page just invalidated by a write thus costs one render, not one per reader.
  class Flight {
   public:
    Flight() = default;
    Flight(Flight&&) noexcept = default;
    Flight& operator=(Flight&&) = delete;
    ~Flight() { land(nullptr); }

    // True for the caller that must render.
    bool leads() const { return leads_; }
    // For the others: the leader's page, or null when it kept none (an error page, a
    // failure) or took longer than `patience`; then the caller renders alone.
    std::shared_ptr<const CachedPage> wait(std::chrono::milliseconds patience);
    // For the leader: hands `page` (or null) to the waiting callers. Idempotent.
    void land(std::shared_ptr<const CachedPage> page);

   private:
    friend class PageCache;
    struct State {
      std::mutex mutex;
      std::condition_variable landed_cv;
      bool landed = false;
      std::shared_ptr<const CachedPage> page;
    };
    PageCache* cache_ = nullptr;
    std::string key_;
    std::shared_ptr<State> state_;
    bool leads_ = false;
  };
  // Joins (or starts) the flight of `key` at `generation`. With the cache off, every
  // caller leads.
  Flight join(const std::string& key, std::uint64_t generation);

  struct Stats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0, bytes = 0;
  };
  Stats stats();

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mutex;
    std::uint64_t generation = 0;
    // Most recently used first.
    std::list<std::pair<std::string, std::shared_ptr<const CachedPage>>> lru;
    std::unordered_map<std::string, decltype(lru)::iterator> index;
    std::size_t bytes = 0;
    // Renders in progress: key -> (generation, state).
    std::unordered_map<std::string, std::pair<std::uint64_t, std::shared_ptr<Flight::State>>>
        flights;
    // Requires mutex. Drops everything when `generation` is newer than the shard's;
    // returns false when it is older (the caller's render is stale).
    bool advance_to(std::uint64_t generation);
  };
  Shard& shard_for(const std::string& key);

  std::size_t budget_;
  std::size_t shard_budget_;
  std::array<Shard, kShards> shards_;
  std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

}  // namespace gazette
