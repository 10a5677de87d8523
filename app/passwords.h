// Passwords: argon2id hashes (libsodium) and generated one-time passwords.
#pragma once

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

}  // namespace gazette
