// GET /, /?page=N and /page/N — the home page: the newest public articles, 20 a page.
// Pages link to /page/N (a static export can serve that); ?page=N is accepted as well.
#include "app/app.h"
#include "handlers/handlers.h"
#include "handlers/http.h"
#include "handlers/pages.h"

namespace gazette {

void home_page(App& app, const httplib::Request& req, httplib::Response& res) {
  auto page = requested_page(req, 1);
  if (!page) {
    send_rendered(res, render_error(app, app.now(), req.path, 400, kBadPageMessage));
    return;
  }
  if (req.matches.size() > 1 && *page == 1) {  // /page/1 is the home page itself
    res.set_redirect("/", 301);
    return;
  }
  std::string now = app.now();
  auto c = app.pool.acquire();
  db::ReadTransaction snapshot(*c);  // one state of the site for the whole page
  send_rendered(res, render_home(app, *c, now, *page));
}

}  // namespace gazette
