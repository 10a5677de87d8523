// `gazette check`: what SQLite knows of the file (integrity_check, foreign_key_check)
// and what only Gazette knows of its tables, read and never repaired. Each check reports
// its problems as sentences naming the rows; none means the check passed.
#pragma once

#include <string>
#include <vector>

#include "db/sqlite.h"

namespace gazette::db {

struct CheckResult {
  std::string name;                   // what was checked, e.g. "search index"
  std::vector<std::string> problems;  // empty: in order
};

// Every check, in order, inside one read snapshot; with `deep`, then FTS5's own check of
// the search index's inverted index, which takes the write lock for its duration
// (about 1.3 s per 10,000 articles). A check that cannot run at all (the file is too
// damaged) reports that as its problem and the others still run.
std::vector<CheckResult> check_database(Connection& c, bool deep);

}  // namespace gazette::db
