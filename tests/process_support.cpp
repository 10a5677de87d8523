// Test support (see process_support.h).
#include "tests/process_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace gazette::test {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

// Forks and execs `binary` with stdin/stdout/stderr from/to the given files.
pid_t spawn(const std::string& binary, const std::vector<std::string>& args, const EnvChanges& env,
            const std::string& in, const std::string& out, const std::string& err,
            std::optional<uid_t> as_user) {
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (key.starts_with("GAZETTE_") || env.count(key)) continue;  // tests set their own
    envs.push_back(kv);
  }
  for (const auto& [key, value] : env) {
    if (value) envs.push_back(key + "=" + *value);
  }
  std::vector<char*> envp, argv;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string program = binary;
  argv.push_back(program.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fd_in = open(in.c_str(), O_RDONLY);
    int fd_out = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fd_err = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd_in < 0 || fd_out < 0 || fd_err < 0) _exit(127);
    dup2(fd_in, 0);
    dup2(fd_out, 1);
    dup2(fd_err, 2);
    if (as_user && (setgid(*as_user) != 0 || setuid(*as_user) != 0)) _exit(126);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

// Waits for `pid` until `deadline`; its exit status, or nullopt if it is still running.
std::optional<int> wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the child, not timing
  }
}

}  // namespace

std::string gazette_binary() {
  if (const char* b = std::getenv("GAZETTE_TEST_BINARY")) return b;
  return GAZETTE_BINARY;
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "gazette-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

namespace {

// Runs `binary` to completion with `input` on stdin, killed after `timeout`.
RunResult run_child(const std::string& binary, const std::vector<std::string>& args,
                    const EnvChanges& env, const std::string& input, std::chrono::seconds timeout,
                    std::optional<uid_t> as_user) {
  TempDir io;
  std::string in = io / "stdin", out = io / "stdout", err = io / "stderr";
  std::ofstream(in, std::ios::binary) << input;
  if (as_user) fs::permissions(io.path(), fs::perms::all, fs::perm_options::add);
  pid_t pid = spawn(binary, args, env, in, out, err, as_user);
  auto status = wait_until(pid, std::chrono::steady_clock::now() + timeout);
  RunResult r;
  if (!status) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  } else {
    r.exit_code = *status;
  }
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace

RunResult run_program(const std::string& binary, const std::vector<std::string>& args,
                      std::chrono::seconds timeout) {
  return run_child(binary, args, {}, "", timeout, std::nullopt);
}

RunResult run_gazette(const std::vector<std::string>& args, const EnvChanges& env,
                      const std::string& input, std::chrono::seconds timeout,
                      std::optional<uid_t> as_user) {
  return run_child(gazette_binary(), args, env, input, timeout, as_user);
}

ServerProcess::ServerProcess(const std::vector<std::string>& extra_args, const EnvChanges& env) {
  log_path_ = dir_ / "server.log";
  std::string in = dir_ / "stdin";
  std::ofstream(in) << "";
  std::vector<std::string> args = {"serve", "--host", "127.0.0.1", "--port", "0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(gazette_binary(), args, env, in, dir_ / "stdout", log_path_, std::nullopt);

  static const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    std::smatch m;
    std::string text = log();
    if (std::regex_search(text, m, listening)) {
      port_ = std::stoi(m[1]);
      return;
    }
    auto exited = wait_until(pid_, std::chrono::steady_clock::now());
    if (exited || std::chrono::steady_clock::now() > deadline) {
      if (!exited) stop(SIGKILL);
      pid_ = -1;
      throw std::runtime_error("gazette serve did not start; its log:\n" + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the log
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGTERM, std::chrono::seconds(10));
  if (pid_ > 0) stop(SIGKILL, std::chrono::seconds(10));
}

std::string ServerProcess::log() const {
  return read_file(log_path_);
}

bool ServerProcess::wait_for_log(const std::string& text, std::chrono::seconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (log().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the log
  }
  return true;
}

int ServerProcess::stop(int signal, std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  auto status = wait_until(pid_, std::chrono::steady_clock::now() + timeout);
  if (!status) return -1;
  pid_ = -1;
  return *status;
}

BackgroundProcess::BackgroundProcess(const std::string& binary,
                                     const std::vector<std::string>& args) {
  std::string in = dir_ / "stdin";
  std::ofstream(in) << "";
  pid_ = spawn(binary, args, {}, in, dir_ / "output", dir_ / "output", std::nullopt);
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  if (!wait_until(pid_, std::chrono::steady_clock::now() + std::chrono::seconds(10))) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string BackgroundProcess::output() const {
  return read_file(dir_ / "output");
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("no free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool wait_for_port(int port, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the port
  }
  return false;
}

NginxProcess::NginxProcess(const std::string& http_config, int port) {
  fs::permissions(dir_.path(), fs::perms::others_read | fs::perms::others_exec,
                  fs::perm_options::add);
  fs::create_directories(dir_.path() / "tmp");
  std::ofstream(dir_ / "nginx.conf")
      << "daemon off;\nworker_processes 1;\npid " << (dir_ / "nginx.pid") << ";\n"
      << "error_log " << (dir_ / "error.log") << ";\nevents {}\nhttp {\n"
      << "  access_log off;\n"
      << "  client_body_temp_path " << (dir_ / "tmp") << ";\n"
      << "  proxy_temp_path " << (dir_ / "tmp") << ";\n"
      << "  fastcgi_temp_path " << (dir_ / "tmp") << ";\n"
      << "  uwsgi_temp_path " << (dir_ / "tmp") << ";\n"
      << "  scgi_temp_path " << (dir_ / "tmp") << ";\n"
      << http_config << "}\n";
  nginx_ = std::make_unique<BackgroundProcess>(
      "/usr/sbin/nginx",
      std::vector<std::string>{"-p", dir_.path().string(), "-c", dir_ / "nginx.conf"});
  if (!wait_for_port(port)) {
    throw std::runtime_error("nginx did not start: " + nginx_->output() + error_log());
  }
}

std::string NginxProcess::error_log() const {
  return read_file(dir_ / "error.log");
}

}  // namespace gazette::test
