// The route table and the server-wide behaviour around it (security headers, error
// pages, the exception boundary, access log).
#pragma once

#include <httplib.h>

#include <memory>

#include "spdlog/logger.h"

namespace gazette {

struct App;

// The headers every response carries (SPEC: HTTP behaviour), the guard's refusals too.
httplib::Headers security_headers();

// Registers every route of the site on `server`, plus the error handler, the exception
// handler, the default headers and the access logger (`access_log` may be null: no
// access lines).
void install_routes(httplib::Server& server, App& app, std::shared_ptr<spdlog::logger> access_log);

}  // namespace gazette
