// GET /feed.xml and /tags/{tag}/feed.xml — Atom 1.0 (RFC 4287) feeds of the 20 newest
// public articles, all of them or those with one tag: per entry the title, the article
// URL as link and id, published and updated dates, author, tags as categories, the
// summary and the full body as escaped HTML. Tags are stored lowercase, so
// /tags/Economy/feed.xml redirects (301) to /tags/economy/feed.xml; a tag with no public
// article is a 404. Every text goes through xml_escape, so the feed is well-formed XML
// whatever an article contains.
#include <algorithm>

#include "app/app.h"
#include "app/version.h"
#include "content/xml.h"
#include "db/feeds.h"
#include "handlers/handlers.h"
#include "handlers/http.h"
#include "handlers/page.h"
#include "handlers/pages.h"

namespace gazette {

namespace {

constexpr int kFeedEntries = 20;

// Appends <name>text</name> on a line of its own, `text` escaped.
void element(std::string& out, const char* indent, const char* name, std::string_view text,
             std::string_view attributes = {}) {
  out += indent;
  out += '<';
  out += name;
  out += attributes;
  out += '>';
  append_xml_escaped(out, text);
  out += "</";
  out += name;
  out += ">\n";
}

// Appends <name attr="value"/> with one escaped attribute.
void empty_element(std::string& out, const char* indent, std::string_view name,
                   std::string_view fixed_attributes, std::string_view attr,
                   std::string_view value) {
  out += indent;
  out += '<';
  out += name;
  out += fixed_attributes;
  out += ' ';
  out += attr;
  out += "=\"";
  append_xml_escaped(out, value);
  out += "\"/>\n";
}

void append_entry(std::string& out, const std::string& base_url, const db::ArticleView& a) {
  // The article's URL is its id: the slug is the article's identity in the store (writes
  // upsert by slug), so the id stays the same across edits.
  const std::string url = base_url + "/articles/" + a.slug;
  out += "  <entry>\n";
  element(out, "    ", "id", url);
  element(out, "    ", "title", a.title, " type=\"text\"");
  empty_element(out, "    ", "link", " rel=\"alternate\" type=\"text/html\"", "href", url);
  element(out, "    ", "published", a.published_at);
  element(out, "    ", "updated", a.updated_at);
  // Without a byline the entry inherits the feed's author (the site), as RFC 4287 allows.
  if (!xml_escape(a.author).empty()) {
    out += "    <author>\n";
    element(out, "      ", "name", a.author);
    out += "    </author>\n";
  }
  for (const auto& tag : a.tags) empty_element(out, "    ", "category", "", "term", tag);
  if (!a.summary.empty()) element(out, "    ", "summary", a.summary, " type=\"text\"");
  // The HTML as text (escaped), not as CDATA: a CDATA section cannot hold "]]>", and
  // escaping needs no special case.
  element(out, "    ", "content", a.body_html, " type=\"html\"");
  out += "  </entry>\n";
}

std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

}  // namespace

RenderedPage render_feed(App& app, db::Connection& c, const std::string& now,
                         const std::string& tag) {
  const std::string lower = ascii_lower(tag);
  const std::string page_path = tag.empty() ? "/" : "/tags/" + url_encode_segment(lower);
  const std::string feed_path = (tag.empty() ? "" : page_path) + "/feed.xml";
  if (lower != tag) {
    RenderedPage out;
    out.status = 301;
    out.location = feed_path;
    return out;
  }
  auto entries = db::latest_public_full(c, now, tag, kFeedEntries);
  if (!tag.empty() && entries.empty()) {
    return render_error(app, now, feed_path, 404,
                        "No published article has the tag \"" + tag + "\".");
  }

  const std::string& base = app.config.base_url;
  std::string updated;
  for (const auto& a : entries) updated = std::max(updated, a.updated_at);

  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\" xml:base=\"";
  // Relative links in article bodies ("/articles/other") resolve against the site.
  append_xml_escaped(out, base + "/");
  out += "\">\n";
  element(out, "  ", "id", base + feed_path);
  element(out, "  ", "title",
          tag.empty() ? std::string(kSiteName) : "Articles tagged " + tag + " | " + kSiteName,
          " type=\"text\"");
  element(out, "  ", "subtitle", kSiteTagline, " type=\"text\"");
  element(out, "  ", "updated", updated.empty() ? now : updated);
  empty_element(out, "  ", "link", " rel=\"self\" type=\"application/atom+xml\"", "href",
                base + feed_path);
  empty_element(out, "  ", "link", " rel=\"alternate\" type=\"text/html\"", "href",
                base + page_path);
  // RFC 4287 wants an author on the feed unless every entry has one.
  out += "  <author>\n";
  element(out, "    ", "name", kSiteName);
  out += "  </author>\n";
  element(out, "  ", "generator", kSiteName, " version=\"" + xml_escape(kVersion) + "\"");
  for (const auto& a : entries) append_entry(out, base, a);
  out += "</feed>\n";

  RenderedPage page;
  page.body = std::move(out);
  page.content_type = "application/atom+xml; charset=utf-8";
  page.last_modified = updated;
  return page;
}

void feed(App& app, const httplib::Request& /*req*/, httplib::Response& res) {
  std::string now = app.now();
  auto c = app.pool.acquire();
  db::ReadTransaction snapshot(*c);  // one state of the site for the whole page
  send_rendered(res, render_feed(app, *c, now, ""));
}

void tag_feed(App& app, const httplib::Request& req, httplib::Response& res) {
  std::string now = app.now();
  auto c = app.pool.acquire();
  db::ReadTransaction snapshot(*c);  // one state of the site for the whole page
  send_rendered(res, render_feed(app, *c, now, req.matches[1]));
}

}  // namespace gazette
