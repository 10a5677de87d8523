// Unit tests of handlers/compression: which coding a client gets for its Accept-Encoding,
// and that what compress() produces decodes (with the reference decoders, zlib and
// libbrotlidec) to the very bytes it was given.
#include "handlers/compression.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "tests/http_support.h"

using gazette::choose_encoding;
using gazette::compress;
using gazette::Encoding;
using gazette::encoding_token;
using gazette::is_compressible;
using gazette::test::gunzip;
using gazette::test::unbrotli;

namespace {

// A page-like body of about `size` bytes: markup that repeats, with numbers that do not.
std::string html_body(std::size_t size) {
  std::string s = "<!doctype html><html><head><title>Gazette</title></head><body>\n";
  for (int i = 0; s.size() < size; ++i) {
    s += "<article><h2><a href=\"/articles/story-" + std::to_string(i) + "\">Story number " +
         std::to_string(i * 7919 % 10007) +
         "</a></h2><p>Wrenmouth council said on Tuesday that the night buses will run.</p>"
         "</article>\n";
  }
  return s + "</body></html>\n";
}

// Bytes that do not compress: a simple xorshift stream.
std::string noise(std::size_t size) {
  std::string s(size, '\0');
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (auto& ch : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ch = static_cast<char>(x & 0xff);
  }
  return s;
}

}  // namespace

TEST_CASE("choose_encoding prefers brotli, then gzip, then identity", "[http][compression]") {
  CHECK(choose_encoding("gzip, deflate, br") == Encoding::brotli);
  CHECK(choose_encoding("br") == Encoding::brotli);
  CHECK(choose_encoding("gzip") == Encoding::gzip);
  CHECK(choose_encoding("x-gzip") == Encoding::gzip);
  CHECK(choose_encoding("deflate, gzip") == Encoding::gzip);
  CHECK(choose_encoding("") == Encoding::identity);
  CHECK(choose_encoding("identity") == Encoding::identity);
  CHECK(choose_encoding("deflate") == Encoding::identity);
  CHECK(choose_encoding("zstd, compress") == Encoding::identity);
}

TEST_CASE("choose_encoding honours q-values", "[http][compression]") {
  // The higher q wins; brotli wins a tie.
  CHECK(choose_encoding("br;q=0.5, gzip;q=0.8") == Encoding::gzip);
  CHECK(choose_encoding("br;q=0.8, gzip;q=0.5") == Encoding::brotli);
  CHECK(choose_encoding("br;q=0.5, gzip;q=0.5") == Encoding::brotli);
  CHECK(choose_encoding("gzip;q=1.0, br;q=1") == Encoding::brotli);
  CHECK(choose_encoding("gzip;q=0.001") == Encoding::gzip);

  SECTION("q=0 refuses a coding") {
    CHECK(choose_encoding("br;q=0, gzip") == Encoding::gzip);
    CHECK(choose_encoding("gzip, br;q=0") == Encoding::gzip);
    CHECK(choose_encoding("gzip;q=0, br") == Encoding::brotli);
    CHECK(choose_encoding("gzip;q=0, br;q=0") == Encoding::identity);
    CHECK(choose_encoding("gzip;q=0.0, br;q=0.000") == Encoding::identity);
    CHECK(choose_encoding("gzip;q=0") == Encoding::identity);
  }
  SECTION("a malformed q-value counts as a refusal") {
    CHECK(choose_encoding("br;q=abc") == Encoding::identity);
    CHECK(choose_encoding("br;q=abc, gzip") == Encoding::gzip);
    CHECK(choose_encoding("gzip;q=") == Encoding::identity);
    CHECK(choose_encoding("gzip;q=2") == Encoding::identity);
    CHECK(choose_encoding("gzip;q=-1") == Encoding::identity);
    CHECK(choose_encoding("gzip;q=0.5x") == Encoding::identity);
    CHECK(choose_encoding("gzip;q=nan") == Encoding::identity);
  }
  SECTION("other parameters are not q-values") {
    CHECK(choose_encoding("gzip;level=1") == Encoding::gzip);
    CHECK(choose_encoding("gzip;level=1;q=0") == Encoding::identity);
    CHECK(choose_encoding("gzip;Q=0") == Encoding::identity);
  }
}

