// LEB128-style unsigned varints (7 bits a byte, high bit = more), the byte format of the search
// accelerator's rows and of the tokenizer's token tapes. Both are written and read only by this
// program, so the format is ours to keep; a reader must treat a truncated varint as damage.
#pragma once

#include <cstdint>
#include <string>

namespace sagsindeks::varint {

// Writes v at p (at most 5 bytes); returns the end.
inline char* put(char* p, uint32_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// One append per varint, not a push_back (capacity check, terminator) per byte: this was 3 % of
// an ingest's instructions, in the accelerator's rows and the terms of prepare_terms.
inline void put(std::string& out, uint32_t v) {
  char buf[5];
  out.append(buf, static_cast<size_t>(put(buf, v) - buf));
}

// Reads one varint at p and advances p; false on a truncated or over-long varint (a damaged row).
inline bool get(const unsigned char*& p, const unsigned char* end, uint32_t& v) {
  // Most varints of a row or a tape are one byte (a small id delta, a count, a short length).
  if (p < end && *p < 0x80) {
    v = *p++;
    return true;
  }
  v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (p >= end) return false;
    unsigned char c = *p++;
    v |= static_cast<uint32_t>(c & 0x7F) << shift;
    if (!(c & 0x80)) return true;
  }
  return false;
}

}  // namespace sagsindeks::varint
