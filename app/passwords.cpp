// Passwords (see passwords.h).
#include "app/passwords.h"

#include <sodium.h>

#include <stdexcept>

namespace gazette {

bool init_crypto() {
  return sodium_init() >= 0;
}

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  // INTERACTIVE limits (64 MiB, 2 passes): libsodium's recommendation for online logins.
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool verify_password(std::string_view password, const std::string& hash) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool PasswordChecker::check(std::string_view password, const std::optional<std::string>& hash) {
  std::call_once(dummy_once_, [this] { dummy_hash_ = hash_password(random_password(20)); });
  slots_.acquire();
  struct Release {
    std::counting_semaphore<kMaxConcurrency>& slots;
    ~Release() { slots.release(); }
  } release{slots_};
  bool ok = verify_password(password, hash ? *hash : dummy_hash_);
  return ok && hash.has_value();
}

std::string random_password(std::size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    out.push_back(kAlphabet[randombytes_uniform(sizeof(kAlphabet) - 1)]);
  }
  return out;
}

}  // namespace gazette
