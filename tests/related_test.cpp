// Unit tests of the stored related lists (db/related.h): the grouped, multi-threaded
// computation against a plain pairwise reference, and the incremental refresh against
// a full rebuild.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>

#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "db/related.h"
#include "db/schema.h"
#include "db/sqlite.h"

using namespace gazette;

namespace {

constexpr const char* kNow = "2026-06-01T00:00:00Z";

std::unique_ptr<db::Connection> memory_db() {
  auto c = std::make_unique<db::Connection>(":memory:", db::OpenMode::read_write_create);
  db::configure_connection(*c);
  db::migrate(*c);
  return c;
}

struct Row {
  std::int64_t related;
  double score;
  int pinned;
  bool operator==(const Row&) const = default;
};
using Lists = std::map<std::int64_t, std::vector<Row>>;

// Every stored list, by article id.
Lists stored(db::Connection& c) {
  Lists out;
  auto q = c.prepare(
      "SELECT article_id, related_id, score, pinned FROM related ORDER BY article_id, rank");
  while (q.step()) out[q.int64(0)].push_back({q.int64(1), q.real(2), q.integer(3)});
  return out;
}

// The lists as the definition gives them, pair by pair: pins first, then every other
// published article sharing a tag, by cosine of the tag sets, newer first, then the
// higher id.
Lists reference(db::Connection& c) {
  struct Info {
    std::string published_at;
    bool published;
    std::vector<std::string> tags;
    std::vector<std::int64_t> pins;
  };
  std::map<std::int64_t, Info> all;
  auto q = c.prepare("SELECT id, coalesce(published_at, ''), status = 'published' FROM articles");
  while (q.step()) all[q.int64(0)] = {q.text(1), q.integer(2) == 1, {}, {}};
  auto t = c.prepare("SELECT article_id, tag FROM article_tags");
  while (t.step()) all[t.int64(0)].tags.push_back(t.text(1));
  auto p = c.prepare("SELECT article_id, pinned_id FROM related_pins ORDER BY position");
  while (p.step()) all[p.int64(0)].pins.push_back(p.int64(1));

  Lists out;
  for (const auto& [id, a] : all) {
    struct Cand {
      double score;
      std::int64_t id;
    };
    std::vector<Cand> cands;
    for (const auto& [other, b] : all) {
      if (other == id || !b.published) continue;
      int shared = 0;
      for (const auto& x : a.tags) shared += std::count(b.tags.begin(), b.tags.end(), x);
      if (shared == 0) continue;
      cands.push_back({shared / std::sqrt(double(a.tags.size()) * double(b.tags.size())), other});
    }
    std::sort(cands.begin(), cands.end(), [&all](const Cand& x, const Cand& y) {
      if (x.score != y.score) return x.score > y.score;
      const auto& dx = all.at(x.id).published_at;
      const auto& dy = all.at(y.id).published_at;
      if (dx != dy) return dx > dy;
      return x.id > y.id;
    });
    std::vector<Row> list;
    auto taken = [&list](std::int64_t x) {
      return std::any_of(list.begin(), list.end(), [x](const Row& r) { return r.related == x; });
    };
    for (auto pin : a.pins) {
      if (list.size() < db::kStoredRelated && !taken(pin)) list.push_back({pin, 1.0, 1});
    }
    for (const auto& cand : cands) {
      if (list.size() < db::kStoredRelated && !taken(cand.id)) {
        list.push_back({cand.id, cand.score, 0});
      }
    }
    if (!list.empty()) out[id] = list;
  }
  return out;
}

// `n` random articles over a few tags and dates, so that scores and dates tie often;
// some drafts, some pins to earlier articles.
std::vector<Article> random_articles(std::mt19937& rng, int n, const std::string& prefix) {
  const std::vector<std::string> tags = {"politics", "courts", "music",   "film",
                                         "economy",  "sports", "travel",  "science",
                                         "health",   "books",  "weather", "energy"};
  std::vector<Article> out;
  for (int i = 0; i < n; ++i) {
    Article a;
    a.slug = prefix + std::to_string(i);
    a.title = "Title " + a.slug;
    a.body_markdown = "Body of " + a.slug + ".";
    int ntags = std::uniform_int_distribution<int>(0, 4)(rng);
    for (int j = 0; j < ntags; ++j) {
      const auto& tag = tags[std::uniform_int_distribution<std::size_t>(0, tags.size() - 1)(rng)];
      if (std::find(a.tags.begin(), a.tags.end(), tag) == a.tags.end()) a.tags.push_back(tag);
    }
    a.status =
        std::uniform_int_distribution<int>(0, 9)(rng) == 0 ? Status::draft : Status::published;
    a.published_at = "2026-01-" +
                     std::to_string(10 + std::uniform_int_distribution<int>(0, 9)(rng)) +
                     "T00:00:00Z";
    if (i > 0 && std::uniform_int_distribution<int>(0, 9)(rng) == 0) {
      a.related.push_back(prefix +
                          std::to_string(std::uniform_int_distribution<int>(0, i - 1)(rng)));
    }
    REQUIRE(normalize_and_validate(a, kNow).empty());
    out.push_back(std::move(a));
  }
  return out;
}

void save(db::Connection& c, const std::vector<Article>& articles) {
  REQUIRE(std::holds_alternative<db::SaveResult>(db::save_articles(c, articles, kNow)));
}

void rebuild(db::Connection& c) {
  db::Transaction tx(c);
  db::rebuild_all_related(c);
  tx.commit();
}

}  // namespace

