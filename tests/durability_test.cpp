// Reliability under the admin's writes: acknowledged saves survive SIGKILL at random
// points, and readers hammering the site during a stream of saves never see an error or
// a page that mixes two states.
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <random>
#include <regex>
#include <thread>

#include "db/sqlite.h"
#include "tests/admin_support.h"
#include "tests/http_support.h"

using gazette::test::AdminClient;
using gazette::test::poll_until;
using gazette::test::seed_admin_site;
using gazette::test::ServerProcess;
using gazette::test::TempDir;

namespace {

httplib::Params new_article(const std::string& csrf, const std::string& title,
                            const std::string& date) {
  return {{"csrf", csrf},         {"title", title},   {"slug", ""},     {"summary", "Summary."},
          {"body", "Body."},      {"author", "Load"}, {"tags", "load"}, {"status", "published"},
          {"published_at", date}, {"related", ""}};
}

std::string date_of(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-01-01T%02d:%02d:%02dZ", i / 3600, i / 60 % 60, i % 60);
  return buf;
}

}  // namespace

TEST_CASE("kill -9 during a stream of saves loses no acknowledged save",
          "[integration][durability][concurrency]") {
  TempDir dir;
  const std::string db = dir / "site.db";
  seed_admin_site(db, {});
  std::mt19937 rng(20261124);
  std::vector<std::string> acknowledged;
  int next = 0;
  for (int round = 0; round < 20; ++round) {
    INFO("round " << round);
    auto server = std::make_unique<ServerProcess>(std::vector<std::string>{"--db", db});
    AdminClient editor(server->port());
    REQUIRE(editor.sign_in() == 303);
    std::string csrf = editor.csrf_from("/admin/articles/new");
    REQUIRE(!csrf.empty());

    // A writer saves without pause; the kill lands after 1 to 6 acknowledgements, most
    // likely in the middle of the next save.
    std::mutex mutex;
    std::vector<std::string> acked_now;
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      while (!stop) {
        std::string title = "Crash test article " + std::to_string(next++);
        auto r = editor.submit("/admin/articles", new_article(csrf, title, date_of(next)));
        if (!r) break;  // killed
        if (r->status == 303) {
          std::lock_guard lock(mutex);
          acked_now.push_back(r->get_header_value("Location"));
        }
      }
    });
    std::size_t kill_after = std::uniform_int_distribution<std::size_t>(1, 6)(rng);
    bool reached = poll_until(
        [&] {
          std::lock_guard lock(mutex);
          return acked_now.size() >= kill_after;
        },
        std::chrono::seconds(30));
    server->stop(SIGKILL);
    stop = true;
    writer.join();
    REQUIRE(reached);
    for (auto& location : acked_now) {
      // "/admin/articles/{slug}/edit"
      acknowledged.push_back(location.substr(16, location.size() - 16 - 5));
    }

    // The file is whole and holds every acknowledged save.
    gazette::db::Connection c(db, gazette::db::OpenMode::read_write);
    auto check = c.prepare("PRAGMA integrity_check");
    REQUIRE(check.step());
    CHECK(check.text(0) == "ok");
    CHECK(c.query_int("SELECT count(*) FROM pragma_foreign_key_check") == 0);
    for (const auto& slug : acknowledged) {
      auto q = c.prepare("SELECT count(*) FROM articles WHERE slug = ?");
      q.bind(1, slug);
      REQUIRE(q.step());
      INFO(slug);
      CHECK(q.int64(0) == 1);
    }
    // The search index is in step with the table.
    CHECK(c.query_int("SELECT count(*) FROM articles_fts") ==
          c.query_int("SELECT count(*) FROM articles"));
  }
  CHECK(acknowledged.size() >= 20);
  // Gazette's own consistency checks agree (search index, tags, related lists).
  auto check = gazette::test::run_gazette({"check", "--db", db, "--deep"});
  INFO(check.out);
  CHECK(check.exit_code == 0);
  // And the server starts cleanly on what is left.
  ServerProcess last({"--db", db});
  httplib::Client client("127.0.0.1", last.port());
  auto page = client.Get("/articles/" + acknowledged.back());
  REQUIRE(page);
  CHECK(page->status == 200);
}

TEST_CASE("16 readers during 200 saves: no error and no page between two states",
          "[integration][durability][concurrency]") {
  TempDir dir;
  seed_admin_site(dir / "site.db", {});
  ServerProcess server({"--db", dir / "site.db"});
  AdminClient editor(server.port());
  REQUIRE(editor.sign_in() == 303);
  std::string csrf = editor.csrf_from("/admin/articles/new");

  constexpr int kSaves = 200;
  std::atomic<bool> done{false};
  std::atomic<int> pages{0};
  std::mutex mutex;
  std::vector<std::string> problems;
  auto problem = [&](std::string what) {
    std::lock_guard lock(mutex);
    if (problems.size() < 10) problems.push_back(std::move(what));
  };
  const std::regex count_re(R"(Published articles: <strong>(\d+)</strong>)");
  const std::regex first_re(R"(<article class="card">[\s\S]*?>Load article (\d+)</a>)");

  std::vector<std::thread> readers;
  for (int r = 0; r < 16; ++r) {
    readers.emplace_back([&, r] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_keep_alive(true);
      long last_count = 0;
      const char* paths[] = {"/tags/load", "/", "/feed.xml", "/tags/load"};
      for (int i = r; !done; ++i) {
        std::string path = paths[i % 4];
        auto res = client.Get(path);
        if (!res) {
          problem(path + ": no response");
          continue;
        }
        ++pages;
        if (res->status != 200 && !(res->status == 404 && path == "/tags/load")) {
          problem(path + ": status " + std::to_string(res->status));
          continue;
        }
        if (path == "/tags/load" && res->status == 200) {
          std::smatch count, first;
          if (!std::regex_search(res->body, count, count_re) ||
              !std::regex_search(res->body, first, first_re)) {
            problem("/tags/load: no count or no first card");
            continue;
          }
          long n = std::stol(count[1]);
          // The newest article of a state with n articles is article n; the counts a
          // reader sees never go back.
          if (std::stol(first[1]) != n) {
            problem("/tags/load says " + count[1].str() + " articles, first is " + first[1].str());
          }
          if (n < last_count) problem("/tags/load went back from " + std::to_string(last_count));
          last_count = n;
        }
        if (res->body.find("</html>") == std::string::npos &&
            res->body.find("</feed>") == std::string::npos) {
          problem(path + ": cut short");
        }
      }
    });
  }
  int acknowledged = 0;
  for (int i = 1; i <= kSaves; ++i) {
    auto r = editor.submit("/admin/articles",
                           new_article(csrf, "Load article " + std::to_string(i), date_of(i)));
    if (r && r->status == 303) ++acknowledged;
  }
  done = true;
  for (auto& t : readers) t.join();
  CHECK(acknowledged == kSaves);
  CHECK(pages > kSaves);
  for (const auto& p : problems) FAIL_CHECK(p);
  httplib::Client client("127.0.0.1", server.port());
  auto final_page = client.Get("/tags/load");
  REQUIRE(final_page);
  CHECK(final_page->body.find("Published articles: <strong>200</strong>") != std::string::npos);
}
