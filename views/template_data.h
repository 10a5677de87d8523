// What a page's template is rendered with: objects of named values, strings, lists and
// booleans, as kainjow's data has them, but cheap to build.
//
// Why not kainjow::mustache::data: each of its strings is a heap string behind a heap
// pointer, each object a heap hash map, and it takes values by copy only. An uncached
// article page built ~280 allocations (a third of its instructions went to malloc and
// free, and its threads met on the allocator's locks). Here a string is moved in, an
// object is one vector of (name, value) pairs searched in order (a page's objects have
// a few to a dozen names), and a list one vector.
//
// The same rules as kainjow's data where a template can tell: set() replaces a name, a
// value is false only as `false`, a section over a list renders once per item. A theme
// page left to kainjow's renderer (views/compiled_template.h) gets to_kainjow().
#pragma once

#include <kainjow/mustache.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gazette {

class TemplateData {
 public:
  enum class type { object, string, list, bool_true, bool_false };
  using List = std::vector<TemplateData>;

  TemplateData() = default;  // an empty object
  explicit TemplateData(type t) : type_(t) {}
  TemplateData(std::string s) : type_(type::string), string_(std::move(s)) {}
  TemplateData(const char* s) : type_(type::string), string_(s) {}
  TemplateData(bool b) : type_(b ? type::bool_true : type::bool_false) {}
  TemplateData(List items) : type_(type::list), list_(std::move(items)) {}

  bool is_object() const { return type_ == type::object; }
  bool is_string() const { return type_ == type::string; }
  bool is_list() const { return type_ == type::list; }
  bool is_true() const { return type_ == type::bool_true; }
  bool is_false() const { return type_ == type::bool_false; }
  bool is_bool() const { return is_true() || is_false(); }
  bool is_empty_list() const { return is_list() && list_.empty(); }
  bool is_non_empty_list() const { return is_list() && !list_.empty(); }

  // Empty unless a string.
  const std::string& string_value() const { return string_; }
  // Empty unless a list.
  const List& list_value() const { return list_; }

  // An object's value named `name`, or null (also when this is not an object).
  const TemplateData* get(std::string_view name) const {
    for (const auto& [key, value] : members_) {
      if (key == name) return &value;
    }
    return nullptr;
  }
  // Gives an object `name` (replacing the value it had); does nothing to anything else.
  void set(std::string name, TemplateData value);
  // Appends to a list; does nothing to anything else.
  void push_back(TemplateData value) {
    if (is_list()) list_.push_back(std::move(value));
  }

  // The same data as kainjow's, for a page rendered by kainjow. With `under`, an
  // object's copy holds under's names first and its own over them: RenderContext's
  // stack of the two as one object, with the same lookups unless a name both have is
  // an object in each and a dotted name finds its part only in under's.
  kainjow::mustache::data to_kainjow(const TemplateData* under = nullptr) const;

 private:
  type type_ = type::object;
  std::string string_;
  std::vector<std::pair<std::string, TemplateData>> members_;
  List list_;
};

}  // namespace gazette
