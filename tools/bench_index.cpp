// bench_index: ingest throughput and search latency of the corpus index.
//
//   bench_index [--docs N] [--jobs J] [--batch DOCS] [--keep DIR] [--json]
//   bench_index --corpus out/scale-20000 --jobs 1      # ingest a generated scale corpus instead
//   bench_index --index out/scale-200000.db            # search timings only, on an existing index
//   bench_index --index DB --queries tools/bench/queries.txt [--no-accelerator] [--repeats N]
//   bench_index --tokenizer out/scale-20000            # the FTS5 tokenizer alone, document mode
//
// Builds a large corpus in a temporary folder from the bundled documents (corpus/seeds, corpus/dev;
// each generated file is one document with a paragraph of another appended and a serial number,
// so every file is distinct), ingests it into a fresh index, re-ingests it (nothing changed),
// then times a fixed set of queries, each run several times. Reports documents/s and MB/s for
// ingest, by wall clock and per CPU second of the whole process, the index-write cost alone
// (IngestReport::store_cpu_seconds: rows, facts, FTS5, commits, analysis excluded), and p50/p95
// search and facet latency in milliseconds (in process: no start-up), by wall clock and by CPU
// time of the thread (what a loaded, shared machine does not inflate). The queries are a fixed
// set of shapes (words, prefixes, phrases, operators, filters: the accelerator's and FTS5's
// paths), or with --queries the lines of a file (the benchmark's set), each as a page of 20 hits
// with snippets and as facets. --no-accelerator times FTS5 alone (IndexOptions::accelerator).
#include <sys/resource.h>
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
#include "index/tokenizer.h"

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

double process_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t k = static_cast<size_t>(p * (v.size() - 1) + 0.5);
  return v[std::min(k, v.size() - 1)];
}

struct Query {
  std::string text;
  Filter filter;
};

}  // namespace

