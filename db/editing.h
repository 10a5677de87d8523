// What the admin reads and writes beyond the public reads: every article whatever its
// status, the article as it was written (for the form), saves from the form, deletes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "content/article.h"
#include "db/articles.h"
#include "db/sqlite.h"

namespace gazette::db {

// An article as written, for the edit form.
struct StoredArticle {
  std::int64_t id = 0;
  gazette::Article article;
  std::string created_at;  // ISO 8601 UTC
  std::string updated_at;
};
std::optional<StoredArticle> find_stored(Connection& c, std::string_view slug);

// Every article, drafts and scheduled ones included, newest first: by publication
// date, undated drafts first (the newest work), then by id.
ListPage list_all(Connection& c, int limit, int offset);
// Its query (?1 limit, ?2 offset), for the test that checks it walks an index.
extern const std::string kListAllSql;

// Saves `a` (validated by content::normalize_and_validate) in one durable transaction,
// with the related lists brought up to date under weights `w`.
// - `id` empty: a new article. Its slug must be free; when `derive_slug` is set (the
//   user left the slug empty and it was derived from the title), a taken slug gets the
//   first free suffix "-2", "-3"... instead of an error.
// - `id` set: the article with that id, which may change its slug (links that pin it
//   follow, as pins refer to ids) to one that is free.
// Returns the slug saved under, or a FieldError ("slug" taken, "related" naming no
// article, "slug" when the article was deleted meanwhile); nothing is written then.
struct SavedArticle {
  std::string slug;
};
std::variant<SavedArticle, gazette::FieldError> save_article(Connection& c, gazette::Article a,
                                                             std::optional<std::int64_t> id,
                                                             bool derive_slug, std::string_view now,
                                                             const RelatedWeights& w);

// The first of `slugs` that no article has, if any (pins are checked before a save so
// that the form can name every bad field at once).
std::optional<std::string> first_unknown_slug(Connection& c, const std::vector<std::string>& slugs);

// Deletes the article `slug` and takes it out of every related list (db::forget_related),
// in one transaction (lists recomputed under `w`). False when there is no such article.
bool delete_article(Connection& c, std::string_view slug, const RelatedWeights& w);

}  // namespace gazette::db
