// Integration test of gazette behind a caching proxy: real nginx (Debian's nginx-light)
// with proxy_cache on a loopback port in front of `gazette serve --max-age 1`. What a
// cache in front relies on must hold: pages are stored and served from the proxy, they
// are revalidated with If-None-Match once max-age runs out (gazette answers 304), a
// write shows through the proxy after max-age, and Vary: Accept-Encoding keeps a gzip
// body from reaching a client that did not ask for one.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>

#include "tests/http_support.h"
#include "tests/process_support.h"

using gazette::test::decode_body;
using gazette::test::poll_until;
using gazette::test::raw_request;
using gazette::test::RawResponse;
using gazette::test::read_file;
using gazette::test::run_gazette;
using gazette::test::ServerProcess;
using gazette::test::TempDir;

namespace fs = std::filesystem;

namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";

// nginx with proxy_cache on a free loopback port, passing every request to `upstream`.
// $upstream_cache_status goes out as X-Cache-Status.
class CachingProxy {
 public:
  explicit CachingProxy(int upstream)
      : port_(gazette::test::free_port()), nginx_(config(port_, upstream), port_) {}
  int port() const { return port_; }
  std::string error_log() const { return nginx_.error_log(); }

 private:
  static std::string config(int port, int upstream) {
    // The cache folder sits in the prefix the workers may reach.
    return "  proxy_cache_path cache"
           " levels=1:2 keys_zone=gazette:1m max_size=16m inactive=10m use_temp_path=off;\n"
           "  server {\n    listen 127.0.0.1:" +
           std::to_string(port) +
           ";\n"
           "    location / {\n"
           "      proxy_pass http://127.0.0.1:" +
           std::to_string(upstream) +
           ";\n"
           "      proxy_http_version 1.1;\n"
           "      proxy_set_header Host $host;\n"
           // The client's own Accept-Encoding (nginx's default, said out loud): the page's
           // Vary header is what keeps the variants apart.
           "      proxy_set_header Accept-Encoding $http_accept_encoding;\n"
           "      proxy_cache gazette;\n"
           "      proxy_cache_revalidate on;\n"
           "      add_header X-Cache-Status $upstream_cache_status always;\n"
           "    }\n  }\n";
  }
  int port_;
  gazette::test::NginxProcess nginx_;
};

std::string record(const std::string& slug, const std::string& title, const std::string& date) {
  return "{\"slug\":\"" + slug + "\",\"title\":\"" + title + "\",\"summary\":\"The dek of " + slug +
         ".\",\"body_markdown\":\"The body of " + slug +
         ".\\n\\nA second paragraph, long enough to be worth compressing.\","
         "\"author\":\"Ann Writer\",\"tags\":[\"news\"],\"status\":\"published\","
         "\"published_at\":\"" +
         date + "\"}\n";
}

std::string newsroom(const std::string& first_title) {
  return record("first", first_title, "2026-03-01T09:00:00Z") +
         record("second", "Second story", "2026-03-02T09:00:00Z");
}

void import(const TempDir& dir, const std::string& db, const std::string& name,
            const std::string& jsonl) {
  std::ofstream(dir / name, std::ios::binary) << jsonl;
  auto r = run_gazette({"import", "--db", db, dir / name});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// How many access lines answered `method path` with `status`.
int answered(const std::string& access_log, const std::string& method, const std::string& path,
             int status) {
  std::regex line(method + " " + path + " " + std::to_string(status) + " ");
  return static_cast<int>(std::distance(
      std::sregex_iterator(access_log.begin(), access_log.end(), line), std::sregex_iterator()));
}

}  // namespace

