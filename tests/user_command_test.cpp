// Integration tests of `gazette user add|passwd|remove|list`: the real binary, its exit
// status and its one-line errors, the stored argon2id hashes, and the terminal prompt
// (on a pseudo-terminal, to see that echo is off while typing and restored afterwards).
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "app/passwords.h"
#include "db/database.h"
#include "db/schema.h"
#include "db/users.h"
#include "tests/process_support.h"

using gazette::test::run_gazette;
using gazette::test::RunResult;
using gazette::test::TempDir;

namespace {

const std::string kPassword = "correct horse battery staple";

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

RunResult add(const std::string& db, const std::string& name, const std::string& stdin_text) {
  return run_gazette({"user", "add", name, "--db", db, "--password-stdin"}, {}, stdin_text);
}

// The stored hash of `name`, read through a connection of the test's own.
std::optional<std::string> hash_of(const std::string& db, const std::string& name) {
  gazette::db::Connection c(db, gazette::db::OpenMode::read_write);
  return gazette::db::password_hash_of(c, name);
}

std::int64_t user_count(const std::string& db) {
  gazette::db::Connection c(db, gazette::db::OpenMode::read_write);
  return gazette::db::count_users(c);
}

// A password stored from `stdin_text` verifies as `expected` and as nothing else close.
void check_stored(const std::string& db, const std::string& name, const std::string& expected) {
  auto hash = hash_of(db, name);
  REQUIRE(hash);
  CHECK(hash->starts_with("$argon2id$"));
  CHECK(gazette::verify_password(expected, *hash));
  CHECK_FALSE(gazette::verify_password(expected + "x", *hash));
}

// The real binary with a pseudo-terminal as stdin and stderr (where the prompts go) and a
// pipe as stdout. Killed and reaped by the destructor whatever the test's outcome.
class TerminalRun {
 public:
  explicit TerminalRun(const std::vector<std::string>& args) {
    REQUIRE(openpty(&master_, &slave_, nullptr, nullptr, nullptr) == 0);
    int out[2];
    REQUIRE(pipe(out) == 0);
    std::string binary = gazette::test::gazette_binary();
    std::vector<std::string> copy = args;
    std::vector<char*> argv{binary.data()};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(slave_, 0);
      dup2(slave_, 2);
      dup2(out[1], 1);
      close(master_);
      close(slave_);
      close(out[0]);
      close(out[1]);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    out_ = out[0];
  }
  ~TerminalRun() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(master_);
    close(slave_);
    close(out_);
  }
  TerminalRun(const TerminalRun&) = delete;
  TerminalRun& operator=(const TerminalRun&) = delete;

  // Reads what the program writes to the terminal until `text` has appeared (true) or
  // 30 s passed (false). poll() wakes on output, so nothing here guesses a delay.
  bool wait_for(const std::string& text) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (screen_.find(text, seen_) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[256];
      ssize_t n = read(master_, buf, sizeof buf);
      if (n <= 0) return false;
      screen_.append(buf, static_cast<std::size_t>(n));
    }
    seen_ = screen_.find(text, seen_) + text.size();
    return true;
  }
  void type(const std::string& text) {
    REQUIRE(write(master_, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  }
  bool echo_on() const {
    termios t{};
    REQUIRE(tcgetattr(slave_, &t) == 0);
    return (t.c_lflag & ECHO) != 0;
  }
  void signal(int sig) { kill(pid_, sig); }
  // Waits for the exit (stdout reaches EOF when the process is gone): the exit status,
  // or -signal when a signal ended it. `out` receives stdout.
  int wait(std::string& out) {
    char buf[256];
    for (;;) {
      pollfd p{out_, POLLIN, 0};
      REQUIRE(poll(&p, 1, 30000) == 1);
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    int status = 0;
    REQUIRE(waitpid(pid_, &status, 0) == pid_);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }
  // Everything the program wrote to the terminal (prompts, errors, echoed line breaks).
  std::string screen() {
    // Drain what is left without blocking.
    char buf[256];
    pollfd p{master_, POLLIN, 0};
    while (poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
      ssize_t n = read(master_, buf, sizeof buf);
      if (n <= 0) break;
      screen_.append(buf, static_cast<std::size_t>(n));
    }
    return screen_;
  }

 private:
  int master_ = -1, slave_ = -1, out_ = -1;
  pid_t pid_ = -1;
  std::string screen_;
  std::size_t seen_ = 0;
};

}  // namespace

TEST_CASE("user add stores an argon2id hash that verifies", "[integration][user]") {
  REQUIRE(gazette::init_crypto());
  TempDir dir;
  std::string db = dir / "site.db";
  auto r = add(db, "alice", kPassword + "\n");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "added user \"alice\"\n");
  CHECK(r.err.empty());
  check_stored(db, "alice", kPassword);
  CHECK(r.out.find(kPassword) == std::string::npos);

  // The missing file became an empty Gazette database: no demo content, no admin.
  gazette::db::Connection c(db, gazette::db::OpenMode::read_write);
  CHECK(c.query_int("SELECT count(*) FROM articles") == 0);
  CHECK(gazette::db::count_users(c) == 1);
  CHECK(c.query_int("PRAGMA application_id") == gazette::db::kApplicationId);

  // Names use the whole alphabet and may be 64 characters long.
  CHECK(add(db, "A.b_c-9", kPassword).exit_code == 0);
  CHECK(add(db, std::string(64, 'n'), kPassword).exit_code == 0);
}

