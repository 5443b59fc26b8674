// Calendar dates (day, month, year) in every Danish form, and the document's own date.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "core/result.h"
#include "core/types.h"

namespace sagsindeks {

class DateExtractor {
 public:
  // Reads maaneder.tsv, ugedage.txt, dato_smaaord.tsv and dato_etiketter.tsv. Cost: five RE2
  // compilations.
  static Result<std::shared_ptr<const DateExtractor>> create(const std::string& lexdir);
  // Fills a.dates (sorted by position, one mention per span) and a.document_date. Spans inside
  // a.case_numbers / a.document_numbers are skipped, so run identifiers first.
  void run(const Document& doc, Analysis& a) const;

 private:
  std::unordered_map<std::string, int> months_;
  // The first two letters, lower case, of every word a day number can be followed by (the month
  // forms, the range words): bit (a << 8 | b). Empty: no such test (a one-letter form).
  std::vector<bool> word_openers_;
  // No month form or range word starts with an ASCII digit: then a day followed by "." and a
  // digit can open only the numeric form (run()).
  bool words_digit_free_ = false;
  size_t max_label_ = 0;  // bytes of the longest document-date label (dato_etiketter.tsv)
  // Bytes before a day/month list that den_before_ looks at: a non-letter, the longest article
  // (dato_smaaord.tsv) and one space (the normaliser leaves single spaces).
  size_t den_window_ = 0;
  std::unique_ptr<RE2::Set> forms_;  // the date forms, anchored, for the per-digit-run prefilter
  std::unique_ptr<RE2> dm_list_, den_before_, cut_year_, clock_, dm_item_, numeric_, iso_, named_, range_, named_noyear_, slash_dash_;
  std::unique_ptr<RE2> doc_label_, doc_line_, doc_title_, doc_meeting_, doc_reference_, doc_title_reference_;
};

}  // namespace sagsindeks
