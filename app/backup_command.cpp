// gazette backup [--db PATH] OUT.db: a consistent copy of a live database, made with
// SQLite's online backup API while a server may go on reading and writing.
//
// The copy is written to OUT.db.tmp-XXXXXX beside OUT.db, switched to a rollback journal
// (so it stands alone, with no -wal beside it), checked with PRAGMA integrity_check,
// fsynced and only then renamed onto OUT.db: whatever fails, OUT.db is either the old
// file or the complete new one, never half of one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/logging.h"
#include "db/database.h"
#include "db/sqlite.h"

namespace gazette {

int run_backup(const Invocation& inv);

namespace {

constexpr int kPagesPerStep = 256;  // 1 MiB at the default page size: short steps
constexpr int kMaxBusyRetries = 100;
constexpr int kMaxBackoffMs = 100;  // with 100 retries: gives up after about 10 s

// A failure to report with exit status 1; the message is the whole line.
struct BackupFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string errno_text() {
  return std::strerror(errno);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The path as the file system resolves it, for comparing two names of one file.
std::string canonical(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

// Refuses an OUT that is the source itself (or one of its -wal/-shm/-journal files, whose
// replacement would lose committed writes), a directory, or an existing file without
// --force. Existing -wal or -journal files beside OUT count as OUT: SQLite would replay
// them onto the new copy when it is opened, and corrupt it.
void check_target(const std::string& out, const std::string& source, bool force) {
  struct stat out_st {
  }, src_st{};
  bool out_exists = ::stat(out.c_str(), &out_st) == 0;
  if (out_exists && ::stat(source.c_str(), &src_st) == 0 && out_st.st_dev == src_st.st_dev &&
      out_st.st_ino == src_st.st_ino) {
    throw BackupFailure(out + " is the database being backed up; choose another file");
  }
  std::string out_c = canonical(out), src_c = canonical(source);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    if (out_c == src_c + suffix) {
      throw BackupFailure(out + " is a file of the database being backed up (" + source +
                          "); choose another file");
    }
  }
  if (out_exists && S_ISDIR(out_st.st_mode)) throw BackupFailure(out + ": is a directory");
  if (force) return;
  for (const char* suffix : {"", "-wal", "-journal"}) {
    if (exists(out + suffix)) {
      throw BackupFailure(out + suffix + " exists; use --force to overwrite it");
    }
  }
}

// The temporary copy: created with mkstemp (so two backups never share a name) with the
// source's permissions (it holds the same password hashes), removed with its journal by
// the destructor unless it was renamed into place.
class TempCopy {
 public:
  TempCopy(const std::string& out, const std::string& source) : path_(out + ".tmp-XXXXXX") {
    int fd = ::mkstemp(path_.data());
    if (fd < 0) {
      std::string why = errno_text();
      throw BackupFailure("cannot create a temporary file beside " + out + " (" + why + ")");
    }
    struct stat st {};
    if (::stat(source.c_str(), &st) == 0) ::fchmod(fd, st.st_mode & 0666);
    ::close(fd);
  }
  ~TempCopy() {
    if (placed_) return;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((path_ + suffix).c_str());
  }
  TempCopy(const TempCopy&) = delete;
  TempCopy& operator=(const TempCopy&) = delete;

  const std::string& path() const { return path_; }

  // Makes the copy durable, then atomically replaces `out` with it.
  void place_at(const std::string& out, bool force) {
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      std::string why = errno_text();
      if (fd >= 0) ::close(fd);
      throw BackupFailure("cannot sync " + path_ + " to disk (" + why + ")");
    }
    ::close(fd);
    if (force) {
      // Removed before the rename: a crash in between leaves the old OUT without its
      // journal (it was being overwritten anyway), never the new copy with a stale one.
      for (const char* suffix : {"-wal", "-journal", "-shm"}) {
        std::string sidecar = out + suffix;
        if (::unlink(sidecar.c_str()) != 0 && errno != ENOENT) {
          std::string why = errno_text();
          throw BackupFailure("cannot remove " + sidecar + " (" + why + ")");
        }
      }
    }
    if (::rename(path_.c_str(), out.c_str()) != 0) {
      std::string why = errno_text();
      throw BackupFailure("cannot rename " + path_ + " to " + out + " (" + why + ")");
    }
    placed_ = true;
    // The rename is durable only once the directory is synced.
    auto dir = std::filesystem::path(out).parent_path();
    int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }

