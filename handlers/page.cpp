// Template contexts shared by the public pages (see page.h).
#include "handlers/page.h"

#include "app/app.h"
#include "content/dates.h"
#include "content/markdown.h"
#include "handlers/http.h"

namespace gazette {

using data = TemplateData;

data tag_links(const std::vector<std::string>& tags) {
  std::vector<data> items;
  items.reserve(tags.size());
  for (const auto& t : tags) {
    data& tag = items.emplace_back();
    tag.set("name", data(t));
    tag.set("url", data("/tags/" + url_encode_segment(t)));
  }
  return data(std::move(items));
}

data layout_context(const App& app, const std::string& now, const std::vector<db::TagCount>& nav) {
  data site;
  site.set("name", data(kSiteName));
  site.set("tagline", data(kSiteTagline));
  site.set("base_url", data(app.config.base_url));

  data assets;
  assets.set("css", data(app.assets.url_of("style.css")));
  assets.set("icon", data(app.assets.url_of("favicon.svg")));

  std::vector<std::string> names;
  names.reserve(nav.size());
  for (const auto& t : nav) names.push_back(t.tag);

  data ctx;
  ctx.set("site", std::move(site));
  ctx.set("assets", std::move(assets));
  ctx.set("nav_tags", tag_links(names));
  ctx.set("year", data(now.substr(0, 4)));
  return ctx;
}

namespace {

// What a page says about itself: the `page` object of the context.
data page_entry(const App& app, const PageMeta& meta) {
  data page;
  page.set("title",
           data(meta.title.empty() ? std::string(kSiteName) : meta.title + " | " + kSiteName));
  page.set("description", data(meta.description));
  page.set("canonical", data(app.config.base_url + meta.path));
  page.set("og_type", data(meta.og_type));
  page.set("noindex", data(meta.noindex));
  page.set("is_home", data(meta.is_home));
  page.set("tag_feed", data(meta.tag_feed));
  return page;
}

}  // namespace

data base_context(const App& app, const std::string& now, const PageMeta& meta,
                  const std::vector<db::TagCount>& nav) {
  data ctx = layout_context(app, now, nav);
  ctx.set("page", page_entry(app, meta));
  return ctx;
}

PageData public_context(App& app, db::Connection& c, const std::string& now, const PageMeta& meta) {
  PageData out;
  out.own.set("page", page_entry(app, meta));
  std::uint64_t generation = app.content_generation();
  out.layout = app.layout.get(generation, std::string_view(now).substr(0, 4), [&] {
    return layout_context(app, now, app.nav.get(c, now, generation));
  });
  return out;
}

data article_context(const db::ArticleSummary& a) {
  data out;
  out.set("url", data("/articles/" + a.slug));
  out.set("slug", data(a.slug));
  out.set("title", data(a.title));
  out.set("summary", data(a.summary));
  out.set("author", data(a.author));
  out.set("date_iso", data(a.published_at));
  out.set("date_human", data(human_date(a.published_at)));
  out.set("updated_iso", data(a.updated_at));
  out.set("reading_minutes", data(std::to_string(reading_minutes(a.word_count))));
  out.set("tags", tag_links(a.tags));
  out.set("has_tags", data(!a.tags.empty()));
  return out;
}

}  // namespace gazette
