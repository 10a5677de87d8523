// The demo content: original articles compiled into the binary (content/demo/*.md), loaded
// by `serve` into a database it has just created, so a first start shows a real site.
#pragma once

#include <vector>

#include "content/article.h"

namespace gazette {

// Every demo article, parsed and validated (with `now` for undated published ones).
// Throws std::runtime_error naming the file when one does not parse or validate: that
// is a bug in the build, which the unit tests catch.
std::vector<Article> demo_articles(std::string_view now);

}  // namespace gazette
