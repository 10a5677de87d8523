// Related lists, first version: pins first, then the published articles that share the
// most tags (cosine of the two tag sets), newer first on ties. The content-similarity
// engine replaces the scoring; the storage and the read path stay.
#include "db/related.h"

#include <algorithm>
#include <cmath>
#include <set>
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

void refresh_related(Connection& c, const std::vector<std::int64_t>& ids) {
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
  for (auto id : affected) recompute_one(c, id);
}

void rebuild_all_related(Connection& c) {
  std::vector<std::int64_t> ids;
  {
    StatementUse all(c.cached("SELECT id FROM articles ORDER BY id"));
    while (all->step()) ids.push_back(all->int64(0));
  }
  for (auto id : ids) recompute_one(c, id);
}

}  // namespace gazette::db
