// The reads behind the feeds and the sitemap (see feeds.h). Same rules as the listings
// in articles.cpp: public = status 'published' and published_at <= now, newest first,
// each read one statement served by the articles_public or article_tags_by_tag index.
#include "db/feeds.h"

namespace gazette::db {

namespace {

// The columns both feed queries select, in the order read_full expects. Tags come as one
// string joined by the unit separator, which validation never lets into a tag (as in
// articles.cpp).
constexpr const char* kFullColumns = R"sql(
  a.id, a.slug, a.title, a.summary, a.author, a.published_at, a.updated_at, a.status,
  a.word_count,
  (SELECT group_concat(tag, char(31)) FROM
     (SELECT tag FROM article_tags WHERE article_id = a.id ORDER BY position)),
  a.body_html, a.created_at)sql";

std::vector<std::string> split_tags(std::string_view joined) {
  std::vector<std::string> tags;
  while (!joined.empty()) {
    auto pos = joined.find('\x1f');
    tags.emplace_back(joined.substr(0, pos));
    if (pos == std::string_view::npos) break;
    joined.remove_prefix(pos + 1);
  }
  return tags;
}

std::vector<ArticleView> read_full(Statement& s) {
  std::vector<ArticleView> out;
  while (s.step()) {
    ArticleView& v = out.emplace_back();
    v.id = s.int64(0);
    v.slug = s.text(1);
    v.title = s.text(2);
    v.summary = s.text(3);
    v.author = s.text(4);
    v.published_at = s.text(5);
    v.updated_at = s.text(6);
    v.status = s.text(7);
    v.word_count = s.integer(8);
    v.tags = split_tags(s.text_view(9));
    v.body_html = s.text(10);
    v.created_at = s.text(11);
  }
  return out;
}

}  // namespace

std::vector<ArticleView> latest_public_full(Connection& c, std::string_view now,
                                            std::string_view tag, int limit) {
  if (tag.empty()) {
    StatementUse q(c.cached(std::string("SELECT ") + kFullColumns + R"sql(
      FROM articles a WHERE a.status = 'published' AND a.published_at <= ?1
      ORDER BY a.published_at DESC, a.id DESC LIMIT ?2)sql"));
    q->bind_all(now, limit);
    return read_full(*q);
  }
  // The tag's public range of article_tags_public, newest first (see db/schema.cpp).
  StatementUse q(c.cached(std::string("SELECT ") + kFullColumns + R"sql(
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
