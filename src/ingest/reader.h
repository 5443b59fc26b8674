// Reading one input (file or standard input) with bounds, hashing, and decoding to UTF-8.
#pragma once
#include <cstdint>
#include <string>

#include "core/result.h"
#include "core/types.h"

namespace sagsindeks {

struct ReadLimits {
  uint64_t max_bytes = 100ull << 20;  // 100 MiB; --max-bytes changes it
};

struct RawInput {
  SourceInfo source;  // path, sha256, bytes filled; format/encoding filled by decode
  std::string bytes;
};

// Reads a whole file ("-" is standard input). Errors: "io" (missing, unreadable, a directory),
// "too_large" (over limits.max_bytes; the file is not read past the bound).
Result<RawInput> read_input(const std::string& path, const ReadLimits& limits);

std::string sha256_hex(std::string_view bytes);

}  // namespace sagsindeks
