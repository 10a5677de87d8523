// Admin test support (see admin_support.h).
#include "tests/admin_support.h"

#include <catch2/catch.hpp>

#include "app/passwords.h"
#include "content/dates.h"
#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "db/users.h"

namespace gazette::test {

void seed_admin_site(const std::string& path, std::vector<gazette::Article> articles) {
  REQUIRE(init_crypto());
  auto opened = db::open_database(path);
  std::string now = now_iso8601();
  for (auto& a : articles) REQUIRE(normalize_and_validate(a, now).empty());
  if (!articles.empty()) {
    auto result = db::save_articles(*opened.connection, articles, now, db::RelatedWeights{});
    REQUIRE(std::holds_alternative<db::SaveResult>(result));
  }
  REQUIRE(db::add_user(*opened.connection, kEditor, hash_password(kEditorPassword), now));
}

gazette::Article seed_article(const std::string& slug, const std::string& title,
                              std::vector<std::string> tags, const std::string& body,
                              gazette::Status status, const std::string& date) {
  gazette::Article a;
  a.slug = slug;
  a.title = title;
  a.summary = "About " + title + ".";
  a.body_markdown = body;
  a.author = "Staff";
  a.tags = std::move(tags);
  a.status = status;
  a.published_at = date;
  return a;
}

httplib::Headers AdminClient::cookie_headers() const {
  httplib::Headers headers = extra_headers;
  std::string value;
  for (const auto& [name, v] : cookies) {
    if (!value.empty()) value += "; ";
    value += name + "=" + v;
  }
  if (!value.empty()) headers.emplace("Cookie", value);
  return headers;
}

void AdminClient::keep_cookies(const httplib::Result& r) {
  if (!r) return;
  auto n = r->get_header_value_count("Set-Cookie");
  for (std::size_t i = 0; i < n; ++i) {
    std::string c = r->get_header_value("Set-Cookie", i);
    auto eq = c.find('=');
    auto semi = c.find(';');
    std::string name = c.substr(0, eq);
    std::string value = c.substr(eq + 1, semi - eq - 1);
    if (c.find("Max-Age=0") != std::string::npos) {
      cookies.erase(name);
    } else {
      cookies[name] = value;
    }
  }
}

httplib::Result AdminClient::get(const std::string& path) {
  httplib::Client c("127.0.0.1", port_);
  // Generous: a sign-in is an argon2id check, slow under ASan on a busy machine.
  c.set_read_timeout(std::chrono::seconds(60));
  auto r = c.Get(path, cookie_headers());
  keep_cookies(r);
  return r;
}

httplib::Result AdminClient::post(const std::string& path, const httplib::Params& form) {
  httplib::Client c("127.0.0.1", port_);
  // Generous: a sign-in is an argon2id check, slow under ASan on a busy machine.
  c.set_read_timeout(std::chrono::seconds(60));
  auto r = c.Post(path, cookie_headers(), form);
  keep_cookies(r);
  return r;
}

httplib::Result AdminClient::submit(const std::string& path, const httplib::Params& form) {
  httplib::MultipartFormDataItems items;
  for (const auto& [name, value] : form) items.push_back({name, value, "", ""});
  httplib::Client c("127.0.0.1", port_);
  // Generous: a sign-in is an argon2id check, slow under ASan on a busy machine.
  c.set_read_timeout(std::chrono::seconds(60));
  auto r = c.Post(path, cookie_headers(), items);
  keep_cookies(r);
  return r;
}

std::string csrf_in(const std::string& html) {
  const std::string marker = "name=\"csrf\" value=\"";
  auto pos = html.find(marker);
  if (pos == std::string::npos) return "";
  pos += marker.size();
  return html.substr(pos, html.find('"', pos) - pos);
}

std::string AdminClient::csrf_from(const std::string& path) {
  auto r = get(path);
  return r ? csrf_in(r->body) : "";
}

int AdminClient::sign_in(const std::string& user, const std::string& password) {
  std::string csrf = csrf_from("/admin/login");
  auto r = post("/admin/login", {{"username", user}, {"password", password}, {"csrf", csrf}});
  return r ? r->status : -1;
}

}  // namespace gazette::test
