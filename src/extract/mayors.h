// Mayors (borgmester, overborgmester) with their municipality; never deputy or former mayors.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "core/re.h"
#include "core/result.h"
#include "core/types.h"
#include "extract/starts.h"
#include "extract/gazetteer.h"
#include "extract/names.h"

namespace sagsindeks {

class MayorExtractor {
 public:
  // Reads borgmester.tsv. Cost: three RE2 compilations over the gazetteer alternation.
  static Result<std::shared_ptr<const MayorExtractor>> create(const std::string& lexdir,
                                                               std::shared_ptr<const Gazetteer> g,
                                                               std::shared_ptr<const NameChecker> names);
  // Fills a.mayors and adds each mayor's municipality to a.municipalities. Run after the
  // municipality extractor: a mayor whose municipality the text does not tie to the name gets the
  // document's only municipality, if it has exactly one.
  void run(const Document& doc, Analysis& a) const;
  // The same with the starts of the shared pass (extract/starts.h); run() above finds its own.
  void run(const Document& doc, Analysis& a, const Starts& starts) const;
  // Kind and pattern of each start this extractor's rules open with, for the shared pass.
  std::vector<std::pair<StartKind, std::string>> start_patterns() const;

 private:
  std::shared_ptr<const StartFinder> own_starts_;  // this extractor's start patterns alone
  std::shared_ptr<const Gazetteer> g_;
  std::shared_ptr<const NameChecker> names_;
  std::vector<std::string> excludes_;
  std::unique_ptr<RE2> any_title_, title_name_, name_title_, genitive_name_, name_as_title_;
  // The groups of the four name patterns, cheaply (core/re.h).
  std::unique_ptr<Latin1Groups> title_name_groups_, name_title_groups_, genitive_name_groups_, name_as_title_groups_;
  // How many gaps (runs of spaces, commas and line breaks) a match of any name pattern can hold
  // before the start of its title word and after it; -1: not bounded (a title that is no plain
  // word), so the patterns search whole regions.
  int gaps_before_ = -1, gaps_after_ = -1;
};

}  // namespace sagsindeks
