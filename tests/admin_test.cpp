// Integration tests of the admin over HTTP: the real server on its own database,
// signed in through the form like a browser. Security rules (SPEC: Admin) first, then
// the article form, then what a save does to the public site.
#include <signal.h>

#include <catch2/catch.hpp>
#include <regex>

#include "content/dates.h"
#include "tests/admin_support.h"
#include "tests/http_support.h"

using gazette::Status;
using gazette::test::AdminClient;
using gazette::test::kEditor;
using gazette::test::kEditorPassword;
using gazette::test::occurrences;
using gazette::test::poll_until;
using gazette::test::seed_admin_site;
using gazette::test::seed_article;
using gazette::test::ServerProcess;
using gazette::test::TempDir;

namespace {

// Two published articles about harbours, sharing tags, and a draft.
std::vector<gazette::Article> harbour_site() {
  return {
      seed_article("harbour-dredging-begins", "Harbour dredging begins", {"harbour", "port"},
                   "Dredgers arrived at the harbour to deepen the shipping channel for ferries."),
      seed_article("ferry-timetable-changes", "Ferry timetable changes", {"harbour", "ferries"},
                   "The ferry operator changes the harbour timetable while dredging goes on.",
                   Status::published, "2026-01-11T09:00:00Z"),
      seed_article("council-budget-draft", "Council budget draft", {"council"},
                   "The council's budget, not yet public.", Status::draft, ""),
  };
}

struct Site {
  TempDir dir;
  std::unique_ptr<ServerProcess> server;
  explicit Site(std::vector<std::string> extra = {}) {
    seed_admin_site(dir / "site.db", harbour_site());
    std::vector<std::string> args = {"--db", dir / "site.db"};
    args.insert(args.end(), extra.begin(), extra.end());
    server = std::make_unique<ServerProcess>(args);
  }
  int port() const { return server->port(); }
  httplib::Result get(const std::string& path) {
    httplib::Client c("127.0.0.1", port());
    return c.Get(path);
  }
  int status_of(const std::string& path) {
    auto r = get(path);
    return r ? r->status : -1;
  }
};

httplib::Params article_form(const std::string& csrf, const std::string& title,
                             const std::string& tags = "harbour, ferries",
                             const std::string& status = "published") {
  return {{"csrf", csrf},
          {"title", title},
          {"slug", ""},
          {"summary", "What changes at the harbour."},
          {"body", "The harbour **ferries** run to a new timetable.\r\n\r\nMore below."},
          {"author", "Desk"},
          {"tags", tags},
          {"status", status},
          {"published_at", ""},
          {"related", ""}};
}

void check_admin_headers(const httplib::Response& r) {
  CHECK(r.get_header_value("Cache-Control") == "no-store");
  CHECK(r.get_header_value("X-Frame-Options") == "DENY");
  CHECK(r.get_header_value("Content-Security-Policy") == "default-src 'self'");
  CHECK(r.get_header_value("X-Content-Type-Options") == "nosniff");
}

std::string set_cookie(const httplib::Response& r, const std::string& name) {
  auto n = r.get_header_value_count("Set-Cookie");
  for (std::size_t i = 0; i < n; ++i) {
    auto c = r.get_header_value("Set-Cookie", i);
    if (c.starts_with(name + "=")) return c;
  }
  return "";
}

}  // namespace

TEST_CASE("admin routes need a session: GET goes to sign-in, POST is refused",
          "[integration][admin]") {
  Site site;
  for (const char* path :
       {"/admin", "/admin/articles/new", "/admin/articles/harbour-dredging-begins/edit",
        "/admin/articles/harbour-dredging-begins/delete",
        "/admin/articles/council-budget-draft/preview"}) {
    INFO(path);
    auto r = site.get(path);
    REQUIRE(r);
    CHECK(r->status == 303);
    CHECK(r->get_header_value("Location") == "/admin/login");
    check_admin_headers(*r);
  }
  httplib::Client c("127.0.0.1", site.port());
  for (const char* path :
       {"/admin/logout", "/admin/articles", "/admin/articles/harbour-dredging-begins",
        "/admin/articles/harbour-dredging-begins/delete"}) {
    INFO(path);
    auto r = c.Post(path, httplib::Params{{"title", "x"}, {"csrf", "x"}});
    REQUIRE(r);
    CHECK(r->status == 403);
    check_admin_headers(*r);
    CHECK(r->body.find("<html") != std::string::npos);  // the styled page
  }
  CHECK(site.status_of("/articles/harbour-dredging-begins") == 200);
  // A wrong method on an admin address.
  auto r = site.get("/admin/logout");
  REQUIRE(r);
  CHECK(r->status == 405);
  CHECK(r->get_header_value("Allow") == "POST");
}

