// GET /?page=N — the home page: the newest public articles, kPageSize a page.
#include "app/app.h"
#include "handlers/handlers.h"
#include "handlers/http.h"
#include "handlers/listing.h"

namespace gazette {

void home_page(App& app, const httplib::Request& req, httplib::Response& res) {
  auto page = requested_page(req);
  if (!page) {
    send_error_page(app, req, res, 400, "The page parameter must be a whole number from 1 up.");
    return;
  }
  std::string now = app.now();
  auto c = app.pool.acquire();
  auto list = db::list_public(*c, now, kPageSize, (*page - 1) * kPageSize);
  send_listing(app, *c, req, res, now, list, *page, "/", "");
}

}  // namespace gazette
