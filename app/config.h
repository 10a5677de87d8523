// The command line: which command, and its options from flags and GAZETTE_* variables
// (a flag wins over its variable). Parsing is pure: the environment comes in as a
// function, so tests can give any.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "db/related.h"

namespace gazette {

struct Config {
  std::string db = "./gazette.db";
  std::string host = "127.0.0.1";
  int port = 8080;                   // 0: any free port (the log says which)
  int threads = 0;                   // worker threads; 0: the default (see default_threads)
  int cache_mb = 64;                 // rendered-page cache budget in MiB; 0: no cache
  int max_age = 60;                  // Cache-Control max-age of public pages, in seconds
  std::optional<std::string> theme;  // directory with views/ and static/ overrides
  std::string log_level = "info";
  std::string access_log = "-";  // "-": stderr with the rest of the log; else a file
  std::string base_url;          // absolute, no trailing slash; "": default_base_url()
  bool secure_cookies = false;
  bool password_stdin = false;  // user add/passwd: read the password from stdin
  bool force = false;           // backup: overwrite an existing file
  bool deep = false;            // check: also FTS5's integrity-check (takes the write lock)
  std::string out_dir;          // export: where the site goes
  bool rebuild = false;         // related: recompute every list
  db::RelatedWeights related;   // --related-* (serve, import, related)
};

struct Invocation {
  std::string command;            // "serve", "import", ... ; "" with help or version
  std::vector<std::string> args;  // positional arguments after the command
  Config config;
  bool help = false;     // --help (for `command`, or the whole program when command is "")
  bool version = false;  // --version
};

// A usage error: one line saying what was wrong (exit status 2).
struct UsageError {
  std::string message;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Parses argv (without argv[0]). Unknown commands and flags, missing or bad values are
// UsageErrors naming the flag or variable.
std::variant<Invocation, UsageError> parse_command_line(const std::vector<std::string>& argv,
                                                        const EnvLookup& env);

// The help text for `command` ("" for the program's own).
std::string help_text(const std::string& command);

// The site's URL when --base-url is not given: where the server listens
// ("http://127.0.0.1:8080"; IPv6 addresses in brackets).
std::string default_base_url(const std::string& host, int port);

// The default number of worker threads: one per open connection is what cpp-httplib
// holds, so this bounds concurrent connections rather than CPU use.
int default_threads();

}  // namespace gazette
