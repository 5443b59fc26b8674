// Reading one input (file or standard input) with bounds, hashing, and decoding to UTF-8.
#pragma once
#include <cstdint>
#include <optional>
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

// SHA-256 of `bytes`, 64 lower-case hex digits, by OpenSSL's libcrypto. libcrypto is loaded on
// the first call (dlopen, ~1 ms once), not at start-up, so commands that never hash (search,
// show, export, check) never map it. Precondition: load_hashing() returned no error in this
// process (read_input checks it; the CLI checks it before analysing); otherwise it aborts: a
// libcrypto that cannot be loaded is a broken install, as a missing linked library would be.
std::string sha256_hex(std::string_view bytes);

// Loads libcrypto for sha256_hex (once; thread-safe). An Error "io" naming the library when it
// cannot be loaded.
std::optional<Error> load_hashing();

}  // namespace sagsindeks
