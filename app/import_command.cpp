// gazette import [--db PATH] FILE... — .jsonl records and .md files with front matter (a
// directory stands for every .md/.jsonl file under it), upserted by slug in one
// transaction: the first invalid record aborts with FILE:LINE: field: message and
// nothing is imported. Records stream into the open transaction, so memory stays flat
// whatever the size of the import.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "app/commands.h"
#include "content/dates.h"
#include "content/front_matter.h"
#include "content/jsonl.h"
#include "content/validate.h"
#include "db/articles.h"
#include "db/database.h"

namespace gazette {

namespace fs = std::filesystem;

namespace {

// Where a record came from, for messages.
struct Location {
  std::string file;
  int line = 0;
  std::string describe() const { return file + ":" + std::to_string(line); }
};

// An import that cannot go on; the message is the whole line for stderr.
struct ImportError {
  std::string message;
};

bool is_markdown(const fs::path& p) {
  return p.extension() == ".md" || p.extension() == ".markdown";
}
bool is_jsonl(const fs::path& p) {
  return p.extension() == ".jsonl";
}

// The files the arguments name, in order; a directory contributes its .md and .jsonl
// files, sorted, so an import is repeatable.
std::vector<fs::path> collect_files(const std::vector<std::string>& args) {
  std::vector<fs::path> files;
  for (const auto& arg : args) {
    std::error_code ec;
    auto status = fs::status(arg, ec);
    if (ec || !fs::exists(status)) throw ImportError{arg + ": no such file or directory"};
    if (fs::is_directory(status)) {
      std::vector<fs::path> found;
      for (fs::recursive_directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file() && (is_markdown(it->path()) || is_jsonl(it->path()))) {
          found.push_back(it->path());
        }
      }
      if (ec) throw ImportError{arg + ": cannot list the directory (" + ec.message() + ")"};
      if (found.empty()) throw ImportError{arg + ": no .md or .jsonl file in this directory"};
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (is_markdown(arg) || is_jsonl(arg)) {
      files.emplace_back(arg);
    } else {
      throw ImportError{arg + ": not a .jsonl or .md file"};
    }
  }
  return files;
}

std::string read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImportError{path.string() + ": cannot read it (" + std::strerror(errno) + ")"};
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad())
    throw ImportError{path.string() + ": cannot read it (" + std::strerror(errno) + ")"};
  return ss.str();
}

// The message for a record that failed validation: its first problem, and how many more.
std::string field_error_message(const Location& where, const std::vector<FieldError>& errors,
                                int line) {
  std::string msg = where.file + ":" + std::to_string(line) + ": " + errors.front().field + ": " +
                    errors.front().message;
  if (errors.size() > 1) {
    msg += " (and " + std::to_string(errors.size() - 1) + " more problem" +
           (errors.size() > 2 ? "s" : "") + " in this record)";
  }
  return msg;
}

// One record ready to be written, or the line that stops the import, in input order.
struct Record {
  Article article;  // normalised and validated
  Location where;
  std::vector<std::string> warnings;  // for stderr, before the record is written
  std::optional<std::string> error;   // set: the import stops here with this message
};

// Reads, parses and validates the files on a thread of its own, ahead of the writer,
// and hands the records over in input order. Parsing and validation are a tenth of an
// import's CPU time; here they run on the other core while the writer renders and
// indexes. The first bad record ends the reading: what comes after is never read, as
// when it all ran on one thread. The queue is bounded, so memory stays flat.
class Reader {
 public:
  Reader(std::vector<fs::path> files, std::string now)
      : files_(std::move(files)), now_(std::move(now)), thread_([this] { run(); }) {}

