// Full-text search (see search.h). Two statements per page: the page of results and
// their count (skipped when the page itself tells it).
#include "db/search.h"

#include "content/search_query.h"

namespace gazette::db {

namespace {

// Words of context snippet() gives around the matches (FTS5 allows up to 64).
constexpr int kSnippetTokens = 32;

}  // namespace

SearchResults search_public(Connection& c, std::string_view match, std::string_view now, int limit,
                            int offset) {
  SearchResults out;
  // Two steps in one statement. `hits` ranks every match and keeps the page's ids; only
  // then are the columns read and snippet() run (it tokenizes the body again), for those
  // alone: in one flat query SQLite would run snippet() for every match before sorting,
  // and a common word matches nearly every article.
  // - The public rule is checked here, not in the index, because time makes a scheduled
  //   article public without any write.
  // - Ranking: the matches drive (CROSS JOIN), each checked in the narrow
  //   articles_visibility index (INDEXED BY; see migration 2). Left to itself, without
  //   statistics, SQLite walks every public article and probes the full-text index for
  //   each, or reads each article's row: both many times slower.
  // - Snippets: one more scan of the matches between the page's smallest and largest
  //   id, joined to `hits`. Probing the full-text index once per hit instead re-runs
  //   the whole query each time (a prefix term merges every word it expands to: 20
  //   times that is most of a request).
  StatementUse q(c.cached(R"sql(
    WITH hits AS (
      SELECT articles_fts.rowid AS id, bm25(articles_fts, ?5, ?6, ?7, ?8) AS score,
             a.published_at AS published_at
      FROM articles_fts
      CROSS JOIN articles a INDEXED BY articles_visibility ON a.id = articles_fts.rowid
      WHERE articles_fts MATCH ?1 AND a.status = 'published' AND a.published_at <= ?2
      ORDER BY score, a.published_at DESC, a.id DESC
      LIMIT ?3 OFFSET ?4)
    SELECT )sql" + std::string(kSummaryColumns) +
                          R"sql(,
           snippet(articles_fts, 2, ?9, ?10, '…', ?11)
    FROM articles_fts
    CROSS JOIN hits h ON h.id = articles_fts.rowid
    CROSS JOIN articles a ON a.id = h.id
    WHERE articles_fts MATCH ?1
      AND articles_fts.rowid BETWEEN (SELECT min(id) FROM hits) AND (SELECT max(id) FROM hits)
    ORDER BY h.score, h.published_at DESC, h.id DESC)sql"));
  q->bind_all(match, now, limit, offset, kTitleWeight, kSummaryWeight, kBodyWeight, kTagsWeight,
              kSnippetOpen, kSnippetClose, kSnippetTokens);
  while (q->step()) {
    SearchHit& hit = out.items.emplace_back();
    read_summary(*q, hit);
    hit.snippet = q->text(10);
  }

  // A short last page tells the count without counting.
  if (!out.items.empty() && out.items.size() < static_cast<std::size_t>(limit)) {
    out.total = offset + static_cast<std::int64_t>(out.items.size());
    return out;
  }
  StatementUse n(c.cached(R"sql(
    SELECT count(*) FROM articles_fts
    CROSS JOIN articles a INDEXED BY articles_visibility ON a.id = articles_fts.rowid
    WHERE articles_fts MATCH ?1 AND a.status = 'published' AND a.published_at <= ?2)sql"));
  n->bind_all(match, now);
  out.total = n->step() ? n->int64(0) : 0;
  return out;
}

}  // namespace gazette::db
