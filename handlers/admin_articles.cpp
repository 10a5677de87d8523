// The admin's article pages: the list, the form (new and edit), saving, the delete
// confirmation and delete, and the preview. Every route needs a live session: a GET
// without one goes to the sign-in page, a POST without one (or without the session's
// CSRF token) is refused with 403 and changes nothing. A save is committed with
// synchronous=FULL before its 303 goes out, and bumps the content generation so that
// every public page shows it on the next request.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <map>
#include <variant>

#include "app/app.h"
#include "content/dates.h"
#include "content/validate.h"
#include "db/database.h"
#include "db/editing.h"
#include "handlers/admin_page.h"
#include "handlers/handlers.h"
#include "handlers/http.h"
#include "handlers/page.h"
#include "handlers/pages.h"

namespace gazette {

using data = TemplateData;

namespace {

constexpr int kAdminPageSize = 50;

// The fields of the article form, as typed.
constexpr const char* kFormFields[] = {"title", "slug",   "summary",      "body",   "author",
                                       "tags",  "status", "published_at", "related"};

// A form field's name for a validator field name (the JSON record's names).
std::string form_field(std::string_view record_field) {
  return record_field == "body_markdown" ? "body" : std::string(record_field);
}

std::string label_of(std::string_view field) {
  if (field == "published_at") return "Publication date";
  if (field == "related") return "Pinned related articles";
  std::string label(field);
  if (!label.empty())
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
  return label;
}

// A validator message ("is required", "must be at most 300 characters (got 301)") as a
// sentence beside its field ("Title is required.").
std::string sentence(std::string_view field, std::string message) {
  for (std::string_view verb : {"is ", "must ", "may ", "could "}) {
    if (message.starts_with(verb)) {
      message = label_of(field) + " " + message;
      break;
    }
  }
  if (!message.empty()) {
    message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(message[0])));
    char last = message.back();
    if (last != '.' && last != '?' && last != '!') message += '.';
  }
  return message;
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;  // trimmed and emptied entries dropped by the validator
}

