// gazette dump [--db PATH] — every article, drafts included, as JSON Lines on stdout,
// ordered by slug, in the import format: `dump | import` into an empty database and
// `dump` again gives the same bytes.
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "content/jsonl.h"
#include "db/articles.h"
#include "db/database.h"

namespace gazette {

int run_dump(const Invocation& inv) {
  if (!inv.args.empty()) {
    std::cerr << "gazette: dump takes no arguments (got \"" << inv.args.front() << "\")\n";
    return 2;
  }
  try {
    auto opened = db::open_database(inv.config.db);
    std::string line;
    db::for_each_article(*opened.connection, [&line](const Article& a) {
      line = article_to_json(a);
      line += '\n';
      if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size()) {
        throw std::runtime_error("cannot write to standard output");
      }
    });
    if (std::fflush(stdout) != 0) throw std::runtime_error("cannot write to standard output");
    return 0;
  } catch (const db::OpenError& e) {
    std::cerr << "gazette: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "gazette: " << inv.config.db << ": " << e.what() << "\n";
  }
  return 1;
}

}  // namespace gazette
