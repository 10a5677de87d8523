// Integration tests of `gazette backup`: the real binary copies a database (idle, served by
// a running server, or written to by another connection meanwhile) into a standalone
// file that passes PRAGMA integrity_check, and refuses what it must with one line.
#include <httplib.h>
#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "db/schema.h"
#include "db/users.h"
#include "tests/process_support.h"

using gazette::test::read_file;
using gazette::test::run_gazette;
using gazette::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kNow = "2026-06-01T00:00:00Z";

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// A valid published article whose body is about `body_bytes` long (large bodies make the
// database span many backup steps).
gazette::Article story(const std::string& slug, std::size_t body_bytes,
                       std::vector<std::string> tags = {}) {
  gazette::Article a;
  a.slug = slug;
  a.title = "Title " + slug;
  a.summary = "Summary " + slug;
  std::string body;
  while (body.size() < body_bytes) body += "Some *body* text for " + slug + ". ";
  a.body_markdown = body;
  a.author = "A. Writer";
  a.tags = std::move(tags);
  a.status = gazette::Status::published;
  a.published_at = "2026-01-01T00:00:00Z";
  auto errors = gazette::normalize_and_validate(a, kNow);
  if (!errors.empty()) throw std::runtime_error(slug + ": " + errors[0].message);
  return a;
}

void save(gazette::db::Connection& c, const std::vector<gazette::Article>& articles) {
  auto r = gazette::db::save_articles(c, articles, kNow, gazette::db::RelatedWeights{});
  if (!std::holds_alternative<gazette::db::SaveResult>(r)) {
    throw std::runtime_error("save_articles refused the batch");
  }
}

// A Gazette database at `path` with `n` articles (about 1,300 pages for 300) and a user.
void fill(const std::string& path, int n) {
  auto opened = gazette::db::open_database(path);
  std::vector<gazette::Article> batch;
  for (int i = 0; i < n; ++i) {
    batch.push_back(story("base-" + std::to_string(i), 4000, {"tag" + std::to_string(i % 7)}));
  }
  save(*opened.connection, batch);
  gazette::db::add_user(*opened.connection, "admin", "$argon2id$not-a-real-hash", kNow);
}

// Every row of the first column of `sql`, read through a read-only connection of the
// test's own (which neither writes the file nor creates a -wal beside it).
std::vector<std::string> query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::vector<std::string> rows;
  sqlite3_stmt* stmt = nullptr;
  if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  while (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    rows.emplace_back(text ? text : "");
  }
  if (rc != SQLITE_OK) rows = {std::string("error: ") + sqlite3_errmsg(db)};
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

std::string query_one(const std::string& path, const std::string& sql) {
  auto rows = query(path, sql);
  return rows.empty() ? "" : rows[0];
}

std::int64_t article_count(const std::string& path) {
  return std::stoll(query_one(path, "SELECT count(*) FROM articles"));
}

// The checks every good backup passes: integrity, a rollback journal (the header's
// read/write versions are 1, so no -wal is needed or created), Gazette's marks.
void check_standalone_copy(const std::string& out) {
  CHECK(query(out, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
  CHECK(query_one(out, "PRAGMA journal_mode") == "delete");
  std::string bytes = read_file(out);
  REQUIRE(bytes.size() >= 100);
  CHECK(bytes[18] == 1);
  CHECK(bytes[19] == 1);
  CHECK(query_one(out, "PRAGMA application_id") == std::to_string(gazette::db::kApplicationId));
  CHECK(query_one(out, "PRAGMA user_version") ==
        std::to_string(gazette::db::latest_schema_version()));
  CHECK_FALSE(fs::exists(out + "-wal"));
  CHECK_FALSE(fs::exists(out + "-journal"));
}

// No OUT.db.tmp-XXXXXX (or its journal) left in `dir`.
void check_no_temporary_files(const TempDir& dir) {
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    INFO(entry.path());
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
  }
}

}  // namespace

TEST_CASE("backup copies a database with content", "[integration][backup]") {
  TempDir dir;
  std::string src = dir / "site.db", out = dir / "copy.db";
  fill(src, 300);

  auto r = run_gazette({"backup", "--db", src, out});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "backed up 300 articles to " + out + "\n");
  CHECK(r.err.empty());
  check_standalone_copy(out);
  CHECK(article_count(out) == 300);
  CHECK(query(out, "SELECT slug FROM articles ORDER BY slug") ==
        query(src, "SELECT slug FROM articles ORDER BY slug"));
  CHECK(query(out, "SELECT count(*) FROM related") == query(src, "SELECT count(*) FROM related"));
  CHECK(query(out, "SELECT name FROM users") == std::vector<std::string>{"admin"});
  CHECK(std::stoll(query_one(out, "PRAGMA page_count")) > 256);  // more than one step
  check_no_temporary_files(dir);

  // The copy is a Gazette database gazette itself accepts.
  auto again = run_gazette({"backup", "--db", out, dir / "copy-of-copy.db"});
  CHECK(again.exit_code == 0);
  CHECK(again.out == "backed up 300 articles to " + (dir / "copy-of-copy.db") + "\n");
}

