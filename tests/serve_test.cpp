// Integration tests: the real gazette binary on an ephemeral loopback port, spoken to
// over HTTP. Each test starts its own server on its own temporary database.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "content/dates.h"
#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "tests/http_support.h"
#include "tests/process_support.h"

using gazette::test::occurrences;
using gazette::test::ServerProcess;
using gazette::test::TempDir;

namespace {

// A GET without Accept-Encoding (so bodies come back as sent) and with any extra headers.
httplib::Result get(const ServerProcess& s, const std::string& path,
                    const httplib::Headers& headers = {}) {
  httplib::Client c("127.0.0.1", s.port());
  c.set_decompress(false);
  return c.Get(path, headers);
}

void check_security_headers(const httplib::Response& r) {
  CHECK(r.get_header_value("Content-Security-Policy") == "default-src 'self'");
  CHECK(r.get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(r.get_header_value("Referrer-Policy") == "strict-origin-when-cross-origin");
}

gazette::Article make_article(const std::string& title, const std::string& date,
                              std::vector<std::string> tags,
                              gazette::Status status = gazette::Status::published) {
  gazette::Article a;
  a.title = title;
  a.summary = "Summary of " + title + ".";
  a.body_markdown = "Body of **" + title + "**.\n\n## Section\n\nMore text here.";
  a.author = "Test Author";
  a.tags = std::move(tags);
  a.status = status;
  a.published_at = date;
  return a;
}

// A database made by the test (so serve loads no demo content) holding `articles`.
void seed(const std::string& path, std::vector<gazette::Article> articles) {
  auto opened = gazette::db::open_database(path);
  std::string now = gazette::now_iso8601();
  for (auto& a : articles) REQUIRE(gazette::normalize_and_validate(a, now).empty());
  auto result =
      gazette::db::save_articles(*opened.connection, articles, now, gazette::db::RelatedWeights{});
  REQUIRE(std::holds_alternative<gazette::db::SaveResult>(result));
}

}  // namespace

TEST_CASE("first start creates the demo site and the admin account", "[integration][serve]") {
  TempDir dir;
  std::string db = dir / "site.db";
  std::string password;
  {
    ServerProcess server({"--db", db});
    auto home = get(server, "/");
    REQUIRE(home);
    CHECK(home->status == 200);
    CHECK(home->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(occurrences(home->body, "href=\"/articles/") >= 10);
    CHECK(home->body.find("Wrenmouth") != std::string::npos);
    CHECK(home->body.find("<link rel=\"canonical\" href=\"" + server.url() + "/\">") !=
          std::string::npos);
    // Every demo story has something in its related sidebar, the top story included
    // (its pins: the demo is too small for content similarity to relate everything).
    const std::regex article_link(R"re(href="(/articles/[a-z0-9-]+)")re");
    std::set<std::string> articles;
    for (auto it = std::sregex_iterator(home->body.begin(), home->body.end(), article_link);
         it != std::sregex_iterator(); ++it) {
      articles.insert((*it)[1]);
    }
    CHECK(articles.size() == 10);
    for (const auto& path : articles) {
      auto page = get(server, path);
      REQUIRE(page);
      INFO(path);
      CHECK(page->status == 200);
      CHECK(page->body.find("related-empty") == std::string::npos);
    }

    std::smatch m;
    std::string log = server.log();
    REQUIRE(std::regex_search(log, m, std::regex(R"(password: (\S{20}))")));
    password = m[1];
    CHECK(log.find("listening on " + server.url()) != std::string::npos);
    CHECK(log.find("10 articles") != std::string::npos);
    CHECK(server.stop(SIGTERM) == 0);
  }
  // Stored only as an argon2id hash.
  {
    gazette::db::Connection c(db, gazette::db::OpenMode::read_only);
    auto s = c.prepare("SELECT password_hash FROM users WHERE name = 'admin'");
    REQUIRE(s.step());
    CHECK(s.text(0).starts_with("$argon2id$"));
    CHECK(s.text(0).find(password) == std::string::npos);
  }
  // A second start neither reloads the demo nor prints a password again.
  ServerProcess again({"--db", db});
  auto home = get(again, "/");
  REQUIRE(home);
  CHECK(home->status == 200);
  CHECK(again.log().find("password:") == std::string::npos);
  CHECK(again.log().find("10 articles") != std::string::npos);
}

TEST_CASE("the home page carries caching, security and sharing headers", "[integration][serve]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db", "--base-url", "https://news.example.org/"});
  auto r = get(server, "/");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  check_security_headers(*r);
  CHECK(r->get_header_value("Cache-Control") == "public, max-age=60");
  CHECK(r->get_header_value("Vary") == "Accept-Encoding");
  CHECK(std::regex_match(r->get_header_value("ETag"), std::regex(R"("[0-9a-f]{16}")")));
  CHECK(std::regex_match(
      r->get_header_value("Last-Modified"),
      std::regex(R"([A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT)")));
  CHECK(r->get_header_value("X-Frame-Options").empty());  // only admin pages deny framing
  // --base-url drives canonical and OpenGraph URLs (its trailing slash dropped).
  CHECK(r->body.find("<link rel=\"canonical\" href=\"https://news.example.org/\">") !=
        std::string::npos);
  CHECK(r->body.find("<meta property=\"og:url\" content=\"https://news.example.org/\">") !=
        std::string::npos);
  CHECK(r->body.find("og:title") != std::string::npos);
  // No inline style or script that CSP would block.
  CHECK(r->body.find("style=") == std::string::npos);
  CHECK(r->body.find("<style") == std::string::npos);
  CHECK(occurrences(r->body, "<script") == 0);

