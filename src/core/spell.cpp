// Hunspell wrapper: one lock around the dictionary, answers cached per word form.
#include "core/spell.h"

#include <hunspell/hunspell.hxx>
#include <sys/stat.h>

#include <atomic>

namespace sagsindeks {

Result<std::shared_ptr<Speller>> Speller::open(const std::string& dictionary) {
  std::string aff = dictionary + ".aff", dic = dictionary + ".dic";
  struct stat st {};
  if (stat(aff.c_str(), &st) != 0 || stat(dic.c_str(), &st) != 0)
    return Error{"dictionary", dictionary + ".{aff,dic}: Hunspell dictionary not found; install hunspell-da "
                               "or pass --dictionary PATH (without extension)"};
  std::shared_ptr<Speller> s(new Speller());
  s->hs_ = std::make_unique<Hunspell>(aff.c_str(), dic.c_str());
  static std::atomic<uint64_t> next_id{1};
  s->id_ = next_id++;
  return s;
}

Speller::~Speller() = default;

namespace {
// The per-thread cache and the speller it answers for.
struct ThreadCache {
  std::unordered_map<std::string, bool> forms;
  uint64_t id = 0;
};
thread_local ThreadCache local;
}  // namespace

bool Speller::correct(const std::string& w) const {
  if (w.size() > kMaxCachedBytes) {
    std::lock_guard<std::mutex> lock(mu_);
    return hs_->spell(w);
  }
  // A cache per thread in front of the shared one: the same word forms recur in every letter, and
  // taking the shared lock for each of them made the analysing threads wait on one another
  // (futex calls, +0.5 s of system time on 20 000 letters at -j 2). Keyed by the speller's id, so
  // a thread never answers from another dictionary's words.
  if (local.id != id_) {
    local.forms.clear();
    local.id = id_;
  }
  if (auto it = local.forms.find(w); it != local.forms.end()) return it->second;
  bool ok;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(w);
    if (it != cache_.end()) {
      ok = it->second;
    } else {
      ok = hs_->spell(w);
      // Emptied, not trimmed: the recurring forms come back within a letter or two, and a
      // clear is cheaper than keeping an eviction order.
      if (cache_.size() >= kSharedCacheCap) cache_ = {};
      cache_.emplace(w, ok);
    }
  }
  if (local.forms.size() >= kThreadCacheCap) local.forms = {};  // `= {}` frees the buckets too
  local.forms.emplace(w, ok);
  return ok;
}

Speller::CacheSizes Speller::cache_sizes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {cache_.size(), local.id == id_ ? local.forms.size() : 0};
}

}  // namespace sagsindeks