TEST_CASE("sign-in: the form's CSRF token is bound to its pre-session cookie",
          "[integration][admin]") {
  Site site;
  AdminClient alice(site.port());
  auto form = alice.get("/admin/login");
  REQUIRE(form);
  CHECK(form->status == 200);
  check_admin_headers(*form);
  std::string pre = set_cookie(*form, "gazette_login");
  CHECK(pre.find("HttpOnly") != std::string::npos);
  CHECK(pre.find("SameSite=Strict") != std::string::npos);
  CHECK(pre.find("Secure") == std::string::npos);
  std::string token = gazette::test::csrf_in(form->body);
  REQUIRE(token.size() >= 40);

  SECTION("no token: 403") {
    auto r = alice.post("/admin/login", {{"username", kEditor}, {"password", kEditorPassword}});
    REQUIRE(r);
    CHECK(r->status == 403);
    CHECK(alice.cookies.count("gazette_session") == 0);
  }
  SECTION("another client's token is useless without its cookie") {
    AdminClient mallory(site.port());
    mallory.get("/admin/login");  // a pre-session cookie of its own
    auto r = mallory.post("/admin/login",
                          {{"username", kEditor}, {"password", kEditorPassword}, {"csrf", token}});
    REQUIRE(r);
    CHECK(r->status == 403);
    CHECK(mallory.cookies.count("gazette_session") == 0);
  }
  SECTION("the right token and password: 303 to /admin with the session cookie") {
    auto r = alice.post("/admin/login",
                        {{"username", kEditor}, {"password", kEditorPassword}, {"csrf", token}});
    REQUIRE(r);
    CHECK(r->status == 303);
    CHECK(r->get_header_value("Location") == "/admin");
    check_admin_headers(*r);
    std::string session = set_cookie(*r, "gazette_session");
    CHECK(std::regex_search(session, std::regex("^gazette_session=[A-Za-z0-9_-]{43};")));
    for (const char* flag : {"HttpOnly", "SameSite=Strict", "Path=/;", "Max-Age=604800"}) {
      CHECK(session.find(flag) != std::string::npos);
    }
    CHECK(session.find("Secure") == std::string::npos);
    auto list = alice.get("/admin");
    REQUIRE(list);
    CHECK(list->status == 200);
    check_admin_headers(*list);
    CHECK(list->body.find("Council budget draft") != std::string::npos);  // drafts too
    CHECK(list->body.find("Signed in as <strong>editor</strong>") != std::string::npos);
    // Signed in, the sign-in page sends the editor on.
    auto again = alice.get("/admin/login");
    REQUIRE(again);
    CHECK(again->status == 303);
  }
}

TEST_CASE("the secure-cookies flag marks the cookies Secure", "[integration][admin]") {
  Site site({"--secure-cookies"});
  AdminClient alice(site.port());
  auto form = alice.get("/admin/login");
  REQUIRE(form);
  CHECK(set_cookie(*form, "gazette_login").find("; Secure") != std::string::npos);
  std::string csrf = gazette::test::csrf_in(form->body);
  auto r = alice.post("/admin/login",
                      {{"username", kEditor}, {"password", kEditorPassword}, {"csrf", csrf}});
  REQUIRE(r);
  CHECK(r->status == 303);
  CHECK(set_cookie(*r, "gazette_session").find("; Secure") != std::string::npos);
}