TEST_CASE("password-stdin strips exactly one trailing line break", "[integration][user]") {
  REQUIRE(gazette::init_crypto());
  TempDir dir;
  std::string db = dir / "site.db";
  REQUIRE(add(db, "plain", kPassword).exit_code == 0);
  check_stored(db, "plain", kPassword);
  REQUIRE(add(db, "lf", kPassword + "\n").exit_code == 0);
  check_stored(db, "lf", kPassword);
  REQUIRE(add(db, "crlf", kPassword + "\r\n").exit_code == 0);
  check_stored(db, "crlf", kPassword);
  REQUIRE(add(db, "two", kPassword + "\n\n").exit_code == 0);
  check_stored(db, "two", kPassword + "\n");
  CHECK_FALSE(gazette::verify_password(kPassword, *hash_of(db, "two")));
  REQUIRE(add(db, "spaces", " " + kPassword + " \n").exit_code == 0);
  check_stored(db, "spaces", " " + kPassword + " ");
}

TEST_CASE("user add refuses a name that is taken", "[integration][user]") {
  REQUIRE(gazette::init_crypto());
  TempDir dir;
  std::string db = dir / "site.db";
  REQUIRE(add(db, "alice", kPassword).exit_code == 0);
  auto before = hash_of(db, "alice");
  auto r = add(db, "alice", "another long password");
  CHECK(r.exit_code == 1);
  CHECK(lines(r.err) == 1);
  CHECK(r.err == "gazette: user \"alice\" already exists in " + db + "\n");
  CHECK(r.out.empty());
  CHECK(hash_of(db, "alice") == before);
}

TEST_CASE("user passwd replaces the hash of an existing user only", "[integration][user]") {
  REQUIRE(gazette::init_crypto());
  TempDir dir;
  std::string db = dir / "site.db";
  REQUIRE(add(db, "alice", kPassword).exit_code == 0);

  auto r = run_gazette({"user", "passwd", "alice", "--db", db, "--password-stdin"}, {},
                       "a brand new passphrase\n");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "changed the password of \"alice\"\n");
  check_stored(db, "alice", "a brand new passphrase");
  CHECK_FALSE(gazette::verify_password(kPassword, *hash_of(db, "alice")));

  auto missing = run_gazette({"user", "passwd", "bob", "--db", db, "--password-stdin"}, {},
                             "a brand new passphrase\n");
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "gazette: no user \"bob\" in " + db + "\n");
  CHECK(user_count(db) == 1);
}

TEST_CASE("passwords must be 12 characters to 1024 bytes of UTF-8", "[integration][user]") {
  REQUIRE(gazette::init_crypto());
  TempDir dir;
  std::string db = dir / "site.db";
  struct Case {
    std::string password;
    std::string error;  // "" for accepted
  };
  std::string e_acute = "\xc3\xa9";
  std::string eleven_accents, twelve_accents;
  for (int i = 0; i < 11; ++i) eleven_accents += e_acute;
  twelve_accents = eleven_accents + e_acute;
  std::vector<Case> cases = {
      {"", "the password must be at least 12 characters (got 0)"},
      {"short!!", "the password must be at least 12 characters (got 7)"},
      {std::string(11, 'p'), "the password must be at least 12 characters (got 11)"},
      // 22 bytes, but 11 characters: the rule counts characters.
      {eleven_accents, "the password must be at least 12 characters (got 11)"},
      {std::string(1025, 'p'), "the password must be at most 1024 bytes (got 1025)"},
      {std::string(100000, 'p'), "the password must be at most 1024 bytes (got 100000)"},
      {std::string(12, 'p') + "\xff", "the password is not valid UTF-8"},
      {std::string(12, 'p') + "\xc0\xaf", "the password is not valid UTF-8"},  // overlong '/'
      {std::string(12, 'p'), ""},
      {twelve_accents, ""},
      {std::string(1024, 'p'), ""},
  };
  int n = 0;
  for (const auto& c : cases) {
    std::string name = "user" + std::to_string(n++);
    // A line break after the password is stripped before the length is measured.
    auto r = add(db, name, c.password + "\n");
    INFO(name << ": " << r.err);
    if (c.error.empty()) {
      CHECK(r.exit_code == 0);
      check_stored(db, name, c.password);
    } else {
      CHECK(r.exit_code == 1);
      CHECK(r.err == "gazette: " + c.error + "\n");
      CHECK_FALSE(hash_of(db, name));
    }
  }
}

