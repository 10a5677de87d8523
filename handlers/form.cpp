// Form bodies (see form.h).
#include "handlers/form.h"

#include "content/slug.h"

namespace gazette {

namespace {

int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// Decodes one name or value; nullopt on a broken escape.
std::optional<std::string> decode_component(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == '+') {
      out += ' ';
    } else if (ch == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += ch;
    }
  }
  return out;
}

// A field name for an error message: the client chose it, so it is cut short (at a
// character boundary).
std::string shown_name(const std::string& name) {
  if (!is_valid_utf8(name)) return "?";
  constexpr std::size_t kMax = 40;
  if (name.size() <= kMax) return name;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut) + "...";
}

}  // namespace

const std::string& Form::get(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [n, v] : fields_) {
    if (n == name) return v;
  }
  return kEmpty;
}

bool Form::has(std::string_view name) const {
  for (const auto& field : fields_) {
    if (field.first == name) return true;
  }
  return false;
}

namespace {

// Why `name` = `value` may not be a form field, if it may not.
std::optional<std::string> field_problem(const std::string& name, const std::string& value) {
  for (const std::string* text : {&name, &value}) {
    if (!is_valid_utf8(*text) || text->find('\0') != std::string::npos) {
      return "field \"" + shown_name(name) + "\" is not UTF-8 text";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Form> read_form(const httplib::Request& req, std::string* error) {
  if (!req.is_multipart_form_data()) return parse_form(req.body, error);
  Form form;
  for (const auto& [name, part] : req.files) {
    std::optional<std::string> problem;
    if (!part.filename.empty()) {
      problem = "field \"" + shown_name(name) + "\" is a file upload";
    } else if (form.fields_.size() == kMaxFormFields) {
      problem = "more than " + std::to_string(kMaxFormFields) + " fields";
    } else {
      problem = field_problem(name, part.content);
    }
    if (problem) {
      if (error) *error = std::move(*problem);
      return std::nullopt;
    }
    form.fields_.emplace_back(name, part.content);
  }
  return form;
}

std::optional<Form> parse_form(std::string_view body, std::string* error) {
  auto fail = [error](std::string message) -> std::optional<Form> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  Form form;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    if (form.fields_.size() == kMaxFormFields) {
      return fail("more than " + std::to_string(kMaxFormFields) + " fields");
    }
    auto eq = pair.find('=');
    auto name = decode_component(pair.substr(0, eq));
    if (!name) return fail("a field name has a broken %-escape");
    auto value =
        decode_component(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    std::string shown = shown_name(*name);
    if (!value) return fail("field \"" + shown + "\" has a broken %-escape");
    if (auto problem = field_problem(*name, *value)) return fail(std::move(*problem));
    form.fields_.emplace_back(std::move(*name), std::move(*value));
  }
  return form;
}

}  // namespace gazette
