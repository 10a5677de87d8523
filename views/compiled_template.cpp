// Templates compiled once, rendered in a loop (see compiled_template.h).
#include "views/compiled_template.h"

#include <cctype>
#include <string_view>

namespace gazette {

namespace {

using data = TemplateData;

// kainjow's trim(): std::isspace at both ends.
std::string trim(std::string_view s) {
  std::size_t begin = 0;
  std::size_t end = s.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return std::string(s.substr(begin, end - begin));
}

// The line break at `pos`, as kainjow's parser takes them ("\r\n" before "\n" and "\r"),
// or 0 characters.
std::size_t line_break_at(const std::string& s, std::size_t pos) {
  if (s[pos] == '\r') return pos + 1 < s.size() && s[pos + 1] == '\n' ? 2 : 1;
  return s[pos] == '\n' ? 1 : 0;
}

}  // namespace

std::optional<CompiledTemplate> CompiledTemplate::compile(const std::string& input) {
  CompiledTemplate t;
  std::vector<std::size_t> open;  // the sections begun and not yet ended, innermost last
  bool extend_text = false;       // the last step is text that more text may join
  auto add = [&](Step::Kind kind, std::string text) {
    t.steps_.push_back({kind, std::move(text), 0});
    extend_text = kind == Step::Kind::text;
  };
  std::size_t pos = 0;
  const std::size_t size = input.size();
  while (pos < size) {
    if (input.compare(pos, 2, "{{") != 0) {
      if (std::size_t n = line_break_at(input, pos)) {
        add(Step::Kind::line_break, input.substr(pos, n));
        pos += n;
      } else if (extend_text) {
        t.steps_.back().text += input[pos++];
      } else {
        add(Step::Kind::text, std::string(1, input[pos++]));
      }
      continue;
    }
    std::size_t contents = pos + 2;
    const bool triple = pos != size - 2 && input.at(contents) == '{';
    if (triple) ++contents;
    const std::string_view close = triple ? "}}}" : "}}";
    const std::size_t close_at = input.find(close, contents);
    if (close_at == std::string::npos) return std::nullopt;
    const std::string tag = trim(std::string_view(input).substr(contents, close_at - contents));
    pos = close_at + close.size();
    if (triple) {
      add(Step::Kind::raw_variable, tag);
      continue;
    }
    if (tag.empty()) {
      add(Step::Kind::variable, tag);
      continue;
    }
    const std::string name = trim(std::string_view(tag).substr(1));
    switch (tag[0]) {
      case '#':
      case '^':
        open.push_back(t.steps_.size());
        add(tag[0] == '#' ? Step::Kind::section : Step::Kind::inverted, name);
        break;
      case '/':
        if (open.empty() || t.steps_[open.back()].text != name) return std::nullopt;
        t.steps_[open.back()].end = t.steps_.size();
        open.pop_back();
        extend_text = false;  // text after a section is not the text inside it
        break;
      case '&':
        add(Step::Kind::raw_variable, name);
        break;
      case '!':
        break;   // a comment: nothing, not even for the line's fate
      case '=':  // set delimiters
      case '>':  // a partial left after inlining
        return std::nullopt;
      default:
        add(Step::Kind::variable, tag);
        break;
    }
  }
  if (!open.empty()) return std::nullopt;
  return t;
}

// Where the line being rendered began in the output, and whether a section began or
// ended on it: kainjow's line buffer, kept in the output itself.
struct CompiledTemplate::Line {
  std::string& out;
  void (*escape_into)(std::string&, const std::string&);
  std::size_t start = 0;
  bool had_section = false;

  // kainjow's render_current_line: the line is dropped, with its break, when a section
  // began or ended on it and it holds only spaces and tabs.
  void end(const std::string* line_break) {
    bool blank = had_section;
    for (std::size_t i = start; blank && i < out.size(); ++i) {
      blank = out[i] == ' ' || out[i] == '\t';
    }
    if (blank) {
      out.resize(start);
    } else if (line_break) {
      out += *line_break;
    }
    start = out.size();
    had_section = false;
  }
};

void CompiledTemplate::render(RenderContext& context, std::string& out,
                              void (*escape_into)(std::string&, const std::string&)) const {
  Line line{out, escape_into, out.size()};
  run(0, steps_.size(), context, line);
  line.end(nullptr);
}

void CompiledTemplate::run(std::size_t begin, std::size_t end, RenderContext& context,
                           Line& line) const {
  for (std::size_t i = begin; i < end;) {
    const Step& step = steps_[i];
    switch (step.kind) {
      case Step::Kind::text:
        line.out += step.text;
        ++i;
        break;
      case Step::Kind::line_break:
        line.end(&step.text);
        ++i;
        break;
      case Step::Kind::variable:
      case Step::Kind::raw_variable:
        if (const data* value = context.get(step.text); value && value->is_string()) {
          if (step.kind == Step::Kind::variable) {
            line.escape_into(line.out, value->string_value());
          } else {
            line.out += value->string_value();
          }
        }
        ++i;
        break;
      case Step::Kind::section:
        if (const data* value = context.get(step.text);
            value && !value->is_false() && !value->is_empty_list()) {
          section(value, i + 1, step.end, context, line);
        }
        i = step.end;
        break;
      case Step::Kind::inverted:
        if (const data* value = context.get(step.text);
            !value || value->is_false() || value->is_empty_list()) {
          section(value, i + 1, step.end, context, line);
        }
        i = step.end;
        break;
    }
  }
}

// kainjow's render_section: each item of a non-empty list on top of the stack in turn,
// or the value itself, or (an inverted section of a missing name) nothing pushed.
void CompiledTemplate::section(const data* value, std::size_t begin, std::size_t end,
                               RenderContext& context, Line& line) const {
  if (value && value->is_non_empty_list()) {
    for (const auto& item : value->list_value()) {
      line.had_section = true;
      context.push(&item);
      run(begin, end, context, line);
      context.pop();
      line.had_section = true;
    }
    return;
  }
  line.had_section = true;
  if (value) context.push(value);
  run(begin, end, context, line);
  if (value) context.pop();
  line.had_section = true;
}

}  // namespace gazette
