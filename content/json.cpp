// JSON string quoting (see json.h).
#include "content/json.h"

namespace gazette {

namespace {

// True for a byte that json_quote copies as it is. 0xE2 starts U+2028 and U+2029, so
// it takes the slow path.
constexpr bool copied_as_is(unsigned char ch) {
  return ch >= 0x20 && ch != '"' && ch != '\\' && ch != '<' && ch != '>' && ch != '&' && ch != 0xE2;
}

}  // namespace

void append_json_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    // Runs of plain text go in one append: byte by byte, quoting was a twentieth of an
    // uncached article page.
    std::size_t run = i;
    while (run < s.size() && copied_as_is(static_cast<unsigned char>(s[run]))) ++run;
    out.append(s, i, run - i);
    i = run;
    if (i == s.size()) break;
    unsigned char ch = static_cast<unsigned char>(s[i]);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        if (ch < 0x20) {
          out += "\\u00";
          out += kHex[ch >> 4];
          out += kHex[ch & 15];
        } else if (i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                    static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
          // U+2028 / U+2029 end a line in older JavaScript parsers.
          out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
          i += 2;
        } else {
          out += static_cast<char>(ch);  // 0xE2 starting another character
        }
    }
    ++i;
  }
  out += '"';
}

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_json_quoted(out, s);
  return out;
}

}  // namespace gazette
