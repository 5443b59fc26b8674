// Thread-safe Hunspell da_DK checker with a per-word cache (Hunspell itself is not thread-safe).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/result.h"

class Hunspell;

namespace sagsindeks {

class Speller {
 public:
  // `dictionary` is the path without extension: "/usr/share/hunspell/da_DK" reads .aff and .dic.
  // Cost: ~0.3 s and ~30 MB to load the Danish dictionary; load once and share.
  static Result<std::shared_ptr<Speller>> open(const std::string& dictionary);
  ~Speller();
  bool correct(const std::string& utf8_word) const;

  // The answers are cached per word form: in one cache shared by the threads and in one per thread
  // in front of it. Each is emptied when it reaches its cap, so memory stays bounded however many
  // distinct words a run meets (at most ~150 bytes an entry: ~5 MB shared, ~0.6 MB per thread);
  // words longer than kMaxCachedBytes are asked each time. Before, the caps were 200 000 entries
  // each (~30 MB per cache when full).
  static constexpr size_t kSharedCacheCap = 1u << 15;
  static constexpr size_t kThreadCacheCap = 1u << 12;
  static constexpr size_t kMaxCachedBytes = 64;
  struct CacheSizes {
    size_t shared, this_thread;
  };
  CacheSizes cache_sizes() const;  // for tests: the entries held now

 private:
  Speller() = default;
  std::unique_ptr<Hunspell> hs_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, bool> cache_;
  uint64_t id_ = 0;  // distinct per opened dictionary: names the per-thread caches
};

}  // namespace sagsindeks
