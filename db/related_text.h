// Text analysis for the related-articles engine (db/related.h): words, stop words and
// Porter stems. Pure functions, no SQL, safe on any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gazette::db {

// The Porter (1980) stem of `word` (lowercase ASCII letters): "councils" and
// "councillors" -> "council", "running" -> "run". Words with other characters are
// returned unchanged.
std::string porter_stem(std::string word);

// True for the common English words that say nothing about a topic ("the", "which").
bool is_stop_word(std::string_view word);

// The terms of `text` in order: runs of ASCII letters and digits and of any non-ASCII
// bytes (so "Zürich" stays one word), lowercased, without stop words, words of one
// character and pure numbers, each Porter-stemmed. Calls `fn(term)` for each.
template <typename Fn>
void for_each_term(std::string_view text, Fn&& fn);

// A 63-bit FNV-1a hash of a term: how terms are keyed in the stored index (an integer
// key is smaller and faster than the text; a collision among 2^63 is not a concern).
// Tag dimensions are hashed as "#" + tag, so they never meet a word.
std::int64_t term_key(std::string_view term);

// Splits `text` into lowercase words (before stop words and stemming).
void split_words(std::string_view text, std::vector<std::string>& out);

template <typename Fn>
void for_each_term(std::string_view text, Fn&& fn) {
  std::vector<std::string> words;
  split_words(text, words);
  for (auto& w : words) {
    if (w.size() < 2 || is_stop_word(w)) continue;
    bool digits = true;
    for (char ch : w) digits = digits && ch >= '0' && ch <= '9';
    if (digits) continue;
    fn(porter_stem(std::move(w)));
  }
}

}  // namespace gazette::db
