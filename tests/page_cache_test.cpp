// Integration tests of the page cache: the real `gazette serve` on an ephemeral port,
// spoken to over a raw socket (tests/http_support.h) so that each request carries exactly
// the Accept-Encoding it means and each body is seen as sent. Writes come from
// `gazette import` in another process while the server runs, as they do in production.
//
// The server notices another process's commit within about a millisecond (a throttled
// PRAGMA data_version check), so the tests poll for a change with a deadline rather
// than expect it on the very next request.
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <regex>
#include <set>

#include "tests/http_support.h"
#include "tests/process_support.h"

using gazette::test::decode_body;
using gazette::test::HeaderNameLess;
using gazette::test::poll_until;
using gazette::test::raw_exchange;
using gazette::test::RawResponse;
using gazette::test::run_gazette;
using gazette::test::ServerProcess;
using gazette::test::TempDir;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// One article as a JSON Lines record.
std::string record(const std::string& slug, const std::string& title,
                   const std::vector<std::string>& tags,
                   const std::string& published_at = "2026-03-01T09:00:00Z",
                   const std::string& related = "") {
  std::string list;
  for (const auto& t : tags) list += (list.empty() ? "\"" : ",\"") + t + "\"";
  return "{\"slug\":\"" + slug + "\",\"title\":\"" + title + "\",\"summary\":\"The dek of " + slug +
         ".\",\"body_markdown\":\"The body of " + slug +
         ", with **some** words.\\n\\nA second paragraph.\",\"author\":\"Ann Writer\","
         "\"tags\":[" +
         list + "],\"status\":\"published\",\"published_at\":\"" + published_at +
         "\",\"related\":[" + (related.empty() ? "" : "\"" + related + "\"") + "]}\n";
}

// Three stories. Beta pins alpha as related, so alpha's title is in beta's sidebar.
std::string newsroom(const std::string& alpha_title = "Alpha original",
                     const std::vector<std::string>& alpha_tags = {"news", "city"}) {
  return record("alpha", alpha_title, alpha_tags, "2026-03-01T09:00:00Z") +
         record("beta", "Beta story", {"sport"}, "2026-03-02T09:00:00Z", "alpha") +
         record("gamma", "Gamma story", {"news"}, "2026-03-03T09:00:00Z");
}

// A site: a database made by `gazette import` (so serve adds no demo content) and a
// server on it. `import` writes into it from another process while the server runs.
class Site {
 public:
  explicit Site(std::vector<std::string> serve_args = {}) : db_(dir_ / "site.db") {
    import(newsroom());
    serve_args.insert(serve_args.begin(), {"--db", db_});
    server_ = std::make_unique<ServerProcess>(serve_args);
  }

  // Imports `jsonl` with the real binary, in its own process; its summary line.
  std::string import(const std::string& jsonl) {
    std::string file = dir_ / ("import-" + std::to_string(++imports_) + ".jsonl");
    std::ofstream(file, std::ios::binary) << jsonl;
    auto r = run_gazette({"import", "--db", db_, file});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }

  RawResponse get(const std::string& path, const Headers& headers = {}) const {
    return gazette::test::raw_request(server_->port(), "GET", path, headers);
  }
  RawResponse head(const std::string& path, const Headers& headers = {}) const {
    return gazette::test::raw_request(server_->port(), "HEAD", path, headers);
  }
  const ServerProcess& server() const { return *server_; }

