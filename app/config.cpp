// Command-line and environment parsing (see config.h).
#include "app/config.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "app/version.h"

namespace gazette {

namespace {

using db::RelatedWeights;

const std::vector<std::string> kCommands = {"serve",  "import", "dump",    "export",
                                            "backup", "user",   "related", "check"};

// What a flag does to the Config; returns an error text (without the flag's name) or "".
using Setter = std::function<std::string(Config&, const std::string&)>;

struct OptionSpec {
  std::string flag;  // "--port"
  bool takes_value;
  std::vector<std::string> commands;  // where it applies; empty: every command
  Setter set;
};

std::string parse_int(const std::string& text, int min, int max, int& out) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return "expects a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
           " (got \"" + text + "\")";
  }
  out = value;
  return "";
}

std::string parse_bool(const std::string& text, bool& out) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (t == "1" || t == "true" || t == "yes" || t == "on") return out = true, "";
  if (t == "0" || t == "false" || t == "no" || t == "off" || t.empty()) return out = false, "";
  return "expects true or false (got \"" + text + "\")";
}

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs = {
      {"--db",
       true,
       {},
       [](Config& c, const std::string& v) {
         if (v.empty()) return std::string("expects a file path");
         c.db = v;
         return std::string();
       }},
      {"--host",
       true,
       {"serve"},
       [](Config& c, const std::string& v) {
         if (v.empty()) return std::string("expects an address such as 127.0.0.1");
         c.host = v;
         return std::string();
       }},
      {"--port",
       true,
       {"serve"},
       [](Config& c, const std::string& v) { return parse_int(v, 0, 65535, c.port); }},
      {"--threads",
       true,
       {"serve"},
       [](Config& c, const std::string& v) { return parse_int(v, 1, 1024, c.threads); }},
      {"--cache-mb",
       true,
       {"serve"},
       [](Config& c, const std::string& v) { return parse_int(v, 0, 1 << 20, c.cache_mb); }},
      {"--max-age",
       true,
       {"serve"},
       [](Config& c, const std::string& v) { return parse_int(v, 0, 31536000, c.max_age); }},
      {"--theme",
       true,
       {"serve", "export"},
       [](Config& c, const std::string& v) {
         if (v.empty()) return std::string("expects a directory");
         c.theme = v;
         return std::string();
       }},
      {"--log-level",
       true,
       {"serve"},
       [](Config& c, const std::string& v) {
         static const std::vector<std::string> levels = {"trace", "debug", "info", "warn", "error"};
         if (std::find(levels.begin(), levels.end(), v) == levels.end()) {
           return "expects trace, debug, info, warn or error (got \"" + v + "\")";
         }
         c.log_level = v;
         return std::string();
       }},
      {"--access-log",
       true,
       {"serve"},
       [](Config& c, const std::string& v) {
         if (v.empty()) return std::string("expects a file path or - for stderr");
         c.access_log = v;
         return std::string();
       }},
      {"--base-url",
       true,
       {"serve", "export"},
       [](Config& c, const std::string& v) {
         if (!v.starts_with("http://") && !v.starts_with("https://")) {
           return "expects an absolute http:// or https:// URL (got \"" + v + "\")";
         }
         std::string url = v;
         while (url.size() > 8 && url.back() == '/') url.pop_back();
         c.base_url = url;
         return std::string();
       }},
      {"--secure-cookies",
       false,
       {"serve"},
       [](Config& c, const std::string& v) { return parse_bool(v, c.secure_cookies); }},
      {"--password-stdin",
       false,
       {"user"},
       [](Config& c, const std::string& v) { return parse_bool(v, c.password_stdin); }},
      {"--force",
       false,
       {"backup"},
       [](Config& c, const std::string& v) { return parse_bool(v, c.force); }},
      {"--deep",
       false,
       {"check"},
       [](Config& c, const std::string& v) { return parse_bool(v, c.deep); }},
      {"--out",
       true,
       {"export"},
       [](Config& c, const std::string& v) {
         if (v.empty()) return std::string("expects a directory");
         c.out_dir = v;
         return std::string();
       }},
  };
  // The related-articles weights (db/related.h), for every command that writes lists.
  static const std::vector<OptionSpec> with_related = [] {
    std::vector<OptionSpec> all = specs;
    const std::vector<std::string> writers = {"serve", "import", "related"};
    auto real = [](double RelatedWeights::*field, double min, double max) {
      return [field, min, max](Config& c, const std::string& v) {
        char* end = nullptr;
        double x = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !(x >= min && x <= max)) {
          char range[64];
          std::snprintf(range, sizeof range, "from %g to %g", min, max);
          return std::string("expects a number ") + range + " (got \"" + v + "\")";
        }
        c.related.*field = x;
        return std::string();
      };
    };
    using W = RelatedWeights;
    all.push_back({"--related-min-score", true, writers, real(&W::min_score, 0, 1)});
    all.push_back({"--related-title-weight", true, writers, real(&W::title, 0, 100)});
    all.push_back({"--related-tag-boost", true, writers, real(&W::tag_boost, 0, 100)});
    all.push_back({"--related-recency", true, writers, real(&W::recency, 0, 1)});
    all.push_back({"--related-terms", true, writers, [](Config& c, const std::string& v) {
                     return parse_int(v, 1, 1000, c.related.terms);
                   }});
    all.push_back({"--rebuild", false, {"related"}, [](Config& c, const std::string& v) {
                     return parse_bool(v, c.rebuild);
                   }});
    return all;
  }();
  return with_related;
}

