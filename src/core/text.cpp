// UTF-8 helpers: decoding is ICU's (U8_NEXT / U8_PREV), never hand-written.
#include "core/text.h"

#include <array>
#include <cstring>

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace sagsindeks::text {

namespace {
// u_tolower and u_isalpha of U+0000-U+00FF, looked up: Danish text is all in that range, and an
// ICU call per æ, ø or å cost more than the rest of lower-casing.
struct Latin1 {
  std::array<UChar32, 256> lower;
  std::array<bool, 256> letter;
};
const Latin1& latin1() {
  static const Latin1 t = [] {
    Latin1 r{};
    for (UChar32 c = 0; c < 256; ++c) {
      r.lower[static_cast<size_t>(c)] = u_tolower(c);
      r.letter[static_cast<size_t>(c)] = is_letter(c);
    }
    return r;
  }();
  return t;
}
}  // namespace

std::string lower(std::string_view s) {
  // ASCII and Latin-1 (U+0000-U+00FF: all of Danish) need no ICU string round trip and no
  // Locale: their lower case is the simple per-character one, of the same length (A-Z and
  // U+00C0-U+00DE but ×; ß, µ, ÿ, ª, º stay), done here in one pass over a copy, eight ASCII
  // bytes at a time (a capital's lane gets 0x20), Latin-1 by u_tolower's table (latin1()). Anything else (another character, an invalid
  // byte) goes to ICU's full lower-casing.
  std::string out(s);
  auto* b = reinterpret_cast<uint8_t*>(out.data());
  const size_t n = out.size();
  constexpr uint64_t k1 = 0x0101010101010101ull, k80 = 0x80 * k1;
  for (size_t i = 0; i < n;) {
    if (i + 8 <= n && eight_ascii(b + i)) {
      uint64_t w;
      std::memcpy(&w, b + i, 8);
      w |= ((w + (0x80 - 'A') * k1) & ~(w + (0x80 - 'Z' - 1) * k1) & k80) >> 2;
      std::memcpy(b + i, &w, 8);
      i += 8;
      continue;
    }
    const uint8_t c = b[i];
    if (c < 0x80) {
      b[i] = static_cast<uint8_t>(c + (static_cast<uint8_t>(c - 'A') < 26u ? 32 : 0));
      ++i;
      continue;
    }
    if ((c == 0xC2 || c == 0xC3) && i + 1 < n && (b[i + 1] & 0xC0) == 0x80) {
      // U+0080-U+00FF: lower case by the table lower_aligned uses (u_tolower; all in Latin-1).
      const UChar32 cp = ((c & 0x1F) << 6) | (b[i + 1] & 0x3F), l = latin1().lower[static_cast<size_t>(cp)];
      if (l != cp && U8_LENGTH(l) == 2) {
        size_t k = i;
        U8_APPEND_UNSAFE(b, k, l);
      }
      i += 2;
      continue;
    }
    static const icu::Locale da("da");  // constructing a Locale per call cost more than the mapping
    out.clear();
    icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size()))).toLower(da).toUTF8String(out);
    return out;
  }
  return out;
}

std::string lower_aligned(std::string_view s, size_t* other) {
  std::string out;
  lower_aligned_into(s, out, other);
  return out;
}

