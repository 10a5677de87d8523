// The rendered-page cache (see page_cache.h).
#include "handlers/page_cache.h"

#include <functional>

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
                       std::string cache_control, std::string last_modified)
    : body_(std::move(body)),
      content_type_(std::move(content_type)),
      etag_(std::move(etag)),
      cache_control_(std::move(cache_control)),
      last_modified_(std::move(last_modified)) {}

const std::string& CachedPage::encoded(Encoding e, Encoding& used) const {
  const std::string* out = &body_;
  if (e == Encoding::gzip) {
    std::call_once(gzip_once_, [this] { gzip_ = compress(body_, Encoding::gzip); });
    if (!gzip_.empty()) out = &gzip_;
  } else if (e == Encoding::brotli) {
    std::call_once(brotli_once_, [this] { brotli_ = compress(body_, Encoding::brotli); });
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

bool CachedPage::matches(const httplib::Request& req) const {
  return etag_matches_any(req, {etag_, etag(Encoding::gzip), etag(Encoding::brotli)});
}

std::size_t CachedPage::cost() const {
  // The compressed variants are made later, on demand; for text they take about a
  // quarter of the body each, so they are charged up front at half the body.
  return body_.size() + body_.size() / 2 + content_type_.size() + etag_.size() +
         cache_control_.size() + last_modified_.size() + kEntryOverhead;
}

void send_page(const httplib::Request& req, httplib::Response& res,
               std::shared_ptr<const CachedPage> page) {
  Encoding wanted = Encoding::identity;
  if (is_compressible(page->content_type())) {
    res.set_header("Vary", "Accept-Encoding");
    wanted = choose_encoding(req.get_header_value("Accept-Encoding"));
  }
  res.set_header("Cache-Control", page->cache_control());
  if (!page->last_modified().empty()) res.set_header("Last-Modified", page->last_modified());
  if (page->matches(req)) {
    // The tag of the coding this client would get, so a cache in front keeps the right one.
    Encoding used = Encoding::identity;
    page->encoded(wanted, used);
    res.set_header("ETag", page->etag(used));
    res.status = 304;
    return;
  }
  Encoding used = Encoding::identity;
  const std::string& body = page->encoded(wanted, used);
  res.set_header("ETag", page->etag(used));
  if (used != Encoding::identity) res.set_header("Content-Encoding", encoding_token(used));
  res.status = 200;
  const std::string& type = page->content_type();
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

std::string cache_key(const httplib::Request& req) {
  // The path and each value go in with their lengths, so that neither can imitate a
  // parameter: the path is decoded, so /search%1Fq=1:a would otherwise be /search?q=a.
  std::string key = std::to_string(req.path.size());
  key += ':';
  key += req.path;
  for (const char* name : {"page", "q"}) {
    if (!req.has_param(name)) continue;
    std::string value = req.get_param_value(name);
    key += '\x1f';
    key += name;
    key += '=';
    key += std::to_string(value.size());
    key += ':';
    key += value;
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

std::shared_ptr<const CachedPage> PageCache::find(const std::string& key,
                                                  std::uint64_t generation) {
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
  misses_.fetch_add(1, std::memory_order_relaxed);
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
