// Unit tests of the related-articles engine (db/related.h, db/related_text.h): the
// stemmer, the scoring and its threshold, a rebuild against the pairwise definition,
// incremental writes and deletes against a recomputation of every list, scheduled
// entries, explanations, and the read path's query plan.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>

#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "db/editing.h"
#include "db/related.h"
#include "db/related_text.h"
#include "db/schema.h"
#include "db/sqlite.h"
#include "tests/db_support.h"

using namespace gazette;

using gazette::test::memory_db;

namespace {

constexpr const char* kNow = "2026-06-01T00:00:00Z";
// The weights of every write in these tests (the defaults).
const db::RelatedWeights kWeights;

struct Row {
  std::int64_t related;
  double score;
  int pinned;
  bool operator==(const Row&) const = default;
};
using Lists = std::map<std::int64_t, std::vector<Row>>;

// Every stored list, by article id; only the first `depth` ranked entries (every list
// is guaranteed exact to kStoredRelated entries, and may hold more).
Lists stored(db::Connection& c, std::size_t depth = db::kStoredRelated) {
  Lists out;
  auto q = c.prepare(
      "SELECT article_id, related_id, score, pinned FROM related ORDER BY article_id, rank");
  std::map<std::int64_t, std::size_t> ranked;
  while (q.step()) {
    if (q.integer(3) != 1 && ranked[q.int64(0)]++ >= depth) continue;
    out[q.int64(0)].push_back({q.int64(1), q.real(2), q.integer(3)});
  }
  return out;
}

// The lists as the definition gives them from the stored vectors, pair by pair: pins
// first, then every other published article scoring at least min_score, best first,
// newer then higher id on ties.
Lists reference(db::Connection& c, std::size_t depth = db::kStoredRelated) {
  const auto& w = kWeights;
  struct Info {
    int day = 0;
    bool candidate = false;
    std::map<std::int64_t, std::int64_t> vec;
    std::vector<std::int64_t> pins;
  };
  std::map<std::int64_t, Info> all;
  auto q = c.prepare("SELECT article_id, day, candidate FROM related_state");
  while (q.step()) all[q.int64(0)] = {q.integer(1), q.integer(2) == 1, {}, {}};
  auto t = c.prepare("SELECT article_id, term, weight FROM related_vectors");
  while (t.step()) all[t.int64(0)].vec[t.int64(1)] = t.int64(2);
  auto p = c.prepare("SELECT article_id, pinned_id FROM related_pins ORDER BY position");
  while (p.step()) all[p.int64(0)].pins.push_back(p.int64(1));
  Lists out;
  for (const auto& [id, a] : all) {
    struct Cand {
      double score;
      int day;
      std::int64_t id;
    };
    std::vector<Cand> cands;
    for (const auto& [other, b] : all) {
      if (other == id || !b.candidate) continue;
      std::int64_t dot = 0;
      for (const auto& [term, x] : a.vec) {
        if (auto y = b.vec.find(term); y != b.vec.end()) dot += x * y->second;
      }
      double s = double(dot) / (65536.0 * 65536.0);
      if (w.recency > 0) {
        s *= 1.0 - w.recency * (1.0 - std::exp(-double(std::abs(a.day - b.day)) / w.recency_days));
      }
      if (s >= w.min_score) cands.push_back({s, b.day, other});
    }
    std::sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) {
      if (x.score != y.score) return x.score > y.score;
      if (x.day != y.day) return x.day > y.day;
      return x.id > y.id;
    });
    std::vector<Row> list;
    for (auto pin : a.pins) {
      if (std::none_of(list.begin(), list.end(), [pin](const Row& r) { return r.related == pin; }))
        list.push_back({pin, 1.0, 1});
    }
    std::vector<std::int64_t> pins = a.pins;
    for (std::size_t i = 0; i < cands.size() && i < depth; ++i) {
      bool dup = std::find(pins.begin(), pins.end(), cands[i].id) != pins.end();
      list.push_back({cands[i].id, cands[i].score, dup ? 2 : 0});
    }
    if (!list.empty()) out[id] = list;
  }
  return out;
}

