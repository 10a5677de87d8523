// Static assets (see assets.h).
#include "views/assets.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <filesystem>

#include "views/embedded.h"
#include "views/views.h"

namespace gazette {

namespace {

constexpr std::string_view kStaticDir = "static/";

std::string content_type_for(std::string_view name) {
  auto dot = name.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

std::string content_hash(std::string_view data, std::size_t hex_chars) {
  // MurmurHash64A's steps (Austin Appleby, public domain) in four interleaved lanes, 32
  // bytes per round: one lane's chain of multiplies ran at a twentieth of an uncached
  // article page; four keep the multiplier busy. A page is hashed for its ETag on every
  // render, and an ETag needs a stable digest that changes with the content, not a
  // cryptographic one (BLAKE2b took a tenth of the page).
  constexpr std::uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  auto mix = [](std::uint64_t k) {
    k *= m;
    k ^= k >> r;
    return k * m;
  };
  std::uint64_t h = 0x5bd1e9955bd1e995ULL ^ (data.size() * m);
  const char* p = data.data();
  const char* end = p + data.size() / 8 * 8;
  if (data.size() >= 32) {
    std::uint64_t lane[4] = {h, h ^ 0x9e3779b97f4a7c15ULL, h ^ 0xbf58476d1ce4e5b9ULL,
                             h ^ 0x94d049bb133111ebULL};
    const char* rounds_end = p + data.size() / 32 * 32;
    for (; p != rounds_end; p += 32) {
      for (int j = 0; j < 4; ++j) {
        std::uint64_t k;
        std::memcpy(&k, p + 8 * j, 8);
        lane[j] ^= mix(k);
        lane[j] *= m;
      }
    }
    h = lane[0];
    for (int j = 1; j < 4; ++j) {
      h ^= mix(lane[j]);
      h *= m;
    }
  }
  for (; p != end; p += 8) {
    std::uint64_t k;
    std::memcpy(&k, p, 8);
    h ^= mix(k);
    h *= m;
  }
  if (std::size_t tail = data.size() % 8) {
    for (std::size_t i = tail; i-- > 0;) {
      h ^= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    }
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string(hex, std::min<std::size_t>(hex_chars, 16));
}

Assets::Assets(const std::optional<std::string>& theme_dir) {
  std::unordered_map<std::string, std::string> files;
  for (const auto& f : embedded_files()) {
    if (f.path.starts_with(kStaticDir)) {
      files.emplace(std::string(f.path.substr(kStaticDir.size())), std::string(f.data));
    }
  }
  if (theme_dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path dir = fs::path(*theme_dir) / "static";
    if (fs::is_directory(dir, ec)) {
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) continue;
        auto name = entry.path().filename().string();
        if (auto text = read_theme_or_embedded(theme_dir, "static/" + name)) files[name] = *text;
      }
    }
  }
  for (auto& [name, body] : files) {
    std::string hash = content_hash(body, 12);
    auto dot = name.rfind('.');
    std::string url = "/static/" + (dot == std::string::npos
                                        ? name + "." + hash
                                        : name.substr(0, dot) + "." + hash + name.substr(dot));
    url_by_name_[name] = url;
    by_url_[url] = Asset{url, content_type_for(name), std::move(body), "\"" + hash + "\""};
  }
}

const Asset* Assets::find(std::string_view url) const {
  auto it = by_url_.find(std::string(url));
  return it == by_url_.end() ? nullptr : &it->second;
}

std::string Assets::url_of(std::string_view name) const {
  auto it = url_by_name_.find(std::string(name));
  return it == url_by_name_.end() ? "" : it->second;
}

}  // namespace gazette
