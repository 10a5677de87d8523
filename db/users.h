// Admin accounts in the store. Passwords arrive here already hashed (app/passwords.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "db/sqlite.h"

namespace gazette::db {

// Adds a user; false when the name is taken.
bool add_user(Connection& c, std::string_view name, std::string_view password_hash,
              std::string_view now);
// The stored argon2id hash of `name`, if the user exists.
std::optional<std::string> password_hash_of(Connection& c, std::string_view name);
std::int64_t count_users(Connection& c);

}  // namespace gazette::db
