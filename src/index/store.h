// The corpus index: analysis records, normalised texts and sources in one SQLite file (WAL),
// with a Danish full-text index (FTS5, tokenizer sagsindeks_da) and filterable fields.
//
//   IndexOptions o; o.create = o.writable = true;
//   auto ix = CorpusIndex::open("archive.db", o);          // Result<std::unique_ptr<CorpusIndex>>
//   if (!ix.ok()) { /* ix.error().code: not_a_database, corrupt, newer_version, ... */ }
//   auto rep = (*ix)->ingest({"~/indgaaende"}, resources, {});  // incremental by size, mtime, sha256
//   Filter f; f.text = "frisættelse ældreområdet"; f.types = {"reply"};
//   auto hits = (*ix)->search(f, {});                        // ranked by bm25, with snippets
//
// Consistency: ingest writes from one thread in batched transactions, so a run killed at any
// point leaves every committed document whole; the next run skips those and does the rest.
// A CorpusIndex is one SQLite connection: use it from one thread at a time.
// Error codes: not_found, not_a_database, not_an_index, corrupt, read_only, locked,
// newer_version, old_version, reindex_needed, query, io, sqlite.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/corpus.h"
#include "core/result.h"

struct sqlite3;

namespace sagsindeks {

class DanishTokenizer;
struct AccelResult;

// PRAGMA user_version of the files this build writes. Bump with a migration in store.cpp.
// 2: the cards table; parts of files (e-mail attachments). 3: the search accelerator (postings.h).
inline constexpr int kIndexSchemaVersion = 3;

struct IndexOptions {
  bool create = false;          // create the file when it does not exist (needs writable)
  bool writable = false;
  int busy_timeout_ms = 5000;   // how long to wait for another writer before failing "locked"
  bool allow_outdated = false;  // open an index of an older schema or tokenizer (to upgrade it)
  // Searches of plain words (with any filters but --path, --errors) are answered from the search
  // accelerator (postings.h) instead of FTS5's bm25 over every match. false: FTS5 answers every
  // query (the reference the tests compare against; the same hits, scores and facets).
  bool accelerator = true;
};

struct IndexInfo {
  std::string path;
  int schema_version = 0;
  int tokenizer_version = 0;
  std::string lexicon_version;   // digest of the lexicon folder of the last ingest
  std::string analysis_schema;   // sagsindeks.analysis/1
  std::string created_at;
  std::string sqlite_version;
};

struct IngestOptions {
  AnalyzeOptions analyze;
  int jobs = 1;
  bool force = false;   // re-analyse files whose content is unchanged
  bool prune = false;   // remove documents whose files are gone from the folders given
  // Documents per transaction (also committed at least every 5 seconds). Each commit flushes
  // FTS5's pending terms as a new segment that later merges rewrite, and the accelerator's rows
  // of every term the batch touched: small batches multiply that work. 4000 instead of 1000:
  // callgrind of `ingest -j1` on 20 000 letters 43.8 -> 37.3 G instructions (accelerator flush
  // 5.3 -> 2.0 G, FTS5 segments and merges at COMMIT ~6.9 -> 3.4 G), the same hits and scores.
  // Cost: peak memory ~170 -> ~240 MB there (the batch's texts, token tapes, FTS5's pending
  // terms), and a killed run loses up to this many documents' work (or 5 s of it).
  size_t batch = 4000;
  std::function<void(size_t done, size_t total)> progress;  // called from the writer thread
};

struct IngestReport {
  size_t files = 0;      // files found
  size_t added = 0;
  size_t updated = 0;    // content changed, or re-analysed on request
  size_t unchanged = 0;  // skipped by size and mtime, or by content hash
  size_t failed = 0;     // stored as errors (files, and parts of files)
  size_t parts = 0;      // records of parts stored (attachments of the files added or updated)
  size_t parts_failed = 0;  // of those, stored as errors (counted in `failed` too)
  size_t removed = 0;    // pruned
  uint64_t bytes = 0;    // bytes read and analysed
  double seconds = 0;
  // CPU seconds of the writing thread spent storing (records to rows, facts, FTS5, commits),
  // analysis excluded: the index's own cost, whatever the analysers cost.
  double store_cpu_seconds = 0;
  bool lexicons_changed = false;  // documents analysed with other lexicons were kept
  std::vector<std::pair<std::string, Error>> failures;  // path, reason (files and folders)
};

// A query: full text (FTS5 syntax, may be empty) and field filters, all combined with AND.
struct Filter {
  std::string text;                // words, "phrases", prefix*, AND OR NOT, (), NEAR, title:
  std::vector<std::string> types;  // any of these labels
  std::string municipality;        // name ("Ishøj", "Ishøj Kommune") or code ("0183")
  std::string mayor;               // full name, or a surname
  std::string signatory;
  std::string case_number;         // white space ignored
  std::string document_number;
  std::string exemption;           // exemption area
  std::string from, to;            // document date bounds, inclusive; YYYY, YYYY-MM or YYYY-MM-DD
  std::string path;                // substring of the source path
  bool errors = false;             // only documents that could not be read (default: only good ones)
};

struct SearchOptions {
  size_t limit = 20;
  size_t offset = 0;
  std::string mark_open = "[";
  std::string mark_close = "]";
  int snippet_tokens = 20;
  // When set, receives the number of all hits when the search counted them on the way (the
  // accelerator does), else -1: saves a count() that would evaluate the query again.
  int64_t* total = nullptr;
};

struct Hit {
  int64_t id = 0;
  double score = 0;  // bm25: lower is better; 0 without a text query
  std::string path, type, document_date, title, snippet;
  double confidence = 0;
  std::vector<std::string> municipalities, mayors, case_numbers;
  std::optional<Error> error;
};

struct FacetCount {
  std::string value;
  int64_t count = 0;
};

struct Facets {
  int64_t total = 0;
  std::vector<FacetCount> types, years, municipalities;  // most frequent first (years by year)
};

struct StoredDocument {
  int64_t id = 0;
  std::string path, sha256;
  int64_t bytes = 0, mtime_ns = 0;
  std::string type, document_date, title, ingested_at;
  double confidence = 0;
  nlohmann::ordered_json record;  // the analysis-v1 record (error records for failures)
  std::string text;               // normalised text; empty for failures
  std::optional<Error> error;
};

struct CheckReport {
  IndexInfo info;
  int64_t documents = 0, errors = 0, text_bytes = 0;
  std::vector<FacetCount> types;
  std::string last_run;            // "2024-05-01T10:00:00Z, finished" or "... interrupted"
  bool last_run_finished = true;
  std::vector<std::string> problems;  // empty when every check passed
  std::vector<std::string> notes;     // checks that could not run
};

class CorpusIndex {
 public:
  // Opens (or creates) an index. Never writes to a file that is not already an index or empty.
  static Result<std::unique_ptr<CorpusIndex>> open(const std::string& path, const IndexOptions& o);
  ~CorpusIndex();
  CorpusIndex(const CorpusIndex&) = delete;
  CorpusIndex& operator=(const CorpusIndex&) = delete;

