// Shared by the fuzz targets: the source tree's paths, an invariant check that aborts (so
// libFuzzer and the replay test both report it), and a strict UTF-8 validator.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#ifndef SAGSINDEKS_SOURCE_DIR
#define SAGSINDEKS_SOURCE_DIR "."
#endif

#define FUZZ_CHECK(cond)                                                                  \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);  \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

namespace fuzz {

inline bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!len || i + len > n) return false;
    for (size_t k = 1; k < len; ++k)
      if ((p[i + k] & 0xC0) != 0x80) return false;
    if (len == 3 && ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] > 0x9F))) return false;
    if (len == 4 && ((c == 0xF0 && p[i + 1] < 0x90) || (c == 0xF4 && p[i + 1] > 0x8F))) return false;
    i += len;
  }
  return true;
}

inline std::string lexicon_dir() {
  const char* e = std::getenv("SAGSINDEKS_LEXICONS");
  return e ? e : SAGSINDEKS_SOURCE_DIR "/lexicons";
}

}  // namespace fuzz