  // Stops the reading thread (the writer may give up early) and waits for it.
  ~Reader() {
    {
      std::lock_guard lock(m_);
      stopping_ = true;
    }
    changed_.notify_all();
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // The next batch of records in order; empty at the end. Rethrows what the reading
  // thread could not turn into a record (bad_alloc, say).
  std::vector<Record> next() {
    std::unique_lock lock(m_);
    changed_.wait(lock, [this] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
      if (failure_) std::rethrow_exception(failure_);
      return {};
    }
    std::vector<Record> batch = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return batch;
  }

 private:
  static constexpr std::size_t kBatch = 64;      // records handed over at a time
  static constexpr std::size_t kMaxBatches = 8;  // read ahead at most this many

  void run() {
    try {
      for (const auto& f : files_) {
        if (is_markdown(f)) {
          read_markdown(f.string(), read_whole_file(f));
        } else {
          read_jsonl(f);
        }
        if (stopped_) break;
      }
    } catch (const ImportError& e) {
      Record r;
      r.error = e.message;
      add(std::move(r));
    } catch (...) {
      std::lock_guard lock(m_);
      failure_ = std::current_exception();
    }
    flush();
    std::lock_guard lock(m_);
    done_ = true;
    changed_.notify_all();
  }

  void read_markdown(const std::string& file, const std::string& text) {
    auto parsed = parse_front_matter_document(text);
    if (auto* err = std::get_if<ParseError>(&parsed)) {
      throw ImportError{file + ":" + std::to_string(err->line) + ": " +
                        (err->field.empty() ? "" : err->field + ": ") + err->message};
    }
    auto& doc = std::get<ParsedDocument>(parsed);
    auto errors = normalize_and_validate(doc.article, now_);
    Record r;
    r.warnings.reserve(doc.warnings.size());
    for (const auto& w : doc.warnings) r.warnings.push_back(file + ": warning: " + w);
    if (!errors.empty()) {
      auto line = doc.field_lines.find(errors.front().field);
      int at = line != doc.field_lines.end()             ? line->second
               : errors.front().field == "body_markdown" ? doc.body_line
                                                         : 1;
      r.error = field_error_message({file, at}, errors, at);
    } else {
      int at = doc.field_lines.count("slug") ? doc.field_lines.at("slug") : 1;
      r.article = std::move(doc.article);
      r.where = {file, at};
    }
    add(std::move(r));
  }

  // A line at a time: a JSON Lines file may be larger than the memory to spare.
  void read_jsonl(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ImportError{path.string() + ": cannot read it (" + std::strerror(errno) + ")"};
    const std::string file = path.string();
    std::string line;
    int line_no = 0;
    while (!stopped_ && std::getline(in, line)) {
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      auto parsed = parse_article_record(line);
      if (auto* err = std::get_if<RecordError>(&parsed)) {
        std::string where = file + ":" + std::to_string(line_no) + ": ";
        if (!err->field.empty()) where += err->field + ": ";
        if (err->column > 0) where += "column " + std::to_string(err->column) + ": ";
        throw ImportError{where + err->message};
      }
      auto& article = std::get<Article>(parsed);
      auto errors = normalize_and_validate(article, now_);
      if (!errors.empty()) throw ImportError{field_error_message({file, line_no}, errors, line_no)};
      Record r;
      r.article = std::move(article);
      r.where = {file, line_no};
      add(std::move(r));
    }
    if (in.bad()) throw ImportError{file + ": cannot read it (" + std::strerror(errno) + ")"};
  }

  // Queues `r`; the reading stops after a record carrying an error.
  void add(Record r) {
    bool last = r.error.has_value();
    pending_.push_back(std::move(r));
    if (pending_.size() >= kBatch || last) flush();
    if (last) stopped_ = true;
  }

  // Hands the pending records over, waiting while the writer is kMaxBatches behind.
  void flush() {
    if (pending_.empty()) return;
    std::unique_lock lock(m_);
    changed_.wait(lock, [this] { return queue_.size() < kMaxBatches || stopping_; });
    if (stopping_) {
      stopped_ = true;
    } else {
      queue_.push_back(std::move(pending_));
      changed_.notify_all();
    }
    pending_.clear();
  }

  const std::vector<fs::path> files_;
  const std::string now_;
  std::vector<Record> pending_;  // reading thread only
  bool stopped_ = false;         // reading thread only: read no further

  std::mutex m_;  // guards what follows
  std::condition_variable changed_;
  std::deque<std::vector<Record>> queue_;
  bool done_ = false;      // the reading thread has queued its last batch
  bool stopping_ = false;  // the writer is gone: stop reading
  std::exception_ptr failure_;

  std::jthread thread_;  // last: started once everything above exists, joined first
};

// Writes the records a Reader hands over, in order, through one ArticleWriter.
class Importer {
 public:
  Importer(db::Connection& c, std::string now, const db::RelatedWeights& w)
      : writer_(c, std::move(now), w), progress_(isatty(STDERR_FILENO) == 1) {}

