// The page templates: loaded once at start-up (embedded, or overridden by --theme),
// partials and the page inlined into the layout, parsed once; rendered per request.
#pragma once

#include <kainjow/mustache.hpp>

#include "views/compiled_template.h"
#include "views/template_data.h"

#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gazette {

// A template that cannot be used; the message names the file and the parser's complaint.
class ViewError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Views {
 public:
  // The page templates every Views has: layout.mustache wraps each of them.
  static constexpr const char* kPages[] = {"home",       "article",     "error",
                                           "search",     "admin_login", "admin_list",
                                           "admin_form", "admin_delete"};

  // Loads the embedded templates, each replaced by `theme_dir`/views/NAME.mustache when
  // that file exists. Throws ViewError on a missing partial, partial recursion, an
  // unreadable theme file or a parse error.
  explicit Views(const std::optional<std::string>& theme_dir);

  // Renders page `page` (one of kPages) with `context`. Thread-safe. A compiled page
  // renders from const steps. A page rendered by kainjow (a theme's set-delimiter tag):
  // kainjow's render() is not const (it records errors in the template), so each render
  // takes a copy of the parsed template from the page's spares (or makes one) and puts
  // it back after; spares number the most renders of a page that ran at once.
  //
  // `layout`, when given, is looked in after `context`, as if its entries were
  // context's own: data that every page shows alike can be built once and shared.
  std::string render(std::string_view page, const TemplateData& context,
                     const TemplateData* layout = nullptr) const;

 private:
  using Template = kainjow::mustache::mustache;
  // A page's parsed template, and the copies of it no render is using now.
  struct Page {
    explicit Page(Template t) : parsed(std::move(t)) {}
    const Template parsed;
    // The same text compiled (views/compiled_template.h): what renders the page, unless
    // the text uses what CompiledTemplate does not repeat; then `parsed` does.
    std::optional<CompiledTemplate> compiled;
    mutable std::mutex mutex;
    mutable std::vector<std::unique_ptr<Template>> spares;  // guarded by mutex
  };
  std::unordered_map<std::string, Page> pages_;
};

// `s` escaped for HTML as kainjow's html_escape escapes it (& < > " ' as entities, every
// other byte as it is), byte for byte, but copying the runs between those characters
// at once: kainjow appends one byte at a time, a sixth of an article page's render.
// Every template's {{name}} goes through it.
std::string escape_html(const std::string& s);
// The same, appended to `out`.
void append_escaped_html(std::string& out, const std::string& s);

// Reads DIR/RELATIVE when a theme is set and the file is there, else the embedded file
// RELATIVE. Throws ViewError when a theme file exists but cannot be read.
std::optional<std::string> read_theme_or_embedded(const std::optional<std::string>& theme_dir,
                                                  const std::string& relative);

}  // namespace gazette
