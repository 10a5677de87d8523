// libFuzzer target: article bodies (content/markdown.h). Safe mode: no raw HTML and no
// script or javascript: link comes out, whatever the Markdown.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "content/markdown.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view markdown(reinterpret_cast<const char*>(data), size);
  std::string html = gazette::markdown_to_html(markdown);
  std::string lower;
  lower.reserve(html.size());
  for (unsigned char ch : html) lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  if (lower.find("<script") != std::string::npos) std::abort();
  if (lower.find("href=\"javascript:") != std::string::npos) std::abort();
  if (lower.find("<iframe") != std::string::npos) std::abort();
  gazette::markdown_to_text(markdown);
  return 0;
}
