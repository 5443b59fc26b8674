// Normalisation: one canonical UTF-8 text per document, the text every span points into.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace sagsindeks {

class Speller;

struct NormalizeReport {
  int hyphens_joined = 0;
  int words_split = 0;  // letters run together across a lost line break, split again
};

// NFC; one kind of space; soft hyphens and zero-width characters removed; quotes and dashes
// unified; `**bold**` markers dropped; CR/LF unified; words hyphenated across a line break
// joined when Hunspell knows the joined word (`spørgs-\nmål` → `spørgsmål`, but
// `social-\nog` keeps its hyphen); runs of spaces collapsed; at most one blank line.
// Cost: linear in the text, a few passes; Hunspell is asked once per distinct hyphenated form.
std::string normalize_text(std::string_view utf8, const Speller* speller, NormalizeReport* report = nullptr);

}  // namespace sagsindeks
