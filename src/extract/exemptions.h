// Requested, granted or discussed exemptions from rules, by area, with the requesting municipalities.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "core/result.h"
#include "core/types.h"
#include "extract/starts.h"

namespace sagsindeks {

class ExemptionExtractor {
 public:
  // Reads undtagelser.tsv. Cost: one small file.
  static Result<std::shared_ptr<const ExemptionExtractor>> create(const std::string& lexdir);
  // Fills a.exemptions, one per area. Run after municipalities (requested_by reads them).
  void run(const Document& doc, Analysis& a) const;
  // The same with the starts of the shared pass (extract/starts.h); run() above finds its own.
  void run(const Document& doc, Analysis& a, const Starts& starts) const;
  // Kind and pattern of each start this extractor's rules open with, for the shared pass.
  std::vector<std::pair<StartKind, std::string>> start_patterns() const;

 private:
  std::shared_ptr<const StartFinder> own_starts_;  // this extractor's start patterns alone
  std::vector<std::string> triggers_;
  std::vector<std::pair<std::string, std::string>> areas_;    // (phrase, area)
  std::vector<std::string> general_;
  // The area phrases, then the general ones, as literals: which of them occur in a sentence at
  // all, in one DFA pass, before each is looked for at a word start.
  std::unique_ptr<RE2::Set> phrases_;
  std::unique_ptr<RE2> trigger_re_;  // all triggers, case-insensitive, at a word start
};

}  // namespace sagsindeks