std::string join_commas(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// The form's values as typed, with a message by each bad field.
struct FormState {
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> errors;
  // Why nothing was saved when no field is to blame (the storage failed); "" otherwise.
  std::string unavailable;
};

FormState state_of(const Article& a) {
  FormState s;
  s.values["title"] = a.title;
  s.values["slug"] = a.slug;
  s.values["summary"] = a.summary;
  s.values["body"] = a.body_markdown;
  s.values["author"] = a.author;
  s.values["tags"] = join_commas(a.tags);
  s.values["status"] = to_string(a.status);
  s.values["published_at"] = a.published_at;
  s.values["related"] = join_commas(a.related);
  return s;
}

bool is_public(std::string_view status, std::string_view published_at, std::string_view now) {
  return status == "published" && !published_at.empty() && published_at <= now;
}

// "draft", "scheduled" or "published".
std::string status_label(std::string_view status, std::string_view published_at,
                         std::string_view now) {
  if (status != "published") return "draft";
  return published_at > now ? "scheduled" : "published";
}

// The one-time notice set by the previous response (a save, a delete), cleared here.
std::optional<std::string> take_notice(App& app, const httplib::Request& req,
                                       httplib::Response& res) {
  auto value = cookie_value(req, kNoticeCookie);
  if (!value) return std::nullopt;
  res.set_header("Set-Cookie", cookie_header(app, kNoticeCookie, "", "/admin", 0));
  if (*value == "saved") return "Saved.";
  if (*value == "created") return "Created.";
  if (*value == "deleted") return "Deleted.";
  return std::nullopt;
}

void set_notice(App& app, httplib::Response& res, std::string_view notice) {
  res.set_header("Set-Cookie", cookie_header(app, kNoticeCookie, notice, "/admin", 60));
}

std::string edit_url(std::string_view slug) {
  return "/admin/articles/" + std::string(slug) + "/edit";
}

// The form page: new (no `stored`) or edit.
void send_form(App& app, httplib::Response& res, int status, const Editor& editor,
               const FormState& state, const db::StoredArticle* stored,
               std::optional<std::string> notice, db::Connection& c) {
  const std::string now = app.now();
  data ctx = admin_context(app, stored ? "Edit: " + stored->article.title : "New article", &editor);
  data form;
  if (stored) {
    const std::string& slug = stored->article.slug;
    form.set("heading", data("Edit article"));
    form.set("is_edit", data(true));
    form.set("action", data("/admin/articles/" + slug));
    form.set("preview_url", data("/admin/articles/" + slug + "/preview"));
    form.set("delete_url", data("/admin/articles/" + slug + "/delete"));
    // With the time of the last save: a browser that kept the page (max-age) fetches it
    // anew after a save. The server's page cache ignores the parameter.
    form.set("view_url",
             data("/articles/" + slug + "?saved=" + url_encode_segment(stored->updated_at)));
    form.set("is_public",
             data(is_public(to_string(stored->article.status), stored->article.published_at, now)));
    form.set("submit", data("Save"));
  } else {
    form.set("heading", data("New article"));
    form.set("is_edit", data(false));
    form.set("action", data("/admin/articles"));
    form.set("submit", data("Create"));
  }
  form.set("has_errors", data(!state.errors.empty()));
  if (!state.unavailable.empty()) {
    form.set("alert", data("Nothing was saved: " + state.unavailable +
                           ". Everything you typed is still below; save again in a moment."));
  } else if (!state.errors.empty()) {
    form.set("alert", data("Nothing was saved. Please correct the fields marked below."));
  }
  ctx.set("form", std::move(form));
  for (const char* name : kFormFields) {
    data field;
    auto v = state.values.find(name);
    std::string value = v == state.values.end() ? std::string() : v->second;
    if (std::string_view(name) == "status") {
      field.set("is_published", data(value == "published"));
      field.set("is_draft", data(value != "published"));
    }
    field.set("value", data(std::move(value)));
    if (auto e = state.errors.find(name); e != state.errors.end()) {
      field.set("error", data(e->second));
    }
    ctx.set(name, std::move(field));
  }
  if (notice) ctx.set("notice", data(*notice));
  if (stored) {
    // The stored list as the engine ranked it (scheduled entries too; the sidebar shows
    // the first five public ones), with what made each one related.
    std::vector<data> items;
    for (const auto& r : db::related_explained(c, stored->id)) {
      if (items.size() == 10) break;
      data& item = items.emplace_back();
      item.set("url", data("/articles/" + r.slug));
      item.set("title", data(r.title));
      char score[32];
      std::snprintf(score, sizeof score, "%.3f", r.score);
      item.set("score", data(r.pinned ? std::string("pinned") : std::string(score)));
      std::string why;
      if (!r.shared_tags.empty()) why = "tags: " + join_commas(r.shared_tags);
      if (!r.shared_terms.empty()) {
        if (!why.empty()) why += "; ";
        why += "words: " + join_commas(r.shared_terms);
      }
      if (!why.empty()) item.set("why", data(std::move(why)));
    }
    ctx.set("has_related", data(!items.empty()));
    ctx.set("current_related", data(std::move(items)));
  }
  send_admin_page(app, res, status, "admin_form", ctx);
}

// The session of a GET, or a 303 to the sign-in page.
std::optional<Editor> editor_for_get(App& app, db::Connection& c, const httplib::Request& req,
                                     httplib::Response& res) {
  auto editor = signed_in_editor(app, c, req);
  if (!editor) see_other(res, "/admin/login");
  return editor;
}

// The session and the form of a POST; a 403 (no session, wrong CSRF token) or 400 (a
// body that is not a form) otherwise, and nothing is changed.
struct PostContext {
  Editor editor;
  Form form;
};
std::optional<PostContext> check_post(App& app, db::Connection& c, const httplib::Request& req,
                                      httplib::Response& res) {
  auto editor = signed_in_editor(app, c, req);
  if (!editor) {
    send_admin_error(app, req, res, 403, "You are not signed in, or your session has ended.");
    return std::nullopt;
  }
  std::string error;
  auto form = read_form(req, &error);
  auto token = cookie_value(req, kSessionCookie);
  if (!form || !token || !csrf_matches(*form, *token)) {
    if (!form) {
      send_admin_error(app, req, res, 400, "The form could not be read: " + error + ".");
    } else {
      spdlog::warn("audit: refused {} {} (no valid CSRF token) user={} addr={}", req.method,
                   req.path, editor->user.name, client_address(req));
      send_admin_error(app, req, res, 403,
                       "The form was not accepted (its security token is missing or does not "
                       "belong to your session). Reload the page and try again.");
    }
    return std::nullopt;
  }
  return PostContext{std::move(*editor), std::move(*form)};
}

// Reads the form into an article and validates it; `state` keeps what was typed and
// gets the messages.
Article read_article(const Form& form, const std::string& now, FormState& state) {
  for (const char* name : kFormFields) state.values[name] = form.get(name);
  Article a;
  a.title = form.get("title");
  a.slug = form.get("slug");
  a.summary = form.get("summary");
  // Browsers send textarea line breaks as CRLF; the Markdown is stored with LF.
  a.body_markdown.reserve(form.get("body").size());
  for (char ch : form.get("body")) {
    if (ch != '\r') a.body_markdown += ch;
  }
  a.author = form.get("author");
  a.tags = split_commas(form.get("tags"));
  a.related = split_commas(form.get("related"));
  a.published_at = form.get("published_at");
  bool status_ok = parse_status(form.get("status"), a.status);
  for (auto& e : normalize_and_validate(a, now)) {
    std::string field = form_field(e.field);
    state.errors.emplace(field, sentence(field, e.message));
  }
  if (!status_ok) state.errors["status"] = "Status must be draft or published.";
  return a;
}

// Saves the form of a POST to /admin/articles (`stored` empty) or /admin/articles/{slug}.
void save(App& app, const httplib::Request& req, httplib::Response& res,
          const std::optional<std::string>& slug) {
  auto c = app.pool.acquire();
  auto post = check_post(app, *c, req, res);
  if (!post) return;
  std::optional<db::StoredArticle> stored;
  if (slug) {
    stored = db::find_stored(*c, *slug);
    if (!stored) return send_admin_error(app, req, res, 404);
  }
  const std::string now = app.now();
  FormState state;
  Article a = read_article(post->form, now, state);
  if (!state.errors.contains("related")) {
    if (auto unknown = db::first_unknown_slug(*c, a.related)) {
      state.errors["related"] = "No article with slug \"" + *unknown + "\".";
    }
  }
  if (state.errors.empty()) {
    bool derive_slug =
        !stored && state.values["slug"].find_first_not_of(" \t") == std::string::npos;
    std::variant<db::SavedArticle, FieldError> saved;
    try {
      saved = db::save_article(*c, a, stored ? std::optional(stored->id) : std::nullopt,
                               derive_slug, now, app.config.related);
    } catch (const db::Error& e) {
      if (!db::is_unavailable(e)) throw;
      // The disk is full, read-only or locked: the transaction rolled back whole. The
      // editor gets the form back as typed, not an error page that loses the text.
      app.storage.failed(e, req.method + " " + req.path);
      state.unavailable = db::describe(e);
      res.set_header("Retry-After", "5");
      return send_form(app, res, 503, post->editor, state, stored ? &*stored : nullptr,
                       std::nullopt, *c);
    }
    if (auto* ok = std::get_if<db::SavedArticle>(&saved)) {
      app.storage.wrote();
      app.version.bump(app.now);
      spdlog::info("audit: {} article {} user={} addr={}", stored ? "saved" : "created", ok->slug,
                   post->editor.user.name, client_address(req));
      set_notice(app, res, stored ? "saved" : "created");
      return see_other(res, edit_url(ok->slug));
    }
    auto& error = std::get<FieldError>(saved);
    std::string field = form_field(error.field);
    state.errors.emplace(field, sentence(field, error.message));
  }
  send_form(app, res, 422, post->editor, state, stored ? &*stored : nullptr, std::nullopt, *c);
}

}  // namespace

