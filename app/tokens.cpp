// Session and CSRF tokens (see tokens.h).
#include "app/tokens.h"

#include <sodium.h>

#include <array>

namespace gazette {

namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

std::string to_base64url(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, kBase64Variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, kBase64Variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace

std::string random_token() {
  std::array<unsigned char, kTokenBytes> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::string out = to_base64url(bytes.data(), bytes.size());
  sodium_memzero(bytes.data(), bytes.size());
  return out;
}

std::string token_hash(std::string_view token) {
  std::array<unsigned char, crypto_generichash_BYTES> hash;
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  std::string hex(hash.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  hex.pop_back();
  return hex;
}

std::string csrf_token_for(std::string_view token) {
  static constexpr std::string_view kLabel = "gazette csrf v1";
  std::array<unsigned char, crypto_generichash_BYTES> mac;
  // The key may be at most crypto_generichash_KEYBYTES_MAX (64) bytes; a token is 43.
  std::string_view key = token.substr(0, crypto_generichash_KEYBYTES_MAX);
  if (key.size() < crypto_generichash_KEYBYTES_MIN) return {};  // matches nothing
  crypto_generichash(mac.data(), mac.size(), reinterpret_cast<const unsigned char*>(kLabel.data()),
                     kLabel.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return to_base64url(mac.data(), mac.size());
}

bool secrets_equal(std::string_view a, std::string_view b) {
  // An empty secret is a missing one: it matches nothing, itself included.
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool looks_like_token(std::string_view token) {
  if (token.size() != 43) return false;
  for (unsigned char ch : token) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace gazette
