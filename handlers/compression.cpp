// Content codings (see compression.h).
#include "handlers/compression.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <cctype>
#include <charconv>

namespace gazette {

namespace {

// Below this a compressed body saves less than the headers cost.
constexpr std::size_t kMinCompressBytes = 256;
// Moderate levels: a page is compressed once per content change, but that happens on the
// request that misses the cache, so it must stay around a millisecond for a large page.
constexpr int kGzipLevel = 6;
constexpr int kBrotliQuality = 5;
constexpr int kBrotliWindowBits = 22;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The q-value of one Accept-Encoding element's parameters ("q=0.5"); 1 when absent,
// 0 when malformed (a coding we cannot read is not one the client asked for).
double q_value(std::string_view params) {
  while (!params.empty()) {
    auto semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      std::string_view v = trim(p.substr(2));
      double q = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), q);
      if (ec != std::errc() || end != v.data() + v.size() || !(q >= 0 && q <= 1)) return 0;
      return q;
    }
  }
  return 1;
}

std::string gzip(std::string_view body) {
  z_stream z{};
  // 15 window bits + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&z, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, body.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

std::string brotli(std::string_view body) {
  std::size_t size = BrotliEncoderMaxCompressedSize(body.size());
  if (size == 0) return {};
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(kBrotliQuality, kBrotliWindowBits, BROTLI_MODE_TEXT, body.size(),
                             reinterpret_cast<const uint8_t*>(body.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data()))) {
    return {};
  }
  out.resize(size);
  return out;
}

}  // namespace

Encoding choose_encoding(std::string_view accept_encoding) {
  double br = -1, gz = -1, any = -1;
  while (!accept_encoding.empty()) {
    auto comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    auto semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    double q = semi == std::string_view::npos ? 1 : q_value(item.substr(semi + 1));
    if (iequals(coding, "br")) {
      br = q;
    } else if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gz = q;
    } else if (coding == "*") {
      any = q;
    }
  }
  // A coding not named takes the q-value of "*", when there is one.
  if (br < 0) br = any;
  if (gz < 0) gz = any;
  if (br > 0 && br >= gz) return Encoding::brotli;
  if (gz > 0) return Encoding::gzip;
  return Encoding::identity;
}

const char* encoding_token(Encoding e) {
  switch (e) {
    case Encoding::gzip:
      return "gzip";
    case Encoding::brotli:
      return "br";
    case Encoding::identity:
      break;
  }
  return "";
}

bool is_compressible(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string_view type = trim(content_type.substr(0, semi));
  return type.starts_with("text/") || type == "application/json" ||
         type == "application/javascript" || type == "application/xml" || type == "image/svg+xml" ||
         type.ends_with("+xml") || type.ends_with("+json");
}

std::string compress(std::string_view body, Encoding e) {
  if (body.size() < kMinCompressBytes) return {};
  std::string out;
  switch (e) {
    case Encoding::gzip:
      out = gzip(body);
      break;
    case Encoding::brotli:
      out = brotli(body);
      break;
    case Encoding::identity:
      return {};
  }
  if (out.size() >= body.size()) return {};
  return out;
}

}  // namespace gazette