TEST_CASE("failed sign-ins get one generic 401 and the sixth attempt in 15 minutes gets 429",
          "[integration][admin]") {
  Site site;
  AdminClient client(site.port());
  std::string known, unknown;
  for (int i = 0; i < 5; ++i) {
    std::string csrf = client.csrf_from("/admin/login");
    // Failures spread over a real user and a made-up one count per name and per address.
    std::string user = i % 2 ? "nobody" : kEditor;
    auto r =
        client.post("/admin/login", {{"username", user}, {"password", "wrong"}, {"csrf", csrf}});
    REQUIRE(r);
    CHECK(r->status == 401);
    check_admin_headers(*r);
    CHECK(r->body.find("Wrong username or password.") != std::string::npos);
    (i % 2 ? unknown : known) = r->body;
  }
  // The same message whether the name exists or not (the pages differ only in the
  // echoed name and the token).
  CHECK(occurrences(known, "form-alert") == occurrences(unknown, "form-alert"));

  // From this address, even the right password now gets 429 for the rest of the window.
  std::string csrf = client.csrf_from("/admin/login");
  auto r = client.post("/admin/login",
                       {{"username", kEditor}, {"password", kEditorPassword}, {"csrf", csrf}});
  REQUIRE(r);
  CHECK(r->status == 429);
  CHECK(client.cookies.count("gazette_session") == 0);
  int retry = std::stoi(
      r->get_header_value("Retry-After", 0).empty() ? "0" : r->get_header_value("Retry-After"));
  CHECK(retry > 800);
  CHECK(retry <= 900);
  CHECK(r->body.find("Too many failed sign-ins") != std::string::npos);

  // The audit log has every attempt, never a password.
  CHECK(site.server->wait_for_log("audit: sign-in throttled user=editor addr=127.0.0.1"));
  std::string log = site.server->log();
  CHECK(occurrences(log, "audit: sign-in failed") == 5);
  CHECK(log.find("wrong") == std::string::npos);
  CHECK(log.find(kEditorPassword) == std::string::npos);
}

TEST_CASE("throttling counts the TCP peer, whatever address headers the client sends",
          "[integration][admin]") {
  Site site;
  AdminClient client(site.port());
  for (int i = 0; i < 5; ++i) {
    // A different claimed address and user each time: neither may split the budget.
    std::string fake = "10.0.0." + std::to_string(i + 1);
    client.extra_headers = {{"REMOTE_ADDR", fake}, {"X-Forwarded-For", fake}, {"X-Real-IP", fake}};
    std::string csrf = client.csrf_from("/admin/login");
    auto r = client.post(
        "/admin/login",
        {{"username", "user" + std::to_string(i)}, {"password", "wrong"}, {"csrf", csrf}});
    REQUIRE(r);
    CHECK(r->status == 401);
  }
  client.extra_headers = {{"REMOTE_ADDR", "10.9.9.9"}};
  std::string csrf = client.csrf_from("/admin/login");
  auto r = client.post("/admin/login",
                       {{"username", kEditor}, {"password", kEditorPassword}, {"csrf", csrf}});
  REQUIRE(r);
  CHECK(r->status == 429);
  CHECK(site.server->wait_for_log("audit: sign-in throttled user=editor addr=127.0.0.1"));
  CHECK(site.server->log().find("addr=10.") == std::string::npos);
}

TEST_CASE("logout ends the session on the server: the old cookie opens nothing",
          "[integration][admin]") {
  Site site;
  AdminClient alice(site.port());
  REQUIRE(alice.sign_in() == 303);
  std::string csrf = alice.csrf_from("/admin");
  REQUIRE(!csrf.empty());
  auto stolen = alice.cookies;  // what an attacker copied before the logout

  SECTION("logout without the token is refused") {
    auto r = alice.post("/admin/logout", {});
    REQUIRE(r);
    CHECK(r->status == 403);
    CHECK(alice.get("/admin")->status == 200);
  }
  SECTION("logout, then the copied cookie is replayed") {
    auto r = alice.post("/admin/logout", {{"csrf", csrf}});
    REQUIRE(r);
    CHECK(r->status == 303);
    CHECK(r->get_header_value("Location") == "/admin/login");
    CHECK(set_cookie(*r, "gazette_session").find("Max-Age=0") != std::string::npos);
    AdminClient replay(site.port());
    replay.cookies = stolen;
    auto page = replay.get("/admin");
    REQUIRE(page);
    CHECK(page->status == 303);
    auto post = replay.submit("/admin/articles", article_form(csrf, "Replayed"));
    REQUIRE(post);
    CHECK(post->status == 403);
    CHECK(site.status_of("/articles/replayed") == 404);
    CHECK(site.server->wait_for_log("audit: signed out user=editor"));
  }
}

