// GET /tags/{tag}?page=N — the public articles with one tag, newest first. Tags are
// stored lowercase, so /tags/Economy redirects (301) to /tags/economy.
#include <algorithm>

#include "app/app.h"
#include "handlers/handlers.h"
#include "handlers/http.h"
#include "handlers/listing.h"

namespace gazette {

void tag_page(App& app, const httplib::Request& req, httplib::Response& res) {
  std::string tag = req.matches[1];
  std::string lower = tag;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  auto page = requested_page(req);
  if (!page) {
    send_error_page(app, req, res, 400, "The page parameter must be a whole number from 1 up.");
    return;
  }
  std::string base = "/tags/" + url_encode_segment(lower);
  if (lower != tag) {
    res.set_redirect(*page == 1 ? base : base + "?page=" + std::to_string(*page), 301);
    return;
  }
  std::string now = app.now();
  auto c = app.pool.acquire();
  auto list = db::list_public_by_tag(*c, lower, now, kPageSize, (*page - 1) * kPageSize);
  if (list.total == 0) {
    send_error_page(app, req, res, 404, "No published article has the tag \"" + lower + "\".");
    return;
  }
  send_listing(app, *c, req, res, now, list, *page, base, lower);
}

}  // namespace gazette
