// bench_index: ingest throughput and search latency of the corpus index.
//
//   bench_index [--docs N] [--jobs J] [--keep DIR] [--json]
//
// Builds a large corpus in a temporary folder from the bundled documents (corpus/seeds, corpus/dev;
// each generated file is one document with a paragraph of another appended and a serial number,
// so every file is distinct), ingests it into a fresh index, re-ingests it (nothing changed),
// then times a fixed set of queries, each run several times. Reports documents/s and MB/s for
// ingest, and p50/p95 search latency in milliseconds.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "index/store.h"

using namespace sagsindeks;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t k = static_cast<size_t>(p * (v.size() - 1) + 0.5);
  return v[std::min(k, v.size() - 1)];
}

struct Query {
  const char* text;
  Filter filter;
};

}  // namespace

int main(int argc, char** argv) {
  size_t docs = 3000;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string keep;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--docs" && i + 1 < argc) docs = std::stoul(argv[++i]);
    else if (a == "--jobs" && i + 1 < argc) jobs = std::stoi(argv[++i]);
    else if (a == "--keep" && i + 1 < argc) keep = argv[++i];
    else if (a == "--json") json = true;
    else {
      std::cerr << "usage: bench_index [--docs N] [--jobs J] [--keep DIR] [--json]\n";
      return 2;
    }
  }
  std::vector<std::string> texts;
  for (const char* sub : {"corpus/seeds/docs", "corpus/dev/docs"})
    for (auto& e : fs::directory_iterator(std::string(SAGSINDEKS_SOURCE_DIR) + "/" + sub))
      if (e.is_regular_file()) texts.push_back(slurp(e.path()));
  std::sort(texts.begin(), texts.end());
  if (texts.empty()) {
    std::cerr << "bench_index: no bundled documents found\n";
    return 2;
  }

  std::string dir = keep;
  if (dir.empty()) {
    std::string t = (fs::temp_directory_path() / "bench-index-XXXXXX").string();
    if (!mkdtemp(t.data())) return 2;
    dir = t;
  }
  fs::create_directories(dir + "/in");
  uint64_t total_bytes = 0;
  for (size_t i = 0; i < docs; ++i) {
    const std::string& a = texts[i % texts.size()];
    const std::string& b = texts[(i * 7 + 3) % texts.size()];
    std::string extra = b.substr(0, std::min<size_t>(b.size(), 600));
    std::string body = a + "\n\n" + extra + "\n\nLøbenummer " + std::to_string(i) + "\n";
    std::string p = dir + "/in/" + std::to_string(i % 50) + "/d" + std::to_string(i) + ".txt";
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << body;
    total_bytes += body.size();
  }

  auto res = Resources::load({});
  if (!res.ok()) {
    std::cerr << "bench_index: " << res.error().message << "\n";
    return 2;
  }
  std::string db = dir + "/bench.db";
  fs::remove(db);
  IndexOptions io;
  io.create = io.writable = true;
  auto ix = CorpusIndex::open(db, io);
  if (!ix.ok()) {
    std::cerr << "bench_index: " << ix.error().message << "\n";
    return 2;
  }
  IngestOptions o;
  o.jobs = jobs;
  auto t0 = Clock::now();
  auto rep = (*ix)->ingest({dir + "/in"}, **res, o);
  double ingest_s = ms_since(t0) / 1000;
  if (!rep.ok()) {
    std::cerr << "bench_index: " << rep.error().message << "\n";
    return 2;
  }
  t0 = Clock::now();
  auto again = (*ix)->ingest({dir + "/in"}, **res, o);
  double reingest_s = ms_since(t0) / 1000;

  std::vector<Query> queries;
  auto q = [&](const char* text) {
    Filter f;
    f.text = text;
    queries.push_back({text, f});
  };
  q("kommune");
  q("kommunerne");
  q("ældreområdet");
  q("frisættelse ældreområdet");
  q("dispensation");
  q("frikommune*");
  q("velfærdsaftale*");
  q("\"forpligtende kommunale samarbejder\"");
  q("borgmester AND byråd");
  q("folkeskole OR dagtilbud");
  q("kommune NOT region");
  q("samarbejde");
  {
    Filter f;
    f.text = "samarbejde";
    f.types = {"reply"};
    f.from = "2015-01-01";
    queries.push_back({"samarbejde --type reply --from 2015", f});
    Filter g;
    g.types = {"invitation"};
    queries.push_back({"--type invitation", g});
    Filter h;
    h.municipality = "København";
    queries.push_back({"--municipality København", h});
  }
  std::vector<double> lat;
  const int repeats = 10;
  for (int r = 0; r < repeats; ++r)
    for (const auto& qq : queries) {
      auto s = Clock::now();
      auto hits = (*ix)->search(qq.filter, {});
      lat.push_back(ms_since(s));
      if (!hits.ok()) {
        std::cerr << "bench_index: " << qq.text << ": " << hits.error().message << "\n";
        return 2;
      }
    }
  std::vector<double> flat;
  for (int r = 0; r < 3; ++r)
    for (const auto& qq : queries) {
      auto s = Clock::now();
      auto f = (*ix)->facets(qq.filter);
      flat.push_back(ms_since(s));
      if (!f.ok()) return 2;
    }
  uint64_t db_bytes = fs::file_size(db);
  ix->reset();
  if (keep.empty()) fs::remove_all(dir);

  double mb = total_bytes / 1e6;
  if (json) {
    std::printf(
        "{\"documents\":%zu,\"jobs\":%d,\"input_mb\":%.2f,\"ingest_s\":%.2f,\"documents_per_s\":%.1f,"
        "\"mb_per_s\":%.3f,\"reingest_s\":%.2f,\"index_mb\":%.2f,\"queries\":%zu,\"search_p50_ms\":%.3f,"
        "\"search_p95_ms\":%.3f,\"facets_p50_ms\":%.3f,\"facets_p95_ms\":%.3f}\n",
        docs, jobs, mb, ingest_s, docs / ingest_s, mb / ingest_s, reingest_s, db_bytes / 1e6, lat.size(),
        percentile(lat, 0.5), percentile(lat, 0.95), percentile(flat, 0.5), percentile(flat, 0.95));
  } else {
    std::printf("corpus      %zu documents, %.1f MB (generated from %zu bundled documents)\n", docs, mb, texts.size());
    std::printf("ingest      %.2f s with %d analysis threads: %.1f documents/s, %.2f MB/s; index %.1f MB\n", ingest_s,
                jobs, docs / ingest_s, mb / ingest_s, db_bytes / 1e6);
    std::printf("re-ingest   %.2f s (nothing changed: %zu unchanged)\n", reingest_s, again.ok() ? again->unchanged : 0);
    std::printf("search      %zu timed queries (%zu distinct, limit 20, with snippets): p50 %.2f ms, p95 %.2f ms\n",
                lat.size(), queries.size(), percentile(lat, 0.5), percentile(lat, 0.95));
    std::printf("facets      p50 %.2f ms, p95 %.2f ms\n", percentile(flat, 0.5), percentile(flat, 0.95));
    std::printf("per query (median ms):\n");
    for (size_t k = 0; k < queries.size(); ++k) {
      std::vector<double> one;
      for (int r = 0; r < repeats; ++r) one.push_back(lat[r * queries.size() + k]);
      std::printf("  %8.2f  %s\n", percentile(one, 0.5), queries[k].text);
    }
  }
  return 0;
}
