// Unit tests of template loading and rendering.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <thread>
#include <utility>

#include "tests/process_support.h"
#include "views/assets.h"
#include "views/compiled_template.h"
#include "views/views.h"

using gazette::Views;
using data = gazette::TemplateData;

TEST_CASE("the embedded templates load and escape what they are given", "[views]") {
  Views views(std::nullopt);
  data ctx;
  data article;
  article.set("title", "<script>alert(\"x\")</script> & more");
  article.set("body_html", "<p>trusted</p>");
  ctx.set("article", article);
  ctx.set("jsonld", "{}");
  std::string html = views.render("article", ctx);
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more") !=
        std::string::npos);
  CHECK(html.find("<p>trusted</p>") != std::string::npos);   // body_html is ours, unescaped
  CHECK(html.find("<!DOCTYPE html>") != std::string::npos);  // the layout wraps the page
  CHECK(html.find("{{") == std::string::npos);               // every partial was inlined
}

TEST_CASE("rendering is safe from several threads at once", "[views][concurrency]") {
  Views views(std::nullopt);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        data ctx;
        data err;
        err.set("heading", "H" + std::to_string(t));
        ctx.set("error", err);
        if (views.render("error", ctx).find("H" + std::to_string(t)) != std::string::npos) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 200);
}

TEST_CASE("Views renders exactly what kainjow renders from the same text", "[views]") {
  // Views renders copies of the parsed text through its own lookup context; kainjow's own
  // render() of the inlined text is the reference.
  gazette::test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "views");
  const std::string layout = "{{! frame }}\n<main>\n  {{> content}}\n</main>\n{{site.name}}\n";
  const std::string page =
      "{{! page }}\n<h1>{{page.title}}</h1>\n"
      "{{#page.noindex}}<meta name=\"robots\">{{/page.noindex}}\n"
      "  {{#items}}\n  <li>{{name}} {{url}} {{page.title}} {{.}}{{missing.deep.name}}</li>\n"
      "  {{/items}}\n"
      "{{^items}}none{{/items}}\n"
      "{{#obj}}{{inner.value}}|{{title}}|{{page.title}}{{/obj}}\n"
      "{{{raw}}} {{&raw}} {{raw}}\n"
      "{{#words}}{{.}},{{/words}}\n"
      "{{odd.}}|{{a..b}}|{{.x}}\n";
  std::ofstream(dir / "views/layout.mustache") << layout;
  std::ofstream(dir / "views/error.mustache") << page;
  Views views(dir.path().string());

  data ctx;
  data p;
  p.set("title", "T & <t>");
  p.set("noindex", true);
  ctx.set("page", p);
  data site;
  site.set("name", "S");
  ctx.set("site", site);
  data items(data::type::list);
  for (int i = 0; i < 3; ++i) {
    data item;
    item.set("name", "n" + std::to_string(i));
    item.set("url", "/u?" + std::to_string(i) + "&x");
    if (i == 1) {
      data inner;
      inner.set("title", "shadow");
      item.set("page", inner);
    }
    items.push_back(item);
  }
  ctx.set("items", items);
  data obj;
  data inner;
  inner.set("value", "v\"");
  obj.set("inner", inner);
  obj.set("title", "o");
  ctx.set("obj", obj);
  ctx.set("raw", "<b>bold</b>");
  data words(data::type::list);
  words.push_back(data("w1"));
  words.push_back(data("w2"));
  ctx.set("words", words);
  data odd;
  odd.set("x", "unused");
  ctx.set("odd", odd);
  ctx.set("odd.", "never");

  std::string full = layout;
  full.replace(full.find("{{> content}}"), 13, page);
  kainjow::mustache::mustache reference(full);
  REQUIRE(reference.is_valid());
  const std::string expected = reference.render(ctx.to_kainjow());
  CHECK(views.render("error", ctx) == expected);
  CHECK(views.render("error", ctx) == expected);  // the spare copy, reused
  // Another Views renders its own templates, then this one again.
  Views embedded(std::nullopt);
  CHECK(embedded.render("error", ctx).find("<!DOCTYPE html>") != std::string::npos);
  CHECK(views.render("error", ctx) == expected);
}

