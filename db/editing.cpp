// The admin's reads and writes (see editing.h).
#include "db/editing.h"

#include "db/related.h"

namespace gazette::db {

namespace {

std::optional<std::int64_t> id_of(Connection& c, std::string_view slug) {
  StatementUse q(c.cached("SELECT id FROM articles WHERE slug = ?"));
  q->bind(1, slug);
  if (!q->step()) return std::nullopt;
  return q->int64(0);
}

// `base` or the first of base-2, base-3... that no article uses, within the slug's
// 120 characters.
std::string free_slug(Connection& c, const std::string& base) {
  if (!id_of(c, base)) return base;
  for (int n = 2;; ++n) {
    std::string suffix = "-" + std::to_string(n);
    std::string stem = base.substr(0, 120 - suffix.size());
    while (!stem.empty() && stem.back() == '-') stem.pop_back();
    std::string candidate = stem + suffix;
    if (!id_of(c, candidate)) return candidate;
  }
}

}  // namespace

std::optional<StoredArticle> find_stored(Connection& c, std::string_view slug) {
  StatementUse q(c.cached(std::string("SELECT a.id, a.slug, a.created_at, a.updated_at, ") +
                          kStoredColumns + " FROM articles a WHERE a.slug = ?"));
  q->bind(1, slug);
  if (!q->step()) return std::nullopt;
  StoredArticle out;
  out.id = q->int64(0);
  out.article.slug = q->text(1);
  out.created_at = q->text(2);
  out.updated_at = q->text(3);
  read_stored(*q, 4, out.article);
  return out;
}

const std::string kListAllSql = std::string("SELECT ") + kSummaryColumns + R"sql(
    FROM articles a
    ORDER BY a.published_at IS NOT NULL, a.published_at DESC, a.id DESC
    LIMIT ?1 OFFSET ?2)sql";

ListPage list_all(Connection& c, int limit, int offset) {
  StatementUse q(c.cached(kListAllSql));
  q->bind_all(limit, offset);
  ListPage page;
  while (q->step()) read_summary(*q, page.items.emplace_back());
  page.total = count_all(c);
  return page;
}

std::variant<SavedArticle, gazette::FieldError> save_article(Connection& c, gazette::Article a,
                                                             std::optional<std::int64_t> id,
                                                             bool derive_slug, std::string_view now,
                                                             const RelatedWeights& w) {
  // The writer's transaction covers the slug checks too: two editors saving at once
  // cannot both take the same slug.
  ArticleWriter writer(c, std::string(now), w);
  auto owner = id_of(c, a.slug);
  if (!id) {
    if (owner) {
      if (!derive_slug)
        return gazette::FieldError{"slug", "Another article already uses this slug."};
      a.slug = free_slug(c, a.slug);
    }
  } else if (owner && *owner != *id) {
    return gazette::FieldError{"slug", "Another article already uses this slug."};
  } else if (!owner) {
    StatementUse rename(c.cached("UPDATE articles SET slug = ? WHERE id = ?"));
    rename->bind_all(a.slug, *id);
    rename->run();
    if (c.changes() == 0) {
      return gazette::FieldError{"slug", "This article was deleted while you were editing it."};
    }
  }
  writer.put(a);
  if (auto err = writer.finish()) return err->error;
  return SavedArticle{a.slug};
}

std::optional<std::string> first_unknown_slug(Connection& c,
                                              const std::vector<std::string>& slugs) {
  for (const auto& slug : slugs) {
    if (!id_of(c, slug)) return slug;
  }
  return std::nullopt;
}

bool delete_article(Connection& c, std::string_view slug, const RelatedWeights& w) {
  Transaction tx(c);
  auto id = id_of(c, slug);
  if (!id) return false;
  // Out of every list that holds it (a list left too short is ranked again) and out of
  // the term index, before the row goes.
  forget_related(c, *id, w);
  {
    // Its tags, pins, own list and search entry go with it (foreign keys, trigger).
    StatementUse q(c.cached("DELETE FROM articles WHERE id = ?"));
    q->bind(1, *id);
    q->run();
  }
  tx.commit();
  return true;
}

}  // namespace gazette::db