int main(int argc, char** argv) {
  size_t docs = 3000;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string keep, corpus_dir, index_db, queries_file;
  bool json = false, accelerator = true;
  int repeats = 10;
  size_t batch = IngestOptions{}.batch;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--docs" && i + 1 < argc) docs = std::stoul(argv[++i]);
    else if (a == "--jobs" && i + 1 < argc) jobs = std::stoi(argv[++i]);
    else if (a == "--batch" && i + 1 < argc) batch = std::stoul(argv[++i]);
    else if (a == "--keep" && i + 1 < argc) keep = argv[++i];
    else if (a == "--corpus" && i + 1 < argc) corpus_dir = argv[++i];
    else if (a == "--index" && i + 1 < argc) index_db = argv[++i];
    else if (a == "--tokenizer" && i + 1 < argc) {
      // Tokenizes every file under the folder (up to 50 MB) as FTS5 does for a document.
      std::vector<std::string> texts;
      size_t bytes = 0;
      for (auto& e : fs::recursive_directory_iterator(argv[++i]))
        if (e.is_regular_file() && bytes < 50000000) {
          texts.push_back(slurp(e.path()));
          bytes += texts.back().size();
        }
      DanishTokenizer t;
      size_t tokens = 0;
      double c0 = process_cpu_seconds();
      for (int rep = 0; rep < 2; ++rep)
        for (const auto& x : texts)
          t.tokenize(x, TokenMode::document, [&](const Token&) { return ++tokens, 0; });
      double cpu = process_cpu_seconds() - c0;
      std::printf("tokenizer   %.1f MB x 2 in %.2f CPU s: %.1f MB/s, %.1f M tokens/s\n", bytes / 1e6, cpu,
                  2 * bytes / 1e6 / cpu, tokens / 1e6 / cpu);
      return 0;
    }
    else if (a == "--json") json = true;
    else if (a == "--queries" && i + 1 < argc) queries_file = argv[++i];
    else if (a == "--no-accelerator") accelerator = false;
    else if (a == "--repeats" && i + 1 < argc) repeats = std::max(1, std::stoi(argv[++i]));
    else {
      std::cerr << "usage: bench_index [--docs N | --corpus DIR | --index DB] [--jobs J] [--keep DIR] [--json]\n"
                   "                   [--queries FILE] [--no-accelerator] [--repeats N]\n";
      return 2;
    }
  }
  std::string dir = keep;
  if (dir.empty()) {
    std::string t = (fs::temp_directory_path() / "bench-index-XXXXXX").string();
    if (!mkdtemp(t.data())) return 2;
    dir = t;
  }
  uint64_t total_bytes = 0;
  size_t ntexts = 0;
  std::string input = dir + "/in";
  if (!corpus_dir.empty()) {
    input = corpus_dir;
    docs = 0;
    for (auto& e : fs::recursive_directory_iterator(corpus_dir))
      if (e.is_regular_file() && e.path().filename().string()[0] != '.') {
        total_bytes += e.file_size();
        ++docs;
      }
  } else if (index_db.empty()) {
    std::vector<std::string> texts;
    for (const char* sub : {"corpus/seeds/docs", "corpus/dev/docs"})
      for (auto& e : fs::directory_iterator(std::string(SAGSINDEKS_SOURCE_DIR) + "/" + sub))
        if (e.is_regular_file()) texts.push_back(slurp(e.path()));
    std::sort(texts.begin(), texts.end());
    if (texts.empty()) {
      std::cerr << "bench_index: no bundled documents found\n";
      return 2;
    }
    ntexts = texts.size();
    fs::create_directories(dir + "/in");
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
  }

  std::string db = index_db.empty() ? dir + "/bench.db" : index_db;
  IndexOptions io;
  io.accelerator = accelerator;
  double ingest_s = 0, ingest_cpu = 0, store_cpu = 0, reingest_s = 0;
  size_t unchanged = 0;
  std::unique_ptr<CorpusIndex> ix;
  if (index_db.empty()) {
    auto res = Resources::load({});
    if (!res.ok()) {
      std::cerr << "bench_index: " << res.error().message << "\n";
      return 2;
    }
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
    io.create = io.writable = true;
    auto opened = CorpusIndex::open(db, io);
    if (!opened.ok()) {
      std::cerr << "bench_index: " << opened.error().message << "\n";
      return 2;
    }
    ix = std::move(*opened);
    IngestOptions o;
    o.jobs = jobs;
    o.batch = batch;
    auto t0 = Clock::now();
    double c0 = process_cpu_seconds();
    auto rep = ix->ingest({input}, **res, o);
    ingest_s = ms_since(t0) / 1000;
    ingest_cpu = process_cpu_seconds() - c0;
    if (!rep.ok()) {
      std::cerr << "bench_index: " << rep.error().message << "\n";
      return 2;
    }
    store_cpu = rep->store_cpu_seconds;
    t0 = Clock::now();
    auto again = ix->ingest({input}, **res, o);
    reingest_s = ms_since(t0) / 1000;
    unchanged = again.ok() ? again->unchanged : 0;
  } else {
    auto opened = CorpusIndex::open(db, io);
    if (!opened.ok()) {
      std::cerr << "bench_index: " << opened.error().message << "\n";
      return 2;
    }
    ix = std::move(*opened);
    auto n = ix->count({});
    docs = n.ok() ? static_cast<size_t>(*n) : 0;
  }

  std::vector<Query> queries;
  auto q = [&](const std::string& text) {
    Filter f;
    f.text = text;
    queries.push_back({text, f});
  };
  if (!queries_file.empty()) {
    std::ifstream in(queries_file);
    if (!in) {
      std::cerr << "bench_index: cannot read " << queries_file << "\n";
      return 2;
    }
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line[0] != '#' && line.find_first_not_of(" \t\r") != std::string::npos) q(line);
  } else {
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
    Filter k;
    k.text = "kommune";
    k.municipality = "København";
    queries.push_back({"kommune --municipality København", k});
  }
  // Per query and repeat: wall and thread-CPU milliseconds of a page of hits and of facets.
  const size_t nq = queries.size();
  std::vector<double> lat, cpu, flat, fcpu;
  for (int r = 0; r < repeats; ++r)
    for (const auto& qq : queries) {
      auto s = Clock::now();
      double c0 = thread_cpu_ms();
      auto hits = ix->search(qq.filter, {});
      cpu.push_back(thread_cpu_ms() - c0);
      lat.push_back(ms_since(s));
      if (!hits.ok()) {
        std::cerr << "bench_index: " << qq.text << ": " << hits.error().message << "\n";
        return 2;
      }
      s = Clock::now();
      c0 = thread_cpu_ms();
      auto f = ix->facets(qq.filter);
      fcpu.push_back(thread_cpu_ms() - c0);
      flat.push_back(ms_since(s));
      if (!f.ok()) return 2;
    }
  ix.reset();  // the last connection checkpoints the WAL into the file (ingest lets it grow)
  uint64_t db_bytes = fs::file_size(db);
  if (keep.empty() && index_db.empty()) fs::remove_all(dir);

  double mb = total_bytes / 1e6;
  auto per = [](double x, double s) { return s > 0 ? x / s : 0.0; };
  if (json) {
    std::printf(
        "{\"documents\":%zu,\"jobs\":%d,\"input_mb\":%.2f,\"ingest_s\":%.2f,\"ingest_cpu_s\":%.2f,"
        "\"store_cpu_s\":%.2f,\"documents_per_s\":%.1f,\"mb_per_s\":%.3f,\"mb_per_cpu_s\":%.3f,"
        "\"index_write_mb_per_cpu_s\":%.3f,\"reingest_s\":%.2f,\"index_mb\":%.2f,\"queries\":%zu,"
        "\"search_p50_ms\":%.3f,\"search_p95_ms\":%.3f,\"facets_p50_ms\":%.3f,\"facets_p95_ms\":%.3f,"
        "\"search_cpu_p50_ms\":%.3f,\"search_cpu_p95_ms\":%.3f,\"facets_cpu_p50_ms\":%.3f,\"facets_cpu_p95_ms\":%.3f}\n",
        docs, jobs, mb, ingest_s, ingest_cpu, store_cpu, per(docs, ingest_s), per(mb, ingest_s), per(mb, ingest_cpu),
        per(mb, store_cpu), reingest_s, db_bytes / 1e6, lat.size(), percentile(lat, 0.5), percentile(lat, 0.95),
        percentile(flat, 0.5), percentile(flat, 0.95), percentile(cpu, 0.5), percentile(cpu, 0.95), percentile(fcpu, 0.5),
        percentile(fcpu, 0.95));
  } else {
    if (index_db.empty()) {
      if (ntexts) std::printf("corpus      %zu documents, %.1f MB (generated from %zu bundled documents)\n", docs, mb, ntexts);
      else std::printf("corpus      %zu documents, %.1f MB (%s)\n", docs, mb, corpus_dir.c_str());
      std::printf("ingest      %.2f s with %d analysis threads: %.1f documents/s, %.2f MB/s; index %.1f MB\n", ingest_s,
                  jobs, per(docs, ingest_s), per(mb, ingest_s), db_bytes / 1e6);
      std::printf("  per CPU   %.2f CPU s: %.2f MB per CPU second end to end (analysis + index)\n", ingest_cpu,
                  per(mb, ingest_cpu));
      std::printf("  writing   %.2f CPU s: %.2f MB per CPU second of index writing alone\n", store_cpu, per(mb, store_cpu));
      std::printf("re-ingest   %.2f s (nothing changed: %zu unchanged)\n", reingest_s, unchanged);
    } else {
      std::printf("index       %s: %zu documents, %.1f MB\n", db.c_str(), docs, db_bytes / 1e6);
    }
    std::printf("search      %zu queries x %d (limit 20, with snippets%s): wall p50 %.2f ms, p95 %.2f ms; CPU p50 %.2f, p95 %.2f\n",
                nq, repeats, accelerator ? "" : ", FTS5 only", percentile(lat, 0.5), percentile(lat, 0.95),
                percentile(cpu, 0.5), percentile(cpu, 0.95));
    std::printf("facets      wall p50 %.2f ms, p95 %.2f ms; CPU p50 %.2f, p95 %.2f\n", percentile(flat, 0.5),
                percentile(flat, 0.95), percentile(fcpu, 0.5), percentile(fcpu, 0.95));
    std::vector<double> both = lat, bothc = cpu;
    both.insert(both.end(), flat.begin(), flat.end());
    bothc.insert(bothc.end(), fcpu.begin(), fcpu.end());
    std::printf("both forms  wall p50 %.2f ms, p95 %.2f ms; CPU p50 %.2f, p95 %.2f\n", percentile(both, 0.5),
                percentile(both, 0.95), percentile(bothc, 0.5), percentile(bothc, 0.95));
    std::printf("per query (median ms of %d; hits wall / CPU, facets wall / CPU):\n", repeats);
    for (size_t k = 0; k < nq; ++k) {
      std::vector<double> a, b, c, d;
      for (int r = 0; r < repeats; ++r) {
        a.push_back(lat[r * nq + k]);
        b.push_back(cpu[r * nq + k]);
        c.push_back(flat[r * nq + k]);
        d.push_back(fcpu[r * nq + k]);
      }
      std::printf("  %8.2f %8.2f  %8.2f %8.2f  %s\n", percentile(a, 0.5), percentile(b, 0.5), percentile(c, 0.5),
                  percentile(d, 0.5), queries[k].text.c_str());
    }
  }
  return 0;
}
