// Static assets (CSS, icons): loaded once at start-up from the embedded static/ folder
// or the theme, each served under a name carrying a hash of its content so that it can
// be cached for a year and a new version gets a new URL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gazette {

struct Asset {
  std::string url;           // "/static/style.3f2a9c1be0d4.css"
  std::string content_type;  // "text/css; charset=utf-8"
  std::string body;
  std::string etag;  // strong, from the content
};

class Assets {
 public:
  explicit Assets(const std::optional<std::string>& theme_dir);

  // The asset served at `url`, if any.
  const Asset* find(std::string_view url) const;
  // The hashed URL of the file "static/NAME" (e.g. "style.css"); "" when there is none.
  std::string url_of(std::string_view name) const;
  // Every asset by URL (for export).
  const std::unordered_map<std::string, Asset>& all() const { return by_url_; }

 private:
  std::unordered_map<std::string, Asset> by_url_;
  std::unordered_map<std::string, std::string> url_by_name_;
};

// A short, stable hex digest of `data` (64 bits, MurmurHash64A: fast, not
// cryptographic), for content-hashed names and strong ETags. At most 16 hex digits.
std::string content_hash(std::string_view data, std::size_t hex_chars = 16);

}  // namespace gazette
