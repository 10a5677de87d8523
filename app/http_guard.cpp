// The HTTP guard (see http_guard.h).
#include "app/http_guard.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

namespace gazette {

namespace {

using Clock = std::chrono::steady_clock;

// Set while the guard has answered the request this thread is serving (see
// answered_by_guard).
thread_local bool t_answered = false;

// The context of the connection this pool thread serves, from the queue (GuardedPool):
// when it was accepted, and whether the pool refused it (then the accepting thread runs
// it). Per thread, so nothing is shared.
thread_local Clock::time_point t_accepted{};
thread_local bool t_refused = false;

// How often a thread waiting on a quiet client looks whether the server is stopping.
constexpr std::chrono::milliseconds kStopCheck{200};
// Library writes up to this size are gathered and sent together (GuardedStream::write).
constexpr std::size_t kCoalesceBytes = 32 * 1024;
// How much a rejected request's answer may wait for the client to take it.
constexpr std::chrono::milliseconds kRejectionWriteTimeout{1000};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Methods for which cpp-httplib reads a body (detail::expect_content).
bool expects_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE" ||
         method == "PRI";
}

const char* reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, left.count()));
}

}  // namespace

bool answered_by_guard() {
  return t_answered;
}

std::string loggable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\') {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}

// ---- HeadParser ----

void HeadParser::reject(int status) {
  verdict_.state = HeadVerdict::State::rejected;
  verdict_.status = status;
}

void HeadParser::header_line(std::string_view line) {
  ++header_count_;
  if (header_count_ > limits_.max_header_count) return reject(431);
  // cpp-httplib takes the name up to the first colon, untrimmed, and the value trimmed.
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return;
  std::string_view name = line.substr(0, colon);
  std::string_view value = trim(line.substr(colon + 1));
  if (iequals(name, "Content-Length")) {
    if (!content_length_.empty() && content_length_ != value) content_length_conflict_ = true;
    content_length_ = std::string(value.empty() ? "?" : value);
  } else if (iequals(name, "Transfer-Encoding")) {
    if (has_transfer_encoding_)
      transfer_encoding_ = "?";  // one coding only, stated once
    else
      transfer_encoding_ = std::string(value);
    has_transfer_encoding_ = true;
  } else if (iequals(name, "Content-Encoding")) {
    if (!value.empty() && !iequals(value, "identity")) has_content_encoding_ = true;
  }
}

void HeadParser::finish() {
  verdict_.head_size = line_start_;
  if (has_content_encoding_) return reject(415);
  if (has_transfer_encoding_) {
    if (!iequals(transfer_encoding_, "chunked")) return reject(501);
    if (!content_length_.empty()) return reject(400);
    verdict_.has_body = true;
  } else if (!content_length_.empty()) {
    if (content_length_conflict_ || content_length_.size() > 19 ||
        content_length_.find_first_not_of("0123456789") != std::string::npos) {
      return reject(400);
    }
    auto length = std::stoull(content_length_);
    if (length > limits_.max_body) return reject(413);
    verdict_.has_body = length > 0;
  } else if (expects_body(verdict_.method)) {
    // RFC 9112 6.3: a request with neither has no body; cpp-httplib would read one
    // until the client closes.
    verdict_.add_zero_length = true;
  }
  verdict_.state = HeadVerdict::State::complete;
}

const HeadVerdict& HeadParser::feed(std::string_view head) {
  while (verdict_.state == HeadVerdict::State::incomplete) {
    auto lf = head.find('\n', line_start_);
    std::size_t length = (lf == std::string_view::npos ? head.size() : lf + 1) - line_start_;
    if (!request_line_done_) {
      if (length > limits_.max_request_line) {
        std::string_view line = head.substr(line_start_, length);
        auto sp = line.find(' ');
        verdict_.method = std::string(line.substr(0, std::min<std::size_t>(sp, 20)));
        if (sp != std::string_view::npos) verdict_.target = std::string(line.substr(sp + 1, 200));
        reject(414);
        break;
      }
    } else if (length > limits_.max_header_line ||
               header_bytes_ + length > limits_.max_header_bytes) {
      reject(431);
      break;
    }
    if (lf == std::string_view::npos) break;
    std::string_view line = head.substr(line_start_, length);
    line_start_ = lf + 1;
    if (!request_line_done_) {
      request_line_done_ = true;
      std::string_view text = line.substr(0, line.find_last_not_of("\r\n") + 1);
      auto sp1 = text.find(' ');
      auto sp2 = sp1 == std::string_view::npos ? sp1 : text.find(' ', sp1 + 1);
      if (sp2 == std::string_view::npos) {
        reject(400);
        break;
      }
      verdict_.method = std::string(text.substr(0, sp1));
      verdict_.target = std::string(text.substr(sp1 + 1, sp2 - sp1 - 1));
      continue;
    }
    header_bytes_ += length;
    if (line == "\r\n") {
      finish();
    } else if (line.ends_with("\r\n")) {
      header_line(line.substr(0, line.size() - 2));
    }
  }
  return verdict_;
}

