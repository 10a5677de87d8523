// Unit tests of the HTTP guard's head parser (app/http_guard.h): what it accepts, what it
// refuses with which status, and that it decides as bytes arrive.
#include "app/http_guard.h"

#include <catch2/catch.hpp>
#include <string>

using gazette::HeadParser;
using gazette::HeadVerdict;
using gazette::HttpLimits;

namespace {

HeadVerdict parse(const std::string& head, const HttpLimits& limits = {}) {
  HeadParser parser(limits);
  return parser.feed(head);
}

int refused(const std::string& head) {
  HeadVerdict v = parse(head);
  return v.state == HeadVerdict::State::rejected ? v.status : 0;
}

}  // namespace

TEST_CASE("a complete head is accepted with its size, method and target", "[http_guard]") {
  std::string head = "GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n";
  HeadVerdict v = parse(head + "GET /next HTTP/1.1\r\n");
  REQUIRE(v.state == HeadVerdict::State::complete);
  CHECK(v.head_size == head.size());
  CHECK(v.method == "GET");
  CHECK(v.target == "/a?b=c");
  CHECK_FALSE(v.has_body);
  CHECK_FALSE(v.add_zero_length);
}

TEST_CASE("the head is read incrementally, byte by byte", "[http_guard]") {
  std::string head = "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n";
  HttpLimits limits;
  HeadParser parser(limits);
  for (std::size_t n = 1; n < head.size(); ++n) {
    REQUIRE(parser.feed(std::string_view(head).substr(0, n)).state ==
            HeadVerdict::State::incomplete);
  }
  HeadVerdict v = parser.feed(head);
  REQUIRE(v.state == HeadVerdict::State::complete);
  CHECK(v.has_body);
  // A line of bare LF is skipped by cpp-httplib, not the end of the head.
  CHECK(parse("GET / HTTP/1.1\nHost: x\n\n").state == HeadVerdict::State::incomplete);
}

TEST_CASE("heads over a limit are refused before they end", "[http_guard]") {
  CHECK(refused("GET /" + std::string(9000, 'a')) == 414);
  CHECK(refused("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a')) == 431);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i) many += "X: y\r\n";
  CHECK(refused(many) == 431);
  std::string big = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 5; ++i) big += "X: " + std::string(7000, 'b') + "\r\n";
  CHECK(refused(big) == 431);
  CHECK(refused("GARBAGE\r\n\r\n") == 400);
}

TEST_CASE("body framing: lengths, codings and smuggling", "[http_guard]") {
  const std::string post = "POST /x HTTP/1.1\r\nHost: x\r\n";
  CHECK(refused(post + "Content-Length: 2097153\r\n\r\n") == 413);
  CHECK(refused(post + "Content-Length: 2097152\r\n\r\n") == 0);
  CHECK(refused(post + "Content-Length: -1\r\n\r\n") == 400);
  CHECK(refused(post + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400);
  CHECK(refused(post + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(refused(post + "Transfer-Encoding: gzip\r\n\r\n") == 501);
  CHECK(refused(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") == 501);
  CHECK(refused(post + "Content-Encoding: gzip\r\nContent-Length: 1\r\n\r\n") == 415);
  CHECK(refused(post + "content-encoding: %67zip\r\nContent-Length: 1\r\n\r\n") == 415);
  CHECK(refused(post + "Content-Encoding: identity\r\nContent-Length: 1\r\n\r\n") == 0);
  HeadVerdict chunked = parse(post + "Transfer-Encoding: Chunked\r\n\r\n");
  CHECK(chunked.state == HeadVerdict::State::complete);
  CHECK(chunked.has_body);
  CHECK(parse(post + "\r\n").add_zero_length);
  CHECK_FALSE(parse("GET / HTTP/1.1\r\n\r\n").add_zero_length);
  CHECK(parse("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n").has_body);
}

TEST_CASE("loggable escapes what could forge a log line", "[http_guard]") {
  CHECK(gazette::loggable("/a\r\nb\"c\\") == "/a\\x0d\\x0ab\\x22c\\x5c");
  CHECK(gazette::loggable("/plain") == "/plain");
}
