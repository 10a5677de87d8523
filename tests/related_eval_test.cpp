// Quality of the related lists, measured on text no one in this project wrote: the
// noun definitions of WordNet 3.0 (Debian package wordnet-base, /usr/share/wordnet;
// WordNet 3.0 licence, Princeton University: free use, copy and distribution with the
// copyright notice). Each synset is an article: its words as the title, its gloss as
// the body. Its topic label is WordNet's lexicographer file (noun.animal, noun.food...),
// which Gazette never sees. Precision@k: the share of the shown related articles (the
// first k of each list) that have the article's label. README "Related articles" has
// the figures and the reasoning behind the floors.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"
#include "db/related.h"
#include "db/schema.h"

using namespace gazette;

namespace {

constexpr const char* kWordNet = "/usr/share/wordnet/data.noun";
constexpr const char* kNow = "2026-06-01T00:00:00Z";

// Ten lexicographer files with everyday topics, and documents per file.
const std::map<int, std::string> kLabels = {
    {5, "animal"},  {6, "artifact"}, {8, "body"},       {10, "communication"}, {13, "food"},
    {18, "person"}, {20, "plant"},   {27, "substance"}, {28, "time"},          {14, "group"}};
constexpr std::size_t kPerLabel = 250;

struct Doc {
  std::string slug, title, body, label, hypernym;
};

std::string words_of(std::string w) {
  std::replace(w.begin(), w.end(), '_', ' ');
  return w;
}

// Every kPerLabel-th-spread synset of each label whose gloss has at least 8 words,
// in file order (deterministic), with its first hypernym's first word.
std::vector<Doc> load_corpus() {
  std::ifstream in(kWordNet);
  std::map<std::string, std::string> first_word;  // offset -> first lemma
  struct Raw {
    std::string offset, title, gloss, hypernym_offset;
    int lex;
  };
  std::vector<Raw> raws;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ' ') continue;
    std::istringstream ss(line.substr(0, line.find(" | ")));
    Raw r;
    std::string type, count;
    ss >> r.offset >> r.lex >> type >> count;
    int n = std::stoi(count, nullptr, 16);
    std::vector<std::string> lemmas;
    for (int i = 0; i < n; ++i) {
      std::string w, lex_id;
      ss >> w >> lex_id;
      lemmas.push_back(words_of(w));
    }
    first_word[r.offset] = lemmas.front();
    int pointers = 0;
    ss >> pointers;
    for (int i = 0; i < pointers; ++i) {
      std::string sym, off, pos, st;
      ss >> sym >> off >> pos >> st;
      if (sym == "@" && r.hypernym_offset.empty()) r.hypernym_offset = off;
    }
    auto bar = line.find(" | ");
    if (bar == std::string::npos || !kLabels.count(r.lex)) continue;
    r.gloss = line.substr(bar + 3);
    while (!r.gloss.empty() && r.gloss.back() == ' ') r.gloss.pop_back();
    if (std::count(r.gloss.begin(), r.gloss.end(), ' ') < 7) continue;
    for (const auto& l : lemmas) r.title += (r.title.empty() ? "" : ", ") + l;
    raws.push_back(std::move(r));
  }
  std::map<int, std::vector<const Raw*>> by_label;
  for (const auto& r : raws) by_label[r.lex].push_back(&r);
  std::vector<Doc> docs;
  for (const auto& [lex, list] : by_label) {
    for (std::size_t i = 0; i < kPerLabel && i < list.size(); ++i) {
      const Raw& r = *list[i * list.size() / kPerLabel];
      docs.push_back({"wn-" + r.offset, r.title.substr(0, 300), r.gloss.substr(0, 1000),
                      kLabels.at(lex), first_word[r.hypernym_offset]});
    }
  }
  return docs;
}

struct Result {
  double p3 = 0, p5 = 0, coverage = 0;
};

