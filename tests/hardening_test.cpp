// Integration tests of the HTTP guard (app/http_guard.h) against the real binary: each
// attack is mounted over a raw socket (the request limits, the known holes of
// cpp-httplib 0.11.4, slow and idle clients), and each test ends with the server still
// answering /healthz. The nginx configuration the README recommends is run in front.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/admin_support.h"
#include "tests/http_support.h"
#include "tests/process_support.h"

using gazette::test::occurrences;
using gazette::test::poll_until;
using gazette::test::raw_request;
using gazette::test::RawResponse;
using gazette::test::read_file;
using gazette::test::ServerProcess;
using gazette::test::TempDir;
using Clock = std::chrono::steady_clock;
using namespace std::string_literals;

namespace fs = std::filesystem;

namespace {

// A client connection on which a test sends exactly the bytes it means.
class Conn {
 public:
  // `receive_buffer` (bytes, 0: the system's) small makes the server's writes block
  // while this client does not read.
  explicit Conn(int port, int receive_buffer = 0) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("cannot connect to port " + std::to_string(port));
    }
  }
  ~Conn() { ::close(fd_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Sends what the server takes of `data`; false once the server has closed.
  bool send(const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Everything the server sends until it closes the connection or `timeout` passes.
  std::string read_all(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return read_until("", timeout);
  }

  // Reads until `text` has arrived (never, when it is empty), the server closes, or
  // `timeout` passes.
  std::string read_until(const std::string& text,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::string out;
    auto deadline = Clock::now() + timeout;
    while ((text.empty() || out.find(text) == std::string::npos) && Clock::now() < deadline) {
      if (!readable(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())))
        break;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

  // True once the server has closed its end (reads without waiting).
  bool server_closed() {
    if (closed_) return true;
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) continue;  // a 408 on its way out
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) closed_ = true;
      return closed_;
    }
  }
  bool closed() const { return closed_; }
  int fd() const { return fd_; }

 private:
  bool readable(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(std::max<long>(0, timeout.count()))) > 0;
  }
  int fd_;
  bool closed_ = false;
};

// True once the server has closed every one of `conns` (reads without waiting).
bool all_server_closed(std::vector<std::unique_ptr<Conn>>& conns) {
  bool all = true;
  for (auto& c : conns) all = c->server_closed() && all;
  return all;
}

int status_of(const std::string& response) {
  std::smatch m;
  static const std::regex status_line(R"(^HTTP/1\.1 (\d{3}) )");
  return std::regex_search(response, m, status_line) ? std::stoi(m[1]) : 0;
}

