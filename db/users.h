// Admin accounts in the store. Passwords arrive here already hashed (app/passwords.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/sqlite.h"

namespace gazette::db {

// Adds a user; false when the name is taken.
bool add_user(Connection& c, std::string_view name, std::string_view password_hash,
              std::string_view now);
// The stored argon2id hash of `name`, if the user exists.
std::optional<std::string> password_hash_of(Connection& c, std::string_view name);
std::int64_t count_users(Connection& c);

// Replaces the stored hash of `name` and ends every session of the user; false when
// there is no such user.
bool set_password_hash(Connection& c, std::string_view name, std::string_view password_hash);

enum class RemoveUserResult { removed, not_found, last_user };
// Removes `name`, unless it is the only account left: a site nobody can log in to can't
// be repaired from the admin. The count and the delete share one write transaction, so
// two concurrent removals can't both pass the check and leave no account.
RemoveUserResult remove_user(Connection& c, std::string_view name);

struct UserInfo {
  std::string name;
  std::string created_at;  // ISO 8601 UTC
};
// Every user, sorted by name (byte order; names are ASCII).
std::vector<UserInfo> list_users(Connection& c);

}  // namespace gazette::db
