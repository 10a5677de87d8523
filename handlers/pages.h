// The public pages rendered independently of HTTP: the live server sends them
// (handlers/*.cpp wrap each in a route) and `gazette export` writes them to files, so
// an exported page is the same HTML as the live one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "db/articles.h"

namespace gazette {

struct App;

struct RenderedPage {
  int status = 200;
  std::string body;
  std::string content_type = "text/html; charset=utf-8";
  std::string last_modified;  // ISO 8601 UTC; "" when the page has none
  std::string location;       // for a redirect (status 301)
};

inline constexpr int kPageSize = 20;

// The URL of page `page` of the listing at `base` ("/" or "/tags/x"): the base itself
// for page 1, else base + "/page/N" (no query string, so a static host can serve it).
std::string listing_page_url(const std::string& base, int page);

// GET / and /page/N: the newest public articles.
RenderedPage render_home(App& app, db::Connection& c, const std::string& now, int page);
// GET /tags/{tag} and /tags/{tag}/page/N. `tag` as requested (decoded); a tag with
// capitals redirects to its lowercase address.
RenderedPage render_tag(App& app, db::Connection& c, const std::string& now, const std::string& tag,
                        int page);
// GET /articles/{slug}.
RenderedPage render_article(App& app, db::Connection& c, const std::string& now,
                            const std::string& slug);
// The page of `article` (any status): the public article page, or with `preview` the
// admin's preview of it (marked as such, not indexed). Takes the article by value: its
// body moves into the page's data rather than being copied.
RenderedPage render_article_page(App& app, db::Connection& c, const std::string& now,
                                 db::ArticleView article, bool preview);
// The styled page for an error `status` at `path`, with `message` for the reader (the
// status's default message when empty). Works without a database (no tag nav then).
RenderedPage render_error(App& app, const std::string& now, const std::string& path, int status,
                          std::string_view message = {});

// GET /feed.xml (`tag` empty) and /tags/{tag}/feed.xml: the Atom feed of the 20 newest
// public articles, or of those with `tag` (as requested, decoded; a tag with capitals
// redirects to its lowercase address, one without public articles is a 404).
RenderedPage render_feed(App& app, db::Connection& c, const std::string& now,
                         const std::string& tag);
// GET /sitemap.xml: the home page, every public article and every tag page.
RenderedPage render_sitemap(App& app, db::Connection& c, const std::string& now);
// GET /robots.txt: everything but /admin is open; names the sitemap.
RenderedPage render_robots(App& app);

// GET /search?q=…&page=N: the public articles matching `query` (as typed, any bytes),
// best first, kPageSize a page. An empty query gives the page with the search box; a
// page past the last one is a 404. Not exported (a static host cannot search).
RenderedPage render_search(App& app, db::Connection& c, const std::string& now,
                           const std::string& query, int page);

}  // namespace gazette