// Imports `docs` with `tags_of(doc)` under `w`, and measures the lists.
Result measure(const std::vector<Doc>& docs, const db::RelatedWeights& w,
               const std::function<std::vector<std::string>(const Doc&, std::size_t)>& tags_of) {
  auto c = std::make_unique<db::Connection>(":memory:", db::OpenMode::read_write_create);
  db::configure_connection(*c);
  db::migrate(*c);
  std::vector<Article> articles;
  std::map<std::string, std::string> label;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    Article a;
    a.slug = docs[i].slug;
    a.title = docs[i].title;
    a.body_markdown = docs[i].body;
    a.tags = tags_of(docs[i], i);
    a.status = Status::published;
    a.published_at = "2026-01-01T00:00:00Z";
    REQUIRE(normalize_and_validate(a, kNow).empty());
    label[a.slug] = docs[i].label;
    articles.push_back(std::move(a));
  }
  REQUIRE(std::holds_alternative<db::SaveResult>(db::save_articles(*c, articles, kNow, w)));
  std::size_t hits3 = 0, shown3 = 0, hits5 = 0, shown5 = 0, covered = 0;
  auto ids = c->prepare("SELECT id, slug FROM articles");
  while (ids.step()) {
    auto list = db::related_public(*c, ids.int64(0), kNow, 5);
    const std::string& mine = label.at(ids.text(1));
    covered += !list.empty();
    for (std::size_t k = 0; k < list.size(); ++k) {
      bool hit = label.at(list[k].slug) == mine;
      if (k < 3) hits3 += hit, ++shown3;
      hits5 += hit, ++shown5;
    }
  }
  return {shown3 ? double(hits3) / shown3 : 0, shown5 ? double(hits5) / shown5 : 0,
          double(covered) / docs.size()};
}

}  // namespace

TEST_CASE("related lists on WordNet: precision against topic labels", "[related][eval]") {
  REQUIRE(std::filesystem::exists(kWordNet));  // Debian package wordnet-base (make test)
  auto docs = load_corpus();
  REQUIRE(docs.size() == kLabels.size() * kPerLabel);

  auto no_tags = [](const Doc&, std::size_t) { return std::vector<std::string>{}; };
  auto hypernym = [](const Doc& d, std::size_t) {
    return d.hypernym.empty() ? std::vector<std::string>{}
                              : std::vector<std::string>{d.hypernym.substr(0, 50)};
  };
  // Two of twenty place names at random: tags unrelated to the topic.
  const std::vector<std::string> places = {
      "oslo",  "lima",  "paris", "cairo", "quito",   "hanoi", "accra", "dublin", "perth", "delhi",
      "osaka", "tunis", "sofia", "riga",  "nairobi", "bern",  "turin", "porto",  "lagos", "kyiv"};
  auto place_tags = [&places](const Doc&, std::size_t i) {
    std::mt19937 rng(static_cast<unsigned>(i));
    std::uniform_int_distribution<std::size_t> pick(0, places.size() - 1);
    std::string a = places[pick(rng)], b = places[pick(rng)];
    return a == b ? std::vector<std::string>{a} : std::vector<std::string>{a, b};
  };

  db::RelatedWeights gazette;
  gazette.recency = 0;  // every document has the same date anyway
  db::RelatedWeights tag_only = gazette;
  tag_only.title = tag_only.summary = tag_only.body = tag_only.tag_words = 0;
  tag_only.tag_boost = 1;

  Result text = measure(docs, gazette, no_tags);
  Result with_hypernyms = measure(docs, gazette, hypernym);
  Result tags = measure(docs, tag_only, hypernym);
  Result with_places = measure(docs, gazette, place_tags);
  Result places_only = measure(docs, tag_only, place_tags);
  // Random choice: the share of other documents with the same label.
  double random = double(kPerLabel - 1) / double(docs.size() - 1);

  WARN("WordNet nouns, " << docs.size() << " documents, " << kLabels.size()
                         << " labels (P@3 / P@5 / share of articles with a list)\n"
                         << "gazette, text only:              " << text.p3 << " / " << text.p5
                         << " / " << text.coverage << "\n"
                         << "gazette, text + hypernym tags:   " << with_hypernyms.p3 << " / "
                         << with_hypernyms.p5 << " / " << with_hypernyms.coverage << "\n"
                         << "tag-only (hypernym tags):        " << tags.p3 << " / " << tags.p5
                         << " / " << tags.coverage << "\n"
                         << "gazette, text + 2 place tags:    " << with_places.p3 << " / "
                         << with_places.p5 << " / " << with_places.coverage << "\n"
                         << "tag-only (place tags):           " << places_only.p3 << " / "
                         << places_only.p5 << " / " << places_only.coverage << "\n"
                         << "random:                          " << random << " / " << random);

  // Floors: see README "Related articles".
  CHECK(text.p3 >= 0.50);
  CHECK(text.p5 >= 0.48);
  CHECK(text.p5 >= 4 * random);
  CHECK(with_hypernyms.p5 >= text.p5);
  // Place names, unrelated to the topic, do not swamp the text: precision stays within
  // 0.05 of text only, where place tags alone are no better than chance.
  CHECK(with_places.p5 >= text.p5 - 0.05);
  CHECK(places_only.p5 < 2 * random);
}
