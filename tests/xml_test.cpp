// Tests for content/xml: escaping the five special characters, keeping the carriage
// return, dropping the characters XML 1.0 forbids and replacing malformed UTF-8.
#include <catch2/catch.hpp>

#include <string>

#include "content/xml.h"

using gazette::append_xml_escaped;
using gazette::is_xml_char;
using gazette::xml_escape;

TEST_CASE("xml_escape escapes the five special characters", "[content][xml]") {
  CHECK(xml_escape("") == "");
  CHECK(xml_escape("plain text") == "plain text");
  CHECK(xml_escape("a & b") == "a &amp; b");
  CHECK(xml_escape("<script>") == "&lt;script&gt;");
  CHECK(xml_escape("\"quoted\" 'single'") == "&quot;quoted&quot; &apos;single&apos;");
  CHECK(xml_escape("]]>") == "]]&gt;");
  CHECK(xml_escape("</content>") == "&lt;/content&gt;");
  // An entity in the text is text: it is escaped again and reads back as typed.
  CHECK(xml_escape("&amp;") == "&amp;amp;");
  CHECK(xml_escape("&#1;") == "&amp;#1;");
}

TEST_CASE("xml_escape keeps tab and line feed and writes CR as a reference", "[content][xml]") {
  CHECK(xml_escape("a\tb\nc") == "a\tb\nc");
  // A literal CR would read back as LF (XML end-of-line handling).
  CHECK(xml_escape("a\r\nb") == "a&#13;\nb");
}

TEST_CASE("xml_escape drops the characters XML 1.0 does not allow", "[content][xml]") {
  std::string controls;
  for (char c = 0; c < 0x20; ++c) {
    if (c != '\t' && c != '\n' && c != '\r') controls += c;
  }
  CHECK(controls.size() == 29);
  CHECK(xml_escape("a" + controls + "b") == "ab");
  CHECK(xml_escape(std::string("x\0y", 3)) == "xy");
  CHECK(xml_escape("a\x01z") == "az");
  CHECK(xml_escape("a\x0B\x0C"
                   "b") == "ab");
  CHECK(xml_escape("a\xEF\xBF\xBE"
                   "b") == "ab");  // U+FFFE
  CHECK(xml_escape("a\xEF\xBF\xBF"
                   "b") == "ab");  // U+FFFF
}

TEST_CASE("xml_escape keeps every other character as UTF-8", "[content][xml]") {
  CHECK(xml_escape("\x7F") == "\x7F");                          // DEL is allowed in XML 1.0
  CHECK(xml_escape("\xC2\x85") == "\xC2\x85");                  // U+0085 (NEL) too
  CHECK(xml_escape("Caf\xC3\xA9") == "Caf\xC3\xA9");            // é
  CHECK(xml_escape("\xED\x9F\xBF") == "\xED\x9F\xBF");          // U+D7FF
  CHECK(xml_escape("\xEE\x80\x80") == "\xEE\x80\x80");          // U+E000
  CHECK(xml_escape("\xEF\xBF\xBD") == "\xEF\xBF\xBD");          // U+FFFD
  CHECK(xml_escape("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");  // 😀
  CHECK(xml_escape("\xF4\x8F\xBF\xBF") == "\xF4\x8F\xBF\xBF");  // U+10FFFF
}

TEST_CASE("xml_escape replaces malformed UTF-8 with U+FFFD", "[content][xml]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(xml_escape("a\x80"
                   "b") == "a" + fffd + "b");                          // stray continuation byte
  CHECK(xml_escape("a\xC3") == "a" + fffd);                            // truncated sequence
  CHECK(xml_escape("\xC0\xAF") == fffd + fffd);                        // overlong '/'
  CHECK(xml_escape("\xED\xA0\x80") == fffd + fffd + fffd);             // a surrogate, U+D800
  CHECK(xml_escape("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // past U+10FFFF
  CHECK(xml_escape("\xFF<") == fffd + "&lt;");
}

TEST_CASE("append_xml_escaped appends", "[content][xml]") {
  std::string out = "<a>";
  append_xml_escaped(out, "1 < 2");
  CHECK(out == "<a>1 &lt; 2");
}

TEST_CASE("is_xml_char follows the Char production", "[content][xml]") {
  CHECK(is_xml_char(0x09));
  CHECK(is_xml_char(0x0A));
  CHECK(is_xml_char(0x0D));
  CHECK(is_xml_char(0x20));
  CHECK_FALSE(is_xml_char(0x00));
  CHECK_FALSE(is_xml_char(0x08));
  CHECK_FALSE(is_xml_char(0x0B));
  CHECK_FALSE(is_xml_char(0x0C));
  CHECK_FALSE(is_xml_char(0x0E));
  CHECK_FALSE(is_xml_char(0x1F));
  CHECK(is_xml_char(0xD7FF));
  CHECK_FALSE(is_xml_char(0xD800));
  CHECK_FALSE(is_xml_char(0xDFFF));
  CHECK(is_xml_char(0xE000));
  CHECK(is_xml_char(0xFFFD));
  CHECK_FALSE(is_xml_char(0xFFFE));
  CHECK_FALSE(is_xml_char(0xFFFF));
  CHECK(is_xml_char(0x10000));
  CHECK(is_xml_char(0x10FFFF));
  CHECK_FALSE(is_xml_char(0x110000));
}
