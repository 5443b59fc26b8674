// The search accelerator: document-level postings and per-document columns kept beside FTS5,
// so that ranked searches and facets of the common query shapes never score every match in FTS5.
//
//   PostingsWriter w(db);                          // ingest: inside the caller's transactions
//   w.add(id, doc); w.remove(old_id); ...; w.flush();   // flush() just before each COMMIT
//
//   auto q = parse_simple_query(fts_query(text));  // nullopt: not a shape the fast path takes
//   Accelerator acc(db);                           // search: reads columns once per query
//   auto r = acc.run(*q, filter, need);            // matches, BM25 scores, facets
//
// What is stored (schema 3, all in the index file, written in the documents' transactions):
//   search_postings(term, lo, hi, n, data)  per term, rows of entries (document id, title and text
//       term frequencies), ids delta-coded varints, sorted within a row. A row covers the write
//       generations [lo, hi]; an entry is current iff its document's generation (search_columns)
//       lies in [lo, hi] (the invariant kept by PostingsWriter::flush: an entry is written with
//       its document's new generation, and a row is only extended after dropping entries that
//       are no longer current). So a replaced or deleted document's old entries are never read
//       as hits, without rewriting every row that held them.
//   search_columns(id, data)  id = column << 32 | block; per block of 4096 document ids, arrays
//       (read with incremental blob I/O straight into the query's arrays, blocks with matches only):
//       col 0 norms: generation u32 (0: no such document), length in tokens u32 (title + text,
//                    FTS5's xColumnSize(-1));
//       col 1 card:  ok u8, type code u16, year code u16 (codes: search_dict; 0: NULL);
//       col 2 date:  YYYYMMDD u32 (0: NULL, 0xFFFFFFFF: not an ISO date);
//       col 3 municipalities: offsets u32[4097], then codes u16.
//   search_dict(kind, code, value)  the strings behind the codes (1 type, 2 year, 3 municipality).
//   search_surfaces(term)  every colocated surface form indexed (a word whose lower case is not its
//       own stem); FTS5 matches a query stem against those too, so a query term found here is
//       left to FTS5 (see Accelerator::run).
//   meta 'search_generation'  the last generation written; 'search_rows', 'search_tokens' the
//       documents and their tokens (FTS5's row count and total size, for N and avgdl).
// Cost: ingest tokenizes each document once for both (prepare_terms records the tokens that
// FTS5 then replays, TokenReplay in tokenizer.h), counts its distinct terms, and rewrites the last row of every term it touches once per batch (rows end at kRowEntries
// entries, so a common term has one row per ~kRowEntries documents). A query reads the norms of
// every document (8 bytes each), the rows of its terms, and for facets the cards (5 bytes each)
// and municipality lists.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

struct sqlite3;

namespace sagsindeks {

class DanishTokenizer;
struct Filter;

inline constexpr int kBlockShift = 12;  // 4096 document ids per column block
inline constexpr uint32_t kBlockSize = 1u << kBlockShift;
inline constexpr uint32_t kDateNotIso = 0xFFFFFFFFu;

// The tables of the accelerator; part of the index schema (store.cpp, and its migration 2 → 3).
inline constexpr const char* kPostingsSchemaSql =
    "CREATE TABLE search_postings(term TEXT NOT NULL, hi INTEGER NOT NULL, lo INTEGER NOT NULL, n INTEGER NOT NULL,"
    " data BLOB NOT NULL, PRIMARY KEY(term, lo)) WITHOUT ROWID;\n"
    "CREATE TABLE search_columns(id INTEGER PRIMARY KEY, data BLOB NOT NULL);\n"
    "CREATE TABLE search_dict(kind INTEGER NOT NULL, code INTEGER NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY(kind, code)) WITHOUT ROWID;\n"
    "CREATE TABLE search_surfaces(term TEXT PRIMARY KEY) WITHOUT ROWID;\n";

// What ingest knows of a document, for the accelerator.
struct PostingsDoc {
  bool ok = false;
  const std::string* title = nullptr;  // null: SQL NULL (error records)
  const std::string* text = nullptr;
  const std::string* type = nullptr;
  std::string document_date;           // empty: NULL
  std::vector<std::string> municipalities;  // distinct names, first mention first
  // prepare_terms(title, text), when a worker thread made it; null: add() tokenizes itself.
  const std::string* prepared = nullptr;
};

// A document's terms for PostingsWriter::add: its length in tokens, its distinct terms with
// their title and text counts, its surface forms, and every token for FTS5 (an opaque string). The tokenizing half of
// add(), thread-safe so that analysis workers do it beside each other instead of the single
// writing thread (a thread_local tokenizer per thread). Cost: one tokenizer pass (~1/65 s per MB).
std::string prepare_terms(const std::string* title, const std::string* text);
std::string prepare_terms(const std::string* title, const std::string* text, DanishTokenizer& tok);
// The FTS5 tokens of the title and of the text in a prepare_terms string (tapes for TokenReplay,
// recorded by the same tokenizer pass), and what follows them. false: not such a string.
bool prepared_tapes(std::string_view prepared, std::string_view& title, std::string_view& text,
                    std::string_view* rest = nullptr);

// Keeps the accelerator in step with the documents table. Use from the writing connection only,
// inside its transactions; flush() before each COMMIT. After a failed statement the caller rolls
// back and must drop the writer (its in-memory state is then ahead of the file).
class PostingsWriter {
 public:
  explicit PostingsWriter(sqlite3* db);
  ~PostingsWriter();
  PostingsWriter(const PostingsWriter&) = delete;
  PostingsWriter& operator=(const PostingsWriter&) = delete;

