// Stage benchmarks (Google Benchmark): read, decode, normalise, each extractor, classify, JSON, and
// the whole per-file pipeline on 1 and 2 threads, over a sample of a corpus held in memory.
//
//   bench_stages [--corpus DIR] [--max-docs N] [google benchmark flags...]
//   SAGSINDEKS_BENCH_CORPUS=out/scale bench_stages --benchmark_format=json
//
// Every benchmark processes the whole sample per iteration and reports bytes_per_second (of the
// raw input) and docs_per_second; Threads(2) rows process the sample once per thread, so their
// rates are totals over both threads. An extractor is timed on a copy of the analysis that the
// extractors before it produced (dates read the identifiers, mayors the municipalities, ...);
// BM_Extract/copy measures that copy alone so it can be subtracted. The index write stage is
// measured end to end through `sagsindeks ingest` by run.py (src/index has no library yet).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "analysis/corpus.h"
#include "analysis/pipeline.h"
#include "ingest/encoding.h"
#include "normalize/normalize.h"

namespace fs = std::filesystem;
using namespace sagsindeks;

namespace {

struct Sample {
  std::shared_ptr<const Resources> res;
  std::vector<std::string> paths;
  std::vector<std::string> raw;       // bytes as read
  std::vector<std::string> decoded;   // UTF-8 before normalisation
  std::vector<Document> docs;         // prepared
  std::vector<std::vector<Analysis>> partial;  // partial[k][i]: extractors 0..k-1 run on doc i
  std::vector<Analysis> full;
  uint64_t bytes = 0;
};

Sample* g_sample = nullptr;

// The extractors in pipeline order (analysis/pipeline.cpp: extract_all).
struct Stage {
  const char* name;
  void (*run)(const Resources&, const Document&, Analysis&);
};
const Stage kExtractors[] = {
    {"identifiers", [](const Resources& r, const Document& d, Analysis& a) { r.identifiers->run(d, a); }},
    {"dates", [](const Resources& r, const Document& d, Analysis& a) { r.dates->run(d, a); }},
    {"municipalities", [](const Resources& r, const Document& d, Analysis& a) { r.municipalities->run(d, a); }},
    {"mayors", [](const Resources& r, const Document& d, Analysis& a) { r.mayors->run(d, a); }},
    {"signatories", [](const Resources& r, const Document& d, Analysis& a) { r.signatories->run(d, a); }},
    {"parliamentary", [](const Resources& r, const Document& d, Analysis& a) { r.parliamentary->run(d, a); }},
    {"exemptions", [](const Resources& r, const Document& d, Analysis& a) { r.exemptions->run(d, a); }},
};
constexpr int kNumExtractors = sizeof kExtractors / sizeof kExtractors[0];

void rates(benchmark::State& st) {
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * g_sample->bytes));
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * g_sample->paths.size()));
  st.counters["docs_per_second"] =
      benchmark::Counter(static_cast<double>(st.iterations() * g_sample->paths.size()), benchmark::Counter::kIsRate);
}

void BM_Read(benchmark::State& st) {
  for (auto _ : st)
    for (const auto& p : g_sample->paths) benchmark::DoNotOptimize(read_input(p, ReadLimits{}));
  rates(st);
}

void BM_Decode(benchmark::State& st) {
  for (auto _ : st)
    for (const auto& b : g_sample->raw) benchmark::DoNotOptimize(decode_text(b, ""));
  rates(st);
}

void BM_Normalise(benchmark::State& st) {
  const Speller* sp = g_sample->res->speller.get();
  for (auto _ : st)
    for (const auto& d : g_sample->decoded) benchmark::DoNotOptimize(normalize_text(d, sp, nullptr));
  rates(st);
}

void BM_Extract(benchmark::State& st) {
  int k = static_cast<int>(st.range(0));
  const Resources& r = *g_sample->res;
  const auto& docs = g_sample->docs;
  const auto& base = g_sample->partial[k < 0 ? kNumExtractors : k];
  for (auto _ : st)
    for (size_t i = 0; i < docs.size(); ++i) {
      Analysis a = base[i];
      if (k >= 0) kExtractors[k].run(r, docs[i], a);
      benchmark::DoNotOptimize(a);
    }
  st.SetLabel(k < 0 ? "copy" : kExtractors[k].name);
  rates(st);
}

void BM_ExtractAll(benchmark::State& st) {
  for (auto _ : st)
    for (const auto& d : g_sample->docs) benchmark::DoNotOptimize(extract_all(d, *g_sample->res));
  rates(st);
}

