// Person names: the shared pattern and the check that a capitalised run is a person, not an office.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/result.h"

namespace sagsindeks {

// RE2 fragment for a Danish personal name: 2–4 capitalised words or initials, hyphenated parts
// allowed ("Allan S. Andersen", "Cecilia Lonning-Skovgaard"), one line only. One capture group.
extern const char* const kNamePattern;
// Optional party letter after a name: " (S)", " (KF)".
extern const char* const kPartyPattern;

class NameChecker {
 public:
  // Reads ikke_navne.txt. Cost: one small file.
  static Result<std::shared_ptr<const NameChecker>> load(const std::string& lexdir);
  // True when no word of `name` is an institution or function word, it has 2–5 words, and the
  // last word is not an initial.
  bool plausible(std::string_view name) const;

 private:
  std::unordered_set<std::string> stop_;
  std::vector<std::string> suffixes_;
};

// Strips a trailing party marker and surrounding spaces: "Thomas Adelskov (S)" -> "Thomas Adelskov".
std::string clean_name(std::string_view s);

}  // namespace sagsindeks
