// Case numbers and document numbers: the value after a label from the label lexicons.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "core/re.h"
#include "core/result.h"
#include "core/types.h"
#include "extract/starts.h"

namespace sagsindeks {

class IdentifierExtractor {
 public:
  // Reads sagsnr_etiketter.txt and doknr_etiketter.txt. Cost: two RE2 compilations.
  static Result<std::shared_ptr<const IdentifierExtractor>> create(const std::string& lexdir);
  // Fills a.case_numbers and a.document_numbers (unique by value, in text order).
  void run(const Document& doc, Analysis& a) const;
  // The same with the starts of the shared pass (extract/starts.h); run() above finds its own.
  void run(const Document& doc, Analysis& a, const Starts& starts) const;
  // Kind and pattern of each start this extractor's rules open with, for the shared pass.
  std::vector<std::pair<StartKind, std::string>> start_patterns() const;

 private:
  std::shared_ptr<const StartFinder> own_starts_;  // this extractor's start patterns alone
  std::unique_ptr<RE2> case_re_, doc_re_, case_line_, doc_line_, value_line_;
  std::unique_ptr<Latin1Groups> case_groups_, doc_groups_;  // case_re_'s and doc_re_'s groups (core/re.h)
  std::array<bool, 256> case_opens_{}, doc_opens_{};
  std::string case_start_, doc_start_;  // the label alternations alone: where the patterns' labels start  // bytes a label line's label can open with
};

}  // namespace sagsindeks
