// Admin sessions and failed sign-ins (see sessions.h).
#include "db/sessions.h"

#include "db/database.h"

namespace gazette::db {

namespace {

// A session's last request time is written at most this often.
constexpr std::int64_t kTouchInterval = 60;

}  // namespace

void create_session(Connection& c, std::string_view token_hash, std::int64_t user_id,
                    std::int64_t now) {
  StatementUse q(c.cached(
      "INSERT INTO sessions (token_hash, user_id, created_at, last_seen) VALUES (?, ?, ?, ?)"));
  q->bind_all(token_hash, user_id, now, now);
  q->run();
}

std::optional<SessionUser> find_session(Connection& c, std::string_view token_hash,
                                        std::int64_t now, const SessionLimits& limits) {
  SessionUser user;
  std::int64_t created = 0;
  std::int64_t last_seen = 0;
  {
    StatementUse q(
        c.cached("SELECT s.user_id, u.name, s.created_at, s.last_seen FROM sessions AS s "
                 "JOIN users AS u ON u.id = s.user_id WHERE s.token_hash = ?"));
    q->bind(1, token_hash);
    if (!q->step()) return std::nullopt;
    user.user_id = q->int64(0);
    user.name = q->text(1);
    created = q->int64(2);
    last_seen = q->int64(3);
  }
  if (now - last_seen >= limits.idle || now - created >= limits.absolute) {
    end_session(c, token_hash);
    return std::nullopt;
  }
  if (now - last_seen >= kTouchInterval) {
    try {
      StatementUse q(c.cached("UPDATE sessions SET last_seen = ? WHERE token_hash = ?"));
      q->bind_all(now, token_hash);
      q->run();
    } catch (const Error& e) {
      // A full, read-only or locked store must not sign editors out or hide the admin
      // from them: the session is valid, and a later request moves its idle clock on.
      if (!is_unavailable(e)) throw;
    }
  }
  return user;
}

void end_session(Connection& c, std::string_view token_hash) {
  StatementUse q(c.cached("DELETE FROM sessions WHERE token_hash = ?"));
  q->bind(1, token_hash);
  q->run();
}

void end_sessions_of(Connection& c, std::string_view name) {
  StatementUse q(
      c.cached("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = ?)"));
  q->bind(1, name);
  q->run();
}

std::optional<LoginRecord> login_record(Connection& c, std::string_view name) {
  StatementUse q(c.cached("SELECT id, password_hash FROM users WHERE name = ?"));
  q->bind(1, name);
  if (!q->step()) return std::nullopt;
  return LoginRecord{q->int64(0), q->text(1)};
}

void record_login_failure(Connection& c, std::string_view user_key, std::string_view addr_key,
                          std::int64_t now, std::int64_t window) {
  Transaction tx(c);
  {
    StatementUse forget(c.cached("DELETE FROM login_failures WHERE at <= ?"));
    forget->bind(1, now - window);
    forget->run();
  }
  StatementUse add(c.cached("INSERT INTO login_failures (key, at) VALUES (?, ?)"));
  for (std::string_view key : {user_key, addr_key}) {
    add->bind_all(key, now);
    add->run();
    add->reset();
  }
  tx.commit();
}

FailureCount count_login_failures(Connection& c, std::string_view key, std::int64_t since) {
  StatementUse q(c.cached(
      "SELECT count(*), coalesce(min(at), 0) FROM login_failures WHERE key = ? AND at >= ?"));
  q->bind_all(key, since);
  if (!q->step()) return {};
  return {q->int64(0), q->int64(1)};
}

}  // namespace gazette::db
