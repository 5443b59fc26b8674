// Lexicon loader shared by every stage.
#include "core/lexicon.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sagsindeks {

namespace {
std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}
}  // namespace

Result<std::vector<LexiconRow>> load_lexicon(const std::string& path, char sep, size_t min_fields) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"lexicon", path + ": cannot open lexicon file (check --lexicons or SAGSINDEKS_LEXICONS)"};
  std::vector<LexiconRow> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    LexiconRow row;
    row.line = n;
    std::string field;
    std::istringstream ss(t);
    while (std::getline(ss, field, sep)) row.fields.push_back(trim(field));
    if (!t.empty() && t.back() == sep) row.fields.push_back("");
    if (row.fields.size() < min_fields)
      return Error{"lexicon", path + ":" + std::to_string(n) + ": expected at least " +
                                  std::to_string(min_fields) + " fields"};
    rows.push_back(std::move(row));
  }
  return rows;
}

bool parse_long(const std::string& f, long lo, long hi, long& out) {
  if (f.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(f.c_str(), &end, 10);
  if (errno || *end || v < lo || v > hi) return false;
  out = v;
  return true;
}

bool parse_double(const std::string& f, double& out) {
  if (f.empty()) return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(f.c_str(), &end);
  if (errno || *end || !std::isfinite(v)) return false;
  out = v;
  return true;
}

}  // namespace sagsindeks
