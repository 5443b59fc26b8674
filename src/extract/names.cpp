// Person-name helpers shared by the mayor and signatory extractors.
#include "extract/names.h"

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
  // The words split as `std::istream >> std::string` splits them (C-locale white space), without
  // the stream: its construction cost more than the rest of the check.
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; };
  std::string_view words[6];
  size_t n = 0;
  for (size_t i = 0; i < name.size();) {
    while (i < name.size() && space(name[i])) ++i;
    if (i == name.size()) break;
    size_t b = i;
    while (i < name.size() && !space(name[i])) ++i;
    if (n == 6) return false;  // more than five words
    words[n++] = name.substr(b, i - b);
  }
  if (n < 2 || n > 5) return false;
  if (words[n - 1].size() == 2 && words[n - 1][1] == '.') return false;
  std::string l;
  for (size_t k = 0; k < n; ++k) {
    l = text::lower(words[k]);
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
