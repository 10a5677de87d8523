// Markdown: cmark-gfm (CommonMark + GFM tables, strikethrough, autolinks, tagfilter) in
// its default safe mode, rendered to HTML or flattened to plain text, plus the word count
// and reading time derived from that text.
#include "content/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "content/slug.h"

namespace gazette {

namespace {

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterDeleter {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};
struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

using ParserPtr = std::unique_ptr<cmark_parser, ParserDeleter>;
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;
using IterPtr = std::unique_ptr<cmark_iter, IterDeleter>;
using CharPtr = std::unique_ptr<char, FreeDeleter>;

// No CMARK_OPT_UNSAFE: raw HTML is omitted and javascript:/vbscript:/file:/data: URLs are
// dropped. Double tildes only, because news copy writes "~5 km" for "about 5 km".
// Malformed UTF-8 becomes U+FFFD rather than reaching the page.
constexpr int kOptions =
    CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;

constexpr std::array<const char*, 4> kExtensions = {"table", "strikethrough", "autolink",
                                                    "tagfilter"};

constexpr int kWordsPerMinute = 230;

// cmark-gfm guards its registration with a plain int; a function-local static makes the
// first call safe when two threads render at once.
void ensure_extensions_registered() {
  static const bool registered = [] {
    cmark_gfm_core_extensions_ensure_registered();
    return true;
  }();
  static_cast<void>(registered);
}

// cmark_parser_finish switches the extensions' characters on and off in a process-wide
// table inside cmark-gfm (0.29), so two parses at once race. Rendering has no such table.
std::mutex& parse_mutex() {
  static std::mutex mutex;
  return mutex;
}

struct ParsedMarkdown {
  ParserPtr parser;  // owns the extension list the HTML renderer needs; outlives document
  NodePtr document;
};

// Parses `markdown` with the GFM extensions attached. Throws std::runtime_error if
// cmark-gfm cannot create a parser or lacks an extension (a broken installation).
ParsedMarkdown parse(std::string_view markdown) {
  ensure_extensions_registered();
  ParsedMarkdown parsed;
  parsed.parser.reset(cmark_parser_new(kOptions));
  if (!parsed.parser) throw std::runtime_error("cmark-gfm: cannot create a parser");
  for (const char* name : kExtensions) {
    cmark_syntax_extension* extension = cmark_find_syntax_extension(name);
    if (!extension) throw std::runtime_error(std::string("cmark-gfm: no extension ") + name);
    cmark_parser_attach_syntax_extension(parsed.parser.get(), extension);
  }
  const std::lock_guard lock(parse_mutex());
  cmark_parser_feed(parsed.parser.get(), markdown.data(), markdown.size());
  parsed.document.reset(cmark_parser_finish(parsed.parser.get()));
  if (!parsed.document) throw std::runtime_error("cmark-gfm: parse failed");
  return parsed;
}

bool is_block(cmark_node* node) {
  return (static_cast<int>(cmark_node_get_type(node)) & CMARK_NODE_TYPE_MASK) ==
         CMARK_NODE_TYPE_BLOCK;
}

bool is_table_cell(cmark_node* node) {
  return std::string_view(cmark_node_get_type_string(node)) == "table_cell";
}

// Gathers the reader-visible text of a document: literals joined with single spaces
// inside a block and newlines between blocks.
class TextCollector {
 public:
  void enter(cmark_node* node) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        append_literal(node);
        return;
      case CMARK_NODE_CODE_BLOCK:
        line_break();
        append_literal(node);
        return;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        space();
        return;
      default:
        break;
    }
    if (is_table_cell(node)) {
      if (cmark_node_previous(node)) space();
    } else if (is_block(node)) {
      line_break();
    }
  }

  // The text without the trailing space or newline a last block leaves.
  std::string take() {
    while (!text_.empty() && (text_.back() == '\n' || text_.back() == ' ')) text_.pop_back();
    return std::move(text_);
  }

 private:
  void append_literal(cmark_node* node) {
    if (const char* literal = cmark_node_get_literal(node)) text_ += literal;
  }
  void space() {
    if (!text_.empty() && text_.back() != ' ' && text_.back() != '\n') text_ += ' ';
  }
  void line_break() {
    while (!text_.empty() && text_.back() == ' ') text_.pop_back();
    if (!text_.empty() && text_.back() != '\n') text_ += '\n';
  }

  std::string text_;
};

enum class CharClass { word, joiner, other };

// Letters and digits make words; an apostrophe or hyphen may join two halves of one; any
// other ASCII, Unicode punctuation and symbols separate. Other non-ASCII letters (any
// script) count as letters.
CharClass classify(char32_t cp) {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
    return CharClass::word;
  }
  if (cp == '\'' || cp == '-' || cp == 0x2019 || cp == 0x2010 || cp == 0x2011) {
    return CharClass::joiner;  // ' - ’ ‐ ‑
  }
  const bool separator = cp < 0xC0 || cp == 0xD7 || cp == 0xF7 ||  // ASCII, Latin-1 signs
                         (cp >= 0x2000 && cp <= 0x2BFF) ||         // punctuation, symbols
                         (cp >= 0x3000 && cp <= 0x303F) ||         // CJK punctuation
                         (cp >= 0x1F000 && cp <= 0x1FAFF);         // emoji
  return separator ? CharClass::other : CharClass::word;
}

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
  const ParsedMarkdown parsed = parse(markdown);
  const CharPtr html(cmark_render_html(parsed.document.get(), kOptions,
                                       cmark_parser_get_syntax_extensions(parsed.parser.get())));
  if (!html) throw std::runtime_error("cmark-gfm: rendering failed");
  return std::string(html.get());
}

std::string markdown_to_text(std::string_view markdown) {
  const ParsedMarkdown parsed = parse(markdown);
  const IterPtr iter(cmark_iter_new(parsed.document.get()));
  if (!iter) throw std::runtime_error("cmark-gfm: cannot walk the document");
  TextCollector collector;
  cmark_event_type event;
  while ((event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    // Raw HTML is markup, not text: skip it (an HTML block has no children to visit).
    const cmark_node_type type = cmark_node_get_type(node);
    if (event != CMARK_EVENT_ENTER || type == CMARK_NODE_HTML_BLOCK ||
        type == CMARK_NODE_HTML_INLINE) {
      continue;
    }
    collector.enter(node);
  }
  return collector.take();
}

int count_words(std::string_view text) {
  int words = 0;
  bool in_word = false;
  bool joiner_pending = false;  // in a word, just after an apostrophe or hyphen
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::optional<char32_t> cp = decode_utf8(text, pos);
    const CharClass c = cp ? classify(*cp) : CharClass::other;
    if (c == CharClass::word) {
      if (!in_word) ++words;
      in_word = true;
      joiner_pending = false;
    } else if (c == CharClass::joiner && in_word && !joiner_pending) {
      joiner_pending = true;
    } else {
      in_word = false;
      joiner_pending = false;
    }
  }
  return words;
}

int reading_minutes(int words) {
  if (words <= kWordsPerMinute) return 1;
  return static_cast<int>((static_cast<long long>(words) + kWordsPerMinute - 1) / kWordsPerMinute);
}

}  // namespace gazette