  SECTION("a matching If-None-Match gets 304 with no body") {
    auto again = get(server, "/", {{"If-None-Match", r->get_header_value("ETag")}});
    REQUIRE(again);
    CHECK(again->status == 304);
    CHECK(again->body.empty());
    CHECK(again->get_header_value("ETag") == r->get_header_value("ETag"));
    check_security_headers(*again);
  }
  SECTION("a different ETag gets the page") {
    auto again = get(server, "/", {{"If-None-Match", "\"0000000000000000\""}});
    REQUIRE(again);
    CHECK(again->status == 200);
    CHECK(again->body == r->body);
  }
  SECTION("HEAD gets the headers without the body") {
    httplib::Client c("127.0.0.1", server.port());
    auto head = c.Head("/");
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->body.empty());
    CHECK(head->get_header_value("ETag") == r->get_header_value("ETag"));
  }
}

TEST_CASE("the article page has its parts and the related sidebar", "[integration][serve]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  // The demo's water-rates story pins the heat plan; both share climate/water/council.
  auto r = get(server, "/articles/water-rates-to-rise-council-backs-mains-replacement");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const std::string& html = r->body;
  check_security_headers(*r);
  CHECK(r->get_header_value("Cache-Control") == "public, max-age=60");
  CHECK(occurrences(html, "<article") == 1);
  CHECK(occurrences(html, "<h1") == 1);
  CHECK(std::regex_search(html, std::regex(R"(<time datetime="2026-10-29T08:15:00Z">)")));
  CHECK(html.find("29 October 2026") != std::string::npos);
  CHECK(html.find("min read") != std::string::npos);
  CHECK(html.find("href=\"/tags/city%20council\"") != std::string::npos);
  CHECK(html.find("Priya Ramaswamy") != std::string::npos);
  CHECK(html.find("<table>") != std::string::npos);  // GFM table in the body
  CHECK(html.find("og:type\" content=\"article\"") != std::string::npos);
  CHECK(html.find("\"@type\":\"NewsArticle\"") != std::string::npos);

  auto aside_start = html.find("<aside class=\"related\"");
  REQUIRE(aside_start != std::string::npos);
  CHECK(occurrences(html, "<aside") == 1);
  auto aside = html.substr(aside_start, html.find("</aside>", aside_start) - aside_start);
  int links = occurrences(aside, "<a href=\"/articles/");
  CHECK(links >= 1);
  CHECK(links <= 5);
  // The pin comes first, and an article is never related to itself.
  CHECK(aside.find("<a href=\"/articles/") ==
        aside.find("<a href=\"/articles/wrenmouth-adopts-heat-response-plan\""));
  CHECK(aside.find("water-rates-to-rise") == std::string::npos);
}

TEST_CASE("drafts, scheduled and unknown articles are not found", "[integration][serve]") {
  TempDir dir;
  std::string db = dir / "site.db";
  seed(db, {make_article("Public story", "2026-01-01T10:00:00Z", {"a"}),
            make_article("Draft story", "2026-01-02T10:00:00Z", {"a"}, gazette::Status::draft),
            make_article("Future story", "2999-01-01T10:00:00Z", {"a"})});
  ServerProcess server({"--db", db});
  CHECK(get(server, "/articles/public-story")->status == 200);
  for (const char* path : {"/articles/draft-story", "/articles/future-story",
                           "/articles/no-such-story", "/articles/Bad%20Slug", "/nothing-here"}) {
    INFO(path);
    auto r = get(server, path);
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(r->body.find("Page not found") != std::string::npos);
    CHECK(r->body.find("noindex") != std::string::npos);
    check_security_headers(*r);
  }
  // Neither the draft nor the scheduled one shows in listings or sidebars.
  auto home = get(server, "/");
  CHECK(home->body.find("Draft story") == std::string::npos);
  CHECK(home->body.find("Future story") == std::string::npos);
  auto page = get(server, "/articles/public-story");
  CHECK(page->body.find("/articles/draft-story") == std::string::npos);
  CHECK(page->body.find("/articles/future-story") == std::string::npos);
}

