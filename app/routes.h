// The route table and the server-wide behaviour around it (security headers, error
// pages, the exception boundary, access log).
#pragma once

#include <httplib.h>

#include <memory>

#include "spdlog/logger.h"

namespace gazette {

struct App;
class GuardedServer;

// The headers every response carries (SPEC: HTTP behaviour), the guard's refusals too.
httplib::Headers security_headers();

// Registers every route of the site on `server`, plus the error handler, the exception
// handler, the default headers and the access logger (`access_log` may be null: no
// access lines).
void install_routes(httplib::Server& server, App& app, std::shared_ptr<spdlog::logger> access_log);

}  // namespace gazette

namespace gazette {

// Lets the guard answer page-cache hits, and article pages missing from the cache,
// itself, before the library parses the request (GuardedServer::set_early_answer): the
// same response send_page gives, the same access line. Other misses, an article page
// that is not a 200 (rendered again by the library), and whatever the early path does
// not read exactly as the library would, go through the routes as usual.
void install_early_answers(GuardedServer& server, App& app);

}  // namespace gazette