TEST_CASE("theme templates: override, missing partial, recursion, parse error", "[views]") {
  gazette::test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "views");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / ("views/" + name)) << text;
  };
  std::optional<std::string> theme = dir.path().string();

  write("error.mustache", "<em>{{error.heading}}</em>");
  {
    Views views(theme);
    data ctx, err;
    err.set("heading", "Gone");
    ctx.set("error", err);
    CHECK(views.render("error", ctx).find("<em>Gone</em>") != std::string::npos);
  }
  write("error.mustache", "{{> nowhere}}");
  CHECK_THROWS_WITH(Views(theme), Catch::Contains("unknown partial \"nowhere\""));
  write("error.mustache", "{{> loop}}");
  write("loop.mustache", "{{> loop}}");
  CHECK_THROWS_WITH(Views(theme), Catch::Contains("include itself"));
  write("error.mustache", "{{#open}} never closed");
  CHECK_THROWS_WITH(Views(theme), Catch::Contains("views/error.mustache"));
}

TEST_CASE("assets get content-hashed URLs", "[views][assets]") {
  gazette::Assets assets(std::nullopt);
  std::string css = assets.url_of("style.css");
  REQUIRE(css.starts_with("/static/style."));
  CHECK(css.ends_with(".css"));
  const gazette::Asset* a = assets.find(css);
  REQUIRE(a);
  CHECK(a->content_type == "text/css; charset=utf-8");
  CHECK(css.find(gazette::content_hash(a->body, 12)) != std::string::npos);
  CHECK(assets.find("/static/style.css") == nullptr);
}

TEST_CASE("content_hash: 16 hex digits that change with every byte", "[views]") {
  std::string text(100, 'a');
  std::set<std::string> seen;
  // Every length from 0 to 100 (rounds of 32 bytes in four lanes, then 8-byte steps,
  // then a tail of 0-7 bytes), and every one-byte change of the longest.
  for (std::size_t n = 0; n <= text.size(); ++n) {
    std::string h = gazette::content_hash(std::string_view(text).substr(0, n));
    CHECK(h.size() == 16);
    CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(h == gazette::content_hash(text.substr(0, n)));  // stable
    seen.insert(h);
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string changed = text;
    changed[i] = 'b';
    seen.insert(gazette::content_hash(changed));
  }
  CHECK(seen.size() == 101 + 100);
  // Words swapped between lanes of a round, and between rounds, change it too.
  std::string words = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-";
  for (auto [a, b] : {std::pair{0, 8}, std::pair{8, 24}, std::pair{0, 32}, std::pair{16, 48}}) {
    std::string swapped = words;
    std::swap_ranges(swapped.begin() + a, swapped.begin() + a + 8, swapped.begin() + b);
    CHECK(gazette::content_hash(swapped) != gazette::content_hash(words));
  }
  CHECK(gazette::content_hash("abc", 12) == gazette::content_hash("abc").substr(0, 12));
  CHECK(gazette::content_hash("abc", 64).size() == 16);
}

TEST_CASE("escape_html gives kainjow's html_escape, byte for byte", "[views]") {
  std::string every;
  for (int b = 0; b < 256; ++b) every += static_cast<char>(b);
  CHECK(gazette::escape_html(every) == kainjow::mustache::html_escape<std::string>(every));
  // Entities at both ends, side by side, alone, and none at all.
  const std::vector<std::string> cases = {"",
                                          "&",
                                          "<>",
                                          "\"'",
                                          "plain",
                                          "&a<b>c\"d'e&",
                                          "ünïcode & 東京 <x>",
                                          "&&&&",
                                          "a&",
                                          "&a",
                                          std::string(1000, 'x') + "<" + std::string(3, 'y')};
  for (const std::string& s : cases) {
    INFO(s);
    CHECK(gazette::escape_html(s) == kainjow::mustache::html_escape<std::string>(s));
  }
  std::mt19937 rng(7);
  const std::string alphabet = "ab <>&\"'\xc3\xa9\n";
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    for (int n = static_cast<int>(rng() % 40); n > 0; --n) s += alphabet[rng() % alphabet.size()];
    INFO(s);
    REQUIRE(gazette::escape_html(s) == kainjow::mustache::html_escape<std::string>(s));
  }
}

