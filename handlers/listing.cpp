// Article listings (see listing.h).
#include "handlers/listing.h"

#include <charconv>

#include "app/app.h"
#include "handlers/http.h"
#include "handlers/page.h"

namespace gazette {

using kainjow::mustache::data;

std::optional<int> requested_page(const httplib::Request& req) {
  if (!req.has_param("page")) return 1;
  std::string text = req.get_param_value("page");
  int page = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), page);
  if (ec != std::errc() || end != text.data() + text.size() || page < 1) return std::nullopt;
  return page;
}

namespace {

std::string page_url(const std::string& base_path, int page) {
  return page == 1 ? base_path : base_path + "?page=" + std::to_string(page);
}

}  // namespace

void send_listing(App& app, db::Connection& c, const httplib::Request& req, httplib::Response& res,
                  const std::string& now, const db::ListPage& list, int page,
                  const std::string& base_path, const std::string& tag) {
  int pages = static_cast<int>((list.total + kPageSize - 1) / kPageSize);
  if (page > 1 && page > pages) {
    send_error_page(app, req, res, 404,
                    "There is no page " + std::to_string(page) + " of this listing; it has " +
                        std::to_string(pages) + (pages == 1 ? " page." : " pages."));
    return;
  }
  PageMeta meta;
  meta.path = page_url(base_path, page);
  meta.is_home = tag.empty() && page == 1;
  if (tag.empty()) {
    meta.title = page == 1 ? "" : "Latest news, page " + std::to_string(page);
    meta.description = std::string(kSiteTagline) + ": the latest articles.";
  } else {
    meta.title = "Articles tagged " + tag + (page == 1 ? "" : ", page " + std::to_string(page));
    meta.description = "Articles about " + tag + ".";
  }
  data ctx = base_context(app, c, now, meta);

  data listing;
  listing.set("heading", tag.empty() ? std::string("Latest news") : tag);
  listing.set("is_tag", !tag.empty());
  listing.set("tag", tag);
  listing.set("count", std::to_string(list.total));
  ctx.set("listing", listing);

  data articles(data::type::list);
  std::size_t first = 0;
  if (tag.empty() && page == 1 && !list.items.empty()) {
    ctx.set("lead", article_context(list.items.front()));
    first = 1;
  }
  for (std::size_t i = first; i < list.items.size(); ++i) {
    articles.push_back(article_context(list.items[i]));
  }
  ctx.set("articles", articles);
  ctx.set("empty", list.items.empty());

  data pagination;
  pagination.set("page", std::to_string(page));
  pagination.set("pages", std::to_string(std::max(pages, 1)));
  pagination.set("show", pages > 1);
  pagination.set("has_prev", page > 1);
  pagination.set("prev_url", page_url(base_path, page - 1));
  pagination.set("has_next", page < pages);
  pagination.set("next_url", page_url(base_path, page + 1));
  ctx.set("pagination", pagination);

  std::string last_modified;
  for (const auto& a : list.items) last_modified = std::max(last_modified, a.updated_at);
  send_cached(req, res, app.views.render("home", ctx), "text/html; charset=utf-8",
              Caching::public_page, last_modified);
}

}  // namespace gazette
