// Admin sessions and failed sign-ins in the store (tables `sessions` and
// `login_failures`, schema migration 4). Tokens arrive here already hashed
// (app/tokens.h); times are Unix seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "db/sqlite.h"

namespace gazette::db {

// How long a session lives: `idle` seconds after its last request, `absolute` seconds
// after sign-in, whichever ends first.
struct SessionLimits {
  std::int64_t idle = 12 * 3600;
  std::int64_t absolute = 7 * 24 * 3600;
};

struct SessionUser {
  std::int64_t user_id = 0;
  std::string name;
};

// Signs `user_id` in under `token_hash`.
void create_session(Connection& c, std::string_view token_hash, std::int64_t user_id,
                    std::int64_t now);

// The user of the session `token_hash` when it exists and has not expired at `now`. An
// expired session is deleted. A live one has its last request time moved to `now`, at
// most once a minute (a write per admin page view would queue behind saves for nothing).
std::optional<SessionUser> find_session(Connection& c, std::string_view token_hash,
                                        std::int64_t now, const SessionLimits& limits);

// Ends the session `token_hash` (logout); nothing when there is none.
void end_session(Connection& c, std::string_view token_hash);

// Ends every session of user `name` (a password change or removal signs them out).
void end_sessions_of(Connection& c, std::string_view name);

// The user id and stored password hash of `name`, if the user exists.
struct LoginRecord {
  std::int64_t user_id = 0;
  std::string password_hash;
};
std::optional<LoginRecord> login_record(Connection& c, std::string_view name);

// Records one failed sign-in under each key at `now` and forgets failures older than
// `window` seconds. Keys: "user:NAME", "addr:ADDRESS" (see schema migration 4).
void record_login_failure(Connection& c, std::string_view user_key, std::string_view addr_key,
                          std::int64_t now, std::int64_t window);

// Failed sign-ins under `key` since `since` (inclusive), and the time of the oldest of
// them (0 when there are none): throttling lasts until it leaves the window.
struct FailureCount {
  std::int64_t count = 0;
  std::int64_t oldest = 0;
};
FailureCount count_login_failures(Connection& c, std::string_view key, std::int64_t since);

}  // namespace gazette::db
