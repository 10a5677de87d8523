// Full-text search over the public articles: the FTS5 index of migration 2
// (db/schema.cpp), which triggers keep in step with every write, read with bm25 ranking
// and snippets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/articles.h"
#include "db/sqlite.h"

namespace gazette::db {

// How much each column counts in the ranking (bm25 weights): a word in the title says
// the most about what an article is about, then its tags, then the dek, then the body.
inline constexpr double kTitleWeight = 10.0;
inline constexpr double kSummaryWeight = 3.0;
inline constexpr double kBodyWeight = 1.0;
inline constexpr double kTagsWeight = 5.0;

// A result: the article as a listing shows it, and an excerpt of its body text around
// the matches, each match between kSnippetOpen and kSnippetClose (content/search_query.h).
// The excerpt is raw text: it must go through snippet_html() before it is HTML.
struct SearchHit : ArticleSummary {
  std::string snippet;
};

// One page of results and how many there are in all.
struct SearchResults {
  std::vector<SearchHit> items;
  std::int64_t total = 0;
};

// The public articles (published, dated at or before `now`) matching `match`, best first
// (bm25 with the weights above; the newer first on a tie), `limit` from `offset`.
// `match` must be a non-empty SearchQuery::match (parse_search_query): an FTS5
// expression of quoted terms. Anything else may be FTS5 syntax, and a syntax error is
// a db::Error.
SearchResults search_public(Connection& c, std::string_view match, std::string_view now, int limit,
                            int offset);

}  // namespace gazette::db