 private:
  TempDir dir_;
  std::string db_;
  int imports_ = 0;
  std::unique_ptr<ServerProcess> server_;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool cache_hit(const RawResponse& r) {
  return contains(r.header("Server-Timing"), "cache;desc=hit");
}
bool cache_miss(const RawResponse& r) {
  return contains(r.header("Server-Timing"), "cache;desc=miss");
}

// A 304 as RFC 9110 wants it: no body, and no Content-Length other than 0.
void check_not_modified(const RawResponse& r) {
  CHECK(r.status == 304);
  CHECK(r.body.empty());
  CHECK((!r.has("Content-Length") || r.header("Content-Length") == "0"));
  CHECK_FALSE(r.has("Content-Encoding"));
}

// The ETag of a body in coding `encoding`: 16 hex digits, "-gz" for gzip, "-br" for brotli.
void check_etag_form(const RawResponse& r, const std::string& encoding) {
  std::string suffix = encoding == "gzip" ? "-gz" : encoding == "br" ? "-br" : "";
  INFO("ETag " << r.header("ETag"));
  CHECK(std::regex_match(r.header("ETag"), std::regex("\"[0-9a-f]{16}" + suffix + "\"")));
}

// Conditional GETs of `path` for each coding: its own tag gives 304 with no body, the
// tag of another coding of the same body too, a tag of nothing gives the page.
void check_conditional(const Site& site, const std::string& path) {
  for (std::string encoding : {"", "gzip", "br"}) {
    INFO(path << " Accept-Encoding: " << encoding);
    Headers ae;
    if (!encoding.empty()) ae.emplace_back("Accept-Encoding", encoding);
    RawResponse full = site.get(path, ae);
    REQUIRE(full.status == 200);
    CHECK(full.header("Content-Encoding") == encoding);
    check_etag_form(full, encoding);
    std::string tag = full.header("ETag");

    Headers conditional = ae;
    conditional.emplace_back("If-None-Match", tag);
    RawResponse again = site.get(path, conditional);
    check_not_modified(again);
    CHECK(again.header("ETag") == tag);
    CHECK(again.header("Vary") == "Accept-Encoding");
    CHECK(again.header("Cache-Control") == full.header("Cache-Control"));

    // Any coding's tag names the same content; a list is read item by item.
    std::string identity_tag = tag.substr(0, 17) + "\"";
    for (const std::string& inm :
         {identity_tag, identity_tag.substr(0, 17) + "-gz\"", identity_tag.substr(0, 17) + "-br\"",
          "\"0000000000000000\", " + tag, std::string("*")}) {
      INFO("If-None-Match: " << inm);
      Headers h = ae;
      h.emplace_back("If-None-Match", inm);
      RawResponse r = site.get(path, h);
      check_not_modified(r);
      CHECK(r.header("ETag") == tag);
    }

    Headers other = ae;
    other.emplace_back("If-None-Match", "\"0000000000000000\"");
    RawResponse changed = site.get(path, other);
    CHECK(changed.status == 200);
    CHECK(changed.body == full.body);
    CHECK(changed.header("ETag") == tag);
  }
}

// Each Accept-Encoding and the Content-Encoding it must get.
const std::vector<std::pair<std::string, std::string>> kCodings = {
    {"gzip", "gzip"},           {"br", "br"},     {"gzip, br", "br"},
    {"br;q=0.5, gzip", "gzip"}, {"identity", ""}, {"gzip;q=0, br;q=0", ""},
};

// `path` in every coding: the right Content-Encoding and tag, and bytes that decode to
// exactly the identity body (asked without Accept-Encoding).
void check_codings(const Site& site, const std::string& path) {
  RawResponse plain = site.get(path);
  REQUIRE(plain.status == 200);
  CHECK_FALSE(plain.has("Content-Encoding"));
  CHECK(plain.header("Vary") == "Accept-Encoding");
  CHECK(plain.header("Content-Length") == std::to_string(plain.body.size()));
  REQUIRE(plain.body.size() > 1000);  // large enough that every coding compresses it
  std::string base_tag = plain.header("ETag");
  for (const auto& [accept, expected] : kCodings) {
    INFO(path << " Accept-Encoding: " << accept);
    RawResponse r = site.get(path, {{"Accept-Encoding", accept}});
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Encoding") == expected);
    CHECK(r.header("Vary") == "Accept-Encoding");
    CHECK(r.header("Content-Length") == std::to_string(r.body.size()));
    CHECK(r.header("Content-Type") == plain.header("Content-Type"));
    check_etag_form(r, expected);
    CHECK(r.header("ETag").substr(0, 17) == base_tag.substr(0, 17));
    if (expected == "gzip") {
      REQUIRE(r.body.size() > 2);
      CHECK(static_cast<unsigned char>(r.body[0]) == 0x1f);
      CHECK(static_cast<unsigned char>(r.body[1]) == 0x8b);
    }
    if (!expected.empty()) CHECK(r.body.size() < plain.body.size());
    auto decoded = decode_body(expected, r.body);
    REQUIRE(decoded);
    CHECK(*decoded == plain.body);
  }
}

// The current time plus `seconds`, as ISO 8601 UTC (what published_at holds).
std::string iso_in(int seconds) {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) + seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

TEST_CASE("a write from another process shows on every page it touches",
          "[integration][page_cache]") {
  Site site;

  // What each page shows before and after alpha is retitled and gains a tag.
  struct Probe {
    std::string path;
    std::function<bool(const std::string&)> before, after;
  };
  auto shows_old = [](const std::string& b) {
    return contains(b, "Alpha original") && !contains(b, "Alpha revised quokka");
  };
  auto shows_new = [](const std::string& b) {
    return contains(b, "Alpha revised quokka") && !contains(b, "Alpha original");
  };
  auto links_alpha = [](const std::string& b) { return contains(b, "/articles/alpha\""); };
  auto no_alpha = [](const std::string& b) { return !contains(b, "/articles/alpha\""); };
  std::vector<Probe> probes = {
      {"/", shows_old, shows_new},
      {"/articles/alpha", shows_old, shows_new},
      {"/tags/news", shows_old, shows_new},
      {"/tags/city", shows_old, shows_new},
      {"/feed.xml", shows_old, shows_new},
      {"/tags/news/feed.xml", shows_old, shows_new},
      {"/tags/city/feed.xml", shows_old, shows_new},
      {"/articles/beta", shows_old, shows_new},  // alpha in beta's related sidebar
      {"/sitemap.xml", [](const std::string& b) { return !contains(b, "/tags/harbour"); },
       [](const std::string& b) { return contains(b, "/tags/harbour"); }},
      {"/search?q=quokka", no_alpha, links_alpha},
      {"/search?q=original", links_alpha, no_alpha},
  };

  // Every page rendered once, then served from the cache.
  for (const auto& p : probes) {
    INFO(p.path);
    RawResponse first = site.get(p.path);
    REQUIRE(first.status == 200);
    RawResponse second = site.get(p.path);
    REQUIRE(second.status == 200);
    CHECK(cache_hit(second));
    CHECK(second.body == first.body);
    CHECK(p.before(second.body));
  }
  CHECK(site.get("/tags/harbour").status == 404);

  CHECK(site.import(newsroom("Alpha revised quokka", {"news", "city", "harbour"})) ==
        "imported 3 articles from 1 file: 0 created, 1 updated, 2 unchanged\n");

  for (const auto& p : probes) {
    INFO(p.path);
    RawResponse r;
    CHECK(poll_until([&] {
      r = site.get(p.path);
      return r.status == 200 && p.after(r.body);
    }));
    CHECK_FALSE(p.before(r.body));
    // And it stays so, served from the cache. (Polled: the importing process may still
    // touch the database as it exits, which may move the generation on once more.)
    CHECK(poll_until([&] {
      RawResponse again = site.get(p.path);
      return cache_hit(again) && again.body == r.body;
    }));
  }
  CHECK(site.get("/tags/harbour").status == 200);
}

TEST_CASE("the ETag changes with the content and only then", "[integration][page_cache]") {
  Site site;
  RawResponse first = site.get("/");
  RawResponse second = site.get("/");
  REQUIRE(first.status == 200);
  check_etag_form(first, "");
  CHECK(second.header("ETag") == first.header("ETag"));
  CHECK(cache_hit(second));
  RawResponse sport = site.get("/tags/sport");
  REQUIRE(sport.status == 200);

  SECTION("an import that changes nothing changes no tag") {
    CHECK(site.import(newsroom()) ==
          "imported 3 articles from 1 file: 0 created, 0 updated, 3 unchanged\n");
    // Nothing to wait for: watch the page for a while, well past the server's check.
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    while (std::chrono::steady_clock::now() < until) {
      RawResponse r = site.get("/");
      CHECK(r.header("ETag") == first.header("ETag"));
      CHECK(r.body == first.body);
    }
  }
  SECTION("an edit changes the tag of the pages it shows on, and no other") {
    site.import(newsroom("Alpha retitled"));
    RawResponse changed;
    CHECK(poll_until([&] {
      changed = site.get("/");
      return changed.header("ETag") != first.header("ETag");
    }));
    CHECK(contains(changed.body, "Alpha retitled"));
    check_etag_form(changed, "");
    CHECK(site.get("/").header("ETag") == changed.header("ETag"));
    // The old tag no longer matches: a client holding it gets the new page.
    RawResponse revalidated = site.get("/", {{"If-None-Match", first.header("ETag")}});
    CHECK(revalidated.status == 200);
    CHECK(revalidated.body == changed.body);

    // The sport page does not show alpha: rendered again, the same bytes and tag.
    RawResponse sport_after = site.get("/tags/sport");
    CHECK(cache_miss(sport_after));
    CHECK(sport_after.header("ETag") == sport.header("ETag"));
    CHECK(sport_after.body == sport.body);
  }
}

TEST_CASE("an unrelated query parameter gets the same cached page", "[integration][page_cache]") {
  Site site;
  RawResponse plain = site.get("/");
  RawResponse tracked = site.get("/?utm_source=x&utm_medium=mail");
  REQUIRE(tracked.status == 200);
  CHECK(cache_hit(tracked));
  CHECK(tracked.header("ETag") == plain.header("ETag"));
  CHECK(tracked.body == plain.body);
  // The parameters handlers read are part of the key.
  RawResponse search = site.get("/search?q=gamma");
  RawResponse search_tracked = site.get("/search?utm_source=x&q=gamma");
  CHECK(cache_hit(search_tracked));
  CHECK(search_tracked.header("ETag") == search.header("ETag"));
  CHECK(site.get("/search?q=beta").header("ETag") != search.header("ETag"));
}

TEST_CASE("a path cannot pass for a cached page with parameters", "[integration][page_cache]") {
  Site site;
  RawResponse search = site.get("/search?q=gamma");
  REQUIRE(search.status == 200);
  // Paths that spell out, after a U+001F, what the cache key adds for a parameter.
  CHECK(site.get("/search%1Fq=5:gamma").status == 404);
  CHECK(site.get("/%1Fpage=1:2").status == 404);
  CHECK(site.get("/search%1Fq%3D5%3Agamma").status == 404);
}

TEST_CASE("Vary, If-None-Match and 304 for every coding", "[integration][page_cache]") {
  Site site;
  for (const char* path : {"/", "/articles/alpha", "/feed.xml", "/sitemap.xml", "/tags/news"}) {
    check_conditional(site, path);
  }
}

TEST_CASE("every coding decodes to the identity body", "[integration][page_cache]") {
  Site site;
  // Twice: the first round renders (miss) and the second is served from the cache.
  for (int round = 0; round < 2; ++round) {
    INFO("round " << round);
    for (const char* path : {"/", "/articles/alpha", "/feed.xml", "/search?q=story"}) {
      check_codings(site, path);
    }
  }
  CHECK(cache_hit(site.get("/", {{"Accept-Encoding", "gzip"}})));

  SECTION("error pages are compressed too, and never cached") {
    RawResponse plain = site.get("/articles/no-such-story");
    CHECK(plain.status == 404);
    for (int i = 0; i < 2; ++i) {
      RawResponse r = site.get("/articles/no-such-story", {{"Accept-Encoding", "gzip"}});
      CHECK(r.status == 404);
      CHECK(cache_miss(r));
      CHECK(r.header("Content-Encoding") == "gzip");
      CHECK(r.header("Content-Length") == std::to_string(r.body.size()));
      auto decoded = decode_body("gzip", r.body);
      REQUIRE(decoded);
      CHECK(*decoded == plain.body);
    }
  }
}

TEST_CASE("HEAD gives the headers of GET and no body", "[integration][page_cache]") {
  Site site;
  // /tags/sport first by HEAD (a miss, rendered), then again (a hit); / after a GET.
  for (const char* path : {"/tags/sport", "/tags/sport", "/"}) {
    for (std::string accept : {"", "gzip", "br"}) {
      INFO(path << " Accept-Encoding: " << accept);
      Headers h;
      if (!accept.empty()) h.emplace_back("Accept-Encoding", accept);
      RawResponse head = site.head(path, h);
      RawResponse get = site.get(path, h);
      REQUIRE(get.status == 200);
      CHECK(head.status == 200);
      CHECK(head.body.empty());
      CHECK(head.header("Content-Length") == std::to_string(get.body.size()));
      CHECK(head.header("Content-Encoding") == get.header("Content-Encoding"));
      CHECK(head.header("ETag") == get.header("ETag"));
      CHECK(head.header("Content-Type") == get.header("Content-Type"));
      CHECK(head.header("Vary") == "Accept-Encoding");
    }
  }
}

TEST_CASE("a Range header is ignored: the whole page, once", "[integration][page_cache]") {
  Site site;
  RawResponse plain = site.get("/");
  for (int i = 0; i < 2; ++i) {
    RawResponse r = site.get("/", {{"Range", "bytes=0-9"}});
    CHECK(r.status == 200);
    CHECK(r.body == plain.body);
    CHECK_FALSE(r.has("Content-Range"));
  }
}

TEST_CASE("with --cache-mb 0 pages are rendered each time and still compressed once",
          "[integration][page_cache]") {
  Site site({"--cache-mb", "0", "--max-age", "7"});
  RawResponse first = site.get("/");
  RawResponse second = site.get("/");
  REQUIRE(first.status == 200);
  CHECK(cache_miss(first));
  CHECK(cache_miss(second));
  // Rendering is deterministic: the same bytes, so the same tag, every time.
  CHECK(second.body == first.body);
  CHECK(second.header("ETag") == first.header("ETag"));
  CHECK(first.header("Cache-Control") == "public, max-age=7");

  RawResponse gz = site.get("/", {{"Accept-Encoding", "gzip"}});
  CHECK(cache_miss(gz));
  CHECK(gz.header("Content-Encoding") == "gzip");
  CHECK(gz.header("Cache-Control") == "public, max-age=7");
  auto decoded = decode_body("gzip", gz.body);
  REQUIRE(decoded);
  CHECK(*decoded == first.body);

  check_codings(site, "/articles/alpha");
  check_conditional(site, "/");  // 304s answered by the render path
  RawResponse head = site.head("/", {{"Accept-Encoding", "br"}});
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("Content-Encoding") == "br");

