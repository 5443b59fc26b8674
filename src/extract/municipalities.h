// Municipalities referred to as an authority or territory (not postal towns, streets or surnames).
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/types.h"
#include "extract/starts.h"
#include "extract/gazetteer.h"

namespace sagsindeks {

class MunicipalityExtractor {
 public:
  // Reads kommune_kontekst.tsv. Cost: one small file.
  static Result<std::shared_ptr<const MunicipalityExtractor>> create(const std::string& lexdir,
                                                                      std::shared_ptr<const Gazetteer> g);
  // Fills a.municipalities: one entry per municipality with every counted mention.
  void run(const Document& doc, Analysis& a) const;
  // The same with the starts of the shared pass (extract/starts.h); run() above finds its own.
  void run(const Document& doc, Analysis& a, const Starts& starts) const;
  // Kind and pattern of each start this extractor's rules open with, for the shared pass.
  std::vector<std::pair<StartKind, std::string>> start_patterns() const;
  // Adds (or extends) an entry: used for a mayor's municipality.
  static void add(Analysis& a, const Municipality& m, Span s, const std::string& rule);

 private:
  std::shared_ptr<const StartFinder> own_starts_;  // this extractor's start patterns alone
  std::shared_ptr<const Gazetteer> g_;
  std::vector<std::string> after_, plural_, before_, list_;
  // after_ by first byte and before_ by last byte, each bucket in the order of its list (longest
  // first): a hit is compared only with the words that can follow (precede) it. Two words with
  // different first (last) bytes never both match at one offset, so the first match is the
  // list's first match.
  std::array<std::vector<const std::string*>, 256> after_by_first_, before_by_last_, plural_after_by_first_;
};

}  // namespace sagsindeks
