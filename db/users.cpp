// Admin accounts (see users.h).
#include "db/users.h"

#include "db/sessions.h"

namespace gazette::db {

bool add_user(Connection& c, std::string_view name, std::string_view password_hash,
              std::string_view now) {
  StatementUse q(
      c.cached("INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?) "
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

bool set_password_hash(Connection& c, std::string_view name, std::string_view password_hash) {
  Transaction tx(c);
  {
    StatementUse q(c.cached("UPDATE users SET password_hash = ? WHERE name = ?"));
    q->bind_all(password_hash, name);
    q->run();
    if (c.changes() != 1) return false;
  }
  // Whoever knew the old password may be signed in: every session of the user ends.
  end_sessions_of(c, name);
  tx.commit();
  return true;
}

RemoveUserResult remove_user(Connection& c, std::string_view name) {
  Transaction tx(c);
  {
    StatementUse q(c.cached("SELECT count(*) FROM users WHERE name = ?"));
    q->bind(1, name);
    if (!q->step() || q->int64(0) == 0) return RemoveUserResult::not_found;
  }
  if (count_users(c) <= 1) return RemoveUserResult::last_user;
  {
    StatementUse q(c.cached("DELETE FROM users WHERE name = ?"));
    q->bind(1, name);
    q->run();
  }
  tx.commit();
  return RemoveUserResult::removed;
}

std::vector<UserInfo> list_users(Connection& c) {
  StatementUse q(c.cached("SELECT name, created_at FROM users ORDER BY name"));
  std::vector<UserInfo> out;
  while (q->step()) out.push_back({q->text(0), q->text(1)});
  return out;
}

}  // namespace gazette::db
