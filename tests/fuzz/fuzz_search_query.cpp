// libFuzzer target: what a reader types into search (content/search_query.h). The
// cleaned query is UTF-8; a snippet made from any text holds no HTML but our <mark>s.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "content/search_query.h"
#include "content/slug.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view typed(reinterpret_cast<const char*>(data), size);
  auto query = gazette::parse_search_query(typed);
  if (!gazette::is_valid_utf8(query.text)) std::abort();
  std::string html = gazette::snippet_html(typed);
  // Remove our own marks; no other tag may remain.
  for (std::string_view mark : {"<mark>", "</mark>"}) {
    for (auto pos = html.find(mark); pos != std::string::npos; pos = html.find(mark)) {
      html.erase(pos, mark.size());
    }
  }
  if (html.find('<') != std::string::npos || html.find('>') != std::string::npos) std::abort();
  return 0;
}