TEST_CASE("a full rebuild gives the pairwise lists exactly", "[db][related]") {
  auto c = memory_db();
  std::mt19937 rng(7);
  // Over 200 articles: save_articles takes the full rebuild, on more than one thread.
  save(*c, random_articles(rng, 1500, "a"));
  auto lists = stored(*c);
  CHECK(lists.size() > 1000);
  CHECK(lists == reference(*c));
}

TEST_CASE("refreshing a few articles gives what a full rebuild gives", "[db][related]") {
  auto c = memory_db();
  std::mt19937 rng(11);
  auto articles = random_articles(rng, 400, "a");
  save(*c, articles);

  // Small batches take the incremental path: tags changed, unpublished, republished,
  // pins added and removed, new articles that outrank old ones.
  for (int round = 0; round < 6; ++round) {
    INFO("round " << round);
    std::vector<Article> batch;
    for (int j = 0; j < 5; ++j) {
      auto& a = articles[std::uniform_int_distribution<std::size_t>(0, articles.size() - 1)(rng)];
      if (std::any_of(batch.begin(), batch.end(),
                      [&a](const Article& b) { return b.slug == a.slug; }))
        continue;
      switch (j % 4) {
        case 0:
          a.tags = {"politics", "film"};
          break;
        case 1:
          a.status = a.status == Status::draft ? Status::published : Status::draft;
          break;
        case 2:
          if (!a.related.empty()) {
            a.related.clear();
          } else {
            a.related = a.slug == "a0" || a.slug == "a1" ? std::vector<std::string>{"a2", "a3"}
                                                         : std::vector<std::string>{"a0", "a1"};
          }
          break;
        default:
          a.published_at = "2026-02-0" + std::to_string(1 + round) + "T00:00:00Z";
          a.tags.clear();
          break;
      }
      batch.push_back(a);
    }
    auto fresh = random_articles(rng, 3, "r" + std::to_string(round) + "-");
    for (auto& f : fresh) f.related.clear();
    batch.insert(batch.end(), fresh.begin(), fresh.end());
    articles.insert(articles.end(), fresh.begin(), fresh.end());
    save(*c, batch);

    auto refreshed = stored(*c);
    rebuild(*c);
    CHECK(refreshed == stored(*c));
    CHECK(refreshed == reference(*c));
  }
}

TEST_CASE("pins that also score well still leave a full list", "[db][related]") {
  auto c = memory_db();
  std::vector<Article> articles;
  for (int i = 0; i < 15; ++i) {
    Article a;
    a.slug = "s" + std::to_string(i);
    a.title = "Title " + a.slug;
    a.tags = {"same"};
    a.status = Status::published;
    a.published_at = "2026-01-" + std::to_string(10 + i) + "T00:00:00Z";
    REQUIRE(normalize_and_validate(a, kNow).empty());
    articles.push_back(a);
  }
  // s0 pins the two newest, which are also its two best-scoring candidates.
  articles[0].related = {"s14", "s13"};
  save(*c, articles);
  rebuild(*c);
  auto lists = stored(*c);
  auto id = c->query_int("SELECT id FROM articles WHERE slug = 's0'").value();
  REQUIRE(lists[id].size() == db::kStoredRelated);
  CHECK(lists[id][0].pinned == 1);
  CHECK(lists[id][1].pinned == 1);
  CHECK(lists[id][2].pinned == 0);
  CHECK(lists == reference(*c));
}
