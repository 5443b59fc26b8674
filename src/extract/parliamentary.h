// Parliamentary question references: number, series (alm. del, L 12, § 20) and committee.
#pragma once
#include <memory>
#include <string>

#include <re2/re2.h>

#include "core/result.h"
#include "core/types.h"

namespace sagsindeks {

class ParliamentaryExtractor {
 public:
  // Reads folketing.tsv. Cost: four RE2 compilations.
  static Result<std::shared_ptr<const ParliamentaryExtractor>> create(const std::string& lexdir);
  void run(const Document& doc, Analysis& a) const;

 private:
  std::unique_ptr<RE2> any_question_, question_, heading_, number_, chamber_, series_, marker_, committee_, committee_header_;
};

}  // namespace sagsindeks
