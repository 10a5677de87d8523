// Template data (see template_data.h).
#include "views/template_data.h"

namespace gazette {

void TemplateData::set(std::string name, TemplateData value) {
  if (!is_object()) return;
  for (auto& [key, old] : members_) {
    if (key == name) {
      old = std::move(value);
      return;
    }
  }
  // Room for a few at first: most of a page's objects have two to a dozen names, and
  // growing one at a time reallocated each of them three or four times.
  if (members_.empty()) members_.reserve(4);
  members_.emplace_back(std::move(name), std::move(value));
}

kainjow::mustache::data TemplateData::to_kainjow(const TemplateData* under) const {
  using kainjow::mustache::data;
  switch (type_) {
    case type::string:
      return data(string_);
    case type::bool_true:
      return data(true);
    case type::bool_false:
      return data(false);
    case type::list: {
      data out(data::type::list);
      for (const auto& item : list_) out.push_back(item.to_kainjow());
      return out;
    }
    case type::object:
      break;
  }
  data out = under ? under->to_kainjow() : data();
  for (const auto& [key, value] : members_) out.set(key, value.to_kainjow());
  return out;
}

}  // namespace gazette
