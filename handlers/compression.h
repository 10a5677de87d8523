// Content codings for response bodies. cpp-httplib as Debian builds it compresses every
// text body itself on every request, brotli at quality 11 (tens of milliseconds for a
// page); these do it at moderate levels, once per cached page (see page_cache.h).
#pragma once

#include <string>
#include <string_view>

namespace gazette {

enum class Encoding { identity, gzip, brotli };

// The coding to send for a request's Accept-Encoding header: brotli, else gzip, else
// identity, honouring q-values ("gzip;q=0" refuses gzip) and "*".
Encoding choose_encoding(std::string_view accept_encoding);

// The Content-Encoding token ("gzip", "br"); "" for identity.
const char* encoding_token(Encoding e);

// True for media types worth compressing (text, XML, JSON, JavaScript, SVG).
bool is_compressible(std::string_view content_type);

// `body` compressed with `e`; "" when that would not make it smaller (or for identity).
std::string compress(std::string_view body, Encoding e);

}  // namespace gazette
