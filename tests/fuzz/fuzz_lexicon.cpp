// Fuzz target: loading lexicon files. Byte 0 picks a file of a private copy of lexicons/; the
// rest replaces it; the loaders that read that file run, then the original is put back. Loaders
// must return an Error naming the file, never crash or throw. Also runs load_lexicon directly.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "classify/classifier.h"
#include "core/lexicon.h"
#include "extract/dates.h"
#include "extract/exemptions.h"
#include "extract/gazetteer.h"
#include "extract/identifiers.h"
#include "extract/mayors.h"
#include "extract/municipalities.h"
#include "extract/names.h"
#include "extract/parliamentary.h"
#include "extract/signatories.h"
#include "fuzz_common.h"

namespace fs = std::filesystem;
using namespace sagsindeks;

namespace {

const char* kFiles[] = {"borgmester.tsv",  "dato_etiketter.tsv", "doknr_etiketter.txt",  "folketing.tsv",
                        "hilsner.txt",     "ikke_navne.txt",     "kommune_kontekst.tsv", "kommune_varianter.txt",
                        "kommuner.tsv",    "maaneder.tsv",       "sagsnr_etiketter.txt", "titler.tsv",
                        "type_cues.tsv",   "type_model.tsv",     "ugedage.txt",          "undtagelser.tsv",
                        "byline.txt"};
constexpr size_t kN = sizeof kFiles / sizeof *kFiles;
// Loaded too, copied but not fuzzed: a file added to kFiles would change kN, and with it which
// file every stored input (regressions/fuzz_lexicon) is written to.
const char* kAlsoLoaded[] = {"dato_smaaord.tsv"};

struct Env {
  std::string dir;
  std::string original[kN];
  std::shared_ptr<const Gazetteer> gaz;
  std::shared_ptr<const NameChecker> names;
};

Env& env() {
  static Env e = [] {
    Env e;
    char tmpl[] = "/tmp/sagsindeks-fuzz-lex-XXXXXX";
    e.dir = mkdtemp(tmpl);
    for (size_t i = 0; i < kN; ++i) {
      std::ifstream in(fuzz::lexicon_dir() + "/" + kFiles[i], std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      e.original[i] = ss.str();
      std::ofstream(e.dir + "/" + kFiles[i], std::ios::binary) << e.original[i];
    }
    for (const char* f : kAlsoLoaded) {
      std::ifstream in(fuzz::lexicon_dir() + "/" + f, std::ios::binary);
      std::ofstream(e.dir + "/" + f, std::ios::binary) << in.rdbuf();
    }
    auto g = Gazetteer::load(e.dir);
    auto n = NameChecker::load(e.dir);
    if (!g.ok() || !n.ok()) {
      std::fprintf(stderr, "fuzz_lexicon: bundled lexicons do not load\n");
      std::abort();
    }
    e.gaz = *g;
    e.names = *n;
    return e;
  }();
  return e;
}

// Errors must name the file at fault (pipeline.h's contract).
template <class R>
void expect_named(const R& r, const char* file) {
  if (!r.ok()) {
    FUZZ_CHECK(!r.error().code.empty() && !r.error().message.empty());
    FUZZ_CHECK(r.error().message.find(file) != std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Env& e = env();
  size_t k = data[0] % kN;
  std::string name = kFiles[k];
  std::string path = e.dir + "/" + name;
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << body;
  const std::string& L = e.dir;
  const char* f = kFiles[k];
  // A loader never throws: a bad field is an error naming the file (regressions/fuzz_lexicon:
  // months-stoi-*, type-model-stod-throws, parliamentary-error-does-not-name-file).
  switch (k) {
    case 0: expect_named(MayorExtractor::create(L, e.gaz, e.names), f); break;
    case 1: case 9: case 14: expect_named(DateExtractor::create(L), f); break;
    case 2: case 10: expect_named(IdentifierExtractor::create(L), f); break;
    case 3: expect_named(ParliamentaryExtractor::create(L), f); break;
    case 4: case 11: case 16: expect_named(SignatoryExtractor::create(L, e.names), f); break;
    case 5: expect_named(NameChecker::load(L), f); break;
    case 6: expect_named(MunicipalityExtractor::create(L, e.gaz), f); break;
    case 7: case 8: {
      auto g = Gazetteer::load(L);
      expect_named(g, f);
      if (g.ok()) expect_named(MunicipalityExtractor::create(L, *g), f);
      break;
    }
    case 12: case 13: expect_named(TypeClassifier::create(L, true), f); break;
    case 15: expect_named(ExemptionExtractor::create(L), f); break;
  }
  for (char sep : {'\t', '|'}) {
    auto rows = load_lexicon(path, sep, 1 + data[0] % 4);
    if (rows.ok())
      for (const auto& r : *rows) FUZZ_CHECK(!r.fields.empty() && r.line > 0);
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << e.original[k];
  return 0;
}
