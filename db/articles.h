// Articles in the store: the one write path every way in uses, and the reads the public
// pages need (each one indexed query).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "content/article.h"
#include "db/related.h"
#include "db/sqlite.h"

namespace gazette::db {

// An article as a listing shows it.
struct ArticleSummary {
  std::int64_t id = 0;
  std::string slug;
  std::string title;
  std::string summary;
  std::string author;
  std::string published_at;  // ISO 8601 UTC ("" for an undated draft)
  std::string updated_at;
  std::string status;
  int word_count = 0;
  std::vector<std::string> tags;
};

// An article as its page shows it.
struct ArticleView : ArticleSummary {
  std::string body_html;
  std::string created_at;
};

// One page of a listing and the size of the whole listing.
struct ListPage {
  std::vector<ArticleSummary> items;
  std::int64_t total = 0;
};

// One entry of the related sidebar.
struct RelatedLink {
  std::string slug;
  std::string title;
  std::string summary;
  double score = 0;
};

struct TagCount {
  std::string tag;
  std::int64_t count = 0;
};

// How a batch of writes went.
struct SaveResult {
  int created = 0;
  int updated = 0;
  int unchanged = 0;
};

// For the other readers in db/ (feeds, search) that select articles the way the
// listings do. kSummaryColumns: the select list (table alias "a") that read_summary
// reads, columns 0 to 9; tags travel joined by the unit separator (char 31), which
// validation never lets into a tag, and split_joined takes them apart.
extern const char* const kSummaryColumns;
void read_summary(Statement& s, ArticleSummary& out);
std::vector<std::string> split_joined(std::string_view joined);
// The select list (table alias "a") of an article as it was written, 8 columns: title,
// summary, body_markdown, author, status, published_at, tags and pinned slugs (both
// joined as above). read_stored reads them from column `first` on into `out` (all but
// the slug).
extern const char* const kStoredColumns;
void read_stored(Statement& s, int first, gazette::Article& out);

// Writes validated articles (content::normalize_and_validate) in one transaction:
// upserts each by slug, renders its Markdown, stores its tags and pins, then brings the
// related lists up to date under weights `w` (those of every other writer of this
// store: see related.h). Pinned slugs must exist in the store or in the batch;
// otherwise a FieldError for "related" is returned (with the index of the article in
// `articles`) and nothing is written. `now` is the write time (ISO 8601 UTC).
struct SaveError {
  std::size_t index = 0;
  gazette::FieldError error;
};
std::variant<SaveResult, SaveError> save_articles(Connection& c,
                                                  const std::vector<gazette::Article>& articles,
                                                  std::string_view now, const RelatedWeights& w);

// The write path under save_articles, for callers that stream many articles (import):
// the constructor begins an IMMEDIATE transaction; put() upserts one validated article
// (nothing is written when it is identical to the stored one); finish() resolves the
// pins of everything put, refreshes the related lists and commits. Destroyed without
// finish() — an error anywhere — it rolls everything back.
class ArticleWriter {
 public:
  enum class Outcome { created, updated, unchanged };

  ArticleWriter(Connection& c, std::string now, const RelatedWeights& w);
  Outcome put(const gazette::Article& a);
  // Commits, or returns the first pin naming no article (with the index of its put()).
  // `progress` is told how many related lists of how many are done.
  std::optional<SaveError> finish(
      const std::function<void(std::size_t done, std::size_t total)>& progress = {});
  const SaveResult& result() const { return result_; }

 private:
  struct Pins {
    std::size_t index;
    std::int64_t id;
    std::vector<std::string> slugs;
  };
  Connection& c_;
  Transaction tx_;
  std::string now_;
  RelatedWeights weights_;
  SaveResult result_;
  std::size_t count_ = 0;
  std::vector<std::int64_t> changed_;  // ids whose related lists must be refreshed
  std::vector<Pins> pins_;
};

// Calls `fn` with every article, drafts included, ordered by slug, as it was written
// (for dump).
void for_each_article(Connection& c, const std::function<void(const gazette::Article&)>& fn);

// Public articles (published, dated at or before `now`), newest first. `known_total`,
// when given, is taken as ListPage::total instead of counting (a count(*) over the
// public range costs milliseconds at 100,000 articles; the caller caches it).
ListPage list_public(Connection& c, std::string_view now, int limit, int offset,
                     std::optional<std::int64_t> known_total = std::nullopt);
// The same, only those tagged `tag` (lowercase).
ListPage list_public_by_tag(Connection& c, std::string_view tag, std::string_view now, int limit,
                            int offset, std::optional<std::int64_t> known_total = std::nullopt);
// A public article by slug; nullopt for unknown, draft or scheduled.
std::optional<ArticleView> find_public(Connection& c, std::string_view slug, std::string_view now);
// An article by slug whatever its status (the admin's preview); nullopt for unknown.
std::optional<ArticleView> find_any(Connection& c, std::string_view slug);
// Up to `limit` entries of the stored related list of article `id`, public ones only.
std::vector<RelatedLink> related_public(Connection& c, std::int64_t id, std::string_view now,
                                        int limit);
// The `limit` tags with the most public articles (ties by name).
std::vector<TagCount> top_tags(Connection& c, std::string_view now, int limit);
// Every article, drafts included.
std::int64_t count_all(Connection& c);
// The content stamp (schema migration 4): changes with every write to an article.
std::int64_t content_stamp(Connection& c);
// The slugs of every public article, newest first.
std::vector<std::string> public_slugs(Connection& c, std::string_view now);

}  // namespace gazette::db