TEST_CASE("backup of a missing database creates an empty one", "[integration][backup]") {
  TempDir dir;
  std::string src = dir / "new.db", out = dir / "copy.db";
  auto r = run_gazette({"backup", "--db", src, out});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "backed up 0 articles to " + out + "\n");
  CHECK(fs::exists(src));
  check_standalone_copy(out);
}

TEST_CASE("backup overwrites an existing file only with --force", "[integration][backup]") {
  TempDir dir;
  std::string src = dir / "site.db", out = dir / "copy.db";
  fill(src, 3);

  SECTION("an existing file") {
    std::ofstream(out) << "precious";
    auto r = run_gazette({"backup", "--db", src, out});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "gazette: " + out + " exists; use --force to overwrite it\n");
    CHECK(r.out.empty());
    CHECK(read_file(out) == "precious");

    auto forced = run_gazette({"backup", "--db", src, out, "--force"});
    INFO(forced.err);
    CHECK(forced.exit_code == 0);
    CHECK(forced.out == "backed up 3 articles to " + out + "\n");
    check_standalone_copy(out);
    CHECK(article_count(out) == 3);
  }
  SECTION("a leftover -wal beside it, which SQLite would replay onto the copy") {
    std::ofstream(out + "-wal") << "stale";
    auto r = run_gazette({"backup", "--db", src, out});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "gazette: " + out + "-wal exists; use --force to overwrite it\n");
    CHECK_FALSE(fs::exists(out));

    auto forced = run_gazette({"backup", "--db", src, out, "--force"});
    CHECK(forced.exit_code == 0);
    CHECK_FALSE(fs::exists(out + "-wal"));
    check_standalone_copy(out);
  }
  SECTION("a directory is never replaced") {
    fs::create_directory(out);
    auto r = run_gazette({"backup", "--db", src, out, "--force"});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "gazette: " + out + ": is a directory\n");
    CHECK(fs::is_directory(out));
  }
  check_no_temporary_files(dir);
}

TEST_CASE("backup refuses to write over the database itself", "[integration][backup]") {
  TempDir dir;
  std::string src = dir / "site.db";
  fill(src, 3);
  fs::create_directory(dir / "sub");
  for (const std::string& out : {src, dir / "sub/../site.db", src + "-wal", src + "-shm"}) {
    auto r = run_gazette({"backup", "--db", src, out, "--force"});
    INFO(out << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.starts_with("gazette: " + out + " is "));
    CHECK(r.err.find("the database being backed up") != std::string::npos);
  }
  CHECK(article_count(src) == 3);
  CHECK(query(src, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
  check_no_temporary_files(dir);
}

TEST_CASE("backup usage and runtime errors", "[integration][backup]") {
  TempDir dir;
  std::string src = dir / "site.db";

  SECTION("no output file") {
    auto r = run_gazette({"backup", "--db", src});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "gazette: backup needs the file to write (gazette backup [--db PATH] OUT.db)\n");
    CHECK_FALSE(fs::exists(src));
  }
  SECTION("two output files") {
    auto r = run_gazette({"backup", "--db", src, dir / "a.db", dir / "b.db"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "gazette: backup takes one output file (got also \"" + (dir / "b.db") + "\")\n");
    CHECK_FALSE(fs::exists(src));
    CHECK_FALSE(fs::exists(dir / "a.db"));
  }
  SECTION("an unknown flag") {
    auto r = run_gazette({"backup", "--db", src, "--password-stdin", dir / "a.db"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown option --password-stdin for backup") != std::string::npos);
  }
  SECTION("a folder that does not exist") {
    std::string out = dir / "missing/copy.db";
    auto r = run_gazette({"backup", "--db", src, out});
    CHECK(r.exit_code == 1);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("cannot create a temporary file beside " + out) != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "missing"));
  }
  SECTION("a source that is not SQLite") {
    std::ofstream(src) << "These are my notes, not a database.\n" << std::string(2000, 'x');
    auto r = run_gazette({"backup", "--db", src, dir / "copy.db"});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "gazette: " + src +
                       ": not a SQLite database (is --db pointing at the right "
                       "file?)\n");
    CHECK_FALSE(fs::exists(dir / "copy.db"));
  }
  SECTION("another program's SQLite database") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(src.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY);", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto r = run_gazette({"backup", "--db", src, dir / "copy.db"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("not a Gazette database") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "copy.db"));
  }
  check_no_temporary_files(dir);
}

