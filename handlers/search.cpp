// GET /search?q=…&page=N — full-text search over the public articles: how many match,
// then 20 a page, best first (bm25: title, then tags, dek and body), each with its
// title link, date, dek and an excerpt of the body with the matches marked. An empty
// query shows the search box and asks for words; a query that finds nothing says so.
// What the reader typed never reaches FTS5 as syntax (content/search_query.h). Result
// pages are cached a minute like the listings, and marked noindex.
#include <algorithm>
#include <limits>

#include "app/app.h"
#include "content/search_query.h"
#include "db/search.h"
#include "handlers/handlers.h"
#include "handlers/http.h"
#include "handlers/page.h"
#include "handlers/pages.h"

namespace gazette {

using data = TemplateData;

namespace {

// The address of page `page` of the results for `text` (SearchQuery::text).
std::string search_url(const std::string& text, int page) {
  std::string url = "/search";
  if (!text.empty()) url += "?q=" + url_encode_segment(text);
  if (page > 1) url += (text.empty() ? "?page=" : "&page=") + std::to_string(page);
  return url;
}

}  // namespace

RenderedPage render_search(App& app, db::Connection& c, const std::string& now,
                           const std::string& query, int page) {
  SearchQuery q = parse_search_query(query);
  std::string path = search_url(q.text, page);
  // A page whose offset an int cannot hold is past the end of any result list.
  if (page > std::numeric_limits<int>::max() / kPageSize) {
    return render_error(app, now, path, 404, "There is no such page of these search results.");
  }
  db::SearchResults results;
  if (!q.match.empty()) {
    results = db::search_public(c, q.match, now, kPageSize, (page - 1) * kPageSize);
  }
  int pages = static_cast<int>((results.total + kPageSize - 1) / kPageSize);
  if (page > 1 && page > pages) {
    std::string there = pages == 0   ? "nothing matches."
                        : pages == 1 ? "there is 1 page."
                                     : "there are " + std::to_string(pages) + " pages.";
    return render_error(
        app, now, path, 404,
        "There is no page " + std::to_string(page) + " of these search results; " + there);
  }

  PageMeta meta;
  meta.path = path;
  meta.noindex = true;  // endless, thin pages: not for search engines
  if (q.text.empty()) {
    meta.title = "Search";
    meta.description = "Search the articles of " + std::string(kSiteName) + ".";
  } else {
    meta.title = "Search: " + q.text + (page == 1 ? "" : ", page " + std::to_string(page));
    meta.description = "Articles matching \"" + q.text + "\".";
  }
  PageData page_data = public_context(app, c, now, meta);
  data& ctx = page_data.own;

  data search;
  search.set("query", q.text);
  search.set("has_query", !q.text.empty());
  search.set("count", std::to_string(results.total));
  search.set("count_label", results.total == 1 ? std::string("1 result")
                                               : std::to_string(results.total) + " results");
  // Something typed that matches nothing (or holds no word at all, only punctuation).
  search.set("none", !q.text.empty() && results.total == 0);
  ctx.set("search", search);

  data list(data::type::list);
  RenderedPage out;
  for (const auto& hit : results.items) {
    data item = article_context(hit);
    item.set("snippet_html", snippet_html(hit.snippet));
    list.push_back(item);
    out.last_modified = std::max(out.last_modified, hit.updated_at);
  }
  ctx.set("results", list);

  data pagination;
  pagination.set("page", std::to_string(page));
  pagination.set("pages", std::to_string(std::max(pages, 1)));
  pagination.set("show", pages > 1);
  pagination.set("has_prev", page > 1);
  pagination.set("prev_url", search_url(q.text, page - 1));
  pagination.set("has_next", page < pages);
  pagination.set("next_url", search_url(q.text, page + 1));
  ctx.set("pagination", pagination);

  out.body = app.views.render("search", ctx, page_data.layout.get());
  return out;
}

void search_page(App& app, const httplib::Request& req, httplib::Response& res) {
  auto page = requested_page(req, 1);
  if (!page) {
    send_rendered(res, render_error(app, app.now(), req.path, 400, kBadPageMessage));
    return;
  }
  std::string now = app.now();
  auto c = app.pool.acquire();
  db::ReadTransaction snapshot(*c);  // one state of the site for the whole page
  send_rendered(res, render_search(app, *c, now, req.get_param_value("q"), *page));
}

}  // namespace gazette
