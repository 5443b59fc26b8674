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
};

// `forced` empty means detect; otherwise an ICU converter name ("windows-1252", "UTF-16LE", ...).
// Errors: "empty", "binary" (a NUL anywhere, or over 1 % control characters),
// "too_large" (over kMaxBytesCeiling), "encoding" (damaged UTF-8: more valid multi-byte
// sequences than invalid bytes, so not windows-1252),
// "encoding" (unknown converter name, or bytes invalid in a forced encoding).
Result<Decoded> decode_text(std::string_view bytes, const std::string& forced = "");

}  // namespace sagsindeks