TEST_CASE("a copy that fails integrity_check is removed", "[integration][backup]") {
  TempDir dir;
  std::string src = dir / "site.db", out = dir / "copy.db";
  fill(src, 20);
  // An index that no longer matches its table: gazette opens the file (the checks at
  // open read the table, not this index), but integrity_check finds the mismatch.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(src.c_str(), &db) == SQLITE_OK);
  int rc = sqlite3_exec(db,
                        "PRAGMA writable_schema = ON;"
                        "UPDATE sqlite_schema SET sql = 'CREATE INDEX articles_public ON "
                        "articles (title)' WHERE name = 'articles_public';"
                        "PRAGMA writable_schema = OFF;",
                        nullptr, nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);

  auto r = run_gazette({"backup", "--db", src, out});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.starts_with("gazette: the copy failed PRAGMA integrity_check ("));
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(out));
  check_no_temporary_files(dir);
}

TEST_CASE("backup of a database a running server is using", "[integration][backup]") {
  TempDir dir;
  std::string src = dir / "site.db", out = dir / "copy.db";
  gazette::test::ServerProcess server({"--db", src});
  std::int64_t served = article_count(src);
  REQUIRE(served > 0);

  auto r = run_gazette({"backup", "--db", src, out});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "backed up " + std::to_string(served) + " articles to " + out + "\n");
  check_standalone_copy(out);
  CHECK(article_count(out) == served);
  CHECK(query(out, "SELECT name FROM users") == std::vector<std::string>{"admin"});

  httplib::Client client("127.0.0.1", server.port());
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("backup while another connection keeps writing", "[integration][backup]") {
  TempDir dir;
  std::string src = dir / "site.db", out = dir / "copy.db";
  fill(src, 300);
  const std::int64_t base = 300;

  // The writer commits one article at a time until the backup is over (at most
  // kMaxWrites), and says after each commit how many it has committed.
  constexpr int kMaxWrites = 20000;
  std::mutex m;
  std::condition_variable cv;
  int committed = 0;
  bool writer_done = false;
  std::string writer_error;
  std::atomic<bool> stop{false};
  std::thread writer;
  // Stops and joins the writer on every way out of the test, failures included.
  struct Join {
    std::atomic<bool>& stop;
    std::thread& t;
    ~Join() {
      stop = true;
      if (t.joinable()) t.join();
    }
  } join{stop, writer};
  writer = std::thread([&] {
    try {
      auto opened = gazette::db::open_database(src);
      for (int i = 0; i < kMaxWrites && !stop; ++i) {
        save(*opened.connection, {story("w-" + std::to_string(i), 500)});
        std::lock_guard lock(m);
        committed = i + 1;
        cv.notify_all();
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(m);
      writer_error = e.what();
    }
    std::lock_guard lock(m);
    writer_done = true;
    cv.notify_all();
  });

  int before = 0;
  {
    // Start the backup only once writes are flowing.
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return committed >= 20 || writer_done; });
    before = committed;
  }
  auto r = run_gazette({"backup", "--db", src, out});
  stop = true;
  writer.join();
  std::lock_guard lock(m);
  REQUIRE(writer_error.empty());
  REQUIRE(before >= 20);

  INFO(r.err);
  CHECK(r.exit_code == 0);
  check_standalone_copy(out);
  std::int64_t copied = article_count(out);
  CHECK(r.out == "backed up " + std::to_string(copied) + " articles to " + out + "\n");
  INFO("committed before the backup: " << before << ", during or after: " << committed - before);
  CHECK(copied >= base + before);
  CHECK(copied <= base + committed);
  // Every write committed before the backup started is in the copy, and the copy is one
  // snapshot: the writes it holds are a prefix of the writer's, without gaps.
  std::set<std::string> slugs;
  for (auto& s : query(out, "SELECT slug FROM articles WHERE slug LIKE 'w-%'")) slugs.insert(s);
  for (int i = 0; i < copied - base; ++i) {
    INFO(i);
    CHECK(slugs.count("w-" + std::to_string(i)) == 1);
  }
  CHECK(slugs.size() == static_cast<std::size_t>(copied - base));
  check_no_temporary_files(dir);
}
