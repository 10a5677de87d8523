// XML text escaping and the invalid-character filter (see xml.h).
#include "content/xml.h"

#include "content/slug.h"

namespace gazette {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

bool is_xml_char(char32_t cp) {
  if (cp < 0x20) return cp == 0x09 || cp == 0x0A || cp == 0x0D;
  if (cp <= 0xD7FF) return true;
  if (cp < 0xE000) return false;  // surrogates
  if (cp <= 0xFFFD) return true;
  return cp >= 0x10000 && cp <= 0x10FFFF;
}

void append_xml_escaped(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + s.size() / 8);
  std::size_t pos = 0;
  while (pos < s.size()) {
    const unsigned char ch = static_cast<unsigned char>(s[pos]);
    if (ch < 0x80) {  // ASCII: the common case, no decoding needed
      ++pos;
      switch (ch) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        case '\r':
          out += "&#13;";
          break;
        default:
          if (is_xml_char(ch)) out += static_cast<char>(ch);
      }
      continue;
    }
    const std::size_t start = pos;
    const std::optional<char32_t> cp = decode_utf8(s, pos);
    if (!cp) {
      out += kReplacement;
    } else if (is_xml_char(*cp)) {
      out.append(s.substr(start, pos - start));
    }
  }
}

std::string xml_escape(std::string_view s) {
  std::string out;
  append_xml_escaped(out, s);
  return out;
}

}  // namespace gazette
