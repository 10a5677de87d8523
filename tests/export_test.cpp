// Integration tests of `gazette export`: the exported folder served by real nginx on a
// loopback port must work as a site (pages, links, assets, feed) and its pages must be
// the live server's pages, byte for byte.
#include <httplib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "tests/process_support.h"

using gazette::test::run_gazette;
using gazette::test::TempDir;

namespace fs = std::filesystem;

namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";
constexpr const char* kBaseUrl = "https://news.example.org";

// nginx serving `root` at / on a free loopback port, the way the README recommends.
class StaticSite {
 public:
  explicit StaticSite(const fs::path& root) : port_(gazette::test::free_port()) {
    fs::create_directories(dir_.path() / "tmp");
    std::ofstream(dir_ / "nginx.conf")
        << "daemon off;\nworker_processes 1;\npid " << (dir_ / "nginx.pid") << ";\n"
        << "error_log " << (dir_ / "error.log") << ";\nevents {}\nhttp {\n"
        << "  include /etc/nginx/mime.types;\n  access_log off;\n"
        << "  client_body_temp_path " << (dir_ / "tmp") << ";\n"
        << "  proxy_temp_path " << (dir_ / "tmp") << ";\n"
        << "  fastcgi_temp_path " << (dir_ / "tmp") << ";\n"
        << "  uwsgi_temp_path " << (dir_ / "tmp") << ";\n"
        << "  scgi_temp_path " << (dir_ / "tmp") << ";\n"
        << "  server {\n    listen 127.0.0.1:" << port_ << ";\n    root " << root.string()
        << ";\n    location / { try_files $uri $uri/index.html =404; }\n"
        << "    error_page 404 /404.html;\n  }\n}\n";
    nginx_ = std::make_unique<gazette::test::BackgroundProcess>(
        kNginx, std::vector<std::string>{"-p", dir_.path().string(), "-c", dir_ / "nginx.conf"});
    if (!gazette::test::wait_for_port(port_)) {
      throw std::runtime_error("nginx did not start: " + nginx_->output());
    }
  }
  int port() const { return port_; }

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<gazette::test::BackgroundProcess> nginx_;
};

httplib::Result get(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_decompress(false);
  return c.Get(path);
}

// Every href="/..." in `html` (site-internal links).
std::set<std::string> internal_links(const std::string& html) {
  std::set<std::string> out;
  static const std::regex href(R"re(href="(/[^"#?]*)")re");
  for (std::sregex_iterator it(html.begin(), html.end(), href), end; it != end; ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

}  // namespace

TEST_CASE("an exported site served by nginx equals the live site", "[integration][export]") {
  REQUIRE(fs::exists(kNginx));
  TempDir dir;
  std::string db = dir / "site.db";
  std::string out = dir / "public";
  // The demo content: served once so that serve creates it.
  gazette::test::ServerProcess live({"--db", db, "--base-url", kBaseUrl});

  auto r = run_gazette({"export", "--db", db, "--out", out, "--base-url", kBaseUrl});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("exported ") == 0);
  // nginx's workers run as nobody: the folder must be readable by everyone.
  for (fs::path p = out; p != p.root_path(); p = p.parent_path()) {
    fs::permissions(p, fs::perms::others_read | fs::perms::others_exec, fs::perm_options::add);
  }
  for (auto& e : fs::recursive_directory_iterator(out)) {
    fs::permissions(e.path(), fs::perms::others_read | fs::perms::others_exec,
                    fs::perm_options::add);
  }
  StaticSite site(out);

  // Walk the site from the home page through every internal link, on both servers.
  std::set<std::string> seen, pending = {"/"};
  while (!pending.empty()) {
    std::string path = *pending.begin();
    pending.erase(pending.begin());
    seen.insert(path);
    auto from_nginx = get(site.port(), path);
    auto from_live = get(live.port(), path);
    INFO(path);
    REQUIRE(from_nginx);
    REQUIRE(from_live);
    CHECK(from_nginx->status == 200);
    CHECK(from_live->status == 200);
    CHECK(from_nginx->body == from_live->body);
    if (from_live->get_header_value("Content-Type").starts_with("text/html")) {
      for (const auto& link : internal_links(from_live->body)) {
        if (!seen.count(link)) pending.insert(link);
      }
    }
  }
  // Home pages, articles, tags, static assets were all reached.
  CHECK(seen.size() > 25);
  CHECK(std::count_if(seen.begin(), seen.end(),
                      [](const std::string& p) { return p.starts_with("/articles/"); }) == 10);
  CHECK(std::count_if(seen.begin(), seen.end(),
                      [](const std::string& p) { return p.starts_with("/static/"); }) >= 2);
  CHECK(std::count_if(seen.begin(), seen.end(),
                      [](const std::string& p) { return p.starts_with("/tags/"); }) >= 10);

  // The feed, sitemap and robots.txt are there too, equal to the live ones.
  for (const char* path : {"/feed.xml", "/sitemap.xml", "/robots.txt"}) {
    INFO(path);
    auto a = get(site.port(), path);
    auto b = get(live.port(), path);
    REQUIRE((a && b));
    CHECK(a->status == 200);
    CHECK(a->body == b->body);
  }
  // A missing page gets the exported 404 page.
  auto missing = get(site.port(), "/articles/no-such-story");
  CHECK(missing->status == 404);
  CHECK(missing->body.find("Page not found") != std::string::npos);
}

TEST_CASE("export replaces an earlier export but never a foreign folder", "[integration][export]") {
  TempDir dir;
  std::string db = dir / "site.db";
  {
    gazette::test::ServerProcess once({"--db", db});  // creates the demo database
  }
  std::string out = dir / "public";
  REQUIRE(run_gazette({"export", "--db", db, "--out", out}).exit_code == 0);
  CHECK(fs::exists(fs::path(out) / "index.html"));
  CHECK(fs::exists(fs::path(out) / "articles/wrenmouth-to-get-four-night-bus-routes/index.html"));
  CHECK(fs::exists(fs::path(out) / "tags/city council/index.html"));
  CHECK(fs::exists(fs::path(out) / "404.html"));
  std::ofstream(fs::path(out) / "stale.html") << "old";
  REQUIRE(run_gazette({"export", "--db", db, "--out", out}).exit_code == 0);
  CHECK_FALSE(fs::exists(fs::path(out) / "stale.html"));  // a fresh site, not a merge

  std::string mine = dir / "my-documents";
  fs::create_directories(mine);
  std::ofstream(fs::path(mine) / "thesis.txt") << "precious";
  auto r = run_gazette({"export", "--db", db, "--out", mine});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("not empty and not an earlier export") != std::string::npos);
  CHECK(fs::exists(fs::path(mine) / "thesis.txt"));
  // No temporary folder left behind.
  for (auto& e : fs::directory_iterator(dir.path())) {
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
  }
  CHECK(run_gazette({"export", "--db", db}).exit_code == 2);
}
