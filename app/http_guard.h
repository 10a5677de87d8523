// The HTTP guard: Gazette reads each request head itself, with a deadline and size
// limits, before cpp-httplib parses it. Debian bookworm's cpp-httplib 0.11.4 reads a
// request line or header of any length into memory, any number of headers, chunked
// bodies of any size and decompresses request bodies without bound, and waits for a
// slow client read by read, so a client sending a byte every few seconds holds a worker
// thread for ever. The guard closes those holes at the one hook the library gives:
// Server::process_and_close_socket, which it calls once per accepted connection (see
// README, Operations and Security).
#pragma once

#include <httplib.h>
#include <spdlog/logger.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace gazette {

// What a request may be. The defaults are the SPEC's.
struct HttpLimits {
  std::size_t max_request_line = 8192;     // request line with its CRLF; longer: 414
  std::size_t max_header_line = 8192;      // one header line; longer: 431
  std::size_t max_header_bytes = 32768;    // every header line together; more: 431
  std::size_t max_header_count = 100;      // more: 431
  std::size_t max_body = 2 * 1024 * 1024;  // Content-Length, or a chunked body on the wire: 413
  std::chrono::milliseconds head_deadline{10000};  // the whole head, from its first byte: 408
  std::chrono::milliseconds idle_timeout{5000};    // between requests on a keep-alive connection
  std::chrono::milliseconds read_timeout{10000};   // any one read of a body
  std::chrono::milliseconds write_timeout{10000};  // any one write
  std::chrono::milliseconds body_deadline{60000};  // the whole body, from the end of the head
  std::size_t max_requests_per_connection = 10000;
};

// The verdict on the bytes of a request head received so far.
struct HeadVerdict {
  enum class State { incomplete, complete, rejected };
  State state = State::incomplete;
  int status = 0;                // when rejected: the answer (400, 413, 414, 415, 431, 501)
  std::size_t head_size = 0;     // when complete: bytes up to and including the blank line
  std::string method;            // once the request line is complete
  std::string target;            // once the request line is complete, as sent
  bool has_body = false;         // a Content-Length above 0 or a chunked body
  bool add_zero_length = false;  // a POST/PUT/PATCH/DELETE with neither length nor chunking
};

// Reads a request head incrementally, as cpp-httplib 0.11.4 will parse it: lines end
// with LF; the head ends at the first line after the request line that is exactly CRLF;
// header lines without CR before the LF are skipped by the library, but count here
// toward the size limits. Checks the limits as bytes arrive, so a head over a limit is
// rejected without reading the rest of it, and the framing headers once complete:
// a Content-Encoding other than identity (415, the library would decompress it without
// bound), a Transfer-Encoding other than chunked (501), both Content-Length and
// Transfer-Encoding or an unreadable Content-Length (400; request smuggling), a
// Content-Length over the body limit (413). Header values are checked as sent, before
// the library percent-decodes them, so "%67zip" is rejected like anything not plain.
class HeadParser {
 public:
  explicit HeadParser(const HttpLimits& limits) : limits_(limits) {}
  // `head` holds every byte received for this request so far (a longer string each call,
  // starting at the same byte). Scanning resumes where the last call stopped.
  const HeadVerdict& feed(std::string_view head);

 private:
  void reject(int status);
  void header_line(std::string_view line);  // without its CRLF
  void finish();

  const HttpLimits& limits_;
  HeadVerdict verdict_;
  std::size_t line_start_ = 0;
  bool request_line_done_ = false;
  std::size_t header_bytes_ = 0;
  std::size_t header_count_ = 0;
  std::string content_length_;  // as sent; "" when absent
  bool content_length_conflict_ = false;
  std::string transfer_encoding_;
  bool has_transfer_encoding_ = false;
  bool has_content_encoding_ = false;
};

// `s` printable for a log line: control characters (a decoded %0A could forge a line),
// quotes and backslashes become \xNN.
std::string loggable(std::string_view s);

// True, in cpp-httplib's logger, when the guard has already answered (and logged) the
// request, which happens when a chunked body goes over the limit while the library
// reads it: the library then logs the 400 it failed to send.
bool answered_by_guard();

// A request the guard may answer itself, before cpp-httplib parses it: a GET or HEAD
// in HTTP/1.1 without a body, whose head the guard has read whole and accepted.
struct EarlyRequest {
  std::string_view method;  // "GET" or "HEAD"
  std::string_view target;  // as sent
  std::string_view head;    // every line of the head, request line to blank line
  // The value of the first header line named `name` (any case), without the spaces
  // around it, as sent (not percent-decoded); nullopt when there is none.
  std::optional<std::string_view> header(std::string_view name) const;
};

