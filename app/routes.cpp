// The route table, read top to bottom, and the one boundary where errors become pages.
#include "app/routes.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "app/app.h"
#include "db/sqlite.h"
#include "handlers/handlers.h"
#include "handlers/http.h"

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
};

// A printable copy of `s` for a log line: control characters (a decoded %0A could
// forge a line) and quotes become \xNN.
std::string loggable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\') {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}

// Wraps a handler: measures it and says how long it took in Server-Timing, which the
// access log reads back (the logger runs after the response is written and has no other
// way to know when the request started).
httplib::Server::Handler timed(App& app, PageHandler handler) {
  return [&app, handler](const httplib::Request& req, httplib::Response& res) {
    auto start = std::chrono::steady_clock::now();
    handler(app, req, res);
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    char value[48];
    std::snprintf(value, sizeof value, "app;dur=%.3f", took.count());
    res.set_header("Server-Timing", value);
  };
}

// Errors the storage reports when it is full, locked or unwritable: the site is
// unavailable for a while, not broken.
bool is_unavailable(const db::Error& e) {
  switch (e.primary_code()) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
      return true;
    default:
      return false;
  }
}

}  // namespace

void install_routes(httplib::Server& server, App& app, std::shared_ptr<spdlog::logger> access_log) {
  server.set_default_headers({
      {"Content-Security-Policy", "default-src 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "strict-origin-when-cross-origin"},
  });

  for (const auto& route : kGetRoutes) {
    server.Get(route.pattern, timed(app, route.handler));
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

  // Every 4xx/5xx without a body of its own (no route, 405, library-level 400/413/414)
  // gets the site's styled page.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [&app](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        send_error_page(app, req, res, res.status);
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
          status = is_unavailable(e) ? 503 : 500;
          spdlog::error("{} {}: database error: {}", req.method, loggable(req.path), e.what());
        } catch (const std::exception& e) {
          spdlog::error("{} {}: {}", req.method, loggable(req.path), e.what());
        } catch (...) {
          spdlog::error("{} {}: unknown exception", req.method, loggable(req.path));
        }
        res.headers.erase("Server-Timing");
        res.body.clear();
        send_error_page(app, req, res, status);
        if (status == 503) res.set_header("Retry-After", "5");
      });

  if (access_log) {
    server.set_logger([access_log](const httplib::Request& req, const httplib::Response& res) {
      std::string took = "-";
      if (auto t = res.get_header_value("Server-Timing"); t.starts_with("app;dur=")) {
        took = t.substr(8) + "ms";
      }
      access_log->info("{} {} {} {}B {} {}:{}", loggable(req.method), loggable(req.path),
                       res.status, res.body.size(), took, req.remote_addr, req.remote_port);
    });
  }
}

}  // namespace gazette
