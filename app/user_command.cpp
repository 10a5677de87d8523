// gazette user add|passwd|remove|list: the admin accounts, from the command line.
//
// Usage errors (exit 2) are found before the database is opened, so a mistyped command
// never creates or touches a file. Passwords come from stdin (--password-stdin) or from
// the terminal with echo off; they are checked (12 characters to 1,024 bytes of UTF-8),
// hashed with argon2id and never printed, logged or kept longer than needed.
#include <signal.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "app/commands.h"
#include "app/logging.h"
#include "app/passwords.h"
#include "content/dates.h"
#include "db/database.h"
#include "db/users.h"

namespace gazette {

int run_user(const Invocation& inv);

namespace {

constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kMinPasswordChars = 12;    // code points
constexpr std::size_t kMaxPasswordBytes = 1024;  // bounds the hashing work per login
constexpr const char* kUsage =
    "(usage: gazette user add NAME | passwd NAME | remove NAME | list, each with [--db PATH])";

// A failure with its exit status and the one line that explains it.
struct Failure {
  int status;
  std::string message;
};

// A string whose bytes are wiped when it goes away: passwords should not linger in freed
// memory (a core dump or swap could show them).
class Secret {
 public:
  Secret() = default;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret() { sodium_memzero(value.data(), value.size()); }
  std::string value;
};

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (unsigned char ch : name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

// Code points in `text`, or nullopt when it is not well-formed UTF-8 (overlong forms,
// surrogates and values above U+10FFFF included). A password the login form can't send
// as UTF-8 could never be typed there.
std::optional<std::size_t> utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = b < 0x80           ? 1
                      : (b >> 5) == 0x6  ? 2
                      : (b >> 4) == 0xe  ? 3
                      : (b >> 3) == 0x1e ? 4
                                         : 0;
    if (len == 0 || i + len > text.size()) return std::nullopt;
    std::uint32_t cp = len == 1 ? b : b & (0x7f >> len);
    for (std::size_t k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xc0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return std::nullopt;
    }
    i += len;
  }
  return count;
}

std::optional<Failure> check_password(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return Failure{1, "the password must be at most " + std::to_string(kMaxPasswordBytes) +
                          " bytes (got " + std::to_string(password.size()) + ")"};
  }
  auto chars = utf8_length(password);
  if (!chars) return Failure{1, "the password is not valid UTF-8"};
  if (*chars < kMinPasswordChars) {
    return Failure{1, "the password must be at least " + std::to_string(kMinPasswordChars) +
                          " characters (got " + std::to_string(*chars) + ")"};
  }
  return std::nullopt;
}

// Everything on stdin, less one trailing "\n" or "\r\n" (what `echo` or a file adds).
// Bytes past the limit are counted, not kept, so a huge input can't exhaust memory yet
// the error can still say how long it was; `total` is that length, after the strip.
std::optional<Failure> read_stdin_password(Secret& out, std::size_t& total) {
  constexpr std::size_t kKeep = kMaxPasswordBytes + 2;  // room for the "\r\n" to strip
  char buf[4096];
  char last[2] = {0, 0};  // the input's last two bytes, kept or not
  total = 0;
  out.value.reserve(kKeep);  // no reallocation, so no unwiped copy in freed memory
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      sodium_memzero(buf, sizeof buf);
      return Failure{1, std::string("cannot read the password from stdin: ") + std::strerror(err)};
    }
    if (n == 0) break;
    auto got = static_cast<std::size_t>(n);
    total += got;
    last[0] = got >= 2 ? buf[got - 2] : last[1];
    last[1] = buf[got - 1];
    std::size_t room = kKeep > out.value.size() ? kKeep - out.value.size() : 0;
    out.value.append(buf, std::min(room, got));
  }
  sodium_memzero(buf, sizeof buf);
  std::size_t strip = 0;
  if (total >= 1 && last[1] == '\n') strip = total >= 2 && last[0] == '\r' ? 2 : 1;
  total -= strip;
  // When bytes were dropped, `out` is longer than allowed anyway and is never used.
  if (out.value.size() > total) {
    sodium_memzero(out.value.data() + total, out.value.size() - total);
    out.value.resize(total);
  }
  return std::nullopt;
}

