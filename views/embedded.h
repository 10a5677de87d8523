// Files compiled into the binary at build time (cmake/embed.cmake): templates, static
// assets and the demo content, so the binary runs from any directory.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace gazette {

struct EmbeddedFile {
  std::string_view path;  // relative to the source tree, e.g. "views/layout.mustache"
  std::string_view data;
};

std::span<const EmbeddedFile> embedded_files();

// The embedded file at `path`, if there is one.
inline std::optional<std::string_view> embedded_file(std::string_view path) {
  for (const auto& f : embedded_files()) {
    if (f.path == path) return f.data;
  }
  return std::nullopt;
}

}  // namespace gazette
