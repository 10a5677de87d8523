// GET /static/{name}.{hash}.{ext} — the embedded (or theme) assets, cached for a year:
// the hash in the name changes whenever the content does.
#include "app/app.h"
#include "handlers/handlers.h"
#include "handlers/http.h"

namespace gazette {

void static_file(App& app, const httplib::Request& req, httplib::Response& res) {
  const Asset* asset = app.assets.find(req.path);
  if (!asset) {
    send_error_page(app, req, res, 404);
    return;
  }
  send_cached(res, asset->body, asset->content_type.c_str(), Caching::immutable, {}, asset->etag);
}

}  // namespace gazette