void BM_Classify(benchmark::State& st) {
  const auto& c = *g_sample->res->classifier;
  for (auto _ : st)
    for (size_t i = 0; i < g_sample->docs.size(); ++i)
      benchmark::DoNotOptimize(c.classify(c.features(g_sample->docs[i], g_sample->full[i]), g_sample->docs[i].text));
  rates(st);
}

void BM_Json(benchmark::State& st) {
  for (auto _ : st)
    for (size_t i = 0; i < g_sample->docs.size(); ++i)
      benchmark::DoNotOptimize(to_json(g_sample->docs[i], g_sample->full[i], false)
                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  rates(st);
}

// The whole per-file work of `analyze --jsonl` (read, decode, normalise, extract, classify, JSON)
// without output; Threads(2) shows how it scales on two cores.
void BM_EndToEnd(benchmark::State& st) {
  AnalyzeOptions o;
  for (auto _ : st)
    for (const auto& p : g_sample->paths) {
      FileResult fr = analyze_file(p, *g_sample->res, o);
      if (!fr.error)
        benchmark::DoNotOptimize(
            to_json(fr.doc, fr.analysis, false).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  rates(st);
}

bool load_sample(const std::string& dir, size_t max_docs) {
  auto res = Resources::load({});
  if (!res.ok()) {
    std::cerr << "bench_stages: " << res.error().message << "\n";
    return false;
  }
  static Sample s;
  s.res = *res;
  std::vector<std::string> dirs;
  if (!dir.empty()) dirs = {dir};
  else dirs = {std::string(SAGSINDEKS_SOURCE_DIR) + "/corpus/seeds/docs", std::string(SAGSINDEKS_SOURCE_DIR) + "/corpus/dev/docs"};
  InputList in = collect_inputs(dirs);
  // An even spread over the corpus, not only its first folder.
  size_t step = std::max<size_t>(1, in.files.size() / std::max<size_t>(1, max_docs));
  for (size_t i = 0; i < in.files.size() && s.paths.size() < max_docs; i += step) {
    auto raw = read_input(in.files[i], ReadLimits{});
    if (!raw.ok()) continue;
    auto dec = decode_text(raw->bytes, "");
    auto doc = prepare(raw->bytes, raw->source, *s.res, {});
    if (!dec.ok() || !doc.ok()) continue;
    s.paths.push_back(in.files[i]);
    s.bytes += raw->bytes.size();
    s.raw.push_back(std::move(raw->bytes));
    s.decoded.push_back(std::move(dec->utf8));
    s.docs.push_back(std::move(*doc));
  }
  if (s.paths.empty()) {
    std::cerr << "bench_stages: no readable documents under " << (dir.empty() ? "the bundled corpus" : dir) << "\n";
    return false;
  }
  s.partial.assign(kNumExtractors + 1, std::vector<Analysis>(s.docs.size()));
  for (size_t i = 0; i < s.docs.size(); ++i)
    for (int k = 0; k < kNumExtractors; ++k) {
      s.partial[k + 1][i] = s.partial[k][i];
      kExtractors[k].run(*s.res, s.docs[i], s.partial[k + 1][i]);
    }
  for (const auto& d : s.docs) s.full.push_back(analyze(d, *s.res));
  std::fprintf(stderr, "bench_stages: %zu documents, %.1f MB\n", s.paths.size(), s.bytes / 1e6);
  g_sample = &s;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  size_t max_docs = 2000;
  if (const char* e = std::getenv("SAGSINDEKS_BENCH_CORPUS")) dir = e;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--corpus") && i + 1 < argc) dir = argv[++i];
    else if (!std::strcmp(argv[i], "--max-docs") && i + 1 < argc) max_docs = std::stoul(argv[++i]);
    else rest.push_back(argv[i]);
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (!load_sample(dir, max_docs)) return 2;
  benchmark::RegisterBenchmark("BM_Read", BM_Read)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Decode", BM_Decode)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Normalise", BM_Normalise)->Unit(benchmark::kMillisecond);
  auto* ex = benchmark::RegisterBenchmark("BM_Extract", BM_Extract)->Unit(benchmark::kMillisecond);
  ex->Arg(-1);
  for (int k = 0; k < kNumExtractors; ++k) ex->Arg(k);
  benchmark::RegisterBenchmark("BM_ExtractAll", BM_ExtractAll)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Classify", BM_Classify)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Json", BM_Json)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_EndToEnd", BM_EndToEnd)->Unit(benchmark::kMillisecond)->UseRealTime()->Threads(1)->Threads(2);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