// The header block of `response` (up to the blank line).
std::string head_of(const std::string& response) {
  return response.substr(0, response.find("\r\n\r\n"));
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void check_healthy(const ServerProcess& server) {
  RawResponse r = raw_request(server.port(), "GET", "/healthz");
  CHECK(r.status == 200);
}

// One request on a fresh connection; its whole response.
std::string send_raw(int port, const std::string& request,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  Conn c(port);
  c.send(request);
  return c.read_all(timeout);
}

std::string chunked(std::size_t bytes, std::size_t chunk = 65536) {
  std::string out;
  char size[32];
  for (std::size_t done = 0; done < bytes; done += chunk) {
    std::size_t n = std::min(chunk, bytes - done);
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    out += size;
    out.append(n, 'a');
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

}  // namespace

TEST_CASE("request limits are answered before any handler, and the server keeps serving",
          "[integration][hardening]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  const int port = server.port();

  SECTION("a URL over 8 KiB gets 414, one just under it is served") {
    std::string r =
        send_raw(port, "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(status_of(r) == 414);
    CHECK(contains(r, "Content-Security-Policy: default-src 'self'"));
    CHECK(contains(r, "<html"));  // the site's own page
    CHECK(status_of(send_raw(port, "GET /" + std::string(8000, 'a') +
                                       " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) ==
          404);
  }
  SECTION("CVE-2025-53628: a request line that never ends is cut off at 8 KiB") {
    Conn c(port);
    c.send("GET /" + std::string(16 * 1024, 'a'));  // and nothing more
    std::string r = c.read_all();
    CHECK(status_of(r) == 414);
    CHECK(c.closed());
  }
  SECTION("CVE-2025-53628: a header line that never ends gets 431 without being read whole") {
    Conn c(port);
    c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(64 * 1024, 'a'));
    std::string r = c.read_all();
    CHECK(status_of(r) == 431);
    CHECK(c.closed());
    // The library would keep reading: a megabyte more goes nowhere.
    c.send(std::string(1024 * 1024, 'a'));
  }
  SECTION("too many headers, or too many bytes of them, get 431") {
    std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 200; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    CHECK(status_of(send_raw(port, many + "\r\n")) == 431);
    std::string big = "GET / HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 8; ++i)
      big += "X-H" + std::to_string(i) + ": " + std::string(7000, 'b') + "\r\n";
    CHECK(status_of(send_raw(port, big + "\r\n")) == 431);
  }
  SECTION("a body over 2 MiB by its Content-Length gets 413 before it is sent") {
    Conn c(port);
    c.send("POST /admin/login HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n");
    CHECK(status_of(c.read_all()) == 413);
    CHECK(c.closed());
  }
  SECTION("CVE-2025-53629: a chunked body over 2 MiB gets 413 as it passes the limit") {
    Conn c(port);
    c.send(
        "POST /admin/articles HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: multipart/form-data; boundary=zz\r\nTransfer-Encoding: chunked\r\n\r\n");
    c.send(chunked(3 * 1024 * 1024));  // the server may close before taking all of it
    std::string r = c.read_all();
    CHECK(status_of(r) == 413);
    CHECK(occurrences(r, "HTTP/1.1") == 1);
  }
  SECTION("a small chunked body is read (and the form without a token refused)") {
    std::string body = "username=a&password=b";
    std::string r = send_raw(port,
                             "POST /admin/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                             "Content-Type: application/x-www-form-urlencoded\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n"s +
                                 "15\r\n" + body + "\r\n0\r\n\r\n");
    CHECK(status_of(r) == 403);
  }
  SECTION("a POST with neither length nor chunking has no body, and is answered at once") {
    auto start = Clock::now();
    Conn c(port);
    c.send("POST /admin/login HTTP/1.1\r\nHost: x\r\n\r\n");  // keep-alive
    CHECK(status_of(c.read_until("\r\n\r\n", std::chrono::seconds(3))) == 403);
    CHECK(Clock::now() - start < std::chrono::seconds(2));
  }
  SECTION("framing that could smuggle a request is refused") {
    CHECK(status_of(send_raw(port,
                             "POST /admin/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")) == 400);
    CHECK(status_of(send_raw(port,
                             "POST /admin/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                             "Content-Length: 6\r\n\r\nabcdef")) == 400);
    CHECK(status_of(send_raw(port,
                             "POST /admin/login HTTP/1.1\r\nHost: x\r\n"
                             "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")) == 501);
  }
  SECTION("keep-alive and pipelined requests still work through the guard") {
    Conn c(port);
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.read_until("Sitemap");
    CHECK(occurrences(r, "HTTP/1.1 200 OK") == 2);
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(status_of(c.read_all()) == 200);
  }
  check_healthy(server);
}

TEST_CASE("CVE-2026-22776: a compressed request body is refused before decompression",
          "[integration][hardening]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  // 1 KiB of gzip that would inflate to 10 MiB of zeros is not even needed: the
  // header alone is refused, whatever follows.
  for (std::string coding : {"gzip", "br", "deflate", "%67zip", "identity, gzip"}) {
    INFO(coding);
    std::string r = send_raw(
        server.port(), "POST /admin/login HTTP/1.1\r\nHost: x\r\nContent-Encoding: " + coding +
                           "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                           "Content-Length: 4\r\n\r\nabcd");
    CHECK(status_of(r) == 415);
  }
  // identity is no coding at all.
  std::string r =
      send_raw(server.port(),
               "POST /admin/login HTTP/1.1\r\nHost: x\r\nContent-Encoding: identity\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
               "Content-Length: 4\r\n\r\nabcd");
  CHECK(status_of(r) == 403);
  check_healthy(server);
}

TEST_CASE("Expect: 100-continue gets its interim answer before the body is sent",
          "[integration][hardening]") {
  // The guard holds back the library's small writes until the request ends or the
  // library reads again; the "100 Continue" a client waits for must not wait with them.
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  Conn conn(server.port());
  const std::string body = "username=a&password=b";
  REQUIRE(conn.send(
      "POST /admin/login HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));
  std::string interim = conn.read_until("\r\n\r\n");
  CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
  REQUIRE(conn.send(body));
  std::string r = conn.read_all();
  CHECK(status_of(r) == 403);  // no sign-in form was fetched first: no CSRF token
  check_healthy(server);
}

TEST_CASE("CVE-2025-66577: a client-sent REMOTE_ADDR header changes nothing",
          "[integration][hardening]") {
  TempDir dir;
  std::string log = dir / "access.log";
  ServerProcess server({"--db", dir / "site.db", "--access-log", log});
  std::string r =
      send_raw(server.port(),
               "GET /robots.txt HTTP/1.1\r\nHost: x\r\nREMOTE_ADDR: 6.6.6.6\r\n"
               "REMOTE_PORT: 6666\r\nX-Forwarded-For: 7.7.7.7\r\nConnection: close\r\n\r\n");
  CHECK(status_of(r) == 200);
  // A refused sign-in is audited with the client's address.
  send_raw(server.port(),
           "POST /admin/login HTTP/1.1\r\nHost: x\r\nREMOTE_ADDR: 6.6.6.6\r\n"
           "Content-Length: 0\r\nConnection: close\r\n\r\n");
  REQUIRE(poll_until([&] { return contains(read_file(log), "GET /robots.txt 200"); }));
  REQUIRE(server.wait_for_log("audit: sign-in refused"));
  std::string lines = read_file(log) + server.log();
  CHECK(contains(lines, "127.0.0.1:"));
  CHECK(contains(lines, "addr=127.0.0.1"));
  CHECK_FALSE(contains(lines, "6.6.6.6"));
  CHECK_FALSE(contains(lines, "6666"));
  CHECK_FALSE(contains(lines, "7.7.7.7"));
  check_healthy(server);
}

TEST_CASE("CVE-2026-28434: no response carries EXCEPTION_WHAT or the exception's text",
          "[integration][hardening]") {
  TempDir dir;
  std::string db = dir / "site.db";
  ServerProcess server({"--db", db});
  REQUIRE(raw_request(server.port(), "GET", "/").status == 200);
  // Garbage over every page but the header: every query that reads a page throws
  // "database disk image is malformed" (from a handler, which the library would put in
  // an EXCEPTION_WHAT header).
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    std::string garbage(static_cast<std::size_t>(fs::file_size(db)) - 4096, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  int errors = 0;
  for (std::string path : {"/?page=2", "/articles/nope", "/search?q=harbour", "/tags/x/page/2",
                           "/sitemap.xml", "/feed.xml"}) {
    INFO(path);
    RawResponse r = raw_request(server.port(), "GET", path);
    if (r.status >= 500) ++errors;
    CHECK_FALSE(r.has("EXCEPTION_WHAT"));
    CHECK_FALSE(contains(r.body, "malformed"));
    CHECK_FALSE(contains(r.body, "SQL"));
    for (const auto& [name, value] : r.headers) CHECK_FALSE(contains(value, "malformed"));
  }
  CHECK(errors > 0);                        // the attack did make handlers throw
  CHECK(server.wait_for_log("malformed"));  // the cause is in the log, not the response
  RawResponse health = raw_request(server.port(), "GET", "/healthz");
  CHECK((health.status == 200 || health.status == 503));
}

TEST_CASE("CVE-2026-45372: percent-decoded CR and LF from a request never reach a response",
          "[integration][hardening]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  const std::string evil = "%0D%0ASet-Cookie:%20evil=1%0D%0AX-Evil:%201";
  // Redirects built from the request's path, and headers the server reads.
  for (std::string request :
       {"GET /tags/News" + evil + " HTTP/1.1\r\nHost: x\r\n",
        "GET /tags/news" + evil + "/page/1 HTTP/1.1\r\nHost: x\r\n",
        "GET /tags/News" + evil + "/feed.xml HTTP/1.1\r\nHost: x\r\n",
        "GET /page/1 HTTP/1.1\r\nHost: x" + evil + "\r\n",
        "GET /admin HTTP/1.1\r\nHost: x\r\nCookie: gazette_session=a" + evil + "\r\n",
        "GET /robots.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"a\"" + evil +
            "\r\nAccept-Encoding: gzip" + evil + "\r\n",
        "GET /admin/login HTTP/1.1\r\nHost: x\r\nReferer: /x" + evil + "\r\n"}) {
    INFO(request);
    std::string r = send_raw(server.port(), request + "Connection: close\r\n\r\n");
    REQUIRE(status_of(r) != 0);
    std::string head = head_of(r);
    CHECK_FALSE(contains(head, "\r\nSet-Cookie: evil"));
    CHECK_FALSE(contains(head, "\r\nX-Evil"));
    // Every header line is "Name: value" with no stray CR or LF inside.
    std::size_t start = head.find("\r\n") + 2;
    while (start < head.size()) {
      auto end = head.find("\r\n", start);
      std::string line = head.substr(start, end == std::string::npos ? end : end - start);
      CHECK(line.find_first_of("\r\n") == std::string::npos);
      CHECK(std::regex_match(line, std::regex(R"([A-Za-z0-9-]+: .*)")));
      if (end == std::string::npos) break;
      start = end + 2;
    }
  }
  check_healthy(server);
}

TEST_CASE("slow and idle clients do not starve the server, and are dropped",
          "[integration][hardening][slow][concurrency]") {
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  const int port = server.port();
  REQUIRE(raw_request(port, "GET", "/").status == 200);

  // 100 connections that send nothing, 100 that send one header byte a second.
  std::vector<std::unique_ptr<Conn>> idle, drip;
  for (int i = 0; i < 100; ++i) idle.push_back(std::make_unique<Conn>(port));
  for (int i = 0; i < 100; ++i) drip.push_back(std::make_unique<Conn>(port));
  const std::string slow_head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(100, 'a');
  auto start = Clock::now();

  std::chrono::duration<double, std::milli> worst{0};
  int normal_requests = 0;
  std::size_t sent = 0;
  bool idle_dropped = false, drip_dropped = false;
  while (Clock::now() - start < std::chrono::seconds(20) && !(idle_dropped && drip_dropped)) {
    if (sent < slow_head.size()) {
      for (auto& c : drip) c->send(slow_head.substr(sent, 1));
      ++sent;
    }
    auto t0 = Clock::now();
    RawResponse r =
        raw_request(port, "GET", "/articles/" + std::string(normal_requests % 2 ? "x" : "y"));
    worst = std::max(worst, std::chrono::duration<double, std::milli>(Clock::now() - t0));
    CHECK(r.status == 404);
    ++normal_requests;
    idle_dropped = idle_dropped || all_server_closed(idle);
    drip_dropped = drip_dropped || all_server_closed(drip);
    // Pace: one byte a second to each slow client (any server close ends the wait).
    pollfd p{drip.front()->fd(), POLLRDHUP, 0};
    ::poll(&p, 1, 1000);
  }
  double dropped_after = std::chrono::duration<double>(Clock::now() - start).count();
  WARN("normal client, worst of " << normal_requests
                                  << " requests among 200 slow connections: " << worst.count()
                                  << " ms; slow ones dropped after " << dropped_after << " s");
  CHECK(worst < std::chrono::seconds(5));
  CHECK(idle_dropped);
  CHECK(drip_dropped);
  CHECK(dropped_after > 9);  // the head deadline is 10 s, not a read timeout of 1 s

  {  // an idle keep-alive connection is closed after 5 s
    Conn c(port);
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.read_until("\"ok\"");
    REQUIRE(status_of(r) == 200);
    auto t0 = Clock::now();
    c.read_all(std::chrono::seconds(10));
    CHECK(c.closed());
    auto idle_for = Clock::now() - t0;
    CHECK(idle_for > std::chrono::milliseconds(4500));
    CHECK(idle_for < std::chrono::milliseconds(7000));
  }
  check_healthy(server);
}

TEST_CASE(
    "connections beyond the threads and their queue get a 503 at once, and waiting ones "
    "expire together",
    "[integration][hardening][slow][concurrency]") {
  TempDir dir;
  // Two threads, so at most eight connections waiting for one: ten in all. Twelve
  // connections that send nothing; they hold their place for 10 s, so however the
  // threads and the accepting thread interleave, at least two are refused.
  ServerProcess server({"--db", dir / "site.db", "--threads", "2"});
  const int port = server.port();
  std::vector<std::unique_ptr<Conn>> silent;
  for (int i = 0; i < 12; ++i) silent.push_back(std::make_unique<Conn>(port));
  auto opened = Clock::now();

  // A refused connection is answered at once, not after the silent ones' 10 s.
  std::vector<std::string> answers(silent.size());
  auto refused = [&] {
    int n = 0;
    for (std::size_t i = 0; i < silent.size(); ++i) {
      answers[i] += silent[i]->read_all(std::chrono::milliseconds(20));
      if (status_of(answers[i]) == 503) ++n;
    }
    return n;
  };
  CHECK(poll_until([&] { return refused() >= 2; }, std::chrono::seconds(5)));
  for (const auto& answer : answers) {
    if (answer.empty()) continue;
    CHECK(status_of(answer) == 503);
    CHECK(contains(head_of(answer), "Retry-After: 5"));
    CHECK(contains(head_of(answer), "Connection: close"));
    CHECK(contains(answer, "<html"));
  }
  // The first refusal is logged at once (later ones are counted, at most a line per 10 s).
  CHECK(server.wait_for_log("refused 1 connection with 503"));

  // The waiting ones' head deadline ran while they waited: all are dropped about 10 s
  // after they connected, and the site answers again. (Had each waiting connection
  // got its own 10 s once a thread took it, that would be 40 s.)
  CHECK(poll_until(
      [&] {
        try {
          return raw_request(port, "GET", "/healthz").status == 200;
        } catch (const std::exception&) {
          return false;  // refused before the request was read: still full
        }
      },
      std::chrono::seconds(25)));
  double took = std::chrono::duration<double>(Clock::now() - opened).count();
  INFO("answering again after " << took << " s");
  CHECK(took < 20);
  // One thread may answer the site while the other is still reading its silent
  // connection up to that connection's own deadline: give it a moment, not another 10 s.
  CHECK(poll_until([&] { return all_server_closed(silent); }, std::chrono::seconds(3)));
  double closed_after = std::chrono::duration<double>(Clock::now() - opened).count();
  INFO("all closed after " << closed_after << " s");
  CHECK(closed_after < 20);
}

TEST_CASE(
    "SIGTERM: a request in flight finishes, idle clients do not hold the stop, and a "
    "slow reader is cut after the grace period",
    "[integration][hardening][slow][concurrency]") {
  TempDir dir;
  // A feed of about 18 MB (two articles' full text; "&" is "&amp;amp;" in the feed):
  // more than a connection's kernel buffers hold, so its response is still being
  // written when the stop comes.
  const std::string ampersands(1000000, '&');
  gazette::test::seed_admin_site(
      dir / "site.db",
      {gazette::test::seed_article("long-read", "A long read", {"long"}, ampersands),
       gazette::test::seed_article("longer-read", "A longer read", {"long"}, ampersands)});
  ServerProcess server({"--db", dir / "site.db"});
  const int port = server.port();
  const std::string get_long = "GET /feed.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  Conn fast(port, 4096);
  Conn slow(port, 65536);
  fast.send(get_long);
  slow.send(get_long);
  // Rendering the feed takes a while under the sanitizers.
  std::string fast_response = fast.read_until("\r\n\r\n", std::chrono::seconds(60));
  INFO(server.log());
  REQUIRE(status_of(fast_response) == 200);
  REQUIRE(status_of(slow.read_until("\r\n\r\n", std::chrono::seconds(60))) == 200);
  // Idle keep-alive connections, and one in the middle of its request head.
  std::vector<std::unique_ptr<Conn>> idle;
  for (int i = 0; i < 20; ++i) {
    auto& c = idle.emplace_back(std::make_unique<Conn>(port));
    c->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(status_of(c->read_until("\"ok\"")) == 200);
  }
  auto& partial = idle.emplace_back(std::make_unique<Conn>(port));
  partial->send("GET / HTTP/1.1\r\nHost: x\r\n");

  auto signalled = Clock::now();
  int exit_code = -2;
  Clock::time_point exited;
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    exit_code = server.stop(SIGTERM, std::chrono::seconds(40));
    exited = Clock::now();
    stopped = true;
  });

  // The request in flight is answered whole.
  fast_response += fast.read_all(std::chrono::seconds(30));
  CHECK(fast.closed());
  auto length_at = fast_response.find("Content-Length: ");
  REQUIRE(length_at != std::string::npos);
  std::size_t length = std::stoul(fast_response.substr(length_at + 16));
  CHECK(length > 15000000);
  CHECK(fast_response.size() - fast_response.find("\r\n\r\n") - 4 == length);
  // Idle connections are closed at once (the guard looks between requests every 200 ms),
  // not after their 5 s keep-alive or 10 s head deadline.
  CHECK(poll_until([&] { return all_server_closed(idle); }, std::chrono::seconds(3)));
  // A client taking 64 KB every 100 ms would need half a minute: the server does not
  // wait for it beyond the grace period. (Steady enough that the server's socket has room
  // again well within the 10 s write timeout: it is the stop that cuts it.)
  std::size_t slow_got = 0;
  while (!stopped && Clock::now() - signalled < std::chrono::seconds(30)) {
    ::poll(nullptr, 0, 100);  // the client's pace, not a wait for the server
    for (std::size_t taken = 0; taken < 65536;) {
      char buf[4096];
      ssize_t n = ::recv(slow.fd(), buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      taken += static_cast<std::size_t>(n);
      slow_got += static_cast<std::size_t>(n);
    }
  }
  stopper.join();
  CHECK(exit_code == 0);
  INFO("slow reader got " << slow_got << " of " << length << " bytes");
  CHECK(slow_got < length);
  double took = std::chrono::duration<double>(exited - signalled).count();
  INFO("stop took " << took << " s");
  CHECK(took > 9);
  CHECK(took < 20);
  CHECK(contains(server.log(), "closed 1 connection still open 10 s after the stop"));
}

namespace {

// The nginx configuration the README recommends (after the "nginx-front" marker), with
// its ports changed: `listen` to `port`, the upstream to `upstream`.
std::string readme_nginx_config(int port, int upstream) {
  std::string readme = read_file(std::string(GAZETTE_SOURCE_DIR) + "/README.md");
  auto marker = readme.find("<!-- nginx-front");
  REQUIRE(marker != std::string::npos);
  auto open = readme.find("```nginx\n", marker);
  auto close = readme.find("```", open + 9);
  REQUIRE((open != std::string::npos && close != std::string::npos));
  std::string config = readme.substr(open + 9, close - open - 9);
  config = std::regex_replace(config, std::regex("listen 80;"),
                              "listen 127.0.0.1:" + std::to_string(port) + ";");
  config = std::regex_replace(config, std::regex("127\\.0\\.0\\.1:8080"),
                              "127.0.0.1:" + std::to_string(upstream));
  REQUIRE(contains(config, "127.0.0.1:" + std::to_string(upstream)));
  return config;
}

}  // namespace

TEST_CASE("the README's nginx configuration in front of gazette",
          "[integration][hardening][nginx]") {
  REQUIRE(fs::exists("/usr/sbin/nginx"));
  TempDir dir;
  ServerProcess server({"--db", dir / "site.db"});
  const int port = gazette::test::free_port();
  gazette::test::NginxProcess nginx(readme_nginx_config(port, server.port()), port);
  INFO(nginx.error_log());

  RawResponse home = raw_request(port, "GET", "/");
  CHECK(home.status == 200);
  CHECK(home.body == raw_request(server.port(), "GET", "/").body);
  CHECK(raw_request(port, "GET", "/healthz").status == 200);

  // Slow clients are nginx's to hold: 100 of them take no thread of gazette's.
  std::vector<std::unique_ptr<Conn>> slow;
  for (int i = 0; i < 100; ++i) {
    slow.push_back(std::make_unique<Conn>(port));
    slow.back()->send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a");
  }
  auto t0 = Clock::now();
  CHECK(raw_request(port, "GET", "/robots.txt").status == 200);
  CHECK(Clock::now() - t0 < std::chrono::seconds(1));

  // Limits at the edge, and gazette's own behind it.
  CHECK(status_of(send_raw(port,
                           "POST /admin/login HTTP/1.1\r\nHost: x\r\n"
                           "Content-Length: 3000000\r\nConnection: close\r\n\r\n")) == 413);
  CHECK(status_of(send_raw(port, "GET /" + std::string(9000, 'a') +
                                     " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) >= 400);
  CHECK(status_of(send_raw(port,
                           "POST /admin/login HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
                           "Content-Length: 4\r\nConnection: close\r\n\r\nabcd")) == 415);
  RawResponse redirect = raw_request(port, "GET", "/tags/News%0D%0ASet-Cookie:%20evil=1",
                                     {{"REMOTE_ADDR", "6.6.6.6"}});
  CHECK(redirect.status == 301);
  CHECK_FALSE(redirect.has("Set-Cookie"));
  check_healthy(server);
}
