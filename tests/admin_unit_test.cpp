// Unit tests of the admin's parts: the form decoder, tokens, sessions and their expiry,
// login-failure counting, and the editing store (slugs, renames, deletes).
#include <catch2/catch.hpp>

#include "app/passwords.h"
#include "app/tokens.h"
#include "content/validate.h"
#include "db/database.h"
#include "db/editing.h"
#include "db/schema.h"
#include "db/sessions.h"
#include "db/users.h"
#include "handlers/form.h"
#include "tests/db_support.h"

using namespace gazette;

using gazette::test::memory_db;

namespace {

Article draft(const std::string& title, std::vector<std::string> tags = {"harbour"}) {
  Article a;
  a.title = title;
  a.body_markdown = "Text about " + title + " and the harbour.";
  a.tags = std::move(tags);
  a.status = Status::published;
  a.published_at = "2026-01-01T00:00:00Z";
  return a;
}

// Validates and saves `a` as the form would; the slug saved under, or the error.
std::variant<db::SavedArticle, FieldError> save(db::Connection& c, Article a,
                                                std::optional<std::int64_t> id = std::nullopt) {
  bool derive = a.slug.empty();
  REQUIRE(normalize_and_validate(a, "2026-02-01T00:00:00Z").empty());
  return db::save_article(c, a, id, derive, "2026-02-01T00:00:00Z", db::RelatedWeights{});
}

}  // namespace

TEST_CASE("form bodies decode strictly", "[admin][form]") {
  auto f = parse_form("title=Caf%C3%A9+au+lait&tags=a%2Cb&empty=&flag&title=second");
  REQUIRE(f);
  CHECK(f->get("title") == "Café au lait");  // the first of a repeated field
  CHECK(f->get("tags") == "a,b");
  CHECK(f->get("empty").empty());
  CHECK(f->has("flag"));
  CHECK(f->get("missing").empty());
  CHECK_FALSE(f->has("missing"));

  std::string error;
  CHECK_FALSE(parse_form("title=%E2%8", &error));  // broken escape at the end
  CHECK(error == "field \"title\" has a broken %-escape");
  CHECK_FALSE(parse_form("title=%ZZ", &error));
  CHECK_FALSE(parse_form("title=%C3%28", &error));  // not UTF-8
  CHECK(error == "field \"title\" is not UTF-8 text");
  CHECK_FALSE(parse_form("title=a%00b", &error));  // NUL
  std::string many;
  for (int i = 0; i <= 64; ++i) many += "f" + std::to_string(i) + "=x&";
  CHECK_FALSE(parse_form(many, &error));
  CHECK(error == "more than 64 fields");
  // A long hostile field name is cut short in the message.
  CHECK_FALSE(parse_form(std::string(500, 'n') + "=%C3%28", &error));
  CHECK(error.size() < 80);
}

TEST_CASE("tokens: random, hashed for storage, CSRF bound to the token", "[admin][tokens]") {
  REQUIRE(init_crypto());
  std::string a = random_token();
  std::string b = random_token();
  CHECK(a != b);
  CHECK(looks_like_token(a));
  CHECK_FALSE(looks_like_token(a.substr(1)));
  CHECK_FALSE(looks_like_token(std::string(43, '!')));
  CHECK(token_hash(a).size() == 64);
  CHECK(token_hash(a) == token_hash(a));
  CHECK(token_hash(a).find(a) == std::string::npos);
  CHECK(csrf_token_for(a) == csrf_token_for(a));
  CHECK(csrf_token_for(a) != csrf_token_for(b));
  CHECK(csrf_token_for("short").empty());
  CHECK(secrets_equal(csrf_token_for(a), csrf_token_for(a)));
  CHECK_FALSE(secrets_equal(csrf_token_for(a), csrf_token_for(b)));
  CHECK_FALSE(secrets_equal("", ""));  // a missing token matches nothing

  Form form = *parse_form("csrf=" + csrf_token_for(a));
  // csrf_matches lives in handlers; the rule it applies:
  CHECK(secrets_equal(form.get("csrf"), csrf_token_for(a)));
}

