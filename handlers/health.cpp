// GET /healthz — 200 {"status":"ok"} when the database answers a query, 503
// {"status":"unavailable"} otherwise. For load balancers and monitoring; never cached.
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "db/database.h"
#include "handlers/handlers.h"

namespace gazette {

void health(App& app, const httplib::Request&, httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  try {
    auto c = app.pool.acquire();
    c->query_int("SELECT count(*) FROM users");
    res.status = 200;
    res.set_content("{\"status\":\"ok\"}", "application/json");
  } catch (const std::exception& e) {
    auto* db_error = dynamic_cast<const db::Error*>(&e);
    if (db_error && db::is_unavailable(*db_error)) {
      app.storage.failed(*db_error, "GET /healthz");
    } else {
      spdlog::warn("health check: the database does not answer: {}", e.what());
    }
    res.status = 503;
    res.set_content("{\"status\":\"unavailable\"}", "application/json");
  }
}

}  // namespace gazette
