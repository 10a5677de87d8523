// Render micro-benchmarks: what one uncached public page costs the server, from the
// database read to the finished HTML, without HTTP. A temporary database of generated
// articles (2,000 by default, GAZETTE_BENCH_ARTICLES to change) is written once through
// the same write path as `gazette import`; then each benchmark renders pages the way the
// handlers do (handlers/pages.h), rotating over articles and tags so that no single row
// stays hot in SQLite's page cache. Not a test: built as gazette_bench, never run by
// ctest. bench/README.md says how to run and read it.
#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "app/app.h"
#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "handlers/page.h"
#include "handlers/pages.h"

namespace {

using namespace gazette;

constexpr const char* kNow = "2026-07-01T12:00:00Z";

// Deterministic filler text: pseudo-words built from syllables, so that bodies have
// the length and shape of the shared corpus (shared/bench/gen_corpus.py) without
// needing it.
class Words {
 public:
  explicit Words(unsigned seed) : rng_(seed) {
    static const char* const kSyllables[] = {"ka", "lo", "mer", "ti", "sa",  "ven", "do",
                                             "ru", "ne", "pol", "an", "is",  "tor", "ge",
                                             "mi", "ba", "ch",  "el", "wyn", "ost"};
    for (int i = 0; i < 600; ++i) {
      std::string w;
      int n = 1 + i % 3;
      for (int s = 0; s < n; ++s) w += kSyllables[(i * 7 + s * 13 + i / 20) % 20];
      vocabulary_.push_back(w);
    }
  }
  const std::string& word() { return vocabulary_[pick(vocabulary_.size())]; }
  std::string words(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      if (i) out += ' ';
      out += word();
    }
    return out;
  }
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

 private:
  std::mt19937 rng_;
  std::vector<std::string> vocabulary_;
};

// About 1,000 words of Markdown: paragraphs, sections, a list, emphasis, a link, R&D.
std::string body(Words& w) {
  std::string md;
  auto paragraph = [&](int n) {
    md +=
        w.words(n / 2) + " **" + w.word() + "** " + w.words(n / 2) + " R&D *" + w.word() + "*.\n\n";
  };
  paragraph(90);
  paragraph(80);
  for (int s = 0; s < 3; ++s) {
    md += "## " + w.words(4) + "\n\n";
    paragraph(100);
    paragraph(90);
    if (s == 1) {
      for (int i = 0; i < 4; ++i) md += "- " + w.words(8) + "\n";
      md += "\nSee [the report](https://example.org/" + w.word() + ") for 12.5% more.\n\n";
    }
  }
  return md;
}

// The benchmark's store and App, built once for the whole run.
struct Site {
  std::filesystem::path dir;
  std::unique_ptr<App> app;
  std::vector<std::string> slugs;
  std::vector<std::string> tags;

  Site() {
    spdlog::set_level(spdlog::level::warn);
    char tmpl[] = "/tmp/gazette-bench-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    std::string db = (dir / "bench.db").string();
    int n = 2000;
    if (const char* env = std::getenv("GAZETTE_BENCH_ARTICLES")) n = std::atoi(env);

    Words w(42);
    for (int t = 0; t < 40; ++t) tags.push_back("topic-" + w.word() + std::to_string(t));
    std::vector<Article> articles;
    for (int i = 0; i < n; ++i) {
      Article a;
      a.title = w.words(10);
      a.slug = "a" + std::to_string(i) + "-" + w.word();
      a.summary = w.words(35) + ".";
      a.body_markdown = body(w);
      a.author = "Author " + std::to_string(i % 30);
      std::size_t cluster = w.pick(8) * 5;
      std::size_t count = 2 + w.pick(4);
      for (std::size_t k = 0; k < count; ++k) {
        const std::string& t = tags[k == 0 || w.pick(4) == 0 ? w.pick(40) : cluster + w.pick(5)];
        if (std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end()) a.tags.push_back(t);
      }
      a.status = Status::published;
      int day = static_cast<int>(i * 730L / n);
      char date[32];
      std::snprintf(date, sizeof date, "%04d-%02d-%02dT%02d:00:00Z", 2024 + day / 365,
                    1 + (day % 365) / 31, 1 + (day % 365) % 28, i % 24);
      a.published_at = date;
      if (auto errors = normalize_and_validate(a, kNow); !errors.empty()) {
        throw std::runtime_error("generated article invalid: " + errors.front().field + ": " +
                                 errors.front().message);
      }
      articles.push_back(std::move(a));
    }
    {
      auto opened = db::open_database(db);
      auto saved = db::save_articles(*opened.connection, articles, kNow, db::RelatedWeights{});
      if (std::holds_alternative<db::SaveError>(saved)) throw std::runtime_error("save failed");
    }
    for (const auto& a : articles) slugs.push_back(a.slug);

    Config cfg;
    cfg.db = db;
    cfg.cache_mb = 0;
    cfg.base_url = "http://127.0.0.1:8080";
    app = std::make_unique<App>(cfg, db);
    app->now = [] { return std::string(kNow); };
  }
  ~Site() {
    app.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

Site& site() {
  static Site s;
  return s;
}

}  // namespace

TEST_CASE("render the public pages", "[render]") {
  Site& s = site();
  auto lease = s.app->pool.acquire();
  db::Connection& c = *lease;
  const std::string now = kNow;
  std::size_t next_article = 0;
  std::size_t next_tag = 0;
  // One sanity check per kind, so a benchmark never measures an error page.
  REQUIRE(render_article(*s.app, c, now, s.slugs[0]).status == 200);
  REQUIRE(render_home(*s.app, c, now, 1).status == 200);
  REQUIRE(render_tag(*s.app, c, now, s.tags[0], 1).status == 200);

  BENCHMARK("article page (a different article each time)") {
    const std::string& slug = s.slugs[next_article++ % s.slugs.size()];
    return render_article(*s.app, c, now, slug).body.size();
  };
  BENCHMARK("home page 1") {
    return render_home(*s.app, c, now, 1).body.size();
  };
  BENCHMARK("home page 7") {
    return render_home(*s.app, c, now, 7).body.size();
  };
  BENCHMARK("tag page 1 (a different tag each time)") {
    const std::string& tag = s.tags[next_tag++ % s.tags.size()];
    return render_tag(*s.app, c, now, tag, 1).body.size();
  };
}

TEST_CASE("the parts of an article page", "[render][parts]") {
  Site& s = site();
  auto lease = s.app->pool.acquire();
  db::Connection& c = *lease;
  const std::string now = kNow;
  std::size_t next = 0;

  BENCHMARK("database reads only (find_public + related_public)") {
    const std::string& slug = s.slugs[next++ % s.slugs.size()];
    auto a = db::find_public(c, slug, now);
    return db::related_public(c, a->id, now, 5).size() + a->body_html.size();
  };

  auto article = db::find_public(c, s.slugs[0], now);
  REQUIRE(article);
  PageMeta meta;
  meta.title = article->title;
  meta.path = "/articles/" + article->slug;
  meta.og_type = "article";
  BENCHMARK("base context (page; site, assets, nav tags shared)") {
    return public_context(*s.app, c, now, meta).own.is_object();
  };
  PageData page_data = public_context(*s.app, c, now, meta);
  TemplateData& ctx = page_data.own;
  TemplateData view = article_context(*article);
  view.set("body_html", article->body_html);
  ctx.set("article", view);
  ctx.set("jsonld", "{}");
  BENCHMARK("template only (article.mustache, context built)") {
    return s.app->views.render("article", ctx, page_data.layout.get()).size();
  };
}