TEST_CASE("sessions end after 12 hours idle, 7 days in all, or at logout", "[admin][sessions]") {
  auto c = memory_db();
  REQUIRE(db::add_user(*c, "editor", "hash", "2026-01-01T00:00:00Z"));
  auto user = db::login_record(*c, "editor");
  REQUIRE(user);
  const db::SessionLimits limits;
  const std::int64_t t0 = 1'800'000'000;
  db::create_session(*c, "h1", user->user_id, t0);

  auto live = db::find_session(*c, "h1", t0 + 10, limits);
  REQUIRE(live);
  CHECK(live->name == "editor");
  CHECK_FALSE(db::find_session(*c, "other", t0, limits));

  SECTION("idle: each request moves the idle limit, the absolute one stays") {
    std::int64_t t = t0;
    for (int day = 0; day < 6; ++day) {
      t += 11 * 3600;  // within 12 hours of the last request
      REQUIRE(db::find_session(*c, "h1", t, limits));
    }
    t += 13 * 3600;  // now more than 7 days after sign-in, and 13 hours idle
    CHECK_FALSE(db::find_session(*c, "h1", t, limits));
    CHECK(c->query_int("SELECT count(*) FROM sessions") == 0);  // deleted, not just refused
  }
  SECTION("idle 12 hours") {
    CHECK_FALSE(db::find_session(*c, "h1", t0 + 12 * 3600, limits));
  }
  SECTION("absolute 7 days, however active") {
    std::int64_t t = t0;
    while (t + 3600 < t0 + 7 * 24 * 3600) {
      t += 3600;
      REQUIRE(db::find_session(*c, "h1", t, limits));
    }
    CHECK_FALSE(db::find_session(*c, "h1", t0 + 7 * 24 * 3600, limits));
  }
  SECTION("logout and password changes end sessions") {
    db::create_session(*c, "h2", user->user_id, t0);
    db::end_session(*c, "h1");
    CHECK_FALSE(db::find_session(*c, "h1", t0 + 1, limits));
    CHECK(db::find_session(*c, "h2", t0 + 1, limits));
    db::end_sessions_of(*c, "editor");
    CHECK_FALSE(db::find_session(*c, "h2", t0 + 1, limits));
  }
  SECTION("a new password signs the user out everywhere") {
    REQUIRE(db::set_password_hash(*c, "editor", "new hash"));
    CHECK_FALSE(db::find_session(*c, "h1", t0 + 1, limits));
  }
  SECTION("removing the user removes the sessions") {
    REQUIRE(db::add_user(*c, "other", "hash", "2026-01-01T00:00:00Z"));
    REQUIRE(db::remove_user(*c, "editor") == db::RemoveUserResult::removed);
    CHECK(c->query_int("SELECT count(*) FROM sessions") == 0);
  }
}

TEST_CASE("login failures count per key within the window", "[admin][throttle]") {
  auto c = memory_db();
  const std::int64_t window = 900;
  const std::int64_t t0 = 1'800'000'000;
  for (int i = 0; i < 5; ++i) db::record_login_failure(*c, "user:a", "addr:1", t0 + i, window);
  db::record_login_failure(*c, "user:b", "addr:2", t0 + 10, window);
  auto a = db::count_login_failures(*c, "user:a", t0 + 20 - window + 1);
  CHECK(a.count == 5);
  CHECK(a.oldest == t0);
  CHECK(db::count_login_failures(*c, "addr:1", t0 - 1).count == 5);
  CHECK(db::count_login_failures(*c, "user:b", t0 - 1).count == 1);
  // Once the oldest leaves the window, four remain.
  CHECK(db::count_login_failures(*c, "user:a", t0 + 1).count == 4);
  // Old rows are forgotten when new ones come.
  db::record_login_failure(*c, "user:c", "addr:3", t0 + 2 * window, window);
  CHECK(c->query_int("SELECT count(*) FROM login_failures") == 2);
}

TEST_CASE("the password checker answers for missing users too", "[admin][passwords]") {
  REQUIRE(init_crypto());
  PasswordChecker checker(2);
  std::string hash = hash_password("right");
  CHECK(checker.check("right", hash));
  CHECK_FALSE(checker.check("wrong", hash));
  CHECK_FALSE(checker.check("right", std::nullopt));
  CHECK_FALSE(checker.check("", std::nullopt));
}

