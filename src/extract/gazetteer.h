// The 98 municipalities and every surface form that names one (inflections, old spellings).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>

#include "core/result.h"
#include "core/types.h"

namespace sagsindeks {

struct NameHit {
  Span span;               // the name as written ("Københavns")
  const Municipality* m;   // canonical municipality
  bool genitive = false;   // written with the genitive -s
};

class Gazetteer {
 public:
  // Reads kommuner.tsv and kommune_varianter.txt from `lexdir`. Cost: one RE2 of ~400 forms.
  static Result<std::shared_ptr<const Gazetteer>> load(const std::string& lexdir);

  // Every name occurrence in `text`, word-bounded, case-sensitive (names are capitalised), in order.
  std::vector<NameHit> find_all(std::string_view text) const;
  // The same, given every offset where a form starts in `text` (extract/starts.h): each is tried
  // anchored, so no whole-text search.
  std::vector<NameHit> find_all(std::string_view text, const std::vector<uint32_t>& starts) const;
  // The municipality a single form names ("Århus", "Københavns", "0101"), or nullptr.
  const Municipality* lookup(std::string_view form) const;
  const std::vector<Municipality>& all() const { return municipalities_; }
  // Alternation of all forms, for other extractors' patterns ("(?:København|Københavns|...)").
  const std::string& alternation() const { return alternation_; }
  // Every form as written, longest first (the alternation's order).
  const std::vector<std::string>& forms() const { return form_list_; }

 private:
  std::vector<NameHit> find_hits(std::string_view text, const std::vector<uint32_t>* starts) const;
  std::vector<Municipality> municipalities_;
  std::unordered_map<std::string, std::pair<size_t, bool>> forms_;  // form -> (index, genitive)
  std::unordered_map<std::string, size_t> lower_forms_;
  std::string alternation_;
  std::vector<std::string> form_list_;
  std::unique_ptr<RE2> re_;
};

}  // namespace sagsindeks