// The terminal settings to put back if a signal ends the process while echo is off. Only
// async-signal-safe calls (tcsetattr, write, signal, raise) touch them in the handler.
struct termios g_saved_termios;
volatile sig_atomic_t g_echo_off = 0;

extern "C" void restore_terminal_and_die(int sig) {
  if (g_echo_off) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
    ssize_t ignored = ::write(STDERR_FILENO, "\n", 1);
    (void)ignored;
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Turns terminal echo off for its lifetime and puts the terminal back as it was on every
// way out: return, exception, or a signal that ends the process (Ctrl-C at the prompt).
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &g_saved_termios) != 0) {
      int err = errno;
      throw std::runtime_error(std::string("cannot read the terminal settings: ") +
                               std::strerror(err));
    }
    struct sigaction sa {};
    sa.sa_handler = restore_terminal_and_die;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < std::size(kSignals); ++i) {
      ::sigaction(kSignals[i], &sa, &previous_[i]);
    }
    struct termios quiet = g_saved_termios;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;  // the Enter still shows as a line break
    g_echo_off = 1;
    if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
      int err = errno;
      restore();
      throw std::runtime_error(std::string("cannot turn off terminal echo: ") + std::strerror(err));
    }
  }
  ~EchoOff() { restore(); }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  void restore() {
    if (g_echo_off) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
    g_echo_off = 0;
    for (std::size_t i = 0; i < std::size(kSignals); ++i) {
      ::sigaction(kSignals[i], &previous_[i], nullptr);
    }
  }
  // Not SIGTSTP: its default stops the process, and echo must stay off after a resume.
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  struct sigaction previous_[std::size(kSignals)]{};
};

// One line from the terminal, without its line break. EOF (Ctrl-D) ends the line.
void read_terminal_line(Secret& out) {
  out.value.reserve(kMaxPasswordBytes + 2);  // a longer line may reallocate; it is refused
  char ch = 0;
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, &ch, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      throw std::runtime_error(std::string("cannot read the password from the terminal: ") +
                               std::strerror(err));
    }
    if (n == 0 || ch == '\n') break;
    out.value.push_back(ch);
  }
  ch = 0;
  if (out.value.ends_with("\r")) out.value.pop_back();
}

std::optional<Failure> prompt_password(Secret& out) {
  Secret again;
  try {
    EchoOff quiet;
    std::cerr << "Password: " << std::flush;
    read_terminal_line(out);
    std::cerr << "Repeat password: " << std::flush;
    read_terminal_line(again);
  } catch (const std::runtime_error& e) {
    return Failure{1, e.what()};
  }
  if (out.value.size() != again.value.size() ||
      sodium_memcmp(out.value.data(), again.value.data(), out.value.size()) != 0) {
    return Failure{1, "the passwords do not match"};
  }
  return std::nullopt;
}

// The new password, checked, from the source chosen by the flags.
std::optional<Failure> obtain_password(const Invocation& inv, Secret& out) {
  if (inv.config.password_stdin) {
    std::size_t total = 0;
    if (auto f = read_stdin_password(out, total)) return f;
    if (total > kMaxPasswordBytes) {
      return Failure{1, "the password must be at most " + std::to_string(kMaxPasswordBytes) +
                            " bytes (got " + std::to_string(total) + ")"};
    }
  } else if (auto f = prompt_password(out)) {
    return f;
  }
  return check_password(out.value);
}

std::string quoted(std::string_view name) {
  return "\"" + std::string(name) + "\"";
}

