// Admin page rendering (see admin_page.h).
#include "handlers/admin_page.h"

#include "app/app.h"
#include "handlers/http.h"
#include "handlers/page.h"

namespace gazette {

using data = TemplateData;

data admin_context(App& app, const std::string& title, const Editor* editor) {
  PageMeta meta;
  meta.title = title;
  meta.path = "/admin";
  meta.noindex = true;
  // No tag navigation on admin pages: no query for it.
  data ctx = base_context(app, app.now(), meta, {});
  data admin;
  if (editor) {
    admin.set("user", data(editor->user.name));
    admin.set("csrf", data(editor->csrf));
  } else {
    admin.set("signed_out", data(true));
  }
  ctx.set("admin", std::move(admin));
  return ctx;
}

void send_admin_page(App& app, httplib::Response& res, int status, std::string_view page,
                     const data& ctx) {
  res.status = status;
  res.set_content(app.views.render(page, ctx), "text/html; charset=utf-8");
}

void see_other(httplib::Response& res, const std::string& location) {
  res.set_redirect(location, 303);
}

void send_admin_error(App& app, const httplib::Request& req, httplib::Response& res, int status,
                      std::string_view message) {
  send_error_page(app, req, res, status, message);
}

}  // namespace gazette
