// Fuzz target: every format reader behind the sniffer (HTML, DOCX, ODT, PDF, e-mail; images with
// OCR off, so an execution stays fast), called in process (read_format, linked statically) rather
// than through the format plugin, so that the readers' code is instrumented. Input: the file. A reader returns UTF-8 text or an error
// with a code and message; it never crashes, hangs past the limits, or throws.
#include "fuzz_common.h"
#include "core/limits.h"
#include "ingest/formats/readers.h"
#include "ingest/formats/sniff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string format = sagsindeks::sniff_format(bytes);
  FUZZ_CHECK(!format.empty());
  if (format == "text") return 0;  // decode_text has a target of its own (fuzz_decode)
  sagsindeks::Limits limits;
  auto r = sagsindeks::read_format(format, bytes, limits, /*ocr=*/false);
  if (r.ok()) {
    FUZZ_CHECK(fuzz::valid_utf8(r->text) || !r->encoding.empty());
  } else {
    FUZZ_CHECK(!r.error().code.empty() && !r.error().message.empty());
  }
  return 0;
}
