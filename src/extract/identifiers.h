// Case numbers and document numbers: the value after a label from the label lexicons.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "core/result.h"
#include "core/types.h"

namespace sagsindeks {

class IdentifierExtractor {
 public:
  // Reads sagsnr_etiketter.txt and doknr_etiketter.txt. Cost: two RE2 compilations.
  static Result<std::shared_ptr<const IdentifierExtractor>> create(const std::string& lexdir);
  // Fills a.case_numbers and a.document_numbers (unique by value, in text order).
  void run(const Document& doc, Analysis& a) const;

 private:
  std::unique_ptr<RE2> case_re_, doc_re_, case_line_, doc_line_, value_line_;
  std::array<bool, 256> case_opens_{}, doc_opens_{};  // bytes a label line's label can open with
};

}  // namespace sagsindeks
