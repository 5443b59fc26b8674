// Fuzz target: normalisation of (possibly invalid) UTF-8, with the Danish Hunspell dictionary when
// it is installed. Output must be valid UTF-8 with the normaliser's promises kept.
#include <memory>

#include "core/spell.h"
#include "fuzz_common.h"
#include "normalize/normalize.h"

namespace {
std::shared_ptr<sagsindeks::Speller> speller() {
  static std::shared_ptr<sagsindeks::Speller> sp = [] {
    auto r = sagsindeks::Speller::open("/usr/share/hunspell/da_DK");
    return r.ok() ? *r : nullptr;
  }();
  return sp;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  sagsindeks::NormalizeReport rep;
  std::string out = sagsindeks::normalize_text(in, speller().get(), &rep);
  FUZZ_CHECK(fuzz::valid_utf8(out));
  FUZZ_CHECK(out.find('\r') == std::string::npos);
  FUZZ_CHECK(out.find("\n\n\n") == std::string::npos);
  FUZZ_CHECK(out.find('\t') == std::string::npos);
  FUZZ_CHECK(out.find("\xC2\xAD") == std::string::npos);  // soft hyphen
  FUZZ_CHECK(out.find("\xC2\xA0") == std::string::npos);  // no-break space
  FUZZ_CHECK(rep.hyphens_joined >= 0 && rep.words_split >= 0);
  return 0;
}
