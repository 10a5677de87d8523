// Integration tests of GET /search: the real binary on an ephemeral loopback port over
// a database seeded by the test. Ranking, stemming and diacritics on a small known
// corpus; hostile queries; pagination; drafts and scheduled articles; the index following
// writes made by another connection while the server runs; snippet escaping; the header
// form. Also the migration that builds the index for an older database, and the article
// page's JSON-LD read back by a real JSON parser.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "content/dates.h"
#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "db/schema.h"
#include "handlers/http.h"
#include "tests/http_support.h"
#include "tests/process_support.h"

using gazette::test::occurrences;
using gazette::test::ServerProcess;
using gazette::test::TempDir;

namespace {

httplib::Result get(const ServerProcess& s, const std::string& path,
                    const httplib::Headers& headers = {}) {
  httplib::Client c("127.0.0.1", s.port());
  c.set_decompress(false);
  c.set_url_encode(false);  // the path goes out as written (a "+" stays a "+")
  return c.Get(path, headers);
}

httplib::Result search(const ServerProcess& s, std::string_view query, int page = 0) {
  std::string path = "/search?q=" + gazette::url_encode_segment(query);
  if (page) path += "&page=" + std::to_string(page);
  return get(s, path);
}

// The slugs of the results on a page, in order.
std::vector<std::string> result_slugs(const std::string& html) {
  std::vector<std::string> out;
  std::regex link(R"re(<h2 class="search-result-title"><a href="/articles/([^"]+)")re");
  for (std::sregex_iterator it(html.begin(), html.end(), link), end; it != end; ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

gazette::Article article(const std::string& slug, const std::string& title, const std::string& body,
                         std::vector<std::string> tags = {},
                         const std::string& date = "2026-01-10T10:00:00Z",
                         gazette::Status status = gazette::Status::published) {
  gazette::Article a;
  a.slug = slug;
  a.title = title;
  a.summary = "";
  a.body_markdown = body;
  a.author = "Test Author";
  a.tags = std::move(tags);
  a.status = status;
  a.published_at = date;
  return a;
}

// Writes `articles` through the one write path (validation, then save_articles).
void save(const std::string& path, std::vector<gazette::Article> articles) {
  auto opened = gazette::db::open_database(path);
  std::string now = gazette::now_iso8601();
  for (auto& a : articles) {
    auto errors = gazette::normalize_and_validate(a, now);
    for (const auto& e : errors) UNSCOPED_INFO(a.slug << ": " << e.field << ": " << e.message);
    REQUIRE(errors.empty());
  }
  auto result =
      gazette::db::save_articles(*opened.connection, articles, now, gazette::db::RelatedWeights{});
  REQUIRE(std::holds_alternative<gazette::db::SaveResult>(result));
}

// A database with a few known articles (the server then loads no demo content).
void seed_corpus(const std::string& path) {
  save(path, {
                 // "harbour": in a title, in a tag, in a body only.
                 article("body-only", "Committee meets on Tuesday",
                         "Members discussed the harbour among many other things on the agenda."),
                 article("title-match", "Harbour dredging approved",
                         "Work starts in spring and lasts two months."),
                 article("tag-match", "Quay wall repairs begin", "Engineers will close one lane.",
                         {"harbour"}),
                 // Stemming.
                 article("runner", "Club news", "She will run the marathon next year."),
                 article("councils", "Regional roundup", "The council voted on the budget."),
                 // Diacritics.
                 article("cafe", "A new café opens in Zürich",
                         "The owners moved from Genève to open it."),
                 // Never public: a draft, a scheduled article, and one whose time has come.
                 article("draft", "Secret xylophone draft", "Unpublished xylophone notes.", {},
                         "2026-01-10T10:00:00Z", gazette::Status::draft),
                 article("scheduled", "Future xylophone concert", "Scheduled xylophone piece.", {},
                         "2999-01-01T10:00:00Z"),
                 article("past-scheduled", "Xylophone recital tonight", "A xylophone recital.", {},
                         "2020-01-01T10:00:00Z"),
             });
}

}  // namespace

TEST_CASE("search ranks title, then tag, then body matches", "[integration][search]") {
  TempDir dir;
  seed_corpus(dir / "site.db");
  ServerProcess server({"--db", dir / "site.db"});

  auto r = search(server, "harbour");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(result_slugs(r->body) == std::vector<std::string>{"title-match", "tag-match", "body-only"});
  CHECK(r->body.find("<strong>3 results</strong> for &ldquo;harbour&rdquo;") != std::string::npos);
  // Each result: title link, date, and an excerpt of the body with the match marked.
  CHECK(r->body.find("<time datetime=\"2026-01-10T10:00:00Z\">10 January 2026</time>") !=
        std::string::npos);
  CHECK(r->body.find("Members discussed the <mark>harbour</mark> among") != std::string::npos);
  // Words are ANDed.
  CHECK(result_slugs(search(server, "harbour dredging")->body) ==
        std::vector<std::string>{"title-match"});
  CHECK(result_slugs(search(server, "harbour quay")->body) ==
        std::vector<std::string>{"tag-match"});
  // The last word is also a prefix.
  CHECK(result_slugs(search(server, "dredg")->body) == std::vector<std::string>{"title-match"});
}

TEST_CASE("search stems English words and folds diacritics", "[integration][search]") {
  TempDir dir;
  seed_corpus(dir / "site.db");
  ServerProcess server({"--db", dir / "site.db"});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"running", "runner"}, {"runs", "runner"}, {"councils", "councils"},
      {"cafe", "cafe"},      {"CAFÉ", "cafe"},   {"Zurich", "cafe"},
      {"zürich", "cafe"},    {"geneve", "cafe"}, {"voting council", "councils"},
  };
  for (const auto& [query, slug] : cases) {
    INFO(query);
    auto r = search(server, query);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(result_slugs(r->body) == std::vector<std::string>{slug});
  }
}

TEST_CASE("hostile queries get a page, never an error", "[integration][search]") {
  TempDir dir;
  seed_corpus(dir / "site.db");
  ServerProcess server({"--db", dir / "site.db"});
  // The longest queries a URL can carry: cpp-httplib answers a request line over 8,192
  // bytes with 414 before any handler runs (checked below).
  std::string long_query;
  while (gazette::url_encode_segment(long_query).size() < 7800)
    long_query += "harbour \"x\" OR NOT (y* -z) NEAR ";
  std::string long_operators;
  while (gazette::url_encode_segment(long_operators).size() < 7800) long_operators += "\"(";
  const std::vector<std::string> queries = {"\"",
                                            "\"\"",
                                            "\"harbour",
                                            "harbour\"",
                                            "*",
                                            "harbour*",
                                            "*harbour",
                                            "-harbour",
                                            "harbour -quay",
                                            "NEAR",
                                            "NEAR(harbour quay)",
                                            "AND",
                                            "OR",
                                            "NOT",
                                            "harbour AND",
                                            "OR harbour",
                                            "NOT quay",
                                            "(",
                                            ")",
                                            "((harbour",
                                            "harbour))",
                                            "^harbour",
                                            ":",
                                            "title:harbour",
                                            "tags:harbour",
                                            "{title}:harbour",
                                            "",
                                            " ",
                                            "\t\n",
                                            "+",
                                            "harbour + quay",
                                            "\\",
                                            "'",
                                            "%",
                                            "&",
                                            "<script>",
                                            "\xFF\xFE",
                                            "\xC3",
                                            "\uE000harbour\uE001",
                                            "\U0001F600",
                                            "東京",
                                            long_query,
                                            long_operators,
                                            std::string(8000, 'a'),
                                            std::string(2600, '"')};
  for (const auto& q : queries) {
    INFO(q.substr(0, 60));
    auto r = search(server, q);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(r->body.find("class=\"search-form\"") != std::string::npos);
    CHECK(r->body.find("<script>") == std::string::npos);
  }
  // A 10,000-character query is longer than a request line may be: the styled 414.
  {
    auto r = search(server, std::string(10000, 'a'));
    REQUIRE(r);
    CHECK(r->status == 414);
    CHECK(r->body.find("Address too long") != std::string::npos);
  }
  // Asked for nothing: a prompt. Asked for what matches nothing: says so.
  for (const char* path : {"/search", "/search?q=", "/search?q=+++", "/search?q=%09"}) {
    INFO(path);
    auto r = get(server, path);
    CHECK(r->status == 200);
    CHECK(r->body.find("Type something to search") != std::string::npos);
  }
  for (const char* q : {"zzzzqqq", "*", "\"\"", "-", "\U0001F600"}) {
    INFO(q);
    auto r = search(server, q);
    CHECK(r->status == 200);
    CHECK(r->body.find("No results") != std::string::npos);
  }
  // Operators are plain words: "harbour OR quay" asks for all three words.
  CHECK(result_slugs(search(server, "harbour OR quay")->body).empty());
  CHECK(result_slugs(search(server, "\"harbour\" NOT dredging")->body).empty());
  CHECK(result_slugs(search(server, "title:harbour")->body).empty());  // "title" is a word
  CHECK(result_slugs(search(server, "(harbour")->body).size() == 3);
  // A form sends spaces as "+".
  CHECK(result_slugs(get(server, "/search?q=harbour+dredging")->body) ==
        std::vector<std::string>{"title-match"});
  // Only the page number can be a bad request.
  for (const char* path :
       {"/search?q=harbour&page=0", "/search?q=harbour&page=-1", "/search?q=harbour&page=abc",
        "/search?q=harbour&page=", "/search?q=harbour&page=99999999999"}) {
    INFO(path);
    auto r = get(server, path);
    CHECK(r->status == 400);
    CHECK(r->body.find("page parameter") != std::string::npos);
  }
}

TEST_CASE("search results paginate 20 a page", "[integration][search]") {
  TempDir dir;
  std::vector<gazette::Article> articles;
  for (int i = 1; i <= 25; ++i) {
    char date[32];
    std::snprintf(date, sizeof date, "2026-02-%02dT09:00:00Z", i);
    articles.push_back(article("lighthouse-" + std::to_string(i),
                               "Lighthouse report " + std::to_string(i), "The lamp was serviced.",
                               {}, date));
  }
  articles.push_back(article("other", "Something else", "Nothing to see."));
  save(dir / "site.db", articles);
  ServerProcess server({"--db", dir / "site.db"});

  auto p1 = search(server, "lighthouse");
  auto p2 = search(server, "lighthouse", 2);
  REQUIRE((p1 && p2));
  CHECK(p1->status == 200);
  CHECK(p2->status == 200);
  auto s1 = result_slugs(p1->body);
  auto s2 = result_slugs(p2->body);
  CHECK(s1.size() == 20);
  CHECK(s2.size() == 5);
  CHECK(p1->body.find("<strong>25 results</strong>") != std::string::npos);
  CHECK(p2->body.find("<strong>25 results</strong>") != std::string::npos);
  // Equal scores: the newest first, and no article on two pages.
  CHECK(s1.front() == "lighthouse-25");
  CHECK(s2.back() == "lighthouse-1");
  for (const auto& s : s2) CHECK(std::find(s1.begin(), s1.end(), s) == s1.end());
  CHECK(p1->body.find("href=\"/search?q=lighthouse&amp;page=2\" rel=\"next\"") !=
        std::string::npos);
  CHECK(p2->body.find("href=\"/search?q=lighthouse\" rel=\"prev\"") != std::string::npos);
  CHECK(p2->body.find("rel=\"next\"") == std::string::npos);
  CHECK(p2->body.find("Page 2 of 2") != std::string::npos);

  auto p3 = search(server, "lighthouse", 3);
  REQUIRE(p3);
  CHECK(p3->status == 404);
  CHECK(p3->body.find("There is no page 3 of these search results; there are 2 pages.") !=
        std::string::npos);
  auto none = search(server, "nothingmatches", 2);
  CHECK(none->status == 404);
  CHECK(none->body.find("There is no page 2 of these search results; nothing matches.") !=
        std::string::npos);
  // A page number past any offset is a 404 like any page past the end.
  for (int page : {107374183, 999999999, 2147483647}) {
    INFO(page);
    CHECK(search(server, "lighthouse", page)->status == 404);
  }
  CHECK(get(server, "/healthz")->status == 200);
}

TEST_CASE("search pages are cached a minute, noindex, and keep the query in the box",
          "[integration][search]") {
  TempDir dir;
  seed_corpus(dir / "site.db");
  ServerProcess server({"--db", dir / "site.db"});
  auto r = search(server, "Harbour <b>\"plan\"</b>");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Cache-Control") == "public, max-age=60");
  CHECK(r->get_header_value("Content-Security-Policy") == "default-src 'self'");
  CHECK(r->body.find("<meta name=\"robots\" content=\"noindex\">") != std::string::npos);
  // Both boxes (header and page) show the query, escaped.
  CHECK(occurrences(r->body, "value=\"Harbour &lt;b&gt;&quot;plan&quot;&lt;/b&gt;\"") == 2);
  CHECK(r->body.find("<b>") == std::string::npos);
  CHECK(r->body.find("<link rel=\"canonical\" href=\"" + server.url() +
                     "/search?q=Harbour%20%3Cb%3E%22plan%22%3C%2Fb%3E\">") != std::string::npos);
  CHECK(r->body.find(
            "<title>Search: Harbour &lt;b&gt;&quot;plan&quot;&lt;/b&gt; | Gazette</title>") !=
        std::string::npos);

  auto hit = search(server, "harbour");
  REQUIRE(hit);
  auto etag = hit->get_header_value("ETag");
  CHECK_FALSE(etag.empty());
  CHECK_FALSE(hit->get_header_value("Last-Modified").empty());
  auto again = get(server, "/search?q=harbour", {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
}

TEST_CASE("drafts and scheduled articles are never found", "[integration][search]") {
  TempDir dir;
  seed_corpus(dir / "site.db");
  ServerProcess server({"--db", dir / "site.db"});
  auto r = search(server, "xylophone");
  REQUIRE(r);
  CHECK(r->status == 200);
  // Only the one dated in the past; the draft and the one dated 2999 are not there.
  CHECK(result_slugs(r->body) == std::vector<std::string>{"past-scheduled"});
  CHECK(r->body.find("<strong>1 result</strong>") != std::string::npos);
  CHECK(r->body.find("Secret") == std::string::npos);
  CHECK(r->body.find("Future") == std::string::npos);
  CHECK(result_slugs(search(server, "secret")->body).empty());
  CHECK(result_slugs(search(server, "concert")->body).empty());
}

TEST_CASE("edits and deletes show in results at once", "[integration][search]") {
  TempDir dir;
  std::string db = dir / "site.db";
  seed_corpus(db);
  ServerProcess server({"--db", db});
  REQUIRE(result_slugs(search(server, "dredging")->body) ==
          std::vector<std::string>{"title-match"});

  // Another connection edits the article while the server runs: new title, new tags.
  save(db, {article("title-match", "Harbour deepening approved",
                    "Work starts in spring and lasts two months.", {"walrus"})});
  CHECK(result_slugs(search(server, "dredging")->body).empty());
  CHECK(result_slugs(search(server, "deepening")->body) == std::vector<std::string>{"title-match"});
  CHECK(result_slugs(search(server, "walrus")->body) == std::vector<std::string>{"title-match"});
  // An article that drops a tag is no longer found by it.
  save(db, {article("tag-match", "Quay wall repairs begin", "Engineers will close one lane.")});
  CHECK(result_slugs(search(server, "harbour")->body) ==
        std::vector<std::string>{"title-match", "body-only"});
  // Unpublishing hides it; publishing again shows it.
  {
    auto a = article("runner", "Club news", "She will run the marathon next year.");
    a.status = gazette::Status::draft;
    save(db, {a});
    CHECK(result_slugs(search(server, "marathon")->body).empty());
    a.status = gazette::Status::published;
    save(db, {a});
    CHECK(result_slugs(search(server, "marathon")->body) == std::vector<std::string>{"runner"});
  }

  // A delete in plain SQL takes the index row with it.
  auto opened = gazette::db::open_database(db);
  auto& c = *opened.connection;
  auto id = c.query_int("SELECT id FROM articles WHERE slug = 'title-match'");
  REQUIRE(id);
  CHECK(c.query_int("SELECT count(*) FROM articles_fts WHERE rowid = " + std::to_string(*id)) == 1);
  c.exec("DELETE FROM articles WHERE slug = 'title-match'");
  CHECK(c.query_int("SELECT count(*) FROM articles_fts WHERE rowid = " + std::to_string(*id)) == 0);
  CHECK(result_slugs(search(server, "deepening")->body).empty());
  CHECK(result_slugs(search(server, "harbour")->body) == std::vector<std::string>{"body-only"});
  // The index holds exactly the articles, and agrees with itself.
  CHECK(c.query_int("SELECT count(*) FROM articles_fts") ==
        c.query_int("SELECT count(*) FROM articles"));
  c.exec("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)");
}

TEST_CASE("snippets are escaped, only our marks are HTML", "[integration][search]") {
  TempDir dir;
  // Code spans keep the angle brackets in the plain text that is indexed; the private-use
  // characters are the ones snippet() marks with, and are stripped from the index.
  save(dir / "site.db",
       {article("hostile", "Hostile body",
                "Before `<script>alert(1)</script>` and `<mark>fake</mark>` comes the zebra, "
                "then \"quotes\" & ampersands, \uE000evil\uE001 markers and the zebra again.")});
  ServerProcess server({"--db", dir / "site.db"});
  auto r = search(server, "zebra");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const std::string& html = r->body;
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&lt;mark&gt;fake&lt;/mark&gt;") != std::string::npos);
  CHECK(html.find("&quot;quotes&quot; &amp; ampersands") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<mark>fake") == std::string::npos);
  CHECK(html.find("<mark>evil") == std::string::npos);
  CHECK(html.find("\uE000") == std::string::npos);
  // Every <mark> is ours, around the word searched for.
  CHECK(occurrences(html, "<mark>") == 2);
  CHECK(occurrences(html, "<mark>zebra</mark>") == 2);
}

TEST_CASE("every page has the search form in its header", "[integration][search]") {
  TempDir dir;
  seed_corpus(dir / "site.db");
  ServerProcess server({"--db", dir / "site.db"});
  for (const char* path : {"/", "/articles/cafe", "/no-such-page"}) {
    INFO(path);
    auto r = get(server, path);
    REQUIRE(r);
    const std::string& html = r->body;
    auto form = html.find("<form class=\"site-search\" action=\"/search\" method=\"get\"");
    REQUIRE(form != std::string::npos);
    CHECK(form < html.find("</header>"));
    CHECK(html.find("<label class=\"visually-hidden\" for=\"site-search-q\">") !=
          std::string::npos);
    CHECK(html.find("id=\"site-search-q\" type=\"search\" name=\"q\" value=\"\"") !=
          std::string::npos);
    CHECK(html.find("<button class=\"site-search-button\" type=\"submit\">") != std::string::npos);
    CHECK(html.find("style=") == std::string::npos);
  }
}

TEST_CASE("migration 2 indexes the articles of an older database", "[db][search]") {
  TempDir dir;
  std::string db = dir / "site.db";
  seed_corpus(db);
  {
    // Back to schema version 1: no index, no triggers, none of the later tables.
    gazette::db::Connection c(db, gazette::db::OpenMode::read_write);
    c.exec(R"sql(
      DROP TABLE sessions;
      DROP TABLE login_failures;
      DROP TABLE content_stamp;
      DROP TRIGGER articles_stamp_insert;
      DROP TRIGGER articles_stamp_update;
      DROP TRIGGER articles_stamp_delete;
      DROP INDEX articles_admin;
      DROP TRIGGER articles_fts_insert;
      DROP TRIGGER articles_fts_update;
      DROP TRIGGER articles_fts_delete;
      DROP TABLE articles_fts;
      DROP INDEX articles_visibility;
      DROP TABLE related_postings;
      DROP TABLE related_vectors;
      DROP TABLE related_df;
      DROP TABLE related_state;
      DROP TABLE related_meta;
      DROP TRIGGER related_copies_update;
      DROP INDEX article_tags_in_order;
      ALTER TABLE related DROP COLUMN slug;
      ALTER TABLE related DROP COLUMN title;
      ALTER TABLE related DROP COLUMN summary;
      ALTER TABLE related DROP COLUMN status;
      ALTER TABLE related DROP COLUMN published_at;
      PRAGMA user_version = 1;)sql");
    REQUIRE(c.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'") == 0);
    REQUIRE(c.query_int("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'articles_fts%'") == 0);
  }
  auto opened = gazette::db::open_database(db);
  auto& c = *opened.connection;
  CHECK(c.query_int("PRAGMA user_version") == gazette::db::latest_schema_version());
  CHECK(c.query_int("SELECT count(*) FROM articles_fts") ==
        c.query_int("SELECT count(*) FROM articles"));
  CHECK(c.query_int("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'harbour'") == 3);
  CHECK(c.query_int("SELECT count(*) FROM articles_fts WHERE tags MATCH 'harbour'") == 1);
  CHECK(c.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE "
                    "'articles_fts_%'") == 3);
}

TEST_CASE("the article page's JSON-LD is valid JSON whatever the article holds",
          "[integration][jsonld]") {
  TempDir dir;
  const std::string title =
      "He said \"no\" \\ then </script><script>alert(1)</script> <!-- x --> a\u2028b\u2029c "
      "\U0001F600 & done";
  auto a = article("jsonld-test", title, "Body.", {"quo\"te", "back\\slash", "<script>", "<!--"});
  a.summary = "Dek with \"quotes\", \\backslashes\\, </SCRIPT> and <!-- and \u2028.";
  a.author = "O'Brien \"The Pen\" </script> \U0001F4F0";
  save(dir / "site.db", {a});
  ServerProcess server({"--db", dir / "site.db"});

  auto r = get(server, "/articles/jsonld-test");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const std::string open = "<script type=\"application/ld+json\">";
  auto start = r->body.find(open);
  REQUIRE(start != std::string::npos);
  start += open.size();
  auto end = r->body.find("</script>", start);
  REQUIRE(end != std::string::npos);
  std::string json = r->body.substr(start, end - start);
  // Nothing in it can end the element or open a comment.
  CHECK(json.find('<') == std::string::npos);
  CHECK(occurrences(r->body, "</script>") == 1);

  std::ofstream(dir / "ld.json", std::ios::binary) << json;
  auto parsed = gazette::test::run_program(
      "/usr/bin/python3",
      {"-c",
       "import json, sys\n"
       "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
       "assert d['@type'] == 'NewsArticle'\n"
       "out = '\\x1f'.join([d['headline'], d['description'], d['author']['name']] + "
       "d['keywords'])\n"
       "sys.stdout.buffer.write(out.encode('utf-8'))\n",
       dir / "ld.json"},
      std::chrono::seconds(30));
  INFO(parsed.err);
  REQUIRE(parsed.exit_code == 0);
  // The tags as stored: lowercase.
  CHECK(parsed.out == title + "\x1f" + a.summary + "\x1f" + a.author +
                          "\x1fquo\"te\x1f"
                          "back\\slash\x1f<script>\x1f<!--");
}
