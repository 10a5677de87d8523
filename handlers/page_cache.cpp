// The rendered-page cache (see page_cache.h).
#include "handlers/page_cache.h"

#include <algorithm>
#include <functional>
#include <iterator>

#include "handlers/http.h"

namespace gazette {

namespace {

// What an entry costs beyond its body: key, headers, list and map nodes.
constexpr std::size_t kEntryOverhead = 512;

// Hands `body` (kept alive by `owner`) to the library as a content provider of known
// length: sent as it is, never compressed again, ranges and HEAD handled by the library.
void provide(httplib::Response& res, const std::string& content_type, const std::string& body,
             std::shared_ptr<const void> owner) {
  res.headers.erase("Content-Type");
  if (body.empty()) {
    res.set_content(std::string(), content_type);
    return;
  }
  res.set_content_provider(body.size(), content_type,
                           [owner = std::move(owner), data = body.data()](
                               std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             return sink.write(data + offset, length);
                           });
}

}  // namespace

CachedPage::CachedPage(std::string body, std::string content_type, std::string etag,
                       std::string cache_control, std::string last_modified, bool fit)
    : body_(std::move(body)),
      content_type_(std::move(content_type)),
      etag_(std::move(etag)),
      cache_control_(std::move(cache_control)),
      last_modified_(std::move(last_modified)) {
  // A rendered page arrives in the render's buffer, reserved at 32 KiB: kept as it is,
  // an article of 13 KiB would hold more than twice what cost() charges for it, and the
  // budget would not bound the memory.
  if (fit) body_.shrink_to_fit();
}

const std::string& CachedPage::encoded(Encoding e, Encoding& used) const {
  const std::string* out = &body_;
  if (e == Encoding::gzip) {
    std::call_once(gzip_once_, [this] {
      gzip_ = compress(body_, Encoding::gzip);
      gzip_.shrink_to_fit();
    });
    if (!gzip_.empty()) out = &gzip_;
  } else if (e == Encoding::brotli) {
    std::call_once(brotli_once_, [this] {
      brotli_ = compress(body_, Encoding::brotli);
      brotli_.shrink_to_fit();
    });
    if (!brotli_.empty()) out = &brotli_;
  }
  used = out == &body_ ? Encoding::identity : e;
  return *out;
}

std::string CachedPage::etag(Encoding e) const {
  if (e == Encoding::identity || etag_.size() < 2) return etag_;
  std::string tag = etag_.substr(0, etag_.size() - 1);
  tag += e == Encoding::gzip ? "-gz\"" : "-br\"";
  return tag;
}

CachedPage::Choice CachedPage::choose(std::string_view accept_encoding,
                                      std::optional<std::string_view> if_none_match) const {
  Choice choice;
  Encoding wanted =
      is_compressible(content_type_) ? choose_encoding(accept_encoding) : Encoding::identity;
  choice.body = &encoded(wanted, choice.used);
  choice.not_modified =
      if_none_match &&
      etag_matches_any(*if_none_match, {etag_, etag(Encoding::gzip), etag(Encoding::brotli)});
  return choice;
}

std::string CachedPage::response_head(const Choice& choice, std::string_view extra) const {
  std::string head;
  head.reserve(384 + extra.size());
  head += choice.not_modified ? "HTTP/1.1 304 Not Modified\r\n" : "HTTP/1.1 200 OK\r\n";
  head += "Cache-Control: ";
  head += cache_control_;
  head += "\r\n";
  if (!choice.not_modified) {
    if (choice.used != Encoding::identity) {
      head += "Content-Encoding: ";
      head += encoding_token(choice.used);
      head += "\r\n";
    }
    head += "Content-Length: ";
    head += std::to_string(choice.body->size());
    head += "\r\nContent-Type: ";
    head += content_type_;
    head += "\r\n";
  }
  head += "ETag: ";
  head += etag(choice.used);
  head += "\r\n";
  if (!last_modified_.empty()) {
    head += "Last-Modified: ";
    head += last_modified_;
    head += "\r\n";
  }
  if (is_compressible(content_type_)) head += "Vary: Accept-Encoding\r\n";
  head += extra;
  return head;
}

std::size_t CachedPage::cost() const {
  // The compressed variants are made later, on demand; for text they take about a
  // quarter of the body each, so they are charged up front at half the body.
  return body_.size() + body_.size() / 2 + content_type_.size() + etag_.size() +
         cache_control_.size() + last_modified_.size() + kEntryOverhead;
}

void send_page(const httplib::Request& req, httplib::Response& res,
               std::shared_ptr<const CachedPage> page) {
  std::optional<std::string_view> if_none_match;
  std::string if_none_match_value;
  if (req.has_header("If-None-Match")) {
    if_none_match_value = req.get_header_value("If-None-Match");
    if_none_match = if_none_match_value;
  }
  auto choice = page->choose(req.get_header_value("Accept-Encoding"), if_none_match);
  if (is_compressible(page->content_type())) res.set_header("Vary", "Accept-Encoding");
  res.set_header("Cache-Control", page->cache_control());
  if (!page->last_modified().empty()) res.set_header("Last-Modified", page->last_modified());
  // The tag of the coding this client gets (a 304 too), so a cache in front keeps the
  // right one.
  res.set_header("ETag", page->etag(choice.used));
  if (choice.not_modified) {
    res.status = 304;
    return;
  }
  if (choice.used != Encoding::identity) {
    res.set_header("Content-Encoding", encoding_token(choice.used));
  }
  res.status = 200;
  const std::string& type = page->content_type();
  const std::string& body = *choice.body;
  provide(res, type, body, std::move(page));
}

void send_body_encoded(const httplib::Request& req, httplib::Response& res) {
  if (res.body.empty() || res.has_header("Content-Encoding")) return;
  std::string type = res.get_header_value("Content-Type");
  auto body = std::make_shared<std::string>(std::move(res.body));
  res.body.clear();
  if (is_compressible(type)) {
    res.set_header("Vary", "Accept-Encoding");
    Encoding e = choose_encoding(req.get_header_value("Accept-Encoding"));
    if (std::string z = compress(*body, e); !z.empty()) {
      *body = std::move(z);
      res.set_header("Content-Encoding", encoding_token(e));
    }
  }
  const std::string& data = *body;
  provide(res, type, data, std::move(body));
}

namespace {

// The parameters the handlers read, in the order they go into a key.
constexpr std::string_view kKeyParams[] = {"page", "q"};

// The path and each value go in with their lengths, so that neither can imitate a
// parameter: the path is decoded, so /search%1Fq=1:a would otherwise be /search?q=a.
void append_key_part(std::string& key, std::string_view name, std::string_view value) {
  if (!name.empty()) {
    key += '\x1f';
    key += name;
    key += '=';
  }
  key += std::to_string(value.size());
  key += ':';
  key += value;
}

}  // namespace

std::string cache_key(const httplib::Request& req) {
  std::string key;
  append_key_part(key, {}, req.path);
  for (std::string_view name : kKeyParams) {
    std::string n(name);
    if (req.has_param(n)) append_key_part(key, name, req.get_param_value(n));
  }
  return key;
}

std::optional<std::string> cache_key_of_target(std::string_view target) {
  // Beyond this, the library percent-decodes, turns '+' into spaces in the query, and
  // splits the query at '&' and each parameter at its '='s; anything that would make
  // those steps do more than that is left to it.
  if (!target.starts_with('/')) return std::nullopt;
  for (char c : target) {
    if (c == '%' || c == '#' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return std::nullopt;
    }
  }
  auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::optional<std::string> values[std::size(kKeyParams)];
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    if (query.empty() || query.find('?') != std::string_view::npos) return std::nullopt;
    while (true) {
      auto amp = query.find('&');
      std::string_view param = query.substr(0, amp);
      auto eq = param.find('=');
      if (param.empty() || eq == 0 ||
          (eq != std::string_view::npos && param.find('=', eq + 1) != std::string_view::npos)) {
        return std::nullopt;
      }
      std::string_view name = param.substr(0, eq);
      for (std::size_t i = 0; i < std::size(kKeyParams); ++i) {
        if (name != kKeyParams[i]) continue;
        if (values[i]) return std::nullopt;  // which one the library takes is its business
        std::string value(eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1));
        std::replace(value.begin(), value.end(), '+', ' ');
        values[i] = std::move(value);
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  std::string key;
  append_key_part(key, {}, path);
  for (std::size_t i = 0; i < std::size(kKeyParams); ++i) {
    if (values[i]) append_key_part(key, kKeyParams[i], *values[i]);
  }
  return key;
}

PageCache::PageCache(std::size_t budget_bytes)
    : budget_(budget_bytes), shard_budget_(budget_bytes / kShards) {}

PageCache::Shard& PageCache::shard_for(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

bool PageCache::Shard::advance_to(std::uint64_t g) {
  if (g < generation) return false;
  if (g > generation) {
    lru.clear();
    index.clear();
    bytes = 0;
    generation = g;
  }
  return true;
}

std::shared_ptr<const CachedPage> PageCache::find(const std::string& key, std::uint64_t generation,
                                                  bool count_miss) {
  if (budget_ == 0) return nullptr;
  Shard& s = shard_for(key);
  {
    std::lock_guard lock(s.mutex);
    if (s.advance_to(generation)) {
      if (auto it = s.index.find(key); it != s.index.end()) {
        s.lru.splice(s.lru.begin(), s.lru, it->second);
        hits_.fetch_add(1, std::memory_order_relaxed);
        return it->second->second;
      }
    }
  }
  if (count_miss) misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void PageCache::insert(const std::string& key, std::shared_ptr<const CachedPage> page,
                       std::uint64_t generation) {
  if (budget_ == 0) return;
  std::size_t cost = page->cost() + key.size();
  // One entry may take at most a quarter of its shard, so a few huge pages (a sitemap of
  // 100,000 articles) cannot push out hundreds of articles.
  if (cost > shard_budget_ / 4) return;
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  if (!s.advance_to(generation)) return;
  if (auto it = s.index.find(key); it != s.index.end()) {
    s.bytes -= it->second->second->cost() + key.size();
    s.lru.erase(it->second);
    s.index.erase(it);
  }
  s.lru.emplace_front(key, std::move(page));
  s.index.emplace(key, s.lru.begin());
  s.bytes += cost;
  while (s.bytes > shard_budget_ && !s.lru.empty()) {
    auto& last = s.lru.back();
    s.bytes -= last.second->cost() + last.first.size();
    s.index.erase(last.first);
    s.lru.pop_back();
  }
}

PageCache::Flight PageCache::join(const std::string& key, std::uint64_t generation) {
  Flight f;
  if (budget_ == 0) {
    f.leads_ = true;
    return f;
  }
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  auto it = s.flights.find(key);
  if (it != s.flights.end() && it->second.first == generation) {
    f.state_ = it->second.second;
    return f;
  }
  f.leads_ = true;
  f.cache_ = this;
  f.key_ = key;
  f.state_ = std::make_shared<Flight::State>();
  s.flights[key] = {generation, f.state_};  // replaces a flight of an older generation
  return f;
}

std::shared_ptr<const CachedPage> PageCache::Flight::wait(std::chrono::milliseconds patience) {
  if (!state_) return nullptr;
  std::unique_lock lock(state_->mutex);
  state_->landed_cv.wait_for(lock, patience, [this] { return state_->landed; });
  return state_->page;
}

void PageCache::Flight::land(std::shared_ptr<const CachedPage> page) {
  if (!leads_ || !state_) return;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->landed) return;
    state_->landed = true;
    state_->page = std::move(page);
  }
  state_->landed_cv.notify_all();
  if (cache_) {
    Shard& s = cache_->shard_for(key_);
    std::lock_guard lock(s.mutex);
    // Only this flight's own entry: a newer generation's may have replaced it.
    if (auto it = s.flights.find(key_); it != s.flights.end() && it->second.second == state_) {
      s.flights.erase(it);
    }
  }
}

PageCache::Stats PageCache::stats() {
  Stats out;
  out.hits = hits_.load();
  out.misses = misses_.load();
  for (Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    out.entries += s.index.size();
    out.bytes += s.bytes;
  }
  return out;
}

}  // namespace gazette
