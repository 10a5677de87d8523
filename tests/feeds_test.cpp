// Integration tests for the discovery files: /feed.xml, /tags/{tag}/feed.xml,
// /sitemap.xml and /robots.txt, served by the real binary. Feeds are read back with
// Debian's python3-feedparser (the parser many feed readers build on) and every XML file
// is checked with `xmllint --noout`; robots.txt with Python's urllib.robotparser.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "content/markdown.h"
#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "tests/http_support.h"
#include "tests/process_support.h"

using gazette::test::occurrences;
using gazette::test::ServerProcess;
using gazette::test::TempDir;

namespace {

constexpr const char* kBase = "https://news.example.org";
// The write times the tests give save_articles, so that dates in the feed are known.
constexpr const char* kWrittenAt = "2026-06-01T00:00:00Z";
constexpr const char* kEditedAt = "2026-07-01T00:00:00Z";

httplib::Result get(const ServerProcess& s, const std::string& path,
                    const httplib::Headers& headers = {}) {
  httplib::Client c("127.0.0.1", s.port());
  c.set_decompress(false);
  return c.Get(path, headers);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

gazette::Article make_article(const std::string& title, const std::string& date,
                              std::vector<std::string> tags,
                              gazette::Status status = gazette::Status::published) {
  gazette::Article a;
  a.title = title;
  a.summary = "Summary of " + title + ".";
  a.body_markdown = "Body of **" + title + "**.\n\n## Section\n\nMore [text](/articles/x) here.";
  a.author = "Test Author";
  a.tags = std::move(tags);
  a.status = status;
  a.published_at = date;
  return a;
}

// Writes `articles` (validated) into the database at `path`, as of `written_at`. Also
// works while a server has the file open (WAL).
void seed(const std::string& path, std::vector<gazette::Article> articles,
          const std::string& written_at = kWrittenAt) {
  auto opened = gazette::db::open_database(path);
  for (auto& a : articles) REQUIRE(gazette::normalize_and_validate(a, written_at).empty());
  auto result = gazette::db::save_articles(*opened.connection, articles, written_at,
                                           gazette::db::RelatedWeights{});
  REQUIRE(std::holds_alternative<gazette::db::SaveResult>(result));
}

// `body` in a file of `dir`, for the command-line tools.
std::string write_file(const TempDir& dir, const std::string& name, const std::string& body) {
  std::string path = dir / name;
  std::ofstream(path, std::ios::binary) << body;
  return path;
}

// Runs xmllint --noout: the error output, "" when the document is well-formed.
std::string xmllint_errors(const TempDir& dir, const std::string& xml) {
  auto r = gazette::test::run_program(
      "/usr/bin/xmllint", {"--noout", write_file(dir, "doc.xml", xml)}, std::chrono::seconds(60));
  if (r.exit_code != 0 && r.err.empty())
    return "xmllint exit status " + std::to_string(r.exit_code);
  return r.err;
}

// What feedparser made of a feed: the feed's fields and each entry's, by name.
using Fields = std::map<std::string, std::string>;
struct ParsedFeed {
  Fields feed;
  std::vector<Fields> entries;
};

// feedparser without its HTML sanitiser and relative-URI rewriting, so that content comes
// back as the feed carries it. Every value is printed as hex UTF-8 ("name hex" lines) so
// that any text survives the trip through stdout.
constexpr const char* kFeedparserScript = R"py(
import sys, feedparser
d = feedparser.parse(sys.argv[1], sanitize_html=False, resolve_relative_uris=False)
def out(k, v):
    print(k, str('' if v is None else v).encode('utf-8').hex())
out('bozo', int(d.bozo))
out('bozo_exception', d.get('bozo_exception', ''))
out('version', d.get('version', ''))
f = d.feed
for k in ('id', 'title', 'subtitle', 'updated', 'link', 'author'):
    out(k, f.get(k, ''))
out('self', next((l.href for l in f.get('links', []) if l.get('rel') == 'self'), ''))
for e in d.entries:
    out('entry', '')
    for k in ('id', 'title', 'link', 'summary', 'author', 'published', 'updated'):
        out(k, e.get(k, ''))
    out('content', e.content[0].value if e.get('content') else '')
    out('content_type', e.content[0].type if e.get('content') else '')
    out('tags', '|'.join(t.term for t in e.get('tags', [])))
)py";

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

ParsedFeed parse_feed(const TempDir& dir, const std::string& xml) {
  auto r = gazette::test::run_program("/usr/bin/python3",
                                      {"-c", kFeedparserScript, write_file(dir, "feed.xml", xml)},
                                      std::chrono::seconds(60));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  ParsedFeed parsed;
  Fields* current = &parsed.feed;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    auto space = line.find(' ');
    REQUIRE(space != std::string::npos);
    std::string key = line.substr(0, space);
    if (key == "entry") {
      current = &parsed.entries.emplace_back();
    } else {
      (*current)[key] = from_hex(line.substr(space + 1));
    }
  }
  return parsed;
}

