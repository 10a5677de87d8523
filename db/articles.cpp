// The article store (see articles.h).
#include "db/articles.h"

#include <unordered_map>

#include "content/markdown.h"
#include "db/related.h"

namespace gazette::db {

namespace {

// Tags travel from SQL as one string joined by the unit separator, which validation
// never lets into a tag.
constexpr char kTagSeparator = '\x1f';

std::vector<std::string> split_tags(std::string_view joined) {
  std::vector<std::string> tags;
  while (!joined.empty()) {
    auto pos = joined.find(kTagSeparator);
    tags.emplace_back(joined.substr(0, pos));
    if (pos == std::string_view::npos) break;
    joined.remove_prefix(pos + 1);
  }
  return tags;
}

// The columns every listing selects, in the order read_summary expects.
constexpr const char* kSummaryColumns = R"sql(
  a.id, a.slug, a.title, a.summary, a.author, coalesce(a.published_at, ''), a.updated_at,
  a.status, a.word_count,
  (SELECT group_concat(tag, char(31)) FROM
     (SELECT tag FROM article_tags WHERE article_id = a.id ORDER BY position)))sql";

void read_summary(Statement& s, ArticleSummary& out) {
  out.id = s.int64(0);
  out.slug = s.text(1);
  out.title = s.text(2);
  out.summary = s.text(3);
  out.author = s.text(4);
  out.published_at = s.text(5);
  out.updated_at = s.text(6);
  out.status = s.text(7);
  out.word_count = s.integer(8);
  out.tags = split_tags(s.text_view(9));
}

ListPage read_page(Statement& s) {
  ListPage page;
  while (s.step()) read_summary(s, page.items.emplace_back());
  return page;
}

std::int64_t upsert_one(Connection& c, const gazette::Article& a, std::string_view now,
                        bool& created) {
  std::string text = markdown_to_text(a.body_markdown);
  {
    StatementUse existing(c.cached("SELECT id FROM articles WHERE slug = ?"));
    existing->bind(1, a.slug);
    created = !existing->step();
  }
  StatementUse up(c.cached(R"sql(
    INSERT INTO articles (slug, title, summary, body_markdown, body_html, body_text, word_count,
                          author, status, published_at, created_at, updated_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, nullif(?10, ''), ?11, ?11)
    ON CONFLICT (slug) DO UPDATE SET
      title = excluded.title, summary = excluded.summary,
      body_markdown = excluded.body_markdown, body_html = excluded.body_html,
      body_text = excluded.body_text, word_count = excluded.word_count,
      author = excluded.author, status = excluded.status,
      published_at = excluded.published_at, updated_at = excluded.updated_at
    RETURNING id)sql"));
  up->bind_all(a.slug, a.title, a.summary, a.body_markdown, markdown_to_html(a.body_markdown), text,
               count_words(text), a.author, gazette::to_string(a.status), a.published_at, now);
  up->step();
  std::int64_t id = up->int64(0);
  up->reset();

  StatementUse clear_tags(c.cached("DELETE FROM article_tags WHERE article_id = ?"));
  clear_tags->bind(1, id).run();
  StatementUse add_tag(
      c.cached("INSERT INTO article_tags (article_id, tag, position) VALUES (?, ?, ?)"));
  for (std::size_t i = 0; i < a.tags.size(); ++i) {
    add_tag->bind_all(id, a.tags[i], static_cast<int>(i));
    add_tag->run();
    add_tag->reset();
  }
  return id;
}

}  // namespace

std::variant<SaveResult, SaveError> save_articles(Connection& c,
                                                  const std::vector<gazette::Article>& articles,
                                                  std::string_view now) {
  Transaction tx(c);
  SaveResult result;
  std::vector<std::int64_t> ids;
  ids.reserve(articles.size());
  for (const auto& a : articles) {
    bool created = false;
    ids.push_back(upsert_one(c, a, now, created));
    (created ? result.created : result.updated)++;
  }
  // Pins after every upsert, so an article may pin one that comes later in the batch.
  StatementUse clear_pins(c.cached("DELETE FROM related_pins WHERE article_id = ?"));
  StatementUse find(c.cached("SELECT id FROM articles WHERE slug = ?"));
  StatementUse add_pin(
      c.cached("INSERT INTO related_pins (article_id, position, pinned_id) VALUES (?, ?, ?)"));
  for (std::size_t i = 0; i < articles.size(); ++i) {
    clear_pins->bind(1, ids[i]).run();
    clear_pins->reset();
    int position = 0;
    for (const auto& slug : articles[i].related) {
      find->bind(1, slug);
      if (!find->step()) {
        return SaveError{i, {"related", "no article with slug \"" + slug + "\""}};
      }
      std::int64_t pinned = find->int64(0);
      find->reset();
      add_pin->bind_all(ids[i], position++, pinned);
      add_pin->run();
      add_pin->reset();
    }
  }
  if (articles.size() > 200) {
    rebuild_all_related(c);  // cheaper than finding the neighbours of a large batch
  } else {
    refresh_related(c, ids);
  }
  tx.commit();
  return result;
}

ListPage list_public(Connection& c, std::string_view now, int limit, int offset) {
  StatementUse q(c.cached(std::string("SELECT ") + kSummaryColumns + R"sql(
    FROM articles a WHERE a.status = 'published' AND a.published_at <= ?1
    ORDER BY a.published_at DESC, a.id DESC LIMIT ?2 OFFSET ?3)sql"));
  q->bind_all(now, limit, offset);
  ListPage page = read_page(*q);
  StatementUse n(
      c.cached("SELECT count(*) FROM articles WHERE status = 'published' AND published_at <= ?"));
  n->bind(1, now);
  page.total = n->step() ? n->int64(0) : 0;
  return page;
}

ListPage list_public_by_tag(Connection& c, std::string_view tag, std::string_view now, int limit,
                            int offset) {
  StatementUse q(c.cached(std::string("SELECT ") + kSummaryColumns + R"sql(
    FROM article_tags t JOIN articles a ON a.id = t.article_id
    WHERE t.tag = ?1 AND a.status = 'published' AND a.published_at <= ?2
    ORDER BY a.published_at DESC, a.id DESC LIMIT ?3 OFFSET ?4)sql"));
  q->bind_all(tag, now, limit, offset);
  ListPage page = read_page(*q);
  StatementUse n(c.cached(R"sql(
    SELECT count(*) FROM article_tags t JOIN articles a ON a.id = t.article_id
    WHERE t.tag = ?1 AND a.status = 'published' AND a.published_at <= ?2)sql"));
  n->bind_all(tag, now);
  page.total = n->step() ? n->int64(0) : 0;
  return page;
}

std::optional<ArticleView> find_public(Connection& c, std::string_view slug, std::string_view now) {
  StatementUse q(c.cached(std::string("SELECT ") + kSummaryColumns + R"sql(,
      a.body_html, a.created_at
    FROM articles a WHERE a.slug = ?1 AND a.status = 'published' AND a.published_at <= ?2)sql"));
  q->bind_all(slug, now);
  if (!q->step()) return std::nullopt;
  ArticleView v;
  read_summary(*q, v);
  v.body_html = q->text(10);
  v.created_at = q->text(11);
  return v;
}

std::vector<RelatedLink> related_public(Connection& c, std::int64_t id, std::string_view now,
                                        int limit) {
  StatementUse q(c.cached(R"sql(
    SELECT a.slug, a.title, a.summary, r.score
    FROM related r JOIN articles a ON a.id = r.related_id
    WHERE r.article_id = ?1 AND a.status = 'published' AND a.published_at <= ?2
    ORDER BY r.rank LIMIT ?3)sql"));
  q->bind_all(id, now, limit);
  std::vector<RelatedLink> out;
  while (q->step()) out.push_back({q->text(0), q->text(1), q->text(2), q->real(3)});
  return out;
}

std::vector<TagCount> top_tags(Connection& c, std::string_view now, int limit) {
  StatementUse q(c.cached(R"sql(
    SELECT t.tag, count(*) AS n FROM article_tags t JOIN articles a ON a.id = t.article_id
    WHERE a.status = 'published' AND a.published_at <= ?1
    GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT ?2)sql"));
  q->bind_all(now, limit);
  std::vector<TagCount> out;
  while (q->step()) out.push_back({q->text(0), q->int64(1)});
  return out;
}

std::int64_t count_all(Connection& c) {
  return c.query_int("SELECT count(*) FROM articles").value_or(0);
}

}  // namespace gazette::db
