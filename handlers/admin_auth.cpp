// The admin's gate (see admin_auth.h).
#include "handlers/admin_auth.h"

#include "app/app.h"
#include "app/tokens.h"
#include "content/dates.h"

namespace gazette {

std::optional<std::string> cookie_value(const httplib::Request& req, std::string_view name) {
  auto count = req.get_header_value_count("Cookie");
  for (std::size_t i = 0; i < count; ++i) {
    std::string header = req.get_header_value("Cookie", i);
    std::string_view rest = header;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      return std::string(value);
    }
  }
  return std::nullopt;
}

std::string cookie_header(const App& app, std::string_view name, std::string_view value,
                          std::string_view path, std::int64_t max_age) {
  std::string out;
  out.reserve(160);
  out += name;
  out += '=';
  out += value;
  out += "; Path=";
  out += path;
  out += "; Max-Age=";
  out += std::to_string(max_age);
  out += "; HttpOnly; SameSite=Strict";
  if (app.config.secure_cookies) out += "; Secure";
  return out;
}

std::optional<Editor> signed_in_editor(App& app, db::Connection& c, const httplib::Request& req) {
  auto token = cookie_value(req, kSessionCookie);
  if (!token || !looks_like_token(*token)) return std::nullopt;
  std::string hash = token_hash(*token);
  auto user = db::find_session(c, hash, unix_now(app), kSessionLimits);
  if (!user) return std::nullopt;
  return Editor{std::move(*user), csrf_token_for(*token), std::move(hash)};
}

bool csrf_matches(const Form& form, std::string_view token) {
  return looks_like_token(token) && secrets_equal(form.get("csrf"), csrf_token_for(token));
}

void set_admin_headers(httplib::Response& res) {
  res.headers.erase("Cache-Control");
  res.headers.erase("X-Frame-Options");
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");
}

std::int64_t unix_now(App& app) {
  return iso8601_to_unix(app.now()).value_or(0);
}

std::string client_address(const httplib::Request& req) {
  return req.remote_addr;
}

}  // namespace gazette
