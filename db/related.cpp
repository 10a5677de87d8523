// Related lists, first version: pins first, then the published articles that share the
// most tags (cosine of the two tag sets), newer first on ties. The content-similarity
// engine replaces the scoring; the storage and the read path stay.
//
// How it stays fast on a big store. Scoring every pair of articles that share a tag is
// O(sum over tags of tag size²): with 100,000 articles on 40 topics that is 3.6 billion
// pair visits, most of them through the few most popular tags. But the score of B for
// A depends only on the two tag sets, so articles with the same tag set (a "group")
// are interchangeable: every member of a group gets the same ranking, and inside a
// group the candidates are ordered by date alone. So the ranking is computed once per
// group (the 100,000-article bench corpus has 28,800 distinct tag sets), over groups
// rather than articles, keeping only the best kKeep members of each group, and it
// stops walking tags once no unseen group can place (rank_group). The groups are
// ranked on every core; the rows are written afterwards, in the caller's transaction,
// on the caller's thread. A small write ranks only what it must (refresh_related).
//
// The result is exactly what scoring every pair gives: the same scores (same formula,
// same floating-point operations) and the same order, with ties broken by the newer
// publication date and then by the higher id (the one written later), a total order,
// so the lists don't depend on the number of threads. tests/related_test.cpp checks it
// against the pairwise definition.
#include "db/related.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <string>
#include <thread>
#include <unordered_map>

namespace gazette::db {

namespace {

// Candidates each group's ranking keeps: a list needs kStoredRelated entries after
// skipping the article itself and its p pins, which all sit among the best
// kStoredRelated + 1 whatever p (p pins leave kStoredRelated - p places to fill).
constexpr std::size_t kKeep = kStoredRelated + 1;

// A candidate for a list: an article (index into Corpus::articles) and its score.
struct Candidate {
  double score;
  std::uint32_t article;
};

// Everything the scoring needs, read once: the articles, their tag sets as groups, and
// the pins.
struct Corpus {
  struct Article {
    std::int64_t id = 0;
    std::uint32_t recency = 0;  // place in (published_at, id) order: higher is newer
    bool published = false;
    std::uint32_t group = 0;
  };
  struct Group {
    std::vector<std::uint32_t> tags;     // sorted tag numbers
    std::vector<std::uint32_t> members;  // published articles (indexes), best kKeep first
    std::uint32_t articles = 0;          // articles with this tag set, drafts included
  };
  std::vector<Article> articles;  // by id
  std::unordered_map<std::int64_t, std::uint32_t> index_of;
  std::vector<Group> groups;
  std::vector<std::vector<std::uint32_t>> groups_with_tag;  // tag -> groups with members
  std::uint32_t tag_count = 0;
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> pins;

