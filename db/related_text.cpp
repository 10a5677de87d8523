// Words, stop words and the Porter stemmer (see related_text.h). The stemmer follows
// M.F. Porter, "An algorithm for suffix stripping" (1980), steps 1a to 5b, as in his
// reference C version; SQLite's FTS5 `porter` tokenizer implements the same algorithm,
// so search and related articles agree on what a word is.
#include "db/related_text.h"

#include <algorithm>
#include <iterator>

namespace gazette::db {

namespace {

// The stemmer's state: the word and the end of the stem being considered (j) and of
// the word (k), as in the reference implementation.
class Stemmer {
 public:
  explicit Stemmer(std::string& b) : b_(b), k_(static_cast<int>(b.size()) - 1) {}

  void run() {
    if (k_ <= 1) return;  // words of one or two letters are left alone
    step1ab();
    if (k_ > 0) {
      step1c();
      step2();
      step3();
      step4();
      step5();
    }
    b_.resize(k_ + 1);
  }

 private:
  bool cons(int i) const {
    switch (b_[i]) {
      case 'a':
      case 'e':
      case 'i':
      case 'o':
      case 'u':
        return false;
      case 'y':
        return i == 0 ? true : !cons(i - 1);
      default:
        return true;
    }
  }
  // The number of VC sequences in b[0..j].
  int m() const {
    int n = 0;
    int i = 0;
    for (;;) {
      if (i > j_) return n;
      if (!cons(i)) break;
      ++i;
    }
    ++i;
    for (;;) {
      for (;;) {
        if (i > j_) return n;
        if (cons(i)) break;
        ++i;
      }
      ++i;
      ++n;
      for (;;) {
        if (i > j_) return n;
        if (!cons(i)) break;
        ++i;
      }
      ++i;
    }
  }
  bool vowel_in_stem() const {
    for (int i = 0; i <= j_; ++i) {
      if (!cons(i)) return true;
    }
    return false;
  }
  bool doublec(int j) const { return j >= 1 && b_[j] == b_[j - 1] && cons(j); }
  // consonant-vowel-consonant ending at i, the last not w, x or y.
  bool cvc(int i) const {
    if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
    char ch = b_[i];
    return ch != 'w' && ch != 'x' && ch != 'y';
  }
  bool ends(std::string_view s) {
    int len = static_cast<int>(s.size());
    if (len > k_ + 1) return false;
    if (std::string_view(b_).substr(k_ - len + 1, len) != s) return false;
    j_ = k_ - len;
    return true;
  }
  void setto(std::string_view s) {
    b_.replace(j_ + 1, k_ - j_, s);
    k_ = j_ + static_cast<int>(s.size());
  }
  void r(std::string_view s) {
    if (m() > 0) setto(s);
  }