TEST_CASE("choose_encoding and the wildcard", "[http][compression]") {
  CHECK(choose_encoding("*") == Encoding::brotli);
  CHECK(choose_encoding("*;q=0") == Encoding::identity);
  // A named coding keeps its own q-value; the rest take the wildcard's.
  CHECK(choose_encoding("br;q=0, *") == Encoding::gzip);
  CHECK(choose_encoding("gzip;q=0, *") == Encoding::brotli);
  CHECK(choose_encoding("gzip, *;q=0") == Encoding::gzip);
  CHECK(choose_encoding("*;q=0.1, gzip;q=0.5") == Encoding::gzip);
  CHECK(choose_encoding("identity, *;q=0") == Encoding::identity);
}

TEST_CASE("choose_encoding ignores case and whitespace", "[http][compression]") {
  CHECK(choose_encoding("GZIP") == Encoding::gzip);
  CHECK(choose_encoding("Br") == Encoding::brotli);
  CHECK(choose_encoding("  gzip  ") == Encoding::gzip);
  CHECK(choose_encoding("gzip ;\tq=0") == Encoding::identity);
  CHECK(choose_encoding("br ;q=0 ,gzip") == Encoding::gzip);
  CHECK(choose_encoding("\tbr;q=0,\tgzip;q=0\t") == Encoding::identity);
  // Empty elements are skipped.
  CHECK(choose_encoding(",,gzip,,") == Encoding::gzip);
  CHECK(choose_encoding(" , ") == Encoding::identity);
}

TEST_CASE("encoding_token names the Content-Encoding", "[http][compression]") {
  CHECK(std::string(encoding_token(Encoding::gzip)) == "gzip");
  CHECK(std::string(encoding_token(Encoding::brotli)) == "br");
  CHECK(std::string(encoding_token(Encoding::identity)).empty());
}

TEST_CASE("compress round-trips through the reference decoders", "[http][compression]") {
  for (std::size_t size : {256u, 300u, 4000u, 100000u, 3000000u}) {
    INFO("size " << size);
    std::string body = html_body(size);

    std::string gz = compress(body, Encoding::gzip);
    REQUIRE_FALSE(gz.empty());
    CHECK(gz.size() < body.size());
    REQUIRE(gz.size() >= 2);
    CHECK(static_cast<unsigned char>(gz[0]) == 0x1f);  // the gzip magic, not a zlib header
    CHECK(static_cast<unsigned char>(gz[1]) == 0x8b);
    auto inflated = gunzip(gz);
    REQUIRE(inflated);
    CHECK(*inflated == body);

    std::string br = compress(body, Encoding::brotli);
    REQUIRE_FALSE(br.empty());
    CHECK(br.size() < body.size());
    auto decoded = unbrotli(br);
    REQUIRE(decoded);
    CHECK(*decoded == body);
  }
}

TEST_CASE("compress keeps every byte value", "[http][compression]") {
  // UTF-8, NUL and high bytes, in a body that still compresses.
  std::string body;
  for (int round = 0; round < 40; ++round) {
    for (int b = 0; b < 256; ++b) body += static_cast<char>(b);
    body += "Zürich — «naïve» café ✓\n";
  }
  auto gz = gunzip(compress(body, Encoding::gzip));
  REQUIRE(gz);
  CHECK(*gz == body);
  auto br = unbrotli(compress(body, Encoding::brotli));
  REQUIRE(br);
  CHECK(*br == body);
}

TEST_CASE("compress leaves what would not shrink", "[http][compression]") {
  SECTION("small bodies are not worth it") {
    for (std::size_t size : {0u, 1u, 100u, 255u}) {
      INFO("size " << size);
      std::string body(size, 'a');
      CHECK(compress(body, Encoding::gzip).empty());
      CHECK(compress(body, Encoding::brotli).empty());
    }
  }
  SECTION("bodies that do not compress") {
    std::string body = noise(4096);
    CHECK(compress(body, Encoding::gzip).empty());
    CHECK(compress(body, Encoding::brotli).empty());
  }
  SECTION("identity is no compression") {
    CHECK(compress(html_body(4000), Encoding::identity).empty());
  }
}

TEST_CASE("is_compressible takes text, XML, JSON, JavaScript and SVG", "[http][compression]") {
  for (const char* type :
       {"text/html; charset=utf-8", "text/html", "text/css", "text/plain;charset=utf-8",
        "application/atom+xml; charset=utf-8", "application/xml", "application/rss+xml",
        "application/json", "application/ld+json", "application/javascript", "image/svg+xml",
        " text/html ; charset=utf-8"}) {
    INFO(type);
    CHECK(is_compressible(type));
  }
  for (const char* type :
       {"image/png", "image/jpeg", "image/x-icon", "application/octet-stream", "font/woff2",
        "application/gzip", "application/zip", "video/mp4", "", "xml", "text"}) {
    INFO(type);
    CHECK_FALSE(is_compressible(type));
  }
}