 private:
  std::string path_;
  bool placed_ = false;
};

// A read transaction on the source for its lifetime: one snapshot of the database that
// writers on other connections (WAL mode) neither block nor change.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(db::Connection& c) : c_(c) {
    c_.exec("BEGIN DEFERRED");
    try {
      // A deferred BEGIN takes no snapshot until the first read.
      c_.query_int("SELECT count(*) FROM sqlite_schema");
    } catch (...) {
      end();
      throw;
    }
  }
  ~ReadSnapshot() { end(); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  // Ends the transaction (nothing was written, so ROLLBACK loses nothing).
  void end() {
    if (open_) sqlite3_exec(c_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    open_ = false;
  }

 private:
  db::Connection& c_;
  bool open_ = true;
};

// The sqlite3_backup handle, finished by the destructor if finish() was not reached.
class OnlineBackup {
 public:
  OnlineBackup(db::Connection& dest, db::Connection& source) : dest_(dest) {
    handle_ = sqlite3_backup_init(dest.handle(), "main", source.handle(), "main");
    if (!handle_) {
      throw db::Error(sqlite3_extended_errcode(dest.handle()), sqlite3_errmsg(dest.handle()));
    }
  }
  ~OnlineBackup() {
    if (handle_) sqlite3_backup_finish(handle_);
  }
  OnlineBackup(const OnlineBackup&) = delete;
  OnlineBackup& operator=(const OnlineBackup&) = delete;

  // Copies every page, kPagesPerStep at a time, backing off while a lock is busy.
  void run() {
    int busy = 0;
    for (;;) {
      int rc = sqlite3_backup_step(handle_, kPagesPerStep);
      if (rc == SQLITE_DONE) break;
      if (rc == SQLITE_OK) continue;
      int primary = rc & 0xff;
      if ((primary == SQLITE_BUSY || primary == SQLITE_LOCKED) && ++busy <= kMaxBusyRetries) {
        sqlite3_sleep(std::min(kMaxBackoffMs, 5 * busy));
        continue;
      }
      throw db::Error(rc, sqlite3_errstr(rc));
    }
    int rc = sqlite3_backup_finish(handle_);
    handle_ = nullptr;
    if (rc != SQLITE_OK) {
      throw db::Error(sqlite3_extended_errcode(dest_.handle()), sqlite3_errmsg(dest_.handle()));
    }
  }

 private:
  db::Connection& dest_;
  sqlite3_backup* handle_ = nullptr;
};

// Every row of PRAGMA integrity_check: {"ok"} for a sound database.
std::vector<std::string> integrity_problems(db::Connection& c) {
  auto q = c.prepare("PRAGMA integrity_check");
  std::vector<std::string> rows;
  while (q.step()) rows.push_back(q.text(0));
  return rows;
}

// Copies the open source into `tmp` and leaves a checked, standalone database there.
// Returns the number of articles in the copy.
std::int64_t copy_database(db::Connection& source, const std::string& tmp) {
  db::Connection dest(tmp, db::OpenMode::read_write);
  dest.exec("PRAGMA synchronous = FULL");
  {
    // Why a held read transaction: without one, each step takes a fresh snapshot, and a
    // write by another connection (the server) between two steps makes SQLite restart
    // the copy from page 1, so a busy site could keep a backup going forever. Inside one
    // transaction every step reads the same snapshot, nothing restarts, and the work is
    // bounded by the snapshot's page count. In WAL mode the open reader blocks no writer;
    // it only holds checkpoints back until the copy is done.
    ReadSnapshot snapshot(source);
    OnlineBackup backup(dest, source);
    backup.run();
  }
  // The pages carry the source's WAL flag; a backup must open alone, without a -wal.
  {
    auto mode = dest.prepare("PRAGMA journal_mode = DELETE");
    if (!mode.step() || mode.text(0) != "delete") {
      throw BackupFailure(tmp + ": cannot switch the copy to journal_mode DELETE");
    }
  }
  auto problems = integrity_problems(dest);
  if (problems.size() != 1 || problems[0] != "ok") {
    throw BackupFailure("the copy failed PRAGMA integrity_check (" +
                        (problems.empty() ? std::string("no answer") : problems[0]) +
                        "); nothing was written");
  }
  return dest.query_int("SELECT count(*) FROM articles").value_or(0);
}

}  // namespace

int run_backup(const Invocation& inv) {
  const auto& args = inv.args;
  if (args.empty()) {
    std::cerr << "gazette: backup needs the file to write (gazette backup [--db PATH] OUT.db)\n";
    return 2;
  }
  if (args.size() > 1) {
    std::cerr << "gazette: backup takes one output file (got also \"" << args[1] << "\")\n";
    return 2;
  }
  if (args[0].empty()) {
    std::cerr << "gazette: backup needs a file name to write to (got \"\")\n";
    return 2;
  }
  // Only errors may be logged: stdout carries the command's answer.
  setup_logging("error");
  const std::string& out = args[0];
  const std::string& source_path = inv.config.db;
  try {
    auto opened = db::open_database(source_path);
    check_target(out, source_path, inv.config.force);
    TempCopy tmp(out, source_path);
    std::int64_t articles = copy_database(*opened.connection, tmp.path());
    tmp.place_at(out, inv.config.force);
    std::cout << "backed up " << articles << (articles == 1 ? " article" : " articles") << " to "
              << out << "\n";
    return 0;
  } catch (const db::OpenError& e) {
    std::cerr << "gazette: " << e.what() << "\n";
  } catch (const BackupFailure& e) {
    std::cerr << "gazette: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "gazette: cannot back up " << source_path << " to " << out << ": " << e.what()
              << "\n";
  }
  return 1;
}

}  // namespace gazette