// Checks the arguments; nullopt when they are fine.
std::optional<Failure> check_usage(const Invocation& inv) {
  const auto& args = inv.args;
  if (args.empty()) return Failure{2, std::string("user needs a subcommand ") + kUsage};
  const std::string& sub = args[0];
  bool takes_name = sub == "add" || sub == "passwd" || sub == "remove";
  if (!takes_name && sub != "list") {
    return Failure{2, "unknown user subcommand " + quoted(sub) + " " + kUsage};
  }
  if (inv.config.password_stdin && sub != "add" && sub != "passwd") {
    return Failure{2, "--password-stdin applies only to user add and user passwd"};
  }
  if (!takes_name) {
    if (args.size() > 1)
      return Failure{2, "user list takes no arguments (got " + quoted(args[1]) + ")"};
    return std::nullopt;
  }
  if (args.size() < 2)
    return Failure{2, "user " + sub + " needs a user name (gazette user " + sub + " NAME)"};
  if (args.size() > 2) {
    return Failure{2, "user " + sub + " takes one user name (got also " + quoted(args[2]) + ")"};
  }
  if (!valid_name(args[1])) {
    return Failure{2, "invalid user name " + quoted(args[1]) +
                          ": use 1 to 64 letters, digits, dots, underscores or hyphens"};
  }
  if ((sub == "add" || sub == "passwd") && !inv.config.password_stdin && !::isatty(STDIN_FILENO)) {
    return Failure{2, "no terminal to ask for a password; use --password-stdin"};
  }
  return std::nullopt;
}

// add and passwd: the existence check comes before the prompt, so nobody types a
// password twice only to learn the name was wrong; the write itself checks again.
int set_password(const Invocation& inv, db::Connection& c, bool adding) {
  const std::string& name = inv.args[1];
  const std::string& path = inv.config.db;
  bool exists = db::password_hash_of(c, name).has_value();
  if (adding && exists) {
    std::cerr << "gazette: user " << quoted(name) << " already exists in " << path << "\n";
    return 1;
  }
  if (!adding && !exists) {
    std::cerr << "gazette: no user " << quoted(name) << " in " << path << "\n";
    return 1;
  }
  Secret password;
  if (auto f = obtain_password(inv, password)) {
    std::cerr << "gazette: " << f->message << "\n";
    return f->status;
  }
  std::string hash = hash_password(password.value);
  if (adding) {
    if (!db::add_user(c, name, hash, now_iso8601())) {
      std::cerr << "gazette: user " << quoted(name) << " already exists in " << path << "\n";
      return 1;
    }
    std::cout << "added user " << quoted(name) << "\n";
  } else {
    if (!db::set_password_hash(c, name, hash)) {
      std::cerr << "gazette: no user " << quoted(name) << " in " << path << "\n";
      return 1;
    }
    std::cout << "changed the password of " << quoted(name) << "\n";
  }
  return 0;
}

int remove_account(const Invocation& inv, db::Connection& c) {
  const std::string& name = inv.args[1];
  switch (db::remove_user(c, name)) {
    case db::RemoveUserResult::removed:
      std::cout << "removed user " << quoted(name) << "\n";
      return 0;
    case db::RemoveUserResult::not_found:
      std::cerr << "gazette: no user " << quoted(name) << " in " << inv.config.db << "\n";
      return 1;
    case db::RemoveUserResult::last_user:
      std::cerr << "gazette: refusing to remove the last user; add another first\n";
      return 1;
  }
  return 1;
}

int list_accounts(db::Connection& c) {
  for (const auto& u : db::list_users(c))
    std::cout << u.name << "\tcreated " << u.created_at << "\n";
  return 0;
}

}  // namespace

int run_user(const Invocation& inv) {
  if (auto f = check_usage(inv)) {
    std::cerr << "gazette: " << f->message << "\n";
    return f->status;
  }
  // Only errors may be logged: stdout carries the command's answer.
  setup_logging("error");
  const std::string& sub = inv.args[0];
  if ((sub == "add" || sub == "passwd") && !init_crypto()) {
    std::cerr << "gazette: libsodium could not start (no entropy source?)\n";
    return 1;
  }
  try {
    auto opened = db::open_database(inv.config.db);
    db::Connection& c = *opened.connection;
    if (sub == "add") return set_password(inv, c, true);
    if (sub == "passwd") return set_password(inv, c, false);
    if (sub == "remove") return remove_account(inv, c);
    return list_accounts(c);
  } catch (const db::OpenError& e) {
    std::cerr << "gazette: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "gazette: " << inv.config.db << ": " << e.what() << "\n";
  }
  return 1;
}

}  // namespace gazette
