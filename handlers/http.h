// Response helpers shared by every handler: caching headers, conditional GET, errors.
#pragma once

#include <httplib.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gazette {

struct App;

// How a response may be cached.
enum class Caching {
  public_page,  // Cache-Control: public, max-age=60 (public pages)
  immutable,    // Cache-Control: public, max-age=31536000, immutable (hashed assets)
  no_store,     // Cache-Control: no-store (admin, errors)
};

// Sends `body` as a 200 with a strong ETag computed from it, the Cache-Control for
// `caching` and Last-Modified when `last_modified` (ISO 8601 UTC) is given. Never 304:
// the page cache's wrapper (app/routes.cpp) keeps the body, and send_page adds Vary and
// answers If-None-Match from it.
void send_cached(httplib::Response& res, std::string body, const char* content_type,
                 Caching caching, std::string_view last_modified = {}, std::string etag = {});

// True when If-None-Match names any of `etags` (or is "*").
bool etag_matches_any(const httplib::Request& req, std::initializer_list<std::string_view> etags);
// The same for the header's value (a list of tags).
bool etag_matches_any(std::string_view if_none_match,
                      std::initializer_list<std::string_view> etags);

// Percent-encodes a path segment (RFC 3986 unreserved characters stay).
std::string url_encode_segment(std::string_view s);

struct RenderedPage;

// Sends a rendered page: 200 through send_cached (public caching), a redirect as such,
// anything else with its status and Cache-Control: no-store.
void send_rendered(httplib::Response& res, RenderedPage page);

class CachedPage;

// A rendered 200 as the page cache keeps it, with the headers send_cached gives it
// (strong ETag of the body, Last-Modified) and `cache_control`: what the library's path
// makes of send_rendered's response, for pages rendered without the library. `kept`:
// the cache will keep it (CachedPage's `fit`).
std::shared_ptr<const CachedPage> cached_page_of(RenderedPage page, std::string cache_control,
                                                 bool kept);

// The styled error page for `status`, with `message` for the reader (or the default
// message for that status when empty). Never shows internals.
void send_error_page(App& app, const httplib::Request& req, httplib::Response& res, int status,
                     std::string_view message = {});

// The page number a listing request asks for: the path's capture `match_index`
// (/page/N) when the route has it, else ?page=N, else 1. nullopt when it is not a
// whole number from 1 up.
std::optional<int> requested_page(const httplib::Request& req, std::size_t match_index);

inline constexpr const char* kBadPageMessage =
    "The page parameter must be a whole number from 1 up.";

}  // namespace gazette
