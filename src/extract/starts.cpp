// The shared start pass (extract/starts.h).
#include "extract/starts.h"

#include <algorithm>

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
  // Each search resumes one character after the last start, so starts inside another match
  // ("Taastrup" in "Høje-Taastrup") are found too.
  for (size_t pos = 0; pos < t.size() && any_->Match(all, pos, t.size(), RE2::UNANCHORED, &m, 1);) {
    size_t s = static_cast<size_t>(m.data() - t.data());
    hit.clear();
    RE2::Set::ErrorInfo error{};
    const re2::StringPiece from(t.data() + s, t.size() - s);
    if (!which_->Match(from, &hit, &error) && error.kind != RE2::Set::kNoError) {
      // The set's DFA gave up (its memory budget): ask each pattern on its own.
      for (size_t i = 0; i < each_.size(); ++i)
        if (each_[i]->Match(from, 0, from.size(), RE2::ANCHOR_START, nullptr, 0)) hit.push_back(static_cast<int>(i));
    }
    for (int i : hit) {
      auto& v = out.at[static_cast<size_t>(kind_of_[static_cast<size_t>(i)])];
      if (v.empty() || v.back() != s) v.push_back(static_cast<uint32_t>(s));  // a kind given twice
    }
    pos = s;
    text::next_cp(t, pos);
    if (pos == s) break;
  }
}

}  // namespace sagsindeks
