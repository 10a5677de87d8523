// The reads behind the discovery files (/feed.xml, /tags/{tag}/feed.xml, /sitemap.xml):
// what they list of the public articles (published, dated at or before `now`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "db/articles.h"
#include "db/sqlite.h"

namespace gazette::db {

// The `limit` newest public articles with their bodies (ArticleView, body_html filled),
// newest published first; only those tagged `tag` (lowercase) unless `tag` is empty.
std::vector<ArticleView> latest_public_full(Connection& c, std::string_view now,
                                            std::string_view tag, int limit);

// One address in the sitemap and when what it shows last changed (ISO 8601 UTC).
struct Dated {
  std::string key;  // an article's slug, or a tag
  std::string updated_at;
};

// Up to `limit` public articles, newest published first: slug and updated_at.
std::vector<Dated> public_article_dates(Connection& c, std::string_view now, int limit);

// Every tag that has a public article, by name, each with the newest updated_at of its
// public articles.
std::vector<Dated> public_tag_dates(Connection& c, std::string_view now);

}  // namespace gazette::db
