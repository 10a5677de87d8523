// Integration tests of `gazette import` and `gazette dump`: the real binary on files
// the tests write. Every failure must name the file and line, exit 1, and leave the
// database exactly as it was.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/process_support.h"

using gazette::test::run_gazette;
using gazette::test::TempDir;

namespace fs = std::filesystem;

namespace {

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string dump(const std::string& db) {
  auto r = run_gazette({"dump", "--db", db});
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string record(const std::string& slug, const std::string& extra = "") {
  return "{\"slug\":\"" + slug + "\",\"title\":\"Title of " + slug +
         "\",\"summary\":\"A summary.\",\"body_markdown\":\"Body **text**.\",\"author\":\"Ann\","
         "\"tags\":[\"news\"],\"status\":\"published\",\"published_at\":\"2026-01-02T03:04:05Z\"" +
         extra + "}\n";
}

// `s` with its first `from` replaced by `to`.
std::string replaced(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

// Imports `files` and expects exit 1 with `message` on stderr, naming the place, and
// the database unchanged.
void expect_rejected(const std::string& db, const std::vector<std::string>& files,
                     const std::string& message) {
  std::string before = dump(db);
  std::vector<std::string> args = {"import", "--db", db};
  args.insert(args.end(), files.begin(), files.end());
  auto r = run_gazette(args);
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(message) != std::string::npos);
  CHECK(dump(db) == before);
}

}  // namespace

TEST_CASE("import: JSON Lines and Markdown, then a summary", "[integration][import]") {
  TempDir dir;
  std::string db = dir / "site.db";
  write(dir / "a.jsonl",
        record("first") + "\n" + record("second", ",\"related\":[\"a-story-with-a-colon\"]"));
  write(dir / "posts/story.md",
        "---\ntitle: \"A story: with a colon\"\ndescription: The dek.\nauthor: Bo\n"
        "date: 2026-02-03\ntags: [Local, News]\n---\n\n# Heading\n\nText with a | table |.\n");
  write(dir / "posts/draft.md", "---\ntitle: Unfinished\ndraft: true\n---\nLater.\n");
  auto r = run_gazette({"import", "--db", db, dir / "a.jsonl", dir / "posts"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "imported 4 articles from 3 files: 4 created, 0 updated, 0 unchanged\n");

  std::string out = dump(db);
  // Ordered by slug, drafts included, tags lowercase, dates normalised.
  CHECK(out.find("\"slug\":\"a-story-with-a-colon\"") < out.find("\"slug\":\"first\""));
  CHECK(out.find("\"slug\":\"unfinished\"") != std::string::npos);
  CHECK(out.find("\"status\":\"draft\"") != std::string::npos);
  CHECK(out.find("\"tags\":[\"local\",\"news\"]") != std::string::npos);
  CHECK(out.find("\"published_at\":\"2026-02-03T00:00:00Z\"") != std::string::npos);
  CHECK(out.find("\"summary\":\"The dek.\"") != std::string::npos);

  SECTION("importing the same files again changes nothing") {
    auto again = run_gazette({"import", "--db", db, dir / "a.jsonl", dir / "posts"});
    CHECK(again.out == "imported 4 articles from 3 files: 0 created, 0 updated, 4 unchanged\n");
    CHECK(dump(db) == out);
  }
  SECTION("a changed record is updated") {
    write(dir / "b.jsonl", replaced(record("first"), "\"Ann\"", "\"Someone else\""));
    auto again = run_gazette({"import", "--db", db, dir / "b.jsonl"});
    INFO(again.err);
    CHECK(again.out == "imported 1 article from 1 file: 0 created, 1 updated, 0 unchanged\n");
    CHECK(dump(db).find("Someone else") != std::string::npos);
  }
}

TEST_CASE("dump | import | dump is byte-identical", "[integration][import][dump]") {
  TempDir dir;
  std::string db = dir / "one.db";
  write(
      dir / "tricky.jsonl",
      "{\"slug\":\"unicode\",\"title\":\"Zürich café — 東京 🚀\",\"summary\":\"He said "
      "\\\"hi\\\" \\\\ then left\",\"body_markdown\":\"Line one\\nLine two\\r\\n\\n| a | b "
      "|\\n|---|---|\\n| 1 | 2 |\\n\\n~~gone~~ <b>raw</b>\\t\\u0001\",\"author\":\"\",\"tags\":[],"
      "\"status\":\"draft\",\"published_at\":\"\",\"related\":[]}\n" +
          record("plain", ",\"related\":[\"unicode\"]") + "{\"title\":\"Only a title\"}\n");
  REQUIRE(run_gazette({"import", "--db", db, dir / "tricky.jsonl"}).exit_code == 0);
  std::string first = dump(db);
  write(dir / "dump.jsonl", first);
  std::string other = dir / "two.db";
  auto r = run_gazette({"import", "--db", other, dir / "dump.jsonl"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(dump(other) == first);
  CHECK(first.find("Zürich café — 東京 🚀") != std::string::npos);
  CHECK(first.find("\\u0001") != std::string::npos);
  CHECK(first.find("\"slug\":\"only-a-title\"") != std::string::npos);
  CHECK(std::count(first.begin(), first.end(), '\n') == 3);
}

TEST_CASE("import: every bad input names its place and changes nothing", "[integration][import]") {
  TempDir dir;
  std::string db = dir / "site.db";
  write(dir / "good.jsonl", record("kept"));
  REQUIRE(run_gazette({"import", "--db", db, dir / "good.jsonl"}).exit_code == 0);
  std::string good = dir / "good2.jsonl";
  write(good, record("would-be-added"));

  auto bad = [&](const std::string& name, const std::string& text) {
    write(dir / name, text);
    return dir / name;
  };
  expect_rejected(db, {good, bad("malformed.jsonl", record("a") + "{\"slug\": \"b\",\n")},
                  "malformed.jsonl:2: ");
  expect_rejected(db, {bad("unknown.jsonl", record("a", ",\"colour\":\"red\""))},
                  "unknown.jsonl:1: ");
  expect_rejected(db, {bad("notitle.jsonl", "{\"slug\":\"x\"}\n")},
                  "notitle.jsonl:1: title: is required");
  expect_rejected(db, {bad("badslug.jsonl", record("Bad_Slug"))}, "badslug.jsonl:1: slug: ");
  expect_rejected(
      db, {bad("baddate.jsonl", replaced(record("d"), "2026-01-02T03:04:05Z", "yesterday"))},
      "baddate.jsonl:1: published_at: ");
  std::string tags = "[";
  for (int i = 0; i < 21; ++i) tags += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
  tags += "]";
  expect_rejected(db, {bad("tags.jsonl", replaced(record("t"), "[\"news\"]", tags))},
                  "tags.jsonl:1: tags: ");
  expect_rejected(db, {bad("nofm.md", "# Just a heading\n\nNo front matter.\n")}, "nofm.md:");
  expect_rejected(db, {good, bad("pin.jsonl", record("p", ",\"related\":[\"nowhere\"]"))},
                  "pin.jsonl:1: related: no article with slug \"nowhere\"");
  expect_rejected(db, {bad("dup.jsonl", record("same") + record("same"))},
                  "dup.jsonl:2: slug: \"same\" is also the slug of ");
  // Far into a long file, past what the reader thread reads ahead: the records before
  // it are written to the open transaction, then rolled back.
  std::string many;
  for (int i = 0; i < 1500; ++i) many += record("many-" + std::to_string(i));
  expect_rejected(db, {bad("long.jsonl", many + "{\"slug\":\"late\"}\n" + record("after"))},
                  "long.jsonl:1501: title: is required");
  expect_rejected(db, {bad("longdup.jsonl", many + record("many-7"))},
                  "longdup.jsonl:1501: slug: \"many-7\" is also the slug of ");
  expect_rejected(db, {dir / "missing.jsonl"}, "missing.jsonl: no such file or directory");
  expect_rejected(db, {bad("notes.txt", "hello")}, "notes.txt: not a .jsonl or .md file");

  SECTION("a directory with a bad file in the middle") {
    write(dir / "tree/a.md", "---\ntitle: Alpha\n---\nA.\n");
    write(dir / "tree/b.md", "---\ntitle: Beta\ndate: someday\n---\nB.\n");
    write(dir / "tree/c.md", "---\ntitle: Gamma\n---\nC.\n");
    expect_rejected(db, {dir / "tree"}, "tree/b.md:3: published_at: ");
  }
  SECTION("an unreadable file") {
    std::string locked = bad("locked.jsonl", record("l"));
    fs::permissions(locked, fs::perms::none);
    std::optional<uid_t> as_user;
    if (geteuid() == 0) {  // root reads anything: run as nobody, in a folder nobody may use
      as_user = 65534;
      fs::permissions(dir.path(), fs::perms::all);
      fs::permissions(db, fs::perms::all);
      for (const char* suffix : {"-wal", "-shm"}) {
        if (fs::exists(db + suffix)) fs::permissions(db + suffix, fs::perms::all);
      }
    }
    std::string before = dump(db);
    auto r = run_gazette({"import", "--db", db, locked}, {}, "", std::chrono::seconds(60), as_user);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("locked.jsonl: cannot read it") != std::string::npos);
    CHECK(dump(db) == before);
  }
  CHECK(dump(db).find("would-be-added") == std::string::npos);
}

TEST_CASE("import and dump usage errors", "[integration][import]") {
  TempDir dir;
  auto r = run_gazette({"import", "--db", dir / "x.db"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("import needs at least one FILE") != std::string::npos);
  auto d = run_gazette({"dump", "--db", dir / "x.db", "extra"});
  CHECK(d.exit_code == 2);
  // dump of a missing file creates an empty Gazette database and prints nothing.
  auto empty = run_gazette({"dump", "--db", dir / "new.db"});
  CHECK(empty.exit_code == 0);
  CHECK(empty.out.empty());
  CHECK(fs::exists(dir / "new.db"));
}
