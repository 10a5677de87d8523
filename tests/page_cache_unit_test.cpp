// Unit tests of handlers/page_cache: the PageCache LRU (hits, eviction under the byte
// budget, content generations, thread safety), a CachedPage's tags per coding, and the
// cache key of a request. The HTTP behaviour is in page_cache_test.cpp.
#include "handlers/page_cache.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <thread>
#include <vector>

using gazette::CachedPage;
using gazette::Encoding;
using gazette::PageCache;

namespace {

constexpr std::size_t kKiB = 1024;

std::shared_ptr<const CachedPage> make_page(std::string body, std::string etag = "\"abc\"") {
  return std::make_shared<const CachedPage>(std::move(body), "text/html; charset=utf-8",
                                            std::move(etag), "public, max-age=60",
                                            "Mon, 01 Jun 2026 00:00:00 GMT");
}

// A body that compresses: the same sentence over and over.
std::string text_body(std::size_t size) {
  std::string s;
  while (s.size() < size) s += "<p>The council met on Tuesday to discuss the buses.</p>\n";
  s.resize(size);
  return s;
}

// `n` keys that fall in one shard. PageCache picks a shard by std::hash of the key modulo
// its 16 shards (page_cache.cpp); keys in one shard make the LRU order observable.
std::vector<std::string> keys_in_one_shard(std::size_t n) {
  std::vector<std::string> keys;
  std::size_t shard = std::hash<std::string>{}("/articles/0") % 16;
  for (int i = 0; keys.size() < n; ++i) {
    std::string key = "/articles/" + std::to_string(i);
    if (std::hash<std::string>{}(key) % 16 == shard) keys.push_back(key);
  }
  return keys;
}

httplib::Request request(const std::string& path,
                         std::initializer_list<std::pair<const char*, const char*>> params = {}) {
  httplib::Request req;
  req.method = "GET";
  req.path = path;
  for (const auto& [name, value] : params) req.params.emplace(name, value);
  return req;
}

}  // namespace

TEST_CASE("PageCache: a page is found under its key and generation", "[http][page_cache]") {
  PageCache cache(16 * kKiB * 16);
  REQUIRE(cache.enabled());
  CHECK(cache.find("/", 1) == nullptr);
  auto page = make_page("home");
  cache.insert("/", page, 1);
  CHECK(cache.find("/", 1) == page);
  CHECK(cache.find("/", 1) == page);
  CHECK(cache.find("/other", 1) == nullptr);

  auto stats = cache.stats();
  CHECK(stats.hits == 2);
  CHECK(stats.misses == 2);
  CHECK(stats.entries == 1);
  CHECK(stats.bytes >= page->cost());

  SECTION("a second insert under the key replaces the first") {
    auto newer = make_page("home, again", "\"def\"");
    cache.insert("/", newer, 1);
    CHECK(cache.find("/", 1) == newer);
    CHECK(cache.stats().entries == 1);
  }
}

TEST_CASE("PageCache: the least recently used pages go first", "[http][page_cache]") {
  // Shards of 64 KiB; pages costing about 14 KiB (a body of 9,000 bytes is charged 1.5
  // times, plus headers), so that a shard holds four and a fifth pushes one out.
  const std::size_t budget = 16 * 64 * kKiB;
  PageCache cache(budget);
  auto keys = keys_in_one_shard(7);
  std::vector<std::shared_ptr<const CachedPage>> pages;
  for (std::size_t i = 0; i < keys.size(); ++i) pages.push_back(make_page(text_body(9000)));
  REQUIRE(pages[0]->cost() * 4 <= budget / 16);
  REQUIRE(pages[0]->cost() * 5 > budget / 16);

  for (int i = 0; i < 4; ++i) cache.insert(keys[i], pages[i], 1);
  for (int i = 0; i < 4; ++i) CHECK(cache.find(keys[i], 1) == pages[i]);
  CHECK(cache.find(keys[0], 1) == pages[0]);  // now the most recently used

  cache.insert(keys[4], pages[4], 1);
  CHECK(cache.find(keys[1], 1) == nullptr);  // the least recently used
  CHECK(cache.find(keys[0], 1) == pages[0]);
  CHECK(cache.find(keys[2], 1) == pages[2]);
  CHECK(cache.find(keys[3], 1) == pages[3]);
  CHECK(cache.find(keys[4], 1) == pages[4]);

  // Order of use is now 4, 3, 2, 0 (most recent first): 0 goes next.
  cache.insert(keys[5], pages[5], 1);
  CHECK(cache.find(keys[0], 1) == nullptr);
  CHECK(cache.find(keys[2], 1) == pages[2]);
  CHECK(cache.stats().entries == 4);
  CHECK(cache.stats().bytes <= budget / 16);
}

