// Rendering the admin's pages: the site's layout in its admin form (no search box or
// topics; the admin navigation instead), never indexed, never cached.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>

#include "handlers/admin_auth.h"
#include "views/template_data.h"

namespace gazette {

struct App;

// The context of an admin page titled `title`, with the admin navigation for `editor`
// (none on the sign-in page).
TemplateData admin_context(App& app, const std::string& title, const Editor* editor);

// Renders admin template `page` with `ctx` as the response, with `status`.
void send_admin_page(App& app, httplib::Response& res, int status, std::string_view page,
                     const TemplateData& ctx);

// A 303 to `location` (after a POST, or to the sign-in page).
void see_other(httplib::Response& res, const std::string& location);

// The styled error page for `status` with admin headers (a refused POST, an unknown slug).
void send_admin_error(App& app, const httplib::Request& req, httplib::Response& res, int status,
                      std::string_view message = {});

}  // namespace gazette
