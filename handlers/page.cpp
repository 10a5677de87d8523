// Template contexts shared by the public pages (see page.h).
#include "handlers/page.h"

#include "app/app.h"
#include "content/dates.h"
#include "content/markdown.h"
#include "handlers/http.h"

namespace gazette {

using data = TemplateData;

void put(data& object, std::string name, data&& value) {
  object.set(std::move(name), std::move(value));
}

data list_of(std::vector<data>&& items) {
  return data(std::move(items));
}

data tag_links(const std::vector<std::string>& tags) {
  std::vector<data> items;
  items.reserve(tags.size());
  for (const auto& t : tags) {
    data& tag = items.emplace_back();
    put(tag, "name", data(t));
    put(tag, "url", data("/tags/" + url_encode_segment(t)));
  }
  return list_of(std::move(items));
}

data layout_context(const App& app, const std::string& now, const std::vector<db::TagCount>& nav) {
  data site;
  put(site, "name", data(kSiteName));
  put(site, "tagline", data(kSiteTagline));
  put(site, "base_url", data(app.config.base_url));

  data assets;
  put(assets, "css", data(app.assets.url_of("style.css")));
  put(assets, "icon", data(app.assets.url_of("favicon.svg")));

  std::vector<std::string> names;
  names.reserve(nav.size());
  for (const auto& t : nav) names.push_back(t.tag);

  data ctx;
  put(ctx, "site", std::move(site));
  put(ctx, "assets", std::move(assets));
  put(ctx, "nav_tags", tag_links(names));
  put(ctx, "year", data(now.substr(0, 4)));
  return ctx;
}

namespace {

// What a page says about itself: the `page` object of the context.
data page_entry(const App& app, const PageMeta& meta) {
  data page;
  put(page, "title",
      data(meta.title.empty() ? std::string(kSiteName) : meta.title + " | " + kSiteName));
  put(page, "description", data(meta.description));
  put(page, "canonical", data(app.config.base_url + meta.path));
  put(page, "og_type", data(meta.og_type));
  put(page, "noindex", data(meta.noindex));
  put(page, "is_home", data(meta.is_home));
  put(page, "tag_feed", data(meta.tag_feed));
  return page;
}

}  // namespace

data base_context(const App& app, const std::string& now, const PageMeta& meta,
                  const std::vector<db::TagCount>& nav) {
  data ctx = layout_context(app, now, nav);
  put(ctx, "page", page_entry(app, meta));
  return ctx;
}

PageData public_context(App& app, db::Connection& c, const std::string& now, const PageMeta& meta) {
  PageData out;
  put(out.own, "page", page_entry(app, meta));
  std::uint64_t generation = app.content_generation();
  out.layout = app.layout.get(generation, std::string_view(now).substr(0, 4), [&] {
    return layout_context(app, now, app.nav.get(c, now, generation));
  });
  return out;
}

data article_context(const db::ArticleSummary& a) {
  data out;
  put(out, "url", data("/articles/" + a.slug));
  put(out, "slug", data(a.slug));
  put(out, "title", data(a.title));
  put(out, "summary", data(a.summary));
  put(out, "author", data(a.author));
  put(out, "date_iso", data(a.published_at));
  put(out, "date_human", data(human_date(a.published_at)));
  put(out, "updated_iso", data(a.updated_at));
  put(out, "reading_minutes", data(std::to_string(reading_minutes(a.word_count))));
  put(out, "tags", tag_links(a.tags));
  put(out, "has_tags", data(!a.tags.empty()));
  return out;
}

}  // namespace gazette