// ---- GuardedStream ----

// One connection's socket, as cpp-httplib's Stream: reads go through a buffer that holds
// the head the guard has read (and whatever the client sent after it); body reads are
// bounded in size and time. Once a rejection is answered, reads and writes fail, so the
// library gives up on the request.
class GuardedStream : public httplib::Stream {
 public:
  enum class Wait { data, closed, timeout, stopping };

  GuardedStream(socket_t sock, const HttpLimits& limits, std::function<bool()> running)
      : sock_(sock), limits_(limits), running_(std::move(running)) {}

  bool is_readable() const override {
    // Not const in truth: a client may wait for what write() kept back (100 Continue).
    if (!const_cast<GuardedStream*>(this)->flush()) return false;
    return pos_ < buf_.size() || poll_socket(POLLIN, limits_.read_timeout) > 0;
  }
  // write() waits for room itself, with the write timeout: a poll here as well would be
  // one more system call for every piece of every response.
  bool is_writable() const override { return !dead_; }

  ssize_t read(char* ptr, std::size_t size) override {
    if (dead_) return -1;
    if (pos_ == buf_.size()) {
      if (!flush()) return -1;
      buf_.clear();
      pos_ = 0;
      auto deadline = std::min(Clock::now() + limits_.read_timeout, body_deadline_);
      if (wait_for_data(deadline, false) != Wait::data) return -1;
      if (fill() <= 0) return -1;
    }
    std::size_t n = std::min(size, buf_.size() - pos_);
    std::size_t from_head = std::min(n, head_left_);
    head_left_ -= from_head;
    body_bytes_ += n - from_head;
    if (body_bytes_ > limits_.max_body) {  // a chunked body, measured on the wire
      if (on_over_limit) on_over_limit();
      dead_ = true;
      return -1;
    }
    std::memcpy(ptr, buf_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  // The library writes a response's head and its body separately: each would be a
  // system call and a TCP segment of its own. Small writes wait in `pending_` for the
  // next write, a read or the end of the request (flush()); a write that would overflow
  // it goes out with it in one call.
  ssize_t write(const char* ptr, std::size_t size) override {
    if (dead_) return -1;
    if (pending_.size() + size <= kCoalesceBytes) {
      pending_.append(ptr, size);
    } else {
      if (!write_both(pending_, std::string_view(ptr, size))) return -1;
      pending_.clear();
    }
    return static_cast<ssize_t>(size);
  }
  // Sends what write() kept back; false when the client is gone.
  bool flush() {
    if (pending_.empty()) return !dead_;
    bool ok = write_both(pending_, {});
    pending_.clear();
    return ok;
  }

  // The library asks for both addresses on every request; they are the connection's,
  // so they are looked up once.
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (!remote_) remote_ = address(::getpeername);
    ip = remote_->first;
    port = remote_->second;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    if (!local_) local_ = address(::getsockname);
    ip = local_->first;
    port = local_->second;
  }
  socket_t socket() const override { return sock_; }

  // Called when a body goes over the limit, before the read fails: answers 413.
  std::function<void()> on_over_limit;

  // Waits until the client sends something, closes or `deadline` passes, or (when
  // `stop_aware`: between requests, not within one) the server stops.
  Wait wait_for_data(Clock::time_point deadline, bool stop_aware = true) {
    if (pos_ < buf_.size()) return Wait::data;
    return wait_for_socket(deadline, stop_aware);
  }

  // The same, for bytes not yet received (whatever the buffer holds).
  Wait wait_for_socket(Clock::time_point deadline, bool stop_aware = true) {
    for (;;) {
      if (stop_aware && !running_()) return Wait::stopping;
      int left = remaining_ms(deadline);
      if (left == 0) return Wait::timeout;
      int ready =
          poll_socket(POLLIN, std::chrono::milliseconds(std::min<int>(left, kStopCheck.count())));
      if (ready > 0) {
        readable_ = true;
        return Wait::data;
      }
      if (ready < 0) return Wait::closed;
    }
  }

  // Reads the next request's head into the buffer until it is complete or refused, the
  // client closes or stops sending, or `deadline` passes. Bytes of an earlier request's
  // pipelined successor, already buffered, count.
  Wait read_head(Clock::time_point deadline, HeadParser& parser, HeadVerdict& verdict) {
    buf_.erase(0, pos_);
    pos_ = 0;
    for (;;) {
      verdict = parser.feed(buf_);
      if (verdict.state != HeadVerdict::State::incomplete) return Wait::data;
      // On a keep-alive connection the wait between requests has just seen the bytes
      // arrive: no second poll for them.
      if (!readable_) {
        Wait w = wait_for_socket(deadline);
        if (w != Wait::data) return w;
      }
      if (fill() <= 0) return Wait::closed;
    }
  }

  // The head in the buffer is complete and accepted: from here the library reads it.
  void begin_request(const HeadVerdict& verdict) {
    std::size_t head = verdict.head_size;
    if (verdict.add_zero_length) {
      static constexpr std::string_view kZero = "Content-Length: 0\r\n";
      buf_.insert(head - 2, kZero);
      head += kZero.size();
    }
    head_left_ = head;
    body_bytes_ = 0;
    body_deadline_ = Clock::now() + limits_.body_deadline;
  }

  bool has_buffered() const { return pos_ < buf_.size(); }
  // The head `verdict` found at the start of the buffer, and taking it (a request the
  // guard answers itself: the library never reads it).
  std::string_view head(const HeadVerdict& verdict) const {
    return std::string_view(buf_).substr(pos_, verdict.head_size);
  }
  void take_head(const HeadVerdict& verdict) { pos_ += verdict.head_size; }

  // Sends `first` then `second` whole, in one system call when the socket has room,
  // waiting for room up to the write timeout at a time; false when the client is gone.
  bool write_both(std::string_view first, std::string_view second) {
    iovec parts[2] = {{const_cast<char*>(first.data()), first.size()},
                      {const_cast<char*>(second.data()), second.size()}};
    msghdr msg{};
    msg.msg_iov = parts;
    msg.msg_iovlen = second.empty() ? 1 : 2;
    while (!dead_ && msg.msg_iovlen > 0) {
      ssize_t n = ::sendmsg(sock_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
            poll_socket(POLLOUT, limits_.write_timeout) > 0) {
          continue;
        }
        dead_ = true;
        break;
      }
      auto sent = static_cast<std::size_t>(n);
      while (msg.msg_iovlen > 0 && sent >= msg.msg_iov->iov_len) {
        sent -= msg.msg_iov->iov_len;
        ++msg.msg_iov;
        --msg.msg_iovlen;
      }
      if (msg.msg_iovlen > 0) {
        msg.msg_iov->iov_base = static_cast<char*>(msg.msg_iov->iov_base) + sent;
        msg.msg_iov->iov_len -= sent;
      }
    }
    return !dead_;
  }
  bool dead() const { return dead_; }
  // Writes `data` whole (a refusal's answer, within a short time) and kills the stream.
  void write_and_die(const std::string& data) {
    flush();
    auto deadline = Clock::now() + kRejectionWriteTimeout;
    std::size_t done = 0;
    while (done < data.size() &&
           poll_socket(POLLOUT, std::chrono::milliseconds(remaining_ms(deadline))) > 0) {
      ssize_t n = ::send(sock_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    dead_ = true;
  }

 private:
  // The numeric address and port `lookup` (getpeername or getsockname) gives the
  // socket; "" and 0 when it fails.
  std::pair<std::string, int> address(int (*lookup)(int, sockaddr*, socklen_t*)) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    char host[NI_MAXHOST];
    char serv[NI_MAXSERV];
    if (lookup(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0 &&
        ::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, serv,
                      sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
      return {host, std::atoi(serv)};
    }
    return {"", 0};
  }

  // >0 ready, 0 timed out, <0 error or hang-up without data.
  int poll_socket(short events, std::chrono::milliseconds timeout) const {
    pollfd p{sock_, events, 0};
    int r;
    do {
      r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    } while (r < 0 && errno == EINTR);
    if (r > 0 && !(p.revents & events)) return -1;
    return r;
  }

  ssize_t fill() {
    char chunk[16384];
    ssize_t n;
    do {
      n = ::recv(sock_, chunk, sizeof chunk, 0);
    } while (n < 0 && errno == EINTR);
    readable_ = false;
    if (n > 0) buf_.append(chunk, static_cast<std::size_t>(n));
    return n;
  }

  socket_t sock_;
  const HttpLimits& limits_;
  std::function<bool()> running_;
  mutable std::optional<std::pair<std::string, int>> remote_;  // looked up on first use
  mutable std::optional<std::pair<std::string, int>> local_;
  // The last poll saw bytes to read that no recv has taken yet.
  bool readable_ = false;
  std::string buf_;
  std::string pending_;  // written by the library, not sent yet
  std::size_t pos_ = 0;
  std::size_t head_left_ = 0;
  std::size_t body_bytes_ = 0;
  bool dead_ = false;
  Clock::time_point body_deadline_ = Clock::time_point::max();
};

// ---- EarlyRequest ----

std::optional<std::string_view> EarlyRequest::header(std::string_view name) const {
  std::string_view rest = head.substr(std::min(head.find('\n'), head.size() - 1) + 1);
  while (!rest.empty()) {
    auto end = rest.find('\n');
    if (end == std::string_view::npos) break;
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    // The library skips lines that do not end with CRLF; so does this.
    if (!line.ends_with('\r')) continue;
    line.remove_suffix(1);
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !iequals(line.substr(0, colon), name)) {
      continue;
    }
    return trim(line.substr(colon + 1));
  }
  return std::nullopt;
}

// ---- GuardedServer ----

void GuardedServer::set_limits(const HttpLimits& limits) {
  limits_ = limits;
  auto idle = std::chrono::duration_cast<std::chrono::seconds>(limits.idle_timeout).count();
  set_keep_alive_timeout(idle);
  set_keep_alive_max_count(limits.max_requests_per_connection);
  keep_alive_header_ = "Keep-Alive: timeout=" + std::to_string(idle) +
                       ", max=" + std::to_string(limits.max_requests_per_connection) + "\r\n";
}

void GuardedServer::set_rejection_page(RejectionPage page, httplib::Headers headers) {
  rejection_page_ = std::move(page);
  rejection_headers_ = std::move(headers);
  overloaded_response_ = rejection_response(503, true);
}

std::string GuardedServer::rejection_response(int status, bool with_body) const {
  std::string body;
  if (rejection_page_) {
    try {
      body = rejection_page_(status);
    } catch (const std::exception& e) {
      spdlog::error("rendering the {} page: {}", status, e.what());
    }
  }
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
  for (const auto& [name, value] : rejection_headers_) out += name + ": " + value + "\r\n";
  out += "Cache-Control: no-store\r\nConnection: close\r\n";
  if (status == 503) out += "Retry-After: 5\r\n";
  out += "Content-Type: text/html; charset=utf-8\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  if (with_body) out += body;
  return out;
}

// The pool behind GuardedServer::use_thread_pool: cpp-httplib's ThreadPool, with the
// number of connections waiting in its queue counted and bounded.
class GuardedPool : public httplib::TaskQueue {
 public:
  GuardedPool(GuardedServer& server, std::size_t threads, std::size_t max_waiting)
      : server_(server), pool_(threads), max_waiting_(max_waiting) {}

