// Small UTF-8 helpers built on ICU: case folding, letter classes, code-point offsets.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sagsindeks::text {

std::string lower(std::string_view utf8);           // full Unicode lower-casing (ICU)
std::string upper_first(std::string_view utf8);     // "århus" -> "Århus"
bool starts_upper(std::string_view utf8);           // first code point is an upper-case letter
bool starts_lower(std::string_view utf8);
bool is_letter_at(std::string_view utf8, size_t byte_offset);
// Code point at byte offset i (i must be at a boundary); advances i past it.
int32_t next_cp(std::string_view utf8, size_t& i);
// Code point ending just before byte offset i; moves i back to its start. Returns -1 at 0.
int32_t prev_cp(std::string_view utf8, size_t& i);
bool is_letter(int32_t cp);
bool is_upper(int32_t cp);
bool is_digit(int32_t cp);
// Maps byte offsets to code-point offsets for one text; built once per document (O(n)).
class CodePointIndex {
 public:
  explicit CodePointIndex(std::string_view utf8);
  uint32_t operator()(uint32_t byte_offset) const;
 private:
  std::vector<uint32_t> cp_at_byte_;
};
// Collapses runs of white space into one space and trims.
std::string squash_spaces(std::string_view s);
// Removes all white space (identifier normal form).
std::string strip_spaces(std::string_view s);

}  // namespace sagsindeks::text
