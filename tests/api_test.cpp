// Integration tests of GET /api/articles/{slug} and of `gazette related --rebuild`: the
// real binary, over HTTP on an ephemeral port.
#include <httplib.h>

#include <catch2/catch.hpp>

#include "content/dates.h"
#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "tests/process_support.h"

using gazette::test::run_gazette;
using gazette::test::ServerProcess;
using gazette::test::TempDir;

namespace {

gazette::Article article(const std::string& slug, const std::string& title, const std::string& body,
                         const std::string& date,
                         gazette::Status status = gazette::Status::published) {
  gazette::Article a;
  a.slug = slug;
  a.title = title;
  a.summary = "About " + title + ".";
  a.body_markdown = body;
  a.author = "Test Author";
  a.tags = {"weather"};
  a.status = status;
  a.published_at = date;
  return a;
}

void seed(const std::string& path) {
  auto opened = gazette::db::open_database(path);
  std::string now = gazette::now_iso8601();
  std::vector<gazette::Article> articles = {
      article("flood", "River floods the coast road",
              "Storm rain made the river flood the coast road.", "2026-01-02T00:00:00Z"),
      article("flood-warning", "Flood warning as the storm nears",
              "Storm winds and rain will flood the river and the coast.", "2026-01-03T00:00:00Z"),
      article("flood-draft", "Flood draft", "Storm river flood coast rain.", "2026-01-04T00:00:00Z",
              gazette::Status::draft),
      article("flood-later", "Flood: the storm to come", "Storm river flood coast rain.",
              "2999-01-01T00:00:00Z"),
      article("budget", "Council budget passes", "The mayor and council vote the budget.",
              "2026-01-05T00:00:00Z"),
  };
  articles[0].tags = {"weather", "coast"};
  articles[4].tags = {"politics"};
  for (auto& a : articles) REQUIRE(gazette::normalize_and_validate(a, now).empty());
  REQUIRE(std::holds_alternative<gazette::db::SaveResult>(gazette::db::save_articles(
      *opened.connection, articles, now, gazette::db::RelatedWeights{})));
}

}  // namespace

TEST_CASE("GET /api/articles/{slug}: the article and its related list as JSON",
          "[integration][api]") {
  TempDir dir;
  seed(dir / "site.db");
  ServerProcess server({"--db", dir / "site.db"});
  httplib::Client c("127.0.0.1", server.port());
  c.set_decompress(false);

  auto r = c.Get("/api/articles/flood");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  CHECK(r->get_header_value("Cache-Control") == "public, max-age=60");
  CHECK_FALSE(r->get_header_value("ETag").empty());
  CHECK_FALSE(r->get_header_value("Last-Modified").empty());
  CHECK(r->get_header_value("Content-Security-Policy") == "default-src 'self'");
  const std::string& body = r->body;
  CHECK(body.starts_with("{\"slug\":\"flood\","));
  CHECK(body.find("\"title\":\"River floods the coast road\"") != std::string::npos);
  CHECK(body.find("\"tags\":[\"weather\",\"coast\"]") != std::string::npos);
  // The published neighbour, with its score; never the draft, the scheduled one (as of
  // now) or the unrelated one.
  CHECK(body.find("\"related\":[{\"slug\":\"flood-warning\",\"title\":\"Flood warning as the "
                  "storm nears\",\"summary\":\"About Flood warning as the storm nears.\","
                  "\"score\":0.") != std::string::npos);
  CHECK(body.find("flood-draft") == std::string::npos);
  CHECK(body.find("flood-later") == std::string::npos);
  CHECK(body.find("\"slug\":\"budget\"") == std::string::npos);
  CHECK(body.ends_with("]}"));

  // A conditional GET gets 304 from the ETag.
  auto again = c.Get("/api/articles/flood", {{"If-None-Match", r->get_header_value("ETag")}});
  REQUIRE(again);
  CHECK(again->status == 304);

  for (const char* missing : {"/api/articles/nope", "/api/articles/flood-draft",
                              "/api/articles/flood-later", "/api/articles/Bad%20Slug"}) {
    INFO(missing);
    auto m = c.Get(missing);
    REQUIRE(m);
    CHECK(m->status == 404);
    CHECK(m->get_header_value("Content-Type") == "application/json");
    CHECK(m->body == "{\"error\":\"not found\"}");
  }
  auto post = c.Post("/api/articles/flood", "", "text/plain");
  REQUIRE(post);
  CHECK(post->status == 405);
}

TEST_CASE("gazette related --rebuild recomputes every list", "[integration][cli][related]") {
  TempDir dir;
  seed(dir / "site.db");
  auto r = run_gazette({"related", "--rebuild", "--db", dir / "site.db"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("rebuilt the related lists of 5 articles") != std::string::npos);
  CHECK(r.err.find("related: ranking, 100%") != std::string::npos);
  {
    auto opened = gazette::db::open_database(dir / "site.db");
    auto& c = *opened.connection;
    auto id = c.query_int("SELECT id FROM articles WHERE slug = 'flood'").value();
    auto list = gazette::db::related_public(c, id, "2026-06-01T00:00:00Z", 5);
    REQUIRE(list.size() == 1);
    CHECK(list[0].slug == "flood-warning");
  }

  auto usage = run_gazette({"related", "--db", dir / "site.db"});
  CHECK(usage.exit_code == 2);
  CHECK(usage.err.find("--rebuild") != std::string::npos);
  auto bad = run_gazette({"related", "--rebuild", "--db", dir / "site.db"},
                         {{"GAZETTE_RELATED_MIN_SCORE", "2"}});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("GAZETTE_RELATED_MIN_SCORE expects a number from 0 to 1") !=
        std::string::npos);
  // A flag wins over its variable; another threshold gives other lists.
  auto strict =
      run_gazette({"related", "--rebuild", "--db", dir / "site.db", "--related-min-score", "0.99"},
                  {{"GAZETTE_RELATED_MIN_SCORE", "0.1"}});
  CHECK(strict.exit_code == 0);
  {
    auto opened = gazette::db::open_database(dir / "site.db");
    auto& c = *opened.connection;
    auto id = c.query_int("SELECT id FROM articles WHERE slug = 'flood'").value();
    CHECK(gazette::db::related_public(c, id, "2026-06-01T00:00:00Z", 5).empty());
  }
}
