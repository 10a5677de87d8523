// libFuzzer target: one JSON Lines record (content/jsonl.h) through the validator
// (content/validate.h). A record that parses and validates must come back the same
// after article_to_json and a second parse: what dump writes, import reads.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "content/jsonl.h"
#include "content/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto parsed = gazette::parse_article_record(line);
  auto* article = std::get_if<gazette::Article>(&parsed);
  if (!article) return 0;
  if (!gazette::normalize_and_validate(*article, "2026-11-24T00:00:00Z").empty()) return 0;
  std::string json = gazette::article_to_json(*article);
  auto again = gazette::parse_article_record(json);
  auto* copy = std::get_if<gazette::Article>(&again);
  if (!copy) std::abort();
  if (copy->slug != article->slug || copy->title != article->title ||
      copy->summary != article->summary || copy->body_markdown != article->body_markdown ||
      copy->author != article->author || copy->tags != article->tags ||
      copy->status != article->status || copy->published_at != article->published_at ||
      copy->related != article->related) {
    std::abort();
  }
  return 0;
}
