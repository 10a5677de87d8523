// Test support for what goes over the wire (see http_support.h).
#include "tests/http_support.h"

#include <arpa/inet.h>
#include <brotli/decode.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <thread>

namespace gazette::test {

namespace {

// Closes a socket when it goes out of scope.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) close(fd);
  }
};

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

}  // namespace

bool HeaderNameLess::operator()(const std::string& a, const std::string& b) const {
  return lower(a) < lower(b);
}

std::string RawResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::vector<RawResponse> raw_exchange(int port, const std::vector<std::string>& requests) {
  Socket s;
  s.fd = socket(AF_INET, SOCK_STREAM, 0);
  if (s.fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  std::string bytes;
  for (const auto& request : requests) bytes += request;
  for (std::size_t sent = 0; sent < bytes.size();) {
    ssize_t n = send(s.fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += static_cast<std::size_t>(n);
  }

  // Everything until the server closes, or 30 s of silence.
  std::string data;
  for (;;) {
    pollfd p{s.fd, POLLIN, 0};
    if (poll(&p, 1, 30000) <= 0) throw std::runtime_error("no response within 30 s");
    char buf[65536];
    ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n < 0) throw std::runtime_error("recv failed");
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }

  std::vector<RawResponse> responses;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < requests.size() && pos < data.size(); ++i) {
    auto end = data.find("\r\n\r\n", pos);
    if (end == std::string::npos || data.compare(pos, 9, "HTTP/1.1 ") != 0) {
      throw std::runtime_error("not an HTTP/1.1 response: " + data.substr(pos, 200));
    }
    RawResponse r;
    r.status = std::stoi(data.substr(pos + 9, 3));
    std::size_t line_start = data.find("\r\n", pos) + 2;
    while (line_start < end) {
      std::size_t eol = data.find("\r\n", line_start);
      std::string line = data.substr(line_start, eol - line_start);
      line_start = eol + 2;
      auto colon = line.find(':');
      if (colon == std::string::npos) throw std::runtime_error("bad header line: " + line);
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      while (!value.empty() && value.back() == ' ') value.pop_back();
      r.headers.emplace(line.substr(0, colon), value);
    }
    pos = end + 4;
    // The last response's body is whatever follows; an earlier one's is as long as its
    // Content-Length says (none after a HEAD).
    if (i + 1 == requests.size()) {
      r.body = data.substr(pos);
    } else if (!requests[i].starts_with("HEAD ") && r.has("Content-Length")) {
      r.body = data.substr(pos, std::stoul(r.header("Content-Length")));
    }
    pos += r.body.size();
    responses.push_back(std::move(r));
  }
  return responses;
}

RawResponse raw_request(int port, const std::string& method, const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string request = method + " " + path +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  auto responses = raw_exchange(port, {request});
  if (responses.empty()) throw std::runtime_error("no response");
  return responses.front();
}

std::optional<std::string> gunzip(const std::string& data) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return std::nullopt;  // the gzip wrapper only
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    char buf[16384];
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  if (!whole) return std::nullopt;
  return out;
}

std::optional<std::string> unbrotli(const std::string& data) {
  BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (!s) return std::nullopt;
  std::string out;
  std::size_t available_in = data.size();
  const auto* next_in = reinterpret_cast<const std::uint8_t*>(data.data());
  BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
    std::uint8_t buf[16384];
    std::size_t available_out = sizeof buf;
    std::uint8_t* next_out = buf;
    rc = BrotliDecoderDecompressStream(s, &available_in, &next_in, &available_out, &next_out,
                                       nullptr);
    out.append(reinterpret_cast<char*>(buf), sizeof buf - available_out);
  }
  BrotliDecoderDestroyInstance(s);
  if (rc != BROTLI_DECODER_RESULT_SUCCESS || available_in != 0) return std::nullopt;
  return out;
}

std::optional<std::string> decode_body(const std::string& content_encoding,
                                       const std::string& body) {
  if (content_encoding.empty()) return body;
  if (content_encoding == "gzip") return gunzip(body);
  if (content_encoding == "br") return unbrotli(body);
  return std::nullopt;
}

int occurrences(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

bool poll_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the polling pace
  }
}

}  // namespace gazette::test