TEST_CASE("user remove removes anyone but the last user", "[integration][user]") {
  REQUIRE(gazette::init_crypto());
  TempDir dir;
  std::string db = dir / "site.db";
  REQUIRE(add(db, "alice", kPassword).exit_code == 0);
  REQUIRE(add(db, "bob", kPassword).exit_code == 0);

  auto r = run_gazette({"user", "remove", "alice", "--db", db});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "removed user \"alice\"\n");
  CHECK_FALSE(hash_of(db, "alice"));

  auto last = run_gazette({"user", "remove", "bob", "--db", db});
  CHECK(last.exit_code == 1);
  CHECK(last.err == "gazette: refusing to remove the last user; add another first\n");
  CHECK(last.out.empty());
  CHECK(hash_of(db, "bob"));

  auto missing = run_gazette({"user", "remove", "carol", "--db", db});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "gazette: no user \"carol\" in " + db + "\n");
  CHECK(user_count(db) == 1);
}

TEST_CASE("user list prints one line per user, sorted by name", "[integration][user]") {
  REQUIRE(gazette::init_crypto());
  TempDir dir;
  std::string db = dir / "site.db";

  auto empty = run_gazette({"user", "list", "--db", db});
  CHECK(empty.exit_code == 0);
  CHECK(empty.out.empty());
  CHECK(empty.err.empty());

  for (const char* name : {"mallory", "alice", "zoe", "bob.smith", "bob"}) {
    REQUIRE(add(db, name, kPassword).exit_code == 0);
  }
  auto r = run_gazette({"user", "list", "--db", db});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  std::istringstream in(r.out);
  std::vector<std::string> names;
  static const std::regex line(R"(([^\t]+)\tcreated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    INFO(l);
    REQUIRE(std::regex_match(l, m, line));
    names.push_back(m[1]);
  }
  CHECK(names == std::vector<std::string>{"alice", "bob", "bob.smith", "mallory", "zoe"});
  CHECK(r.out.find("argon2") == std::string::npos);
}

TEST_CASE("user usage errors exit 2 with one line and touch no file", "[integration][user]") {
  TempDir dir;
  std::string db = dir / "site.db";
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  std::vector<Case> cases = {
      {{"user"}, "user needs a subcommand"},
      {{"user", "frob"}, "unknown user subcommand \"frob\""},
      {{"user", "add"}, "user add needs a user name"},
      {{"user", "passwd"}, "user passwd needs a user name"},
      {{"user", "remove"}, "user remove needs a user name"},
      {{"user", "add", "alice", "bob"}, "user add takes one user name (got also \"bob\")"},
      {{"user", "remove", "alice", "bob"}, "user remove takes one user name"},
      {{"user", "list", "alice"}, "user list takes no arguments (got \"alice\")"},
      {{"user", "add", "al ice"}, "invalid user name \"al ice\""},
      {{"user", "add", "a/b"}, "invalid user name \"a/b\""},
      {{"user", "add", "--", ""}, "invalid user name \"\""},
      {{"user", "add", std::string(65, 'n')}, "invalid user name"},
      {{"user", "passwd", "\xc3\xa9mile"}, "invalid user name"},
      {{"user", "remove", "a:b"}, "invalid user name"},
      {{"user", "list", "--password-stdin"}, "--password-stdin applies only to user add"},
      {{"user", "remove", "alice", "--password-stdin"}, "--password-stdin applies only"},
      {{"user", "list", "--force"}, "unknown option --force for user"},
  };
  for (const auto& c : cases) {
    // --db first: after "--" everything is positional.
    auto args = c.args;
    args.insert(args.begin() + 1, {"--db", db});
    auto r = run_gazette(args, {}, kPassword + "\n");
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.starts_with("gazette: "));
    CHECK(r.err.find(c.expected) != std::string::npos);
    CHECK(r.out.empty());
  }
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("without a terminal, user add and passwd need --password-stdin", "[integration][user]") {
  TempDir dir;
  std::string db = dir / "site.db";
  for (const char* sub : {"add", "passwd"}) {
    // stdin is a file here, with a password in it that must not be taken silently.
    auto r = run_gazette({"user", sub, "alice", "--db", db}, {}, kPassword + "\n");
    INFO(sub);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "gazette: no terminal to ask for a password; use --password-stdin\n");
  }
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("user commands refuse a database gazette can't use", "[integration][user]") {
  TempDir dir;
  std::string db = dir / "notes.db";
  std::ofstream(db) << "These are my notes, not a database.\n" << std::string(2000, 'x') << "\n";
  for (std::vector<std::string> args : {std::vector<std::string>{"user", "list"},
                                        {"user", "remove", "alice"},
                                        {"user", "add", "alice", "--password-stdin"}}) {
    args.insert(args.end(), {"--db", db});
    auto r = run_gazette(args, {}, kPassword);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find(db + ": not a SQLite database") != std::string::npos);
  }
}

