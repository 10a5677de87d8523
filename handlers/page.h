// Template contexts shared by the public pages (views/README.md documents every name).
#pragma once

#include <kainjow/mustache.hpp>

#include <memory>
#include <string>
#include <vector>

#include "db/articles.h"

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
kainjow::mustache::data base_context(const App& app, const std::string& now, const PageMeta& meta,
                                     const std::vector<db::TagCount>& nav);

// What the layout shows alike on every page: site, assets, nav_tags, year.
kainjow::mustache::data layout_context(const App& app, const std::string& now,
                                       const std::vector<db::TagCount>& nav);

// A public page's template data: its own (`page`, then whatever the handler adds), over
// the layout's, shared by every page of the content generation (App::layout). Render
// with app.views.render(name, own, layout.get()).
struct PageData {
  kainjow::mustache::data own;
  std::shared_ptr<const kainjow::mustache::data> layout;
};

// base_context as PageData, the navigation's tags read through the App's cache.
PageData public_context(App& app, db::Connection& c, const std::string& now, const PageMeta& meta);

// An article as the listings and the article page show it (url, title, summary, author,
// date_iso, date_human, reading_minutes, tags, has_tags).
kainjow::mustache::data article_context(const db::ArticleSummary& a);

// The tag list of an article or the nav ({name, url} each).
kainjow::mustache::data tag_links(const std::vector<std::string>& tags);

// kainjow's data::set() and push_back() take their value by const reference and copy it
// deeply (a list of twenty cards, an article's body), and its list grows by copying
// every element (its move constructor is not noexcept); building a page's context that
// way copied most of it several times. These move values in instead. `object` must be
// an object.
void put(kainjow::mustache::data& object, const std::string& name, kainjow::mustache::data&& value);
// A list data holding `items`, moved in.
kainjow::mustache::data list_of(std::vector<kainjow::mustache::data>&& items);

}  // namespace gazette
