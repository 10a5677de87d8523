// The one validator every way in goes through (admin form, import, demo content).
#pragma once

#include <string_view>
#include <vector>

#include "content/article.h"

namespace gazette {

// Normalises `a` in place, then checks it against the SPEC's field rules.
//
// Normalising: trims title, summary, author, tags and related slugs; drops empty tags and
// related entries; lowercases tags and removes duplicates (first occurrence wins); derives
// the slug from the title when it is empty; rewrites published_at to
// "YYYY-MM-DDTHH:MM:SSZ" (UTC) when it parses; a published article with no date gets
// `now_iso`.
//
// Returns one FieldError per bad field (field names as in the JSON record: "slug",
// "title", "summary", "body_markdown", "author", "tags", "status", "published_at",
// "related"), empty when the article is valid. Whether pinned related slugs exist is
// the store's question, not this function's; a slug pinning itself is an error here.
std::vector<FieldError> normalize_and_validate(Article& a, std::string_view now_iso);

// Parses "draft" / "published" (exactly, lowercase). False when it is neither.
bool parse_status(std::string_view text, Status& out);

}  // namespace gazette