TEST_CASE("on a terminal, the password is asked twice with echo off", "[integration][user]") {
  REQUIRE(gazette::init_crypto());
  TempDir dir;
  std::string db = dir / "site.db";

  SECTION("matching passwords add the user; the terminal is restored") {
    TerminalRun run({"user", "add", "alice", "--db", db});
    REQUIRE(run.wait_for("Password: "));
    CHECK_FALSE(run.echo_on());
    run.type(kPassword + "\n");
    REQUIRE(run.wait_for("Repeat password: "));
    CHECK_FALSE(run.echo_on());
    run.type(kPassword + "\n");
    std::string out;
    CHECK(run.wait(out) == 0);
    CHECK(out == "added user \"alice\"\n");
    CHECK(run.echo_on());
    CHECK(run.screen().find(kPassword) == std::string::npos);  // never echoed
    check_stored(db, "alice", kPassword);

    TerminalRun change({"user", "passwd", "alice", "--db", db});
    REQUIRE(change.wait_for("Password: "));
    change.type("a brand new passphrase\n");
    REQUIRE(change.wait_for("Repeat password: "));
    change.type("a brand new passphrase\n");
    CHECK(change.wait(out) == 0);
    check_stored(db, "alice", "a brand new passphrase");
  }
  SECTION("different passwords are refused; the terminal is restored") {
    TerminalRun run({"user", "add", "alice", "--db", db});
    REQUIRE(run.wait_for("Password: "));
    run.type(kPassword + "\n");
    REQUIRE(run.wait_for("Repeat password: "));
    run.type(kPassword + "!\n");
    std::string out;
    CHECK(run.wait(out) == 1);
    CHECK(out.empty());
    CHECK(run.screen().find("gazette: the passwords do not match") != std::string::npos);
    CHECK(run.echo_on());
    CHECK(user_count(db) == 0);
  }
  SECTION("a short password typed twice is refused after the prompt") {
    TerminalRun run({"user", "add", "alice", "--db", db});
    REQUIRE(run.wait_for("Password: "));
    run.type("short\n");
    REQUIRE(run.wait_for("Repeat password: "));
    run.type("short\n");
    std::string out;
    CHECK(run.wait(out) == 1);
    CHECK(run.screen().find("at least 12 characters (got 5)") != std::string::npos);
    CHECK(run.echo_on());
  }
  SECTION("Ctrl-C at the prompt restores echo before the process ends") {
    TerminalRun run({"user", "add", "alice", "--db", db});
    REQUIRE(run.wait_for("Password: "));
    CHECK_FALSE(run.echo_on());
    run.signal(SIGINT);
    std::string out;
    CHECK(run.wait(out) == -SIGINT);
    CHECK(run.echo_on());
    CHECK(user_count(db) == 0);
  }
  SECTION("the name is checked before the prompt") {
    REQUIRE(add(db, "alice", kPassword).exit_code == 0);
    TerminalRun run({"user", "add", "alice", "--db", db});
    std::string out;
    CHECK(run.wait(out) == 1);
    CHECK(run.screen().find("Password:") == std::string::npos);
    CHECK(run.screen().find("already exists") != std::string::npos);
  }
}