TEST_CASE("listings paginate 20 a page", "[integration][serve]") {
  TempDir dir;
  std::string db = dir / "site.db";
  std::vector<gazette::Article> articles;
  for (int i = 1; i <= 45; ++i) {
    char date[32];
    std::snprintf(date, sizeof date, "2026-03-%02dT09:00:00Z", (i % 28) + 1);
    std::string d = date;
    d[11] = static_cast<char>('0' + i / 28);  // distinct times on the same day
    articles.push_back(
        make_article("Story number " + std::to_string(i), d, {i % 2 ? "odd" : "even", "all"}));
  }
  seed(db, articles);
  ServerProcess server({"--db", db});

  auto p1 = get(server, "/");
  auto p2 = get(server, "/?page=2");
  auto p3 = get(server, "/?page=3");
  REQUIRE((p1 && p2 && p3));
  CHECK(p1->status == 200);
  CHECK(occurrences(p1->body, "<article class=\"card\"") +
            occurrences(p1->body, "<article class=\"lead\"") ==
        20);
  CHECK(occurrences(p2->body, "<article class=\"card\"") == 20);
  CHECK(occurrences(p3->body, "<article class=\"card\"") == 5);
  // Links use /page/N, which a static export can serve; ?page=N gives the same page.
  CHECK(p1->body.find("href=\"/page/2\"") != std::string::npos);
  CHECK(p2->body.find("href=\"/\"") != std::string::npos);  // newer: page 1 is "/"
  CHECK(p2->body.find("href=\"/page/3\"") != std::string::npos);
  CHECK(p3->body.find("/page/4") == std::string::npos);
  CHECK(p2->body.find("rel=\"canonical\" href=\"" + server.url() + "/page/2\"") !=
        std::string::npos);
  CHECK(get(server, "/page/2")->body == p2->body);
  auto first = get(server, "/page/1");
  CHECK(first->status == 301);
  CHECK(first->get_header_value("Location") == "/");

  CHECK(get(server, "/?page=4")->status == 404);
  CHECK(get(server, "/page/4")->status == 404);
  CHECK(get(server, "/page/0")->status == 400);
  for (const char* bad : {"/?page=0", "/?page=-1", "/?page=abc", "/?page=2x", "/?page="}) {
    INFO(bad);
    auto r = get(server, bad);
    CHECK(r->status == 400);
    CHECK(r->body.find("page parameter") != std::string::npos);
  }

  auto odd = get(server, "/tags/odd/page/2");
  REQUIRE(odd);
  CHECK(odd->status == 200);
  CHECK(occurrences(odd->body, "<article class=\"card\"") == 3);     // 23 odd stories: 20 + 3
  CHECK(odd->body.find("href=\"/tags/odd\"") != std::string::npos);  // back to page 1
  CHECK(get(server, "/tags/odd?page=2")->body == odd->body);
  CHECK(get(server, "/tags/odd/page/3")->status == 404);
  CHECK(get(server, "/tags/odd/page/1")->get_header_value("Location") == "/tags/odd");
}

TEST_CASE("tag pages", "[integration][serve]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  auto r = get(server, "/tags/city%20council");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find("city council") != std::string::npos);
  CHECK(occurrences(r->body, "<article class=\"card\"") == 4);  // four demo stories carry it
  CHECK(r->body.find("rel=\"canonical\" href=\"" + server.url() + "/tags/city%20council\"") !=
        std::string::npos);
  CHECK(r->body.find("href=\"/tags/city%20council/feed.xml\"") != std::string::npos);

  auto upper = get(server, "/tags/City%20Council");
  REQUIRE(upper);
  CHECK(upper->status == 301);
  // (cpp-httplib's client hands back Location percent-decoded.)
  CHECK(upper->get_header_value("Location") == "/tags/city council");
  check_security_headers(*upper);

  CHECK(get(server, "/tags/no-such-tag")->status == 404);
}

