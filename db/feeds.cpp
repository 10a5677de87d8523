// The reads behind the feeds and the sitemap (see feeds.h). Same rules as the listings
// in articles.cpp: public = status 'published' and published_at <= now, newest first,
// each read one statement served by the articles_public or article_tags_by_tag index.
#include "db/feeds.h"

namespace gazette::db {

namespace {

// The columns both feed queries select: a listing's (read_summary), then the body.
const std::string kFullColumns = std::string(kSummaryColumns) + ", a.body_html, a.created_at";

std::vector<ArticleView> read_full(Statement& s) {
  std::vector<ArticleView> out;
  while (s.step()) {
    ArticleView& v = out.emplace_back();
    read_summary(s, v);
    v.body_html = s.text(10);
    v.created_at = s.text(11);
  }
  return out;
}

}  // namespace

std::vector<ArticleView> latest_public_full(Connection& c, std::string_view now,
                                            std::string_view tag, int limit) {
  if (tag.empty()) {
    StatementUse q(c.cached("SELECT " + kFullColumns + R"sql(
      FROM articles a WHERE a.status = 'published' AND a.published_at <= ?1
      ORDER BY a.published_at DESC, a.id DESC LIMIT ?2)sql"));
    q->bind_all(now, limit);
    return read_full(*q);
  }
  // The tag's public range of article_tags_public, newest first (see db/schema.cpp).
  StatementUse q(c.cached("SELECT " + kFullColumns + R"sql(
    FROM article_tags t CROSS JOIN articles a ON a.id = t.article_id
    WHERE t.tag = ?1 AND t.published_at IS NOT NULL AND t.published_at <= ?2
    ORDER BY t.published_at DESC, t.article_id DESC LIMIT ?3)sql"));
  q->bind_all(tag, now, limit);
  return read_full(*q);
}

std::vector<Dated> public_article_dates(Connection& c, std::string_view now, int limit) {
  StatementUse q(c.cached(R"sql(
    SELECT slug, updated_at FROM articles
    WHERE status = 'published' AND published_at <= ?1
    ORDER BY published_at DESC, id DESC LIMIT ?2)sql"));
  q->bind_all(now, limit);
  std::vector<Dated> out;
  while (q->step()) out.push_back({q->text(0), q->text(1)});
  return out;
}

std::vector<Dated> public_tag_dates(Connection& c, std::string_view now) {
  StatementUse q(c.cached(R"sql(
    SELECT t.tag, max(a.updated_at) FROM article_tags t JOIN articles a ON a.id = t.article_id
    WHERE a.status = 'published' AND a.published_at <= ?1
    GROUP BY t.tag ORDER BY t.tag)sql"));
  q->bind(1, now);
  std::vector<Dated> out;
  while (q->step()) out.push_back({q->text(0), q->text(1)});
  return out;
}

}  // namespace gazette::db
