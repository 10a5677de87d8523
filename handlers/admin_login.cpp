// GET/POST /admin/login and POST /admin/logout: signing in with a password, throttled,
// CSRF-checked against the pre-session cookie, and signing out server-side. Every
// sign-in, failure and sign-out is an audit line in the log (never a password or token).
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/tokens.h"
#include "db/sessions.h"
#include "handlers/admin_page.h"
#include "handlers/handlers.h"
#include "handlers/page.h"

namespace gazette {

using data = TemplateData;

namespace {

// Throttling (SPEC): 5 failures per username or per client address within 15 minutes,
// then 429 for the rest of that window.
constexpr std::int64_t kFailureWindow = 15 * 60;
constexpr std::int64_t kMaxFailures = 5;
// The pre-session cookie lives long enough to fill in the form.
constexpr std::int64_t kLoginCookieSeconds = 3600;
constexpr const char* kGenericFailure = "Wrong username or password.";

// A user name as the audit log shows it: printable ASCII, at most 64 characters (the
// form takes any text; valid names are shorter and plain).
std::string loggable_name(std::string_view name) {
  std::string out;
  for (unsigned char ch : name.substr(0, 64)) out += (ch >= 0x20 && ch < 0x7f) ? ch : '?';
  return out;
}

// The throttling key of a user name: names are compared without case here, so that
// "Admin" and "admin" share a budget (the store compares them exactly).
std::string user_key(std::string_view name) {
  std::string key = "user:";
  for (unsigned char ch : name.substr(0, 200)) key += static_cast<char>(std::tolower(ch));
  return key;
}

// The sign-in form with `status`. `cookie` is the client's pre-session token: reused
// when well-formed (several tabs keep working), else a new one is given.
void send_login_form(App& app, httplib::Response& res, int status,
                     const std::optional<std::string>& cookie, std::string_view username,
                     std::string_view error) {
  std::string pre = cookie && looks_like_token(*cookie) ? *cookie : random_token();
  res.set_header("Set-Cookie",
                 cookie_header(app, kLoginCookie, pre, "/admin", kLoginCookieSeconds));
  data ctx = admin_context(app, "Sign in", nullptr);
  data login;
  login.set("csrf", data(csrf_token_for(pre)));
  login.set("username", data(std::string(username)));
  if (!error.empty()) login.set("error", data(std::string(error)));
  ctx.set("login", std::move(login));
  send_admin_page(app, res, status, "admin_login", ctx);
}

}  // namespace

void admin_login_form(App& app, const httplib::Request& req, httplib::Response& res) {
  {
    auto c = app.pool.acquire();
    if (signed_in_editor(app, *c, req)) return see_other(res, "/admin");
  }
  send_login_form(app, res, 200, cookie_value(req, kLoginCookie), "", "");
}

void admin_login(App& app, const httplib::Request& req, httplib::Response& res) {
  std::string form_error;
  auto form = read_form(req, &form_error);
  if (!form)
    return send_admin_error(app, req, res, 400, "The form could not be read: " + form_error + ".");
  const std::string& username = form->get("username");
  const std::string address = client_address(req);
  auto pre = cookie_value(req, kLoginCookie);
  if (!pre || !csrf_matches(*form, *pre)) {
    spdlog::warn("audit: sign-in refused (no valid CSRF token) user={} addr={}",
                 loggable_name(username), address);
    // A fresh token with the form, so that the next try works.
    return send_login_form(app, res, 403, std::nullopt, username,
                           "The sign-in form had expired. Please try again.");
  }

  const std::int64_t now = unix_now(app);
  const std::string by_user = user_key(username);
  const std::string by_address = "addr:" + address;
  std::optional<db::LoginRecord> record;
  {
    auto c = app.pool.acquire();
    std::int64_t retry_after = 0;
    for (const std::string& key : {by_user, by_address}) {
      auto failures = db::count_login_failures(*c, key, now - kFailureWindow + 1);
      if (failures.count >= kMaxFailures) {
        retry_after = std::max(retry_after, failures.oldest + kFailureWindow - now);
      }
    }
    if (retry_after > 0) {
      spdlog::warn("audit: sign-in throttled user={} addr={}", loggable_name(username), address);
      res.set_header("Retry-After", std::to_string(retry_after));
      std::int64_t minutes = (retry_after + 59) / 60;
      return send_login_form(app, res, 429, pre, username,
                             "Too many failed sign-ins. Try again in " + std::to_string(minutes) +
                                 (minutes == 1 ? " minute." : " minutes."));
    }
    record = db::login_record(*c, username);
  }

  // No connection is held during the password check (tens of milliseconds).
  std::optional<std::string> hash;
  if (record) hash = record->password_hash;
  if (!app.passwords.check(form->get("password"), hash)) {
    {
      auto c = app.pool.acquire();
      db::record_login_failure(*c, by_user, by_address, unix_now(app), kFailureWindow);
    }
    spdlog::warn("audit: sign-in failed user={} addr={}", loggable_name(username), address);
    return send_login_form(app, res, 401, pre, username, kGenericFailure);
  }

  std::string token = random_token();
  {
    auto c = app.pool.acquire();
    db::create_session(*c, token_hash(token), record->user_id, unix_now(app));
  }
  app.storage.wrote();
  spdlog::info("audit: signed in user={} addr={}", loggable_name(username), address);
  res.set_header("Set-Cookie",
                 cookie_header(app, kSessionCookie, token, "/", kSessionLimits.absolute));
  res.set_header("Set-Cookie", cookie_header(app, kLoginCookie, "", "/admin", 0));
  see_other(res, "/admin");
}

void admin_logout(App& app, const httplib::Request& req, httplib::Response& res) {
  auto form = read_form(req);
  auto c = app.pool.acquire();
  auto editor = signed_in_editor(app, *c, req);
  auto token = cookie_value(req, kSessionCookie);
  if (!editor || !form || !token || !csrf_matches(*form, *token)) {
    return send_admin_error(app, req, res, 403);
  }
  db::end_session(*c, editor->token_hash);
  spdlog::info("audit: signed out user={} addr={}", loggable_name(editor->user.name),
               client_address(req));
  res.set_header("Set-Cookie", cookie_header(app, kSessionCookie, "", "/", 0));
  see_other(res, "/admin/login");
}

}  // namespace gazette
