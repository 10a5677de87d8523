// libFuzzer target: a Markdown file with front matter (content/front_matter.h), then the
// validator. Nothing may crash; an error names a line inside the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "content/front_matter.h"
#include "content/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = gazette::parse_front_matter_document(text);
  if (auto* error = std::get_if<gazette::ParseError>(&parsed)) {
    // Lines are 1-based; 0 means the whole file. A file of n bytes has at most n + 1.
    if (error->line < 0 || static_cast<std::size_t>(error->line) > size + 1) std::abort();
    return 0;
  }
  auto& doc = std::get<gazette::ParsedDocument>(parsed);
  gazette::normalize_and_validate(doc.article, "2026-11-24T00:00:00Z");
  return 0;
}
