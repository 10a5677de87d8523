// GET /api/articles/{slug} — one public article as JSON: slug, url, title, summary,
// author, tags, status, published_at, updated_at, word_count, body_html, and `related`,
// the sidebar's list ([{"slug","title","summary","score"}], pins first with score 1,
// public entries only, at most 5). 404 {"error":"not found"} for an unknown, draft or
// scheduled slug. Public caching like the pages (ETag, max-age, Last-Modified), through
// the page cache.
#include <cstdio>

#include "app/app.h"
#include "content/json.h"
#include "content/slug.h"
#include "handlers/handlers.h"
#include "handlers/http.h"

namespace gazette {

namespace {

constexpr int kRelatedSize = 5;

void field(std::string& out, const char* name, std::string_view value) {
  out += '"';
  out += name;
  out += "\":";
  out += json_quote(value);
  out += ',';
}

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace

void api_article(App& app, const httplib::Request& req, httplib::Response& res) {
  std::string now = app.now();
  const std::string slug = req.matches[1];
  auto c = app.pool.acquire();
  std::optional<db::ArticleView> a;
  if (is_valid_slug(slug)) a = db::find_public(*c, slug, now);
  if (!a) {
    res.status = 404;
    res.set_header("Cache-Control", "no-store");
    res.set_content("{\"error\":\"not found\"}", "application/json");
    return;
  }
  auto related = db::related_public(*c, a->id, now, kRelatedSize);
  std::string out = "{";
  field(out, "slug", a->slug);
  field(out, "url", app.config.base_url + "/articles/" + a->slug);
  field(out, "title", a->title);
  field(out, "summary", a->summary);
  field(out, "author", a->author);
  out += "\"tags\":[";
  for (std::size_t i = 0; i < a->tags.size(); ++i) {
    if (i) out += ',';
    out += json_quote(a->tags[i]);
  }
  out += "],";
  field(out, "status", a->status);
  field(out, "published_at", a->published_at);
  field(out, "updated_at", a->updated_at);
  out += "\"word_count\":" + std::to_string(a->word_count) + ",";
  field(out, "body_html", a->body_html);
  out += "\"related\":[";
  for (std::size_t i = 0; i < related.size(); ++i) {
    const auto& r = related[i];
    if (i) out += ',';
    out += '{';
    field(out, "slug", r.slug);
    field(out, "title", r.title);
    field(out, "summary", r.summary);
    out += "\"score\":" + number(r.score) + "}";
  }
  out += "]}";
  send_cached(res, std::move(out), "application/json", Caching::public_page, a->updated_at);
}

}  // namespace gazette
