// GET /articles/{slug} — one public article: the <article> with title, dek, byline,
// date, tags, reading time and body; the related sidebar (stored list, pins first, one
// indexed query); canonical, OpenGraph and NewsArticle JSON-LD. 404 for an unknown,
// draft or scheduled slug.
#include "app/app.h"
#include "content/dates.h"
#include "content/json.h"
#include "content/slug.h"
#include "handlers/handlers.h"
#include "handlers/http.h"
#include "handlers/page.h"
#include "handlers/pages.h"

namespace gazette {

using data = TemplateData;

namespace {

constexpr int kSidebarSize = 5;

// The NewsArticle JSON-LD object; every string goes through append_json_quoted, so it stays
// valid JSON and cannot end the <script> element whatever the article contains.
std::string news_article_jsonld(const App& app, const db::ArticleView& a) {
  std::string url = app.config.base_url + "/articles/" + a.slug;
  std::string out;
  out.reserve(512);
  // Appends only: GCC 12 misreports "literal + std::string&&" chains under -O3 (-Wrestrict).
  auto field = [&out](const char* name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":";
    append_json_quoted(out, value);
  };
  out += "{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\"";
  field("headline", a.title);
  field("description", a.summary);
  field("datePublished", a.published_at);
  field("dateModified", a.updated_at);
  out += ",\"author\":{\"@type\":\"Person\",\"name\":";
  append_json_quoted(out, a.author);
  out += "},\"keywords\":[";
  for (std::size_t i = 0; i < a.tags.size(); ++i) {
    if (i) out += ',';
    append_json_quoted(out, a.tags[i]);
  }
  out += ']';
  field("url", url);
  field("mainEntityOfPage", url);
  out += ",\"publisher\":{\"@type\":\"Organization\",\"name\":";
  append_json_quoted(out, kSiteName);
  out += "}}";
  return out;
}

}  // namespace

RenderedPage render_article(App& app, db::Connection& c, const std::string& now,
                            const std::string& slug) {
  std::string path = "/articles/" + slug;
  if (!is_valid_slug(slug)) return render_error(app, now, path, 404);
  auto article = db::find_public(c, slug, now);
  if (!article) return render_error(app, now, path, 404);
  return render_article_page(app, c, now, std::move(*article), false);
}

RenderedPage render_article_page(App& app, db::Connection& c, const std::string& now,
                                 db::ArticleView article, bool preview) {
  auto related = db::related_public(c, article.id, now, kSidebarSize);

  PageMeta meta;
  meta.title = article.title;
  meta.description = article.summary;
  meta.path = "/articles/" + article.slug;
  meta.og_type = "article";
  meta.noindex = preview;
  PageData page_data = public_context(app, c, now, meta);
  data& ctx = page_data.own;

  data view = article_context(article);
  view.set("body_html", data(std::move(article.body_html)));
  ctx.set("article", std::move(view));

  std::vector<data> items;
  items.reserve(related.size());
  for (const auto& r : related) {
    data& item = items.emplace_back();
    item.set("url", data("/articles/" + r.slug));
    item.set("title", data(r.title));
    item.set("summary", data(r.summary));
  }
  ctx.set("related", data(std::move(items)));
  ctx.set("has_related", data(!related.empty()));
  ctx.set("jsonld", data(news_article_jsonld(app, article)));
  ctx.set("preview", data(preview));
  if (preview) {
    std::string note;
    if (article.status != "published") {
      note = "This draft is not published.";
    } else if (article.published_at > now) {
      note = "This article is scheduled for " + human_date(article.published_at) + " (" +
             article.published_at + ").";
    } else {
      note = "This article is published; this is how it looks.";
    }
    ctx.set("preview_note", data(std::move(note)));
  }

  RenderedPage out;
  out.body = app.views.render("article", ctx, page_data.layout.get());
  out.last_modified = article.updated_at;
  return out;
}

void article_page(App& app, const httplib::Request& req, httplib::Response& res) {
  std::string now = app.now();
  auto c = app.pool.acquire();
  db::ReadTransaction snapshot(*c);  // one state of the site for the whole page
  send_rendered(res, render_article(app, *c, now, req.matches[1]));
}

}  // namespace gazette