TEST_CASE("nginx proxy_cache in front: hits, revalidation, writes, codings",
          "[integration][page_cache][nginx][slow]") {
  REQUIRE(fs::exists(kNginx));
  TempDir dir;
  std::string db = dir / "site.db";
  std::string access_log = dir / "access.log";
  import(dir, db, "seed.jsonl", newsroom("First story"));
  ServerProcess gazette({"--db", db, "--max-age", "1", "--access-log", access_log});
  CachingProxy proxy(gazette.port());
  auto via_proxy = [&](const std::string& path, const std::string& accept = "") {
    std::vector<std::pair<std::string, std::string>> h;
    if (!accept.empty()) h.emplace_back("Accept-Encoding", accept);
    return raw_request(proxy.port(), "GET", path, h);
  };
  RawResponse direct = raw_request(gazette.port(), "GET", "/");
  REQUIRE(direct.status == 200);
  INFO(proxy.error_log());

  // Stored by the proxy, then served by it.
  RawResponse first = via_proxy("/");
  REQUIRE(first.status == 200);
  CHECK(first.header("X-Cache-Status") == "MISS");
  CHECK(first.body == direct.body);
  CHECK(first.header("Cache-Control") == "public, max-age=1");
  RawResponse second = via_proxy("/");
  CHECK(second.header("X-Cache-Status") == "HIT");
  CHECK(second.body == direct.body);
  CHECK(second.header("ETag") == direct.header("ETag"));

  // Once max-age has run out the proxy asks with If-None-Match; nothing changed, so
  // gazette answers 304 and the proxy keeps serving what it has.
  RawResponse revalidated;
  CHECK(poll_until(
      [&] {
        revalidated = via_proxy("/");
        return revalidated.header("X-Cache-Status") != "HIT";
      },
      std::chrono::seconds(10)));
  CHECK(revalidated.header("X-Cache-Status") == "REVALIDATED");
  CHECK(revalidated.status == 200);
  CHECK(revalidated.body == direct.body);
  CHECK(poll_until([&] { return answered(read_file(access_log), "GET", "/", 304) >= 1; }));

  // A write in another process: within max-age the proxy may serve the old page; after
  // it, the new one.
  import(dir, db, "edit.jsonl", newsroom("First story, corrected"));
  RawResponse fresh;
  CHECK(poll_until(
      [&] {
        fresh = via_proxy("/");
        return contains(fresh.body, "First story, corrected");
      },
      std::chrono::seconds(10)));
  CHECK(fresh.status == 200);
  CHECK(fresh.header("ETag") != direct.header("ETag"));
  RawResponse direct_fresh = raw_request(gazette.port(), "GET", "/");
  CHECK(fresh.body == direct_fresh.body);
  CHECK(fresh.header("ETag") == direct_fresh.header("ETag"));

  SECTION("each client gets the coding it asked for, through the same cache key") {
    const std::string path = "/articles/second";
    RawResponse plain_direct = raw_request(gazette.port(), "GET", path);
    REQUIRE(plain_direct.status == 200);
    // Twice each, alternating: the first of each is stored, the second comes from the
    // proxy's store, and neither client ever gets the other's bytes.
    for (int round = 0; round < 2; ++round) {
      for (std::string accept : {"", "gzip", "br", "identity"}) {
        INFO("round " << round << " Accept-Encoding: " << accept);
        RawResponse r = via_proxy(path, accept);
        REQUIRE(r.status == 200);
        std::string expected = accept == "gzip" || accept == "br" ? accept : "";
        CHECK(r.header("Content-Encoding") == expected);
        CHECK(r.header("Vary") == "Accept-Encoding");
        if (expected == "gzip") {
          REQUIRE(r.body.size() > 2);
          CHECK(static_cast<unsigned char>(r.body[0]) == 0x1f);
          CHECK(static_cast<unsigned char>(r.body[1]) == 0x8b);
        }
        auto decoded = decode_body(expected, r.body);
        REQUIRE(decoded);
        CHECK(*decoded == plain_direct.body);
        // From the proxy's store (revalidated when a slow round outlived max-age).
        if (round == 1) {
          CHECK(
              (r.header("X-Cache-Status") == "HIT" || r.header("X-Cache-Status") == "REVALIDATED"));
        }
      }
    }
  }
  SECTION("a gzip variant is revalidated with its own tag") {
    const std::string path = "/articles/first";
    RawResponse gz = via_proxy(path, "gzip");
    REQUIRE(gz.status == 200);
    REQUIRE(gz.header("Content-Encoding") == "gzip");
    CHECK(gz.header("ETag").ends_with("-gz\""));
    RawResponse again;
    CHECK(poll_until(
        [&] {
          again = via_proxy(path, "gzip");
          return again.header("X-Cache-Status") == "REVALIDATED";
        },
        std::chrono::seconds(10)));
    CHECK(again.header("Content-Encoding") == "gzip");
    CHECK(again.body == gz.body);
    CHECK(poll_until([&] { return answered(read_file(access_log), "GET", path, 304) >= 1; }));
  }
}
