// Signatories: the names in the signature block, with the role the block gives them.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "core/result.h"
#include "core/types.h"
#include "extract/names.h"

namespace sagsindeks {

class SignatoryExtractor {
 public:
  // Reads hilsner.txt, byline.txt and titler.tsv. Cost: two RE2 compilations.
  static Result<std::shared_ptr<const SignatoryExtractor>> create(const std::string& lexdir,
                                                                   std::shared_ptr<const NameChecker> names);
  void run(const Document& doc, Analysis& a) const;

 private:
  std::shared_ptr<const NameChecker> names_;
  std::vector<std::pair<std::string, std::string>> titles_;  // (title word, role)
  std::unique_ptr<RE2> closing_, closing_scan_, name_line_, byline_;
  std::string role_of(std::string_view line) const;
  std::string leading_title_role(std::string_view line) const;
};

}  // namespace sagsindeks
