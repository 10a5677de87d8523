// Tests for content/json: json_quote's exact output for every escape, and the same
// output as a byte-by-byte quoter on random strings built from the characters that
// matter (the fast path copies runs of plain text in one append).
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "content/json.h"

using gazette::append_json_quoted;
using gazette::json_quote;
using namespace std::string_literals;  // "\0"s: strings with NUL bytes

namespace {

// The quoting rules one byte at a time, as json.h states them.
std::string quote_bytewise(const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto ch = static_cast<unsigned char>(s[i]);
    if (ch == '"') {
      out += "\\\"";
    } else if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch == '\b') {
      out += "\\b";
    } else if (ch == '\f') {
      out += "\\f";
    } else if (ch == '<') {
      out += "\\u003c";
    } else if (ch == '>') {
      out += "\\u003e";
    } else if (ch == '&') {
      out += "\\u0026";
    } else if (ch < 0x20) {
      out += "\\u00";
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    } else if (ch == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

}  // namespace

TEST_CASE("json_quote escapes what JSON and a script element need", "[json]") {
  CHECK(json_quote("") == "\"\"");
  CHECK(json_quote("plain text, 100%") == "\"plain text, 100%\"");
  CHECK(json_quote("say \"hi\" \\ bye") == R"("say \"hi\" \\ bye")");
  CHECK(json_quote("a\nb\rc\td\be\ff") == R"("a\nb\rc\td\be\ff")");
  CHECK(json_quote("\x01\x1f"s + "\0"s) == R"("\u0001\u001f\u0000")");
  CHECK(json_quote("</script><!-- & -->") == R"("\u003c/script\u003e\u003c!-- \u0026 --\u003e")");
  CHECK(json_quote("line\u2028para\u2029end") == R"("line\u2028para\u2029end")");
  // Other characters starting with 0xE2 stay as they are, also one cut short at the end.
  CHECK(json_quote("en\u2013dash \u20ac") == "\"en\u2013dash \u20ac\"");
  CHECK(json_quote("cut \xE2\x80") == "\"cut \xE2\x80\"");
  CHECK(json_quote("caf\u00e9 \U0001F600") == "\"caf\u00e9 \U0001F600\"");
}

TEST_CASE("append_json_quoted appends what json_quote returns", "[json]") {
  std::string out = "[";
  append_json_quoted(out, "a<b");
  out += ',';
  append_json_quoted(out, "");
  CHECK(out == "[\"a\\u003cb\",\"\"");
}

TEST_CASE("json_quote gives the byte-by-byte quoting on random strings", "[json]") {
  // Plain runs of every length between the bytes that need care, U+2028 and U+2029
  // whole and in pieces, and other multi-byte characters.
  const std::string pieces[] = {"a",    "word ",  "\"",     "\\",     "\n",     "\x01", "<",
                                ">",    "&",      "\u2028", "\u2029", "\u2013", "\xE2", "\xE2\x80",
                                "\xA8", "\u00e9", "\t",     "\x7f",   "\0"s};
  std::mt19937 rng(20261124);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(pieces) - 1);
  std::uniform_int_distribution<int> length(0, 40);
  for (int n = 0; n < 5000; ++n) {
    std::string s;
    for (int k = length(rng); k > 0; --k) s += pieces[pick(rng)];
    INFO("input of " << s.size() << " bytes, case " << n);
    REQUIRE(json_quote(s) == quote_bytewise(s));
  }
}
