// Hunspell wrapper: one lock around the dictionary, answers cached per word form.
#include "core/spell.h"

#include <hunspell/hunspell.hxx>
#include <sys/stat.h>

namespace sagsindeks {

Result<std::shared_ptr<Speller>> Speller::open(const std::string& dictionary) {
  std::string aff = dictionary + ".aff", dic = dictionary + ".dic";
  struct stat st {};
  if (stat(aff.c_str(), &st) != 0 || stat(dic.c_str(), &st) != 0)
    return Error{"dictionary", dictionary + ".{aff,dic}: Hunspell dictionary not found; install hunspell-da "
                               "or pass --dictionary PATH (without extension)"};
  std::shared_ptr<Speller> s(new Speller());
  s->hs_ = std::make_unique<Hunspell>(aff.c_str(), dic.c_str());
  return s;
}

Speller::~Speller() = default;

bool Speller::correct(const std::string& w) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(w);
  if (it != cache_.end()) return it->second;
  bool ok = hs_->spell(w);
  if (cache_.size() > 200000) cache_.clear();  // bound memory on hostile input
  cache_.emplace(w, ok);
  return ok;
}

}  // namespace sagsindeks
