// Fuzz target: the text-format reader (read_input on a real file, with limits taken from the
// input) followed by decoding, the way `analyze` reads every file.
#include <unistd.h>

#include <cstring>

#include "fuzz_common.h"
#include "ingest/encoding.h"
#include "ingest/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sagsindeks;
  if (size < 2) return 0;
  static std::string path = [] {
    char tmpl[] = "/tmp/sagsindeks-fuzz-read-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd >= 0) close(fd);
    return std::string(tmpl);
  }();
  ReadLimits lim;
  lim.max_bytes = 1 + data[0] * 37u;  // 1 .. 9436: both sides of the bound are reached
  lim.max_line = 1 + data[1] * 3u;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data + 2, 1, size - 2, f);
  std::fclose(f);
  auto r = read_input(path, lim);
  if (!r.ok()) {
    const std::string& c = r.error().code;
    FUZZ_CHECK(c == "too_large" || c == "line_too_long" || c == "io" || c == "changed");
    FUZZ_CHECK(!r.error().message.empty());
    return 0;
  }
  FUZZ_CHECK(r->bytes.size() == size - 2 && r->bytes.size() <= lim.max_bytes);
  FUZZ_CHECK(std::memcmp(r->bytes.data(), data + 2, size - 2) == 0);
  FUZZ_CHECK(r->source.sha256.size() == 64 && r->source.bytes == size - 2);
  auto d = decode_text(r->bytes);
  if (d.ok()) FUZZ_CHECK(fuzz::valid_utf8(d->utf8));
  return 0;
}