// The answer to an EarlyRequest: the status line and headers but for the connection's
// (the guard adds Connection or Keep-Alive, then the blank line), and the body, sent
// after them but for a HEAD. `body` stays valid as long as `owner` lives.
struct EarlyResponse {
  int status = 200;
  std::string head;
  std::string_view body;
  std::shared_ptr<const void> owner;
  std::string log_note;  // what the access line says after the size: "0.004ms hit"
};

// Answers `req` into `res` and returns true, or returns false to leave the request to
// cpp-httplib. Called from many threads at once.
using EarlyAnswer = std::function<bool(const EarlyRequest& req, EarlyResponse& res)>;

// A cpp-httplib server whose connections go through the guard: each request head is read
// whole (within HttpLimits::head_deadline of its first byte) and checked before the
// library sees it; bodies are bounded on the wire and in time; client-sent REMOTE_ADDR,
// REMOTE_PORT, LOCAL_ADDR and LOCAL_PORT headers are replaced by the socket's; a header
// whose percent-decoded value holds CR, LF or NUL is dropped before routing; and an
// exception that escapes the library's own handling closes the connection instead of
// ending the process. A request the guard refuses gets the site's styled error page from
// `rejection_page`, with Connection: close, and an access line.
class GuardedServer : public httplib::Server {
 public:
  using RejectionPage = std::function<std::string(int status)>;

  GuardedServer() { set_limits(HttpLimits{}); }

  // Also what the library's Keep-Alive header announces, which the guard's own
  // connection loop enforces (the library's defaults are 5 requests and 5 s).
  void set_limits(const HttpLimits& limits);
  const HttpLimits& limits() const { return limits_; }
  // The body of the page for a refused request, and headers every response carries.
  void set_rejection_page(RejectionPage page, httplib::Headers headers);
  void set_access_log(std::shared_ptr<spdlog::logger> log) { access_log_ = std::move(log); }

  // Lets `answer` take requests before the library parses them. For the page cache: a
  // hit costs a lookup and one send instead of the library's parsing, header maps,
  // routing and response assembly (about half the time of a cached page). Call before
  // listening.
  void set_early_answer(EarlyAnswer answer) { early_answer_ = std::move(answer); }

  // Serves connections with `threads` pool threads, and at most `max_waiting` accepted
  // connections waiting for one: beyond that, a new connection is answered 503 (with
  // Retry-After) at once by the accepting thread and closed, rather than left waiting
  // unanswered in an unbounded queue. A connection's first head deadline runs from
  // when it was accepted, so connections that waited in the queue and send nothing are
  // dropped together, not one deadline after another. Call before listening.
  void use_thread_pool(std::size_t threads, std::size_t max_waiting);

  // Cuts every connection still open (shutdown both ways): the threads serving them see
  // their reads and writes fail and finish. For a stop that must not wait for ever on a
  // client that reads a byte now and then. How many there were.
  std::size_t close_connections();

 private:
  bool process_and_close_socket(socket_t sock) override;
  void serve_connection(class GuardedStream& strm);
  void send_rejection(class GuardedStream& strm, int status, const HeadVerdict& head);
  // Offers the request to early_answer_ and sends its answer: false when it declined.
  // `last` says the connection ends after this request; `closing` is set when it must.
  bool answer_early(class GuardedStream& strm, const HeadVerdict& head, bool last, bool& closing);
  bool running() const { return svr_sock_ != INVALID_SOCKET; }
  // The whole response refusing a request with `status`: the styled page (without it for
  // HEAD), Connection: close.
  std::string rejection_response(int status, bool with_body) const;
  // Answers a connection the pool has no room for (in the accepting thread: never blocks).
  void refuse_overloaded(socket_t sock);
  // Closes the refused connections that have had their moment (all of them with `all`).
  void close_refused(bool all);
  friend class GuardedPool;

  HttpLimits limits_;
  std::mutex connections_mutex_;
  std::unordered_set<socket_t> connections_;  // being served; guarded by connections_mutex_
  std::string overloaded_response_;           // the whole 503 for a connection the pool refuses
  // The accepting thread's own: refusals since the last warning and when that was, and
  // refused connections not closed yet, with when they were refused.
  std::size_t refused_ = 0;
  std::chrono::steady_clock::time_point refusal_warned_{};
  std::deque<std::pair<socket_t, std::chrono::steady_clock::time_point>> refused_open_;
  RejectionPage rejection_page_;
  httplib::Headers rejection_headers_;
  std::shared_ptr<spdlog::logger> access_log_;
  EarlyAnswer early_answer_;
  std::string keep_alive_header_;  // "Keep-Alive: timeout=5, max=10000\r\n", from limits_
};

}  // namespace gazette