// feedparser trims the text of every element.
std::string trimmed(std::string s) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  while (!s.empty() && is_space(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && is_space(s[start])) ++start;
  return s.substr(start);
}

// The 25 stories, "Story number 1" (oldest) to 25, odd/even/all tags; a draft and a
// scheduled story that must never show; one tag only the draft has.
std::vector<gazette::Article> newsroom() {
  std::vector<gazette::Article> articles;
  for (int i = 1; i <= 25; ++i) {
    char date[32];
    std::snprintf(date, sizeof date, "2026-03-%02dT09:00:00Z", i);
    articles.push_back(
        make_article("Story number " + std::to_string(i), date, {i % 2 ? "odd" : "even", "all"}));
  }
  articles.push_back(make_article("Draft story", "2026-04-01T09:00:00Z",
                                  {"all", "odd", "draftonly"}, gazette::Status::draft));
  articles.push_back(make_article("Future story", "2999-01-01T09:00:00Z", {"all", "odd", "later"}));
  return articles;
}

void check_cached(const ServerProcess& server, const std::string& path,
                  const httplib::Response& r) {
  INFO(path);
  CHECK(r.get_header_value("Cache-Control") == "public, max-age=60");
  CHECK(std::regex_match(r.get_header_value("ETag"), std::regex(R"("[0-9a-f]{16}")")));
  auto again = get(server, path, {{"If-None-Match", r.get_header_value("ETag")}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
}

}  // namespace

TEST_CASE("the Atom feed carries the 20 newest public articles", "[integration][feeds]") {
  TempDir dir;
  std::string db = dir / "site.db";
  seed(db, newsroom());
  ServerProcess server({"--db", db, "--base-url", kBase});

  auto r = get(server, "/feed.xml");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/atom+xml; charset=utf-8");
  CHECK(r->get_header_value("Last-Modified") == "Mon, 01 Jun 2026 00:00:00 GMT");
  check_cached(server, "/feed.xml", *r);
  CHECK(xmllint_errors(dir, r->body) == "");
  CHECK(r->body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "));
  CHECK_FALSE(contains(r->body, "draft-story"));
  CHECK_FALSE(contains(r->body, "future-story"));

  auto feed = parse_feed(dir, r->body);
  CHECK(feed.feed["bozo"] == "0");
  CHECK(feed.feed["bozo_exception"] == "");
  CHECK(feed.feed["version"] == "atom10");
  CHECK(feed.feed["id"] == std::string(kBase) + "/feed.xml");
  CHECK(feed.feed["self"] == std::string(kBase) + "/feed.xml");
  CHECK(feed.feed["link"] == std::string(kBase) + "/");
  CHECK(feed.feed["title"] == "Gazette");
  CHECK(feed.feed["updated"] == kWrittenAt);  // the newest updated_at of the entries
  REQUIRE(feed.entries.size() == 20);
  for (std::size_t i = 0; i < feed.entries.size(); ++i) {
    int n = 25 - static_cast<int>(i);  // newest first: stories 25 down to 6
    std::string title = "Story number " + std::to_string(n);
    std::string url = std::string(kBase) + "/articles/story-number-" + std::to_string(n);
    auto& e = feed.entries[i];
    INFO(title);
    CHECK(e["title"] == title);
    CHECK(e["link"] == url);
    CHECK(e["id"] == url);
    CHECK(e["summary"] == "Summary of " + title + ".");
    CHECK(e["author"] == "Test Author");
    char date[32];
    std::snprintf(date, sizeof date, "2026-03-%02dT09:00:00Z", n);
    CHECK(e["published"] == date);
    CHECK(e["updated"] == kWrittenAt);
    CHECK(e["tags"] == std::string(n % 2 ? "odd" : "even") + "|all");
    CHECK(e["content_type"] == "text/html");
    auto article = make_article(title, date, {});
    CHECK(e["content"] == trimmed(gazette::markdown_to_html(article.body_markdown)));
  }
  // The raw XML carries the content escaped, relative links and all.
  CHECK(contains(r->body, "&lt;strong&gt;Story number 25&lt;/strong&gt;"));
  CHECK(contains(r->body, "xml:base=\"https://news.example.org/\""));

  SECTION("ids stay the same when an article is edited") {
    auto edited = make_article("Story number 25, corrected", "2026-03-25T09:00:00Z", {"odd"});
    edited.slug = "story-number-25";
    seed(db, {edited}, kEditedAt);
    auto after = get(server, "/feed.xml");
    REQUIRE(after);
    REQUIRE(after->status == 200);
    CHECK(after->get_header_value("ETag") != r->get_header_value("ETag"));
    // The old ETag no longer matches: the reader gets the new feed.
    CHECK(get(server, "/feed.xml", {{"If-None-Match", r->get_header_value("ETag")}})->status ==
          200);
    auto again = parse_feed(dir, after->body);
    CHECK(again.feed["bozo"] == "0");
    CHECK(again.feed["updated"] == kEditedAt);
    REQUIRE(again.entries.size() == 20);
    CHECK(again.entries[0]["title"] == "Story number 25, corrected");
    CHECK(again.entries[0]["updated"] == kEditedAt);
    for (std::size_t i = 0; i < 20; ++i) {
      CHECK(again.entries[i]["id"] == feed.entries[i]["id"]);
    }
  }
}

TEST_CASE("tag feeds", "[integration][feeds]") {
  TempDir dir;
  std::string db = dir / "site.db";
  auto articles = newsroom();
  articles.push_back(make_article("Council story", "2026-02-01T09:00:00Z", {"city council"}));
  seed(db, articles);
  ServerProcess server({"--db", db, "--base-url", kBase});

  auto r = get(server, "/tags/odd/feed.xml");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/atom+xml; charset=utf-8");
  check_cached(server, "/tags/odd/feed.xml", *r);
  CHECK(xmllint_errors(dir, r->body) == "");
  CHECK_FALSE(contains(r->body, "draft-story"));
  CHECK_FALSE(contains(r->body, "future-story"));
  auto feed = parse_feed(dir, r->body);
  CHECK(feed.feed["bozo"] == "0");
  CHECK(feed.feed["id"] == std::string(kBase) + "/tags/odd/feed.xml");
  CHECK(feed.feed["self"] == std::string(kBase) + "/tags/odd/feed.xml");
  CHECK(feed.feed["link"] == std::string(kBase) + "/tags/odd");
  CHECK(feed.feed["title"] == "Articles tagged odd | Gazette");
  REQUIRE(feed.entries.size() == 13);  // the odd stories 1 to 25
  CHECK(feed.entries.front()["title"] == "Story number 25");
  CHECK(feed.entries.back()["title"] == "Story number 1");
  for (auto& e : feed.entries) CHECK(e["tags"] == "odd|all");

  SECTION("a tag with a space is percent-encoded in the feed's addresses") {
    auto council = get(server, "/tags/city%20council/feed.xml");
    REQUIRE(council);
    REQUIRE(council->status == 200);
    auto parsed = parse_feed(dir, council->body);
    CHECK(parsed.feed["bozo"] == "0");
    CHECK(parsed.feed["id"] == std::string(kBase) + "/tags/city%20council/feed.xml");
    REQUIRE(parsed.entries.size() == 1);
    CHECK(parsed.entries[0]["title"] == "Council story");
  }
  SECTION("capitals redirect to the lowercase feed") {
    auto upper = get(server, "/tags/Odd/feed.xml");
    REQUIRE(upper);
    CHECK(upper->status == 301);
    CHECK(upper->get_header_value("Location") == "/tags/odd/feed.xml");
    auto spaced = get(server, "/tags/City%20Council/feed.xml");
    CHECK(spaced->status == 301);
    // (cpp-httplib's client hands back Location percent-decoded.)
    CHECK(spaced->get_header_value("Location") == "/tags/city council/feed.xml");
  }
  SECTION("a tag without public articles is a 404") {
    for (const char* path :
         {"/tags/no-such-tag/feed.xml", "/tags/draftonly/feed.xml", "/tags/later/feed.xml"}) {
      INFO(path);
      auto missing = get(server, path);
      REQUIRE(missing);
      CHECK(missing->status == 404);
      CHECK(missing->get_header_value("Cache-Control") == "no-store");
      CHECK(contains(missing->body, "Page not found"));
    }
  }
}

TEST_CASE("an empty site has an empty, valid feed", "[integration][feeds]") {
  TempDir dir;
  std::string db = dir / "site.db";
  seed(db, {});
  ServerProcess server({"--db", db, "--base-url", kBase});
  auto r = get(server, "/feed.xml");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Last-Modified") == "");
  CHECK(xmllint_errors(dir, r->body) == "");
  auto feed = parse_feed(dir, r->body);
  CHECK(feed.feed["bozo"] == "0");
  CHECK(feed.entries.empty());
  CHECK(std::regex_match(feed.feed["updated"],
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));  // now

  auto sitemap = get(server, "/sitemap.xml");
  REQUIRE(sitemap);
  CHECK(sitemap->status == 200);
  CHECK(xmllint_errors(dir, sitemap->body) == "");
  CHECK(occurrences(sitemap->body, "<url>") == 1);  // the home page
}

TEST_CASE("hostile article text still gives well-formed feeds", "[integration][feeds]") {
  TempDir dir;
  std::string db = dir / "site.db";
  // Everything that could end an element, a CDATA section or an entity early, a control
  // character XML cannot carry, a noncharacter, and characters outside the BMP.
  const std::string nasty =
      "]]> </content> </entry> <script>alert(\"x\")</script> &amp; &#1; 'single' \"double\" "
      "a\x01"
      "b\x0B"
      "c\xEF\xBF\xBE"
      "d \xF0\x9F\x98\x80 caf\xC3\xA9";
  // What that text reads back as: the same, without U+0001, U+000B and U+FFFE.
  const std::string clean =
      "]]> </content> </entry> <script>alert(\"x\")</script> &amp; &#1; 'single' \"double\" "
      "abcd \xF0\x9F\x98\x80 caf\xC3\xA9";
  // What validation lets in changes over time (titles, summaries and bylines may no longer
  // hold control characters; older databases may), so the hostile text goes straight into
  // the row, as an older Gazette or another writer could have left it.
  gazette::Article a = make_article("Hostile", "2026-05-01T09:00:00Z", {});
  a.tags = {"<&>\"' \xF0\x9F\x98\x80", "plain"};
  seed(db, {a, make_article("Calm story", "2026-04-01T09:00:00Z", {"plain"})});
  // Safe-mode Markdown of the text, then the text as raw HTML, unescaped.
  const std::string body_html =
      gazette::markdown_to_html("Para " + nasty + "\n\n```\n" + nasty + "\n```\n") + "<p>" + nasty +
      "</p>\n";
  {
    gazette::db::Connection c(db, gazette::db::OpenMode::read_write);
    auto update = c.prepare(
        "UPDATE articles SET title = ?1, summary = ?2, author = ?3, body_html = ?4 "
        "WHERE slug = 'hostile'");
    update.bind_all("Hostile " + nasty, nasty, "Mallory " + nasty, body_html);
    update.run();
    REQUIRE(c.changes() == 1);
  }
  ServerProcess server({"--db", db, "--base-url", kBase});

  std::string html;  // body_html without the characters XML cannot carry
  for (std::size_t i = 0; i < body_html.size(); ++i) {
    if (body_html[i] == '\x01' || body_html[i] == '\x0B') continue;
    if (body_html.compare(i, 3, "\xEF\xBF\xBE") == 0) {
      i += 2;
      continue;
    }
    html += body_html[i];
  }
  REQUIRE(html.size() < body_html.size());  // the filter has something to drop

  const std::string hostile_tag_path = "/tags/%3C%26%3E%22%27%20%F0%9F%98%80/feed.xml";
  for (const std::string& path :
       {std::string("/feed.xml"), hostile_tag_path, std::string("/tags/plain/feed.xml")}) {
    INFO(path);
    auto r = get(server, path);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    CHECK(xmllint_errors(dir, r->body) == "");
    CHECK(r->body.find('\x01') == std::string::npos);
    CHECK_FALSE(contains(r->body, "<script>"));
    CHECK_FALSE(contains(r->body, "</content> </entry>"));
    auto feed = parse_feed(dir, r->body);
    CHECK(feed.feed["bozo"] == "0");
    CHECK(feed.feed["bozo_exception"] == "");
    REQUIRE_FALSE(feed.entries.empty());
    auto& e = feed.entries.front();
    CHECK(e["id"] == std::string(kBase) + "/articles/hostile");
    CHECK(e["title"] == "Hostile " + clean);
    CHECK(e["summary"] == clean);
    CHECK(e["author"] == "Mallory " + clean);
    CHECK(e["tags"] == "<&>\"' \xF0\x9F\x98\x80|plain");
    CHECK(e["content"] == trimmed(html));
  }
  auto sitemap = get(server, "/sitemap.xml");
  REQUIRE(sitemap);
  CHECK(xmllint_errors(dir, sitemap->body) == "");
  CHECK(contains(sitemap->body,
                 "<loc>https://news.example.org/tags/%3C%26%3E%22%27%20%F0%9F%98%80</loc>"));
}

TEST_CASE("the sitemap lists the home page, public articles and tag pages",
          "[integration][feeds]") {
  TempDir dir;
  std::string db = dir / "site.db";
  auto articles = newsroom();
  articles.push_back(make_article("Council story", "2026-02-01T09:00:00Z", {"city council"}));
  seed(db, articles);
  // One article edited later: its lastmod, its tags' and the home page's move on.
  auto edited = make_article("Story number 3", "2026-03-03T09:00:00Z", {"odd", "all"});
  edited.summary = "A corrected summary.";
  seed(db, {edited}, kEditedAt);
  ServerProcess server({"--db", db, "--base-url", kBase});

  auto r = get(server, "/sitemap.xml");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/xml; charset=utf-8");
  CHECK(r->get_header_value("Last-Modified") == "Wed, 01 Jul 2026 00:00:00 GMT");
  check_cached(server, "/sitemap.xml", *r);
  CHECK(xmllint_errors(dir, r->body) == "");
  const std::string& xml = r->body;
  CHECK(
      xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"));

  auto entry = [](const std::string& path, const std::string& lastmod) {
    return "<url>\n    <loc>" + std::string(kBase) + path + "</loc>\n    <lastmod>" + lastmod +
           "</lastmod>\n  </url>";
  };
  CHECK(contains(xml, entry("/", kEditedAt)));
  for (int i = 1; i <= 25; ++i) {
    INFO(i);
    CHECK(contains(xml, entry("/articles/story-number-" + std::to_string(i),
                              i == 3 ? kEditedAt : kWrittenAt)));
  }
  CHECK(contains(xml, entry("/articles/council-story", kWrittenAt)));
  CHECK(contains(xml, entry("/tags/odd", kEditedAt)));
  CHECK(contains(xml, entry("/tags/all", kEditedAt)));
  CHECK(contains(xml, entry("/tags/even", kWrittenAt)));
  CHECK(contains(xml, entry("/tags/city%20council", kWrittenAt)));
  // Home + 26 articles + 4 tags; nothing only drafts or scheduled articles have.
  CHECK(occurrences(xml, "<url>") == 31);
  CHECK(occurrences(xml, "<lastmod>") == 31);
  CHECK_FALSE(contains(xml, "draft-story"));
  CHECK_FALSE(contains(xml, "future-story"));
  CHECK_FALSE(contains(xml, "draftonly"));
  CHECK_FALSE(contains(xml, "/tags/later"));
}

TEST_CASE("robots.txt allows everything but /admin and names the sitemap", "[integration][feeds]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db", "--base-url", kBase});
  auto r = get(server, "/robots.txt");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/plain; charset=utf-8");
  check_cached(server, "/robots.txt", *r);
  CHECK(r->body ==
        "User-agent: *\nDisallow: /admin\nAllow: /\n\n"
        "Sitemap: https://news.example.org/sitemap.xml\n");

  // Read the way a crawler does.
  auto robots = write_file(dir, "robots.txt", r->body);
  auto check = gazette::test::run_program("/usr/bin/python3",
                                          {"-c", R"py(
import sys, urllib.robotparser
rp = urllib.robotparser.RobotFileParser()
rp.parse(open(sys.argv[1]).read().splitlines())
for path in ('/', '/articles/x', '/feed.xml', '/admin', '/admin/login'):
    print(path, rp.can_fetch('AnyBot', 'https://news.example.org' + path))
print('sitemaps', rp.site_maps())
)py",
                                           robots},
                                          std::chrono::seconds(60));
  INFO(check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.out ==
        "/ True\n/articles/x True\n/feed.xml True\n/admin False\n/admin/login False\n"
        "sitemaps ['https://news.example.org/sitemap.xml']\n");
}

TEST_CASE("pages link the site feed for autodiscovery", "[integration][feeds]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});  // the demo site
  for (const char* path :
       {"/", "/tags/climate", "/articles/wrenmouth-adopts-heat-response-plan", "/no-such-page"}) {
    INFO(path);
    auto r = get(server, path);
    REQUIRE(r);
    CHECK(contains(r->body,
                   "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/feed.xml\" "
                   "title=\"Gazette\">"));
  }
  // The demo site's own feeds and sitemap are well-formed and parse cleanly.
  for (const char* path : {"/feed.xml", "/tags/climate/feed.xml", "/sitemap.xml"}) {
    INFO(path);
    auto r = get(server, path);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    CHECK(xmllint_errors(dir, r->body) == "");
  }
  auto feed = parse_feed(dir, get(server, "/feed.xml")->body);
  CHECK(feed.feed["bozo"] == "0");
  CHECK(feed.entries.size() == 10);
}