TEST_CASE("every admin POST needs this session's CSRF token", "[integration][admin]") {
  Site site;
  AdminClient alice(site.port());
  AdminClient bob(site.port());
  REQUIRE(alice.sign_in() == 303);
  REQUIRE(bob.sign_in() == 303);
  std::string bobs_token = bob.csrf_from("/admin");
  std::string alices_token = alice.csrf_from("/admin");
  REQUIRE(bobs_token != alices_token);

  for (const std::string& token : {std::string(), std::string("forged"), bobs_token}) {
    INFO("token: " << token);
    auto create = alice.submit("/admin/articles", article_form(token, "Sneaky article"));
    REQUIRE(create);
    CHECK(create->status == 403);
    check_admin_headers(*create);
    auto edit = alice.submit("/admin/articles/harbour-dredging-begins",
                             article_form(token, "Defaced title"));
    REQUIRE(edit);
    CHECK(edit->status == 403);
    auto del = alice.post("/admin/articles/harbour-dredging-begins/delete", {{"csrf", token}});
    REQUIRE(del);
    CHECK(del->status == 403);
  }
  // Nothing changed.
  CHECK(site.status_of("/articles/sneaky-article") == 404);
  auto page = site.get("/articles/harbour-dredging-begins");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("Defaced") == std::string::npos);
  // A token in the query string instead of the form body does not count either.
  auto r = alice.submit("/admin/articles?csrf=" + alices_token, article_form("", "Query token"));
  REQUIRE(r);
  CHECK(r->status == 403);
}

TEST_CASE("a save is on every public page at the next request", "[integration][admin]") {
  Site site;
  AdminClient alice(site.port());
  REQUIRE(alice.sign_in() == 303);
  // Warm the page cache with the pages the save must change.
  for (const char* path : {"/", "/tags/harbour", "/feed.xml", "/search?q=timetable",
                           "/articles/ferry-timetable-changes", "/sitemap.xml"}) {
    REQUIRE(site.status_of(path) == 200);
  }
  std::string csrf = alice.csrf_from("/admin/articles/new");
  auto r =
      alice.submit("/admin/articles", article_form(csrf, "Night ferries return to the harbour"));
  REQUIRE(r);
  CHECK(r->status == 303);
  const std::string slug = "night-ferries-return-to-the-harbour";
  CHECK(r->get_header_value("Location") == "/admin/articles/" + slug + "/edit");
  CHECK(site.server->wait_for_log("audit: created article " + slug + " user=editor"));

  const std::string title = "Night ferries return to the harbour";
  auto article = site.get("/articles/" + slug);
  REQUIRE(article);
  CHECK(article->status == 200);
  CHECK(article->body.find("<strong>ferries</strong>") != std::string::npos);
  for (const char* path : {"/", "/tags/harbour", "/tags/ferries", "/feed.xml",
                           "/search?q=timetable", "/sitemap.xml"}) {
    INFO(path);
    auto page = site.get(path);
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK((page->body.find(title) != std::string::npos ||
           page->body.find(slug) != std::string::npos));
  }
  // The other harbour article's related sidebar has the new one.
  auto other = site.get("/articles/ferry-timetable-changes");
  REQUIRE(other);
  auto aside = other->body.find("<aside class=\"related\"");
  REQUIRE(aside != std::string::npos);
  CHECK(other->body.find("/articles/" + slug, aside) != std::string::npos);

  // The edit page shows the one-time notice once.
  auto edit = alice.get("/admin/articles/" + slug + "/edit");
  REQUIRE(edit);
  CHECK(edit->status == 200);
  CHECK(edit->body.find("Created.") != std::string::npos);
  CHECK(edit->body.find("value=\"harbour, ferries\"") != std::string::npos);
  auto again = alice.get("/admin/articles/" + slug + "/edit");
  REQUIRE(again);
  CHECK(again->body.find("Created.") == std::string::npos);

  SECTION("an edit, a rename and a delete show at once too") {
    csrf = gazette::test::csrf_in(again->body);
    auto form = article_form(csrf, "Night ferries return for good");
    form.erase("slug");
    form.emplace("slug", "night-ferries-for-good");
    auto saved = alice.submit("/admin/articles/" + slug, form);
    REQUIRE(saved);
    CHECK(saved->status == 303);
    CHECK(saved->get_header_value("Location") == "/admin/articles/night-ferries-for-good/edit");
    CHECK(site.status_of("/articles/" + slug) == 404);
    auto renamed = site.get("/articles/night-ferries-for-good");
    REQUIRE(renamed);
    CHECK(renamed->body.find("Night ferries return for good") != std::string::npos);
    CHECK(site.get("/")->body.find("Night ferries return for good") != std::string::npos);

    auto confirm = alice.get("/admin/articles/night-ferries-for-good/delete");
    REQUIRE(confirm);
    CHECK(confirm->status == 200);
    check_admin_headers(*confirm);
    auto deleted = alice.post("/admin/articles/night-ferries-for-good/delete",
                              {{"csrf", gazette::test::csrf_in(confirm->body)}});
    REQUIRE(deleted);
    CHECK(deleted->status == 303);
    CHECK(deleted->get_header_value("Location") == "/admin");
    CHECK(site.status_of("/articles/night-ferries-for-good") == 404);
    CHECK(site.get("/")->body.find("Night ferries") == std::string::npos);
    CHECK(site.get("/articles/ferry-timetable-changes")->body.find("night-ferries") ==
          std::string::npos);
    CHECK(site.get("/feed.xml")->body.find("Night ferries") == std::string::npos);
    CHECK(site.server->wait_for_log("audit: deleted article night-ferries-for-good user=editor"));
    auto list = alice.get("/admin");
    REQUIRE(list);
    CHECK(list->body.find("Deleted.") != std::string::npos);
  }
}

