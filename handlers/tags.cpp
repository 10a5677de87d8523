// GET /tags/{tag}, /tags/{tag}?page=N and /tags/{tag}/page/N — the public articles with
// one tag, newest first. Tags are stored lowercase, so /tags/Economy redirects (301) to
// /tags/economy; an unknown tag is a 404.
#include "app/app.h"
#include "handlers/handlers.h"
#include "handlers/http.h"
#include "handlers/pages.h"

namespace gazette {

void tag_page(App& app, const httplib::Request& req, httplib::Response& res) {
  auto page = requested_page(req, 2);
  if (!page) {
    send_rendered(res, render_error(app, app.now(), req.path, 400, kBadPageMessage));
    return;
  }
  std::string tag = req.matches[1];
  if (req.matches.size() > 2 && *page == 1) {
    res.set_redirect("/tags/" + url_encode_segment(tag), 301);
    return;
  }
  std::string now = app.now();
  auto c = app.pool.acquire();
  db::ReadTransaction snapshot(*c);  // one state of the site for the whole page
  send_rendered(res, render_tag(app, *c, now, tag, *page));
}

}  // namespace gazette
