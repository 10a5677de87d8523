// Test support for the admin: a site seeded with known articles and an editor whose
// password the test knows, and a browser-like client that keeps cookies and reads the
// CSRF token out of each form it fetches.
#pragma once

#include <httplib.h>

#include <map>
#include <string>
#include <vector>

#include "content/article.h"
#include "tests/process_support.h"

namespace gazette::test {

inline constexpr const char* kEditor = "editor";
inline constexpr const char* kEditorPassword = "correct horse battery staple";

// A database at `path` holding `articles` (validated) and the user kEditor.
void seed_admin_site(const std::string& path, std::vector<gazette::Article> articles);

// A published (or draft) article for seeding.
gazette::Article seed_article(const std::string& slug, const std::string& title,
                              std::vector<std::string> tags, const std::string& body,
                              gazette::Status status = gazette::Status::published,
                              const std::string& date = "2026-01-10T09:00:00Z");

// One browser: its cookies, kept from every Set-Cookie (Max-Age=0 deletes).
class AdminClient {
 public:
  explicit AdminClient(int port) : port_(port) {}

  httplib::Result get(const std::string& path);
  // A form posted urlencoded (sign-in, sign-out, delete).
  httplib::Result post(const std::string& path, const httplib::Params& form);
  // A form posted as multipart/form-data, as the article form is.
  httplib::Result submit(const std::string& path, const httplib::Params& form);
  // GET `path`, then the value of the first csrf field in the page ("" when none).
  std::string csrf_from(const std::string& path);
  // Signs in through the form; the status of the POST (303 on success).
  int sign_in(const std::string& user = kEditor, const std::string& password = kEditorPassword);

  std::map<std::string, std::string> cookies;
  // Sent with every request besides the cookies.
  httplib::Headers extra_headers;

 private:
  httplib::Headers cookie_headers() const;
  void keep_cookies(const httplib::Result& r);
  int port_;
};

// The value of the first `name="csrf" value="…"` in `html` ("" when none).
std::string csrf_in(const std::string& html);

}  // namespace gazette::test