TEST_CASE("data given as the layout's renders as if it were the page's own", "[views]") {
  Views views(std::nullopt);
  auto layout_part = [] {
    data layout;
    data site;
    site.set("name", "Site <name>");
    site.set("base_url", "http://example.test");
    layout.set("site", site);
    data nav(data::type::list);
    for (const char* t : {"harbour", "council"}) {
      data tag;
      tag.set("name", t);
      tag.set("url", std::string("/tags/") + t);
      nav.push_back(tag);
    }
    layout.set("nav_tags", nav);
    layout.set("year", "2026");
    return layout;
  };
  auto own_part = [](data& ctx) {
    data page;
    page.set("title", "A & B");
    ctx.set("page", page);
    data article;
    article.set("title", "Story");
    data tags(data::type::list);
    data tag;
    tag.set("name", "ferries");
    tag.set("url", "/tags/ferries");
    tags.push_back(tag);
    article.set("tags", tags);
    article.set("has_tags", true);
    ctx.set("article", article);
    ctx.set("jsonld", "{}");
  };
  data merged = layout_part();
  own_part(merged);
  data own;
  own_part(own);
  const data layout = layout_part();
  const std::string expected = views.render("article", merged);
  CHECK(expected.find("Site &lt;name&gt;") != std::string::npos);
  CHECK(expected.find("/tags/council") != std::string::npos);
  CHECK(views.render("article", own, &layout) == expected);
  // The page's own entries win over the layout's.
  data shadow;
  shadow.set("name", "Own site");
  own.set("site", shadow);
  CHECK(views.render("article", own, &layout).find("Own site") != std::string::npos);
}

namespace {

// kainjow's own render of `text` (its parser, its renderer, its context).
std::string kainjow_render(const std::string& text, const data& ctx) {
  kainjow::mustache::mustache reference(text);
  REQUIRE(reference.is_valid());
  return reference.render(ctx.to_kainjow());
}

std::string compiled_render(const std::string& text, const data& ctx) {
  auto compiled = gazette::CompiledTemplate::compile(text);
  REQUIRE(compiled);
  gazette::RenderContext lookup(nullptr, &ctx);
  std::string out;
  compiled->render(lookup, out, gazette::append_escaped_html);
  return out;
}

// Values of every kind a section or a variable can meet.
data sample_context() {
  data ctx;
  ctx.set("yes", true);
  ctx.set("no", false);
  ctx.set("text", "a <b> & 'c'");
  ctx.set("blank", "");
  data items(data::type::list);
  for (const char* v : {"one", "two"}) {
    data item;
    item.set("v", v);
    item.set("yes", false);  // shadows the outer one inside the list
    items.push_back(item);
  }
  ctx.set("items", items);
  ctx.set("none", data(data::type::list));
  data obj;
  obj.set("v", "inner");
  ctx.set("obj", obj);
  return ctx;
}

}  // namespace

TEST_CASE("compiled templates render what kainjow renders: standalone lines", "[views][compiled]") {
  const data ctx = sample_context();
  for (std::string text :
       {"{{#yes}}\nshown\n{{/yes}}\n",
        "  {{#no}}\n  hidden\n  {{/no}}\nafter\n",
        "{{^no}}\n\tnot no\n{{/no}}\n",
        "a\n  {{#items}}\n  - {{v}}\n  {{/items}}\nb",
        "{{#items}}{{v}},{{/items}}\n",
        "{{#none}}\nx\n{{/none}}\n{{^none}}\nempty\n{{/none}}",
        "{{! comment }}\n{{text}}\n",
        "x {{#yes}} \r\ny\r\n{{/yes}}\rz\r",
        "{{#obj}}\n{{v}}\n{{/obj}}",
        "{{#text}}[{{.}}]{{/text}}{{#blank}}[{{.}}]{{/blank}}",
        "{{{text}}} {{& text}} {{text}}",
        "{{#items}}\n{{#yes}}\ninner yes\n{{/yes}}\n{{^yes}}\ninner no\n{{/yes}}\n{{/items}}",
        "  {{#yes}}  {{/yes}}  \n",
        "{{#no}}{{/no}}\n",
        "{{missing}}\n{{#missing}}x{{/missing}}",
        "{{ text }}{{# yes }}Y{{/ yes }}{{{ text }}}",
        "",
        "\n\n",
        "{{#yes}}\n",
        "no break at end"}) {
    if (text == "{{#yes}}\n") text += "{{/yes}}";
    INFO(text);
    CHECK(compiled_render(text, ctx) == kainjow_render(text, ctx));
  }
}

