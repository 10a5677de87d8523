// Loading the embedded demo articles (see demo.h).
#include "content/demo.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "content/front_matter.h"
#include "content/validate.h"
#include "views/embedded.h"

namespace gazette {

std::vector<Article> demo_articles(std::string_view now) {
  std::vector<const EmbeddedFile*> files;
  for (const auto& f : embedded_files()) {
    if (f.path.starts_with("content/demo/") && f.path.ends_with(".md")) files.push_back(&f);
  }
  std::sort(files.begin(), files.end(), [](auto* a, auto* b) { return a->path < b->path; });

  std::vector<Article> out;
  for (const auto* f : files) {
    auto parsed = parse_front_matter_document(f->data);
    if (auto* err = std::get_if<ParseError>(&parsed)) {
      throw std::runtime_error(std::string(f->path) + ":" + std::to_string(err->line) + ": " +
                               err->field + ": " + err->message);
    }
    Article a = std::get<ParsedDocument>(parsed).article;
    auto errors = normalize_and_validate(a, now);
    if (!errors.empty()) {
      throw std::runtime_error(std::string(f->path) + ": " + errors.front().field + ": " +
                               errors.front().message);
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace gazette
