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

bool Speller::correct(const std::string& w) const {
  // A cache per thread in front of the shared one: the same word forms recur in every letter, and
  // taking the shared lock for each of them made the analysing threads wait on one another
  // (futex calls, +0.5 s of system time on 20 000 letters at -j 2). Keyed by the speller's id, so
  // a thread never answers from another dictionary's words.
  thread_local std::unordered_map<std::string, bool> local;
  thread_local uint64_t local_id = 0;
  if (local_id != id_) {
    local.clear();
    local_id = id_;
  }
  if (auto it = local.find(w); it != local.end()) return it->second;
  bool ok;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(w);
    if (it != cache_.end()) {
      ok = it->second;
    } else {
      ok = hs_->spell(w);
      if (cache_.size() > 200000) cache_.clear();  // bound memory on hostile input
      cache_.emplace(w, ok);
    }
  }
  if (local.size() > 200000) local.clear();
  local.emplace(w, ok);
  return ok;
}

}  // namespace sagsindeks
