// The shared start pass (extract/starts.h).
#include "extract/starts.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "core/re.h"
#include "core/text.h"

namespace sagsindeks {

Result<std::shared_ptr<const StartFinder>> StartFinder::create(
    const std::vector<std::pair<StartKind, std::string>>& patterns) {
  auto f = std::make_shared<StartFinder>();
  RE2::Options so = re_options();
  so.set_never_capture(true);
  f->which_ = std::make_unique<RE2::Set>(so, RE2::ANCHOR_START);
  std::string alt;
  for (const auto& [kind, p] : patterns) {
    std::string error;
    if (f->which_->Add(p, &error) < 0) return Error{"lexicon", "start pattern does not compile: " + error};
    f->kind_of_.push_back(kind);
    f->each_.push_back(std::make_unique<RE2>(p, so));
    // (?:(?i)...) keeps a pattern's flags inside its own group.
    alt += (alt.empty() ? "(?:" : "|(?:") + p + ")";
  }
  if (patterns.empty()) alt = "[^\\x00-\\x{10FFFF}]";  // matches nothing
  for (size_t k = 0; k < kStartKinds; ++k) {
    std::string others;
    for (const auto& [kind, p] : patterns) {
      if (static_cast<size_t>(kind) == k) {
        f->present_[k] = true;
        continue;
      }
      others += (others.empty() ? "(?:" : "|(?:") + p + ")";
    }
    if (!f->present_[k] || others.empty()) continue;
    f->has_others_[k] = true;
    f->others_[k] = std::make_unique<RE2>(others, so);
    if (!f->others_[k]->ok()) return Error{"lexicon", "start patterns do not compile together: " + f->others_[k]->error()};
  }
  if (!f->which_->Compile()) return Error{"lexicon", "start patterns do not compile as a set"};
  f->any_ = std::make_unique<RE2>(alt, so);
  if (!f->any_->ok()) return Error{"lexicon", "start patterns do not compile together: " + f->any_->error()};
  return std::shared_ptr<const StartFinder>(f);
}

void StartFinder::find(std::string_view t, Starts& out) const {
  for (auto& v : out.at) v.clear();
  const re2::StringPiece all(t.data(), t.size());
  re2::StringPiece m;
  thread_local std::vector<int> hit;  // kept between documents: no allocation per document
  // The guesses (below), per thread and finder: a kind, or kStartKinds for none yet. 64 KiB.
  thread_local std::unordered_map<const StartFinder*, std::unique_ptr<std::array<uint8_t, 1 << 16>>> guesses;
  auto& slot = guesses[this];
  if (!slot) {
    slot = std::make_unique<std::array<uint8_t, 1 << 16>>();
    slot->fill(static_cast<uint8_t>(kStartKinds));
  }
  std::array<uint8_t, 1 << 16>& guess_ = *slot;
  // Each search resumes one character after the last start, so starts inside another match
  // ("Taastrup" in "Høje-Taastrup") are found too.
  for (size_t pos = 0; pos < t.size() && any_->Match(all, pos, t.size(), RE2::UNANCHORED, &m, 1);) {
    size_t s = static_cast<size_t>(m.data() - t.data());
    const re2::StringPiece from(t.data() + s, t.size() - s);
    // Which kinds start here. Some pattern matches anchored at s (any_'s match is one), so when
    // no pattern of any kind but k matches there, k alone starts at s: one anchored DFA match
    // (~0.9 k instructions) instead of the set's (~1.3 k with the three allocations it makes for
    // its result). k is a guess, the kind last seen alone after the same two bytes; a wrong guess
    // costs that match more and the set decides, so the guess never changes the result.
    const size_t key = static_cast<size_t>(static_cast<unsigned char>(t[s])) << 8 |
                       (s + 1 < t.size() ? static_cast<unsigned char>(t[s + 1]) : 0u);
    const uint8_t guess = guess_[key];
    if (guess < kStartKinds &&
        (!has_others_[guess] || !others_[guess]->Match(from, 0, from.size(), RE2::ANCHOR_START, nullptr, 0))) {
      out.at[guess].push_back(static_cast<uint32_t>(s));
      pos = s;
      text::next_cp(t, pos);
      if (pos == s) break;
      continue;
    }
    hit.clear();
    RE2::Set::ErrorInfo error{};
    if (!which_->Match(from, &hit, &error) && error.kind != RE2::Set::kNoError) {
      // The set's DFA gave up (its memory budget): ask each pattern on its own.
      for (size_t i = 0; i < each_.size(); ++i)
        if (each_[i]->Match(from, 0, from.size(), RE2::ANCHOR_START, nullptr, 0)) hit.push_back(static_cast<int>(i));
    }
    uint8_t alone = kStartKinds;  // the one kind found here, if one
    for (int i : hit) {
      const auto k = static_cast<size_t>(kind_of_[static_cast<size_t>(i)]);
      auto& v = out.at[k];
      if (v.empty() || v.back() != s) {  // a kind given twice
        v.push_back(static_cast<uint32_t>(s));
        alone = alone == kStartKinds ? static_cast<uint8_t>(k) : kStartKinds + 1;
      }
    }
    if (alone < kStartKinds) guess_[key] = alone;
    pos = s;
    text::next_cp(t, pos);
    if (pos == s) break;
  }
}

}  // namespace sagsindeks
