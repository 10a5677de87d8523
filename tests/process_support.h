// Test support: temporary folders and the real gazette binary run as a child process
// (one-shot commands, or a server on an ephemeral loopback port). Everything started
// here is stopped and deleted by the destructors, whatever the test's outcome.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gazette::test {

// A fresh folder under /tmp, removed with everything in it by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string out;
  std::string err;
};

// Extra environment for a child: set these (an empty optional removes the variable).
using EnvChanges = std::map<std::string, std::optional<std::string>>;

// Runs `gazette args...` to completion (killed after `timeout`), with `input` on stdin.
// `as_user` (a uid) drops privileges first, for tests of unwritable files run as root.
RunResult run_gazette(const std::vector<std::string>& args, const EnvChanges& env = {},
                      const std::string& input = "",
                      std::chrono::seconds timeout = std::chrono::seconds(60),
                      std::optional<uid_t> as_user = std::nullopt);

// Runs any program to completion (killed after `timeout`); stdin is empty.
RunResult run_program(const std::string& binary, const std::vector<std::string>& args,
                      std::chrono::seconds timeout);

// `gazette serve --port 0 --host 127.0.0.1 ...` in the background. The constructor
// returns once the log says where it listens (or throws with the log when it exits or
// does not start within a minute); the destructor stops it with SIGTERM (SIGKILL after
// 10 s) and checks nothing.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& extra_args, const EnvChanges& env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Everything the server has written to stderr so far.
  std::string log() const;
  // Waits until the log contains `text` (access lines are written after the response
  // is sent, so a client can see the response before the line exists). False after
  // `timeout`.
  bool wait_for_log(const std::string& text,
                    std::chrono::seconds timeout = std::chrono::seconds(20)) const;
  // Sends `signal` and waits up to `timeout` for the exit; the exit status, or -1.
  int stop(int signal, std::chrono::seconds timeout = std::chrono::seconds(20));

 private:
  TempDir dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Any program in the background (nginx, ...), stopped with SIGTERM then SIGKILL by the
// destructor.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::string& binary, const std::vector<std::string>& args);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  std::string output() const;  // stdout and stderr so far

 private:
  TempDir dir_;
  pid_t pid_ = -1;
};

// The whole file at `path` ("" when it cannot be read).
std::string read_file(const std::string& path);

// nginx (Debian's /usr/sbin/nginx) in the foreground in a temporary prefix, with
// `http_config` (server blocks and the like) inside its http block; temp paths, the pid
// file and the error log live in the prefix, access logging is off. As root, nginx's
// workers run as nobody, so the prefix is opened to others. The constructor returns once
// `port` accepts connections (throws with the error log otherwise); the destructor
// stops it.
class NginxProcess {
 public:
  NginxProcess(const std::string& http_config, int port);
  std::string error_log() const;
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::unique_ptr<BackgroundProcess> nginx_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice).
int free_port();

// Waits until something accepts connections on 127.0.0.1:`port`; false after `timeout`.
bool wait_for_port(int port, std::chrono::seconds timeout = std::chrono::seconds(30));

// The path of the binary under test.
std::string gazette_binary();

}  // namespace gazette::test