// Topic vocabularies: an article draws most words from its topic's, so articles of a
// topic read alike, and a few from the others'.
const std::vector<std::vector<std::string>> kTopics = {
    {"council", "budget", "mayor", "planning", "housing", "rates", "ward", "vote"},
    {"match", "goal", "league", "striker", "coach", "season", "stadium", "fans"},
    {"hospital", "patients", "nurses", "waiting", "clinic", "doctors", "surgery", "care"},
    {"festival", "music", "gallery", "theatre", "concert", "artists", "books", "stage"},
    {"rain", "storm", "flood", "weather", "coast", "wind", "forecast", "river"},
};

std::string words(std::mt19937& rng, std::size_t topic, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::size_t t = std::uniform_int_distribution<int>(0, 9)(rng) < 8
                        ? topic
                        : std::uniform_int_distribution<std::size_t>(0, kTopics.size() - 1)(rng);
    const auto& v = kTopics[t];
    out += v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
    out += ' ';
  }
  return out;
}

// `n` random articles on the topics above, some drafts, some scheduled, some pins to
// earlier articles, tags now and then.
std::vector<Article> random_articles(std::mt19937& rng, int n, const std::string& prefix) {
  const std::vector<std::string> tags = {"politics", "sport", "health", "culture",
                                         "weather",  "oslo",  "lima"};
  std::vector<Article> out;
  for (int i = 0; i < n; ++i) {
    Article a;
    std::size_t topic = std::uniform_int_distribution<std::size_t>(0, kTopics.size() - 1)(rng);
    a.slug = prefix + std::to_string(i);
    a.title = words(rng, topic, 4);
    a.summary = words(rng, topic, 8);
    a.body_markdown = words(rng, topic, 40);
    int ntags = std::uniform_int_distribution<int>(0, 2)(rng);
    for (int j = 0; j < ntags; ++j) {
      const auto& tag = tags[std::uniform_int_distribution<std::size_t>(0, tags.size() - 1)(rng)];
      if (std::find(a.tags.begin(), a.tags.end(), tag) == a.tags.end()) a.tags.push_back(tag);
    }
    a.status =
        std::uniform_int_distribution<int>(0, 9)(rng) == 0 ? Status::draft : Status::published;
    a.published_at = "2026-0" + std::to_string(1 + std::uniform_int_distribution<int>(0, 7)(rng)) +
                     "-1" + std::to_string(std::uniform_int_distribution<int>(0, 9)(rng)) +
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
  REQUIRE(std::holds_alternative<db::SaveResult>(db::save_articles(c, articles, kNow, kWeights)));
}

void rerank(db::Connection& c) {
  db::Transaction tx(c);
  db::rerank_all_related(c, kWeights);
  tx.commit();
}

std::int64_t id_of(db::Connection& c, const std::string& slug) {
  auto q = c.prepare("SELECT id FROM articles WHERE slug = ?");
  q.bind(1, slug);
  REQUIRE(q.step());
  return q.int64(0);
}

std::vector<std::string> related_slugs(db::Connection& c, const std::string& slug,
                                       const std::string& now = kNow) {
  std::vector<std::string> out;
  for (const auto& r : db::related_public(c, id_of(c, slug), now, 5)) out.push_back(r.slug);
  return out;
}

Article story(const std::string& slug, const std::string& title, const std::string& body,
              std::vector<std::string> tags, const std::string& date = "2026-01-10T00:00:00Z") {
  Article a;
  a.slug = slug;
  a.title = title;
  a.body_markdown = body;
  a.tags = std::move(tags);
  a.status = Status::published;
  a.published_at = date;
  REQUIRE(normalize_and_validate(a, kNow).empty());
  return a;
}

}  // namespace

