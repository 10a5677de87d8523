// Template contexts shared by the public pages (views/README.md documents every name).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "db/articles.h"
#include "views/template_data.h"

namespace gazette {

struct App;

// What a page says about itself in <head>.
struct PageMeta {
  std::string title;  // without the site name; "" for the home page
  std::string description;
  std::string path;  // for the canonical URL, e.g. "/articles/slug"
  std::string og_type = "website";
  bool noindex = false;
  bool is_home = false;
  std::string tag_feed;  // a tag page's own Atom feed, for autodiscovery
};

inline constexpr const char* kSiteName = "Gazette";
inline constexpr const char* kSiteTagline = "Independent news, clearly told";

// The context every page has: site, assets, page, nav_tags, year.
TemplateData base_context(const App& app, const std::string& now, const PageMeta& meta,
                          const std::vector<db::TagCount>& nav);

// What the layout shows alike on every page: site, assets, nav_tags, year.
TemplateData layout_context(const App& app, const std::string& now,
                            const std::vector<db::TagCount>& nav);

// A public page's template data: its own (`page`, then whatever the handler adds), over
// the layout's, shared by every page of the content generation (App::layout). Render
// with app.views.render(name, own, layout.get()).
struct PageData {
  TemplateData own;
  std::shared_ptr<const TemplateData> layout;
};

// base_context as PageData, the navigation's tags read through the App's cache.
PageData public_context(App& app, db::Connection& c, const std::string& now, const PageMeta& meta);

// An article as the listings and the article page show it (url, title, summary, author,
// date_iso, date_human, reading_minutes, tags, has_tags).
TemplateData article_context(const db::ArticleSummary& a);

// The tag list of an article or the nav ({name, url} each).
TemplateData tag_links(const std::vector<std::string>& tags);

}  // namespace gazette
