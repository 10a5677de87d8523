// The related-articles engine: how two articles are scored, and the stored lists
// (table `related`) kept up to date as articles are written. Readers never score; they
// read the stored list (articles.h: related_public, one indexed query).
//
// Score of B for A, in [0, 1] (README "Related articles"):
//   cosine(vA, vB) × recency(|days between them|)
// where v is the article's term vector: TF-IDF over its Porter-stemmed words (title,
// summary, body and the words of its tags, each field weighted), stop words dropped and
// terms in more than max_df of all articles ignored, keeping the `terms` heaviest; plus
// one dimension per tag (the shared-tag boost), weighted by the tag's own IDF so that a
// tag on every other article says little. The vector is unit-length, so the cosine is a
// plain dot product and the threshold `min_score` means the same for every article.
// The score is symmetric: score(A, B) = score(B, A).
//
// A list: the article's pins first, in order, then every other published article
// scoring at least min_score, best first (ties: newer, then higher id). Drafts are never
// candidates; scheduled articles are, and the read path hides them until their time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "db/sqlite.h"

namespace gazette::db {

// How many ranked entries a list is guaranteed to hold exactly (when that many score
// above the threshold): more than the sidebar's five, so that entries not public yet
// (scheduled) can be skipped at read time.
inline constexpr int kStoredRelated = 10;
// How many ranked entries a list stores: the slack above kStoredRelated lets a list
// lose entries (an article edited away or deleted) without being recomputed.
inline constexpr int kKeptRelated = 20;

// Every tunable of the scoring, with its default. The one place the weights live.
struct RelatedWeights {
  double title = 3.0;         // weight of a word in the title (per occurrence)
  double summary = 2.0;       // ... in the summary
  double body = 1.0;          // ... in the body
  double tag_words = 1.0;     // ... in a tag, as a word ("climate change" -> climat, chang)
  double tag_boost = 1.0;     // weight of each tag dimension, times the tag's IDF
  double max_df = 0.5;        // a term in more than this share of articles is ignored
  int terms = 24;             // words kept per article (the heaviest by TF-IDF)
  double min_score = 0.1;     // threshold: below it, an article is not related
  double recency = 0.1;       // the most the score loses to distance in time (0: off)
  double recency_days = 365;  // ... reaching 63% of that loss at this many days apart
  bool operator==(const RelatedWeights&) const = default;
};

// Every function below takes the weights explicitly: the caller holds them (the App's
// Config for serve, the Invocation's for the commands). The weights a database's lists
// were built with are stored with them, and a refresh under other weights rebuilds every
// list first, so every writer of one database must pass the same weights.

// Recomputes the term vectors and lists of the articles `ids` (created or edited) and
// updates every other list they enter or leave (the reverse side), in the caller's
// transaction. Cost: the postings of each article's terms (in blocks) and the lists it
// leaves or enters, about 10 ms per article at 100,000 generated articles of 40 topics
// (bench/related.sh), plus the commit's pages. An id that no longer exists is skipped: call
// forget_related before deleting an article. Falls back to rebuild_all_related when the
// store has no statistics yet, the weights changed, or (on a store of at most 5,000
// articles, where that is cheap) the number of articles drifted more than 25% from the
// one the term statistics were taken at.
void refresh_related(Connection& c, const std::vector<std::int64_t>& ids, const RelatedWeights& w,
                     const std::function<void(std::size_t, std::size_t)>& progress = {});

// True when the next refresh_related would rebuild every list first (lists from before
// the content engine, other weights, or a small store that grew): `serve` does it at
// start-up rather than in the first save an editor makes.
bool related_needs_rebuild(Connection& c, const RelatedWeights& w);

// Takes article `id` out of the related engine before it is deleted: out of every list
// that holds it (recomputing a list only when it is left too short), and its terms out
// of the index. Call it in the deleting transaction, before the DELETE; the article's
// own rows go with the article (ON DELETE CASCADE).
void forget_related(Connection& c, std::int64_t id, const RelatedWeights& w);

// Recomputes the term statistics, every vector and every list, on every core. Runs in
// the caller's transaction. `progress(done, total)` is called on the caller's thread.
void rebuild_all_related(Connection& c, const RelatedWeights& w,
                         const std::function<void(std::size_t, std::size_t)>& progress = {});

// Recomputes every list from the stored vectors and statistics, one article at a time
// (slow; no new statistics): what any series of refreshes must leave. For tests.
void rerank_all_related(Connection& c, const RelatedWeights& w);

// For tests and `gazette check --deep`: "" when the postings (related_postings) hold
// exactly one entry per component of every stored vector, with its article's day and
// candidacy and a gate floor no higher than its gate; otherwise what is wrong first.
std::string check_related_postings(Connection& c);

// One entry of an article's stored list with why it is there (for the admin edit page).
struct RelatedExplanation {
  std::string slug;
  std::string title;
  double score = 0;
  bool pinned = false;
  std::vector<std::string> shared_tags;
  std::vector<std::string> shared_terms;  // stems, the heaviest contributions first
};
// The stored list of article `id` (drafts and scheduled entries included), pins first,
// each with the tags and the (at most 8) terms that made it related.
std::vector<RelatedExplanation> related_explained(Connection& c, std::int64_t id);

}  // namespace gazette::db