  void import_files(std::vector<fs::path> files, const std::string& now) {
    Reader reader(std::move(files), now);
    for (auto batch = reader.next(); !batch.empty(); batch = reader.next()) {
      for (auto& r : batch) {
        for (const auto& w : r.warnings) {
          clear_progress();
          std::cerr << w << "\n";
        }
        if (r.error) throw ImportError{*r.error};
        put(r.article, std::move(r.where));
      }
    }
  }

  // Pins, related lists, commit; returns the summary.
  db::SaveResult finish() {
    auto err = writer_.finish([this](std::size_t done, std::size_t total) {
      if (progress_) std::cerr << "\rrelated lists: " << done << " of " << total << std::flush;
    });
    clear_progress();
    if (err) {
      throw ImportError{locations_[err->index].describe() + ": " + err->error.field + ": " +
                        err->error.message};
    }
    return writer_.result();
  }

 private:
  void put(const Article& a, Location where) {
    auto [it, inserted] = seen_.emplace(a.slug, locations_.size());
    if (!inserted) {
      throw ImportError{where.describe() + ": slug: \"" + a.slug + "\" is also the slug of " +
                        locations_[it->second].describe()};
    }
    locations_.push_back(std::move(where));
    writer_.put(a);
    if (progress_ && locations_.size() % 500 == 0) {
      std::cerr << "\rimporting: " << locations_.size() << " articles" << std::flush;
    }
  }

  void clear_progress() {
    if (progress_) std::cerr << "\r\033[K" << std::flush;
  }

  db::ArticleWriter writer_;
  bool progress_;
  std::vector<Location> locations_;                    // by put() index
  std::unordered_map<std::string, std::size_t> seen_;  // slug -> put() index
};

}  // namespace

int run_import(const Invocation& inv) {
  if (inv.args.empty()) {
    std::cerr << "gazette: import needs at least one FILE (.jsonl, .md, or a directory)\n";
    return 2;
  }
  try {
    auto files = collect_files(inv.args);
    auto opened = db::open_database(inv.config.db);
    // The import is one transaction that outgrows SQLite's default 2 MiB page cache many
    // times over: every index page it touches again (FTS5 segments, tags, related) was
    // spilled to the WAL and is read back from there, a lookup in a WAL index of up to a
    // million frames each time (a tenth of a 100k import). 256 MiB keeps them, and only
    // for this command.
    opened.connection->exec("PRAGMA cache_size = -262144");
    // Statement journals (a write to pages the transaction already changed, as the
    // related-list updates of a write are) in memory: on disk they were 1,100 writes to
    // a temporary file for one article at 100,000 articles, a few milliseconds.
    opened.connection->exec("PRAGMA temp_store = MEMORY");
    db::SaveResult result;
    {
      std::string now = now_iso8601();
      Importer importer(*opened.connection, now, inv.config.related);
      importer.import_files(files, now);
      result = importer.finish();
    }
    int total = result.created + result.updated + result.unchanged;
    std::cout << "imported " << total << " article" << (total == 1 ? "" : "s") << " from "
              << files.size() << " file" << (files.size() == 1 ? "" : "s") << ": " << result.created
              << " created, " << result.updated << " updated, " << result.unchanged
              << " unchanged\n";
    return 0;
  } catch (const ImportError& e) {
    std::cerr << "gazette: " << e.message << "\n";
  } catch (const db::OpenError& e) {
    std::cerr << "gazette: " << e.what() << "\n";
  } catch (const db::Error& e) {
    std::cerr << "gazette: " << inv.config.db << ": " << e.what() << "; nothing was imported\n";
  }
  return 1;
}

}  // namespace gazette