  // Whether article x ranks before article y among candidates of equal score: the newer
  // publication date, then the higher id.
  bool newer(std::uint32_t x, std::uint32_t y) const {
    return articles[x].recency > articles[y].recency;
  }
  // Whether x ranks before y: the higher score, then the newer. A strict total order
  // (ids are unique), so the lists never depend on the order candidates come in.
  bool better(const Candidate& x, const Candidate& y) const {
    if (x.score != y.score) return x.score > y.score;
    return newer(x.article, y.article);
  }
};

Corpus load_corpus(Connection& c) {
  Corpus k;
  {
    // Ordered by id, so sorting by date alone (stable) leaves equal dates by id.
    std::vector<std::string> dates;
    StatementUse q(c.cached(
        "SELECT id, coalesce(published_at, ''), status = 'published' FROM articles ORDER BY id"));
    while (q->step()) {
      k.index_of.emplace(q->int64(0), static_cast<std::uint32_t>(k.articles.size()));
      k.articles.push_back({q->int64(0), 0, q->integer(2) == 1, 0});
      dates.push_back(q->text(1));
    }
    std::vector<std::uint32_t> by_date(k.articles.size());
    for (std::uint32_t i = 0; i < by_date.size(); ++i) by_date[i] = i;
    std::stable_sort(by_date.begin(), by_date.end(),
                     [&dates](std::uint32_t x, std::uint32_t y) { return dates[x] < dates[y]; });
    for (std::uint32_t r = 0; r < by_date.size(); ++r) k.articles[by_date[r]].recency = r;
  }
  std::vector<std::vector<std::uint32_t>> tags_of(k.articles.size());
  std::uint32_t& tag_count = k.tag_count;
  {
    std::unordered_map<std::string, std::uint32_t> tag_ids;
    StatementUse q(c.cached("SELECT article_id, tag FROM article_tags"));
    while (q->step()) {
      auto [it, added] = tag_ids.emplace(q->text(1), tag_count);
      if (added) ++tag_count;
      tags_of[k.index_of.at(q->int64(0))].push_back(it->second);
    }
  }
  {
    std::map<std::vector<std::uint32_t>, std::uint32_t> group_of;
    for (std::uint32_t i = 0; i < k.articles.size(); ++i) {
      auto& tags = tags_of[i];
      std::sort(tags.begin(), tags.end());
      auto [it, added] = group_of.emplace(std::move(tags), k.groups.size());
      if (added) k.groups.push_back({it->first, {}, 0});
      k.articles[i].group = it->second;
      ++k.groups[it->second].articles;
      if (k.articles[i].published) k.groups[it->second].members.push_back(i);
    }
  }
  k.groups_with_tag.resize(tag_count);
  for (std::uint32_t g = 0; g < k.groups.size(); ++g) {
    auto& members = k.groups[g].members;
    if (members.empty()) continue;
    auto newer = [&k](std::uint32_t x, std::uint32_t y) { return k.newer(x, y); };
    std::size_t keep = std::min(members.size(), kKeep);
    std::partial_sort(members.begin(), members.begin() + keep, members.end(), newer);
    members.resize(keep);
    members.shrink_to_fit();
    for (auto t : k.groups[g].tags) k.groups_with_tag[t].push_back(g);
  }
  {
    StatementUse q(
        c.cached("SELECT article_id, pinned_id FROM related_pins ORDER BY article_id, position"));
    while (q->step()) k.pins[q->int64(0)].push_back(q->int64(1));
  }
  return k;
}

// The score of a candidate with tag set `theirs` for an article with tag set `ours`:
// the cosine of the two sets, with the floating-point operations of the pairwise
// version, so that scores (and therefore ties) come out bit-identical.
double cosine(std::uint32_t shared, std::size_t ours, std::size_t theirs) {
  return shared / std::sqrt(double(ours) * double(theirs));
}
double score_of(const std::vector<std::uint32_t>& ours, const std::vector<std::uint32_t>& theirs) {
  std::uint32_t shared = 0;
  for (auto x = ours.begin(), y = theirs.begin(); x != ours.end() && y != theirs.end();) {
    if (*x < *y) {
      ++x;
    } else if (*y < *x) {
      ++y;
    } else {
      ++shared, ++x, ++y;
    }
  }
  return cosine(shared, ours.size(), theirs.size());
}

// Per-thread scratch space for rank_group, all zeros between calls.
struct Scratch {
  explicit Scratch(const Corpus& k) : seen(k.groups.size(), 0), ours(k.tag_count, 0) {}
  std::vector<char> seen;  // by group
  std::vector<char> ours;  // by tag
};

// The best kKeep candidates, best first, for an article whose tag set is group `g`
// (the article itself included: the caller skips it).
//
// The groups sharing a tag are visited tag by tag, the rarest tag first, keeping the
// best kKeep candidates so far. Before each further tag: a group not seen yet shares
// none of the tags visited, so with r tags left it scores at most r/sqrt(a·r) (a the
// size of our set, at its own r tags exactly); once that is below the worst of the
// best kKeep, no unseen group can place and the popular tags are never walked. Most
// lists fill up with near-identical tag sets long before that. A group is only scored
// when its size allows it to place (a set of n tags scores at most min(a,n)/sqrt(a·n)).
std::vector<Candidate> rank_group(const Corpus& k, std::uint32_t g, Scratch& scratch) {
  const auto& ours = k.groups[g].tags;
  auto& seen = scratch.seen;
  for (auto t : ours) scratch.ours[t] = 1;
  std::vector<std::uint32_t> order(ours);
  std::sort(order.begin(), order.end(), [&k](std::uint32_t x, std::uint32_t y) {
    return k.groups_with_tag[x].size() < k.groups_with_tag[y].size();
  });
  // `better` is a strict total order (ids are unique); as a heap order it keeps the
  // worst of `best` at the front.
  auto better = [&k](const Candidate& x, const Candidate& y) { return k.better(x, y); };
  std::vector<Candidate> best;
  std::vector<std::uint32_t> visited;
  for (std::size_t j = 0; j < order.size(); ++j) {
    if (best.size() == kKeep) {
      // The margin only guards against rounding: a tie must still be looked at, since
      // a tying candidate may be newer.
      std::size_t left = order.size() - j;
      if (cosine(left, ours.size(), left) * (1 + 1e-9) < best.front().score) break;
    }
    for (auto h : k.groups_with_tag[order[j]]) {
      if (seen[h]) continue;
      seen[h] = 1;
      visited.push_back(h);
      const auto& theirs = k.groups[h].tags;
      if (best.size() == kKeep) {
        std::size_t most = std::min(ours.size(), theirs.size());
        if (cosine(most, ours.size(), theirs.size()) * (1 + 1e-9) < best.front().score) continue;
      }
      std::uint32_t shared = 0;
      for (auto t : theirs) shared += scratch.ours[t];
      double score = cosine(shared, ours.size(), theirs.size());
      // Members come best first: once one cannot place, the rest of the group can't.
      for (auto m : k.groups[h].members) {
        Candidate c{score, m};
        if (best.size() < kKeep) {
          best.push_back(c);
          std::push_heap(best.begin(), best.end(), better);
        } else if (better(c, best.front())) {
          std::pop_heap(best.begin(), best.end(), better);
          best.back() = c;
          std::push_heap(best.begin(), best.end(), better);
        } else {
          break;
        }
      }
    }
  }
  for (auto h : visited) seen[h] = 0;
  for (auto t : ours) scratch.ours[t] = 0;
  std::sort(best.begin(), best.end(), better);
  return best;
}

// The rankings of the groups `wanted` (ranking[g] for each), on every core. `progress`
// is told, from the calling thread only, how many of `lists` articles have theirs.
std::vector<std::vector<Candidate>> rank_groups(
    const Corpus& k, const std::vector<std::uint32_t>& wanted, std::size_t lists,
    const std::function<void(std::size_t, std::size_t)>& progress) {
  std::vector<std::vector<Candidate>> ranking(k.groups.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  constexpr std::size_t kChunk = 32;
  auto work = [&](bool report) {
    Scratch scratch(k);
    for (;;) {
      std::size_t from = next.fetch_add(kChunk);
      if (from >= wanted.size()) return;
      std::size_t to = std::min(from + kChunk, wanted.size());
      std::size_t covered = 0;
      for (std::size_t i = from; i < to; ++i) {
        ranking[wanted[i]] = rank_group(k, wanted[i], scratch);
        covered += k.groups[wanted[i]].articles;
      }
      std::size_t now = done.fetch_add(covered) + covered;
      if (report && progress) progress(std::min(now, lists), lists);
    }
  };
  // Threads only pay when there is more than a chunk of work.
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  if (wanted.size() <= kChunk) threads = 1;
  std::vector<std::jthread> helpers;
  for (unsigned i = 1; i < threads; ++i) helpers.emplace_back(work, false);
  work(true);
  helpers.clear();  // joins
  return ranking;
}

struct Entry {
  std::int64_t related;
  double score;
  int pinned;
  bool operator==(const Entry&) const = default;
};

// The stored list of article `i`: its pins, then its group's ranking without itself.
std::vector<Entry> list_for(const Corpus& k, std::uint32_t i,
                            const std::vector<std::vector<Candidate>>& ranking) {
  const auto& a = k.articles[i];
  std::vector<Entry> list;
  auto taken = [&list](std::int64_t id) {
    return std::any_of(list.begin(), list.end(), [id](const Entry& e) { return e.related == id; });
  };
  if (auto p = k.pins.find(a.id); p != k.pins.end()) {
    for (auto id : p->second) {
      if (list.size() < kStoredRelated && !taken(id)) list.push_back({id, 1.0, 1});
    }
  }
  for (const auto& cand : ranking[a.group]) {
    if (list.size() >= kStoredRelated) break;
    std::int64_t id = k.articles[cand.article].id;
    if (id != a.id && !taken(id)) list.push_back({id, cand.score, 0});
  }
  return list;
}

void insert_list(Connection& c, std::int64_t id, const std::vector<Entry>& list) {
  StatementUse ins(c.cached(
      "INSERT INTO related (article_id, rank, related_id, score, pinned) VALUES (?, ?, ?, ?, ?)"));
  int rank = 0;
  for (const auto& e : list) {
    ins->bind_all(id, rank++, e.related, e.score, e.pinned);
    ins->run();
    ins->reset();
  }
}

// The groups of `articles`, each once.
std::vector<std::uint32_t> groups_of(const Corpus& k, const std::vector<std::uint32_t>& articles) {
  std::vector<bool> seen(k.groups.size(), false);
  std::vector<std::uint32_t> out;
  for (auto i : articles) {
    auto g = k.articles[i].group;
    if (!seen[g]) {
      seen[g] = true;
      out.push_back(g);
    }
  }
  return out;
}

}  // namespace

void refresh_related(Connection& c, const std::vector<std::int64_t>& ids,
                     const std::function<void(std::size_t, std::size_t)>& progress) {
  Corpus k = load_corpus(c);
  // Two kinds of affected lists:
  // - recomputed: those of the changed articles, and those that hold one (it may have
  //   lost its tags, been unpublished, or fallen behind others);
  // - merged: those of the other articles sharing a tag with a changed one. Nothing
  //   else changed for them, so their new list is the best of their stored one and the
  //   changed articles: no ranking needed, which keeps a one-article write into a big
  //   store cheap.
  enum Kind : char { none, merged, recomputed };
  std::vector<Kind> kind(k.articles.size(), none);
  std::vector<std::uint32_t> changed;
  std::vector<bool> changed_tag;
  for (auto id : ids) {
    auto it = k.index_of.find(id);
    if (it == k.index_of.end()) continue;
    changed.push_back(it->second);
    kind[it->second] = recomputed;
    for (auto t : k.groups[k.articles[it->second].group].tags) {
      if (changed_tag.size() <= t) changed_tag.resize(t + 1, false);
      changed_tag[t] = true;
    }
  }
  {
    StatementUse holders(c.cached("SELECT article_id FROM related WHERE related_id = ?"));
    for (auto id : ids) {
      holders->bind(1, id);
      while (holders->step()) {
        if (auto it = k.index_of.find(holders->int64(0)); it != k.index_of.end()) {
          kind[it->second] = recomputed;
        }
      }
      holders->reset();
    }
  }
  std::vector<std::uint32_t> todo;
  std::vector<std::uint32_t> to_rank;
  for (std::uint32_t i = 0; i < k.articles.size(); ++i) {
    if (kind[i] == none) {
      for (auto t : k.groups[k.articles[i].group].tags) {
        if (t < changed_tag.size() && changed_tag[t]) kind[i] = merged;
      }
    }
    if (kind[i] != none) todo.push_back(i);
    if (kind[i] == recomputed) to_rank.push_back(i);
  }
  auto ranking = rank_groups(k, groups_of(k, to_rank), todo.size(), progress);

  // Most affected lists come out as they were: rewrite only those that differ, so a
  // small change in a big store writes a few rows, not every list of its tags.
  StatementUse stored(
      c.cached("SELECT related_id, score, pinned FROM related WHERE article_id = ? ORDER BY rank"));
  StatementUse del(c.cached("DELETE FROM related WHERE article_id = ?"));
  std::vector<Entry> old;
  std::vector<Entry> list;
  std::vector<Candidate> candidates;
  for (auto i : todo) {
    std::int64_t id = k.articles[i].id;
    old.clear();
    stored->bind(1, id);
    while (stored->step()) old.push_back({stored->int64(0), stored->real(1), stored->integer(2)});
    stored->reset();
    if (kind[i] == recomputed) {
      list = list_for(k, i, ranking);
    } else {
      // The pins stay; the stored candidates compete with the changed articles.
      list.clear();
      candidates.clear();
      for (const auto& e : old) {
        if (e.pinned) {
          list.push_back(e);
        } else if (auto it = k.index_of.find(e.related); it != k.index_of.end()) {
          candidates.push_back({e.score, it->second});
        }
      }
      const auto& ours = k.groups[k.articles[i].group].tags;
      for (auto x : changed) {
        if (!k.articles[x].published) continue;
        double score = score_of(ours, k.groups[k.articles[x].group].tags);
        if (score > 0) candidates.push_back({score, x});
      }
      std::sort(candidates.begin(), candidates.end(),
                [&k](const Candidate& x, const Candidate& y) { return k.better(x, y); });
      for (const auto& cand : candidates) {
        if (list.size() >= kStoredRelated) break;
        std::int64_t other = k.articles[cand.article].id;
        bool taken = std::any_of(list.begin(), list.end(),
                                 [other](const Entry& e) { return e.related == other; });
        if (other != id && !taken) list.push_back({other, cand.score, 0});
      }
    }
    if (old == list) continue;
    del->bind(1, id).run();
    del->reset();
    insert_list(c, id, list);
  }
}

void rebuild_all_related(Connection& c,
                         const std::function<void(std::size_t, std::size_t)>& progress) {
  Corpus k = load_corpus(c);
  std::vector<std::uint32_t> wanted(k.groups.size());
  for (std::uint32_t g = 0; g < wanted.size(); ++g) wanted[g] = g;
  auto ranking = rank_groups(k, wanted, k.articles.size(), progress);
  c.exec("DELETE FROM related");
  for (std::uint32_t i = 0; i < k.articles.size(); ++i) {
    insert_list(c, k.articles[i].id, list_for(k, i, ranking));
  }
}

}  // namespace gazette::db
