// Parliamentary question references: number, series (alm. del, L 12, § 20) and committee.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "core/re.h"
#include "core/result.h"
#include "core/types.h"
#include "extract/starts.h"

namespace sagsindeks {

class ParliamentaryExtractor {
 public:
  // Reads folketing.tsv. Cost: eleven RE2 compilations and a start pass of its own.
  static Result<std::shared_ptr<const ParliamentaryExtractor>> create(const std::string& lexdir);
  void run(const Document& doc, Analysis& a) const;
  // The same with the starts of the shared pass (extract/starts.h); run() above finds its own.
  void run(const Document& doc, Analysis& a, const Starts& starts) const;
  // Kind and pattern of each start this extractor's rules open with, for the shared pass.
  std::vector<std::pair<StartKind, std::string>> start_patterns() const;

 private:
  std::shared_ptr<const StartFinder> own_starts_;  // this extractor's start patterns alone
  std::unique_ptr<RE2> any_question_, question_, heading_, number_, chamber_, series_, marker_, committee_, committee_header_;
  // The groups of the patterns above that have some, cheaply (core/re.h).
  std::unique_ptr<Latin1Groups> question_groups_, heading_groups_, number_groups_, chamber_groups_, series_groups_,
      committee_groups_, committee_header_groups_;
  // A word every match of committee_ (committee_header_) holds, after nothing but letters, '-',
  // ',' and white space (and the prefix); empty: not known, search the whole text.
  std::string committee_word_, committee_header_word_;
  // folketing.tsv's names of the series (the record's values) and the committee noun's definite
  // ending, which a committee found in running text is given ("Sundhedsudvalg" -> "...udvalget").
  std::string series_general_name_, chamber_name_, committee_definite_;
  std::unique_ptr<RE2> series_general_, chamber_whole_;  // a whole series group is this series
};

}  // namespace sagsindeks