TEST_CASE("the Porter stemmer and the word splitter", "[related][text]") {
  CHECK(db::porter_stem("councils") == "council");
  CHECK(db::porter_stem("running") == "run");
  CHECK(db::porter_stem("hopping") == "hop");
  CHECK(db::porter_stem("relational") == "relat");
  CHECK(db::porter_stem("generalization") == "gener");
  CHECK(db::porter_stem("ponies") == "poni");
  CHECK(db::porter_stem("caresses") == "caress");
  CHECK(db::porter_stem("agreed") == "agre");
  CHECK(db::porter_stem("happy") == "happi");
  CHECK(db::porter_stem("electricity") == "electr");
  CHECK(db::porter_stem("adjustment") == "adjust");
  CHECK(db::porter_stem("hospitals") == "hospit");
  CHECK(db::porter_stem("hospital") == "hospit");
  CHECK(db::porter_stem("is") == "is");
  CHECK(db::porter_stem("zürich") == "zürich");
  CHECK(db::is_stop_word("the"));
  CHECK(db::is_stop_word("which"));
  CHECK_FALSE(db::is_stop_word("council"));
  std::vector<std::string> terms;
  db::for_each_term("The Councils' 2026 budget: Zürich, a café & R2D2!",
                    [&terms](const std::string& t) { terms.push_back(t); });
  CHECK(terms == std::vector<std::string>{"council", "budget", "zürich", "café", "r2d2"});
}

TEST_CASE("related by content: similar text relates, unrelated text stays out", "[related]") {
  auto c = memory_db();
  save(*c,
       {
           story("flood-1", "River floods the coast road",
                 "Storm rain made the river flood the coast road; the flood forecast warned "
                 "of more rain and wind.",
                 {}),
           story("flood-2", "Flood warning as storm nears the coast",
                 "The forecast says storm winds and heavy rain will flood the river valley "
                 "and the coast.",
                 {}),
           story("budget", "Council passes the budget",
                 "The mayor and the council voted the housing budget; ward rates rise.", {}),
           story("concert", "Festival concert fills the theatre",
                 "Artists and music fans filled the theatre for the festival concert stage.", {}),
       });
  CHECK(related_slugs(*c, "flood-1") == std::vector<std::string>{"flood-2"});
  CHECK(related_slugs(*c, "flood-2") == std::vector<std::string>{"flood-1"});
  // Nothing in common with anything: an empty sidebar rather than a random one.
  CHECK(related_slugs(*c, "budget").empty());
  CHECK(related_slugs(*c, "concert").empty());
  auto score = db::related_public(*c, id_of(*c, "flood-1"), kNow, 5).at(0).score;
  CHECK(score > kWeights.min_score);
  CHECK(score <= 1.0);

  SECTION("a shared tag boosts, but a shared tag alone on unrelated text does not relate") {
    save(*c,
         {story("budget", "Council passes the budget",
                "The mayor and the council voted the housing budget; ward rates rise.", {"lima"}),
          story("concert", "Festival concert fills the theatre",
                "Artists and music fans filled the theatre for the festival concert stage.",
                {"lima"}),
          story("rates", "Council rates and the housing budget",
                "The council's budget for housing: the mayor says rates rise in every ward.", {}),
          story("stage", "Theatre festival: artists on stage",
                "Music fans and artists at the theatre festival; a concert on the stage.", {})});
    {
      db::Transaction tx(*c);
      db::rebuild_all_related(*c, kWeights);  // statistics over all six
      tx.commit();
    }
    CHECK(related_slugs(*c, "budget") == std::vector<std::string>{"rates"});
    CHECK(related_slugs(*c, "concert") == std::vector<std::string>{"stage"});
  }
  SECTION("the explanation names the shared terms") {
    auto why = db::related_explained(*c, id_of(*c, "flood-1"));
    REQUIRE(why.size() == 1);
    CHECK(why[0].slug == "flood-2");
    CHECK(std::find(why[0].shared_terms.begin(), why[0].shared_terms.end(), "flood") !=
          why[0].shared_terms.end());
  }
}

TEST_CASE("a full rebuild gives the pairwise lists exactly", "[db][related]") {
  auto c = memory_db();
  std::mt19937 rng(7);
  // Over 200 articles: save_articles takes the full rebuild, on more than one thread.
  save(*c, random_articles(rng, 600, "a"));
  auto lists = stored(*c, db::kKeptRelated);
  CHECK(lists.size() > 400);
  CHECK(lists == reference(*c, db::kKeptRelated));
  CHECK(db::check_related_postings(*c) == "");
}