  void step1ab() {
    if (b_[k_] == 's') {
      if (ends("sses")) {
        k_ -= 2;
      } else if (ends("ies")) {
        setto("i");
      } else if (b_[k_ - 1] != 's') {
        --k_;
      }
      b_.resize(k_ + 1);
    }
    if (ends("eed")) {
      if (m() > 0) --k_;
    } else if ((ends("ed") || ends("ing")) && vowel_in_stem()) {
      k_ = j_;
      b_.resize(k_ + 1);
      if (ends("at")) {
        setto("ate");
      } else if (ends("bl")) {
        setto("ble");
      } else if (ends("iz")) {
        setto("ize");
      } else if (doublec(k_)) {
        char ch = b_[k_];
        if (ch != 'l' && ch != 's' && ch != 'z') --k_;
      } else {
        j_ = k_;
        if (m() == 1 && cvc(k_)) {
          b_.resize(k_ + 1);
          b_ += 'e';
          ++k_;
        }
      }
    }
    b_.resize(k_ + 1);
  }
  void step1c() {
    if (ends("y") && vowel_in_stem()) b_[k_] = 'i';
  }
  void step2() {
    if (k_ < 1) return;
    switch (b_[k_ - 1]) {
      case 'a':
        if (ends("ational")) return r("ate");
        if (ends("tional")) return r("tion");
        break;
      case 'c':
        if (ends("enci")) return r("ence");
        if (ends("anci")) return r("ance");
        break;
      case 'e':
        if (ends("izer")) return r("ize");
        break;
      case 'l':
        if (ends("bli")) return r("ble");
        if (ends("alli")) return r("al");
        if (ends("entli")) return r("ent");
        if (ends("eli")) return r("e");
        if (ends("ousli")) return r("ous");
        break;
      case 'o':
        if (ends("ization")) return r("ize");
        if (ends("ation")) return r("ate");
        if (ends("ator")) return r("ate");
        break;
      case 's':
        if (ends("alism")) return r("al");
        if (ends("iveness")) return r("ive");
        if (ends("fulness")) return r("ful");
        if (ends("ousness")) return r("ous");
        break;
      case 't':
        if (ends("aliti")) return r("al");
        if (ends("iviti")) return r("ive");
        if (ends("biliti")) return r("ble");
        break;
      case 'g':
        if (ends("logi")) return r("log");
        break;
      default:
        break;
    }
  }
  void step3() {
    switch (b_[k_]) {
      case 'e':
        if (ends("icate")) return r("ic");
        if (ends("ative")) return r("");
        if (ends("alize")) return r("al");
        break;
      case 'i':
        if (ends("iciti")) return r("ic");
        break;
      case 'l':
        if (ends("ical")) return r("ic");
        if (ends("ful")) return r("");
        break;
      case 's':
        if (ends("ness")) return r("");
        break;
      default:
        break;
    }
  }
  void step4() {
    if (k_ < 1) return;
    bool found = false;
    switch (b_[k_ - 1]) {
      case 'a':
        found = ends("al");
        break;
      case 'c':
        found = ends("ance") || ends("ence");
        break;
      case 'e':
        found = ends("er");
        break;
      case 'i':
        found = ends("ic");
        break;
      case 'l':
        found = ends("able") || ends("ible");
        break;
      case 'n':
        found = ends("ant") || ends("ement") || ends("ment") || ends("ent");
        break;
      case 'o':
        found = (ends("ion") && j_ >= 0 && (b_[j_] == 's' || b_[j_] == 't')) || ends("ou");
        break;
      case 's':
        found = ends("ism");
        break;
      case 't':
        found = ends("ate") || ends("iti");
        break;
      case 'u':
        found = ends("ous");
        break;
      case 'v':
        found = ends("ive");
        break;
      case 'z':
        found = ends("ize");
        break;
      default:
        break;
    }
    if (found && m() > 1) k_ = j_;
  }
  void step5() {
    j_ = k_;
    if (b_[k_] == 'e') {
      int a = m();
      if (a > 1 || (a == 1 && !cvc(k_ - 1))) --k_;
    }
    if (b_[k_] == 'l' && doublec(k_)) {
      j_ = k_;
      if (m() > 1) --k_;
    }
  }

  std::string& b_;
  int k_;
  int j_ = 0;
};

// Sorted, for binary search. The usual English function words plus the words news
// copy uses everywhere ("said", "new", "year").
constexpr std::string_view kStopWords[] = {
    "a",       "about", "above",  "after",   "again", "against", "all",    "also",    "am",
    "an",      "and",   "any",    "are",     "as",    "at",      "be",     "because", "been",
    "before",  "being", "below",  "between", "both",  "but",     "by",     "can",     "could",
    "did",     "do",    "does",   "doing",   "down",  "during",  "each",   "even",    "ever",
    "few",     "for",   "from",   "further", "had",   "has",     "have",   "having",  "he",
    "her",     "here",  "hers",   "herself", "him",   "himself", "his",    "how",     "however",
    "i",       "if",    "in",     "into",    "is",    "it",      "its",    "itself",  "just",
    "last",    "least", "less",   "like",    "made",  "make",    "many",   "may",     "me",
    "might",   "more",  "most",   "much",    "must",  "my",      "myself", "new",     "no",
    "nor",     "not",   "now",    "of",      "off",   "on",      "once",   "one",     "only",
    "or",      "other", "our",    "ours",    "out",   "over",    "own",    "said",    "same",
    "says",    "she",   "should", "since",   "so",    "some",    "such",   "than",    "that",
    "the",     "their", "them",   "then",    "there", "these",   "they",   "this",    "those",
    "through", "to",    "too",    "under",   "until", "up",      "us",     "very",    "was",
    "we",      "were",  "what",   "when",    "where", "which",   "while",  "who",     "whom",
    "why",     "will",  "with",   "would",   "year",  "you"};

}  // namespace

std::string porter_stem(std::string word) {
  for (char ch : word) {
    if (ch < 'a' || ch > 'z') return word;
  }
  Stemmer(word).run();
  return word;
}

bool is_stop_word(std::string_view word) {
  return std::binary_search(std::begin(kStopWords), std::end(kStopWords), word);
}

std::int64_t term_key(std::string_view term) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char ch : term) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  return static_cast<std::int64_t>(h >> 1);
}

void split_words(std::string_view text, std::vector<std::string>& out) {
  std::string word;
  for (unsigned char ch : text) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80) {
      word += static_cast<char>(ch);
    } else if (ch >= 'A' && ch <= 'Z') {
      word += static_cast<char>(ch - 'A' + 'a');
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
}

}  // namespace gazette::db