  // A new or replaced document (its id keeps any old entries from being read as current).
  // Returns an SQLite result code (SQLITE_OK).
  int add(int64_t id, const PostingsDoc& d);
  // A deleted document.
  int remove(int64_t id);
  // Writes the pending rows and columns. Returns an SQLite result code.
  int flush();
  // Drops everything and rebuilds from documents and cards (schema upgrade, reindex).
  int rebuild();

 private:
  struct Impl;
  Impl* impl_;
};

// A query the accelerator takes: phrases that must all occur, in FTS5's phrase order.
struct SimpleQuery {
  struct Phrase {
    std::vector<std::string> terms;  // stems, as FTS5's query tokenizer gives them; one: a word
    std::string fts;                 // the phrase as FTS5 syntax (for a phrase's matches)
  };
  std::vector<Phrase> phrases;  // repeated ones count twice, as in FTS5
  std::vector<std::string> terms() const;  // every term of every phrase
};

// The fast path's shape: barewords (FTS5's bareword characters only, no AND/OR/NOT/NEAR) and
// "quoted phrases" (no "" inside, no * after), separated by white space. Anything else
// (prefixes, operators, column filters, parentheses, a word or phrase of no token): nullopt,
// and FTS5 answers.
std::optional<SimpleQuery> parse_simple_query(std::string_view fts_query, DanishTokenizer& tok);

struct AccelHit {
  int64_t id;
  double score;  // FTS5 bm25 convention: negative, lower is better
};

struct AccelFacets {
  int64_t total = 0;
  std::vector<std::pair<std::string, int64_t>> types, years, municipalities;  // unsorted
};

struct AccelResult {
  bool used = false;             // false: the accelerator cannot answer exactly; ask FTS5
  std::vector<AccelHit> page;    // ranked hits [offset, offset + limit)
  int64_t total = 0;             // all matches passing the filters
  int64_t word_matches = -1;     // a query of one word: FTS5's matches of it, filters aside
  std::optional<AccelFacets> facets;
};

// Answers a SimpleQuery with filters from the accelerator's tables (read-only).
// BM25 exactly as FTS5's bm25(documents_fts, 4.0, 1.0): for each phrase p (in query order),
//   idf(p) = ln((N - n(p) + 0.5) / (n(p) + 0.5)), at least 1e-6,
//   f(p,D) = 4 × (occurrences in the title) + (occurrences in the text),
//   score  = -Σ idf(p) × f × 2.2 / (f + 1.2 × (0.25 + 0.75 × |D| / avgdl)),
// N the documents in the index (error records too), n(p) those holding p, |D| the tokens of the
// document's title and text, avgdl the mean |D|. Ties go to the lower id, as ORDER BY bm25, id.
// A word's f and n come from the postings. A phrase of several words needs positions, which the
// postings do not keep: its matches (and so n) come from FTS5 (rowids only, ~60 ns a match, no
// bm25), f is bounded above by the postings (4 × min title count + min text count of its
// words), the candidates are ranked by that bound, and the exact f is counted in the
// candidates' own tokens (the indexing tokenizer's, as FTS5's instances) in that order until no
// bound can beat the page: the same page as bm25 over every match, at the cost of a few rows.
// Cost: O(N) for the norms plus O(Σ n(t)) for the postings; facets add O(N) for the cards.
class Accelerator {
 public:
  // `tok`: a tokenizer to use for exact phrase counts (made on demand when null; ~0.3 ms).
  explicit Accelerator(sqlite3* db, DanishTokenizer* tok = nullptr) : db_(db), tok_(tok) {}
  // `filter.text` is ignored (q is the text); the fact filters (municipality, mayor, ...) come
  // evaluated as `fact_ids` (the documents passing all of them; null: none given). Filters the
  // accelerator cannot evaluate (--path, --errors, a date bound or stored date not YYYY-MM-DD)
  // give used=false.
  Result<AccelResult> run(const SimpleQuery& q, const Filter& filter, const std::vector<int64_t>* fact_ids,
                          size_t offset, size_t limit, bool want_facets);

 private:
  sqlite3* db_;
  DanishTokenizer* tok_;
};

}  // namespace sagsindeks
