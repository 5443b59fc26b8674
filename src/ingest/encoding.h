// Encoding detection and conversion to UTF-8, in a fixed order: BOM, strict UTF-8,
// UTF-16 without BOM (by NUL pattern), windows-1252. ICU does every conversion.
#pragma once
#include <string>
#include <string_view>

#include "core/result.h"

namespace sagsindeks {

struct Decoded {
  std::string utf8;
  std::string encoding;  // what was decided: "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "windows-1252", ...
  // True when `utf8` was left empty because the bytes are the text as they stand (well-formed
  // UTF-8 without BOM); only when the caller asked for that (decode_text's `copy` false).
  bool is_input = false;
};

// `forced` empty means detect; otherwise an ICU converter name ("windows-1252", "UTF-16LE", ...).
// Errors: "empty", "binary" (a NUL anywhere, or over 1 % control characters),
// "too_large" (over kMaxBytesCeiling), "encoding" (damaged UTF-8: more valid multi-byte
// sequences than invalid bytes, so not windows-1252),
// "encoding" (unknown converter name, or bytes invalid in a forced encoding).
// `copy` false: a text that is its bytes (nearly every letter) is not copied into `utf8`;
// Decoded::is_input says so, and the caller reads `bytes` (saves an allocation and a copy).
Result<Decoded> decode_text(std::string_view bytes, const std::string& forced = "", bool copy = true);

}  // namespace sagsindeks