void admin_list(App& app, const httplib::Request& req, httplib::Response& res) {
  auto c = app.pool.acquire();
  auto editor = editor_for_get(app, *c, req, res);
  if (!editor) return;
  auto page = requested_page(req, 1);
  if (!page) return send_admin_error(app, req, res, 400, kBadPageMessage);
  const std::string now = app.now();
  auto list = db::list_all(*c, kAdminPageSize, (*page - 1) * kAdminPageSize);

  data ctx = admin_context(app, "Articles", &*editor);
  std::vector<data> items;
  items.reserve(list.items.size());
  for (const auto& a : list.items) {
    data& item = items.emplace_back();
    item.set("title", data(a.title));
    item.set("slug", data(a.slug));
    item.set("edit_url", data(edit_url(a.slug)));
    item.set("preview_url", data("/admin/articles/" + a.slug + "/preview"));
    item.set("view_url",
             data("/articles/" + a.slug + "?saved=" + url_encode_segment(a.updated_at)));
    item.set("is_public", data(is_public(a.status, a.published_at, now)));
    item.set("status", data(status_label(a.status, a.published_at, now)));
    item.set("date_iso", data(a.published_at));
    std::string when = a.published_at.empty() ? "" : human_date(a.published_at);
    // A scheduled article's hour matters: it goes out by itself at that time.
    if (a.status == "published" && a.published_at > now) {
      when += ", " + a.published_at.substr(11, 5) + " UTC";
    }
    item.set("date_human", data(std::move(when)));
    item.set("author", data(a.author));
    item.set("tags_text", data(join_commas(a.tags)));
  }
  data listing;
  listing.set("total", data(std::to_string(list.total)));
  listing.set("has_items", data(!items.empty()));
  listing.set("items", data(std::move(items)));
  ctx.set("list", std::move(listing));
  std::int64_t pages = (list.total + kAdminPageSize - 1) / kAdminPageSize;
  if (pages > 1) {
    data pager;
    pager.set("page", data(std::to_string(*page)));
    pager.set("pages", data(std::to_string(pages)));
    if (*page > 1) pager.set("prev_url", data("/admin?page=" + std::to_string(*page - 1)));
    if (*page < pages) pager.set("next_url", data("/admin?page=" + std::to_string(*page + 1)));
    ctx.set("pager", std::move(pager));
  }
  if (auto notice = take_notice(app, req, res)) ctx.set("notice", data(*notice));
  send_admin_page(app, res, 200, "admin_list", ctx);
}