TEST_CASE("invalid input: 422, every typed value kept, a message by each bad field, nothing saved",
          "[integration][admin]") {
  Site site;
  AdminClient alice(site.port());
  REQUIRE(alice.sign_in() == 303);
  std::string csrf = alice.csrf_from("/admin/articles/new");

  struct Case {
    const char* field;
    std::string value;
    const char* message;
  };
  std::vector<Case> cases = {
      {"title", "", "Title is required."},
      {"title", std::string(301, 'x'), "Title must be at most 300 characters"},
      {"slug", "Not A Slug", "is not a valid slug"},
      {"slug", "harbour-dredging-begins", "Another article already uses this slug."},
      {"summary", std::string(1001, 's'), "Summary must be at most 1000 characters"},
      {"body", std::string((1 << 20) + 1, 'b'), "Body must be at most 1048576 bytes"},
      {"author", std::string(201, 'a'), "Author must be at most 200 characters"},
      {"tags", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u", "At most 20 tags"},
      {"tags", std::string(51, 't'), "is longer than 50 characters"},
      {"status", "live", "Status must be draft or published."},
      {"published_at", "next tuesday", "is not a valid date"},
      {"related", "no-such-article", "No article with slug &quot;no-such-article&quot;."},
      {"related", "a,b,c,d,e,f", "At most 5 related articles"},
  };
  for (const auto& c : cases) {
    INFO(c.field << " = " << std::string(c.value).substr(0, 40));
    auto form = article_form(csrf, "Valid title " + std::string(c.field));
    form.erase(c.field);
    form.emplace(c.field, c.value);
    auto r = alice.submit("/admin/articles", form);
    REQUIRE(r);
    CHECK(r->status == 422);
    check_admin_headers(*r);
    CHECK(r->body.find("Nothing was saved.") != std::string::npos);
    auto error = r->body.find(std::string("id=\"") + c.field + "-error\"");
    REQUIRE(error != std::string::npos);
    auto end = r->body.find("</p>", error);
    CHECK(r->body.substr(error, end - error).find(c.message) != std::string::npos);
    // Every other value comes back as typed.
    if (std::string(c.field) != "summary") {
      CHECK(r->body.find("What changes at the harbour.") != std::string::npos);
    }
    if (std::string(c.field) != "tags")
      CHECK(r->body.find("value=\"harbour, ferries\"") != std::string::npos);
  }
  // Several bad fields at once: a message by each.
  auto form = article_form(csrf, "");
  form.erase("status");
  form.emplace("status", "nope");
  form.erase("published_at");
  form.emplace("published_at", "soon");
  form.erase("related");
  form.emplace("related", "missing-one");
  auto r = alice.submit("/admin/articles", form);
  REQUIRE(r);
  CHECK(r->status == 422);
  for (const char* field : {"title", "status", "published_at", "related"}) {
    CHECK(r->body.find(std::string("id=\"") + field + "-error\"") != std::string::npos);
  }
  // Nothing was saved by any of them.
  auto list = alice.get("/admin");
  REQUIRE(list);
  CHECK(list->body.find("Valid title") == std::string::npos);
  CHECK(list->body.find("<span class=\"admin-count\">3</span>") != std::string::npos);
}

TEST_CASE("an XSS payload in every field comes out escaped everywhere", "[integration][admin]") {
  Site site;
  AdminClient alice(site.port());
  REQUIRE(alice.sign_in() == 303);
  const std::string payload = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
  std::string csrf = alice.csrf_from("/admin/articles/new");
  httplib::Params form = {{"csrf", csrf},
                          {"title", "Harbour " + payload},
                          {"slug", "xss-test"},
                          {"summary", "Summary " + payload},
                          {"body", "Body " + payload + "\n\n[link](javascript:alert(3))"},
                          {"author", "Author " + payload},
                          {"tags", "harbour, tag<script>"},
                          {"status", "published"},
                          {"published_at", ""},
                          {"related", ""}};
  auto r = alice.submit("/admin/articles", form);
  REQUIRE(r);
  REQUIRE(r->status == 303);
  for (const char* path :
       {"/articles/xss-test", "/", "/tags/harbour", "/search?q=harbour", "/feed.xml", "/admin",
        "/admin/articles/xss-test/edit", "/admin/articles/xss-test/preview",
        "/admin/articles/xss-test/delete", "/articles/ferry-timetable-changes", "/sitemap.xml",
        "/api/articles/xss-test", "/api/articles/ferry-timetable-changes"}) {
    INFO(path);
    auto page = std::string(path).starts_with("/admin") ? alice.get(path) : site.get(path);
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->body.find("<script>alert") == std::string::npos);
    CHECK(page->body.find("<img src=x") == std::string::npos);
    CHECK(page->body.find("tag<script>") == std::string::npos);
    // The edit form shows the Markdown source (as text in a textarea); pages show no link.
    if (std::string(path) != "/admin/articles/xss-test/edit") {
      CHECK(page->body.find("javascript:alert") == std::string::npos);
    }
  }
  // The edit form shows the text exactly as typed, escaped.
  auto edit = alice.get("/admin/articles/xss-test/edit");
  REQUIRE(edit);
  CHECK(edit->body.find("Harbour &lt;script&gt;alert(1)&lt;/script&gt;&quot;") !=
        std::string::npos);
}

