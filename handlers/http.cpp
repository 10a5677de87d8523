// Response helpers (see http.h).
#include "handlers/http.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "app/app.h"
#include "content/dates.h"
#include "handlers/page.h"
#include "handlers/page_cache.h"
#include "handlers/pages.h"
#include "views/assets.h"

namespace gazette {

namespace {

const char* cache_control(Caching caching) {
  switch (caching) {
    case Caching::public_page:
      return "public, max-age=60";
    case Caching::immutable:
      return "public, max-age=31536000, immutable";
    case Caching::no_store:
      break;
  }
  return "no-store";
}

struct ErrorText {
  const char* heading;
  const char* message;
};

ErrorText error_text(int status) {
  switch (status) {
    case 400:
      return {"Bad request", "The request could not be understood."};
    case 403:
      return {"Forbidden", "You are not allowed to do that."};
    case 404:
      return {"Page not found",
              "There is no page at this address. It may have moved, or it was never published."};
    case 405:
      return {"Method not allowed", "This address does not accept that kind of request."};
    case 408:
      return {"Request timed out", "The request did not arrive in time. Please try again."};
    case 413:
      return {"Request too large", "The request is larger than this site accepts."};
    case 415:
      return {"Unsupported request encoding",
              "This site does not accept compressed or otherwise encoded request bodies."};
    case 429:
      return {"Too many requests", "Too many attempts. Please wait a while and try again."};
    case 431:
      return {"Request headers too large",
              "The request's headers are larger than this site accepts."};
    case 501:
      return {"Not supported", "This site does not support that kind of request."};
    case 414:
      return {"Address too long", "The address of the request is longer than this site accepts."};
    case 503:
      return {"Temporarily unavailable",
              "The site cannot answer right now. Please try again in a moment."};
    default:
      if (status >= 500) {
        return {"Something went wrong",
                "The page could not be shown because of an error on our side. It has been "
                "logged; please try again later."};
      }
      return {"Request not accepted", "The request could not be completed."};
  }
}

}  // namespace

bool etag_matches_any(const httplib::Request& req, std::initializer_list<std::string_view> etags) {
  return req.has_header("If-None-Match") &&
         etag_matches_any(req.get_header_value("If-None-Match"), etags);
}

bool etag_matches_any(std::string_view if_none_match,
                      std::initializer_list<std::string_view> etags) {
  std::string_view rest = if_none_match;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);  // If-None-Match compares weakly
    for (std::string_view etag : etags) {
      if (item == etag) return true;
    }
  }
  return false;
}

void send_cached(httplib::Response& res, std::string body, const char* content_type,
                 Caching caching, std::string_view last_modified, std::string etag) {
  if (etag.empty()) etag = "\"" + content_hash(body) + "\"";
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", cache_control(caching));
  if (!last_modified.empty()) {
    if (auto date = http_date(last_modified); !date.empty()) res.set_header("Last-Modified", date);
  }
  res.status = 200;
  res.set_content(std::move(body), content_type);
}

std::string url_encode_segment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

std::shared_ptr<const CachedPage> cached_page_of(RenderedPage page, std::string cache_control,
                                                 bool kept) {
  std::string etag = "\"" + content_hash(page.body) + "\"";
  std::string last_modified = page.last_modified.empty() ? "" : http_date(page.last_modified);
  return std::make_shared<const CachedPage>(std::move(page.body), std::move(page.content_type),
                                            std::move(etag), std::move(cache_control),
                                            std::move(last_modified), kept);
}

void send_rendered(httplib::Response& res, RenderedPage page) {
  if (page.status == 200) {
    send_cached(res, std::move(page.body), page.content_type.c_str(), Caching::public_page,
                page.last_modified);
    return;
  }
  if (page.status == 301 || page.status == 302 || page.status == 303) {
    res.set_redirect(page.location, page.status);
    return;
  }
  res.status = page.status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(std::move(page.body), page.content_type);
}

void send_error_page(App& app, const httplib::Request& req, httplib::Response& res, int status,
                     std::string_view message) {
  send_rendered(res, render_error(app, app.now(), req.path, status, message));
}

std::optional<int> requested_page(const httplib::Request& req, std::size_t match_index) {
  std::string text;
  if (req.matches.size() > match_index) {
    text = req.matches[match_index];
  } else if (req.has_param("page")) {
    text = req.get_param_value("page");
  } else {
    return 1;
  }
  int page = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), page);
  if (ec != std::errc() || end != text.data() + text.size() || page < 1) return std::nullopt;
  return page;
}

RenderedPage render_error(App& app, const std::string& now, const std::string& path, int status,
                          std::string_view message) {
  auto text = error_text(status);
  RenderedPage out;
  out.status = status;
  try {
    using data = TemplateData;
    PageMeta meta;
    meta.title = text.heading;
    meta.description = text.heading;
    meta.path = path;
    meta.noindex = true;
    std::vector<db::TagCount> nav;
    try {
      if (auto lease = app.pool.try_acquire()) {
        nav = app.nav.get(**lease, now, app.content_generation());
      } else {
        nav = app.nav.last();
      }
    } catch (const std::exception&) {
      // The database may be why we are here: the page goes out without the tag nav.
    }
    data ctx = base_context(app, now, meta, nav);
    data err;
    err.set("status", std::to_string(status));
    err.set("heading", text.heading);
    err.set("message", message.empty() ? std::string(text.message) : std::string(message));
    ctx.set("error", err);
    out.body = app.views.render("error", ctx);
  } catch (const std::exception& e) {
    spdlog::error("rendering the {} page failed: {}", status, e.what());
    out.body = std::string(text.heading) + "\n";
    out.content_type = "text/plain; charset=utf-8";
  }
  return out;
}

}  // namespace gazette
