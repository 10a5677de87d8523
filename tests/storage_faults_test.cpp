// Storage faults while the server runs: a full disk, a file system gone read-only and a
// database locked by another process. The writes that need the storage get a styled
// 503 (the article form comes back with what was typed), readers go on, the outage is
// logged once with its cause, nothing half-written stays, and writes work again once
// the storage does. Disk faults are injected under the server by a preloaded library
// (tests/faults/storage_faults.cpp) that fails its writes to the database's folder with
// the kernel's own error codes.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "db/sqlite.h"
#include "tests/admin_support.h"
#include "tests/http_support.h"

using gazette::test::AdminClient;
using gazette::test::occurrences;
using gazette::test::seed_admin_site;
using gazette::test::seed_article;
using gazette::test::ServerProcess;
using gazette::test::TempDir;

namespace {

httplib::Params article_form(const std::string& csrf, const std::string& title,
                             const std::string& body) {
  return {{"csrf", csrf},       {"title", title},   {"slug", ""},        {"summary", "Summary."},
          {"body", body},       {"author", "Desk"}, {"tags", "harbour"}, {"status", "published"},
          {"published_at", ""}, {"related", ""}};
}

// A site whose database lives in data/, with the fault injector preloaded: writing an
// errno name into `fault` fails every write to data/ with it; removing the file ends it.
struct FaultySite {
  TempDir dir;
  std::string data = dir / "data/";
  std::string db = data + "site.db";
  std::string fault = dir / "fault";
  std::unique_ptr<ServerProcess> server;

  FaultySite() {
    std::filesystem::create_directories(data);
    seed_admin_site(db, {seed_article("harbour-dredging-begins", "Harbour dredging begins",
                                      {"harbour"}, "Dredgers deepen the shipping channel.")});
    // An ASan build wants its runtime first among the loaded libraries; the injector
    // comes before it here, which is harmless.
    std::string asan = std::getenv("ASAN_OPTIONS") ? std::getenv("ASAN_OPTIONS") : "";
    server = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--db", db, "--cache-mb", "0"},
        gazette::test::EnvChanges{{"LD_PRELOAD", GAZETTE_STORAGE_FAULTS},
                                  {"GAZETTE_FAULTS_DIR", data},
                                  {"GAZETTE_FAULTS_CONTROL", fault},
                                  {"ASAN_OPTIONS", asan + ":verify_asan_link_order=0"}});
  }
  void start_fault(const std::string& errno_name) const { std::ofstream(fault) << errno_name; }
  void end_fault() const { std::filesystem::remove(fault); }
  int status_of(const std::string& path) const {
    httplib::Client c("127.0.0.1", server->port());
    auto r = c.Get(path);
    return r ? r->status : -1;
  }
};

// Rows with `title` in the database at `db`, after checking the file is whole.
std::int64_t stored_with_title(const std::string& db, const std::string& title) {
  gazette::db::Connection c(db, gazette::db::OpenMode::read_write);
  auto check = c.prepare("PRAGMA integrity_check");
  REQUIRE(check.step());
  CHECK(check.text(0) == "ok");
  CHECK(c.query_int("SELECT count(*) FROM articles_fts") ==
        c.query_int("SELECT count(*) FROM articles"));
  auto q = c.prepare("SELECT count(*) FROM articles WHERE title = ?");
  q.bind(1, title);
  REQUIRE(q.step());
  return q.int64(0);
}

}  // namespace