void admin_new_form(App& app, const httplib::Request& req, httplib::Response& res) {
  auto c = app.pool.acquire();
  auto editor = editor_for_get(app, *c, req, res);
  if (!editor) return;
  FormState state;
  state.values["status"] = "draft";
  state.values["author"] = editor->user.name;
  send_form(app, res, 200, *editor, state, nullptr, std::nullopt, *c);
}

void admin_create(App& app, const httplib::Request& req, httplib::Response& res) {
  save(app, req, res, std::nullopt);
}

void admin_edit_form(App& app, const httplib::Request& req, httplib::Response& res) {
  auto c = app.pool.acquire();
  auto editor = editor_for_get(app, *c, req, res);
  if (!editor) return;
  auto stored = db::find_stored(*c, req.matches[1].str());
  if (!stored) return send_admin_error(app, req, res, 404);
  send_form(app, res, 200, *editor, state_of(stored->article), &*stored, take_notice(app, req, res),
            *c);
}

void admin_update(App& app, const httplib::Request& req, httplib::Response& res) {
  save(app, req, res, req.matches[1].str());
}

void admin_delete_form(App& app, const httplib::Request& req, httplib::Response& res) {
  auto c = app.pool.acquire();
  auto editor = editor_for_get(app, *c, req, res);
  if (!editor) return;
  auto stored = db::find_stored(*c, req.matches[1].str());
  if (!stored) return send_admin_error(app, req, res, 404);
  data ctx = admin_context(app, "Delete: " + stored->article.title, &*editor);
  data del;
  del.set("title", data(stored->article.title));
  del.set("slug", data(stored->article.slug));
  del.set("action", data("/admin/articles/" + stored->article.slug + "/delete"));
  del.set("edit_url", data(edit_url(stored->article.slug)));
  ctx.set("del", std::move(del));
  send_admin_page(app, res, 200, "admin_delete", ctx);
}

void admin_delete(App& app, const httplib::Request& req, httplib::Response& res) {
  auto c = app.pool.acquire();
  auto post = check_post(app, *c, req, res);
  if (!post) return;
  const std::string slug = req.matches[1].str();
  if (!db::delete_article(*c, slug, app.config.related))
    return send_admin_error(app, req, res, 404);
  app.storage.wrote();
  app.version.bump(app.now);
  spdlog::info("audit: deleted article {} user={} addr={}", slug, post->editor.user.name,
               client_address(req));
  set_notice(app, res, "deleted");
  see_other(res, "/admin");
}

void admin_preview(App& app, const httplib::Request& req, httplib::Response& res) {
  auto c = app.pool.acquire();
  auto editor = editor_for_get(app, *c, req, res);
  if (!editor) return;
  auto article = db::find_any(*c, req.matches[1].str());
  if (!article) return send_admin_error(app, req, res, 404);
  RenderedPage page = render_article_page(app, *c, app.now(), std::move(*article), true);
  res.status = 200;
  res.set_content(std::move(page.body), page.content_type);
}

}  // namespace gazette
