// A page template compiled once into a flat list of steps and rendered without kainjow's
// renderer, with kainjow's output byte for byte.
//
// Why: kainjow keeps every space and newline of a template as a node of its own and
// visits each node through a std::function on every render: three quarters of an
// article page's render went to walking some three thousand nodes. Here a run of text
// is one step and a render is a loop over the steps, writing straight into the page.
//
// What it repeats of kainjow (mustache.hpp, parser and basic_mustache::render), so that
// themes render exactly as before:
// - tags: {{name}} (escaped), {{{name}}} and {{&name}} (as they are), {{#name}} and
//   {{^name}} sections, {{/name}}, {{! comments}}; a tag's name trimmed of spaces;
// - a section renders for any value but false and the empty list: once per item of a
//   list (the item on top of the stack), once for anything else (the value on top);
//   an inverted one for a missing value, false or the empty list;
// - a variable prints only a string;
// - kainjow's rule for standalone lines: a line (up to "\r\n", "\n" or "\r") is dropped
//   with its line break when a section was entered or left on it and it holds nothing
//   but spaces and tabs. A section skipped because its value is false keeps its line.
// Anything else (a set-delimiter tag, a partial left after inlining) is not compiled:
// Views renders such a page with kainjow.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "views/render_context.h"

namespace gazette {

class CompiledTemplate {
 public:
  // `text` must be a template kainjow parses without error. nullopt for one that uses
  // what this does not repeat.
  static std::optional<CompiledTemplate> compile(const std::string& text);

  // Appends the page for `context` to `out`; an escaped variable goes through
  // `escape_into`, as kainjow's go through its escape handler.
  void render(RenderContext& context, std::string& out,
              void (*escape_into)(std::string& out, const std::string& s)) const;

 private:
  struct Step {
    enum class Kind { text, line_break, variable, raw_variable, section, inverted };
    Kind kind;
    std::string text;  // the text or line break, or the tag's name
    std::size_t end;   // a section's: the index just past its last step
  };

  struct Line;  // the render's line state (compiled_template.cpp)
  void run(std::size_t begin, std::size_t end, RenderContext& context, Line& line) const;
  void section(const TemplateData* value, std::size_t begin, std::size_t end,
               RenderContext& context, Line& line) const;

  std::vector<Step> steps_;
};

}  // namespace gazette
