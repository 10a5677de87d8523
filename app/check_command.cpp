// gazette check [--db PATH] [--deep] — runs SQLite's integrity and foreign-key checks and
// Gazette's own consistency checks (db/check.h) and reports each: exit 0 when every
// check passed, 1 when one found a problem or the file cannot be opened. Changes
// nothing in the file (beyond migrating an older schema forward, as every command does).
#include <sys/stat.h>

#include <iostream>

#include "app/commands.h"
#include "db/check.h"
#include "db/database.h"

namespace gazette {

int run_check(const Invocation& inv) {
  if (!inv.args.empty()) {
    std::cerr << "gazette: check takes no arguments (the database is --db PATH)\n";
    return 2;
  }
  const std::string& path = inv.config.db;
  // Every other command creates a missing database; checking one that is not there is
  // a mistake to report.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    std::cerr << "gazette: " << path << ": no such database file\n";
    return 1;
  }
  try {
    auto opened = db::open_database(path);
    auto results = db::check_database(*opened.connection, inv.config.deep);
    std::size_t failed = 0;
    for (const auto& r : results) {
      std::cout << (r.problems.empty() ? "ok    " : "FAIL  ") << r.name << "\n";
      for (const auto& p : r.problems) std::cout << "        " << p << "\n";
      if (!r.problems.empty()) ++failed;
    }
    if (failed == 0) {
      std::cout << path << ": all " << results.size() << " checks passed\n";
      return 0;
    }
    std::cout << path << ": " << failed << " of " << results.size() << " checks found problems\n";
  } catch (const db::OpenError& e) {
    std::cerr << "gazette: " << e.what() << "\n";
  } catch (const db::Error& e) {
    std::cerr << "gazette: " << path << ": " << db::describe(e) << "\n";
  }
  return 1;
}

}  // namespace gazette
