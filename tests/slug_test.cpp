// Tests for content/slug: slug checks, slugify (transliteration, separators, the length
// cut) and the UTF-8 helpers.
#include <catch2/catch.hpp>

#include <string>

#include "content/slug.h"

using gazette::decode_utf8;
using gazette::is_valid_slug;
using gazette::is_valid_utf8;
using gazette::kMaxSlugLength;
using gazette::slugify;
using gazette::utf8_length;

TEST_CASE("is_valid_slug accepts lowercase words joined by single hyphens", "[content][slug]") {
  CHECK(is_valid_slug("a"));
  CHECK(is_valid_slug("hello-world"));
  CHECK(is_valid_slug("top-10-tips-2026"));
  CHECK(is_valid_slug("123"));
  CHECK(is_valid_slug(std::string(120, 'a')));
}

TEST_CASE("is_valid_slug refuses everything else", "[content][slug]") {
  CHECK_FALSE(is_valid_slug(""));
  CHECK_FALSE(is_valid_slug("-a"));
  CHECK_FALSE(is_valid_slug("a-"));
  CHECK_FALSE(is_valid_slug("-"));
  CHECK_FALSE(is_valid_slug("a--b"));
  CHECK_FALSE(is_valid_slug("Hello"));
  CHECK_FALSE(is_valid_slug("a_b"));
  CHECK_FALSE(is_valid_slug("a b"));
  CHECK_FALSE(is_valid_slug("café"));
  CHECK_FALSE(is_valid_slug(std::string(121, 'a')));
  CHECK_FALSE(is_valid_slug(std::string("a\0b", 3)));
}

TEST_CASE("slugify lowercases and joins words with one hyphen", "[content][slug]") {
  CHECK(slugify("Hello World") == "hello-world");
  CHECK(slugify("Top 10 Tips for 2026") == "top-10-tips-for-2026");
  CHECK(slugify("  --Hello,  World!--  ") == "hello-world");
  CHECK(slugify("a--b__c  d") == "a-b-c-d");
  CHECK(slugify("Don't panic") == "don-t-panic");
  CHECK(slugify("C++20 & you") == "c-20-you");
  CHECK(slugify("already-a-slug") == "already-a-slug");
}

TEST_CASE("slugify returns empty when nothing can be kept", "[content][slug]") {
  CHECK(slugify("") == "");
  CHECK(slugify("   ") == "");
  CHECK(slugify("!!! ??? ---") == "");
  CHECK(slugify("東京") == "");
  CHECK(slugify("🎉") == "");
}

TEST_CASE("slugify transliterates Latin letters", "[content][slug]") {
  CHECK(slugify("Café Zürich") == "cafe-zurich");
  CHECK(slugify("àáâãäå") == "aaaaaa");
  CHECK(slugify("ÀÉÎÕÜÝ") == "aeiouy");
  CHECK(slugify("Æsop æther") == "aesop-aether");
  CHECK(slugify("Ça ça") == "ca-ca");
  CHECK(slugify("èéêë") == "eeee");
  CHECK(slugify("ìíîï") == "iiii");
  CHECK(slugify("Ñandú") == "nandu");
  CHECK(slugify("òóôõöø") == "oooooo");
  CHECK(slugify("Ørsted") == "orsted");
  CHECK(slugify("ùúûü") == "uuuu");
  CHECK(slugify("ýÿ") == "yy");
  CHECK(slugify("Straße") == "strasse");
  CHECK(slugify("Œuvre œuf") == "oeuvre-oeuf");
  CHECK(slugify("Łóźź") == "lozz");
  CHECK(slugify("šžčř") == "szcr");
  CHECK(slugify("ŠŽČŘ") == "szcr");
  CHECK(slugify("ğış") == "gis");
  CHECK(slugify("İstanbul") == "istanbul");
  CHECK(slugify("Ștefan ț") == "stefan-t");
  CHECK(slugify("Þingvellir") == "thingvellir");
}

TEST_CASE("slugify treats symbols, other scripts and bad bytes as separators", "[content][slug]") {
  CHECK(slugify("3×4") == "3-4");
  CHECK(slugify("hello 🌍 world") == "hello-world");
  CHECK(slugify("東京 2026") == "2026");
  CHECK(slugify("café—bar") == "cafe-bar");  // em dash
  CHECK(slugify("a\xFF"
                "b") == "a-b");
  CHECK(slugify("a\xC3") == "a");         // truncated sequence at the end
  CHECK(slugify("x\xC0\xAFy") == "x-y");  // overlong '/'
}

TEST_CASE("slugify cuts long slugs at a hyphen", "[content][slug]") {
  SECTION("120 characters stay whole") {
    const std::string title = std::string(59, 'a') + " " + std::string(60, 'b');
    CHECK(slugify(title) == std::string(59, 'a') + "-" + std::string(60, 'b'));
  }
  SECTION("121 characters lose the last word") {
    const std::string title = std::string(60, 'a') + " " + std::string(60, 'b');
    CHECK(slugify(title) == std::string(60, 'a'));
  }
  SECTION("a hyphen right after the limit") {
    const std::string title = std::string(120, 'a') + " b";
    CHECK(slugify(title) == std::string(120, 'a'));
  }
  SECTION("a single word longer than the limit is hard-cut") {
    CHECK(slugify(std::string(130, 'x')) == std::string(120, 'x'));
    CHECK(slugify(std::string(130, 'x') + " tail") == std::string(120, 'x'));
  }
  SECTION("many short words") {
    std::string title;
    for (int i = 0; i < 40; ++i) title += "word ";
    const std::string slug = slugify(title);
    CHECK(slug.size() <= kMaxSlugLength);
    CHECK(slug.size() == 119);  // 24 words of 4 letters and 23 hyphens
    CHECK(is_valid_slug(slug));
  }
  SECTION("multi-byte letters count after transliteration") {
    std::string title;
    for (int i = 0; i < 70; ++i) title += "ß";  // 140 ASCII chars, one word
    CHECK(slugify(title) == std::string(120, 's'));
  }
}

TEST_CASE("slugify always produces a valid slug or nothing", "[content][slug]") {
  const char* titles[] = {"Hello", "  x  ", "--a--", "A B C", "été 2026!", "1-2-3", "_", "—"};
  for (const char* title : titles) {
    const std::string slug = slugify(title);
    INFO(title);
    CHECK((slug.empty() || is_valid_slug(slug)));
  }
}

TEST_CASE("decode_utf8 reads code points and refuses malformed ones", "[content][slug]") {
  std::size_t pos = 0;
  const std::string s = "aé€😀";
  CHECK(decode_utf8(s, pos) == U'a');
  CHECK(decode_utf8(s, pos) == U'\u00E9');
  CHECK(decode_utf8(s, pos) == U'\u20AC');
  CHECK(decode_utf8(s, pos) == U'\U0001F600');
  CHECK(pos == s.size());

  pos = 0;
  CHECK_FALSE(decode_utf8("\x80z", pos).has_value());
  CHECK(pos == 1);
}

TEST_CASE("is_valid_utf8 and utf8_length", "[content][slug]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("héllo 😀"));
  CHECK_FALSE(is_valid_utf8("\x80"));              // stray continuation byte
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong, three bytes
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("\xC3\x28"));  // bad continuation

  CHECK(utf8_length("") == 0);
  CHECK(utf8_length("héllo") == 5);
  CHECK(utf8_length("😀") == 1);
  CHECK(utf8_length("a\xFF"
                    "b") == 3);
}