  // Hashed static assets keep their year, whatever --max-age says.
  std::smatch css;
  REQUIRE(std::regex_search(first.body, css, std::regex(R"re(href="(/static/[^"]+\.css)")re")));
  CHECK(site.get(css[1]).header("Cache-Control") == "public, max-age=31536000, immutable");

  site.import(newsroom("Alpha uncached edit"));
  CHECK(poll_until([&] { return contains(site.get("/").body, "Alpha uncached edit"); }));
}

TEST_CASE("cached pages carry the Cache-Control --max-age sets", "[integration][page_cache]") {
  Site site({"--max-age", "7"});
  for (const char* path : {"/", "/articles/alpha", "/feed.xml", "/search?q=story"}) {
    INFO(path);
    RawResponse miss = site.get(path);
    RawResponse hit = site.get(path, {{"Accept-Encoding", "gzip"}});
    CHECK(miss.header("Cache-Control") == "public, max-age=7");
    CHECK(cache_hit(hit));
    CHECK(hit.header("Cache-Control") == "public, max-age=7");
    CHECK(site.get(path, {{"If-None-Match", miss.header("ETag")}}).header("Cache-Control") ==
          "public, max-age=7");
  }
}

TEST_CASE("a scheduled article appears when its time comes", "[integration][page_cache][slow]") {
  Site site;
  RawResponse home = site.get("/");
  CHECK(cache_hit(site.get("/")));
  CHECK_FALSE(contains(home.body, "/articles/soon\""));

  // Three seconds ahead: room for the import to finish before the time comes.
  std::string at = iso_in(3);
  site.import(record("soon", "Soon story", {"later"}, at));
  // Not yet there, when asked before its time (checked only if the answer came before it).
  int article_status = site.get("/articles/soon").status;
  int tag_status = site.get("/tags/later").status;
  if (iso_in(0) < at) {
    CHECK(article_status == 404);
    CHECK(tag_status == 404);
  }

  // Wait for it (a condition, not a fixed time); it must not show before its time.
  RawResponse article, listing;
  bool shown = poll_until(
      [&] {
        listing = site.get("/");
        if (!contains(listing.body, "/articles/soon\"")) return false;
        article = site.get("/articles/soon");
        return article.status == 200;
      },
      std::chrono::seconds(10));
  std::string seen_at = iso_in(0);
  REQUIRE(shown);
  CHECK(seen_at >= at);
  CHECK(contains(article.body, "Soon story"));
  CHECK(contains(site.get("/feed.xml").body, "Soon story"));
  CHECK(site.get("/tags/later").status == 200);
  CHECK(poll_until([&] {
    RawResponse again = site.get("/");
    return cache_hit(again) && again.body == listing.body;
  }));
}

namespace {

// A request as bytes. The guard answers cache hits itself for HTTP/1.1 only, so the same
// request in HTTP/1.0 shows what the library's path sends.
std::string request_bytes(const std::string& method, const std::string& target,
                          const Headers& headers = {}, const std::string& version = "HTTP/1.1",
                          bool close = false) {
  std::string r = method + " " + target + " " + version + "\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) r += name + ": " + value + "\r\n";
  if (close) r += "Connection: close\r\n";
  return r + "\r\n";
}

// Sends `path` with `headers` in HTTP/1.0 (the library's path) and in HTTP/1.1 (the
// early path, for what it answers) and checks that both answers are the same: status,
// body and every header but the timing, the connection's and two of the library's
// quirks: Content-Length: 0 on a 304 (RFC 9110 wants the 200's length or none) and
// Accept-Ranges on a HEAD (ranges are ignored). Their absence marks the early path.
// `hit`: whether both must come from the cache (else both must be misses).
void check_same_answer(int port, const std::string& method, const std::string& path,
                       const Headers& h, int status, bool hit) {
  auto library = raw_exchange(port, {request_bytes(method, path, h, "HTTP/1.0", true)});
  auto early = raw_exchange(port, {request_bytes(method, path, h, "HTTP/1.1", true)});
  REQUIRE(library.size() == 1);
  REQUIRE(early.size() == 1);
  const RawResponse& a = library.front();
  const RawResponse& b = early.front();
  CHECK(b.status == status);
  CHECK(a.status == b.status);
  CHECK(a.body == b.body);
  CHECK((hit ? cache_hit(a) : cache_miss(a)));
  CHECK((hit ? cache_hit(b) : cache_miss(b)));
  std::set<std::string, HeaderNameLess> ignored = {"Server-Timing", "Connection", "Keep-Alive",
                                                   "Accept-Ranges"};
  if (b.status == 304) {
    CHECK_FALSE(b.has("Content-Length"));
    ignored.insert("Content-Length");
  }
  if (method == "HEAD") CHECK_FALSE(b.has("Accept-Ranges"));
  std::set<std::string, HeaderNameLess> names;
  for (const auto* r : {&a, &b}) {
    for (const auto& [name, value] : r->headers) {
      if (!ignored.count(name)) names.insert(name);
    }
  }
  for (const auto& name : names) {
    INFO(name);
    CHECK(a.header(name) == b.header(name));
  }
}

// check_same_answer for `path` in every coding, conditional or not, GET and HEAD.
void check_same_answers(const Site& site, const std::string& path, bool hit) {
  for (std::string accept : {"", "gzip", "br"}) {
    Headers headers;
    if (!accept.empty()) headers.emplace_back("Accept-Encoding", accept);
    std::string tag = site.get(path, headers).header("ETag");
    for (bool conditional : {false, true}) {
      Headers h = headers;
      if (conditional) h.emplace_back("If-None-Match", tag);
      for (std::string method : {"GET", "HEAD"}) {
        INFO(method << " " << path << " Accept-Encoding: " << accept
                    << (conditional ? " If-None-Match" : ""));
        check_same_answer(site.server().port(), method, path, h, conditional ? 304 : 200, hit);
      }
    }
  }
}

}  // namespace

TEST_CASE("cache hits answered before the library are the library's answers",
          "[integration][page_cache]") {
  Site site;
  for (const char* path :
       {"/", "/articles/alpha", "/tags/news", "/feed.xml", "/search?q=story", "/?utm_source=x"}) {
    REQUIRE(site.get(path).status == 200);  // rendered and kept
    check_same_answers(site, path, true);
  }
}

TEST_CASE("article pages rendered before the library are the library's answers",
          "[integration][page_cache]") {
  SECTION("with the cache off, every request renders") {
    Site site({"--cache-mb", "0"});
    for (const char* path : {"/articles/alpha", "/articles/beta?utm_source=x"}) {
      check_same_answers(site, path, false);
    }
    // Not a 200: left to the library, which renders its styled 404.
    for (const char* path : {"/articles/nobody-wrote-this", "/articles/Not_A_Slug"}) {
      INFO(path);
      auto r = raw_exchange(site.server().port(), {request_bytes("GET", path)});
      REQUIRE(r.size() == 1);
      CHECK(r[0].status == 404);
      CHECK(contains(r[0].body, "<h1"));
      CHECK(r[0].header("Cache-Control") == "no-store");
    }
  }
  SECTION("with the cache on, the page rendered early is kept") {
    Site site;
    int port = site.server().port();
    // A HEAD in HTTP/1.1 has no Accept-Ranges only when the guard answered it.
    auto first = raw_exchange(port, {request_bytes("HEAD", "/articles/gamma")});
    REQUIRE(first.size() == 1);
    CHECK(first[0].status == 200);
    CHECK(cache_miss(first[0]));
    CHECK_FALSE(first[0].has("Accept-Ranges"));
    RawResponse again = site.get("/articles/gamma");
    CHECK(cache_hit(again));
    CHECK(again.header("ETag") == first[0].header("ETag"));
    CHECK(again.header("Content-Length") == first[0].header("Content-Length"));
    // A write: the next request renders the new state, early, and keeps it.
    site.import(newsroom("Alpha renamed"));
    CHECK(poll_until([&] { return contains(site.get("/articles/beta").body, "Alpha renamed"); }));
    CHECK(cache_hit(site.get("/articles/beta")));
  }
}

TEST_CASE("early answers and the library's share a keep-alive connection",
          "[integration][page_cache]") {
  Site site;
  RawResponse alpha = site.get("/articles/alpha");
  REQUIRE(alpha.status == 200);
  REQUIRE(site.get("/tags/news").status == 200);
  int port = site.server().port();
  // Pipelined in one write: hits (early), a miss and a percent-escaped target (the
  // library's), a 304, a HEAD; the last one closes.
  auto responses = raw_exchange(
      port, {request_bytes("GET", "/articles/alpha"), request_bytes("GET", "/articles/beta"),
             request_bytes("GET", "/articles/alpha", {{"If-None-Match", alpha.header("ETag")}}),
             request_bytes("GET", "/articles/%61lpha"), request_bytes("HEAD", "/articles/alpha"),
             request_bytes("GET", "/tags/news", {}, "HTTP/1.1", true)});
  REQUIRE(responses.size() == 6);
  CHECK(responses[0].status == 200);
  CHECK(responses[0].body == alpha.body);
  CHECK(responses[0].header("Keep-Alive").starts_with("timeout="));
  CHECK(responses[1].status == 200);
  CHECK(cache_miss(responses[1]));
  CHECK(contains(responses[1].body, "Beta story"));
  CHECK(responses[2].status == 304);
  CHECK(responses[2].body.empty());
  CHECK(responses[3].status == 200);
  CHECK(responses[3].body == alpha.body);
  CHECK(responses[4].status == 200);
  CHECK(responses[4].body.empty());
  CHECK(responses[4].header("Content-Length") == std::to_string(alpha.body.size()));
  CHECK(responses[5].status == 200);
  CHECK(responses[5].header("Connection") == "close");
  CHECK(contains(responses[5].body, "Gamma story"));

  SECTION("Connection: close on an early answer ends the connection") {
    auto closed = raw_exchange(port, {request_bytes("GET", "/articles/alpha", {}, "HTTP/1.1", true),
                                      request_bytes("GET", "/articles/alpha")});
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].status == 200);
    CHECK(closed[0].header("Connection") == "close");
    CHECK(closed[0].body == alpha.body);
  }
}

TEST_CASE("an early answer writes its access line", "[integration][page_cache]") {
  Site site;
  REQUIRE(site.get("/articles/alpha").status == 200);  // the miss, rendered early
  REQUIRE(site.server().wait_for_log("GET /articles/alpha 200 "));
  CHECK_FALSE(std::regex_search(site.server().log(), std::regex("GET /articles/alpha .* hit")));
  RawResponse hit = site.get("/articles/alpha?utm_source=x", {{"Accept-Encoding", "gzip"}});
  CHECK(cache_hit(hit));
  CHECK(site.server().wait_for_log("GET /articles/alpha 200 " + std::to_string(hit.body.size()) +
                                   "B "));
  CHECK(std::regex_search(site.server().log(),
                          std::regex("access GET /articles/alpha 200 \\d+B [0-9.]+ms hit "
                                     "127\\.0\\.0\\.1:\\d+\\n")));
}