  // Runs in the accepting thread, once per accepted connection; `fn` serves it.
  void enqueue(std::function<void()> fn) override {
    server_.close_refused(false);
    if (waiting_.load(std::memory_order_relaxed) >= max_waiting_) {
      t_refused = true;  // process_and_close_socket answers 503 and returns at once
      fn();
      t_refused = false;
      return;
    }
    waiting_.fetch_add(1, std::memory_order_relaxed);
    pool_.enqueue([this, accepted = Clock::now(), fn = std::move(fn)] {
      waiting_.fetch_sub(1, std::memory_order_relaxed);
      t_accepted = accepted;
      fn();
    });
  }
  void shutdown() override {
    pool_.shutdown();
    server_.close_refused(true);  // the accepting thread has ended
  }

 private:
  GuardedServer& server_;
  httplib::ThreadPool pool_;
  const std::size_t max_waiting_;
  std::atomic<std::size_t> waiting_{0};
};

void GuardedServer::use_thread_pool(std::size_t threads, std::size_t max_waiting) {
  new_task_queue = [this, threads, max_waiting] {
    return new GuardedPool(*this, threads, max_waiting);
  };
}

void GuardedServer::refuse_overloaded(socket_t sock) {
  // The socket's send buffer is empty: the few KiB of the page go out without waiting,
  // or not at all. Then the end of the response (FIN); the socket itself stays open a
  // moment (close_refused): closing it while the client's request is still arriving
  // would answer with a reset, which can destroy the 503 before the client reads it.
  ::send(sock, overloaded_response_.data(), overloaded_response_.size(),
         MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(sock, SHUT_WR);
  refused_open_.emplace_back(sock, Clock::now());
  close_refused(false);
  ++refused_;
  auto now = Clock::now();
  if (now - refusal_warned_ >= std::chrono::seconds(10)) {
    spdlog::warn(
        "every thread is busy and the queue of waiting connections is full: refused {} "
        "connection{} with 503 (see --threads; a proxy in front holds slow clients better)",
        refused_, refused_ == 1 ? "" : "s");
    refused_ = 0;
    refusal_warned_ = now;
  }
}

void GuardedServer::close_refused(bool all) {
  constexpr std::size_t kMaxOpen = 256;
  constexpr auto kLinger = std::chrono::seconds(1);
  auto now = Clock::now();
  while (!refused_open_.empty() &&
         (all || refused_open_.size() > kMaxOpen || now - refused_open_.front().second > kLinger)) {
    socket_t sock = refused_open_.front().first;
    refused_open_.pop_front();
    char discard[4096];
    while (::recv(sock, discard, sizeof discard, MSG_DONTWAIT) > 0) {
    }
    ::close(sock);
  }
}

std::size_t GuardedServer::close_connections() {
  std::lock_guard lock(connections_mutex_);
  for (socket_t sock : connections_) ::shutdown(sock, SHUT_RDWR);
  return connections_.size();
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  if (t_refused) {
    refuse_overloaded(sock);
    return true;
  }
  {
    std::lock_guard lock(connections_mutex_);
    connections_.insert(sock);
  }
  GuardedStream strm(sock, limits_, [this] { return running(); });
  try {
    serve_connection(strm);
  } catch (const std::exception& e) {
    // The library lets an exception out of its error handler or logger; in a pool
    // thread that would end the process.
    spdlog::error("connection closed after an error outside any handler: {}", e.what());
  } catch (...) {
    spdlog::error("connection closed after an unknown error outside any handler");
  }
  {
    // Out of the set before the descriptor is closed and its number can be reused.
    std::lock_guard lock(connections_mutex_);
    connections_.erase(sock);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return true;
}

void GuardedServer::serve_connection(GuardedStream& strm) {
  // The first head's deadline runs from when the connection was accepted (time spent
  // waiting for a thread counts); later ones from their first byte, after at most
  // idle_timeout of silence.
  auto accepted = t_accepted == Clock::time_point{} ? Clock::now() : t_accepted;
  auto head_deadline = accepted + limits_.head_deadline;
  for (std::size_t n = 0; n < limits_.max_requests_per_connection; ++n) {
    if (n > 0) {
      if (strm.wait_for_data(Clock::now() + limits_.idle_timeout) != GuardedStream::Wait::data) {
        return;
      }
      head_deadline = Clock::now() + limits_.head_deadline;
    }
    HeadParser parser(limits_);
    HeadVerdict head;
    auto got = strm.read_head(head_deadline, parser, head);
    if (got == GuardedStream::Wait::timeout) {
      if (strm.has_buffered()) send_rejection(strm, 408, head);
      return;
    }
    if (got != GuardedStream::Wait::data) return;
    if (head.state == HeadVerdict::State::rejected) {
      send_rejection(strm, head.status, head);
      return;
    }
    // cpp-httplib reads no body for GET and HEAD: one sent anyway would be parsed as the
    // next request, so the connection ends with this one.
    bool last = n + 1 == limits_.max_requests_per_connection || !running() ||
                (head.has_body && !expects_body(head.method));
    if (early_answer_) {
      bool closing = false;
      if (answer_early(strm, head, last, closing)) {
        if (closing || strm.dead()) return;
        continue;
      }
    }
    strm.begin_request(head);
    t_answered = false;
    strm.on_over_limit = [this, &strm, &head] { send_rejection(strm, 413, head); };
    bool closed = false;
    bool ok = process_request(strm, last, closed, [](httplib::Request& req) {
      // CVE-2025-66577: the library adds the socket's addresses as headers after the
      // client's own, and get_header_value returns the first. Only the socket's count.
      for (const char* name : {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"}) {
        req.headers.erase(name);
      }
      req.headers.emplace("REMOTE_ADDR", req.remote_addr);
      req.headers.emplace("REMOTE_PORT", std::to_string(req.remote_port));
      req.headers.emplace("LOCAL_ADDR", req.local_addr);
      req.headers.emplace("LOCAL_PORT", std::to_string(req.local_port));
      // CVE-2026-45372: header values arrive percent-decoded; one that decodes to a line
      // break or NUL is an attack, never a value anyone relies on.
      for (auto it = req.headers.begin(); it != req.headers.end();) {
        if (it->second.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
          it = req.headers.erase(it);
        } else {
          ++it;
        }
      }
    });
    if (!strm.flush() || !ok || closed || last) return;
  }
}

bool GuardedServer::answer_early(GuardedStream& strm, const HeadVerdict& verdict, bool last,
                                 bool& closing) {
  if (verdict.has_body || (verdict.method != "GET" && verdict.method != "HEAD")) return false;
  EarlyRequest req;
  req.method = verdict.method;
  req.target = verdict.target;
  req.head = strm.head(verdict);
  // HTTP/1.1 only: the keep-alive rules of 1.0 are the library's to apply.
  std::string_view line = req.head.substr(0, req.head.find('\n') + 1);
  constexpr std::string_view kVersion = " HTTP/1.1\r\n";
  if (line.size() != req.method.size() + 1 + req.target.size() + kVersion.size() ||
      !line.ends_with(kVersion)) {
    return false;
  }
  closing = last;
  if (auto connection = req.header("Connection")) {
    if (iequals(*connection, "close")) {
      closing = true;
    } else if (!iequals(*connection, "keep-alive")) {
      return false;
    }
  }
  EarlyResponse res;
  if (!early_answer_(req, res)) return false;
  strm.take_head(verdict);
  res.head += closing ? std::string_view("Connection: close\r\n") : keep_alive_header_;
  res.head += "\r\n";
  bool head_only = req.method == "HEAD";
  strm.write_both(res.head, head_only ? std::string_view() : res.body);

  if (access_log_ && access_log_->should_log(spdlog::level::info)) {
    std::string ip;
    int port = 0;
    strm.get_remote_ip_and_port(ip, port);
    // The path as sent (the library logs it percent-decoded).
    std::string_view path = req.target.substr(0, req.target.find('?'));
    access_log_->info("{} {} {} {}B {} {}:{}", req.method, loggable(path), res.status,
                      res.body.size(), res.log_note, ip, port);
  }
  return true;
}

void GuardedServer::send_rejection(GuardedStream& strm, int status, const HeadVerdict& head) {
  bool head_only = head.method == "HEAD";
  std::string out = rejection_response(status, !head_only);
  std::size_t bytes = head_only ? 0 : out.size() - out.find("\r\n\r\n") - 4;
  strm.write_and_die(out);
  t_answered = true;

  if (access_log_) {
    std::string ip = "-";
    int port = 0;
    strm.get_remote_ip_and_port(ip, port);
    // The target as sent, cut short: a 414 is about an address too long to log.
    std::string target =
        head.target.size() > 200 ? head.target.substr(0, 200) + "..." : head.target;
    access_log_->info("{} {} {} {}B - refused {}:{}",
                      head.method.empty() ? "-" : loggable(head.method),
                      target.empty() ? "-" : loggable(target), status, bytes, ip, port);
  }
}

}  // namespace gazette
