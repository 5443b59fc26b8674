// UTF-8 helpers: decoding is ICU's (U8_NEXT / U8_PREV), never hand-written.
#include "core/text.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace sagsindeks::text {

std::string lower(std::string_view s) {
  std::string out;
  icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), s.size())).toLower(icu::Locale("da")).toUTF8String(out);
  return out;
}

std::string upper_first(std::string_view s) {
  if (s.empty()) return {};
  size_t i = 0;
  int32_t c = next_cp(s, i);
  icu::UnicodeString u(u_toupper(c));
  std::string out;
  u.toUTF8String(out);
  out.append(s.substr(i));
  return out;
}

int32_t next_cp(std::string_view s, size_t& i) {
  if (i >= s.size()) return -1;
  int32_t c;
  int32_t ii = static_cast<int32_t>(i);
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), ii, static_cast<int32_t>(s.size()), c);
  i = static_cast<size_t>(ii);
  return c;
}

int32_t prev_cp(std::string_view s, size_t& i) {
  if (i == 0) return -1;
  int32_t c;
  int32_t ii = static_cast<int32_t>(i);
  U8_PREV(reinterpret_cast<const uint8_t*>(s.data()), 0, ii, c);
  i = static_cast<size_t>(ii);
  return c;
}

bool is_letter(int32_t cp) { return cp >= 0 && u_isalpha(cp); }
bool is_upper(int32_t cp) { return cp >= 0 && u_isupper(cp); }
bool is_digit(int32_t cp) { return cp >= 0 && u_isdigit(cp); }

bool starts_upper(std::string_view s) {
  size_t i = 0;
  return is_upper(next_cp(s, i));
}
bool starts_lower(std::string_view s) {
  size_t i = 0;
  int32_t c = next_cp(s, i);
  return c >= 0 && u_islower(c);
}
bool is_letter_at(std::string_view s, size_t off) {
  size_t i = off;
  return is_letter(next_cp(s, i));
}

CodePointIndex::CodePointIndex(std::string_view s) : cp_at_byte_(s.size() + 1, 0) {
  uint32_t cp = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    next_cp(s, i);
    for (size_t b = start; b < i; ++b) cp_at_byte_[b] = cp;
    ++cp;
  }
  cp_at_byte_[s.size()] = cp;
}

uint32_t CodePointIndex::operator()(uint32_t b) const {
  return b < cp_at_byte_.size() ? cp_at_byte_[b] : cp_at_byte_.back();
}

std::string squash_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

std::string strip_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r') out.push_back(c);
  return out;
}

}  // namespace sagsindeks::text
