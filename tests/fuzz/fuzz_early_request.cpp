// libFuzzer target: what the guard reads of a request before cpp-httplib does, for its
// early answers (app/http_guard.h, handlers/page_cache.h). The input is a request target
// and then, after the first newline, header lines. A key made from the target as sent
// must be the key cache_key() makes of the library's own parse (decode_url and
// parse_query_text, from the library itself), or a hit could serve the wrong page.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/http_guard.h"
#include "handlers/page_cache.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  std::string target(input.substr(0, newline));

  if (auto key = gazette::cache_key_of_target(target)) {
    httplib::Request req;
    auto question = target.find('?');
    req.path = httplib::detail::decode_url(target.substr(0, question), false);
    if (question != std::string::npos && question + 1 < target.size()) {
      httplib::detail::parse_query_text(target.substr(question + 1), req.params);
    }
    if (*key != gazette::cache_key(req)) std::abort();
  }

  gazette::EarlyRequest early;
  early.method = "GET";
  early.target = target;
  early.head = input;
  for (std::string_view name : {"Accept-Encoding", "If-None-Match", "Connection", ""}) {
    if (auto value = early.header(name)) {
      // A value lies within the head and within its line (a CR alone inside a line is
      // the line's business: the value is compared or parsed, never echoed).
      if (value->data() < input.data() || value->data() + value->size() > input.data() + size ||
          value->find('\n') != std::string_view::npos) {
        std::abort();
      }
    }
  }
  return 0;
}