TEST_CASE("a full disk or a read-only file system: 503 for writes, readers go on, then recovery",
          "[integration][storage]") {
  auto [fault, cause] = GENERATE(table<std::string, std::string>({
      {"ENOSPC", "the disk is full"},
      {"EROFS", "the storage refuses writes"},
  }));
  INFO(fault);
  FaultySite site;
  AdminClient editor(site.server->port());
  REQUIRE(editor.sign_in() == 303);
  std::string csrf = editor.csrf_from("/admin/articles/new");
  REQUIRE_FALSE(csrf.empty());

  site.start_fault(fault);
  const std::string title = "Tide tables for the winter";
  const std::string body = "High water at 06:12 and 18:40.\r\n\r\nLow water at noon.";
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto r = editor.submit("/admin/articles", article_form(csrf, title, body));
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(r->get_header_value("Retry-After") == "5");
    CHECK(r->get_header_value("Cache-Control") == "no-store");
    // The form again, as typed, saying why nothing was saved.
    CHECK(r->body.find("Nothing was saved: ") != std::string::npos);
    CHECK(r->body.find(cause) != std::string::npos);
    CHECK(r->body.find("value=\"Tide tables for the winter\"") != std::string::npos);
    CHECK(r->body.find("High water at 06:12 and 18:40.\r\n\r\nLow water at noon.") !=
          std::string::npos);
  }
  // A delete and a new sign-in need the storage too: the site's 503 page.
  std::string delete_csrf = editor.csrf_from("/admin/articles/harbour-dredging-begins/delete");
  auto del = editor.post("/admin/articles/harbour-dredging-begins/delete", {{"csrf", delete_csrf}});
  REQUIRE(del);
  CHECK(del->status == 503);
  CHECK(del->body.find("<html") != std::string::npos);
  AdminClient second(site.server->port());
  CHECK(second.sign_in() == 503);

  // Readers never notice: pages, search, the API and the health check.
  CHECK(site.status_of("/") == 200);
  CHECK(site.status_of("/articles/harbour-dredging-begins") == 200);
  CHECK(site.status_of("/search?q=dredgers") == 200);
  CHECK(site.status_of("/api/articles/harbour-dredging-begins") == 200);
  CHECK(site.status_of("/healthz") == 200);
  CHECK(editor.get("/admin")->status == 200);

  // One error line for the whole outage, with its cause.
  std::string log = site.server->log();
  CHECK(occurrences(log, "storage unavailable") == 1);
  CHECK(log.find(cause) != std::string::npos);
  CHECK(stored_with_title(site.db, title) == 0);

  site.end_fault();
  auto saved = editor.submit("/admin/articles", article_form(csrf, title, body));
  REQUIRE(saved);
  CHECK(saved->status == 303);
  CHECK(site.status_of("/articles/tide-tables-for-the-winter") == 200);
  CHECK(site.server->wait_for_log("storage recovered"));
  CHECK(site.server->log().find("and 4 failed requests") != std::string::npos);
  CHECK(site.server->stop(SIGTERM) == 0);
  CHECK(stored_with_title(site.db, title) == 1);
  auto check = gazette::test::run_gazette({"check", "--db", site.db, "--deep"});
  INFO(check.out);
  CHECK(check.exit_code == 0);
}

TEST_CASE("a database locked by another process: a save waits, then 503, and readers go on",
          "[integration][storage]") {
  TempDir dir;
  std::string db = dir / "site.db";
  seed_admin_site(db, {seed_article("harbour-dredging-begins", "Harbour dredging begins",
                                    {"harbour"}, "Dredgers deepen the shipping channel.")});
  ServerProcess server({"--db", db, "--cache-mb", "0"});
  AdminClient editor(server.port());
  REQUIRE(editor.sign_in() == 303);
  std::string csrf = editor.csrf_from("/admin/articles/new");
  const std::string title = "Written while locked";

  {
    // Another process (the sqlite3 shell, a long import) holds the write lock.
    gazette::db::Connection other(db, gazette::db::OpenMode::read_write);
    other.exec("BEGIN IMMEDIATE");
    auto r = editor.submit("/admin/articles", article_form(csrf, title, "Body."));
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(r->body.find("the database is locked by another process") != std::string::npos);
    CHECK(r->body.find("value=\"Written while locked\"") != std::string::npos);
    httplib::Client reader("127.0.0.1", server.port());
    CHECK(reader.Get("/articles/harbour-dredging-begins")->status == 200);
    CHECK(reader.Get("/healthz")->status == 200);
    other.exec("ROLLBACK");
  }
  auto saved = editor.submit("/admin/articles", article_form(csrf, title, "Body."));
  REQUIRE(saved);
  CHECK(saved->status == 303);
  CHECK(occurrences(server.log(), "storage unavailable") == 1);
  CHECK(server.wait_for_log("storage recovered"));
  CHECK(server.stop(SIGTERM) == 0);
}
