// libFuzzer target: the admin's form decoder (handlers/form.h). Whatever the bytes, it
// returns a form whose every name and value is UTF-8 without NUL, at most
// kMaxFormFields of them, or nothing with a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "content/slug.h"
#include "handlers/form.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto form = gazette::parse_form(body, &error);
  if (!form) {
    if (error.empty() || !gazette::is_valid_utf8(error)) std::abort();
    return 0;
  }
  if (form->fields().size() > gazette::kMaxFormFields) std::abort();
  for (const auto& [name, value] : form->fields()) {
    for (const std::string* text : {&name, &value}) {
      if (!gazette::is_valid_utf8(*text) || text->find('\0') != std::string::npos) std::abort();
    }
  }
  return 0;
}
