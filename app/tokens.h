// Secrets of the admin's sign-in: session tokens, what the database keeps of them, and
// CSRF tokens derived from them (libsodium; init_crypto() must have run).
#pragma once

#include <string>
#include <string_view>

namespace gazette {

// A new random 256-bit token, base64url without padding (43 characters): what the
// session and pre-session cookies hold.
std::string random_token();

// The BLAKE2b-256 hash of `token` in hex: what the sessions table keeps instead of the
// token, so that a copy of the database opens no session.
std::string token_hash(std::string_view token);

// The CSRF token of the forms shown to the holder of cookie token `token`: a keyed
// BLAKE2b-256 of a fixed label under that token, base64url. It needs no storage, is the
// same for every form of one session (so several tabs work) and is useless with any
// other cookie. Empty (matching nothing) for a token shorter than 16 bytes.
std::string csrf_token_for(std::string_view token);

// Compares two secrets in time that depends only on their lengths. An empty one matches
// nothing.
bool secrets_equal(std::string_view a, std::string_view b);

// True when `token` has the shape random_token() gives (43 base64url characters), so
// that a forged cookie of another shape costs no database lookup.
bool looks_like_token(std::string_view token);

}  // namespace gazette
