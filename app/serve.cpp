// gazette serve: open (or create) the database, build the App, and serve HTTP until
// SIGINT or SIGTERM; then finish the requests in flight and close the database.
#include <malloc.h>
#include <pthread.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <future>
#include <thread>

#include "app/app.h"
#include "app/commands.h"
#include "app/http_guard.h"
#include "app/logging.h"
#include "app/passwords.h"
#include "app/routes.h"
#include "app/version.h"
#include "content/dates.h"
#include "content/demo.h"
#include "db/database.h"
#include "db/related.h"
#include "db/users.h"
#include "handlers/http.h"

namespace gazette {

namespace {

constexpr int kListenBacklog = 1024;
// How many accepted connections may wait for a thread, per thread.
constexpr std::size_t kWaitingPerThread = 4;
// How long a stop waits for the requests in flight before it closes their connections.
constexpr std::chrono::seconds kStopGrace{10};

// The guarded cpp-httplib server (app/http_guard.h; its HttpLimits defaults are the
// SPEC's) with one more thing the library's API does not offer: Debian's build listens
// with a backlog of 5, so a burst of new connections overflows the queue and clients
// wait for SYN retries. listen() again on a bound, listening socket only changes the
// backlog.
class HttpServer : public GuardedServer {
 public:
  void widen_backlog(int backlog) {
    if (::listen(svr_sock_, backlog) != 0) {
      spdlog::warn("could not raise the listen backlog to {}: {}", backlog, std::strerror(errno));
    }
  }
};

void load_demo_content(db::Connection& c, const std::string& now, const db::RelatedWeights& w) {
  auto articles = demo_articles(now);
  auto result = db::save_articles(c, articles, now, w);
  if (auto* err = std::get_if<db::SaveError>(&result)) {
    throw std::runtime_error("demo article " + articles[err->index].slug + ": " + err->error.field +
                             ": " + err->error.message);
  }
  spdlog::info("loaded {} demo articles", articles.size());
}

// A site nobody can administer is useless: with no account at all, create "admin" with
// a random password, shown once here and stored only as an argon2id hash.
void ensure_admin_account(db::Connection& c, const std::string& db_path, const std::string& now) {
  if (db::count_users(c) > 0) return;
  std::string password = random_password(20);
  db::add_user(c, "admin", hash_password(password), now);
  spdlog::warn("================================================================");
  spdlog::warn("Created the first admin account:");
  spdlog::warn("  user:     admin");
  spdlog::warn("  password: {}", password);
  spdlog::warn("This password is shown only once. Change it with:");
  spdlog::warn("  gazette user passwd admin --db {}", db_path);
  spdlog::warn("================================================================");
}

}  // namespace

int run_serve(const Invocation& inv) {
  // glibc gives each of up to 8 x cores threads' allocations its own arena; with hundreds
  // of threads rendering and freeing 20-50 KiB pages, the arenas fragment apart (about 10
  // MiB more resident at 10,000 articles). Two per core is enough to avoid contention.
  mallopt(M_ARENA_MAX, 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  db::disable_memory_statistics();
  // Signals go to one thread that waits for them: mask them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  const Config& cfg = inv.config;
  setup_logging(cfg.log_level);
  std::shared_ptr<spdlog::logger> access_log;
  try {
    access_log = make_access_logger(cfg.access_log, cfg.log_level);
  } catch (const std::exception& e) {
    spdlog::error("--access-log {}: cannot open it for writing", cfg.access_log);
    return 1;
  }
  if (!init_crypto()) {
    spdlog::error("libsodium could not start (no entropy source?)");
    return 1;
  }

  std::int64_t article_count = 0;
  try {
    auto opened = db::open_database(cfg.db);
    std::string now = now_iso8601();
    if (opened.created) load_demo_content(*opened.connection, now, cfg.related);
    ensure_admin_account(*opened.connection, cfg.db, now);
    if (db::related_needs_rebuild(*opened.connection, cfg.related)) {
      // Minutes at 100,000 articles: better before listening than inside an editor's save.
      spdlog::info("rebuilding the related-articles lists (new engine or --related-* weights)");
      auto start = std::chrono::steady_clock::now();
      db::Transaction tx(*opened.connection);
      db::rebuild_all_related(*opened.connection, cfg.related);
      tx.commit();
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      spdlog::info("related lists rebuilt in {:.1f} s", took.count());
    }
    article_count = db::count_all(*opened.connection);
  } catch (const db::OpenError& e) {
    spdlog::error("{}", e.what());
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", cfg.db, e.what());
    return 1;
  }

  HttpServer server;
  // cpp-httplib's default socket options add SO_REUSEPORT, which lets a second gazette
  // bind the same port and silently take half the connections. SO_REUSEADDR alone still
  // allows a restart while old connections sit in TIME_WAIT.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms per response
  int threads = cfg.threads;
  // Connections beyond the threads wait for one, four per thread at most; more are
  // answered 503 at once (see GuardedServer::use_thread_pool).
  server.use_thread_pool(static_cast<std::size_t>(threads),
                         kWaitingPerThread * static_cast<std::size_t>(threads));
  // Keep-alive, read and write timeouts and the size limits are the guard's; the
  // library's own body limit stays as a second line.
  server.set_payload_max_length(server.limits().max_body);
  server.set_access_log(access_log);

  int port = cfg.port;
  errno = 0;
  if (port == 0) {
    port = server.bind_to_any_port(cfg.host);
  } else if (!server.bind_to_port(cfg.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    spdlog::error("cannot listen on {}:{}: {}", cfg.host, cfg.port,
                  errno ? std::strerror(errno) : "address unavailable");
    return 1;
  }
  server.widen_backlog(kListenBacklog);

  // The App is built once the port is known: the default base URL names it.
  std::unique_ptr<App> app;
  try {
    Config resolved = cfg;
    if (resolved.base_url.empty()) resolved.base_url = default_base_url(cfg.host, port);
    app = std::make_unique<App>(resolved, cfg.db);
    app->now = [] { return now_iso8601(); };
  } catch (const ViewError& e) {
    spdlog::error("template error: {}", e.what());
    return 1;
  }
  install_routes(server, *app, access_log);
  install_early_answers(server, *app);
  server.set_rejection_page(
      [&app](int status) {
        httplib::Request req;
        req.path = "/";
        httplib::Response res;
        send_error_page(*app, req, res, status);
        return std::move(res.body);
      },
      security_headers());

  // The stop: no new connections, idle ones closed at once (the guard checks between
  // requests), requests in flight finished; after kStopGrace, whatever is still open
  // (a client reading a page a byte at a time) is cut, so a stop is bounded.
  std::promise<void> served;
  std::thread stopper([&server, &stop_signals, finished = served.get_future()] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (finished.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return;
    spdlog::info("received {}, finishing requests in flight", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
    if (finished.wait_for(kStopGrace) == std::future_status::timeout) {
      std::size_t cut = server.close_connections();
      spdlog::warn("closed {} connection{} still open {} s after the stop", cut,
                   cut == 1 ? "" : "s", kStopGrace.count());
    }
  });

  std::string host = cfg.host.find(':') != std::string::npos ? "[" + cfg.host + "]" : cfg.host;
  spdlog::info("gazette {} listening on http://{}:{} (database {}, {} articles, {} threads)",
               kVersion, host, port, cfg.db, article_count, threads);
  bool ok = server.listen_after_bind();
  served.set_value();
  if (!server.is_running()) {
    // Stopped by a signal, or listen failed: make sure the waiting thread ends either way.
    pthread_kill(stopper.native_handle(), SIGTERM);
  }
  stopper.join();
  app.reset();  // closes every connection; the last one checkpoints the WAL
  spdlog::info("stopped");
  return ok ? 0 : 1;
}

}  // namespace gazette
