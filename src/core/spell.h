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

 private:
  Speller() = default;
  std::unique_ptr<Hunspell> hs_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, bool> cache_;
  uint64_t id_ = 0;  // distinct per opened dictionary: names the per-thread caches
};

}  // namespace sagsindeks
