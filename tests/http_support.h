// Test support for what goes over the wire: HTTP/1.1 spoken over a raw socket, so that
// a test sends exactly the headers it means (no client adding Accept-Encoding) and sees
// exactly the bytes the server sent (no client decoding them), and the reference
// decoders for the content codings.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gazette::test {

// Header names compared without case, as HTTP does.
struct HeaderNameLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

struct RawResponse {
  int status = 0;
  std::multimap<std::string, std::string, HeaderNameLess> headers;
  std::string body;  // every byte after the header block, until the server closed
  bool has(const std::string& name) const { return headers.count(name) > 0; }
  std::string header(const std::string& name) const;  // "" when absent
};

// Sends `method path` to 127.0.0.1:`port` with `headers` (plus Host and
// Connection: close) and reads the response until the server closes the connection.
// Throws std::runtime_error when the connection fails or the response is not HTTP.
RawResponse raw_request(int port, const std::string& method, const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& headers = {});

// Sends `requests` (each whole, as bytes) back to back on one connection, then reads
// until the server closes it: the responses, in order (fewer when it closed early).
// The requests decide the connection's end (the last one with Connection: close).
std::vector<RawResponse> raw_exchange(int port, const std::vector<std::string>& requests);

// `data` decoded as one complete gzip stream; nullopt when it is not one.
std::optional<std::string> gunzip(const std::string& data);
// `data` decoded as one complete brotli stream; nullopt when it is not one.
std::optional<std::string> unbrotli(const std::string& data);
// `body` decoded by its Content-Encoding ("", "gzip" or "br"); nullopt when that fails.
std::optional<std::string> decode_body(const std::string& content_encoding,
                                       const std::string& body);

// How many times `needle` occurs in `haystack` (without overlaps).
int occurrences(const std::string& haystack, const std::string& needle);

// Calls `condition` until it returns true or `timeout` passes; its last answer. For
// waiting on something another process does, at a short, fixed polling pace.
bool poll_until(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace gazette::test
