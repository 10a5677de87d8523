// Passwords: argon2id hashes (libsodium) and generated one-time passwords.
#pragma once

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>

namespace gazette {

// Calls sodium_init(); false when libsodium cannot start (no entropy source).
bool init_crypto();

// An argon2id hash in libsodium's self-describing string format (salt and limits inside).
std::string hash_password(std::string_view password);

// True when `password` matches `hash` (constant time in the password).
bool verify_password(std::string_view password, const std::string& hash);

// A random password of `length` characters from an alphabet without look-alikes
// (no 0/O, 1/l/I), for the first admin account.
std::string random_password(std::size_t length);

// Checks sign-in passwords for the server. Each check costs an argon2id pass over 64
// MiB, so at most `concurrency` run at once (a burst of logins would otherwise take
// hundreds of MiB); the others wait their turn. A check for a user that does not exist
// runs against a dummy hash, so that the answer takes as long as for a real user and
// does not tell which names exist. Thread-safe.
class PasswordChecker {
 public:
  explicit PasswordChecker(std::ptrdiff_t concurrency)
      : slots_(concurrency < 1 ? 1 : std::min<std::ptrdiff_t>(concurrency, kMaxConcurrency)) {}

  // True when `password` matches `hash`; false, after the same work, when there is no hash.
  bool check(std::string_view password, const std::optional<std::string>& hash);

 private:
  static constexpr std::ptrdiff_t kMaxConcurrency = 16;
  std::counting_semaphore<kMaxConcurrency> slots_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace gazette
