// The article as every way in (admin form, import, demo content, tests) sees it,
// before it is stored. Rules for each field are in content/validate.h.
#pragma once

#include <string>
#include <vector>

namespace gazette {

enum class Status { draft, published };

struct Article {
  std::string slug;               // [a-z0-9]+(-[a-z0-9]+)*, at most 120 chars
  std::string title;              // 1 to 300 chars
  std::string summary;            // the dek, at most 1,000 chars
  std::string body_markdown;      // CommonMark + GFM, at most 1 MiB
  std::string author;             // at most 200 chars
  std::vector<std::string> tags;  // 0 to 20, each 1 to 50 chars, lowercase once normalised
  Status status = Status::draft;
  std::string published_at;          // "YYYY-MM-DDTHH:MM:SSZ" once normalised; may be empty
                                     // for a draft
  std::vector<std::string> related;  // 0 to 5 pinned slugs, in order
};

// One problem with one field, as shown beside the field in a form or as
// "FILE:LINE: field: message" by the importer.
struct FieldError {
  std::string field;
  std::string message;
};

inline const char* to_string(Status s) {
  return s == Status::published ? "published" : "draft";
}

}  // namespace gazette
