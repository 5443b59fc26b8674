// Small UTF-8 helpers built on ICU: case folding, letter classes, code-point offsets.
#pragma once
#include <algorithm>
#include <cstdint>
#include <bit>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sagsindeks::text {

std::string lower(std::string_view utf8);           // full Unicode lower-casing (ICU)
// Lower-cased code point by code point, keeping every byte offset: a code point whose lower case
// is encoded in another number of bytes (rare outside Latin-1) stays as it is. For matching
// lower-case patterns and reporting the original text at the same offsets. `other`, if given:
// the offset of the first character outside ASCII that is no letter (is_letter), or of the first
// invalid sequence; utf8.size() if none (found in passing: the loop visits those characters anyway).
std::string lower_aligned(std::string_view utf8, size_t* other = nullptr);
// The same into `out` (overwritten; its capacity is reused).
void lower_aligned_into(std::string_view utf8, std::string& out, size_t* other = nullptr);
std::string upper_first(std::string_view utf8);     // "århus" -> "Århus"
bool starts_upper(std::string_view utf8);           // first code point is an upper-case letter
bool starts_lower(std::string_view utf8);
bool is_letter_at(std::string_view utf8, size_t byte_offset);
// True when the eight bytes at p (no alignment needed) are all ASCII: the word test with which
// the byte loops (lower-casing, UTF-8 validation) step over plain text eight bytes at a time.
inline bool eight_ascii(const void* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return (w & 0x8080808080808080ull) == 0;
}
// How many of the eight bytes at p are ASCII before the first that is not (8: all of them).
// Decoders skip that many before decoding a character: a Danish letter has a non-ASCII byte in
// most eight-byte windows, and testing the window again one character later cost a window test
// and a decode per ASCII byte.
inline size_t ascii_prefix8(const void* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  const uint64_t high = w & 0x8080808080808080ull;
  if (high == 0) return 8;
  if constexpr (std::endian::native == std::endian::little) return static_cast<size_t>(std::countr_zero(high)) / 8;
  return static_cast<size_t>(std::countl_zero(high)) / 8;
}
// The offset of the first byte of 0x80 or above in b[i, n), or n: eight bytes at a time
// (ascii_prefix8). The loops over mostly ASCII text (lower-casing, UTF-8 validation) go from one
// such byte to the next and decode only there; int32_t as ICU's U8_ macros index.
inline int32_t next_non_ascii(const uint8_t* b, int32_t i, int32_t n) {
  for (; i + 8 <= n; i += 8)
    if (const size_t k = ascii_prefix8(b + i); k < 8) return i + static_cast<int32_t>(k);
  while (i < n && b[i] < 0x80) ++i;
  return i;
}
// Code point at byte offset i (i must be at a boundary); advances i past it. -1 at the end.
// ASCII inline: every character-level pass calls this once per character.
int32_t next_cp_slow(std::string_view utf8, size_t& i);
inline int32_t next_cp(std::string_view utf8, size_t& i) {
  if (i < utf8.size() && static_cast<unsigned char>(utf8[i]) < 0x80) return utf8[i++];
  return next_cp_slow(utf8, i);
}
// Code point ending just before byte offset i; moves i back to its start. Returns -1 at 0.
int32_t prev_cp(std::string_view utf8, size_t& i);
// Letter classes of ICU (u_isalpha, u_isupper, u_islower, u_isdigit). ASCII is answered inline: these run
// once per character in the normaliser and the extractors, and the call into ICU cost more than
// the rest of the loop.
bool is_letter_slow(int32_t cp);
bool is_upper_slow(int32_t cp);
bool is_lower_slow(int32_t cp);
bool is_digit_slow(int32_t cp);
inline bool is_letter(int32_t cp) {
  if (cp < 0x80) return cp >= 0 && static_cast<uint32_t>((cp | 0x20) - 'a') < 26u;
  return is_letter_slow(cp);
}
inline bool is_upper(int32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  return is_upper_slow(cp);
}
inline bool is_lower(int32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  return is_lower_slow(cp);
}
inline bool is_digit(int32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return is_digit_slow(cp);
}
// Maps byte offsets to code-point offsets for one valid UTF-8 text, which must outlive the index.
// Cost: O(n / 64) to build, a 4-byte checkpoint every 64 bytes (a per-byte table was 4 bytes per
// byte: 200 MB for a 50 MB letter); a lookup counts at most 63 bytes. An offset inside a
// multi-byte character maps to that character.
class CodePointIndex {
 public:
  explicit CodePointIndex(std::string_view utf8);
  uint32_t operator()(uint32_t byte_offset) const;
 private:
  static constexpr uint32_t kStep = 64;
  std::string_view text_;
  std::vector<uint32_t> cp_before_block_;  // code points before byte k * kStep
};
// At most `max_bytes` of a valid UTF-8 text, never cutting a character in two.
std::string truncate_utf8(std::string_view utf8, size_t max_bytes);
// Start of the line holding byte `pos` (after its '\n'), and end of the line from `pos` on (its
// '\n', or the end of the text).
inline size_t line_start(std::string_view t, size_t pos) {
  size_t nl = pos == 0 ? std::string_view::npos : t.rfind('\n', pos - 1);
  return nl == std::string_view::npos ? 0 : nl + 1;
}
inline size_t line_end(std::string_view t, size_t pos) { return std::min(t.find('\n', pos), t.size()); }
// Collapses runs of white space into one space and trims.
std::string squash_spaces(std::string_view s);
void squash_spaces_into(std::string_view s, std::string& out);  // appends the result to `out`
// Removes all white space (identifier normal form).
std::string strip_spaces(std::string_view s);

}  // namespace sagsindeks::text