TEST_CASE("PageCache: the byte budget holds however many pages come", "[http][page_cache]") {
  const std::size_t budget = 16 * 32 * kKiB;
  PageCache cache(budget);
  for (int i = 0; i < 2000; ++i) {
    cache.insert("/articles/" + std::to_string(i), make_page(text_body(1000 + i % 4000)), 1);
    REQUIRE(cache.stats().bytes <= budget);
  }
  auto stats = cache.stats();
  CHECK(stats.entries > 16);  // every shard kept some
  CHECK(stats.entries < 2000);
  // The newest page is always kept.
  CHECK(cache.find("/articles/1999", 1) != nullptr);
}

TEST_CASE("PageCache: a newer generation drops the older pages", "[http][page_cache]") {
  PageCache cache(16 * 64 * kKiB);
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) keys.push_back("/articles/" + std::to_string(i));
  for (const auto& k : keys) cache.insert(k, make_page(k), 1);
  CHECK(cache.stats().entries == 100);
  for (const auto& k : keys) CHECK(cache.find(k, 2) == nullptr);
  CHECK(cache.stats().entries == 0);
  CHECK(cache.stats().bytes == 0);
  // Gone for good: asking again with the old generation finds nothing either.
  for (const auto& k : keys) CHECK(cache.find(k, 1) == nullptr);

  auto fresh = make_page("fresh");
  cache.insert("/", fresh, 2);
  CHECK(cache.find("/", 2) == fresh);
  CHECK(cache.find("/", 3) == nullptr);
}

TEST_CASE("PageCache: a page rendered before a write is not kept", "[http][page_cache]") {
  PageCache cache(16 * 64 * kKiB);
  auto current = make_page("current", "\"new\"");
  cache.insert("/", current, 5);
  // A render that read generation 4 finishes after generation 5 was seen: stale.
  cache.insert("/", make_page("stale", "\"old\""), 4);
  CHECK(cache.find("/", 5) == current);

  // The same after the generation was seen only by a lookup.
  CHECK(cache.find("/feed.xml", 7) == nullptr);
  cache.insert("/feed.xml", make_page("stale feed"), 6);
  CHECK(cache.find("/feed.xml", 7) == nullptr);
  CHECK(cache.find("/feed.xml", 6) == nullptr);
}

TEST_CASE("PageCache: a budget of 0 turns the cache off", "[http][page_cache]") {
  PageCache cache(0);
  CHECK_FALSE(cache.enabled());
  cache.insert("/", make_page("home"), 1);
  CHECK(cache.find("/", 1) == nullptr);
  auto stats = cache.stats();
  CHECK(stats.entries == 0);
  CHECK(stats.bytes == 0);
  CHECK(stats.hits == 0);
}

TEST_CASE("PageCache: a page too large for its share is refused", "[http][page_cache]") {
  // 64 KiB shards: at most a quarter of one, 16 KiB, for a page.
  PageCache cache(16 * 64 * kKiB);
  auto small = make_page(text_body(5000));
  cache.insert("/small", small, 1);
  CHECK(cache.find("/small", 1) == small);

  auto large = make_page(text_body(20000));
  REQUIRE(large->cost() > 16 * kKiB);
  cache.insert("/sitemap.xml", large, 1);
  CHECK(cache.find("/sitemap.xml", 1) == nullptr);
  // Refusing it pushed nothing out.
  CHECK(cache.find("/small", 1) == small);
  CHECK(cache.stats().entries == 1);
}

TEST_CASE("PageCache: many threads at once", "[http][page_cache]") {
  // Small enough to evict all the time; generations moving on under the readers.
  PageCache cache(16 * 16 * kKiB);
  std::atomic<std::uint64_t> generation{1};
  std::atomic<int> wrong{0}, hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3000; ++i) {
        std::string key = "/articles/" + std::to_string((i * 7 + t) % 64);
        std::uint64_t g = generation.load();
        if (t == 0 && i % 500 == 0) g = ++generation;
        // The body says which key and generation it was made for.
        std::string expected = key + "@" + std::to_string(g);
        if (auto page = cache.find(key, g)) {
          ++hits;
          if (page->body() != text_body(300) + expected) ++wrong;
          Encoding used;
          const std::string& gz = page->encoded(Encoding::gzip, used);
          if (used != Encoding::gzip || gz.size() < 2 ||
              static_cast<unsigned char>(gz[0]) != 0x1f) {
            ++wrong;
          }
        } else {
          cache.insert(key, make_page(text_body(300) + expected), g);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong == 0);
  CHECK(hits > 0);
  auto stats = cache.stats();
  CHECK(stats.hits == static_cast<std::uint64_t>(hits.load()));
  CHECK(stats.bytes <= 16 * 16 * kKiB);
}

