// Template loading and rendering (see views.h).
#include "views/views.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "views/embedded.h"

namespace gazette {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kViewsDir = "views/";
constexpr std::string_view kSuffix = ".mustache";
constexpr int kMaxPartialDepth = 16;

using kainjow::mustache::data;

// kainjow's context (the stack of data a template's names are looked up in) with the
// same rules, without its cost: kainjow splits a dotted name ("article.title") through
// a std::stringstream on every lookup, which was a sixth of an article page's render.
// The top of the stack is the back of items_.
class Context final : public kainjow::mustache::basic_context<std::string> {
 public:
  // `under`, when not null, sits below `root`: names not in root are looked up in it.
  Context(const data* under, const data* root) {
    if (under) items_.push_back(under);
    items_.push_back(root);
  }
  void push(const data* item) override { items_.push_back(item); }
  void pop() override { items_.pop_back(); }

  // The innermost data that has `name`. A dotted name must resolve whole within one
  // item of the stack; its parts are split as kainjow's split() does (by '.', an empty
  // last part dropped).
  const data* get(const std::string& name) const override {
    if (name.size() == 1 && name[0] == '.') return items_.back();
    const bool dotted = name.find('.') != std::string::npos;
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
      const data* var = dotted ? resolve(*it, name) : (*it)->get(name);
      if (var) return var;
    }
    return nullptr;
  }

  const data* get_partial(const std::string& name) const override {
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
      if (const data* var = (*it)->get(name)) return var;
    }
    return nullptr;
  }

 private:
  const data* resolve(const data* var, const std::string& name) const {
    std::size_t start = 0;
    while (var) {
      std::size_t dot = name.find('.', start);
      if (dot == std::string::npos && start == name.size()) break;  // empty last part
      std::size_t end = dot == std::string::npos ? name.size() : dot;
      part_.assign(name, start, end - start);
      var = var->get(part_);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return var;
  }

  std::vector<const data*> items_;
  mutable std::string part_;  // reused, so that a lookup allocates nothing
};

}  // namespace

std::string escape_html(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  std::size_t plain = 0;  // the start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char* entity = nullptr;
    switch (s[i]) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      case '\'':
        entity = "&apos;";
        break;
      default:
        continue;
    }
    out.append(s, plain, i - plain);
    out += entity;
    plain = i + 1;
  }
  out.append(s, plain);
  return out;
}

namespace {

// What kainjow writes the page to.
struct Sink {
  std::string& out;
  Sink& operator<<(const std::string& s) {
    out += s;
    return *this;
  }
};

// Every template by name ("card"), embedded first, then the theme's on top.
std::map<std::string, std::string> collect_sources(const std::optional<std::string>& theme_dir) {
  std::map<std::string, std::string> sources;
  for (const auto& f : embedded_files()) {
    if (!f.path.starts_with(kViewsDir) || !f.path.ends_with(kSuffix)) continue;
    auto name = f.path.substr(kViewsDir.size(), f.path.size() - kViewsDir.size() - kSuffix.size());
    sources.emplace(std::string(name), std::string(f.data));
  }
  if (!theme_dir) return sources;
  fs::path dir = fs::path(*theme_dir) / "views";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return sources;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != kSuffix) continue;
    auto text = read_theme_or_embedded(theme_dir, "views/" + entry.path().filename().string());
    if (text) sources[entry.path().stem().string()] = std::move(*text);
  }
  return sources;
}

// Replaces every {{> name}} in `text` by that partial's source, recursively, so that a
// render never parses a partial again (kainjow parses partials on every render).
std::string inline_partials(const std::string& owner, const std::string& text,
                            const std::map<std::string, std::string>& sources,
                            const std::string& content, int depth) {
  if (depth > kMaxPartialDepth) {
    throw ViewError("views/" + owner + ".mustache: partials nested more than " +
                    std::to_string(kMaxPartialDepth) + " deep (does a partial include itself?)");
  }
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (;;) {
    auto open = text.find("{{>", pos);
    if (open == std::string::npos) break;
    auto close = text.find("}}", open);
    if (close == std::string::npos) break;  // the parser reports the unclosed tag
    std::string name = text.substr(open + 3, close - open - 3);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    out.append(text, pos, open - pos);
    if (name == "content") {
      out += content;
    } else {
      auto it = sources.find(name);
      if (it == sources.end()) {
        throw ViewError("views/" + owner + ".mustache: unknown partial \"" + name +
                        "\" (no views/" + name + ".mustache)");
      }
      out += inline_partials(name, it->second, sources, content, depth + 1);
    }
    pos = close + 2;
  }
  out.append(text, pos);
  return out;
}

}  // namespace

std::optional<std::string> read_theme_or_embedded(const std::optional<std::string>& theme_dir,
                                                  const std::string& relative) {
  if (theme_dir) {
    fs::path p = fs::path(*theme_dir) / relative;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      std::ifstream in(p, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      if (!in) throw ViewError(p.string() + ": cannot read the theme file");
      return ss.str();
    }
  }
  if (auto e = embedded_file(relative)) return std::string(*e);
  return std::nullopt;
}

Views::Views(const std::optional<std::string>& theme_dir) {
  auto sources = collect_sources(theme_dir);
  // Each file alone first, so that an error names the file it is in rather than the
  // page it ends up in.
  for (const auto& [name, text] : sources) {
    kainjow::mustache::mustache alone(text);
    if (!alone.is_valid()) {
      throw ViewError("views/" + name + ".mustache: " + alone.error_message());
    }
  }
  auto layout = sources.find("layout");
  if (layout == sources.end()) throw ViewError("views/layout.mustache: missing");
  for (const char* page : kPages) {
    auto it = sources.find(page);
    if (it == sources.end()) throw ViewError(std::string("views/") + page + ".mustache: missing");
    std::string body = inline_partials(page, it->second, sources, "", 0);
    std::string full = inline_partials("layout", layout->second, sources, body, 0);
    kainjow::mustache::mustache parsed(full);
    if (!parsed.is_valid()) {
      throw ViewError(std::string("views/") + page +
                      ".mustache (inside layout.mustache): " + parsed.error_message());
    }
    parsed.set_custom_escape(escape_html);
    pages_.try_emplace(page, std::move(parsed));
  }
}

std::string Views::render(std::string_view page, const kainjow::mustache::data& context,
                          const kainjow::mustache::data* layout) const {
  std::string name(page);
  auto it = pages_.find(name);
  if (it == pages_.end()) throw ViewError("no page template \"" + name + "\"");
  const Page& entry = it->second;
  std::unique_ptr<Template> tmpl;
  {
    std::lock_guard lock(entry.mutex);
    if (!entry.spares.empty()) {
      tmpl = std::move(entry.spares.back());
      entry.spares.pop_back();
    }
  }
  if (!tmpl) tmpl = std::make_unique<Template>(entry.parsed);
  std::string out;
  out.reserve(32 * 1024);
  Context lookup(layout, &context);
  Sink sink{out};
  tmpl->render(lookup, sink);
  if (!tmpl->is_valid()) {
    // The copy now carries the error, and every later render would fail: it is dropped.
    throw ViewError("rendering " + name + ": " + tmpl->error_message());
  }
  std::lock_guard lock(entry.mutex);
  entry.spares.push_back(std::move(tmpl));
  return out;
}

}  // namespace gazette