bool applies(const OptionSpec& spec, const std::string& command) {
  return spec.commands.empty() ||
         std::find(spec.commands.begin(), spec.commands.end(), command) != spec.commands.end();
}

// "--log-level" -> "GAZETTE_LOG_LEVEL"
std::string env_name(const std::string& flag) {
  std::string name = "GAZETTE_";
  for (char ch : flag.substr(2)) name += ch == '-' ? '_' : static_cast<char>(std::toupper(ch));
  return name;
}

}  // namespace

std::string default_base_url(const std::string& host, int port) {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;  // IPv6
  return "http://" + h + ":" + std::to_string(port);
}

int default_threads() {
  // cpp-httplib holds a thread per open connection for as long as it is kept alive, and a
  // connection beyond the thread count waits in a queue, unanswered, until another closes.
  // So threads bound the connections served at once, not CPU use: 256 is what a busy
  // site sees from browsers and proxies. An idle thread costs its stack's touched pages
  // (tens of KiB); database work is bounded separately by the connection pool
  // (db/pool.h: four per core).
  return std::max(256, static_cast<int>(std::thread::hardware_concurrency()) * 32);
}

std::variant<Invocation, UsageError> parse_command_line(const std::vector<std::string>& argv,
                                                        const EnvLookup& env) {
  Invocation inv;
  std::size_t i = 0;
  // Program-level flags before the command.
  for (; i < argv.size() && argv[i].starts_with("-"); ++i) {
    if (argv[i] == "--help" || argv[i] == "-h") {
      inv.help = true;
    } else if (argv[i] == "--version" || argv[i] == "-V") {
      inv.version = true;
    } else {
      return UsageError{"unknown option " + argv[i] + " before the command (try gazette --help)"};
    }
  }
  if (i == argv.size()) {
    if (inv.help || inv.version) return inv;
    return UsageError{"missing command (try gazette --help)"};
  }
  inv.command = argv[i++];
  if (std::find(kCommands.begin(), kCommands.end(), inv.command) == kCommands.end()) {
    return UsageError{"unknown command \"" + inv.command + "\" (try gazette --help)"};
  }

  // Variables first, so that flags override them. Only serve's flags and --db have
  // variables (SPEC): a stray GAZETTE_FORCE must never make a backup overwrite a file.
  for (const auto& spec : option_specs()) {
    if (!applies(spec, inv.command) || !applies(spec, "serve")) continue;
    auto name = env_name(spec.flag);
    if (auto value = env(name)) {
      if (auto err = spec.set(inv.config, *value); !err.empty()) {
        return UsageError{name + " " + err};
      }
    }
  }

  bool only_positional = false;
  for (; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (only_positional || !arg.starts_with("--") || arg == "-") {
      if (!only_positional && arg.size() > 1 && arg[0] == '-' && arg != "-") {
        if (arg == "-h") {
          inv.help = true;
          continue;
        }
        return UsageError{"unknown option " + arg + " for " + inv.command + " (try gazette " +
                          inv.command + " --help)"};
      }
      inv.args.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    if (arg == "--help") {
      inv.help = true;
      continue;
    }
    auto eq = arg.find('=');
    std::string flag = arg.substr(0, eq);
    const OptionSpec* spec = nullptr;
    for (const auto& s : option_specs()) {
      if (s.flag == flag && applies(s, inv.command)) spec = &s;
    }
    if (!spec) {
      return UsageError{"unknown option " + flag + " for " + inv.command + " (try gazette " +
                        inv.command + " --help)"};
    }
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (spec->takes_value) {
      if (i + 1 >= argv.size()) return UsageError{flag + " needs a value"};
      value = argv[++i];
    } else {
      value = "true";
    }
    if (auto err = spec->set(inv.config, value); !err.empty()) return UsageError{flag + " " + err};
  }
  if (inv.config.threads == 0) inv.config.threads = default_threads();
  return inv;
}

std::string help_text(const std::string& command) {
  if (command == "serve") {
    return R"(Usage: gazette serve [options]

Serves the site over HTTP. Creates the database with demo content and an admin
account on first start.

Options (each also from a GAZETTE_<FLAG> variable, e.g. GAZETTE_PORT; a flag wins):
  --db PATH            database file (default ./gazette.db)
  --host ADDR          address to listen on (default 127.0.0.1)
  --port N             port to listen on (default 8080; 0 picks a free port)
  --threads N          worker threads = connections served at once (default )" +
           std::to_string(default_threads()) + R"()
  --cache-mb N         memory for rendered pages, in MiB (default 64; 0 turns it off)
  --max-age SECONDS    how long browsers and proxies may keep a public page (default 60)
  --theme DIR          read DIR/views/*.mustache and DIR/static/* over the built-in ones
  --log-level LEVEL    trace, debug, info (default), warn or error
  --access-log FILE|-  where access lines go (default -: stderr, with the log)
  --base-url URL       public URL of the site, for canonical links (default http://HOST:PORT)
  --secure-cookies     mark session cookies Secure (behind a TLS proxy)
  --related-*          related-articles weights (see gazette related --help)
)";
  }
  if (command == "import") {
    return "Usage: gazette import [--db PATH] FILE...\n\n"
           "Imports .jsonl and .md files (upsert by slug, all or nothing).\n";
  }
  if (command == "dump") {
    return "Usage: gazette dump [--db PATH]\n\nWrites every article as JSON Lines to stdout.\n";
  }
  if (command == "export") {
    return "Usage: gazette export [--db PATH] --out DIR\n\n"
           "Writes the whole public site as static files into DIR.\n";
  }
  if (command == "backup") {
    return "Usage: gazette backup [--db PATH] OUT.db\n\n"
           "Writes a consistent copy of a live database.\n";
  }
  if (command == "user") {
    return "Usage: gazette user add NAME [--password-stdin] | user passwd NAME "
           "[--password-stdin]\n       | user remove NAME | user list      (each with [--db "
           "PATH])\n";
  }
  if (command == "related") {
    return R"(Usage: gazette related --rebuild [--db PATH] [weights]

Recomputes the term statistics and every article's related list, on every core,
with progress on stderr. Lists are otherwise kept up to date by every write.

Weights (also for serve and import; each also from GAZETTE_RELATED_<NAME>; see the
README's "Related articles" for what they do; changing one rebuilds every list at
the next write):
  --related-min-score X     threshold, 0 to 1 (default 0.1)
  --related-title-weight X  weight of a title word against a body word (default 3)
  --related-tag-boost X     weight of a shared tag (default 1; 0 ignores tags)
  --related-recency X       the most a score loses to distance in time (default 0.1)
  --related-terms N         words kept per article (default 24)
)";
  }
  if (command == "check") {
    return R"(Usage: gazette check [--db PATH] [--deep]

Checks the database and repairs nothing: SQLite's integrity_check and foreign-key
check, then Gazette's own rules (schema version, the search index in step with the
articles, the tag table, the related lists, the users). Prints ok or FAIL for each
check, with the rows at fault. The checks read one snapshot: safe beside a running
server. Like every command, it first migrates a database from an older gazette forward.

  --deep    also run FTS5's own check of the search index's inverted index. It holds
            the write lock throughout (about 1.3 s per 10,000 articles), so a running
            server's saves wait for it and fail after 5 s: run it with the server
            stopped, or at a quiet hour on a small site.

Exit status: 0 when every check passed, 1 when one found a problem.
)";
  }
  return std::string("gazette ") + kVersion + R"( - a news microsite in one binary

Usage: gazette <command> [options]

Commands:
  serve    serve the site over HTTP (gazette serve --help for its options)
  import   import .jsonl and .md files into the database
  dump     write every article as JSON Lines to stdout
  export   write the public site as static files
  backup   copy a live database consistently
  user     add, change, remove or list admin accounts
  related  recompute every related-articles list (related --rebuild)
  check    check the database: SQLite's integrity and Gazette's own rules

Every command takes --db PATH (default ./gazette.db, or GAZETTE_DB).
gazette --version prints the version; gazette <command> --help describes a command.
Exit status: 0 success, 1 runtime error, 2 usage error.
)";
}

}  // namespace gazette
