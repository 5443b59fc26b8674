// Signatories: the names in the signature block, with the role the block gives them.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "core/re.h"

#include "core/result.h"
#include "core/types.h"
#include "extract/starts.h"
#include "extract/names.h"

namespace sagsindeks {

class SignatoryExtractor {
 public:
  // Reads hilsner.txt, byline.txt and titler.tsv. Cost: two RE2 compilations.
  static Result<std::shared_ptr<const SignatoryExtractor>> create(const std::string& lexdir,
                                                                   std::shared_ptr<const NameChecker> names);
  void run(const Document& doc, Analysis& a) const;
  // The same with the starts of the shared pass (extract/starts.h); run() above finds its own.
  void run(const Document& doc, Analysis& a, const Starts& starts) const;
  // Kind and pattern of each start this extractor's rules open with, for the shared pass.
  std::vector<std::pair<StartKind, std::string>> start_patterns() const;

 private:
  std::shared_ptr<const StartFinder> own_starts_;  // this extractor's start patterns alone
  std::shared_ptr<const NameChecker> names_;
  std::vector<std::pair<std::string, std::string>> titles_;  // (title word, role)
  std::unique_ptr<RE2> closing_, closing_scan_, name_line_, byline_;
  std::unique_ptr<Latin1Groups> name_line_groups_;  // name_line_'s groups, cheaply (core/re.h)
  // The bytes a line matching name_line_ can open with (after spaces): a capital, a byte of a
  // multi-byte character, or a mayor's title's first letter in either case.
  std::array<bool, 256> name_line_opens_{};
  std::string closing_start_;  // the closing formulas alone: where closing_scan_ can start
  std::string role_of(std::string_view line) const;
  std::string leading_title_role(std::string_view line) const;
};

}  // namespace sagsindeks