TEST_CASE("preview shows drafts and scheduled articles to editors only", "[integration][admin]") {
  Site site;
  AdminClient alice(site.port());
  REQUIRE(alice.sign_in() == 303);
  CHECK(site.status_of("/articles/council-budget-draft") == 404);
  auto preview = alice.get("/admin/articles/council-budget-draft/preview");
  REQUIRE(preview);
  CHECK(preview->status == 200);
  check_admin_headers(*preview);
  CHECK(preview->body.find("class=\"preview-banner\"") != std::string::npos);
  CHECK(preview->body.find("This draft is not published.") != std::string::npos);
  CHECK(preview->body.find("<h1 class=\"article-title\">Council budget draft</h1>") !=
        std::string::npos);
  CHECK(preview->body.find("name=\"robots\" content=\"noindex\"") != std::string::npos);
  // Unknown slugs: 404 for every per-article page.
  for (const char* path : {"/admin/articles/no-such/preview", "/admin/articles/no-such/edit",
                           "/admin/articles/no-such/delete"}) {
    INFO(path);
    auto r = alice.get(path);
    REQUIRE(r);
    CHECK(r->status == 404);
    check_admin_headers(*r);
  }
  std::string csrf = alice.csrf_from("/admin");
  auto r = alice.post("/admin/articles/no-such/delete", {{"csrf", csrf}});
  REQUIRE(r);
  CHECK(r->status == 404);
  r = alice.submit("/admin/articles/no-such", article_form(csrf, "Ghost"));
  REQUIRE(r);
  CHECK(r->status == 404);
}

