// GET /sitemap.xml — the sitemaps.org 0.9 sitemap: the home page, every public article
// and every tag page with public articles, each with the absolute URL (from --base-url)
// and its lastmod. GET /robots.txt — allows every crawler everywhere but /admin and names
// the sitemap.
#include <algorithm>

#include "app/app.h"
#include "content/xml.h"
#include "db/feeds.h"
#include "handlers/handlers.h"
#include "handlers/http.h"
#include "handlers/pages.h"

namespace gazette {

namespace {

// The most URLs one sitemap file may hold (sitemaps.org); search engines reject a larger
// file whole. The newest articles are kept when there are more: a sitemap index over
// several files is the way past this, and would need routes of its own.
constexpr int kMaxSitemapUrls = 50000;

void append_url(std::string& out, const std::string& loc, std::string_view lastmod) {
  out += "  <url>\n    <loc>";
  append_xml_escaped(out, loc);
  out += "</loc>\n";
  if (!lastmod.empty()) {
    out += "    <lastmod>";
    append_xml_escaped(out, lastmod);
    out += "</lastmod>\n";
  }
  out += "  </url>\n";
}

}  // namespace

RenderedPage render_sitemap(App& app, db::Connection& c, const std::string& now) {
  auto articles = db::public_article_dates(c, now, kMaxSitemapUrls - 1);
  auto tags = db::public_tag_dates(c, now);
  const std::size_t room = static_cast<std::size_t>(kMaxSitemapUrls - 1) - articles.size();
  if (tags.size() > room) tags.resize(room);

  // The home page lists the newest articles: it changed when the latest of them did.
  std::string newest;
  for (const auto& a : articles) newest = std::max(newest, a.updated_at);

  const std::string& base = app.config.base_url;
  std::string out;
  out.reserve(128 + (articles.size() + tags.size()) * (base.size() + 96));
  out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  append_url(out, base + "/", newest);
  for (const auto& a : articles) append_url(out, base + "/articles/" + a.key, a.updated_at);
  for (const auto& t : tags) {
    append_url(out, base + "/tags/" + url_encode_segment(t.key), t.updated_at);
  }
  out += "</urlset>\n";

  RenderedPage page;
  page.body = std::move(out);
  page.content_type = "application/xml; charset=utf-8";
  page.last_modified = newest;
  return page;
}

RenderedPage render_robots(App& app) {
  RenderedPage page;
  // Disallow before Allow: crawlers that take the first matching rule (the 1994
  // convention, Python's robotparser) and those that take the longest (RFC 9309) then
  // agree that /admin is off limits and everything else is open.
  page.body = "User-agent: *\nDisallow: /admin\nAllow: /\n\nSitemap: " + app.config.base_url +
              "/sitemap.xml\n";
  page.content_type = "text/plain; charset=utf-8";
  return page;
}

void sitemap(App& app, const httplib::Request& /*req*/, httplib::Response& res) {
  std::string now = app.now();
  auto c = app.pool.acquire();
  db::ReadTransaction snapshot(*c);  // one state of the site for the whole page
  send_rendered(res, render_sitemap(app, *c, now));
}

void robots(App& app, const httplib::Request& /*req*/, httplib::Response& res) {
  send_rendered(res, render_robots(app));
}

}  // namespace gazette
