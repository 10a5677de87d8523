// The stack of data a template's names are looked up in, for views/views.cpp and
// views/compiled_template.cpp.
#pragma once

#include <kainjow/mustache.hpp>

#include <string>
#include <vector>

namespace gazette {

// kainjow's context with the same rules, without its cost: kainjow splits a dotted name
// ("article.title") through a std::stringstream on every lookup, which was a sixth of an
// article page's render. The top of the stack is the back of items_.
class RenderContext final : public kainjow::mustache::basic_context<std::string> {
 public:
  using data = kainjow::mustache::data;

  // `under`, when not null, sits below `root`: names not in root are looked up in it.
  RenderContext(const data* under, const data* root) {
    if (under) items_.push_back(under);
    items_.push_back(root);
  }
  void push(const data* item) override { items_.push_back(item); }
  void pop() override { items_.pop_back(); }

  // The innermost data that has `name`. A dotted name must resolve whole within one
  // item of the stack; its parts are split as kainjow's split() does (by '.', an empty
  // last part dropped).
  const data* get(const std::string& name) const override {
    if (name.size() == 1 && name[0] == '.') return items_.back();
    const bool dotted = name.find('.') != std::string::npos;
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
      const data* var = dotted ? resolve(*it, name) : (*it)->get(name);
      if (var) return var;
    }
    return nullptr;
  }

  const data* get_partial(const std::string& name) const override {
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
      if (const data* var = (*it)->get(name)) return var;
    }
    return nullptr;
  }

 private:
  const data* resolve(const data* var, const std::string& name) const {
    std::size_t start = 0;
    while (var) {
      std::size_t dot = name.find('.', start);
      if (dot == std::string::npos && start == name.size()) break;  // empty last part
      std::size_t end = dot == std::string::npos ? name.size() : dot;
      part_.assign(name, start, end - start);
      var = var->get(part_);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return var;
  }

  std::vector<const data*> items_;
  mutable std::string part_;  // reused, so that a lookup allocates nothing
};

}  // namespace gazette
