// Reading one input (file or standard input) with bounds, hashing, and decoding to UTF-8.
#pragma once
#include <cstdint>
#include <string>

#include "core/limits.h"
#include "core/result.h"
#include "core/types.h"

namespace sagsindeks {

// The reader's bounds are the shared Limits (max_bytes, max_line are checked here).
using ReadLimits = Limits;

struct RawInput {
  SourceInfo source;  // path, sha256, bytes filled; format/encoding filled by decode
  std::string bytes;
};

// Reads a whole file ("-" is standard input), never past the bounds. Errors:
//   "io"            missing, unreadable, a directory, not a regular file, read failed
//   "too_large"     over limits.max_bytes (checked by size first, then while reading)
//   "line_too_long" a line over limits.max_line bytes (reading stops there)
//   "changed"       the file's size or modification time changed while it was read
// A file removed after it was opened is read whole (the open file stays valid).
Result<RawInput> read_input(const std::string& path, const ReadLimits& limits);

std::string sha256_hex(std::string_view bytes);

}  // namespace sagsindeks