void lower_aligned_into(std::string_view s, std::string& out, size_t* other) {
  out.assign(s.data(), s.size());
  auto* b = reinterpret_cast<uint8_t*>(out.data());
  const auto n = static_cast<int32_t>(out.size());
  // ASCII first, over every byte without a branch (the compiler vectorises it; bytes of 0x80 and
  // above are no A-Z and stay). Then only the multi-byte characters, found eight bytes at a time.
  for (int32_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(b[i] + (static_cast<uint8_t>(b[i] - 'A') < 26u ? 32 : 0));
  const Latin1& table = latin1();
  size_t first_other = s.size();
  for (int32_t i = next_non_ascii(b, 0, n); i < n; i = next_non_ascii(b, i, n)) {
    int32_t start = i, c = 0;
    U8_NEXT(b, i, n, c);
    if (first_other == s.size() && (c < 0 || !(c < 256 ? table.letter[static_cast<size_t>(c)] : is_letter(c))))
      first_other = static_cast<size_t>(start);
    if (c < 0) continue;  // an invalid sequence is kept as it is
    UChar32 l = c < 256 ? table.lower[static_cast<size_t>(c)] : u_tolower(c);
    if (l == c || U8_LENGTH(l) != i - start) continue;
    int32_t k = start;
    U8_APPEND_UNSAFE(b, k, l);
  }
  if (other) *other = first_other;
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

int32_t next_cp_slow(std::string_view s, size_t& i) {
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

bool is_letter_slow(int32_t cp) { return cp >= 0 && u_isalpha(cp); }
bool is_upper_slow(int32_t cp) { return cp >= 0 && u_isupper(cp); }
bool is_lower_slow(int32_t cp) { return cp >= 0 && u_islower(cp); }
bool is_digit_slow(int32_t cp) { return cp >= 0 && u_isdigit(cp); }

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

namespace {
inline bool is_lead(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

// The characters that begin in p[0, 8 * words): bytes that are no continuation byte (10xxxxxx),
// counted eight at a time. A continuation byte has bit 7 set and bit 6 clear; shifting the word
// left by one puts each byte's bit 6 under its bit 7. Lane counts stay below 256 for up to 31
// words, and are added up by one multiplication. Cost: about six instructions per eight bytes
// (the byte loop took two to three a byte).
inline uint32_t leads_in_words(const char* p, size_t words) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x80 * kOnes;
  uint64_t cont = 0;
  for (size_t k = 0; k < words; ++k) {
    uint64_t w;
    std::memcpy(&w, p + 8 * k, 8);
    cont += (w & ~(w << 1) & kHigh) >> 7;
  }
  return static_cast<uint32_t>(8 * words - ((cont * kOnes) >> 56));
}
}  // namespace

CodePointIndex::CodePointIndex(std::string_view s) : text_(s), cp_before_block_(s.size() / kStep + 1, 0) {
  static_assert(kStep % 8 == 0 && kStep / 8 < 32);
  uint32_t cp = 0;
  for (size_t k = 0; k + 1 < cp_before_block_.size(); ++k) {
    cp_before_block_[k] = cp;
    cp += leads_in_words(s.data() + k * kStep, kStep / 8);
  }
  cp_before_block_.back() = cp;
}

uint32_t CodePointIndex::operator()(uint32_t b) const {
  if (b >= text_.size()) {
    b = static_cast<uint32_t>(text_.size());
  }
  size_t k = b / kStep;
  uint32_t cp = cp_before_block_[k];
  size_t j = k * kStep;
  const size_t words = (b - j) / 8;
  cp += leads_in_words(text_.data() + j, words);
  for (j += 8 * words; j < b; ++j) cp += is_lead(text_[j]);
  if (b < text_.size() && !is_lead(text_[b]) && cp > 0) --cp;  // inside a character: that character
  return cp;
}

std::string truncate_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  int32_t cut = static_cast<int32_t>(max_bytes);
  U8_SET_CP_START(reinterpret_cast<const uint8_t*>(s.data()), 0, cut);
  return std::string(s.substr(0, static_cast<size_t>(cut)));
}

void squash_spaces_into(std::string_view s, std::string& out) {
  // Copies whole stretches of words that are already joined by single spaces (most of a line,
  // usually all of it): one append per stretch instead of one per word. This runs on every line
  // of every document; cost one table look-up per byte.
  static constexpr auto kSpace = [] {
    std::array<bool, 256> t{};
    t[' '] = t['\n'] = t['\t'] = t['\r'] = true;
    return t;
  }();
  auto is_space = [](char c) { return kSpace[static_cast<unsigned char>(c)]; };
  const size_t mark = out.size();
  size_t i = 0, n = s.size();
  while (i < n) {
    while (i < n && is_space(s[i])) ++i;
    if (i == n) break;
    size_t j = i;
    while (j < n) {
      if (!is_space(s[j])) ++j;
      else if (s[j] == ' ' && j + 1 < n && !is_space(s[j + 1])) j += 2;  // a single space inside
      else break;
    }
    if (out.size() > mark) out.push_back(' ');
    out.append(s.data() + i, j - i);
    i = j;
  }
}

std::string squash_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  squash_spaces_into(s, out);
  return out;
}

std::string strip_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r') out.push_back(c);
  return out;
}

}  // namespace sagsindeks::text