TEST_CASE("static assets are content-hashed and cached for a year", "[integration][serve]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  auto home = get(server, "/");
  std::smatch m;
  REQUIRE(std::regex_search(home->body, m,
                            std::regex(R"re(href="(/static/style\.[0-9a-f]{12}\.css)")re")));
  auto css = get(server, m[1]);
  REQUIRE(css);
  CHECK(css->status == 200);
  CHECK(css->get_header_value("Content-Type") == "text/css; charset=utf-8");
  CHECK(css->get_header_value("Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(css->body.find("prefers-color-scheme: dark") != std::string::npos);
  check_security_headers(*css);
  auto etag = css->get_header_value("ETag");
  CHECK(get(server, m[1], {{"If-None-Match", etag}})->status == 304);

  REQUIRE(std::regex_search(home->body, m,
                            std::regex(R"re(href="(/static/favicon\.[0-9a-f]{12}\.svg)")re")));
  CHECK(get(server, m[1])->get_header_value("Content-Type") == "image/svg+xml");

  CHECK(get(server, "/static/style.000000000000.css")->status == 404);
  CHECK(get(server, "/static/style.css")->status == 404);
}

TEST_CASE("healthz, 405 and error pages", "[integration][serve]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  auto h = get(server, "/healthz");
  REQUIRE(h);
  CHECK(h->status == 200);
  CHECK(h->body == "{\"status\":\"ok\"}");
  CHECK(h->get_header_value("Content-Type") == "application/json");
  check_security_headers(*h);

  httplib::Client c("127.0.0.1", server.port());
  auto post = c.Post("/", "x=1", "application/x-www-form-urlencoded");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->get_header_value("Allow") == "GET, HEAD");
  CHECK(post->body.find("Method not allowed") != std::string::npos);
  check_security_headers(*post);
  auto del = c.Delete("/articles/wrenmouth-adopts-heat-response-plan");
  REQUIRE(del);
  CHECK(del->status == 405);

  // Access lines name method, path, status and client, and escape control characters.
  get(server, "/articles/x%0Aforged");
  CHECK(server.wait_for_log("/articles/x\\x0aforged 404"));
  CHECK(server.wait_for_log("GET /healthz 200"));
  std::string log = server.log();
  CHECK(std::regex_search(
      log, std::regex(R"(access GET /healthz 200 \d+B [0-9.]+ms miss 127\.0\.0\.1:\d+)")));
  CHECK(log.find("/articles/x\\x0aforged 404") != std::string::npos);
}

TEST_CASE("SIGTERM and SIGINT stop the server cleanly", "[integration][serve]") {
  TempDir dir;
  for (int sig : {SIGTERM, SIGINT}) {
    ServerProcess server({"--db", dir / "site.db"});
    REQUIRE(get(server, "/")->status == 200);
    CHECK(server.stop(sig) == 0);
    CHECK(server.log().find("stopped") != std::string::npos);
  }
  // The WAL was checkpointed and removed by the clean close.
  CHECK_FALSE(std::filesystem::exists(dir / "site.db-wal"));
}

TEST_CASE("a theme directory overrides templates and static files", "[integration][serve]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "theme/views");
  std::filesystem::create_directories(dir.path() / "theme/static");
  std::ofstream(dir / "theme/views/error.mustache")
      << "<p class=\"themed\">{{error.status}}: {{error.heading}}</p>\n";
  std::ofstream(dir / "theme/static/style.css") << "body { color: rebeccapurple; }\n";
  ServerProcess server({"--db", dir / "site.db", "--theme", dir / "theme"});
  auto missing = get(server, "/nothing");
  CHECK(missing->status == 404);
  CHECK(missing->body.find("<p class=\"themed\">404: Page not found</p>") != std::string::npos);
  auto home = get(server, "/");
  std::smatch m;
  REQUIRE(std::regex_search(home->body, m,
                            std::regex(R"re(href="(/static/style\.[0-9a-f]+\.css)")re")));
  CHECK(get(server, m[1])->body == "body { color: rebeccapurple; }\n");
}

TEST_CASE("a broken theme template stops start-up with its name", "[integration][serve]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "theme/views");
  std::ofstream(dir / "theme/views/card.mustache") << "{{#unclosed}}\n";
  auto r = gazette::test::run_gazette(
      {"serve", "--db", dir / "site.db", "--port", "0", "--theme", dir / "theme"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("template error") != std::string::npos);
  CHECK(r.err.find("views/card.mustache") != std::string::npos);
  CHECK(r.err.find("Unclosed section \"unclosed\"") != std::string::npos);
}
