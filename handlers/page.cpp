// Template contexts shared by the public pages (see page.h).
#include "handlers/page.h"

#include "app/app.h"
#include "content/dates.h"
#include "content/markdown.h"
#include "handlers/http.h"

namespace gazette {

using kainjow::mustache::data;

data tag_links(const std::vector<std::string>& tags) {
  data list(data::type::list);
  for (const auto& t : tags) {
    data tag;
    tag.set("name", t);
    tag.set("url", "/tags/" + url_encode_segment(t));
    list.push_back(tag);
  }
  return list;
}

data base_context(const App& app, const std::string& now, const PageMeta& meta,
                  const std::vector<db::TagCount>& nav) {
  data site;
  site.set("name", kSiteName);
  site.set("tagline", kSiteTagline);
  site.set("base_url", app.config.base_url);

  data assets;
  assets.set("css", app.assets.url_of("style.css"));
  assets.set("icon", app.assets.url_of("favicon.svg"));

  data page;
  page.set("title", meta.title.empty() ? std::string(kSiteName) : meta.title + " | " + kSiteName);
  page.set("description", meta.description);
  page.set("canonical", app.config.base_url + meta.path);
  page.set("og_type", meta.og_type);
  page.set("noindex", meta.noindex);
  page.set("is_home", meta.is_home);
  page.set("tag_feed", meta.tag_feed);

  std::vector<std::string> names;
  for (const auto& t : nav) names.push_back(t.tag);

  data ctx;
  ctx.set("site", site);
  ctx.set("assets", assets);
  ctx.set("page", page);
  ctx.set("nav_tags", tag_links(names));
  ctx.set("year", now.substr(0, 4));
  return ctx;
}

data base_context(App& app, db::Connection& c, const std::string& now, const PageMeta& meta) {
  return base_context(app, now, meta, app.nav.get(c, now, app.content_generation()));
}

data article_context(const db::ArticleSummary& a) {
  data out;
  out.set("url", "/articles/" + a.slug);
  out.set("slug", a.slug);
  out.set("title", a.title);
  out.set("summary", a.summary);
  out.set("author", a.author);
  out.set("date_iso", a.published_at);
  out.set("date_human", human_date(a.published_at));
  out.set("updated_iso", a.updated_at);
  out.set("reading_minutes", std::to_string(reading_minutes(a.word_count)));
  out.set("tags", tag_links(a.tags));
  out.set("has_tags", !a.tags.empty());
  return out;
}

}  // namespace gazette
