// Integration tests of the command line: help, version, usage errors (exit 2), and each
// database gazette must refuse with one line and exit 1 without writing to it.
#include <httplib.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "db/database.h"
#include "db/schema.h"
#include "tests/process_support.h"

using gazette::test::read_file;
using gazette::test::run_gazette;
using gazette::test::TempDir;

namespace {

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// Runs `serve` on `db` and expects a refusal: exit 1, one line naming the file and
// containing `why`, and the file byte-for-byte unchanged.
void expect_refused(const std::string& db, const std::string& why,
                    std::optional<uid_t> as_user = std::nullopt) {
  std::string before = read_file(db);
  auto r =
      run_gazette({"serve", "--db", db, "--port", "0"}, {}, "", std::chrono::seconds(60), as_user);
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find(db) != std::string::npos);
  CHECK(r.err.find(why) != std::string::npos);
  CHECK(read_file(db) == before);
  CHECK_FALSE(std::filesystem::exists(db + "-wal"));
}

// Who runs the binary in a permission test: root may write anything, so when the tests
// run as root it is nobody, and `dir` is opened for others to reach what is inside.
std::optional<uid_t> unprivileged_user(const TempDir& dir) {
  if (geteuid() != 0) return std::nullopt;
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all |
                                               std::filesystem::perms::others_read |
                                               std::filesystem::perms::others_exec);
  return 65534;
}

void sql(const std::string& path, const std::string& statements) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("version, help and command help", "[integration][cli]") {
  auto v = run_gazette({"--version"});
  CHECK(v.exit_code == 0);
  CHECK(v.out.starts_with("gazette 0."));

  auto h = run_gazette({"--help"});
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("serve") != std::string::npos);
  CHECK(h.out.find("import") != std::string::npos);

  auto sh = run_gazette({"serve", "--help"});
  CHECK(sh.exit_code == 0);
  for (const char* flag : {"--db", "--host", "--port", "--threads", "--theme", "--log-level",
                           "--access-log", "--base-url", "--secure-cookies", "GAZETTE_"}) {
    CHECK(sh.out.find(flag) != std::string::npos);
  }
}

TEST_CASE("usage errors exit 2 with one line naming the problem", "[integration][cli]") {
  struct Case {
    std::vector<std::string> args;
    gazette::test::EnvChanges env;
    std::string expected;
  };
  std::vector<Case> cases = {
      {{}, {}, "missing command"},
      {{"publish"}, {}, "unknown command \"publish\""},
      {{"serve", "--port", "99999"}, {}, "--port expects a whole number from 0 to 65535"},
      {{"serve", "--port"}, {}, "--port needs a value"},
      {{"serve", "--colour", "red"}, {}, "unknown option --colour"},
      {{"serve", "--log-level", "loud"}, {}, "--log-level expects trace"},
      {{"serve", "--threads", "0"}, {}, "--threads expects"},
      {{"serve", "--base-url", "example.org"}, {}, "--base-url expects an absolute"},
      {{"serve", "extra"}, {}, "serve takes no arguments"},
      {{"serve"}, {{"GAZETTE_PORT", "eighty"}}, "GAZETTE_PORT expects a whole number"},
      {{"dump", "--port", "1"}, {}, "unknown option --port for dump"},
  };
  for (const auto& c : cases) {
    auto r = run_gazette(c.args, c.env);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find(c.expected) != std::string::npos);
  }
}

TEST_CASE("a flag wins over its GAZETTE_ variable", "[integration][cli]") {
  TempDir dir;
  // The variable asks for a port that cannot be used; the flag picks a free one.
  gazette::test::ServerProcess server({"--db", dir / "flag.db"},
                                      {{"GAZETTE_PORT", "1"}, {"GAZETTE_DB", dir / "env.db"}});
  CHECK(server.port() > 1);
  CHECK(std::filesystem::exists(dir / "flag.db"));
  CHECK_FALSE(std::filesystem::exists(dir / "env.db"));
}

