// Where the extractors' patterns can start, found in one shared pass over a document: the
// identifier labels, municipality names, mayor titles, closing formulas, question words and
// exemption triggers. Each extractor then runs its own patterns anchored at its starts, instead
// of a whole-text RE2 search of its own (six DFA passes over every text became one).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "core/result.h"

namespace sagsindeks {

enum class StartKind : uint8_t { kCaseLabel, kDocLabel, kMunicipality, kMayorTitle, kClosing, kQuestion, kTrigger };
inline constexpr size_t kStartKinds = 7;

// Byte offsets, ascending, where each kind's start pattern matches when anchored there; every
// such offset is listed, overlapping ones too. A whole-text search for a pattern that must open
// with its kind's start pattern finds its leftmost match at the first of these offsets where the
// pattern matches anchored.
struct Starts {
  std::array<std::vector<uint32_t>, kStartKinds> at;
  const std::vector<uint32_t>& operator[](StartKind k) const { return at[static_cast<size_t>(k)]; }
};

class StartFinder {
 public:
  // `patterns`: a kind and an RE2 pattern that needs no context (no ^, $, \b: it is tested on
  // the text from the offset on) and never matches the empty string. A kind may appear more than
  // once. Cost: two RE2 compilations over all patterns, and one per kind over the other kinds'.
  static Result<std::shared_ptr<const StartFinder>> create(const std::vector<std::pair<StartKind, std::string>>& patterns);
  // Fills `out` (cleared first; its vectors keep their capacity for the next document). Cost:
  // one DFA pass over the text, then per offset where some pattern starts, a reverse DFA over
  // that match and one anchored DFA match that rules out all kinds but a guessed one (the set
  // match that names the kinds when the guess fails: ~5 % of starts). The guesses are kept per
  // thread (64 KiB a finder) and never change the result.
  void find(std::string_view text, Starts& out) const;

 private:
  std::unique_ptr<RE2> any_;       // the alternation of all patterns: where something starts
  std::unique_ptr<RE2::Set> which_;  // the same patterns anchored: which of them start there
  std::vector<StartKind> kind_of_;   // set index -> kind
  std::vector<std::unique_ptr<RE2>> each_;  // the patterns one by one, should the set's DFA give up
  // Per kind: the alternation of every other kind's patterns, and whether there is any. Where
  // `any_` matched and this does not match anchored, that kind alone starts there (see find).
  std::array<std::unique_ptr<RE2>, kStartKinds> others_;
  std::array<bool, kStartKinds> has_others_{};
  std::array<bool, kStartKinds> present_{};  // the kinds given at all
};

}  // namespace sagsindeks