TEST_CASE("a scheduled article appears by itself when its time comes", "[integration][admin]") {
  Site site;
  AdminClient alice(site.port());
  REQUIRE(alice.sign_in() == 303);
  REQUIRE(site.status_of("/") == 200);  // cached before the save
  std::string csrf = alice.csrf_from("/admin/articles/new");
  auto when = gazette::unix_to_iso8601(*gazette::iso8601_to_unix(gazette::now_iso8601()) + 3);
  auto form = article_form(csrf, "Midnight ferry sails");
  form.erase("published_at");
  form.emplace("published_at", when);
  auto r = alice.submit("/admin/articles", form);
  REQUIRE(r);
  REQUIRE(r->status == 303);
  auto list = alice.get("/admin");
  REQUIRE(list);
  CHECK(list->body.find("status-scheduled") != std::string::npos);
  auto preview = alice.get("/admin/articles/midnight-ferry-sails/preview");
  REQUIRE(preview);
  CHECK(preview->body.find("This article is scheduled for") != std::string::npos);
  // Before its time, nowhere; the check is racy only in the direction of a slow machine
  // (3 s is long for two requests), which the poll below then covers.
  bool early_404 = site.status_of("/articles/midnight-ferry-sails") == 404;
  bool early_absent = site.get("/")->body.find("Midnight ferry sails") == std::string::npos;
  if (gazette::now_iso8601() < when) {
    CHECK(early_404);
    CHECK(early_absent);
  }
  CHECK(poll_until([&] { return site.status_of("/articles/midnight-ferry-sails") == 200; },
                   std::chrono::seconds(15)));
  CHECK(poll_until(
      [&] { return site.get("/")->body.find("Midnight ferry sails") != std::string::npos; },
      std::chrono::seconds(5)));
}

TEST_CASE("an acknowledged save survives kill -9", "[integration][admin]") {
  TempDir dir;
  seed_admin_site(dir / "site.db", harbour_site());
  {
    ServerProcess server({"--db", dir / "site.db"});
    AdminClient alice(server.port());
    REQUIRE(alice.sign_in() == 303);
    std::string csrf = alice.csrf_from("/admin/articles/new");
    auto r = alice.submit("/admin/articles", article_form(csrf, "Survives the crash"));
    REQUIRE(r);
    REQUIRE(r->status == 303);
    server.stop(SIGKILL);
  }
  ServerProcess again({"--db", dir / "site.db"});
  httplib::Client c("127.0.0.1", again.port());
  auto page = c.Get("/articles/survives-the-crash");
  REQUIRE(page);
  CHECK(page->status == 200);
}

TEST_CASE("the article form takes a 1 MiB body in any script", "[integration][admin]") {
  Site site;
  AdminClient alice(site.port());
  REQUIRE(alice.sign_in() == 303);
  std::string csrf = alice.csrf_from("/admin/articles/new");
  // 1 MiB of Cyrillic: %-escaped it would be 3 MiB, over the 2 MiB request limit.
  std::string body;
  while (body.size() + 2 <= (1u << 20)) body += "\xd0\x96";  // Ж
  auto form = article_form(csrf, "Long read");
  form.erase("body");
  form.emplace("body", body);
  auto r = alice.submit("/admin/articles", form);
  REQUIRE(r);
  CHECK(r->status == 303);
  auto page = site.get("/articles/long-read");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find(body.substr(0, 2000)) != std::string::npos);
}
