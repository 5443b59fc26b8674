// Plain-text lexicon files: TSV rows or `canonical|variant|variant` lines, `#` comments.
// Every file under lexicons/ carries a `# source:` line saying where its data came from.
#pragma once
#include <string>
#include <vector>

#include "core/result.h"

namespace sagsindeks {

struct LexiconRow {
  std::vector<std::string> fields;
  int line = 0;  // 1-based, for error messages
};

// Reads `path` and splits each non-comment, non-blank line on `sep`. Cost: one read of the file.
// Errors: "lexicon" with the path and line when the file is missing or a line has fewer than
// `min_fields` fields.
Result<std::vector<LexiconRow>> load_lexicon(const std::string& path, char sep, size_t min_fields = 1);

// Parses a lexicon field or a command-line value as a number; never throws. False for anything
// but a whole number in [lo, hi] (or, for the double, a finite number).
bool parse_long(const std::string& field, long lo, long hi, long& out);
bool parse_double(const std::string& field, double& out);

}  // namespace sagsindeks