TEST_CASE("CachedPage: one tag per coding", "[http][page_cache]") {
  auto page = make_page(text_body(4000), "\"0123456789abcdef\"");
  CHECK(page->etag(Encoding::identity) == "\"0123456789abcdef\"");
  CHECK(page->etag(Encoding::gzip) == "\"0123456789abcdef-gz\"");
  CHECK(page->etag(Encoding::brotli) == "\"0123456789abcdef-br\"");
  CHECK(page->content_type() == "text/html; charset=utf-8");
  CHECK(page->cache_control() == "public, max-age=60");
  CHECK(page->last_modified() == "Mon, 01 Jun 2026 00:00:00 GMT");
  CHECK(page->cost() >= page->body().size());
}

TEST_CASE("CachedPage: If-None-Match matches any coding of the body", "[http][page_cache]") {
  auto page = make_page(text_body(4000), "\"abc\"");
  CHECK_FALSE(page->choose("", std::nullopt).not_modified);
  for (const char* header :
       {"\"abc\"", "\"abc-gz\"", "\"abc-br\"", "W/\"abc\"", "W/\"abc-gz\"", "*",
        "\"x\", \"abc-br\"", "\"x\",\"abc\"", "  \"abc\"  ", "\"x\",\t\"abc-gz\"\t, \"y\""}) {
    INFO(header);
    CHECK(page->choose("gzip", std::string_view(header)).not_modified);
  }
  for (const char* header : {"\"x\"", "abc", "\"abc", "\"abc-gz", "\"abc-zz\"", "\"ab\"",
                             "\"abc\"x", "\"ABC\"", "", "\"abc-gz-gz\"", "W/abc"}) {
    INFO(header);
    CHECK_FALSE(page->choose("gzip", std::string_view(header)).not_modified);
  }
}