  const IndexInfo& info() const { return info_; }

  // Analyses every readable file under `paths` on o.jobs threads and stores it from the calling
  // thread. Unreadable files are stored as errors and listed in the report; only a database
  // failure (locked, full, damaged) stops the run.
  Result<IngestReport> ingest(const std::vector<std::string>& paths, const Resources& r, const IngestOptions& o);

  Result<std::vector<Hit>> search(const Filter& f, const SearchOptions& o);
  Result<int64_t> count(const Filter& f);
  Result<Facets> facets(const Filter& f);

  Result<std::optional<StoredDocument>> document(int64_t id);
  Result<std::optional<StoredDocument>> document_by_path(const std::string& path);
  // Calls fn for every document matching f in id order; stops when fn returns false.
  Result<size_t> for_each(const Filter& f, const std::function<bool(const StoredDocument&)>& fn);

  // SQLite's integrity_check, FTS5's integrity-check, versions and counts.
  Result<CheckReport> check();
  // Rebuilds the full-text index with this build's tokenizer (needs a writable index).
  Result<bool> reindex();
  // Brings an older schema to kIndexSchemaVersion (needs a writable index opened allow_outdated).
  Result<bool> upgrade();

 private:
  CorpusIndex();
  // The accelerator's answer for f (AccelResult::used false: not a shape it takes; ask FTS5).
  Result<AccelResult> accelerated(const Filter& f, size_t offset, size_t limit, bool facets);
  sqlite3* db_ = nullptr;
  IndexInfo info_;
  bool writable_ = false;
  bool accelerator_ = true;
  std::unique_ptr<DanishTokenizer> query_tokenizer_;  // made on the first accelerated query
};

// The user's full-text query as FTS5 takes it. A bare word holding - . or / (a case number
// `2020-11222`, `j.nr.`, `SAG-2021/123`) is an FTS5 syntax error as typed; it becomes the
// phrase `"2020-11222"` (a trailing * stays a prefix). Quoted text, operators, parentheses,
// column filters (`title:`) and `^` are left as they are.
std::string fts_query(std::string_view user_query);

// A digest of the lexicon folder (file names and contents), stored to tell when records were
// made with other lexicons. Cost: reads the folder once.
std::string lexicon_digest(const std::string& dir);

}  // namespace sagsindeks