TEST_CASE("GAZETTE_ variables configure serve", "[integration][cli]") {
  TempDir dir;
  std::string access = dir / "access.log";
  {
    gazette::test::ServerProcess server(
        {}, {{"GAZETTE_DB", dir / "env.db"}, {"GAZETTE_ACCESS_LOG", access}});
    httplib::Client c("127.0.0.1", server.port());
    REQUIRE(c.Get("/healthz"));
    // The access line goes to the file, after the response: stopping the server waits
    // for the request's thread, so the line is there afterwards.
    CHECK(server.stop(SIGTERM) == 0);
    CHECK(server.log().find("GET /healthz") == std::string::npos);
  }
  CHECK(std::filesystem::exists(dir / "env.db"));
  CHECK(read_file(access).find("GET /healthz 200") != std::string::npos);
}

TEST_CASE("databases gazette must refuse", "[integration][cli]") {
  TempDir dir;

  SECTION("a text file") {
    std::string db = dir / "notes.db";
    std::ofstream(db) << "These are my notes, not a database.\n" << std::string(2000, 'x') << "\n";
    expect_refused(db, "not a SQLite database");
  }
  SECTION("another program's SQLite database") {
    std::string db = dir / "other.db";
    sql(db,
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);"
        "INSERT INTO invoices (total) VALUES (12.5);");
    expect_refused(db, "not a Gazette database");
  }
  SECTION("a Gazette database from a newer version") {
    std::string db = dir / "newer.db";
    { gazette::db::open_database(db); }
    sql(db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;");
    expect_refused(db, "schema version 99 is newer");
  }
  SECTION("a corrupt database") {
    std::string db = dir / "corrupt.db";
    { gazette::db::open_database(db); }
    sql(db, "PRAGMA journal_mode = DELETE;");
    // Overwrite the schema page after the 100-byte header with junk.
    std::string bytes = read_file(db);
    REQUIRE(bytes.size() > 4096);
    for (std::size_t i = 100; i < 4096; ++i) bytes[i] = static_cast<char>((i * 7919) & 0xff);
    std::ofstream(db, std::ios::binary | std::ios::trunc) << bytes;
    expect_refused(db, "corrupt");
  }
  SECTION("a directory") {
    auto r = run_gazette({"serve", "--db", dir.path().string(), "--port", "0"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("is a directory") != std::string::npos);
  }
  SECTION("a path whose directory does not exist") {
    std::string db = dir / "missing/sub/site.db";
    auto r = run_gazette({"serve", "--db", db, "--port", "0"});
    CHECK(r.exit_code == 1);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find(db) != std::string::npos);
    CHECK(r.err.find("cannot open") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "missing"));
  }
  SECTION("a file this user may not write") {
    std::string db = dir / "readonly.db";
    { gazette::db::open_database(db); }
    sql(db, "PRAGMA journal_mode = DELETE;");
    // Others (nobody, when the tests run as root) may read it, not write it.
    auto as_user = unprivileged_user(dir);
    std::filesystem::permissions(
        db, std::filesystem::perms::owner_read | std::filesystem::perms::others_read);
    expect_refused(db, "not readable and writable", as_user);
  }
}

TEST_CASE("a database in a folder this user may not write is a one-line error",
          "[integration][cli]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "locked");
  std::string db = dir / "locked/site.db";
  { gazette::db::open_database(db); }
  sql(db, "PRAGMA journal_mode = DELETE;");
  // Whoever runs it (nobody, when the tests run as root) may write the file, not its
  // folder.
  auto as_user = unprivileged_user(dir);
  std::filesystem::permissions(
      db, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
              std::filesystem::perms::others_read | std::filesystem::perms::others_write);
  std::filesystem::permissions(dir.path() / "locked", std::filesystem::perms::owner_read |
                                                          std::filesystem::perms::owner_exec |
                                                          std::filesystem::perms::others_read |
                                                          std::filesystem::perms::others_exec);
  expect_refused(db, "its folder " + (dir / "locked") + " is not writable by this user", as_user);
  std::filesystem::permissions(dir.path() / "locked", std::filesystem::perms::owner_all);
}

TEST_CASE("a port already in use is a one-line error", "[integration][cli]") {
  TempDir dir;
  gazette::test::ServerProcess first({"--db", dir / "a.db"});
  auto r = run_gazette({"serve", "--db", dir / "b.db", "--port", std::to_string(first.port())});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) !=
        std::string::npos);
}
