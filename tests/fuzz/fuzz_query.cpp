// Fuzz target: the search query parser and filters, against a small index of bundled documents.
// Input: text query, then optional fields after \x01 separators (municipality, from, to, mayor,
// case number). search() and count() must answer or return an Error ("query", ...), never crash.
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "fuzz_common.h"
#include "index/store.h"

namespace {
sagsindeks::CorpusIndex& index() {
  static std::unique_ptr<sagsindeks::CorpusIndex> ix = [] {
    using namespace sagsindeks;
    ResourceOptions ro;
    ro.lexicon_dir = fuzz::lexicon_dir();
    auto res = Resources::load(ro);
    char tmpl[] = "/tmp/sagsindeks-fuzz-query-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    IndexOptions o;
    o.create = o.writable = true;
    auto opened = CorpusIndex::open(dir + "/index.db", o);
    if (!res.ok() || !opened.ok()) {
      std::fprintf(stderr, "fuzz_query: cannot build the index\n");
      std::abort();
    }
    std::vector<std::string> docs;
    for (const auto& e : std::filesystem::directory_iterator(SAGSINDEKS_SOURCE_DIR "/corpus/seeds/docs"))
      docs.push_back(e.path().string());
    std::sort(docs.begin(), docs.end());
    docs.resize(std::min<size_t>(docs.size(), 12));
    auto rep = (*opened)->ingest(docs, **res, {});
    if (!rep.ok()) std::abort();
    return std::move(*opened);
  }();
  return *ix;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sagsindeks;
  std::string in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  size_t pos = 0;
  while (parts.size() < 6) {
    size_t sep = in.find('\x01', pos);
    parts.push_back(in.substr(pos, sep == std::string::npos ? std::string::npos : sep - pos));
    if (sep == std::string::npos) break;
    pos = sep + 1;
  }
  parts.resize(6);
  Filter f;
  f.text = parts[0];
  f.municipality = parts[1];
  f.from = parts[2];
  f.to = parts[3];
  f.mayor = parts[4];
  f.case_number = parts[5];
  auto hits = index().search(f, {});
  if (!hits.ok()) FUZZ_CHECK(!hits.error().code.empty() && !hits.error().message.empty());
  auto n = index().count(f);
  if (n.ok() && hits.ok()) FUZZ_CHECK(hits->size() <= static_cast<size_t>(*n));
  return 0;
}
