// Decoding an HTML form's body (application/x-www-form-urlencoded) strictly: the admin
// reads its fields only from the body, never from the query string, and rejects a body
// that is not text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gazette {

class Form {
 public:
  // The value of the first field called `name`; "" when there is none.
  const std::string& get(std::string_view name) const;
  bool has(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  friend std::optional<Form> parse_form(std::string_view body, std::string* error);
  std::vector<std::pair<std::string, std::string>> fields_;
};

// At most this many fields: a form of the admin has ten.
inline constexpr std::size_t kMaxFormFields = 64;

// Parses `body`: fields separated by '&', name and value by '=', '+' for a space, %XX
// escapes. nullopt when a name or value is not well-formed UTF-8, holds a NUL, an
// escape is broken, or there are more than kMaxFormFields fields; `error` (when given)
// then says which field and why.
std::optional<Form> parse_form(std::string_view body, std::string* error = nullptr);

}  // namespace gazette