TEST_CASE("saving from the form: free slugs, derived suffixes, renames", "[admin][editing]") {
  auto c = memory_db();
  auto first = save(*c, draft("Harbour news"));
  REQUIRE(std::holds_alternative<db::SavedArticle>(first));
  CHECK(std::get<db::SavedArticle>(first).slug == "harbour-news");

  // Same title, no slug typed: the next free suffix.
  CHECK(std::get<db::SavedArticle>(save(*c, draft("Harbour news"))).slug == "harbour-news-2");
  CHECK(std::get<db::SavedArticle>(save(*c, draft("Harbour news"))).slug == "harbour-news-3");

  // A typed slug that is taken is an error for a new article.
  Article typed = draft("Other");
  typed.slug = "harbour-news";
  auto taken = save(*c, typed);
  REQUIRE(std::holds_alternative<FieldError>(taken));
  CHECK(std::get<FieldError>(taken).field == "slug");

  // Editing: a rename to a free slug keeps the id (and pins to it); to a taken one fails.
  auto stored = db::find_stored(*c, "harbour-news-3");
  REQUIRE(stored);
  Article pinning = draft("Pinning");
  pinning.related = {"harbour-news-3"};
  REQUIRE(std::holds_alternative<db::SavedArticle>(save(*c, pinning)));
  Article renamed = stored->article;
  renamed.slug = "harbour-news-final";
  REQUIRE(std::holds_alternative<db::SavedArticle>(save(*c, renamed, stored->id)));
  CHECK_FALSE(db::find_stored(*c, "harbour-news-3"));
  auto after = db::find_stored(*c, "harbour-news-final");
  REQUIRE(after);
  CHECK(after->id == stored->id);
  CHECK(db::find_stored(*c, "pinning")->article.related ==
        std::vector<std::string>{"harbour-news-final"});
  renamed.slug = "harbour-news";
  auto clash = save(*c, renamed, stored->id);
  REQUIRE(std::holds_alternative<FieldError>(clash));
  CHECK(std::get<FieldError>(clash).message == "Another article already uses this slug.");

  // An unknown pin: an error and nothing written.
  Article bad = draft("Bad pin");
  bad.related = {"nowhere"};
  CHECK(db::first_unknown_slug(*c, bad.related) == std::optional<std::string>("nowhere"));
  REQUIRE(std::holds_alternative<FieldError>(save(*c, bad)));
  CHECK_FALSE(db::find_stored(*c, "bad-pin"));

  // Editing an article deleted meanwhile.
  REQUIRE(db::delete_article(*c, "harbour-news-final", db::RelatedWeights{}));
  Article gone = after->article;
  gone.slug = "somewhere-else";
  auto deleted = save(*c, gone, after->id);
  REQUIRE(std::holds_alternative<FieldError>(deleted));
  CHECK_FALSE(db::find_stored(*c, "somewhere-else"));
}

TEST_CASE("deleting an article takes it out of every list and pin", "[admin][editing]") {
  auto c = memory_db();
  for (const char* title : {"Harbour one", "Harbour two", "Harbour three"}) {
    REQUIRE(std::holds_alternative<db::SavedArticle>(save(*c, draft(title))));
  }
  Article pinning = draft("Harbour pinning");
  pinning.related = {"harbour-two"};
  REQUIRE(std::holds_alternative<db::SavedArticle>(save(*c, pinning)));
  auto two = db::find_stored(*c, "harbour-two");
  REQUIRE(two);
  REQUIRE(c->query_int("SELECT count(*) FROM related WHERE related_id = " +
                       std::to_string(two->id)) > 0);

  CHECK(db::delete_article(*c, "harbour-two", db::RelatedWeights{}));
  CHECK_FALSE(db::delete_article(*c, "harbour-two", db::RelatedWeights{}));
  CHECK_FALSE(db::find_any(*c, "harbour-two"));
  CHECK(c->query_int("SELECT count(*) FROM related WHERE related_id = " +
                     std::to_string(two->id)) == 0);
  CHECK(c->query_int("SELECT count(*) FROM related_pins") == 0);
  CHECK(c->query_int("SELECT count(*) FROM articles_fts WHERE rowid = " +
                     std::to_string(two->id)) == 0);
  // The remaining harbour articles still list each other.
  auto one = db::find_stored(*c, "harbour-one");
  REQUIRE(one);
  CHECK(c->query_int("SELECT count(*) FROM related WHERE article_id = " +
                     std::to_string(one->id)) == 2);
}

TEST_CASE("the admin list has every article, undated drafts first, then newest",
          "[admin][editing]") {
  auto c = memory_db();
  Article old_one = draft("Old");
  old_one.published_at = "2025-01-01T00:00:00Z";
  Article future = draft("Future");
  future.published_at = "2030-01-01T00:00:00Z";
  Article undated = draft("Undated");
  undated.status = Status::draft;
  undated.published_at = "";
  for (auto& a : {old_one, future, undated})
    REQUIRE(std::holds_alternative<db::SavedArticle>(save(*c, a)));
  auto page = db::list_all(*c, 10, 0);
  REQUIRE(page.items.size() == 3);
  CHECK(page.total == 3);
  CHECK(page.items[0].slug == "undated");
  CHECK(page.items[1].slug == "future");
  CHECK(page.items[2].slug == "old");
  CHECK(db::list_all(*c, 2, 2).items.size() == 1);
  // One index walk, no sort of every article.
  auto plan = c->prepare("EXPLAIN QUERY PLAN " + db::kListAllSql);
  std::string steps;
  while (plan.step()) steps += plan.text(3) + "\n";
  INFO(steps);
  // The outer loop walks the index in order (the temporary b-tree in the plan belongs to
  // the per-article subquery that orders its tags).
  CHECK(steps.starts_with("SCAN a USING INDEX articles_admin\n"));
}
