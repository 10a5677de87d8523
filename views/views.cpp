// Template loading and rendering (see views.h).
#include "views/views.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "views/compiled_template.h"
#include "views/embedded.h"
#include "views/render_context.h"

namespace gazette {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kViewsDir = "views/";
constexpr std::string_view kSuffix = ".mustache";
constexpr int kMaxPartialDepth = 16;

using kainjow::mustache::data;

// The entity escape_html writes for `ch`, or null for a byte it copies.
constexpr const char* entity_of(char ch) {
  switch (ch) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&apos;";
    default:
      return nullptr;
  }
}

// Nonzero when one of the eight bytes of `word` is `ch` (the exact "has a zero byte"
// test of Hacker's Delight 6-1 on word ^ ch repeated).
constexpr std::uint64_t has_byte(std::uint64_t word, unsigned char ch) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::uint64_t x = word ^ (kOnes * ch);
  return (x - kOnes) & ~x & kHighs;
}

// The index of the first byte from `i` on that escape_html replaces, or s.size(). Eight
// bytes at a time: a page's titles and summaries are mostly plain text.
std::size_t next_to_escape(const std::string& s, std::size_t i) {
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (has_byte(word, '&') | has_byte(word, '<') | has_byte(word, '>') | has_byte(word, '"') |
        has_byte(word, '\'')) {
      break;
    }
  }
  while (i < s.size() && !entity_of(s[i])) ++i;
  return i;
}

}  // namespace

void append_escaped_html(std::string& out, const std::string& s) {
  std::size_t plain = 0;  // the start of the bytes not yet copied
  for (;;) {
    std::size_t i = next_to_escape(s, plain);
    out.append(s, plain, i - plain);
    if (i == s.size()) return;
    out += entity_of(s[i]);
    plain = i + 1;
  }
}

std::string escape_html(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  append_escaped_html(out, s);
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
    pages_.try_emplace(page, std::move(parsed)).first->second.compiled =
        CompiledTemplate::compile(full);
  }
}

std::string Views::render(std::string_view page, const TemplateData& context,
                          const TemplateData* layout) const {
  std::string name(page);
  auto it = pages_.find(name);
  if (it == pages_.end()) throw ViewError("no page template \"" + name + "\"");
  const Page& entry = it->second;
  std::string out;
  out.reserve(32 * 1024);
  if (entry.compiled) {
    RenderContext lookup(layout, &context);
    entry.compiled->render(lookup, out, append_escaped_html);
    return out;
  }
  const data merged = context.to_kainjow(layout);
  std::unique_ptr<Template> tmpl;
  {
    std::lock_guard lock(entry.mutex);
    if (!entry.spares.empty()) {
      tmpl = std::move(entry.spares.back());
      entry.spares.pop_back();
    }
  }
  if (!tmpl) tmpl = std::make_unique<Template>(entry.parsed);
  Sink sink{out};
  tmpl->render(merged, sink);
  if (!tmpl->is_valid()) {
    // The copy now carries the error, and every later render would fail: it is dropped.
    throw ViewError("rendering " + name + ": " + tmpl->error_message());
  }
  std::lock_guard lock(entry.mutex);
  entry.spares.push_back(std::move(tmpl));
  return out;
}

}  // namespace gazette
