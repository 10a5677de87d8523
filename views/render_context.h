// The stack of data a compiled template's names are looked up in, for views/views.cpp
// and views/compiled_template.cpp.
#pragma once

#include <string_view>
#include <vector>

#include "views/template_data.h"

namespace gazette {

// kainjow's context rules over TemplateData: a name is looked up from the top of the
// stack down; "." is the top itself; a dotted name ("article.title") must resolve whole
// within one item of the stack, its parts split as kainjow's split() does (by '.', an
// empty last part dropped). The top of the stack is the back of items_.
class RenderContext {
 public:
  // `under`, when not null, sits below `root`: names not in root are looked up in it.
  RenderContext(const TemplateData* under, const TemplateData* root) {
    if (under) items_.push_back(under);
    items_.push_back(root);
  }
  void push(const TemplateData* item) { items_.push_back(item); }
  void pop() { items_.pop_back(); }

  // The innermost data that has `name`, or null.
  const TemplateData* get(std::string_view name) const {
    if (name == ".") return items_.back();
    const bool dotted = name.find('.') != std::string_view::npos;
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
      const TemplateData* var = dotted ? resolve(*it, name) : (*it)->get(name);
      if (var) return var;
    }
    return nullptr;
  }

 private:
  static const TemplateData* resolve(const TemplateData* var, std::string_view name) {
    std::size_t start = 0;
    while (var) {
      std::size_t dot = name.find('.', start);
      if (dot == std::string_view::npos && start == name.size()) break;  // empty last part
      std::size_t end = dot == std::string_view::npos ? name.size() : dot;
      var = var->get(name.substr(start, end - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    return var;
  }

  std::vector<const TemplateData*> items_;
};

}  // namespace gazette
