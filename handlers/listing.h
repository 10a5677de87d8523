// The article listings (home page, tag pages): pagination and the shared template context.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>

#include "db/articles.h"

namespace gazette {

struct App;

inline constexpr int kPageSize = 20;

// The ?page=N of `req`: 1 when absent; nullopt when it is not a whole number >= 1.
std::optional<int> requested_page(const httplib::Request& req);

// Renders a listing page. `base_path` is the listing's URL without ?page ("/" or
// "/tags/economy"); `tag` is empty on the home page. Answers 404 for a page past the
// last one (page 1 of an empty home page is fine: it says there is nothing yet).
void send_listing(App& app, db::Connection& c, const httplib::Request& req, httplib::Response& res,
                  const std::string& now, const db::ListPage& list, int page,
                  const std::string& base_path, const std::string& tag);

}  // namespace gazette
