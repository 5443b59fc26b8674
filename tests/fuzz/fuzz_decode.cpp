// Fuzz target: encoding detection and conversion (decode_text), detected or forced.
// Input: byte 0 picks detection or a forced encoding; the rest is the file.
#include "fuzz_common.h"
#include "ingest/encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* kForced[] = {"", "", "", "", "UTF-8", "UTF-16LE", "UTF-16BE", "windows-1252", "ISO-8859-1", "bogus-enc"};
  if (size == 0) return 0;
  std::string forced = kForced[data[0] % (sizeof kForced / sizeof *kForced)];
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  auto r = sagsindeks::decode_text(bytes, forced);
  if (r.ok()) {
    FUZZ_CHECK(fuzz::valid_utf8(r->utf8));
    FUZZ_CHECK(!r->encoding.empty());
    FUZZ_CHECK(r->utf8.find('\0') == std::string::npos);
  } else {
    FUZZ_CHECK(!r.error().code.empty() && !r.error().message.empty());
    const std::string& c = r.error().code;
    FUZZ_CHECK(c == "empty" || c == "binary" || c == "encoding" || c == "too_large");
  }
  return 0;
}
