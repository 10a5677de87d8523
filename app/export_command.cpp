// gazette export [--db PATH] --out DIR [--base-url URL] [--theme DIR] — the whole public
// site as static files, rendered by the same code and templates as the live server, so
// an exported page is byte-for-byte the live page. Each URL /x/y becomes x/y/index.html
// (served by any static host, and by nginx with `try_files $uri $uri/index.html =404`).
// The site is written into a temporary folder beside DIR and swapped in at the end, so
// a failed export never leaves half a site.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "app/app.h"
#include "app/commands.h"
#include "content/dates.h"
#include "db/database.h"
#include "handlers/http.h"
#include "handlers/pages.h"

namespace gazette {

namespace fs = std::filesystem;

namespace {

// A file in every export: its presence says a folder may be replaced by the next export.
constexpr const char* kMarker = ".gazette-export";

struct ExportError {
  std::string message;
};

class SiteWriter {
 public:
  explicit SiteWriter(fs::path root) : root_(std::move(root)) {}

  // Writes `body` at `url` ("/articles/x" -> articles/x/index.html; "/feed.xml" as is).
  void write(const std::string& url, const std::string& body) {
    fs::path rel = url.substr(1);
    bool is_file = url.rfind('.') != std::string::npos && url.rfind('.') > url.rfind('/');
    fs::path path = url == "/" ? root_ / "index.html"
                    : is_file  ? root_ / rel
                               : root_ / rel / "index.html";
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out << body;
    out.close();
    if (ec || !out) {
      throw ExportError{path.string() + ": cannot write it (" + std::strerror(errno) + ")"};
    }
    ++files_;
  }

  // Writes a rendered page, which must have rendered fine (200).
  void write_page(const std::string& url, const RenderedPage& page) {
    if (page.status != 200) {
      throw ExportError{url + ": rendering answered " + std::to_string(page.status)};
    }
    write(url, page.body);
  }

  int files() const { return files_; }

 private:
  fs::path root_;
  int files_ = 0;
};

std::string random_suffix() {
  std::random_device rd;
  return std::to_string(rd() % 1000000);
}

// Replaces `target` by `fresh`: a folder that is missing, empty, or an earlier export.
void swap_in(const fs::path& fresh, const fs::path& target) {
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) throw ExportError{target.string() + ": not a directory"};
    if (!fs::is_empty(target, ec) && !fs::exists(target / kMarker, ec)) {
      throw ExportError{target.string() +
                        ": the folder is not empty and not an earlier export; choose an empty "
                        "or new folder"};
    }
    fs::path old = target.string() + ".old-" + random_suffix();
    fs::rename(target, old, ec);
    if (ec) throw ExportError{target.string() + ": cannot replace it (" + ec.message() + ")"};
    fs::rename(fresh, target, ec);
    if (ec) {
      fs::rename(old, target);  // put the previous export back
      throw ExportError{target.string() + ": cannot replace it (" + ec.message() + ")"};
    }
    fs::remove_all(old, ec);
    return;
  }
  fs::rename(fresh, target, ec);
  if (ec) throw ExportError{target.string() + ": cannot create it (" + ec.message() + ")"};
}

void export_site(App& app, db::Connection& c, SiteWriter& out) {
  std::string now = app.now();
  // Listings: the home page and its pages.
  auto first = render_home(app, c, now, 1);
  out.write_page("/", first);
  auto total = db::list_public(c, now, 1, 0).total;
  int pages = static_cast<int>((total + kPageSize - 1) / kPageSize);
  for (int p = 2; p <= pages; ++p)
    out.write_page(listing_page_url("/", p), render_home(app, c, now, p));

  for (const auto& slug : db::public_slugs(c, now)) {
    out.write_page("/articles/" + slug, render_article(app, c, now, slug));
  }
  for (const auto& tag : db::top_tags(c, now, 1 << 30)) {
    // The folder is the tag itself: a static server decodes /tags/city%20council.
    std::string base = "/tags/" + tag.tag;
    int tag_pages = static_cast<int>((tag.count + kPageSize - 1) / kPageSize);
    for (int p = 1; p <= tag_pages; ++p) {
      out.write_page(listing_page_url(base, p), render_tag(app, c, now, tag.tag, p));
    }
    out.write_page(base + "/feed.xml", render_feed(app, c, now, tag.tag));
  }
  out.write_page("/feed.xml", render_feed(app, c, now, ""));
  out.write_page("/sitemap.xml", render_sitemap(app, c, now));
  out.write_page("/robots.txt", render_robots(app));
  for (const auto& [url, asset] : app.assets.all()) out.write(url, asset.body);
  out.write("/404.html", render_error(app, now, "/404.html", 404).body);
}

}  // namespace

int run_export(const Invocation& inv) {
  if (inv.config.out_dir.empty()) {
    std::cerr << "gazette: export needs --out DIR\n";
    return 2;
  }
  if (!inv.args.empty()) {
    std::cerr << "gazette: export takes no arguments (got \"" << inv.args.front() << "\")\n";
    return 2;
  }
  fs::path target = fs::absolute(inv.config.out_dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  fs::path fresh = target.string() + ".tmp-" + random_suffix();
  try {
    auto opened = db::open_database(inv.config.db);
    Config config = inv.config;
    if (config.base_url.empty()) config.base_url = default_base_url(config.host, config.port);
    App app(config, inv.config.db);
    app.now = [] { return now_iso8601(); };

    std::error_code ec;
    fs::create_directories(fresh, ec);
    if (ec) throw ExportError{fresh.string() + ": cannot create it (" + ec.message() + ")"};
    SiteWriter out(fresh);
    try {
      auto c = app.pool.acquire();
      export_site(app, *c, out);
      out.write("/" + std::string(kMarker), "exported by gazette; the next export replaces it\n");
      swap_in(fresh, target);
    } catch (...) {
      fs::remove_all(fresh, ec);
      throw;
    }
    std::cout << "exported " << out.files() << " files to " << target.string() << "\n";
    return 0;
  } catch (const ExportError& e) {
    std::cerr << "gazette: " << e.message << "\n";
  } catch (const db::OpenError& e) {
    std::cerr << "gazette: " << e.what() << "\n";
  } catch (const ViewError& e) {
    std::cerr << "gazette: template error: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "gazette: export failed: " << e.what() << "\n";
  }
  return 1;
}

}  // namespace gazette
