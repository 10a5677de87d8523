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
  // First the page's ids, ranked, then the columns and the snippet of those alone: in one
  // flat query SQLite would compute snippet() (which tokenizes the body again) for every
  // match before sorting, and a common word matches thousands. The public rule is checked
  // here, not in the index, because time makes a scheduled article public without any
  // write. The plan is fixed: the matches drive (CROSS JOIN), each checked in the narrow
  // articles_visibility index (INDEXED BY; see migration 2). Left to itself, without
  // statistics, SQLite walks every public article and probes the index for each, or
  // reads each article's row, both many times slower. The columns are those of a
  // listing (db/articles.cpp, read_summary).
  StatementUse q(c.cached(R"sql(
    WITH hits AS (
      SELECT articles_fts.rowid AS id, bm25(articles_fts, ?5, ?6, ?7, ?8) AS score,
             a.published_at AS published_at
      FROM articles_fts
      CROSS JOIN articles a INDEXED BY articles_visibility ON a.id = articles_fts.rowid
      WHERE articles_fts MATCH ?1 AND a.status = 'published' AND a.published_at <= ?2
      ORDER BY score, a.published_at DESC, a.id DESC
      LIMIT ?3 OFFSET ?4)
    SELECT a.id, a.slug, a.title, a.summary, a.author, a.published_at, a.updated_at, a.status,
           a.word_count,
           (SELECT group_concat(tag, char(31)) FROM
              (SELECT tag FROM article_tags WHERE article_id = a.id ORDER BY position)),
           snippet(articles_fts, 2, ?9, ?10, '…', ?11)
    FROM hits h
    CROSS JOIN articles_fts ON articles_fts.rowid = h.id
    JOIN articles a ON a.id = h.id
    WHERE articles_fts MATCH ?1
    ORDER BY h.score, h.published_at DESC, h.id DESC)sql"));
  q->bind_all(match, now, limit, offset, kTitleWeight, kSummaryWeight, kBodyWeight, kTagsWeight,
              kSnippetOpen, kSnippetClose, kSnippetTokens);
  while (q->step()) {
    SearchHit& hit = out.items.emplace_back();
    hit.id = q->int64(0);
    hit.slug = q->text(1);
    hit.title = q->text(2);
    hit.summary = q->text(3);
    hit.author = q->text(4);
    hit.published_at = q->text(5);
    hit.updated_at = q->text(6);
    hit.status = q->text(7);
    hit.word_count = q->integer(8);
    hit.tags = split_joined(q->text_view(9));
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
