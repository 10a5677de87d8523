// Admin accounts (see users.h).
#include "db/users.h"

namespace gazette::db {

bool add_user(Connection& c, std::string_view name, std::string_view password_hash,
              std::string_view now) {
  StatementUse q(c.cached(
      "INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?) "
      "ON CONFLICT (name) DO NOTHING"));
  q->bind_all(name, password_hash, now);
  q->run();
  return c.changes() == 1;
}

std::optional<std::string> password_hash_of(Connection& c, std::string_view name) {
  StatementUse q(c.cached("SELECT password_hash FROM users WHERE name = ?"));
  q->bind(1, name);
  if (!q->step()) return std::nullopt;
  return q->text(0);
}

std::int64_t count_users(Connection& c) {
  return c.query_int("SELECT count(*) FROM users").value_or(0);
}

}  // namespace gazette::db
