// The hash of the index's in-memory string tables (the tokenizer's word cache and numbers, the
// accelerator's terms of a batch). Words and terms are short (~8 bytes): this reads them 4 or 8
// bytes at a time, where FNV-1a took a multiply per byte (~1/4 of a table lookup). In memory
// only: nothing hashed here is stored, so the function may change freely.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sagsindeks {

inline uint32_t short_hash(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  auto load64 = [](const char* q) {
    uint64_t v;
    std::memcpy(&v, q, 8);
    return v;
  };
  auto load32 = [](const char* q) {
    uint32_t v;
    std::memcpy(&v, q, 4);
    return static_cast<uint64_t>(v);
  };
  auto mix = [](uint64_t h, uint64_t w) {
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
  };
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  if (n > 8) {
    for (; n > 8; p += 8, n -= 8) h = mix(h, load64(p));
    h = mix(h, load64(p + n - 8));  // the last 8 bytes, overlapping the words before
  } else if (n >= 4) {
    h = mix(h, load32(p) << 32 | load32(p + n - 4));
  } else if (n > 0) {
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    h = mix(h, uint64_t{u[0]} << 16 | uint64_t{u[n >> 1]} << 8 | u[n - 1]);
  }
  h *= 0x94D049BB133111EBull;
  return static_cast<uint32_t>(h ^ (h >> 32));
}

}  // namespace sagsindeks
