// The admin's gate: who is signed in, CSRF checks, the headers and cookies every admin
// response carries. The rules are the SPEC's (Admin: Security).
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "db/sessions.h"
#include "db/sqlite.h"
#include "handlers/form.h"

namespace gazette {

struct App;

inline constexpr const char* kSessionCookie = "gazette_session";
// The pre-session cookie the login form's CSRF token is bound to.
inline constexpr const char* kLoginCookie = "gazette_login";
// A one-time notice for the next page ("Saved"), read and cleared by that page.
inline constexpr const char* kNoticeCookie = "gazette_notice";

// Session lifetimes (SPEC: 12 hours idle, 7 days in all).
inline constexpr db::SessionLimits kSessionLimits{};

// The signed-in editor of a request.
struct Editor {
  db::SessionUser user;
  std::string csrf;  // the token every form of this session carries
  std::string token_hash;
};

// The value of cookie `name` in the request's Cookie headers, if present.
std::optional<std::string> cookie_value(const httplib::Request& req, std::string_view name);

// A Set-Cookie value: `name`=`value` with HttpOnly, SameSite=Strict, the path, Max-Age
// (0 deletes it) and Secure under --secure-cookies.
std::string cookie_header(const App& app, std::string_view name, std::string_view value,
                          std::string_view path, std::int64_t max_age);

// The editor signed in with this request's session cookie, if the session is live.
std::optional<Editor> signed_in_editor(App& app, db::Connection& c, const httplib::Request& req);

// True when the form's "csrf" field is the token bound to `token` (a session or
// pre-session cookie's value).
bool csrf_matches(const Form& form, std::string_view token);

// What every admin response carries: Cache-Control: no-store, X-Frame-Options: DENY.
void set_admin_headers(httplib::Response& res);

// Unix seconds of the App's clock.
std::int64_t unix_now(App& app);

// The client's address for throttling and the audit log: the TCP peer only, never a
// header the client sent.
std::string client_address(const httplib::Request& req);

}  // namespace gazette
