// gazette related --rebuild [--db PATH] — recomputes the term statistics and every
// related list in one transaction (db/related.h: rebuild_all_related, on every core),
// with progress on stderr: a live counter on a terminal, a line every 10% otherwise.
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "app/commands.h"
#include "db/articles.h"
#include "db/database.h"
#include "db/related.h"

namespace gazette {

int run_related(const Invocation& inv) {
  if (!inv.config.rebuild || !inv.args.empty()) {
    std::cerr << "gazette: related needs --rebuild (try gazette related --help)\n";
    return 2;
  }
  try {
    auto start = std::chrono::steady_clock::now();
    auto opened = db::open_database(inv.config.db);
    auto& c = *opened.connection;
    c.exec("PRAGMA cache_size = -262144");  // as import: the transaction rewrites big indexes
    const bool tty = isatty(STDERR_FILENO) == 1;
    std::size_t last_tenth = 0;
    db::Transaction tx(c);
    db::rebuild_all_related(c, inv.config.related, [&](std::size_t done, std::size_t total) {
      if (total == 0) return;
      // The first half is reading and tokenizing, the second ranking.
      const char* phase = done * 2 <= total ? "reading" : "ranking";
      if (tty) {
        std::cerr << "\rrelated: " << phase << ", " << done * 100 / total << "%" << std::flush;
      } else if (std::size_t tenth = done * 10 / total; tenth > last_tenth) {
        last_tenth = tenth;
        std::cerr << "related: " << phase << ", " << tenth * 10 << "%\n";
      }
    });
    if (tty) std::cerr << "\r\033[K" << std::flush;
    std::cerr << "related: committing\n";
    tx.commit();
    auto articles = db::count_all(c);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::cout << "rebuilt the related lists of " << articles << " article"
              << (articles == 1 ? "" : "s") << " in " << took.count() << " s\n";
    return 0;
  } catch (const db::OpenError& e) {
    std::cerr << "gazette: " << e.what() << "\n";
  } catch (const db::Error& e) {
    std::cerr << "gazette: " << inv.config.db << ": " << e.what() << "; nothing was changed\n";
  }
  return 1;
}

}  // namespace gazette
