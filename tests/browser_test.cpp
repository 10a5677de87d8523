// Browser tests: Debian's headless chromium loads the real server's pages at a desktop
// and a phone width. Screenshots go to <build>/screenshots/ for a person to look at;
// the assertions read the DOM chromium built and what it logged about the page.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/process_support.h"

using gazette::test::RunResult;
using gazette::test::ServerProcess;
using gazette::test::TempDir;

namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

// chromium --headless with a fresh profile, no network but loopback, nothing in the
// background; `extra` says what to do.
RunResult chromium(const std::vector<std::string>& extra, const std::string& url) {
  TempDir profile;
  std::vector<std::string> args = {"--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--no-first-run",
                                   "--hide-scrollbars",
                                   "--user-data-dir=" + profile.path().string()};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);
  return gazette::test::run_program(kChromium, args, std::chrono::seconds(90));
}

void screenshot(const ServerProcess& server, const std::string& path, const std::string& name,
                const std::string& size) {
  std::filesystem::path dir = GAZETTE_SCREENSHOT_DIR;
  std::filesystem::create_directories(dir);
  auto file = dir / (name + ".png");
  std::filesystem::remove(file);
  auto r =
      chromium({"--window-size=" + size, "--screenshot=" + file.string()}, server.url() + path);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(std::filesystem::exists(file));
  CHECK(std::filesystem::file_size(file) > 20000);  // a rendered page, not a blank one
  std::ifstream png(file, std::ios::binary);
  char magic[4] = {};
  png.read(magic, 4);
  CHECK(std::string(magic + 1, 3) == "PNG");
}

}  // namespace

TEST_CASE("chromium renders the article page with its related sidebar", "[browser][slow]") {
  REQUIRE(std::filesystem::exists(kChromium));
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  const std::string article = "/articles/eastquay-chosen-as-base-for-skerry-bank-wind-farm";

  // The DOM after chromium parsed the page, and its console messages (CSP violations
  // would be reported there).
  auto dom = chromium({"--dump-dom", "--enable-logging=stderr", "--v=0"}, server.url() + article);
  INFO(dom.err);
  REQUIRE(dom.exit_code == 0);
  auto aside = dom.out.find("<aside class=\"related\"");
  REQUIRE(aside != std::string::npos);
  std::string sidebar = dom.out.substr(aside, dom.out.find("</aside>", aside) - aside);
  int links = 0;
  for (auto p = sidebar.find("<a href=\"/articles/"); p != std::string::npos;
       p = sidebar.find("<a href=\"/articles/", p + 1)) {
    ++links;
  }
  // The demo's stories are on different subjects: content similarity relates only the
  // one on jobs at Tidewell Systems (related lists leave unrelated articles out).
  CHECK(links >= 1);
  CHECK(links <= 5);
  CHECK(sidebar.find("related-summary") != std::string::npos);
  CHECK(dom.out.find("<h1") != std::string::npos);
  CHECK(dom.err.find("Content Security Policy") == std::string::npos);
  CHECK(dom.err.find("Refused to") == std::string::npos);

  screenshot(server, article, "article-desktop", "1280,2000");
  screenshot(server, article, "article-phone", "390,1800");
}

TEST_CASE("chromium renders the home page", "[browser][slow]") {
  REQUIRE(std::filesystem::exists(kChromium));
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  auto dom = chromium({"--dump-dom", "--enable-logging=stderr", "--v=0"}, server.url() + "/");
  INFO(dom.err);
  REQUIRE(dom.exit_code == 0);
  CHECK(dom.out.find("<article class=\"lead\"") != std::string::npos);
  CHECK(dom.out.find("Wrenmouth") != std::string::npos);
  CHECK(dom.err.find("Refused to") == std::string::npos);
  screenshot(server, "/", "home-desktop", "1280,1800");
  screenshot(server, "/", "home-phone", "390,1800");
  screenshot(server, "/tags/climate", "tag-phone", "390,1400");
  screenshot(server, "/no-such-page", "not-found-desktop", "1280,900");
}