TEST_CASE("compiled templates render what kainjow renders: random templates", "[views][compiled]") {
  const data ctx = sample_context();
  std::mt19937 rng(11);
  const std::vector<std::string> names = {"yes",  "no",  "text", "blank",   "items",
                                          "none", "obj", "v",    "missing", "."};
  const std::vector<std::string> pieces = {"a", "  ", "\t", "\n", "\r\n", "\r", "<&>", "{{! c }}"};
  auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
  // A random template of `depth` nested sections at most.
  std::function<std::string(int)> make = [&](int depth) {
    std::string out;
    for (int n = static_cast<int>(rng() % 8); n > 0; --n) {
      switch (rng() % 5) {
        case 0:
        case 1:
          out += pick(pieces);
          break;
        case 2: {
          const bool triple = rng() % 3 == 0;
          out += (triple ? "{{{" : "{{") + pick(names) + (triple ? "}}}" : "}}");
          break;
        }
        default:
          if (depth > 0) {
            std::string name = pick(names);
            if (name == ".") name = "yes";
            out += std::string(rng() % 2 ? "{{#" : "{{^") + name + "}}" + make(depth - 1) + "{{/" +
                   name + "}}";
          }
          break;
      }
    }
    return out;
  };
  for (int i = 0; i < 3000; ++i) {
    std::string text = make(3);
    INFO(text);
    REQUIRE(compiled_render(text, ctx) == kainjow_render(text, ctx));
  }
}

TEST_CASE("what compiled templates leave to kainjow", "[views][compiled]") {
  CHECK_FALSE(gazette::CompiledTemplate::compile("{{=<% %>=}}<% x %>"));
  CHECK_FALSE(gazette::CompiledTemplate::compile("a {{> partial}} b"));
  CHECK(gazette::CompiledTemplate::compile("a {{x}} b"));
  // Views still renders such a theme, through kainjow.
  gazette::test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "views");
  std::ofstream(dir / "views/error.mustache") << "{{=<% %>=}}<h1><% error.heading %></h1>";
  Views views(dir.path().string());
  data ctx;
  data err;
  err.set("heading", "Gone & lost");
  ctx.set("error", err);
  CHECK(views.render("error", ctx).find("<h1>Gone &amp; lost</h1>") != std::string::npos);
  // With data given as the layout's, under the page's own, as a compiled page has it.
  data layout;
  data site;
  site.set("name", "Layout site");
  layout.set("site", site);
  layout.set("error", "shadowed");
  std::ofstream(dir / "views/layout.mustache") << "{{site.name}}|{{> content}}";
  Views themed(dir.path().string());
  CHECK(themed.render("error", ctx, &layout) == "Layout site|<h1>Gone &amp; lost</h1>");
}

TEST_CASE("TemplateData keeps kainjow's rules for names, values and lists", "[views]") {
  data obj;
  obj.set("a", "first");
  obj.set("b", true);
  obj.set("a", "second");  // replaces
  REQUIRE(obj.get("a"));
  CHECK(obj.get("a")->string_value() == "second");
  CHECK(obj.get("b")->is_true());
  CHECK(obj.get("c") == nullptr);
  CHECK(data(false).is_false());
  CHECK_FALSE(data("").is_false());  // an empty string is a value, as in kainjow
  CHECK(data(data::type::list).is_empty_list());

  data text("plain");
  text.set("x", "ignored");         // only an object has names
  text.push_back(data("ignored"));  // only a list has items
  CHECK(text.get("x") == nullptr);
  CHECK(text.list_value().empty());

  data list(data::type::list);
  list.push_back(obj);
  list.push_back(data("item"));
  CHECK(list.is_non_empty_list());
  CHECK(list.list_value().size() == 2);

  // The kainjow copy has the same names, values and items.
  data root;
  root.set("obj", obj);
  root.set("list", list);
  root.set("no", false);
  auto k = root.to_kainjow();
  REQUIRE(k.get("obj"));
  CHECK(k.get("obj")->get("a")->string_value() == "second");
  CHECK(k.get("obj")->get("b")->is_true());
  CHECK(k.get("list")->list_value().size() == 2);
  CHECK(k.get("list")->list_value()[1].string_value() == "item");
  CHECK(k.get("no")->is_false());

  // Over another object: its names first, this one's over them.
  data under;
  under.set("no", true);
  under.set("only_under", "u");
  auto both = root.to_kainjow(&under);
  CHECK(both.get("no")->is_false());
  CHECK(both.get("only_under")->string_value() == "u");
  CHECK(both.get("obj")->get("a")->string_value() == "second");
}
