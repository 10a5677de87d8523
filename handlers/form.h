// Decoding an HTML form's body strictly: the admin reads its fields only from the body,
// never from the query string, and rejects a body that is not text.
//
// Two encodings arrive. Small forms (sign-in, sign-out, delete) post
// application/x-www-form-urlencoded. The article form posts multipart/form-data: the
// HTTP library we ship on (cpp-httplib 0.11.4, compiled into Debian's shared library)
// refuses a urlencoded body over 8 KiB with 413, and %-escaping would triple a non-Latin
// body anyway; multipart sends the text as it is, up to the 2 MiB request limit.
#pragma once

#include <httplib.h>

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
  friend std::optional<Form> read_form(const httplib::Request& req, std::string* error);
  std::vector<std::pair<std::string, std::string>> fields_;
};

// At most this many fields: a form of the admin has ten.
inline constexpr std::size_t kMaxFormFields = 64;

// Parses `body`: fields separated by '&', name and value by '=', '+' for a space, %XX
// escapes. nullopt when a name or value is not well-formed UTF-8, holds a NUL, an
// escape is broken, or there are more than kMaxFormFields fields; `error` (when given)
// then says which field and why.
std::optional<Form> parse_form(std::string_view body, std::string* error = nullptr);

// The form of a POST, urlencoded (parse_form) or multipart/form-data (parts without a
// file name, the same rules). nullopt and `error` as for parse_form, also for a file
// upload, which no admin form has.
std::optional<Form> read_form(const httplib::Request& req, std::string* error = nullptr);

}  // namespace gazette
