// Related lists, first version: pins first, then the published articles that share the
// most tags (cosine of the two tag sets), newer first on ties. The content-similarity
// engine replaces the scoring; the storage and the read path stay.
#include "db/related.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace gazette::db {

namespace {

struct Candidate {
  std::int64_t id;
  double score;
  std::string published_at;
};

void recompute_one(Connection& c, std::int64_t id) {
  StatementUse del(c.cached("DELETE FROM related WHERE article_id = ?"));
  del->bind(1, id).run();

  std::vector<std::int64_t> pinned;
  {
    StatementUse pins(
        c.cached("SELECT pinned_id FROM related_pins WHERE article_id = ? ORDER BY position"));
    pins->bind(1, id);
    while (pins->step()) pinned.push_back(pins->int64(0));
  }

  // Shared tags with every other article, and each one's number of tags, in one query.
  std::vector<Candidate> candidates;
  {
    StatementUse q(c.cached(R"sql(
      SELECT b.id, count(*) AS shared,
             (SELECT count(*) FROM article_tags WHERE article_id = b.id) AS theirs,
             (SELECT count(*) FROM article_tags WHERE article_id = ?1) AS ours,
             b.published_at
      FROM article_tags t1
      JOIN article_tags t2 ON t2.tag = t1.tag AND t2.article_id != t1.article_id
      JOIN articles b ON b.id = t2.article_id
      WHERE t1.article_id = ?1 AND b.status = 'published'
      GROUP BY b.id)sql"));
    q->bind(1, id);
    while (q->step()) {
      double shared = q->real(1), theirs = q->real(2), ours = q->real(3);
      candidates.push_back({q->int64(0), shared / std::sqrt(theirs * ours), q->text(4)});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.published_at > b.published_at;
  });

  StatementUse ins(c.cached(
      "INSERT INTO related (article_id, rank, related_id, score, pinned) VALUES (?, ?, ?, ?, ?)"));
  int rank = 0;
  std::unordered_set<std::int64_t> taken;
  for (auto p : pinned) {
    if (rank >= kStoredRelated) break;
    if (!taken.insert(p).second) continue;
    ins->bind_all(id, rank++, p, 1.0, 1);
    ins->run();
    ins->reset();
  }
  for (const auto& cand : candidates) {
    if (rank >= kStoredRelated) break;
    if (!taken.insert(cand.id).second) continue;
    ins->bind_all(id, rank++, cand.id, cand.score, 0);
    ins->run();
    ins->reset();
  }
}

}  // namespace

void refresh_related(Connection& c, const std::vector<std::int64_t>& ids,
                     const std::function<void(std::size_t, std::size_t)>& progress) {
  std::set<std::int64_t> affected(ids.begin(), ids.end());
  StatementUse neighbours(c.cached(R"sql(
    SELECT DISTINCT t2.article_id FROM article_tags t1
    JOIN article_tags t2 ON t2.tag = t1.tag
    WHERE t1.article_id = ?1
    UNION SELECT article_id FROM related WHERE related_id = ?1)sql"));
  for (auto id : ids) {
    neighbours->bind(1, id);
    while (neighbours->step()) affected.insert(neighbours->int64(0));
    neighbours->reset();
  }
  std::size_t done = 0;
  for (auto id : affected) {
    recompute_one(c, id);
    if (progress && ++done % 256 == 0) progress(done, affected.size());
  }
}

void rebuild_all_related(Connection& c,
                         const std::function<void(std::size_t, std::size_t)>& progress) {
  // One pass in memory instead of one query per article: with an inverted index from
  // tag to articles, each article's shared-tag counts come from its tags' postings.
  struct Info {
    std::int64_t id;
    std::string published_at;
    bool published;
    std::vector<std::uint32_t> tags;  // indexes into `postings`
  };
  std::vector<Info> articles;
  std::unordered_map<std::int64_t, std::uint32_t> index_of;
  {
    StatementUse q(c.cached(
        "SELECT id, coalesce(published_at, ''), status = 'published' FROM articles ORDER BY id"));
    while (q->step()) {
      index_of.emplace(q->int64(0), static_cast<std::uint32_t>(articles.size()));
      articles.push_back({q->int64(0), q->text(1), q->integer(2) == 1, {}});
    }
  }
  std::vector<std::vector<std::uint32_t>> postings;  // tag -> published articles
  {
    std::unordered_map<std::string, std::uint32_t> tag_ids;
    StatementUse q(c.cached("SELECT article_id, tag FROM article_tags"));
    while (q->step()) {
      auto [it, added] = tag_ids.emplace(q->text(1), static_cast<std::uint32_t>(postings.size()));
      if (added) postings.emplace_back();
      auto& a = articles[index_of.at(q->int64(0))];
      a.tags.push_back(it->second);
      if (a.published) postings[it->second].push_back(index_of.at(q->int64(0)));
    }
  }
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> pins;
  {
    StatementUse q(
        c.cached("SELECT article_id, pinned_id FROM related_pins ORDER BY article_id, position"));
    while (q->step()) pins[q->int64(0)].push_back(q->int64(1));
  }

  c.exec("DELETE FROM related");
  StatementUse ins(c.cached(
      "INSERT INTO related (article_id, rank, related_id, score, pinned) VALUES (?, ?, ?, ?, ?)"));
  std::vector<std::uint32_t> shared(articles.size(), 0);
  std::vector<std::uint32_t> touched;
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < articles.size(); ++i) {
    const Info& a = articles[i];
    touched.clear();
    for (auto t : a.tags) {
      for (auto other : postings[t]) {
        if (other == i) continue;
        if (shared[other]++ == 0) touched.push_back(other);
      }
    }
    candidates.clear();
    for (auto other : touched) {
      const Info& b = articles[other];
      double score = shared[other] / std::sqrt(double(a.tags.size()) * double(b.tags.size()));
      candidates.push_back({b.id, score, b.published_at});
      shared[other] = 0;
    }
    auto better = [](const Candidate& x, const Candidate& y) {
      if (x.score != y.score) return x.score > y.score;
      return x.published_at > y.published_at;
    };
    std::size_t keep = std::min<std::size_t>(candidates.size(), kStoredRelated);
    std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(), better);
    candidates.resize(keep);

    int rank = 0;
    std::unordered_set<std::int64_t> taken;
    auto add = [&](std::int64_t related, double score, int pinned) {
      if (rank >= kStoredRelated || !taken.insert(related).second) return;
      ins->bind_all(a.id, rank++, related, score, pinned);
      ins->run();
      ins->reset();
    };
    if (auto p = pins.find(a.id); p != pins.end()) {
      for (auto id : p->second) add(id, 1.0, 1);
    }
    for (const auto& cand : candidates) add(cand.id, cand.score, 0);
    if (progress && (i + 1) % 256 == 0) progress(i + 1, articles.size());
  }
}

}  // namespace gazette::db