TEST_CASE("incremental writes and deletes give what recomputing every list gives",
          "[db][related]") {
  auto c = memory_db();
  std::mt19937 rng(11);
  auto articles = random_articles(rng, 400, "a");
  save(*c, articles);

  for (int round = 0; round < 8; ++round) {
    INFO("round " << round);
    std::vector<Article> batch;
    for (int j = 0; j < 5; ++j) {
      auto& a = articles[std::uniform_int_distribution<std::size_t>(0, articles.size() - 1)(rng)];
      if (std::any_of(batch.begin(), batch.end(),
                      [&a](const Article& b) { return b.slug == a.slug; }))
        continue;
      switch (j % 4) {
        case 0:
          a.body_markdown = words(rng, round % kTopics.size(), 40);
          a.tags = {"politics", "lima"};
          break;
        case 1:
          a.status = a.status == Status::draft ? Status::published : Status::draft;
          break;
        case 2:
          a.related =
              a.related.empty() ? std::vector<std::string>{"a0", "a1"} : std::vector<std::string>{};
          if (a.slug == "a0" || a.slug == "a1") a.related = {"a2"};
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

    // A delete, as the admin does it: forget, then delete, in one transaction.
    {
      auto victim = articles.begin() + std::uniform_int_distribution<long>(
                                           10, static_cast<long>(articles.size()) - 1)(rng);
      std::string slug = victim->slug;
      bool pinned = std::any_of(articles.begin(), articles.end(), [&slug](const Article& a) {
        return std::find(a.related.begin(), a.related.end(), slug) != a.related.end();
      });
      if (!pinned) {
        db::Transaction tx(*c);
        auto id = id_of(*c, slug);
        db::forget_related(*c, id, kWeights);
        auto del = c->prepare("DELETE FROM articles WHERE id = ?");
        del.bind(1, id).run();
        tx.commit();
        articles.erase(victim);
      }
    }

    // The postings (blocks with days, candidacy and gate floors) stay those of the
    // vectors and states, whatever the edits, gates rising and falling.
    CHECK(db::check_related_postings(*c) == "");
    auto refreshed = stored(*c);
    CHECK(refreshed == reference(*c));
    rerank(*c);
    CHECK(refreshed == stored(*c));
    CHECK(db::check_related_postings(*c) == "");
  }
}

TEST_CASE("a scheduled article enters the sidebars when its time comes", "[db][related]") {
  auto c = memory_db();
  auto a = story("a", "Storm floods the river", "Storm rain floods the river and the coast.", {});
  auto b = story("b", "River flood after the storm", "The river flood follows storm rain.", {},
                 "2026-09-01T00:00:00Z");  // scheduled, as of kNow
  save(*c, {a, b});
  CHECK(related_slugs(*c, "a").empty());
  CHECK(related_slugs(*c, "a", "2026-09-02T00:00:00Z") == std::vector<std::string>{"b"});
}

TEST_CASE("pins come first and are not shown twice", "[db][related]") {
  auto c = memory_db();
  auto a = story("a", "Storm floods the river", "Storm rain floods the river and the coast.", {});
  auto b = story("b", "River flood after the storm", "The river flood follows storm rain.", {});
  auto p = story("p", "Council budget", "The council votes the budget.", {});
  a.related = {"p", "b"};
  save(*c, {a, b, p});
  CHECK(related_slugs(*c, "a") == std::vector<std::string>{"p", "b"});
  auto why = db::related_explained(*c, id_of(*c, "a"));
  REQUIRE(why.size() == 2);
  CHECK(why[0].pinned);
}

TEST_CASE("reading a related list is one indexed query", "[db][related]") {
  auto c = memory_db();
  auto q = c->prepare(R"sql(EXPLAIN QUERY PLAN
    SELECT a.slug, a.title, a.summary, r.score
    FROM related r CROSS JOIN articles a ON a.id = r.related_id
    WHERE r.article_id = ?1 AND r.pinned <= 1 AND a.status = 'published' AND a.published_at <= ?2
    ORDER BY r.rank LIMIT ?3)sql");
  std::string plan;
  while (q.step()) plan += q.text(3) + "\n";
  INFO(plan);
  CHECK(plan.find("SEARCH r USING PRIMARY KEY (article_id=?)") != std::string::npos);
  CHECK(plan.find("SEARCH a USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
  CHECK(plan.find("SCAN") == std::string::npos);
  CHECK(plan.find("TEMP B-TREE") == std::string::npos);
}

TEST_CASE("every write path under configured weights keeps the lists of those weights",
          "[db][related]") {
  // serve rebuilds at start-up when related_needs_rebuild says so: a writer that fell
  // back to the defaults would make the stored weights flip at every save, and the next
  // start (or the next save under the configured weights) rebuild every list.
  db::RelatedWeights tuned;
  tuned.title = 5;
  tuned.min_score = 0.15;
  tuned.recency = 0;
  tuned.terms = 16;
  REQUIRE_FALSE(tuned == kWeights);
  auto c = memory_db();
  std::mt19937 rng(5);
  auto articles = random_articles(rng, 300, "w");
  REQUIRE(std::holds_alternative<db::SaveResult>(db::save_articles(*c, articles, kNow, tuned)));
  CHECK_FALSE(db::related_needs_rebuild(*c, tuned));
  CHECK(db::related_needs_rebuild(*c, kWeights));

  // The import's and the API's path (a small batch: incremental), the admin's save of a
  // new and of an existing article, and the admin's delete.
  auto edited = articles[3];
  edited.body_markdown += " Storm river flood.";
  REQUIRE(std::holds_alternative<db::SaveResult>(db::save_articles(*c, {edited}, kNow, tuned)));
  CHECK_FALSE(db::related_needs_rebuild(*c, tuned));
  auto fresh = story("fresh", "Storm floods the river", "Storm rain floods the river.", {});
  REQUIRE(std::holds_alternative<db::SavedArticle>(
      db::save_article(*c, fresh, std::nullopt, false, kNow, tuned)));
  CHECK_FALSE(db::related_needs_rebuild(*c, tuned));
  fresh.body_markdown += " The coast too.";
  REQUIRE(std::holds_alternative<db::SavedArticle>(
      db::save_article(*c, fresh, id_of(*c, "fresh"), false, kNow, tuned)));
  CHECK_FALSE(db::related_needs_rebuild(*c, tuned));
  REQUIRE(db::delete_article(*c, articles[7].slug, tuned));
  CHECK_FALSE(db::related_needs_rebuild(*c, tuned));
  CHECK(db::check_related_postings(*c) == "");
  // And the lists are those of the tuned weights, as a recomputation gives them.
  auto lists = stored(*c, db::kStoredRelated);
  {
    db::Transaction tx(*c);
    db::rerank_all_related(*c, tuned);
    tx.commit();
  }
  CHECK(lists == stored(*c, db::kStoredRelated));
}

TEST_CASE("incremental writes that keep the statistics give what a full rebuild gives",
          "[db][related]") {
  // A rebuild takes new statistics (document frequencies, the article count); writes
  // that change no article's words leave them as they were, so after any series of
  // such writes a rebuild must store the very lists the writes left.
  auto c = memory_db();
  std::mt19937 rng(23);
  auto articles = random_articles(rng, 300, "s");
  save(*c, articles);  // over 200: a full rebuild takes the statistics
  for (int round = 0; round < 6; ++round) {
    INFO("round " << round);
    std::vector<Article> batch;
    for (int j = 0; j < 4; ++j) {
      auto& a = articles[std::uniform_int_distribution<std::size_t>(0, articles.size() - 1)(rng)];
      if (std::any_of(batch.begin(), batch.end(),
                      [&a](const Article& b) { return b.slug == a.slug; }))
        continue;
      if (j % 2 == 0) {
        a.status = a.status == Status::draft ? Status::published : Status::draft;
      } else {
        a.published_at =
            "2026-0" + std::to_string(1 + round) + "-2" + std::to_string(j) + "T00:00:00Z";
      }
      batch.push_back(a);
    }
    save(*c, batch);
    auto incremental = stored(*c);
    {
      db::Transaction tx(*c);
      db::rebuild_all_related(*c, kWeights);
      tx.commit();
    }
    CHECK(incremental == stored(*c));
    CHECK(db::check_related_postings(*c) == "");
  }
}
