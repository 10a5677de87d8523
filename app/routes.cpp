// The route table, read top to bottom, and the one boundary where errors become pages.
#include "app/routes.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <cstdio>

#include "app/app.h"
#include "app/http_guard.h"
#include "db/database.h"
#include "db/sqlite.h"
#include "handlers/admin_auth.h"
#include "handlers/handlers.h"
#include "handlers/http.h"
#include "handlers/page_cache.h"
#include "handlers/pages.h"

namespace gazette {

namespace {

using PageHandler = void (*)(App&, const httplib::Request&, httplib::Response&);

struct Route {
  const char* pattern;  // std::regex, matched against the whole decoded path
  PageHandler handler;
};

// GET (and HEAD, which cpp-httplib routes to GET handlers and sends without the body).
constexpr Route kGetRoutes[] = {
    {"/", home_page},
    {R"(/page/(\d{1,9}))", home_page},
    {R"(/articles/([^/]+))", article_page},
    {R"(/tags/([^/]+))", tag_page},
    {R"(/tags/([^/]+)/page/(\d{1,9}))", tag_page},
    {R"(/static/[^/]+)", static_file},
    {"/healthz", health},
    {R"(/feed\.xml)", feed},
    {R"(/tags/([^/]+)/feed\.xml)", tag_feed},
    {R"(/sitemap\.xml)", sitemap},
    {R"(/robots\.txt)", robots},
    {"/search", search_page},
    {R"(/api/articles/([^/]+))", api_article},
};

// The admin (handlers/admin_*.cpp), by method. Handlers for a method are tried in this
// order, so /admin/articles/new comes before /admin/articles/{slug}.
struct AdminRoute {
  const char* method;
  const char* pattern;
  PageHandler handler;
};
constexpr AdminRoute kAdminRoutes[] = {
    {"GET", "/admin", admin_list},
    {"GET", "/admin/login", admin_login_form},
    {"POST", "/admin/login", admin_login},
    {"POST", "/admin/logout", admin_logout},
    {"GET", "/admin/articles/new", admin_new_form},
    {"POST", "/admin/articles", admin_create},
    {"GET", R"(/admin/articles/([^/]+)/edit)", admin_edit_form},
    {"POST", R"(/admin/articles/([^/]+))", admin_update},
    {"GET", R"(/admin/articles/([^/]+)/delete)", admin_delete_form},
    {"POST", R"(/admin/articles/([^/]+)/delete)", admin_delete},
    {"GET", R"(/admin/articles/([^/]+)/preview)", admin_preview},
};

bool is_admin_path(const std::string& path) {
  return path == "/admin" || path.starts_with("/admin/");
}

// How long a request waits for another thread's render of the same page before it
// renders alone (a search for a common word on a large site takes a few hundred ms).
constexpr std::chrono::milliseconds kFlightPatience{2000};

// Says how long the app took in Server-Timing, which the access log reads back (the
// logger runs after the response is written and has no other way to know when the
// request started). `hit` says the page came from the page cache.
void set_server_timing(httplib::Response& res, std::chrono::steady_clock::time_point start,
                       bool hit) {
  std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  char value[64];
  std::snprintf(value, sizeof value, "app;dur=%.3f, cache;desc=%s", took.count(),
                hit ? "hit" : "miss");
  res.set_header("Server-Timing", value);
}

// Wraps a handler: renders, keeps a public 200 in the page cache, and sends the body
// compressed once (see handlers/page_cache.h).
httplib::Server::Handler page(App& app, PageHandler handler) {
  return [&app, handler](const httplib::Request& req, httplib::Response& res) {
    auto start = std::chrono::steady_clock::now();
    // Read before the first query: a write during the render makes the entry stale,
    // never the other way round.
    std::uint64_t generation = app.content_generation();
    std::string key = cache_key(req);
    auto flight = app.pages.join(key, generation);
    if (!flight.leads()) {
      if (auto cached = flight.wait(kFlightPatience)) {
        send_page(req, res, std::move(cached));
        set_server_timing(res, start, true);
        return;
      }
    }
    // Handlers always render the whole page (they never answer 304), so that there is a
    // body to keep; send_page answers If-None-Match from it.
    handler(app, req, res);

    std::string cache_control = res.get_header_value("Cache-Control");
    if (res.status == 200 && !res.content_provider_ && cache_control.starts_with("public")) {
      // Public pages carry the configured max-age; immutable assets keep theirs.
      if (!cache_control.ends_with("immutable")) cache_control = app.public_cache_control;
      auto cached = std::make_shared<const CachedPage>(
          std::move(res.body), res.get_header_value("Content-Type"), res.get_header_value("ETag"),
          std::move(cache_control), res.get_header_value("Last-Modified"));
      res.body.clear();
      for (const char* name : {"Content-Type", "ETag", "Cache-Control", "Last-Modified"}) {
        res.headers.erase(name);
      }
      app.pages.insert(key, cached, generation);
      flight.land(cached);
      send_page(req, res, std::move(cached));
    } else {
      flight.land(nullptr);
      send_body_encoded(req, res);
    }
    set_server_timing(res, start, false);
  };
}

// Wraps an admin handler: never cached, always no-store and X-Frame-Options: DENY,
// compressed like every other response.
httplib::Server::Handler admin(App& app, PageHandler handler) {
  return [&app, handler](const httplib::Request& req, httplib::Response& res) {
    auto start = std::chrono::steady_clock::now();
    handler(app, req, res);
    set_admin_headers(res);
    send_body_encoded(req, res);
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    char value[32];
    std::snprintf(value, sizeof value, "app;dur=%.3f", took.count());
    res.set_header("Server-Timing", value);
  };
}

// Registers the admin's routes, then a 405 (with Allow) for every other method on each
// of their addresses.
void install_admin_routes(httplib::Server& server, App& app) {
  for (const auto& route : kAdminRoutes) {
    if (std::string_view(route.method) == "GET") {
      server.Get(route.pattern, admin(app, route.handler));
    } else {
      server.Post(route.pattern, admin(app, route.handler));
    }
  }
  for (const auto& route : kAdminRoutes) {
    std::string allow;
    bool get = false;
    bool post = false;
    for (const auto& other : kAdminRoutes) {
      if (std::string_view(other.pattern) != route.pattern) continue;
      (std::string_view(other.method) == "GET" ? get : post) = true;
    }
    if (get) allow = "GET, HEAD";
    if (post) allow += allow.empty() ? "POST" : ", POST";
    auto not_allowed = [allow](const httplib::Request&, httplib::Response& res) {
      res.status = 405;
      res.set_header("Allow", allow);
      set_admin_headers(res);
    };
    if (!get) server.Get(route.pattern, not_allowed);
    if (!post) server.Post(route.pattern, not_allowed);
    server.Put(route.pattern, not_allowed);
    server.Patch(route.pattern, not_allowed);
    server.Delete(route.pattern, not_allowed);
  }
}

// The slug of an article page's request target ("/articles/{slug}", any query), the
// one route whose misses the guard renders itself; nullopt for any other target. The
// target has no percent-escape (cache_key_of_target took it), so its path is what the
// library's route would match.
std::optional<std::string> article_slug_of(std::string_view target) {
  constexpr std::string_view kPrefix = "/articles/";
  std::string_view path = target.substr(0, target.find('?'));
  if (!path.starts_with(kPrefix)) return std::nullopt;
  std::string_view slug = path.substr(kPrefix.size());
  if (slug.empty() || slug.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(slug);
}

// An article page missing from the cache (or every one, with the cache off), rendered
// for the guard's early answer: the same render, flight and cache entry as page() and
// article_page give it, without the library's request parsing, routing and response
// assembly, a sixth of an uncached page's cost. Null for anything but a 200 (an unknown
// or draft slug) and for any failure: the library's path then renders the request again
// and answers it (error page, 503, log line) as it answers every other.
std::shared_ptr<const CachedPage> render_article_early(App& app, const std::string& key,
                                                       const std::string& slug,
                                                       std::uint64_t generation, bool& hit) {
  auto flight = app.pages.join(key, generation);
  if (!flight.leads()) {
    if (auto cached = flight.wait(kFlightPatience)) {
      hit = true;
      return cached;
    }
  }
  try {
    RenderedPage rendered;
    {
      std::string now = app.now();
      auto c = app.pool.acquire();
      db::ReadTransaction snapshot(*c);  // one state of the site for the whole page
      rendered = render_article(app, *c, now, slug);
    }
    if (rendered.status != 200) return nullptr;  // the flight lands null as it ends
    auto cached =
        cached_page_of(std::move(rendered), app.public_cache_control, app.pages.enabled());
    app.pages.insert(key, cached, generation);
    flight.land(cached);
    return cached;
  } catch (const std::exception& e) {
    spdlog::debug("GET {}: left to the library's path: {}", loggable(key), e.what());
    return nullptr;
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

void install_early_answers(GuardedServer& server, App& app) {
  std::string extra;
  for (const auto& [name, value] : security_headers()) extra += name + ": " + value + "\r\n";
  server.set_early_answer([&app, extra](const EarlyRequest& req, EarlyResponse& res) {
    auto start = std::chrono::steady_clock::now();
    auto key = cache_key_of_target(req.target);
    if (!key) return false;
    // Header values the library would percent-decode are left to it.
    auto if_none_match = req.header("If-None-Match");
    auto accept_encoding = req.header("Accept-Encoding");
    for (auto value : {if_none_match, accept_encoding}) {
      if (value && value->find('%') != std::string_view::npos) return false;
    }
    // Read before the first query, as the library's path does (see page()).
    std::uint64_t generation = app.content_generation();
    // A miss is counted where it is answered: the library's path looks it up again.
    auto page = app.pages.find(*key, generation, false);
    bool hit = page != nullptr;
    if (!page) {
      auto slug = article_slug_of(req.target);
      if (!slug) return false;
      page = render_article_early(app, *key, *slug, generation, hit);
      if (!page) return false;
      app.pages.count_miss();  // as the library's path counts it, waiting or not
    }
    auto choice = page->choose(accept_encoding.value_or(std::string_view()), if_none_match);
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    const std::string_view desc = hit ? "hit" : "miss";
    // to_chars rather than printf: the same digits ("%.3f"), without the locale and
    // stream machinery, a fortieth of an uncached page in instructions.
    char ms[32];
    auto written = std::to_chars(ms, ms + sizeof ms, took.count(), std::chars_format::fixed, 3);
    const std::string_view millis(ms, static_cast<std::size_t>(written.ptr - ms));
    res.status = choice.not_modified ? 304 : 200;
    res.head = page->response_head(choice, extra);
    res.head.append("Server-Timing: app;dur=").append(millis).append(", cache;desc=");
    res.head.append(desc).append("\r\n");
    if (!choice.not_modified) res.body = *choice.body;
    res.log_note.append(millis).append("ms ").append(desc);
    res.owner = std::move(page);
    return true;
  });
}

httplib::Headers security_headers() {
  return {
      {"Content-Security-Policy", "default-src 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "strict-origin-when-cross-origin"},
  };
}

void install_routes(httplib::Server& server, App& app, std::shared_ptr<spdlog::logger> access_log) {
  server.set_default_headers(security_headers());

  // Before routing: pages in the page cache go out without a route match or a render.
  server.set_pre_routing_handler([&app](const httplib::Request& req, httplib::Response& res) {
    // Byte ranges of pages serve nobody and a 200 with a range applied would be wrong:
    // the site ignores Range (RFC 9110 allows it). The request object is the library's
    // own, not const.
    if (!req.ranges.empty()) const_cast<httplib::Request&>(req).ranges.clear();
    if (!app.pages.enabled() || (req.method != "GET" && req.method != "HEAD")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    auto start = std::chrono::steady_clock::now();
    auto cached = app.pages.find(cache_key(req), app.content_generation());
    if (!cached) return httplib::Server::HandlerResponse::Unhandled;
    send_page(req, res, std::move(cached));
    set_server_timing(res, start, true);
    return httplib::Server::HandlerResponse::Handled;
  });

  for (const auto& route : kGetRoutes) {
    server.Get(route.pattern, page(app, route.handler));
    // A known address asked with a method it does not take: 405, with what it takes.
    auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
      res.status = 405;
      res.set_header("Allow", "GET, HEAD");
    };
    server.Post(route.pattern, not_allowed);
    server.Put(route.pattern, not_allowed);
    server.Patch(route.pattern, not_allowed);
    server.Delete(route.pattern, not_allowed);
  }

  install_admin_routes(server, app);

  // Every 4xx/5xx without a body of its own (no route, 405, library-level 400/413/414)
  // gets the site's styled page.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [&app](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty() || res.content_provider_) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        send_error_page(app, req, res, res.status);
        if (is_admin_path(req.path)) set_admin_headers(res);
        send_body_encoded(req, res);
        return httplib::Server::HandlerResponse::Handled;
      }));

  // The exception boundary: log the cause, show a page without internals. Catches
  // everything, or the library would put the exception text in a response header.
  server.set_exception_handler(
      [&app](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        int status = 500;
        try {
          std::rethrow_exception(ep);
        } catch (const db::Error& e) {
          if (db::is_unavailable(e)) {
            status = 503;
            app.storage.failed(e, req.method + " " + req.path);
          } else {
            spdlog::error("{} {}: database error: {}", req.method, loggable(req.path), e.what());
          }
        } catch (const std::exception& e) {
          spdlog::error("{} {}: {}", req.method, loggable(req.path), e.what());
        } catch (...) {
          spdlog::error("{} {}: unknown exception", req.method, loggable(req.path));
        }
        // Whatever the handler had set is void.
        for (const char* name :
             {"Server-Timing", "Content-Type", "Content-Encoding", "ETag", "Cache-Control",
              "Last-Modified", "Vary", "Set-Cookie", "Location", "X-Frame-Options"}) {
          res.headers.erase(name);
        }
        res.body.clear();
        res.content_provider_ = nullptr;
        res.content_length_ = 0;
        send_error_page(app, req, res, status);
        if (status == 503) res.set_header("Retry-After", "5");
        if (is_admin_path(req.path)) set_admin_headers(res);
        send_body_encoded(req, res);
      });

  if (access_log) {
    server.set_logger([access_log](const httplib::Request& req, const httplib::Response& res) {
      if (answered_by_guard()) return;
      // "app;dur=0.123, cache;desc=hit" -> "0.123ms hit"
      std::string took = "-";
      if (auto t = res.get_header_value("Server-Timing"); t.starts_with("app;dur=")) {
        auto comma = t.find(',');
        took = t.substr(8, comma - 8) + "ms";
        if (auto desc = t.find("desc="); desc != std::string::npos)
          took += " " + t.substr(desc + 5);
      }
      access_log->info("{} {} {} {}B {} {}:{}", loggable(req.method), loggable(req.path),
                       res.status, res.body.size() + res.content_length_, took, req.remote_addr,
                       req.remote_port);
    });
  }
}

}  // namespace gazette
