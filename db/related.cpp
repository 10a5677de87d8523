// The related-articles engine (see related.h for the score and the lists).
//
// Storage. related_vectors holds every article's unit vector (integer components),
// related_postings the same inverted, by term, in blocks of up to 1,024 articles, each
// entry carrying the article's day, whether it may be a candidate and a lower bound
// ("floor") of its list's gate; related_df the term statistics of the last rebuild;
// related_state per article its day, whether it may be a candidate, and its list's
// "gate". A list stores up to kKeptRelated ranked entries, always an exact prefix of
// the full ranking; the `complete` flag says it holds every entry above the threshold.
//
// A write (refresh_related) of article A:
//   1. replaces A's vector (IDF from related_df) and state;
//   2. takes A out of every list that holds it: the rest of such a list is still an
//      exact prefix; one left with fewer than kStoredRelated entries and not complete
//      is recomputed (rare: it takes kKeptRelated - kStoredRelated departures);
//   3. scores A against the articles sharing a term with it (one index range of
//      blocks per term of A's vector; a vector has at most `terms` words plus its
//      tags), which gives A's own list and, through the symmetry of the score, the
//      lists A now enters: those whose gate A's score reaches. Only an article whose
//      floor A's score reaches has its state (the true gate) read: on a big store of
//      few topics, a few out of thousands.
// Scores are integer dot products turned into doubles by one formula, so a score is
// the same bits whichever side computes it, and incremental lists equal a rebuild's
// (tests/related_test.cpp checks it on random edits and deletes).
//
// A rebuild (rebuild_all_related) does the same in memory over every article: tokenize
// (on every core), count document frequencies, build vectors, then score each article
// against its postings with a dense accumulator per thread (on every core), and write.
#include "db/related.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "db/related_text.h"

