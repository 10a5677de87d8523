// The article listings: the home page and tag pages, 20 articles a page.
#include <algorithm>

#include "app/app.h"
#include "handlers/http.h"
#include "handlers/page.h"
#include "handlers/pages.h"

namespace gazette {

using data = TemplateData;

std::string listing_page_url(const std::string& base, int page) {
  if (page <= 1) return base;
  return (base == "/" ? "" : base) + "/page/" + std::to_string(page);
}

namespace {

// One page of a listing. `tag` is empty on the home page. A page past the last one is
// a 404 (page 1 of an empty home page is fine: it says there is nothing yet).
RenderedPage render_listing(App& app, db::Connection& c, const std::string& now,
                            const db::ListPage& list, int page, const std::string& base,
                            const std::string& tag) {
  int pages = static_cast<int>((list.total + kPageSize - 1) / kPageSize);
  std::string path = listing_page_url(base, page);
  if (page > 1 && page > pages) {
    return render_error(app, now, path, 404,
                        "There is no page " + std::to_string(page) + " of this listing; it has " +
                            std::to_string(pages) + (pages == 1 ? " page." : " pages."));
  }
  PageMeta meta;
  meta.path = path;
  meta.is_home = tag.empty() && page == 1;
  if (tag.empty()) {
    meta.title = page == 1 ? "" : "Latest news, page " + std::to_string(page);
    meta.description = std::string(kSiteTagline) + ": the latest articles.";
  } else {
    meta.title = "Articles tagged " + tag + (page == 1 ? "" : ", page " + std::to_string(page));
    meta.description = "Articles about " + tag + ".";
    meta.tag_feed = base + "/feed.xml";
  }
  PageData page_data = public_context(app, c, now, meta);
  data& ctx = page_data.own;

  data listing;
  listing.set("heading", data(tag.empty() ? std::string("Latest news") : tag));
  listing.set("is_tag", data(!tag.empty()));
  listing.set("tag", data(tag));
  listing.set("count", data(std::to_string(list.total)));
  ctx.set("listing", std::move(listing));

  std::vector<data> articles;
  articles.reserve(list.items.size());
  std::size_t first = 0;
  if (tag.empty() && page == 1 && !list.items.empty()) {
    ctx.set("lead", article_context(list.items.front()));
    first = 1;
  }
  for (std::size_t i = first; i < list.items.size(); ++i) {
    articles.push_back(article_context(list.items[i]));
  }
  ctx.set("articles", data(std::move(articles)));
  ctx.set("empty", data(list.items.empty()));

  data pagination;
  pagination.set("page", data(std::to_string(page)));
  pagination.set("pages", data(std::to_string(std::max(pages, 1))));
  pagination.set("show", data(pages > 1));
  pagination.set("has_prev", data(page > 1));
  pagination.set("prev_url", data(listing_page_url(base, page - 1)));
  pagination.set("has_next", data(page < pages));
  pagination.set("next_url", data(listing_page_url(base, page + 1)));
  ctx.set("pagination", std::move(pagination));

  RenderedPage out;
  out.body = app.views.render("home", ctx, page_data.layout.get());
  for (const auto& a : list.items) out.last_modified = std::max(out.last_modified, a.updated_at);
  return out;
}

}  // namespace

RenderedPage render_home(App& app, db::Connection& c, const std::string& now, int page) {
  std::uint64_t generation = app.content_generation();
  std::int64_t stamp = db::content_stamp(c);
  auto list = db::list_public(c, now, kPageSize, (page - 1) * kPageSize,
                              app.counts.find("", generation, stamp));
  app.counts.store("", generation, stamp, list.total);
  return render_listing(app, c, now, list, page, "/", "");
}

RenderedPage render_tag(App& app, db::Connection& c, const std::string& now, const std::string& tag,
                        int page) {
  std::string lower = tag;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  std::string base = "/tags/" + url_encode_segment(lower);
  if (lower != tag) {
    RenderedPage out;
    out.status = 301;
    out.location = listing_page_url(base, page);
    return out;
  }
  std::uint64_t generation = app.content_generation();
  std::int64_t stamp = db::content_stamp(c);
  auto list = db::list_public_by_tag(c, lower, now, kPageSize, (page - 1) * kPageSize,
                                     app.counts.find(lower, generation, stamp));
  app.counts.store(lower, generation, stamp, list.total);
  if (list.total == 0) {
    return render_error(app, now, base, 404, "No published article has the tag \"" + lower + "\".");
  }
  return render_listing(app, c, now, list, page, base, lower);
}

}  // namespace gazette
