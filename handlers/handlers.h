// Every page and route handler. Each takes the App explicitly; routes.cpp maps URLs to
// them. A handler that fails throws; the server's exception handler renders the 500 or
// 503 page (see app/routes.cpp).
#pragma once

#include <httplib.h>

namespace gazette {

struct App;

void home_page(App& app, const httplib::Request& req, httplib::Response& res);
void tag_page(App& app, const httplib::Request& req, httplib::Response& res);
void article_page(App& app, const httplib::Request& req, httplib::Response& res);
void static_file(App& app, const httplib::Request& req, httplib::Response& res);
void health(App& app, const httplib::Request& req, httplib::Response& res);
void feed(App& app, const httplib::Request& req, httplib::Response& res);
void tag_feed(App& app, const httplib::Request& req, httplib::Response& res);
void sitemap(App& app, const httplib::Request& req, httplib::Response& res);
void robots(App& app, const httplib::Request& req, httplib::Response& res);
void search_page(App& app, const httplib::Request& req, httplib::Response& res);
void api_article(App& app, const httplib::Request& req, httplib::Response& res);

// The admin (handlers/admin_*.cpp). Not cached; every response carries no-store and
// X-Frame-Options: DENY (the route wrapper adds them).
void admin_login_form(App& app, const httplib::Request& req, httplib::Response& res);
void admin_login(App& app, const httplib::Request& req, httplib::Response& res);
void admin_logout(App& app, const httplib::Request& req, httplib::Response& res);
void admin_list(App& app, const httplib::Request& req, httplib::Response& res);
void admin_new_form(App& app, const httplib::Request& req, httplib::Response& res);
void admin_create(App& app, const httplib::Request& req, httplib::Response& res);
void admin_edit_form(App& app, const httplib::Request& req, httplib::Response& res);
void admin_update(App& app, const httplib::Request& req, httplib::Response& res);
void admin_delete_form(App& app, const httplib::Request& req, httplib::Response& res);
void admin_delete(App& app, const httplib::Request& req, httplib::Response& res);
void admin_preview(App& app, const httplib::Request& req, httplib::Response& res);

}  // namespace gazette