namespace gazette::db {

namespace {

constexpr double kScale = 65536.0;
constexpr double kDotScale = kScale * kScale;

// Ranks of a list written afresh are this far apart, so that an entry coming in later
// finds a free rank between its neighbours (see store_list).
constexpr std::int64_t kRankGap = 1024;

// An entry of a stored list, with the copies of what the sidebar shows of the article
// it points to (migration 7; the trigger related_copies_update keeps them equal).
constexpr const char* kInsertEntry = R"sql(
  INSERT INTO related (article_id, rank, related_id, score, pinned,
                       slug, title, summary, status, published_at)
  SELECT ?1, ?2, ?3, ?4, ?5, slug, title, summary, status, published_at
  FROM articles WHERE id = ?3)sql";

// Runs kInsertEntry. The SELECT inserts nothing for an unknown article where a plain
// INSERT would break the foreign key: that stays an error.
void insert_entry(Connection& c, Statement& ins, std::int64_t article_id, std::int64_t rank,
                  std::int64_t related_id, double score, int pinned) {
  ins.bind_all(article_id, rank, related_id, score, pinned);
  ins.run();
  ins.reset();
  if (c.changes() != 1) {
    throw Error(SQLITE_CONSTRAINT_FOREIGNKEY,
                "related list of article " + std::to_string(article_id) + ": no article with id " +
                    std::to_string(related_id));
  }
}

// Rebuild automatically only on stores this small (a rebuild takes well under a second
// there), when the article count drifted this much from the statistics.
constexpr std::int64_t kAutoRebuildMax = 5000;
constexpr double kAutoRebuildDrift = 0.25;

// A unit vector: (term key, component x 65536), sorted by key.
using Vector = std::vector<std::pair<std::int64_t, std::int32_t>>;

// The text of an article as the scoring reads it.
struct Source {
  std::int64_t id = 0;
  std::string title, summary, body;
  std::vector<std::string> tags;
  bool candidate = false;  // published
  int day = 0;
};

std::string weights_text(const RelatedWeights& w) {
  std::ostringstream out;
  out.precision(17);
  out << w.title << ' ' << w.summary << ' ' << w.body << ' ' << w.tag_words << ' ' << w.tag_boost
      << ' ' << w.max_df << ' ' << w.terms << ' ' << w.min_score << ' ' << w.recency << ' '
      << w.recency_days;
  return out.str();
}

// Days since 1970-01-01 of an ISO 8601 date ("" or malformed: 0).
int day_of(std::string_view iso) {
  if (iso.size() < 10) return 0;
  auto num = [&iso](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (iso[i] < '0' || iso[i] > '9') return -1;
      v = v * 10 + (iso[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return 0;
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The score from the integer dot product and the two days: the one formula, so that
// both sides of a pair get the same bits.
double score_of(std::int64_t dot, int day_a, int day_b, const RelatedWeights& w) {
  double s = static_cast<double>(dot) / kDotScale;
  if (w.recency > 0 && w.recency_days > 0) {
    double apart = std::abs(day_a - day_b);
    s *= 1.0 - w.recency * (1.0 - std::exp(-apart / w.recency_days));
  }
  return s;
}

// A ranked entry. Order: higher score, then newer, then higher id (a total order).
struct Ranked {
  double score;
  int day;
  std::int64_t id;
};
bool better(const Ranked& x, const Ranked& y) {
  if (x.score != y.score) return x.score > y.score;
  if (x.day != y.day) return x.day > y.day;
  return x.id > y.id;
}

// Term frequencies of an article, weighted by field: key -> weight. Tag dimensions are
// not in it (see tag_keys).
template <typename Map>
void add_terms(const Source& s, const RelatedWeights& w, Map& tf) {
  auto field = [&tf](std::string_view text, double weight) {
    if (weight <= 0) return;
    for_each_term(text, [&](const std::string& term) { tf[term_key(term)] += weight; });
  };
  field(s.title, w.title);
  field(s.summary, w.summary);
  field(s.body, w.body);
  for (const auto& t : s.tags) field(t, w.tag_words);
}

std::int64_t tag_key(std::string_view tag) {
  return term_key(std::string("#") + std::string(tag));
}

double idf(std::int64_t df, std::int64_t n) {
  return std::log(1.0 + static_cast<double>(std::max<std::int64_t>(n, 1)) /
                            static_cast<double>(std::max<std::int64_t>(df, 1)));
}

// The unit vector from term frequencies (key, tf) and tag keys, given document
// frequencies (`df_of(key)`) over `n` articles.
template <typename DfOf>
Vector make_vector(const std::vector<std::pair<std::int64_t, double>>& tf,
                   const std::vector<std::int64_t>& tags, std::int64_t n, const DfOf& df_of,
                   const RelatedWeights& w) {
  std::vector<std::pair<double, std::int64_t>> words;  // (weight, key)
  words.reserve(tf.size());
  const bool cap = n >= 20;  // on a tiny store every word is "common"
  for (const auto& [key, f] : tf) {
    std::int64_t df = df_of(key);
    // A word no other article had when the statistics were taken relates to nothing:
    // kept, it would only crowd out the words that can.
    if (df < 2 || (cap && static_cast<double>(df) > w.max_df * static_cast<double>(n))) continue;
    words.push_back({(1.0 + std::log(f)) * idf(df, n), key});
  }
  std::size_t keep = std::min(words.size(), static_cast<std::size_t>(std::max(w.terms, 0)));
  std::partial_sort(words.begin(), words.begin() + keep, words.end(), [](auto& x, auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  words.resize(keep);
  if (w.tag_boost > 0) {
    for (auto key : tags) words.push_back({w.tag_boost * idf(df_of(key), n), key});
  }
  double norm = 0;
  for (const auto& [x, key] : words) norm += x * x;
  Vector v;
  if (norm <= 0) return v;
  norm = std::sqrt(norm);
  for (const auto& [x, key] : words) {
    auto q = static_cast<std::int32_t>(std::lround(x / norm * kScale));
    if (q > 0) v.push_back({key, q});
  }
  std::sort(v.begin(), v.end());
  // The same tag twice cannot happen (tags are unique), nor a word twice; keys of a
  // word and a tag never meet ("#" is not a word character).
  return v;
}

Vector vector_for(const Source& s, std::int64_t n,
                  const std::function<std::int64_t(std::int64_t)>& df_of, const RelatedWeights& w) {
  std::unordered_map<std::int64_t, double> tf;
  add_terms(s, w, tf);
  // Through float, as the rebuild keeps them, so that both paths weigh alike.
  std::vector<std::pair<std::int64_t, double>> flat;
  flat.reserve(tf.size());
  for (const auto& [key, f] : tf) flat.push_back({key, static_cast<double>(static_cast<float>(f))});
  std::sort(flat.begin(), flat.end());
  std::vector<std::int64_t> tags;
  for (const auto& t : s.tags) tags.push_back(tag_key(t));
  return make_vector(flat, tags, n, df_of, w);
}

// --- storage helpers -----------------------------------------------------------------

std::optional<std::string> meta(Connection& c, const std::string& key) {
  StatementUse q(c.cached("SELECT value FROM related_meta WHERE key = ?"));
  q->bind(1, key);
  if (!q->step()) return std::nullopt;
  return q->text(0);
}

void set_meta(Connection& c, const std::string& key, const std::string& value) {
  StatementUse q(c.cached("INSERT OR REPLACE INTO related_meta (key, value) VALUES (?, ?)"));
  q->bind_all(key, value);
  q->run();
}

std::optional<Source> load_source(Connection& c, std::int64_t id) {
  StatementUse q(c.cached(R"sql(
    SELECT title, summary, body_text, status = 'published', coalesce(published_at, ''),
      (SELECT group_concat(tag, char(31)) FROM
         (SELECT tag FROM article_tags WHERE article_id = a.id ORDER BY position))
    FROM articles a WHERE id = ?)sql"));
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  Source s;
  s.id = id;
  s.title = q->text(0);
  s.summary = q->text(1);
  s.body = q->text(2);
  s.candidate = q->integer(3) == 1;
  s.day = day_of(q->text_view(4));
  std::string tags = q->text(5);
  std::string_view rest = tags;
  while (!rest.empty()) {
    auto pos = rest.find('\x1f');
    s.tags.emplace_back(rest.substr(0, pos));
    if (pos == std::string_view::npos) break;
    rest.remove_prefix(pos + 1);
  }
  return s;
}

Vector load_vector(Connection& c, std::int64_t id) {
  StatementUse q(c.cached("SELECT term, weight FROM related_vectors WHERE article_id = ?"));
  q->bind(1, id);
  Vector v;  // in key order: the primary key's
  while (q->step()) v.push_back({q->int64(0), static_cast<std::int32_t>(q->int64(1))});
  return v;
}

// --- postings (related_postings: blocks of entries, see db/schema.cpp migration 6) -------

constexpr int kBlockBits = 10;
constexpr std::int64_t kBlockMask = (std::int64_t{1} << kBlockBits) - 1;
constexpr std::size_t kEntryBytes = 20;

// One article in the postings of a term: what scoring it against another article needs
// without reading its rows.
struct Posting {
  std::int64_t id = 0;
  std::int32_t weight = 0;  // its vector's component for the term, x 65536
  std::int32_t day = 0;     // related_state.day
  bool candidate = false;   // related_state.candidate
  std::int32_t floor = 0;   // at most related_state.gate x 65536: below it, no need to
                            // read the state to know the article's list stays as it is
};

// The floor for a gate: rounded down, so that floor / 65536 <= gate exactly (the
// product by a power of two is exact).
std::int32_t floor_of(double gate) {
  return static_cast<std::int32_t>(std::clamp(std::floor(gate * kScale), 0.0, kScale));
}

void put_i32(std::string& out, std::int32_t v) {
  auto u = static_cast<std::uint32_t>(v);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

std::int32_t get_i32(const char* p) {
  std::uint32_t u = 0;
  for (int i = 3; i >= 0; --i) u = (u << 8) | static_cast<unsigned char>(p[i]);
  return static_cast<std::int32_t>(u);
}

void append_entry(std::string& out, const Posting& e) {
  put_i32(out, static_cast<std::int32_t>(e.id & kBlockMask));
  put_i32(out, e.weight);
  put_i32(out, e.day);
  put_i32(out, e.candidate ? 1 : 0);
  put_i32(out, e.floor);
}

// Calls fn(Posting) for each entry of block `block`.
template <typename Fn>
void for_each_entry(std::int64_t block, std::string_view bytes, const Fn& fn) {
  for (std::size_t at = 0; at + kEntryBytes <= bytes.size(); at += kEntryBytes) {
    const char* p = bytes.data() + at;
    fn(Posting{(block << kBlockBits) | get_i32(p), get_i32(p + 4), get_i32(p + 8),
               get_i32(p + 12) != 0, get_i32(p + 16)});
  }
}

// Rewrites the block of article `id` in the postings of `term` through
// edit(entries of the block without id's, id's entry or nullptr) -> new entries, and
// deletes the row when nothing is left.
template <typename Edit>
void rewrite_block(Connection& c, std::int64_t term, std::int64_t id, const Edit& edit) {
  const std::int64_t block = id >> kBlockBits;
  std::vector<Posting> others;
  std::optional<Posting> mine;
  {
    StatementUse get(c.cached("SELECT entries FROM related_postings WHERE term = ? AND block = ?"));
    get->bind_all(term, block);
    if (get->step()) {
      for_each_entry(block, get->blob_view(0), [&](const Posting& e) {
        if (e.id == id) {
          mine = e;
        } else {
          others.push_back(e);
        }
      });
    }
  }
  std::optional<Posting> now = edit(mine);
  if (!mine && !now) return;
  if (now)
    others.insert(std::upper_bound(others.begin(), others.end(), *now,
                                   [](const Posting& x, const Posting& y) { return x.id < y.id; }),
                  *now);
  if (others.empty()) {
    StatementUse del(c.cached("DELETE FROM related_postings WHERE term = ? AND block = ?"));
    del->bind_all(term, block);
    del->run();
    return;
  }
  std::string bytes;
  bytes.reserve(others.size() * kEntryBytes);
  for (const auto& e : others) append_entry(bytes, e);
  StatementUse put(
      c.cached("INSERT OR REPLACE INTO related_postings (term, block, entries) VALUES (?, ?, ?)"));
  put->bind_all(term, block);
  put->bind_blob(3, bytes);
  put->run();
}

// Replaces the vector of article `id` and its entries in the postings (the terms of the
// old vector and of the new one) with `v`, `day`, `candidate` and the gate floor `floor`.
void store_vector(Connection& c, std::int64_t id, const Vector& v, int day, bool candidate,
                  std::int32_t floor) {
  Vector old = load_vector(c, id);
  std::vector<std::int64_t> terms;
  for (const auto& [key, q] : old) terms.push_back(key);
  for (const auto& [key, q] : v) terms.push_back(key);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  for (auto key : terms) {
    auto it = std::lower_bound(v.begin(), v.end(), std::pair<std::int64_t, std::int32_t>{key, 0},
                               [](const auto& x, const auto& y) { return x.first < y.first; });
    std::optional<Posting> now;
    if (it != v.end() && it->first == key) now = Posting{id, it->second, day, candidate, floor};
    rewrite_block(c, key, id, [&now](const std::optional<Posting>&) { return now; });
  }
  StatementUse del(c.cached("DELETE FROM related_vectors WHERE article_id = ?"));
  del->bind(1, id).run();
  StatementUse ins(
      c.cached("INSERT INTO related_vectors (article_id, term, weight) VALUES (?, ?, ?)"));
  for (const auto& [key, q] : v) {
    ins->bind_all(id, key, static_cast<std::int64_t>(q));
    ins->run();
    ins->reset();
  }
}

// Lowers the gate floor in every entry of article `id` to at most `floor` (its gate
// went down: a list recomputed, or emptied).
void lower_floor(Connection& c, std::int64_t id, std::int32_t floor) {
  for (const auto& [key, q] : load_vector(c, id)) {
    rewrite_block(c, key, id, [floor](std::optional<Posting> e) {
      if (e) e->floor = std::min(e->floor, floor);
      return e;
    });
  }
}

struct State {
  int day = 0;
  bool candidate = false;
  bool complete = true;
  double gate = 0;
};

std::optional<State> load_state(Connection& c, std::int64_t id) {
  StatementUse q(
      c.cached("SELECT day, candidate, complete, gate FROM related_state WHERE article_id = ?"));
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return State{q->integer(0), q->integer(1) == 1, q->integer(2) == 1, q->real(3)};
}

// A stored list: the pins (ids in order) and the ranked entries.
struct List {
  std::vector<std::int64_t> pins;
  std::vector<Ranked> ranked;
  bool complete = true;
};

// The stored list of article `id`. The days of its entries are not read (kUnknownDay):
// only a tie in score needs one (see offer), and reading them all cost a related_state
// page per entry of every list a write touched.
constexpr int kUnknownDay = std::numeric_limits<int>::min();
List load_list(Connection& c, std::int64_t id) {
  List l;
  StatementUse q(
      c.cached("SELECT related_id, score, pinned FROM related WHERE article_id = ? ORDER BY rank"));
  q->bind(1, id);
  while (q->step()) {
    if (q->integer(2) == 1) {
      l.pins.push_back(q->int64(0));
    } else {
      l.ranked.push_back({q->real(1), kUnknownDay, q->int64(0)});
    }
  }
  return l;
}

std::vector<std::int64_t> load_pins(Connection& c, std::int64_t id) {
  StatementUse q(
      c.cached("SELECT pinned_id FROM related_pins WHERE article_id = ? ORDER BY position"));
  q->bind(1, id);
  std::vector<std::int64_t> out;
  while (q->step()) out.push_back(q->int64(0));
  return out;
}

// Writes list `l` of article `id` and its gate, touching only the rows that change.
// A list rewritten whole (or renumbered after the entry that came or went) dirtied a
// page of related_by_related per entry, whose key holds the rank, and checked each
// entry's foreign key again: most of a write's page traffic when it entered a dozen
// lists. So ranks are an order key with gaps (kRankGap apart when a list is written
// afresh): an entry that stays where it was keeps its rank, one that comes in takes a
// rank between its neighbours', and only when no rank is free between them is the
// list renumbered.
void store_list(Connection& c, std::int64_t id, const List& l, const RelatedWeights& w) {
  struct Row {
    std::int64_t related;
    double score;
    int pinned;
  };
  std::vector<Row> rows;
  std::vector<std::int64_t> pins;
  for (auto p : l.pins) {
    if (std::find(pins.begin(), pins.end(), p) != pins.end()) continue;
    pins.push_back(p);
    rows.push_back({p, 1.0, 1});
  }
  for (const auto& r : l.ranked) {
    bool pinned = std::find(pins.begin(), pins.end(), r.id) != pins.end();
    rows.push_back({r.id, r.score, pinned ? 2 : 0});
  }
  struct Stored {
    std::int64_t rank;
    Row row;
    bool kept = false;
  };
  std::vector<Stored> old;
  {
    StatementUse q(c.cached(
        "SELECT rank, related_id, score, pinned FROM related WHERE article_id = ? ORDER BY rank"));
    q->bind(1, id);
    while (q->step()) old.push_back({q->int64(0), {q->int64(1), q->real(2), q->integer(3)}});
  }
  // 1. The rows that keep their rank: those found among the stored ones in the same
  //    order (greedily: a write moves, adds or drops an entry or two).
  std::vector<std::optional<std::int64_t>> rank(rows.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = next; j < old.size(); ++j) {
      if (old[j].row.related == rows[i].related && old[j].row.pinned == rows[i].pinned) {
        rank[i] = old[j].rank;
        old[j].kept = true;
        next = j + 1;
        break;
      }
    }
  }
  // 2. Ranks for the others, spread between their kept neighbours.
  bool renumber = false;
  for (std::size_t i = 0; i < rows.size() && !renumber;) {
    if (rank[i]) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < rows.size() && !rank[end]) ++end;
    const auto m = static_cast<std::int64_t>(end - i);
    std::optional<std::int64_t> lo = i > 0 ? rank[i - 1] : std::nullopt;
    std::optional<std::int64_t> hi = end < rows.size() ? rank[end] : std::nullopt;
    std::int64_t first = 0, step = kRankGap;
    if (lo && hi) {
      step = (*hi - *lo) / (m + 1);
      first = *lo + step;
      renumber = step < 1;
    } else if (lo) {
      first = *lo + kRankGap;
    } else if (hi) {
      first = *hi - kRankGap * m;
    }
    for (std::int64_t k = 0; k < m; ++k) rank[i + static_cast<std::size_t>(k)] = first + step * k;
    i = end;
  }
  if (renumber) {
    for (std::size_t i = 0; i < rows.size(); ++i) rank[i] = static_cast<std::int64_t>(i) * kRankGap;
    for (auto& o : old) o.kept = false;
  }
  // 3. Out with the rows that go, then the new scores and rows.
  StatementUse del(c.cached("DELETE FROM related WHERE article_id = ? AND rank = ?"));
  for (const auto& o : old) {
    if (o.kept) continue;
    del->bind_all(id, o.rank);
    del->run();
    del->reset();
  }
  StatementUse up(c.cached("UPDATE related SET score = ? WHERE article_id = ? AND rank = ?"));
  StatementUse ins(c.cached(kInsertEntry));
  std::size_t o = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    while (o < old.size() && (!old[o].kept || old[o].rank < *rank[i])) ++o;
    if (o < old.size() && old[o].kept && old[o].rank == *rank[i]) {
      if (old[o].row.score != r.score) {
        up->bind_all(r.score, id, *rank[i]);
        up->run();
        up->reset();
      }
      continue;
    }
    insert_entry(c, *ins, id, *rank[i], r.related, r.score, r.pinned);
  }
  double gate = l.complete || l.ranked.empty() ? w.min_score : l.ranked.back().score;
  auto before = load_state(c, id);
  if (before && before->complete == l.complete && before->gate == gate) return;
  StatementUse set(
      c.cached("UPDATE related_state SET complete = ?, gate = ? WHERE article_id = ?"));
  set->bind_all(l.complete ? 1 : 0, gate, id);
  set->run();
  // The postings carry a lower bound of the gate: a gate may rise past it (it is a
  // bound, not a copy, so that the many lists a write enters cost no posting writes),
  // but when it falls, the bound follows.
  if (before && gate < before->gate) lower_floor(c, id, floor_of(gate));
}

// An article scored against another one (see score_against).
struct Scored {
  Ranked ranked;
  bool candidate;
  std::int32_t floor;  // of its gate (Posting::floor)
};

// Every article with a vector (published or not) scoring at least min_score against
// vector `v` (of article `id`, on day `day`), from the postings of v's terms, in no
// particular order. One index range per term; the day, candidacy and gate floor of each
// article come with its entries, so no other row is read.
std::vector<Scored> score_against(Connection& c, std::int64_t id, const Vector& v, int day,
                                  const RelatedWeights& w) {
  // Dense accumulators by article id: a write touches tens of thousands of articles on
  // a big store of few topics, where a hash map costs more than the whole scan.
  const std::int64_t max_id = c.query_int("SELECT max(id) FROM articles").value_or(0);
  struct Acc {
    std::int64_t dot = 0;
    std::int32_t day = 0;
    std::int32_t floor = 0;
    bool candidate = false;
    bool touched = false;
  };
  std::vector<Acc> acc(static_cast<std::size_t>(std::max<std::int64_t>(max_id, 0)) + 1);
  std::vector<std::int64_t> touched;
  StatementUse q(c.cached("SELECT block, entries FROM related_postings WHERE term = ?"));
  for (const auto& term : v) {
    // Not a structured binding: the lambda below uses it, which clang 14 (the fuzz
    // build's) does not allow.
    const std::int64_t qa = term.second;
    q->bind(1, term.first);
    while (q->step()) {
      for_each_entry(q->int64(0), q->blob_view(1), [&](const Posting& e) {
        // Every entry is of an existing article (forget_related runs before a delete).
        if (e.id < 0 || e.id > max_id) return;
        Acc& a = acc[static_cast<std::size_t>(e.id)];
        if (!a.touched) {
          a = {0, e.day, e.floor, e.candidate, true};
          touched.push_back(e.id);
        }
        a.dot += qa * e.weight;
      });
    }
    q->reset();
  }
  std::vector<Scored> out;
  for (auto b : touched) {
    const Acc& a = acc[static_cast<std::size_t>(b)];
    // The recency factor is at most 1: the plain cosine bounds the score.
    if (b == id || static_cast<double>(a.dot) / kDotScale < w.min_score) continue;
    double s = score_of(a.dot, day, a.day, w);
    if (s < w.min_score) continue;
    out.push_back({{s, a.day, b}, a.candidate, a.floor});
  }
  return out;
}

// The ranked part of a list from scored articles: the candidates, best first, at most
// kKeptRelated of them; `complete` when that is all of them.
std::vector<Ranked> rank(const std::vector<Scored>& scored, bool& complete) {
  std::vector<Ranked> out;
  for (const auto& s : scored) {
    if (s.candidate) out.push_back(s.ranked);
  }
  complete = out.size() <= static_cast<std::size_t>(kKeptRelated);
  if (!complete) {
    std::partial_sort(out.begin(), out.begin() + kKeptRelated, out.end(), better);
    out.resize(kKeptRelated);
  } else {
    std::sort(out.begin(), out.end(), better);
  }
  return out;
}

// Recomputes the list of article `id` from its stored vector and state.
void recompute_list(Connection& c, std::int64_t id, const RelatedWeights& w) {
  auto st = load_state(c, id);
  if (!st) return;
  List l;
  l.pins = load_pins(c, id);
  l.ranked = rank(score_against(c, id, load_vector(c, id), st->day, w), l.complete);
  store_list(c, id, l, w);
}

// Takes `id` out of every ranked list holding it; returns the holders left short (to
// recompute once everything else is done).
std::vector<std::int64_t> remove_from_holders(Connection& c, std::int64_t id,
                                              const RelatedWeights& w) {
  std::vector<std::int64_t> holders;
  {
    StatementUse q(c.cached("SELECT article_id FROM related WHERE related_id = ? AND pinned != 1"));
    q->bind(1, id);
    while (q->step()) holders.push_back(q->int64(0));
  }
  std::vector<std::int64_t> short_lists;
  for (auto h : holders) {
    if (h == id) continue;
    List l = load_list(c, h);
    auto st = load_state(c, h);
    l.complete = st && st->complete;
    std::erase_if(l.ranked, [id](const Ranked& r) { return r.id == id; });
    store_list(c, h, l, w);
    if (!l.complete && l.ranked.size() < static_cast<std::size_t>(kStoredRelated)) {
      short_lists.push_back(h);
    }
  }
  return short_lists;
}

// Puts article `a` (score `s` for list `b`) into b's list if it belongs to the exact
// prefix the list holds.
void offer(Connection& c, std::int64_t b, const Ranked& a, const State& st,
           const RelatedWeights& w) {
  List l = load_list(c, b);
  l.complete = st.complete;
  if (std::any_of(l.ranked.begin(), l.ranked.end(), [&a](const Ranked& r) { return r.id == a.id; }))
    return;
  // Where `a` goes depends on the days of the entries it ties with, and only on those.
  for (auto& r : l.ranked) {
    if (r.score != a.score) continue;
    auto other = load_state(c, r.id);
    r.day = other ? other->day : 0;
  }
  if (!l.complete && (l.ranked.empty() || !better(a, l.ranked.back()))) return;
  l.ranked.insert(std::upper_bound(l.ranked.begin(), l.ranked.end(), a, better), a);
  if (l.ranked.size() > static_cast<std::size_t>(kKeptRelated)) {
    l.ranked.pop_back();
    l.complete = false;
  }
  store_list(c, b, l, w);
}

// False on a database older than migration 6 (only the migration tests write there):
// its lists are rebuilt at the first write after the migration (no statistics yet).
bool has_engine(Connection& c) {
  StatementUse q(c.cached("SELECT 1 FROM sqlite_schema WHERE name = 'related_postings'"));
  return q->step();
}

bool needs_rebuild(Connection& c, const RelatedWeights& w) {
  auto weights = meta(c, "weights");
  if (!weights || *weights != weights_text(w)) return true;
  auto counted = meta(c, "articles");
  std::int64_t then = counted ? std::stoll(*counted) : 0;
  // Counted no further than the limit: a full count(*) reads a whole index, 1,700 pages
  // at 100,000 articles, more than the rest of a write.
  std::int64_t now = c.query_int("SELECT count(*) FROM (SELECT 1 FROM articles LIMIT " +
                                 std::to_string(kAutoRebuildMax + 1) + ")")
                         .value_or(0);
  if (now > kAutoRebuildMax) return false;
  return std::abs(static_cast<double>(now - then)) >
         kAutoRebuildDrift * static_cast<double>(std::max<std::int64_t>(then, 1));
}

}  // namespace

bool related_needs_rebuild(Connection& c, const RelatedWeights& w) {
  return has_engine(c) && c.query_int("SELECT EXISTS (SELECT 1 FROM articles)").value_or(0) == 1 &&
         needs_rebuild(c, w);
}

void refresh_related(Connection& c, const std::vector<std::int64_t>& ids, const RelatedWeights& w,
                     const std::function<void(std::size_t, std::size_t)>& progress) {
  if (!has_engine(c)) return;
  if (needs_rebuild(c, w)) {
    rebuild_all_related(c, w, progress);
    return;
  }
  std::int64_t n = std::stoll(meta(c, "articles").value_or("1"));
  // 1. New vectors and states.
  std::vector<std::int64_t> changed;
  {
    StatementUse df(c.cached("SELECT df FROM related_df WHERE term = ?"));
    auto df_of = [&df](std::int64_t key) -> std::int64_t {
      df->bind(1, key);
      std::int64_t v = df->step() ? df->int64(0) : 0;
      df->reset();
      return v;
    };
    StatementUse put_state(c.cached(R"sql(
      INSERT INTO related_state (article_id, day, candidate, complete, gate) VALUES (?, ?, ?, 1, 0)
      ON CONFLICT (article_id) DO UPDATE SET day = excluded.day, candidate = excluded.candidate)sql"));
    for (auto id : ids) {
      if (std::find(changed.begin(), changed.end(), id) != changed.end()) continue;
      auto s = load_source(c, id);
      if (!s) continue;
      changed.push_back(id);
      // The gate as it stands (none yet: 0); its own list, recomputed below, lowers the
      // floor if its gate falls.
      auto before = load_state(c, id);
      store_vector(c, id, vector_for(*s, n, df_of, w), s->day, s->candidate,
                   before ? floor_of(before->gate) : 0);
      put_state->bind_all(id, s->day, s->candidate ? 1 : 0);
      put_state->run();
      put_state->reset();
    }
  }
  std::unordered_set<std::int64_t> is_changed(changed.begin(), changed.end());
  // 2. Out of the lists that hold them.
  std::vector<std::int64_t> short_lists;
  for (auto id : changed) {
    auto s = remove_from_holders(c, id, w);
    short_lists.insert(short_lists.end(), s.begin(), s.end());
  }
  // 3. Their own lists, and into the lists they now enter.
  std::size_t done = 0;
  for (auto id : changed) {
    auto st = load_state(c, id);
    List l;
    l.pins = load_pins(c, id);
    auto scored = score_against(c, id, load_vector(c, id), st->day, w);
    if (st->candidate) {
      Ranked self{0, st->day, id};
      for (const auto& r : scored) {
        if (is_changed.count(r.ranked.id)) continue;  // computed in full, with every new vector
        // Below the floor, below the gate: the state need not be read.
        if (r.ranked.score * kScale < static_cast<double>(r.floor)) continue;
        auto other = load_state(c, r.ranked.id);
        if (!other || r.ranked.score < other->gate) continue;
        self.score = r.ranked.score;
        offer(c, r.ranked.id, self, *other, w);
      }
    }
    l.ranked = rank(scored, l.complete);
    store_list(c, id, l, w);
    if (progress) progress(++done, changed.size());
  }
  // 4. Lists left too short by departures and not refilled since.
  std::sort(short_lists.begin(), short_lists.end());
  short_lists.erase(std::unique(short_lists.begin(), short_lists.end()), short_lists.end());
  for (auto h : short_lists) {
    if (is_changed.count(h)) continue;
    auto st = load_state(c, h);
    if (!st || st->complete) continue;
    if (load_list(c, h).ranked.size() >= static_cast<std::size_t>(kStoredRelated)) continue;
    recompute_list(c, h, w);
  }
}

void forget_related(Connection& c, std::int64_t id, const RelatedWeights& w) {
  if (!has_engine(c)) return;
  store_vector(c, id, {}, 0, false, 0);
  StatementUse no_candidate(
      c.cached("UPDATE related_state SET candidate = 0 WHERE article_id = ?"));
  no_candidate->bind(1, id).run();
  for (auto h : remove_from_holders(c, id, w)) {
    auto st = load_state(c, h);
    if (st && !st->complete) recompute_list(c, h, w);
  }
}

void rerank_all_related(Connection& c, const RelatedWeights& w) {
  std::vector<std::int64_t> ids;
  {
    StatementUse q(c.cached("SELECT article_id FROM related_state ORDER BY article_id"));
    while (q->step()) ids.push_back(q->int64(0));
  }
  for (auto id : ids) recompute_list(c, id, w);
}

// --- full rebuild ----------------------------------------------------------------------

namespace {

// Runs fn(i) for i in [0, n) on every core, in chunks; `tick(done)` on the calling
// thread as chunks finish.
void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn,
                  const std::function<void(std::size_t)>& tick = {}) {
  constexpr std::size_t kChunk = 64;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto work = [&](bool report) {
    try {
      for (;;) {
        std::size_t from = next.fetch_add(kChunk);
        if (from >= n) return;
        std::size_t to = std::min(from + kChunk, n);
        for (std::size_t i = from; i < to; ++i) fn(i);
        std::size_t now = done.fetch_add(to - from) + (to - from);
        if (report && tick) tick(now);
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = n;
    }
  };
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  if (n <= kChunk) threads = 1;
  {
    std::vector<std::jthread> helpers;
    for (unsigned i = 1; i < threads; ++i) helpers.emplace_back(work, false);
    work(true);
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace

void rebuild_all_related(Connection& c, const RelatedWeights& w,
                         const std::function<void(std::size_t, std::size_t)>& progress) {
  if (!has_engine(c)) return;
  // 1. Read every article, tokenizing in batches on every core. Terms are interned to
  //    dense numbers so that a term frequency takes 8 bytes.
  struct Doc {
    std::int64_t id;
    int day;
    bool candidate;
    std::vector<std::pair<std::uint32_t, float>> tf;  // interned term, weighted frequency
    std::vector<std::uint32_t> tags;                  // interned tag keys
  };
  std::vector<Doc> docs;
  std::vector<std::int64_t> key_of;  // interned -> key
  std::unordered_map<std::int64_t, std::uint32_t> interned;
  auto intern = [&](std::int64_t key) {
    auto [it, added] = interned.emplace(key, static_cast<std::uint32_t>(key_of.size()));
    if (added) key_of.push_back(key);
    return it->second;
  };
  const std::size_t total =
      static_cast<std::size_t>(c.query_int("SELECT count(*) FROM articles").value_or(0));
  // Progress: reading counts for the first half, ranking for the second.
  auto report = [&](std::size_t done) {
    if (progress) progress(std::min(done, 2 * total), 2 * total);
  };
  {
    StatementUse q(c.cached(R"sql(
      SELECT id, title, summary, body_text, status = 'published', coalesce(published_at, ''),
        (SELECT group_concat(tag, char(31)) FROM article_tags WHERE article_id = a.id)
      FROM articles a ORDER BY id)sql"));
    std::vector<Source> batch;
    std::vector<std::vector<std::pair<std::int64_t, double>>> tfs;
    auto flush = [&]() {
      tfs.assign(batch.size(), {});
      parallel_for(batch.size(), [&](std::size_t i) {
        std::unordered_map<std::int64_t, double> tf;
        add_terms(batch[i], w, tf);
        tfs[i].assign(tf.begin(), tf.end());
      });
      for (std::size_t i = 0; i < batch.size(); ++i) {
        Doc d{batch[i].id, batch[i].day, batch[i].candidate, {}, {}};
        d.tf.reserve(tfs[i].size());
        for (const auto& [key, f] : tfs[i]) d.tf.push_back({intern(key), static_cast<float>(f)});
        for (const auto& t : batch[i].tags) d.tags.push_back(intern(tag_key(t)));
        docs.push_back(std::move(d));
      }
      batch.clear();
      report(docs.size());
    };
    while (q->step()) {
      Source s;
      s.id = q->int64(0);
      s.title = q->text(1);
      s.summary = q->text(2);
      s.body = q->text(3);
      s.candidate = q->integer(4) == 1;
      s.day = day_of(q->text_view(5));
      std::string_view rest = q->text_view(6);
      while (!rest.empty()) {
        auto pos = rest.find('\x1f');
        s.tags.emplace_back(rest.substr(0, pos));
        if (pos == std::string_view::npos) break;
        rest.remove_prefix(pos + 1);
      }
      batch.push_back(std::move(s));
      if (batch.size() == 1024) flush();
    }
    flush();
  }
  const std::int64_t n = static_cast<std::int64_t>(docs.size());

  // 2. Document frequencies, then every vector (on every core).
  std::vector<std::int64_t> df(key_of.size(), 0);
  for (const auto& d : docs) {
    for (const auto& [t, f] : d.tf) ++df[t];
    for (auto t : d.tags) ++df[t];
  }
  std::vector<std::vector<std::pair<std::uint32_t, std::int32_t>>> vectors(docs.size());
  parallel_for(docs.size(), [&](std::size_t i) {
    auto& d = docs[i];
    std::vector<std::pair<std::int64_t, double>> tf;
    tf.reserve(d.tf.size());
    // Keyed by the term's key (not its interned number), as the incremental path is,
    // so that ties among equal weights break the same way.
    for (const auto& [t, f] : d.tf) tf.push_back({key_of[t], f});
    std::sort(tf.begin(), tf.end());
    std::vector<std::int64_t> tags;
    for (auto t : d.tags) tags.push_back(key_of[t]);
    Vector v = make_vector(
        tf, tags, n, [&](std::int64_t key) { return df[interned.at(key)]; }, w);
    auto& out = vectors[i];
    for (const auto& [key, q] : v) out.push_back({interned.at(key), q});
    d.tf = {};
    d.tf.shrink_to_fit();
  });

  // 3. Postings of the candidates, then each article against them (on every core).
  std::vector<std::vector<std::pair<std::uint32_t, std::int32_t>>> postings(key_of.size());
  for (std::uint32_t i = 0; i < docs.size(); ++i) {
    if (!docs[i].candidate) continue;
    for (const auto& [t, q] : vectors[i]) postings[t].push_back({i, q});
  }
  std::vector<std::vector<Ranked>> lists(docs.size());
  std::vector<char> complete(docs.size(), 1);
  {
    std::mutex scratch_mutex;
    std::vector<std::vector<std::int64_t>> free_scratch;
    parallel_for(
        docs.size(),
        [&](std::size_t i) {
          std::vector<std::int64_t> acc;
          {
            std::lock_guard lock(scratch_mutex);
            if (!free_scratch.empty()) {
              acc = std::move(free_scratch.back());
              free_scratch.pop_back();
            }
          }
          acc.resize(docs.size(), 0);
          std::vector<std::uint32_t> touched;
          // Every candidate above the threshold (tens of thousands on a big store of few
          // topics) goes into a scratch vector, and only the best kKeptRelated into
          // lists[i]: a vector keeps its capacity when resized, and 100,000 lists at the
          // capacity of their candidates took 12 GiB.
          std::vector<Ranked> out;
          for (const auto& [t, qa] : vectors[i]) {
            for (const auto& [b, qb] : postings[t]) {
              if (acc[b] == 0) touched.push_back(b);
              acc[b] += static_cast<std::int64_t>(qa) * qb;
            }
          }
          for (auto b : touched) {
            std::int64_t d = acc[b];
            acc[b] = 0;
            if (b == i || static_cast<double>(d) / kDotScale < w.min_score) continue;
            double s = score_of(d, docs[i].day, docs[b].day, w);
            if (s >= w.min_score) out.push_back({s, docs[b].day, docs[b].id});
          }
          if (out.size() > static_cast<std::size_t>(kKeptRelated)) {
            std::partial_sort(out.begin(), out.begin() + kKeptRelated, out.end(), better);
            out.resize(kKeptRelated);
            complete[i] = 0;
          } else {
            std::sort(out.begin(), out.end(), better);
          }
          lists[i].assign(out.begin(), out.end());
          std::lock_guard lock(scratch_mutex);
          free_scratch.push_back(std::move(acc));
        },
        [&](std::size_t done) { report(total + done); });
  }

  // 4. Write.
  c.exec(
      "DELETE FROM related; DELETE FROM related_postings; DELETE FROM related_vectors;"
      " DELETE FROM related_df;"
      " DELETE FROM related_state; DELETE FROM related_meta;");
  {
    StatementUse ins(c.cached("INSERT INTO related_df (term, df) VALUES (?, ?)"));
    for (std::size_t t = 0; t < key_of.size(); ++t) {
      ins->bind_all(key_of[t], df[t]);
      ins->run();
      ins->reset();
    }
  }
  auto gate_of = [&](std::size_t i) {
    return complete[i] || lists[i].empty() ? w.min_score : lists[i].back().score;
  };
  {
    // Docs are in id order, so vectors go in in key order.
    StatementUse ins(
        c.cached("INSERT INTO related_vectors (article_id, term, weight) VALUES (?, ?, ?)"));
    std::vector<std::pair<std::int64_t, std::int32_t>> v;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      v.clear();
      for (const auto& [t, q] : vectors[i]) v.push_back({key_of[t], q});
      std::sort(v.begin(), v.end());
      for (const auto& [key, q] : v) {
        ins->bind_all(docs[i].id, key, static_cast<std::int64_t>(q));
        ins->run();
        ins->reset();
      }
    }
  }
  {
    // Every article's entries (drafts too: a draft's list takes published articles),
    // term by term in key order, each term's in id order, cut into blocks.
    std::vector<std::vector<std::pair<std::uint32_t, std::int32_t>>> holders(key_of.size());
    for (std::uint32_t i = 0; i < docs.size(); ++i) {
      for (const auto& [t, q] : vectors[i]) holders[t].push_back({i, q});
    }
    std::vector<std::uint32_t> terms(key_of.size());
    for (std::uint32_t t = 0; t < terms.size(); ++t) terms[t] = t;
    std::sort(terms.begin(), terms.end(),
              [&key_of](std::uint32_t x, std::uint32_t y) { return key_of[x] < key_of[y]; });
    StatementUse ins(
        c.cached("INSERT INTO related_postings (term, block, entries) VALUES (?, ?, ?)"));
    std::string bytes;
    for (auto t : terms) {
      const auto& hs = holders[t];
      for (std::size_t from = 0; from < hs.size();) {
        const std::int64_t block = docs[hs[from].first].id >> kBlockBits;
        bytes.clear();
        std::size_t to = from;
        for (; to < hs.size() && docs[hs[to].first].id >> kBlockBits == block; ++to) {
          const auto [i, q] = hs[to];
          append_entry(bytes,
                       {docs[i].id, q, docs[i].day, docs[i].candidate, floor_of(gate_of(i))});
        }
        ins->bind_all(key_of[t], block);
        ins->bind_blob(3, bytes);
        ins->run();
        ins->reset();
        from = to;
      }
      holders[t] = {};
    }
  }
  {
    StatementUse state(
        c.cached("INSERT INTO related_state (article_id, day, candidate, complete, gate) VALUES "
                 "(?, ?, ?, ?, ?)"));
    StatementUse pins(
        c.cached("SELECT article_id, pinned_id FROM related_pins ORDER BY article_id, position"));
    std::unordered_map<std::int64_t, std::vector<std::int64_t>> pinned;
    while (pins->step()) pinned[pins->int64(0)].push_back(pins->int64(1));
    StatementUse ins(c.cached(kInsertEntry));
    for (std::size_t i = 0; i < docs.size(); ++i) {
      const auto& d = docs[i];
      double gate = gate_of(i);
      state->bind_all(d.id, d.day, d.candidate ? 1 : 0, complete[i] ? 1 : 0, gate);
      state->run();
      state->reset();
      int rank = 0;
      std::vector<std::int64_t> shown;
      if (auto p = pinned.find(d.id); p != pinned.end()) {
        for (auto id : p->second) {
          if (std::find(shown.begin(), shown.end(), id) != shown.end()) continue;
          shown.push_back(id);
          insert_entry(c, *ins, d.id, kRankGap * rank++, id, 1.0, 1);
        }
      }
      for (const auto& r : lists[i]) {
        bool dup = std::find(shown.begin(), shown.end(), r.id) != shown.end();
        insert_entry(c, *ins, d.id, kRankGap * rank++, r.id, r.score, dup ? 2 : 0);
      }
    }
  }
  set_meta(c, "articles", std::to_string(n));
  set_meta(c, "weights", weights_text(w));
  report(2 * total);
}

std::string check_related_postings(Connection& c) {
  std::map<std::pair<std::int64_t, std::int64_t>, Posting> entries;  // (term, id)
  {
    StatementUse q(c.cached("SELECT term, block, entries FROM related_postings"));
    while (q->step()) {
      const std::int64_t term = q->int64(0);
      std::string_view bytes = q->blob_view(2);
      if (bytes.empty() || bytes.size() % kEntryBytes != 0) return "a block of a bad size";
      std::int64_t last = -1;
      bool ordered = true;
      for_each_entry(q->int64(1), bytes, [&](const Posting& e) {
        ordered = ordered && e.id > last;
        last = e.id;
        entries[{term, e.id}] = e;
      });
      if (!ordered) return "a block out of id order";
    }
  }
  std::size_t components = 0;
  StatementUse v(c.cached(R"sql(
    SELECT v.article_id, v.term, v.weight, s.day, s.candidate, s.gate
    FROM related_vectors v JOIN related_state s ON s.article_id = v.article_id)sql"));
  while (v->step()) {
    ++components;
    const std::int64_t id = v->int64(0);
    const std::string which =
        "article " + std::to_string(id) + ", term " + std::to_string(v->int64(1));
    auto e = entries.find({v->int64(1), id});
    if (e == entries.end()) return which + ": no entry";
    if (e->second.weight != v->int64(2)) return which + ": another weight";
    if (e->second.day != v->integer(3)) return which + ": another day";
    if (e->second.candidate != (v->integer(4) == 1)) return which + ": another candidacy";
    if (static_cast<double>(e->second.floor) > v->real(5) * kScale)
      return which + ": floor above the gate";
  }
  if (components != entries.size()) return "entries of no vector";
  return "";
}

// --- explanations ------------------------------------------------------------------------

std::vector<RelatedExplanation> related_explained(Connection& c, std::int64_t id) {
  std::vector<RelatedExplanation> out;
  std::vector<std::int64_t> ids;
  {
    StatementUse q(c.cached(R"sql(
      SELECT r.related_id, a.slug, a.title, r.score, r.pinned
      FROM related r CROSS JOIN articles a ON a.id = r.related_id
      WHERE r.article_id = ? AND r.pinned <= 1 ORDER BY r.rank)sql"));
    q->bind(1, id);
    while (q->step()) {
      ids.push_back(q->int64(0));
      RelatedExplanation e;
      e.slug = q->text(1);
      e.title = q->text(2);
      e.score = q->real(3);
      e.pinned = q->integer(4) == 1;
      out.push_back(std::move(e));
    }
  }
  if (out.empty()) return out;
  // Key -> readable stem, from the words of the article and of its related ones.
  std::unordered_map<std::int64_t, std::string> words;
  auto learn = [&](std::int64_t article) {
    auto s = load_source(c, article);
    if (!s) return s;
    auto add = [&](std::string_view text) {
      for_each_term(text, [&](const std::string& t) { words.emplace(term_key(t), t); });
    };
    add(s->title);
    add(s->summary);
    add(s->body);
    for (const auto& t : s->tags) add(t);
    return s;
  };
  auto self = learn(id);
  Vector ours = load_vector(c, id);
  std::unordered_map<std::int64_t, std::int32_t> our_weight(ours.begin(), ours.end());
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto other = learn(ids[i]);
    if (self && other) {
      for (const auto& t : self->tags) {
        if (std::find(other->tags.begin(), other->tags.end(), t) != other->tags.end()) {
          out[i].shared_tags.push_back(t);
        }
      }
    }
    std::vector<std::pair<std::int64_t, std::string>> shared;
    for (const auto& [key, q] : load_vector(c, ids[i])) {
      auto mine = our_weight.find(key);
      auto word = words.find(key);
      if (mine == our_weight.end() || word == words.end()) continue;
      shared.push_back({static_cast<std::int64_t>(q) * mine->second, word->second});
    }
    std::sort(shared.begin(), shared.end(), [](auto& x, auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    for (std::size_t j = 0; j < shared.size() && j < 8; ++j) {
      out[i].shared_terms.push_back(shared[j].second);
    }
  }
  return out;
}

}  // namespace gazette::db