TEST_CASE("CachedPage: each coding is made once and falls back to identity", "[http][page_cache]") {
  auto page = make_page(text_body(4000));
  Encoding used = Encoding::identity;
  const std::string& gz = page->encoded(Encoding::gzip, used);
  CHECK(used == Encoding::gzip);
  REQUIRE(gz.size() > 2);
  CHECK(static_cast<unsigned char>(gz[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(gz[1]) == 0x8b);
  CHECK(gz.size() < page->body().size());
  CHECK(&page->encoded(Encoding::gzip, used) == &gz);  // the same bytes, not made again

  const std::string& br = page->encoded(Encoding::brotli, used);
  CHECK(used == Encoding::brotli);
  CHECK(br.size() < page->body().size());
  CHECK(br != gz);

  const std::string& plain = page->encoded(Encoding::identity, used);
  CHECK(used == Encoding::identity);
  CHECK(&plain == &page->body());

  // Too small to be worth compressing: the identity body, and the client is told so.
  auto tiny = make_page("<p>Short.</p>");
  CHECK(&tiny->encoded(Encoding::gzip, used) == &tiny->body());
  CHECK(used == Encoding::identity);
  CHECK(&tiny->encoded(Encoding::brotli, used) == &tiny->body());
  CHECK(used == Encoding::identity);

  SECTION("threads asking at once get the same bytes") {
    auto fresh = make_page(text_body(200000));
    std::vector<const std::string*> seen(8);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < seen.size(); ++t) {
      threads.emplace_back([&, t] {
        Encoding u;
        seen[t] = &fresh->encoded(t % 2 ? Encoding::gzip : Encoding::brotli, u);
      });
    }
    for (auto& th : threads) th.join();
    for (std::size_t t = 2; t < seen.size(); ++t) CHECK(seen[t] == seen[t % 2]);
    CHECK(seen[0] != seen[1]);
  }
}

TEST_CASE("cache_key: the path and the parameters handlers read", "[http][page_cache]") {
  using gazette::cache_key;
  CHECK(cache_key(request("/")) == cache_key(request("/")));
  CHECK(cache_key(request("/")) != cache_key(request("/feed.xml")));
  CHECK(cache_key(request("/tags/news")) != cache_key(request("/tags/News")));

  SECTION("other parameters are ignored") {
    CHECK(cache_key(request("/", {{"utm_source", "x"}})) == cache_key(request("/")));
    CHECK(cache_key(request("/", {{"utm_source", "x"}, {"fbclid", "y"}, {"page", "2"}})) ==
          cache_key(request("/", {{"page", "2"}})));
  }
  SECTION("page and q are part of it") {
    CHECK(cache_key(request("/", {{"page", "2"}})) != cache_key(request("/")));
    CHECK(cache_key(request("/", {{"page", "2"}})) != cache_key(request("/", {{"page", "3"}})));
    CHECK(cache_key(request("/search", {{"q", "bus"}})) != cache_key(request("/search")));
    CHECK(cache_key(request("/search", {{"q", "bus"}})) !=
          cache_key(request("/search", {{"q", "buses"}})));
    CHECK(cache_key(request("/search", {{"q", "bus"}, {"page", "2"}})) !=
          cache_key(request("/search", {{"q", "bus"}})));
    CHECK(cache_key(request("/search", {{"q", ""}})) != cache_key(request("/search")));
  }
  SECTION("a value cannot imitate another parameter") {
    auto both = cache_key(request("/search", {{"q", "a"}, {"page", "2"}}));
    // What "q" would add after "page", smuggled into "page"'s own value.
    CHECK(cache_key(request("/search", {{"page", "2\x1fq=1:a"}})) != both);
    CHECK(cache_key(request("/search", {{"page", "2\x1fq=a"}})) != both);
    CHECK(cache_key(request("/search", {{"q", "a"}, {"page", "2\x1fq=1:a"}})) != both);
    CHECK(cache_key(request("/search", {{"q", "a\x1fpage=1:2"}})) !=
          cache_key(request("/search", {{"q", "a"}, {"page", "2"}})));
  }
  SECTION("a path cannot imitate a parameter") {
    // httplib decodes the path, so /search%1Fq=1:a arrives as "/search\x1fq=1:a".
    CHECK(cache_key(request("/search\x1fq=1:a")) != cache_key(request("/search", {{"q", "a"}})));
    CHECK(cache_key(request("/tags/news\x1fpage=1:2")) !=
          cache_key(request("/tags/news", {{"page", "2"}})));
  }
}

namespace {

// A request target parsed the way cpp-httplib 0.11.4 parses it (Server::parse_request_line
// with the library's own functions): the path percent-decoded, the query split into
// parameters.
httplib::Request parsed_by_library(const std::string& target) {
  httplib::Request req;
  auto question = target.find('?');
  req.path = httplib::detail::decode_url(target.substr(0, question), false);
  if (question != std::string::npos && question + 1 < target.size()) {
    httplib::detail::parse_query_text(target.substr(question + 1), req.params);
  }
  return req;
}

}  // namespace

TEST_CASE("cache_key_of_target: the key cache_key makes of the library's parse, or none",
          "[http][page_cache]") {
  using gazette::cache_key;
  using gazette::cache_key_of_target;
  SECTION("targets it reads give the library's key") {
    for (const char* target :
         {"/", "/articles/night-buses", "/tags/news", "/tags/news/page/2", "/page/3",
          "/static/style.css", "/search?q=bus", "/search?q=night+bus&page=2",
          "/search?page=2&q=bus", "/?utm_source=x&page=2&fbclid=y", "/?page=", "/?page",
          "/search?q=", "/?utm=a+b", "/articles/a+b", "/?pa+ge=2", "/?Page=2", "/feed.xml",
          "/search?q=%E2%82%AC"}) {
      INFO(target);
      auto key = cache_key_of_target(target);
      if (std::string_view(target).find('%') != std::string_view::npos) {
        CHECK_FALSE(key);
      } else {
        REQUIRE(key);
        CHECK(*key == cache_key(parsed_by_library(target)));
      }
    }
  }
  SECTION("targets whose parsing it does not repeat are left to the library") {
    for (const char* target : {"/articles/caf%C3%A9", "/search?q=a%26b", "/?page=2&page=3",
                               "/?q=a=b", "/?", "/?&page=2", "/?page=2&", "/?=x", "/a?b?c", "*",
                               "http://example.com/", "/#frag", "/a\tb", "/?q=\x7f"}) {
      INFO(target);
      CHECK_FALSE(cache_key_of_target(target));
    }
  }
}

TEST_CASE("CachedPage: what it keeps is what cost() charges", "[http][page_cache]") {
  // A render's output buffer is reserved larger than most pages.
  std::string rendered;
  rendered.reserve(32 * kKiB);
  rendered = text_body(13 * kKiB);
  auto page = make_page(std::move(rendered));
  CHECK(page->body().capacity() < 14 * kKiB);
  Encoding used = Encoding::identity;
  for (Encoding e : {Encoding::gzip, Encoding::brotli}) {
    const std::string& z = page->encoded(e, used);
    REQUIRE(used == e);
    CHECK(z.capacity() <= z.size() + 64);
  }
  CHECK(page->cost() >= page->body().capacity());
}
