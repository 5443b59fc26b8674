// Person-name helpers shared by the mayor and signatory extractors.
#include "extract/names.h"

#include <sstream>
#include <vector>

#include "core/lexicon.h"
#include "core/text.h"

namespace sagsindeks {

const char* const kNamePattern =
    "((?:\\p{Lu}[\\p{Ll}'][\\p{Ll}]*(?:-\\p{Lu}[\\p{Ll}]+)?|\\p{Lu}\\.)"
    "(?:[ ](?:\\p{Lu}[\\p{Ll}'][\\p{Ll}]*(?:-\\p{Lu}[\\p{Ll}]+)?|\\p{Lu}\\.)){1,3})";
const char* const kPartyPattern = "(?:[ ]?\\((?:\\p{Lu}{1,3}|Ø|Å)\\))?";

Result<std::shared_ptr<const NameChecker>> NameChecker::load(const std::string& lexdir) {
  auto rows = load_lexicon(lexdir + "/ikke_navne.txt", '\t', 1);
  if (!rows.ok()) return rows.error();
  auto c = std::make_shared<NameChecker>();
  for (const auto& r : *rows) {
    if (r.fields[0].size() > 1 && r.fields[0][0] == '*') c->suffixes_.push_back(r.fields[0].substr(1));
    else c->stop_.insert(r.fields[0]);
  }
  return std::shared_ptr<const NameChecker>(c);
}

bool NameChecker::plausible(std::string_view name) const {
  std::istringstream ss{std::string(name)};
  std::vector<std::string> words;
  std::string w;
  while (ss >> w) words.push_back(w);
  if (words.size() < 2 || words.size() > 5) return false;
  if (words.back().size() == 2 && words.back()[1] == '.') return false;
  for (const auto& word : words) {
    std::string l = text::lower(word);
    if (stop_.count(l)) return false;
    for (const auto& s : suffixes_)
      if (l.size() > s.size() && l.ends_with(s)) return false;
  }
  return true;
}

std::string clean_name(std::string_view s) {
  std::string n = text::squash_spaces(s);
  size_t p = n.find(" (");
  if (p != std::string::npos) n.erase(p);
  return n;
}

}  // namespace sagsindeks
