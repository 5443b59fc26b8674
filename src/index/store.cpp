// The corpus index on SQLite: schema and versions, incremental ingest, search, facets, check.
#include "index/store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "index/postings.h"
#include "index/tokenizer.h"
#include "ingest/reader.h"

namespace sagsindeks {

namespace fs = std::filesystem;

namespace {

// ---- SQLite helpers ----------------------------------------------------------------------------

// Maps an SQLite failure to one of the index's stable error codes with a sentence to act on.
Error db_error(sqlite3* db, int rc, const std::string& path) {
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      return {"not_a_database", path + ": not a SQLite database (" + msg + ")"};
    case SQLITE_CORRUPT:
      return {"corrupt", path + ": the database is damaged (" + msg +
                             "); restore a copy, or delete it and ingest again"};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {"locked", path + ": the database is locked by another writer; try again when it has finished"};
    case SQLITE_READONLY:
      return {"read_only", path + ": the database is read-only (" + msg + ")"};
    case SQLITE_CANTOPEN:
      return {"io", path + ": cannot open the database (" + msg + ")"};
    case SQLITE_FULL:
      return {"io", path + ": the disk is full"};
    case SQLITE_IOERR:
      return {"io", path + ": input/output error (" + msg + ")"};
    default:
      break;
  }
  if (msg.rfind("fts5:", 0) == 0 || msg.find("syntax error") != std::string::npos ||
      msg.find("unterminated string") != std::string::npos || msg.find("no such column") != std::string::npos)
    return {"query", "malformed query: " + msg +
                         " (words, \"phrases\", prefix*, AND, OR, NOT, parentheses; put a word with : in quotes)"};
  return {"sqlite", path + ": " + msg};
}

class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr); }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK || rc_ == SQLITE_ROW || rc_ == SQLITE_DONE; }
  int rc() const { return rc_; }
  Stmt& bind(int i, const std::string& s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, const char* s) { return bind(i, std::string(s)); }
  // Not copied: `s` must stay as it is until the statement is stepped or reset.
  Stmt& bind_static(int i, std::string_view s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& bind(int i, double v) {
    sqlite3_bind_double(st_, i, v);
    return *this;
  }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }
  Stmt& bind_opt(int i, const std::string& s) { return s.empty() ? bind_null(i) : bind(i, s); }
  // True while there is a row; check rc() afterwards for an error.
  bool step() {
    if (!st_) return false;
    rc_ = sqlite3_step(st_);
    return rc_ == SQLITE_ROW;
  }
  bool run() {
    step();
    return rc_ == SQLITE_DONE || rc_ == SQLITE_ROW;
  }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
    rc_ = SQLITE_OK;
  }
  std::string text(int c) const {
    auto p = sqlite3_column_text(st_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, c))) : "";
  }
  int64_t i64(int c) const { return sqlite3_column_int64(st_, c); }
  double dbl(int c) const { return sqlite3_column_double(st_, c); }
  bool null(int c) const { return sqlite3_column_type(st_, c) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  int rc_ = SQLITE_OK;
};

int exec(sqlite3* db, const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }

// What a search filters and counts on, one narrow row (~60 bytes) per document, written by
// ingest with the document. Reading d.error_code or d.type from `documents` per hit costs a
// page of record and text (~10 KB) per row, and error_code sits behind them on overflow pages;
// over cards, the 190 000 hits of a common word fit in a few MB of pages. municipalities holds
// the distinct names, unit-separated (char 31), for the facet counts. The two indexes are in
// the order of a search without words (newest first, NULL dates last, then id), so that one
// reads its page of 20 straight off an index instead of sorting every document that passes.
#define SAGSINDEKS_CARDS_SQL                                                                             \
  "CREATE TABLE cards(id INTEGER PRIMARY KEY, ok INTEGER NOT NULL, type TEXT, document_date TEXT, "      \
  "municipalities TEXT);\n"                                                                               \
  "CREATE INDEX cards_type ON cards(ok, type, document_date DESC, id);\n"                                 \
  "CREATE INDEX cards_date ON cards(ok, document_date DESC, id);\n"
// The schema of kIndexSchemaVersion; kMigrations bring older files to it.
const char* kSchemaSql = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  sha256 TEXT,
  bytes INTEGER,
  mtime_ns INTEGER,
  type TEXT,
  confidence REAL,
  document_date TEXT,
  title TEXT,
  record TEXT NOT NULL,
  text TEXT,
  error_code TEXT,
  error_message TEXT,
  lexicon_version TEXT,
  ingested_at TEXT NOT NULL,
  file_id INTEGER,
  part TEXT);
-- Parts of a file (e-mail attachments) are found by their file's row.
CREATE INDEX documents_file ON documents(file_id);
-- No other secondary indexes beyond path: searches filter and sort on cards, and every index
-- here is one more b-tree insert per document.
-- One row per extracted value a search can filter on: kind is municipality, mayor, signatory,
-- case_number, document_number, exemption; key is the folded form compared against.
CREATE TABLE facts(doc INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, code TEXT, key TEXT NOT NULL);
CREATE INDEX facts_doc ON facts(doc);
CREATE INDEX facts_kind_key ON facts(kind, key, doc);
CREATE INDEX facts_kind_code ON facts(kind, code, doc);
CREATE TABLE runs(id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, files INTEGER,
  added INTEGER, updated INTEGER, unchanged INTEGER, failed INTEGER, removed INTEGER);
CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='id',
  tokenize='sagsindeks_da');
-- Ingest writes documents_fts itself (see CorpusIndex::ingest); deletes go through this trigger.
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
  DELETE FROM facts WHERE doc = old.id;
  DELETE FROM cards WHERE id = old.id;
END;
)sql"
    SAGSINDEKS_CARDS_SQL;


// Schema migrations: kMigrations[v - 1] takes a file from version v to v + 1.
const std::vector<const char*> kMigrations = {
    // 1 → 2: (a) parts of files (e-mail attachments) are documents of their own. `file_id` is the
    // row of the file that carries them (NULL for a file), `part` their MIME section number; their
    // path is "PATH#PART". Existing rows are files, so NULL is right for them. (b) cards, filled
    // from documents and facts; the delete trigger keeps it in step. The insert and update
    // triggers go: ingest writes the full-text rows itself (see ingest).
    "ALTER TABLE documents ADD COLUMN file_id INTEGER;\n"
    "ALTER TABLE documents ADD COLUMN part TEXT;\n"
    "CREATE INDEX documents_file ON documents(file_id);\n"
    SAGSINDEKS_CARDS_SQL
    "INSERT INTO cards(id, ok, type, document_date, municipalities) SELECT d.id, d.error_code IS NULL, d.type, "
    "d.document_date, (SELECT group_concat(value, char(31)) FROM (SELECT DISTINCT x.value FROM facts x "
    "WHERE x.doc = d.id AND x.kind = 'municipality' ORDER BY x.rowid)) FROM documents d;\n"
    "DROP INDEX documents_type;\n"
    "DROP INDEX documents_date;\n"
    "DROP INDEX documents_sha256;\n"
    "DROP TRIGGER documents_ai;\n"
    "DROP TRIGGER documents_au;\n"
    "DROP TRIGGER documents_ad;\n"
    "CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN\n"
    "  INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);\n"
    "  DELETE FROM facts WHERE doc = old.id;\n"
    "  DELETE FROM cards WHERE id = old.id;\n"
    "END;\n",
    // 2 → 3: the search accelerator's tables (postings.h); upgrade() then fills them from the
    // documents (one tokenizer pass over every text).
    kPostingsSchemaSql,
};

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string municipality_key(const std::string& s) {
  std::string k = fold_case(s);
  for (const char* suffix : {" kommune", " kommunes"})
    if (k.size() > std::strlen(suffix) && k.compare(k.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
      k.resize(k.size() - std::strlen(suffix));
  while (!k.empty() && k.back() == ' ') k.pop_back();
  return k;
}

std::string strip_space(const std::string& s) {
  std::string o;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) o += c;
  return o;
}

std::string like_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}

std::vector<std::string> split_unit(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t b = 0;
  while (true) {
    size_t e = s.find('\x1f', b);
    out.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  return out;
}

// A hit's card from the first eleven columns of a search row (id, path, type, confidence, date,
// title, error code and message, municipalities, mayors, case numbers), the layout both search
// paths select; the score and snippet columns are theirs.
Hit card_of_row(Stmt& st) {
  Hit h;
  h.id = st.i64(0);
  h.path = st.text(1);
  h.type = st.text(2);
  h.confidence = st.dbl(3);
  h.document_date = st.text(4);
  h.title = st.text(5);
  if (!st.null(6)) h.error = Error{st.text(6), st.text(7)};
  h.municipalities = split_unit(st.text(8));
  h.mayors = split_unit(st.text(9));
  h.case_numbers = split_unit(st.text(10));
  return h;
}

// Date bounds: "2020" → 2020-01-01 / 2020-12-31; "2020-03" → 2020-03-01 / 2020-03-31.
std::string date_bound(const std::string& d, bool upper) {
  if (d.size() == 4) return d + (upper ? "-12-31" : "-01-01");
  if (d.size() == 7) return d + (upper ? "-31" : "-01");
  return d;
}

}  // namespace

std::string fts_query(std::string_view q) {
  auto wordish = [](unsigned char c) { return c >= 0x80 || std::isalnum(c); };
  std::string out;
  out.reserve(q.size() + 8);
  size_t i = 0;
  while (i < q.size()) {
    char c = q[i];
    if (c == '"') {  // a quoted phrase, copied whole ("" inside is an escaped quote)
      size_t e = i + 1;
      while (e < q.size() && !(q[e] == '"' && (e + 1 >= q.size() || q[e + 1] != '"'))) e += q[e] == '"' ? 2 : 1;
      e = std::min(q.size(), e + 1);
      out.append(q.substr(i, e - i));
      i = e;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')') {
      out.push_back(c);
      ++i;
      continue;
    }
    size_t e = i;
    while (e < q.size() && q[e] != '"' && q[e] != '(' && q[e] != ')' && !std::isspace(static_cast<unsigned char>(q[e]))) ++e;
    std::string_view run = q.substr(i, e - i), core = run;
    while (!core.empty() && core.back() == '*') core.remove_suffix(1);
    bool separators = core.find_first_of("-./") != std::string_view::npos;
    bool syntax = core.find_first_of(":^+*,") != std::string_view::npos;
    if (separators && !syntax && wordish(static_cast<unsigned char>(core.front()))) {
      out += '"';
      out.append(core);
      out += '"';
      out.append(run.substr(core.size()));
    } else {
      out.append(run);
    }
    i = e;
  }
  return out;
}

namespace {

// One fact filter (municipality, mayor, ...) as a condition over facts x with its values.
struct FactFilter {
  std::string sql;
  std::vector<std::string> values;
};

std::vector<FactFilter> fact_filters(const Filter& f) {
  std::vector<FactFilter> out;
  auto fact = [&](const char* kind, const std::string& key, const std::string& code, bool surname) {
    FactFilter x;
    x.sql = std::string("x.kind = '") + kind + "' AND (x.key = ?";
    x.values.push_back(key);
    if (!code.empty()) {
      x.sql += " OR x.code = ?";
      x.values.push_back(code);
    }
    if (surname) {
      x.sql += " OR (' ' || x.key) LIKE ? ESCAPE '\\'";
      x.values.push_back("% " + like_escape(key));
    }
    x.sql += ")";
    out.push_back(std::move(x));
  };
  if (!f.municipality.empty()) fact("municipality", municipality_key(f.municipality), f.municipality, false);
  if (!f.mayor.empty()) fact("mayor", fold_case(f.mayor), "", true);
  if (!f.signatory.empty()) fact("signatory", fold_case(f.signatory), "", true);
  if (!f.case_number.empty()) fact("case_number", fold_case(strip_space(f.case_number)), "", false);
  if (!f.document_number.empty()) fact("document_number", fold_case(strip_space(f.document_number)), "", false);
  if (!f.exemption.empty()) fact("exemption", fold_case(f.exemption), "", false);
  return out;
}

// The WHERE clause (over documents d) and its bound values for a filter.
struct Where {
  std::string sql;
  std::vector<std::string> values;
  bool fts = false;
  bool documents = false;  // a clause reads documents d (the path), not only cards c
};

Where build_where(const Filter& f) {
  Where w;
  auto add = [&](const std::string& clause) { w.sql += (w.sql.empty() ? " WHERE " : " AND ") + clause; };
  if (!f.text.empty()) {
    w.fts = true;
    add("documents_fts MATCH ?");
    w.values.push_back(fts_query(f.text));
  }
  add(f.errors ? "c.ok = 0" : "c.ok = 1");
  if (!f.types.empty()) {
    std::string in;
    for (const auto& t : f.types) {
      in += in.empty() ? "?" : ", ?";
      w.values.push_back(t);
    }
    add("c.type IN (" + in + ")");
  }
  if (!f.from.empty()) {
    add("c.document_date >= ?");
    w.values.push_back(date_bound(f.from, false));
  }
  if (!f.to.empty()) {
    add("c.document_date <= ?");
    w.values.push_back(date_bound(f.to, true));
  }
  if (!f.path.empty()) {
    add("instr(d.path, ?) > 0");
    w.documents = true;
    w.values.push_back(f.path);
  }
  for (auto& fs : fact_filters(f)) {
    // The documents with that fact, as a list probed per hit: with EXISTS per document the
    // planner walked all cards in date order for a rare name (260 ms against 1-3 ms on 200 000).
    add("c.id IN (SELECT x.doc FROM facts x WHERE " + fs.sql + ")");
    for (auto& v : fs.values) w.values.push_back(std::move(v));
  }
  return w;
}

// The documents passing every fact filter of f, sorted; nullopt when f has none.
Result<std::optional<std::vector<int64_t>>> fact_ids(sqlite3* db, const Filter& f, const std::string& path) {
  std::optional<std::vector<int64_t>> out;
  for (const auto& fs : fact_filters(f)) {
    Stmt st(db, "SELECT DISTINCT x.doc FROM facts x WHERE " + fs.sql + " ORDER BY 1");
    if (!st.ok()) return db_error(db, st.rc(), path);
    for (size_t i = 0; i < fs.values.size(); ++i) st.bind(static_cast<int>(i + 1), fs.values[i]);
    std::vector<int64_t> ids;
    while (st.step()) ids.push_back(st.i64(0));
    if (st.rc() != SQLITE_DONE) return db_error(db, st.rc(), path);
    if (out) {
      std::vector<int64_t> both;
      std::set_intersection(out->begin(), out->end(), ids.begin(), ids.end(), std::back_inserter(both));
      out = std::move(both);
    } else {
      out = std::move(ids);
    }
  }
  return out;
}

// A read transaction for the span of one search: its statements (the accelerator's columns and
// postings, then the page's rows) see one snapshot even while an ingest commits beside it.
struct ReadTx {
  sqlite3* db;
  bool began = false;
  explicit ReadTx(sqlite3* d) : db(d) {
    if (sqlite3_get_autocommit(db)) began = exec(db, "BEGIN") == SQLITE_OK;
  }
  ~ReadTx() {
    if (began) exec(db, "COMMIT");
  }
};

// Joins documents only when asked or needed: per hit it costs a wide row (see cards).
std::string from_clause(const Where& w, bool documents = false) {
  // CROSS JOIN keeps the full-text match as the outer loop: otherwise the planner may walk the
  // cards index on ok and run the match once per document (a prefix query: minutes on 200 000).
  std::string s = w.fts ? " FROM documents_fts CROSS JOIN cards c ON c.id = documents_fts.rowid" : " FROM cards c";
  if (documents || w.documents) s += " JOIN documents d ON d.id = c.id";
  return s;
}

void bind_where(Stmt& st, const Where& w, int first = 1) {
  for (size_t i = 0; i < w.values.size(); ++i) st.bind(first + static_cast<int>(i), w.values[i]);
}

std::string collapse_space(const std::string& s) {
  std::string o;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !o.empty();
      continue;
    }
    if (space) o += ' ';
    space = false;
    o += c;
  }
  return o;
}

// The first `n` bytes of a text, cut at a UTF-8 boundary and a word.
std::string lead(const std::string& text, size_t n) {
  std::string t = collapse_space(text.substr(0, std::min(text.size(), n * 2)));
  if (t.size() <= n) return t;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;
  size_t sp = t.rfind(' ', cut);
  if (sp != std::string::npos && sp > n / 2) cut = sp;
  return t.substr(0, cut) + " …";
}

}  // namespace

std::string lexicon_digest(const std::string& dir) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) files.push_back(it->path());
  std::sort(files.begin(), files.end());
  std::string all;
  for (const auto& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    all += p.filename().string() + '\0' + sha256_hex(s.str()) + '\n';
  }
  return sha256_hex(all).substr(0, 16);
}

// ---- Opening and versions ---------------------------------------------------------------------

CorpusIndex::CorpusIndex() = default;

CorpusIndex::~CorpusIndex() {
  if (db_) sqlite3_close_v2(db_);
}

Result<std::unique_ptr<CorpusIndex>> CorpusIndex::open(const std::string& path, const IndexOptions& o) {
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  if (!exists && !o.create)
    return Error{"not_found", path + ": no such index (make one with 'sagsindeks ingest " + path + " FOLDER')"};
  if (exists && fs::is_directory(path, ec)) return Error{"io", path + ": is a folder, not an index file"};
  if (o.writable) {
    // Write bits count even for root, who passes access(): a file made read-only stays unwritten.
    struct stat sb {};
    if (exists && (::access(path.c_str(), W_OK) != 0 || (::stat(path.c_str(), &sb) == 0 && !(sb.st_mode & 0222))))
      return Error{"read_only", path + ": the file is read-only; an index can only be read from it"};
    fs::path dir = fs::absolute(path, ec).parent_path();
    if (::access(dir.c_str(), W_OK) != 0)
      return Error{"read_only", path + ": its folder is not writable (SQLite needs to write a journal beside it)"};
  } else if (exists && ::access(path.c_str(), R_OK) != 0) {
    return Error{"io", path + ": cannot read the file (permission denied)"};
  }
  std::unique_ptr<CorpusIndex> ix(new CorpusIndex());
  ix->writable_ = o.writable;
  ix->accelerator_ = o.accelerator;
  ix->info_.path = path;
  ix->info_.sqlite_version = sqlite3_libversion();
  int flags = o.writable ? (SQLITE_OPEN_READWRITE | (o.create ? SQLITE_OPEN_CREATE : 0)) : SQLITE_OPEN_READONLY;
  // No connection mutex: a CorpusIndex is used from one thread at a time (store.h), and Debian's
  // SQLite is serialized by default, which locks and unlocks a mutex on every API call (7% of
  // the instructions of a phrase search, ~20 calls a matching row).
  flags |= SQLITE_OPEN_NOMUTEX;
  // Once per process, before SQLite initialises: no memory statistics. With them (Debian's
  // default) every sqlite3_malloc and free takes a global mutex to count bytes nobody here
  // reads (sqlite3_memory_used): ~2 % of an ingest's CPU, in lock and unlock. Too late when the
  // program opened a database before (SQLITE_MISUSE, ignored): the statistics then stay on.
  static std::once_flag sqlite_configured;
  std::call_once(sqlite_configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  int rc = sqlite3_open_v2(path.c_str(), &ix->db_, flags, nullptr);
  if (rc != SQLITE_OK) return db_error(ix->db_, rc, path);
  sqlite3_extended_result_codes(ix->db_, 0);
  sqlite3_busy_timeout(ix->db_, o.busy_timeout_ms);
  if (register_danish_tokenizer(ix->db_) != SQLITE_OK)
    return Error{"sqlite", "cannot register the Danish tokenizer: this SQLite lacks FTS5"};
  sqlite3* db = ix->db_;

  int user_version = 0;
  int64_t objects = 0;
  {
    Stmt st(db, "PRAGMA user_version");
    if (!st.step()) return db_error(db, st.rc(), path);
    user_version = static_cast<int>(st.i64(0));
  }
  {
    Stmt st(db, "SELECT count(*) FROM sqlite_master");
    if (!st.step()) return db_error(db, st.rc(), path);
    objects = st.i64(0);
  }
  if (user_version == 0 && objects > 0)
    return Error{"not_an_index", path + ": a SQLite database, but not a sagsindeks index; it was left untouched"};
  if (user_version > kIndexSchemaVersion)
    return Error{"newer_version", path + ": made by a newer sagsindeks (index schema " + std::to_string(user_version) +
                                      "; this one reads up to " + std::to_string(kIndexSchemaVersion) +
                                      "): upgrade sagsindeks to use it"};
  if (user_version == 0) {
    if (!o.writable || !o.create) return Error{"not_an_index", path + ": an empty file, not a sagsindeks index"};
    // A new index: WAL is persistent, so it is set once here, outside the creating transaction.
    if ((rc = exec(db, "PRAGMA journal_mode=WAL")) != SQLITE_OK) return db_error(db, rc, path);
    if ((rc = exec(db, "BEGIN IMMEDIATE")) != SQLITE_OK) return db_error(db, rc, path);
    {
      Stmt chk(db, "SELECT count(*) FROM sqlite_master");  // another process may have won the race
      if (!chk.step()) {
        exec(db, "ROLLBACK");
        return db_error(db, chk.rc(), path);
      }
      objects = chk.i64(0);
    }
    if (objects == 0) {
      if ((rc = exec(db, kSchemaSql)) != SQLITE_OK || (rc = exec(db, kPostingsSchemaSql)) != SQLITE_OK) {
        Error e = db_error(db, rc, path);
        exec(db, "ROLLBACK");
        return e;
      }
      Stmt m(db, "INSERT INTO meta(key, value) VALUES (?, ?)");
      std::vector<std::pair<std::string, std::string>> kv = {
          {"schema_version", std::to_string(kIndexSchemaVersion)},
          {"tokenizer", kTokenizerName},
          {"tokenizer_version", std::to_string(kTokenizerVersion)},
          {"analysis_schema", kSchema},
          {"lexicon_version", ""},
          {"created_at", now_utc()},
          {"created_with_sqlite", sqlite3_libversion()}};
      for (const auto& [k, v] : kv) {
        m.reset();
        m.bind(1, k).bind(2, v);
        if (!m.run()) {
          Error e = db_error(db, m.rc(), path);
          exec(db, "ROLLBACK");
          return e;
        }
      }
      exec(db, "PRAGMA user_version = " + std::to_string(kIndexSchemaVersion));
    }
    if ((rc = exec(db, "COMMIT")) != SQLITE_OK) {
      Error e = db_error(db, rc, path);
      exec(db, "ROLLBACK");
      return e;
    }
    user_version = kIndexSchemaVersion;
  }
  // WAL with synchronous=NORMAL: a commit is durable once the WAL is synced at a checkpoint, and
  // never torn (a crash loses at most the last transactions, never the file's consistency).
  if (o.writable) exec(db, "PRAGMA synchronous=NORMAL");
  // 64 MB of page cache (the default is 2 MB): FTS5 segment merges and the b-trees of a large
  // index stay in memory during an ingest. Readers and the writer map the file too (pages shared
  // with the OS cache): a page not in the cache is read from the mapping, with no pread() and no
  // copy (writes still go to the WAL). Adding 5 000 letters to an index of 200 000 spent ~1.3 s of
  // its 5.5 CPU s in the kernel, most of it in pread; mapped, 0.95 s of 4.9. The whole file when
  // SQLite allows it (it clamps the size to its SQLITE_MAX_MMAP_SIZE, ~2 GB in Debian's build):
  // past the mapping every page is a pread into the page cache, and a search touches hundreds of
  // pages at the end of the file (the accelerator's tables). Upper bounds, not allocations; the
  // mapped pages count in a process's resident size but are the OS's file cache, not its own.
  exec(db, "PRAGMA cache_size=-65536");
  exec(db, "PRAGMA mmap_size=1099511627776");
  exec(db, "PRAGMA temp_store=MEMORY");
  ix->info_.schema_version = user_version;
  {
    Stmt st(db, "SELECT key, value FROM meta");
    while (st.step()) {
      std::string k = st.text(0), v = st.text(1);
      if (k == "tokenizer_version") ix->info_.tokenizer_version = std::atoi(v.c_str());
      else if (k == "lexicon_version") ix->info_.lexicon_version = v;
      else if (k == "analysis_schema") ix->info_.analysis_schema = v;
      else if (k == "created_at") ix->info_.created_at = v;
    }
    if (st.rc() != SQLITE_DONE) {
      Error e = db_error(db, st.rc(), path);
      if (e.code == "sqlite") e = {"not_an_index", path + ": not a sagsindeks index (" + sqlite3_errmsg(db) + ")"};
      return e;
    }
  }
  if (ix->info_.tokenizer_version > kTokenizerVersion)
    return Error{"newer_version", path + ": indexed with a newer tokenizer (version " +
                                      std::to_string(ix->info_.tokenizer_version) + "): upgrade sagsindeks to use it"};
  if (!o.allow_outdated) {
    if (user_version < kIndexSchemaVersion)
      return Error{"old_version", path + ": made by an older sagsindeks (index schema " + std::to_string(user_version) +
                                      "): run 'sagsindeks check --upgrade " + path + "' once"};
    if (ix->info_.tokenizer_version != kTokenizerVersion)
      return Error{"reindex_needed", path + ": its full-text index was built by tokenizer version " +
                                         std::to_string(ix->info_.tokenizer_version) + ", this build has " +
                                         std::to_string(kTokenizerVersion) + ": run 'sagsindeks check --reindex " +
                                         path + "' once"};
  }
  return ix;
}

Result<bool> CorpusIndex::upgrade() {
  if (!writable_) return Error{"read_only", info_.path + ": opened read-only"};
  int rc = exec(db_, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK) return db_error(db_, rc, info_.path);
  for (int v = info_.schema_version; v < kIndexSchemaVersion; ++v) {
    if (v < 1 || static_cast<size_t>(v - 1) >= kMigrations.size()) {
      exec(db_, "ROLLBACK");
      return Error{"old_version", info_.path + ": no migration from index schema " + std::to_string(v) +
                                      "; delete the file and ingest again"};
    }
    if ((rc = exec(db_, kMigrations[v - 1])) != SQLITE_OK) {
      Error e = db_error(db_, rc, info_.path);
      exec(db_, "ROLLBACK");
      return e;
    }
  }
  if (info_.schema_version < 3) {
    // The accelerator is built from what is indexed: every text tokenized once more.
    PostingsWriter w(db_);
    if ((rc = w.rebuild()) != SQLITE_OK) {
      Error e = db_error(db_, rc, info_.path);
      exec(db_, "ROLLBACK");
      return e;
    }
  }
  exec(db_, "PRAGMA user_version = " + std::to_string(kIndexSchemaVersion));
  exec(db_, "UPDATE meta SET value = '" + std::to_string(kIndexSchemaVersion) + "' WHERE key = 'schema_version'");
  if ((rc = exec(db_, "COMMIT")) != SQLITE_OK) {
    Error e = db_error(db_, rc, info_.path);
    exec(db_, "ROLLBACK");
    return e;
  }
  info_.schema_version = kIndexSchemaVersion;
  return true;
}

Result<bool> CorpusIndex::reindex() {
  if (!writable_) return Error{"read_only", info_.path + ": opened read-only"};
  int rc = exec(db_, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK) return db_error(db_, rc, info_.path);
  rc = exec(db_, "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')");
  if (rc == SQLITE_OK) {
    PostingsWriter w(db_);  // the accelerator's terms come from the same tokenizer
    rc = w.rebuild();
  }
  if (rc == SQLITE_OK)
    rc = exec(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES ('tokenizer_version', '" +
                       std::to_string(kTokenizerVersion) + "'), ('tokenizer', '" + kTokenizerName + "')");
  if (rc == SQLITE_OK) rc = exec(db_, "COMMIT");
  if (rc != SQLITE_OK) {
    Error e = db_error(db_, rc, info_.path);
    exec(db_, "ROLLBACK");
    return e;
  }
  info_.tokenizer_version = kTokenizerVersion;
  return true;
}

// ---- Ingest ----------------------------------------------------------------------------------

namespace {

struct Known {
  int64_t id;
  std::string sha256;
  int64_t bytes, mtime_ns;
  bool error;
  std::string lexicon;
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

bool stat_file(const std::string& p, int64_t& bytes, int64_t& mtime_ns) {
  struct stat sb;
  if (::stat(p.c_str(), &sb) != 0) return false;
  bytes = static_cast<int64_t>(sb.st_size);
  mtime_ns = static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000000000LL + sb.st_mtim.tv_nsec;
  return true;
}

}  // namespace

// FTS5's 'hashsize' for ingest (see there).
constexpr int64_t kFtsHashSize = int64_t{32} << 20;

Result<IngestReport> CorpusIndex::ingest(const std::vector<std::string>& paths, const Resources& r,
                                         const IngestOptions& o) {
  if (!writable_) return Error{"read_only", info_.path + ": opened read-only"};
  auto t0 = std::chrono::steady_clock::now();
  IngestReport rep;
  const std::string& ipath = info_.path;
  std::string lexicon = lexicon_digest(r.lexicon_dir);
  // Checkpoints every ~64 MB of WAL instead of every 4 MB (SQLite's default) while ingesting: a
  // checkpoint copies every page the WAL holds into the file, and each batch rewrites the same
  // pages again (the accelerator's rows of every term it touched, the facts and cards indexes,
  // FTS5's merges), so a page was copied after nearly every batch. A killed process still loses
  // no committed batch (each is in the WAL). synchronous=NORMAL syncs the WAL at checkpoints, so
  // a power cut may roll back up to ~64 MB of the last commits instead of ~4 MB: never a torn
  // file, and the next run ingests their files again. Cost: a WAL file up to ~64 MB plus a
  // batch beside the index while it runs (removed when the last connection closes).
  exec(db_, "PRAGMA wal_autocheckpoint=16384");
  struct RestoreCheckpoint {
    sqlite3* db;
    ~RestoreCheckpoint() { exec(db, "PRAGMA wal_autocheckpoint=1000"); }
  } restore_checkpoint{db_};

  // Claim the writer's lock once up front, so that a concurrent ingest fails fast and clearly.
  int rc = exec(db_, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK) return db_error(db_, rc, ipath);
  int64_t run_id = 0;
  {
    Stmt st(db_, "INSERT INTO runs(started_at) VALUES (?)");
    st.bind(1, now_utc());
    if (!st.run()) {
      Error e = db_error(db_, st.rc(), ipath);
      exec(db_, "ROLLBACK");
      return e;
    }
    run_id = sqlite3_last_insert_rowid(db_);
  }
  {
    // FTS5 writes its pending terms out as a new segment whenever they pass 'hashsize' (1 MB by
    // default: every ~300 letters, so several segments a batch, each merged again later). At
    // 32 MB a batch (~4 MB of pending terms for 1000 letters) is one segment, written at its
    // COMMIT: ~5 % less CPU for an ingest, the same hits, scores and snippets. Kept in the
    // index's FTS5 configuration (documents_fts_config), so set once for new and old files.
    // Cost: FTS5's pending terms may hold up to 32 MB before a commit (bounded by
    // kMaxPendingBytes of text per batch). An SQLite without the option keeps its default.
    Stmt cur(db_, "SELECT v FROM documents_fts_config WHERE k = 'hashsize'");
    if (!cur.step() || cur.i64(0) != kFtsHashSize)
      exec(db_, "INSERT INTO documents_fts(documents_fts, rank) VALUES ('hashsize', " + std::to_string(kFtsHashSize) + ")");
  }
  if ((rc = exec(db_, "COMMIT")) != SQLITE_OK) {
    Error e = db_error(db_, rc, ipath);
    exec(db_, "ROLLBACK");
    return e;
  }

  // Absolute paths, so the index means the same files from any working folder.
  std::vector<std::string> roots;
  for (const auto& p : paths) {
    if (p == "-") {
      rep.failures.push_back({p, Error{"io", "standard input cannot be indexed: give files or folders"}});
      continue;
    }
    std::error_code ec;
    fs::path a = fs::absolute(p, ec).lexically_normal();
    std::string s = a.string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    roots.push_back(s);
  }
  InputList in = collect_inputs(roots);
  for (auto& pe : in.problems) rep.failures.push_back(pe);
  rep.files = in.files.size();

  std::unordered_map<std::string, Known> known;
  {
    Stmt st(db_,
            "SELECT id, path, sha256, bytes, mtime_ns, error_code IS NOT NULL, lexicon_version FROM documents "
            "WHERE file_id IS NULL");
    while (st.step())
      known.emplace(st.text(1), Known{st.i64(0), st.text(2), st.i64(3), st.i64(4), st.i64(5) != 0, st.text(6)});
    if (st.rc() != SQLITE_DONE) return db_error(db_, st.rc(), ipath);
  }

  std::vector<std::string> todo;
  for (const auto& p : in.files) {
    auto it = known.find(p);
    int64_t bytes = 0, mtime = 0;
    if (!o.force && it != known.end() && !it->second.error && stat_file(p, bytes, mtime) &&
        bytes == it->second.bytes && mtime == it->second.mtime_ns) {
      ++rep.unchanged;
      if (it->second.lexicon != lexicon) rep.lexicons_changed = true;
      continue;
    }
    todo.push_back(p);
  }
  size_t done = rep.unchanged;
  if (o.progress) o.progress(done, rep.files);

  Stmt ins(db_,
           "INSERT INTO documents(path, sha256, bytes, mtime_ns, type, confidence, document_date, title, record, text, "
           "error_code, error_message, lexicon_version, ingested_at, file_id, part) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
           "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) ON CONFLICT(path) DO UPDATE SET sha256 = ?2, bytes = ?3, "
           "mtime_ns = ?4, type = ?5, confidence = ?6, document_date = ?7, title = ?8, record = ?9, text = ?10, "
           "error_code = ?11, error_message = ?12, lexicon_version = ?13, ingested_at = ?14, file_id = ?15, "
           "part = ?16 RETURNING id");
  Stmt ins_new(db_,
               "INSERT INTO documents(path, sha256, bytes, mtime_ns, type, confidence, document_date, title, record, "
               "text, error_code, error_message, lexicon_version, ingested_at, file_id, part) VALUES (?1, ?2, ?3, ?4, "
               "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  Stmt touch(db_, "UPDATE documents SET mtime_ns = ?2, bytes = ?3 WHERE id = ?1");
  Stmt del_facts(db_, "DELETE FROM facts WHERE doc = ?");
  Stmt add_fact(db_, "INSERT INTO facts(doc, kind, value, code, key) VALUES (?, ?, ?, ?, ?)");
  // A file's parts are replaced whole whenever the file is: their number and order may change.
  Stmt del_parts(db_, "DELETE FROM documents WHERE file_id = ?");
  Stmt put_card(db_,
                "INSERT OR REPLACE INTO cards(id, ok, type, document_date, municipalities) VALUES (?, ?, ?, ?, ?)");
  // A new document's card: a plain INSERT. OR REPLACE cost ~16 k instructions more a row (SQLite
  // 3.40: its NOT NULL column falls back to ABORT, which makes it a statement with a journal).
  Stmt add_card(db_, "INSERT INTO cards(id, ok, type, document_date, municipalities) VALUES (?, ?, ?, ?, ?)");
  // Full-text rows are written just before each COMMIT, not by triggers: FTS5 (SQLite 3.40)
  // flushes its pending terms into a new segment at every statement savepoint, and the upsert
  // into documents (a statement with triggers) opens one. Per document that made a segment
  // per document, merged again and again (~40 % of the index-writing CPU in the profile).
  // Single-row INSERTs into documents_fts open no savepoint, so a batch becomes a few large
  // segments. Memory: the batch's titles and texts, bounded by kMaxPendingBytes.
  Stmt fts_add(db_, "INSERT INTO documents_fts(rowid, title, text) VALUES (?, ?, ?)");
  Stmt fts_del(db_, "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)");
  Stmt old_row(db_, "SELECT title, text FROM documents WHERE id = ?");
  Stmt part_ids(db_, "SELECT id FROM documents WHERE file_id = ?");
  for (Stmt* st : {&ins, &ins_new, &touch, &del_facts, &add_fact, &del_parts, &put_card, &add_card, &fts_add, &fts_del, &old_row, &part_ids})
    if (!st->ok()) return db_error(db_, st->rc(), ipath);
  // The search accelerator follows every document written or deleted here, in the same
  // transactions (its rows are written by flush() before each COMMIT).
  PostingsWriter accel(db_);
  struct FtsRow {
    int64_t id;
    bool remove;  // the old row's terms, before an update
    std::optional<std::string> title, text;
    std::string prepared;  // prepare_terms of title and text (their FTS5 tokens); empty: none
  };
  std::vector<FtsRow> fts_rows;
  size_t fts_bytes = 0;
  constexpr size_t kMaxPendingBytes = 64u << 20;
  // A batch is also committed after this long, so that slow analysis (OCR) still commits
  // regularly: a killed run loses at most this much work. Each commit costs about the same
  // whatever its size (FTS5 flushes a segment, the accelerator rewrites the last row of every
  // term the batch touched), so on a loaded machine a bound of 1 s made 2-3x the commits of
  // 1000 documents and ~30 % more index-writing CPU (bench_index, scale-2000, -j 1).
  // SAGSINDEKS_MAX_BATCH_SECONDS: a build for instruction counts under valgrind (~50x slower,
  // where 5 s is ~100 letters) sets it high, so that its batches are those of a native run.
#ifndef SAGSINDEKS_MAX_BATCH_SECONDS
#define SAGSINDEKS_MAX_BATCH_SECONDS 5
#endif
  constexpr auto kMaxBatchTime = std::chrono::seconds(SAGSINDEKS_MAX_BATCH_SECONDS);

  std::optional<Error> fatal;
  bool in_tx = false;
  size_t in_batch = 0;
  auto batch_start = std::chrono::steady_clock::now();
  auto fail = [&](int code) {
    if (!fatal) fatal = db_error(db_, code, ipath);
    if (in_tx) exec(db_, "ROLLBACK");
    in_tx = false;
    fts_rows.clear();
    fts_bytes = 0;
  };
  auto commit = [&]() {
    if (!in_tx) return;
    if (int c = accel.flush(); c != SQLITE_OK) return fail(c);
    // FTS5 takes each new row's tokens from the tape the worker recorded (prepare_terms) instead
    // of tokenizing the row again: one tokenizer pass per document for FTS5 and the accelerator.
    TokenReplay replay;
    for (const auto& r : fts_rows) {
      replay.clear();
      std::string_view title_tape, text_tape;
      if (!r.remove && r.title && r.text && prepared_tapes(r.prepared, title_tape, text_tape)) {
        replay.add(*r.title, title_tape);
        replay.add(*r.text, text_tape);
      }
      Stmt& st = r.remove ? fts_del : fts_add;
      st.reset();
      st.bind(1, r.id);
      if (r.title) st.bind(2, *r.title); else st.bind_null(2);
      if (r.text) st.bind(3, *r.text); else st.bind_null(3);
      if (!st.run()) return fail(st.rc());
    }
    fts_rows.clear();
    fts_bytes = 0;
    int c = exec(db_, "COMMIT");
    if (c != SQLITE_OK) return fail(c);
    in_tx = false;
    in_batch = 0;
  };

  // Writes one record (a file's, or a part's with file_id its file's row) and its facts; returns
  // the row id, or 0 after fail().
  // `old_id`: the row this record replaces (0 for a new one), whose terms leave the full-text
  // index at COMMIT before the new ones go in.
  auto put = [&](FileResult& fr, int64_t bytes, int64_t mtime, int64_t file_id, int64_t old_id) -> int64_t {
    if (old_id) {
      old_row.reset();
      old_row.bind(1, old_id);
      if (old_row.step()) {
        FtsRow r{old_id, true, std::nullopt, std::nullopt};
        if (!old_row.null(0)) r.title = old_row.text(0);
        if (!old_row.null(1)) r.text = old_row.text(1);
        fts_bytes += (r.title ? r.title->size() : 0) + (r.text ? r.text->size() : 0);
        fts_rows.push_back(std::move(r));
      } else if (old_row.rc() != SQLITE_DONE) {
        return fail(old_row.rc()), int64_t{0};
      }
      old_row.reset();
    }
    auto bind_doc = [&](Stmt& st) {
      st.reset();
      st.bind(1, source_key(fr.source));
      st.bind_opt(2, fr.source.sha256);
      st.bind(3, static_cast<int64_t>(fr.error ? (fr.source.bytes ? fr.source.bytes : bytes) : fr.source.bytes));
      st.bind(4, mtime);
      st.bind(13, lexicon);
      st.bind(14, now_utc());
      if (file_id) st.bind(15, file_id).bind(16, fr.source.part ? fr.source.part->id : std::string());
      else st.bind_null(15).bind_null(16);
      if (fr.error) {
        st.bind_null(5).bind_null(6).bind_null(7).bind_null(8).bind_null(10);
        st.bind(9, error_json(fr.source, *fr.error).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        st.bind(11, fr.error->code).bind(12, fr.error->message);
      } else {
        const Analysis& a = fr.analysis;
        st.bind(5, a.type.label).bind(6, a.type.confidence);
        st.bind_opt(7, a.document_date.value_or(""));
        st.bind(8, a.title);
        // The record, rendered by the analysis thread when it could (the ingest hook below).
        if (!fr.rendered.empty()) st.bind_static(9, fr.rendered);  // fr.rendered lives until the step below
        else st.bind(9, render_json(fr.doc, a, /*with_text=*/false, /*pretty=*/false));
        st.bind_static(10, fr.doc.text);  // not copied: fr outlives the step below
        st.bind_null(11).bind_null(12);
      }
    };
    int64_t id = 0;
    // A path the run did not know is a new row: a plain INSERT, its id the new rowid. The upsert
    // with RETURNING (which runs the statement to its end into a table of results first) is for
    // the rows being replaced, and for a path that is there all the same (a part's "PATH#N"
    // matching a file's name): the plain INSERT then fails on the path and the upsert runs.
    if (!old_id) {
      bind_doc(ins_new);
      if (ins_new.run()) id = sqlite3_last_insert_rowid(db_);
      else if (ins_new.rc() != SQLITE_CONSTRAINT) return fail(ins_new.rc()), int64_t{0};
    }
    if (!id) {
      bind_doc(ins);
      if (!ins.step()) return fail(ins.rc()), int64_t{0};
      id = ins.i64(0);
      ins.run();  // finish the RETURNING statement
      if (ins.rc() != SQLITE_DONE) return fail(ins.rc()), int64_t{0};
    }
    if (!fr.error) rep.bytes += fr.source.bytes;
    const size_t fts_row = fts_rows.size();
    {
      FtsRow r{id, false, std::nullopt, std::nullopt};
      if (!fr.error) {
        r.title = fr.analysis.title;
        // r.text: fr.doc.text, moved in at the end (the analysis and accel.add may read it until then).
        r.prepared = std::move(fr.prepared);  // read by accel.add below, then by commit(); empty: add() tokenizes
      }
      fts_bytes += (r.title ? r.title->size() : 0) + (fr.error ? 0 : fr.doc.text.size()) + r.prepared.size();
      fts_rows.push_back(std::move(r));
    }
    // A new row (old_id 0: a part, whose old rows went with del_parts, or a path the index did
    // not hold when the run began; the run is the index's only writer, as the full-text rows
    // above assume too) has no facts yet: the DELETE is left out.
    if (old_id) {
      del_facts.reset();
      del_facts.bind(1, id);
      if (!del_facts.run()) return fail(del_facts.rc()), int64_t{0};
    }
    // Not copied: the strings outlive the step inside.
    auto fact = [&](std::string_view kind, const std::string& value, const std::string& code, const std::string& key) {
      add_fact.reset();
      add_fact.bind(1, id).bind_static(2, kind).bind_static(3, value).bind_static(5, key);
      if (code.empty()) add_fact.bind_null(4);
      else add_fact.bind_static(4, code);
      return add_fact.run();
    };
    bool ok = true;
    if (!fr.error) {
      const Analysis& a = fr.analysis;
      for (const auto& m : a.municipalities)
        ok = ok && fact("municipality", m.municipality.name, m.municipality.code, municipality_key(m.municipality.name));
      for (const auto& m : a.mayors)
        ok = ok && fact("mayor", m.name, m.municipality ? m.municipality->code : "", fold_case(m.name));
      for (const auto& s : a.signatories) ok = ok && fact("signatory", s.name, s.role, fold_case(s.name));
      for (const auto& c : a.case_numbers) ok = ok && fact("case_number", c.value, c.label, fold_case(strip_space(c.value)));
      for (const auto& c : a.document_numbers)
        ok = ok && fact("document_number", c.value, c.label, fold_case(strip_space(c.value)));
      for (const auto& e : a.exemptions) ok = ok && fact("exemption", e.area, "", fold_case(e.area));
    }
    if (!ok) return fail(add_fact.rc()), int64_t{0};
    PostingsDoc pd;
    std::string munis;  // distinct names in order of first mention
    if (!fr.error) {
      const Analysis& a = fr.analysis;
      std::unordered_set<std::string> seen;
      for (const auto& m : a.municipalities)
        if (seen.insert(m.municipality.name).second) {
          if (!munis.empty()) munis += '\x1f';
          munis += m.municipality.name;
          pd.municipalities.push_back(m.municipality.name);
        }
      pd.ok = true;
      pd.title = &a.title;
      pd.text = &fr.doc.text;
      pd.type = &a.type.label;
      pd.document_date = a.document_date.value_or("");
      // The accelerator's terms, from the worker (moved into this row's FtsRow above).
      if (!fts_rows.empty() && fts_rows.back().id == id && !fts_rows.back().remove &&
          !fts_rows.back().prepared.empty())
        pd.prepared = &fts_rows.back().prepared;
    }
    auto card = [&](Stmt& st) {
      st.reset();
      st.bind(1, id).bind(2, static_cast<int64_t>(fr.error ? 0 : 1));
      if (fr.error) st.bind_null(3).bind_null(4).bind_null(5);
      else st.bind(3, fr.analysis.type.label).bind_opt(4, fr.analysis.document_date.value_or("")).bind_opt(5, munis);
      return st.run();
    };
    // A row the run did not know (old_id 0) is new, and so is its card (the delete trigger took
    // any card of a deleted row with its id); should one be there all the same (a row this run
    // did not expect), the plain INSERT fails on the id and the card is replaced as before.
    Stmt* card_st = old_id ? &put_card : &add_card;
    bool carded = card(*card_st);
    if (!carded && card_st == &add_card && add_card.rc() == SQLITE_CONSTRAINT) carded = card(*(card_st = &put_card));
    if (!carded) return fail(card_st->rc()), int64_t{0};
    if (int c = accel.add(id, pd); c != SQLITE_OK) return fail(c), int64_t{0};
    // The last reader of the text is done (store() and the caller never look at fr again but for
    // its parts): the FTS5 row takes it without a copy.
    if (!fr.error) fts_rows[fts_row].text = std::move(fr.doc.text);
    if (fr.error) {
      ++rep.failed;
      rep.failures.push_back({source_key(fr.source), *fr.error});
    }
    return id;
  };

  auto store = [&](FileResult&& fr) {
    if (fatal) return;
    int64_t bytes = 0, mtime = 0;
    stat_file(fr.source.path, bytes, mtime);
    auto it = known.find(fr.source.path);
    if (!in_tx) {
      int c = exec(db_, "BEGIN IMMEDIATE");
      if (c != SQLITE_OK) return fail(c);
      in_tx = true;
      batch_start = std::chrono::steady_clock::now();
    }
    if (!fr.error && !o.force && it != known.end() && !it->second.error && it->second.sha256 == fr.source.sha256) {
      // Touched but not changed: keep the record, remember the new mtime.
      touch.reset();
      touch.bind(1, it->second.id).bind(2, mtime).bind(3, bytes);
      if (!touch.run()) return fail(touch.rc());
      ++rep.unchanged;
      ++in_batch;
      return;
    }
    const int64_t old_id = it != known.end() ? it->second.id : 0;
    int64_t id = put(fr, bytes, mtime, 0, old_id);
    if (!id) return;
    if (old_id) {  // a new row has no parts yet (see put)
      part_ids.reset();
      part_ids.bind(1, id);
      while (part_ids.step())
        if (int c = accel.remove(part_ids.i64(0)); c != SQLITE_OK) return fail(c);
      if (part_ids.rc() != SQLITE_DONE) return fail(part_ids.rc());
      del_parts.reset();
      del_parts.bind(1, id);
      if (!del_parts.run()) return fail(del_parts.rc());
    }
    for (auto& part : fr.parts) {
      if (!put(part, 0, mtime, id, 0)) return;
      ++rep.parts;
      if (part.error) ++rep.parts_failed;
    }
    if (fr.error) {
      // counted and listed by put()
    } else if (it != known.end()) {
      ++rep.updated;
    } else {
      ++rep.added;
    }
    if (++in_batch >= o.batch || fts_bytes > kMaxPendingBytes ||
        std::chrono::steady_clock::now() - batch_start > kMaxBatchTime)
      commit();
  };

  // Chunks bound the work wasted when the database fails mid-run (the run stops at a chunk's end).
  const size_t chunk = std::max<size_t>(256, static_cast<size_t>(std::max(1, o.jobs)) * 64);
  for (size_t b = 0; b < todo.size() && !fatal; b += chunk) {
    std::vector<std::string> part(todo.begin() + static_cast<long>(b),
                                  todo.begin() + static_cast<long>(std::min(todo.size(), b + chunk)));
    analyze_ordered(
        part, r, o.analyze, o.jobs,
        [&](size_t, FileResult&& fr) {
          double c0 = thread_cpu_seconds();  // a vDSO call, ~50 ns: nothing next to a document
          store(std::move(fr));
          rep.store_cpu_seconds += thread_cpu_seconds() - c0;
          ++done;
          if (o.progress) o.progress(done, rep.files);
        },
        // In the analysis threads: the one tokenizer pass of a document (prepare_terms), so that
        // the writing thread only counts its distinct terms and FTS5 replays its tokens (the
        // tapes, TokenReplay) instead of tokenizing it again (`prepared`); and its record's JSON
        // (`rendered`).
        [](FileResult& fr) {
          auto prep = [](FileResult& x) {
            if (x.error) return;
            x.prepared = prepare_terms(&x.analysis.title, &x.doc.text);
            x.rendered = render_json(x.doc, x.analysis, /*with_text=*/false, /*pretty=*/false);
          };
          prep(fr);
          for (auto& p : fr.parts) prep(p);
        });
  }
  {
    double c0 = thread_cpu_seconds();
    commit();
    rep.store_cpu_seconds += thread_cpu_seconds() - c0;
  }

  if (!fatal && o.prune) {
    // Documents under a folder given whose files are gone.
    std::unordered_set<std::string> found(in.files.begin(), in.files.end());
    std::vector<int64_t> gone;
    for (const auto& [p, k] : known) {
      if (found.count(p)) continue;
      std::error_code ec;
      bool under = false;
      for (const auto& root : roots)
        if (p.size() > root.size() && p.compare(0, root.size(), root) == 0 && p[root.size()] == '/') under = true;
      if (under && !fs::exists(p, ec)) gone.push_back(k.id);
    }
    if (!gone.empty()) {
      int c = exec(db_, "BEGIN IMMEDIATE");
      if (c != SQLITE_OK) {
        fail(c);
      } else {
        in_tx = true;
        Stmt del(db_, "DELETE FROM documents WHERE id = ?1 OR file_id = ?1");  // the file and its parts
        Stmt ids(db_, "SELECT id FROM documents WHERE id = ?1 OR file_id = ?1");
        for (int64_t id : gone) {
          ids.reset();
          ids.bind(1, id);
          int c = SQLITE_OK;
          while (c == SQLITE_OK && ids.step()) c = accel.remove(ids.i64(0));
          if (c == SQLITE_OK && ids.rc() != SQLITE_DONE) c = ids.rc();
          if (c != SQLITE_OK) {
            fail(c);
            break;
          }
          del.reset();
          del.bind(1, id);
          if (!del.run()) {
            fail(del.rc());
            break;
          }
          ++rep.removed;
        }
        commit();
      }
    }
  }
  if (fatal) return *fatal;

  {
    Stmt st(db_,
            "UPDATE runs SET finished_at = ?2, files = ?3, added = ?4, updated = ?5, unchanged = ?6, failed = ?7, "
            "removed = ?8 WHERE id = ?1");
    st.bind(1, run_id).bind(2, now_utc()).bind(3, static_cast<int64_t>(rep.files)).bind(4, static_cast<int64_t>(rep.added));
    st.bind(5, static_cast<int64_t>(rep.updated)).bind(6, static_cast<int64_t>(rep.unchanged));
    st.bind(7, static_cast<int64_t>(rep.failed)).bind(8, static_cast<int64_t>(rep.removed));
    if (!st.run()) return db_error(db_, st.rc(), ipath);
  }
  if (rep.added + rep.updated > 0) {
    Stmt st(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES ('lexicon_version', ?)");
    st.bind(1, lexicon);
    if (!st.run()) return db_error(db_, st.rc(), ipath);
    info_.lexicon_version = lexicon;
  }
  exec(db_, "PRAGMA optimize");
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

// ---- Queries ---------------------------------------------------------------------------------

Result<AccelResult> CorpusIndex::accelerated(const Filter& f, size_t offset, size_t limit, bool facets) {
  if (!accelerator_ || f.text.empty() || info_.schema_version < 3) return AccelResult{};
  if (!query_tokenizer_) query_tokenizer_ = std::make_unique<DanishTokenizer>();
  auto q = parse_simple_query(fts_query(f.text), *query_tokenizer_);
  if (!q) return AccelResult{};
  auto ids = fact_ids(db_, f, info_.path);
  if (!ids.ok()) return ids.error();
  Accelerator a(db_, query_tokenizer_.get());
  return a.run(*q, f, ids->has_value() ? &**ids : nullptr, offset, limit, facets);
}

namespace {

// Facet counts most frequent first (years by year), ties by value bytewise as SQLite's BINARY.
std::vector<FacetCount> sorted_counts(std::vector<FacetCount> v, bool by_count) {
  std::sort(v.begin(), v.end(), [by_count](const FacetCount& a, const FacetCount& b) {
    if (by_count && a.count != b.count) return a.count > b.count;
    return a.value < b.value;
  });
  return v;
}

}  // namespace

Result<std::vector<Hit>> CorpusIndex::search(const Filter& f, const SearchOptions& o) {
  ReadTx tx(db_);
  if (o.total) *o.total = -1;
  auto acc = accelerated(f, o.offset, o.limit, false);
  if (!acc.ok()) return acc.error();
  if (acc->used) {
    if (o.total) *o.total = acc->total;
    // The ranked page from the accelerator; its cards and snippets by row id. FTS5 finds a row
    // of a MATCH by stepping through the query's doclists from their start, in every segment,
    // unless a doclist is long enough to have its own index: for a word of a few thousand
    // matches, 20 such seeks stepped ~75 000 times (~14 M instructions). Such a page is read in
    // one pass over the word's matches between the page's lowest and highest id instead (rows
    // in id order, the page's rows picked by id): ~12 M instructions less for Aarhus (7 685
    // matches) on the 200 000-document index, a loss past ~13 000 (København, 13 902: +8 M),
    // and for several words or a phrase, whose pass steps through every word's doclist. Same
    // snippet() on the same rows either way.
    const std::string q = fts_query(f.text);
    const std::string cols =
        "SELECT d.id, d.path, d.type, d.confidence, d.document_date, d.title, d.error_code, d.error_message, "
        "(SELECT group_concat(value, char(31)) FROM facts x WHERE x.doc = d.id AND x.kind = 'municipality'), "
        "(SELECT group_concat(value, char(31)) FROM facts x WHERE x.doc = d.id AND x.kind = 'mayor'), "
        "(SELECT group_concat(value, char(31)) FROM facts x WHERE x.doc = d.id AND x.kind = 'case_number'), "
        "snippet(documents_fts, -1, ?1, ?2, '…', " +
        std::to_string(std::clamp(o.snippet_tokens, 1, 64)) +
        ") FROM documents_fts CROSS JOIN documents d ON d.id = documents_fts.rowid WHERE documents_fts MATCH ?3 AND ";
    std::vector<Hit> hits(acc->page.size());
    std::vector<bool> found(acc->page.size(), false);
    constexpr int64_t kOnePassMatches = 12500;
    bool one_pass = acc->word_matches >= 0 && acc->word_matches <= kOnePassMatches && acc->page.size() > 1;
    if (one_pass) {
      std::unordered_map<int64_t, size_t> at;
      int64_t lo = acc->page[0].id, hi = lo;
      std::string ids;
      for (size_t i = 0; i < acc->page.size(); ++i) {
        at[acc->page[i].id] = i;
        lo = std::min(lo, acc->page[i].id);
        hi = std::max(hi, acc->page[i].id);
        ids += (i ? "," : "") + std::to_string(acc->page[i].id);
      }
      // +rowid: a filter on FTS5's rows, not a constraint FTS5 would turn into one seek per id.
      Stmt st(db_, cols + "documents_fts.rowid BETWEEN ?4 AND ?5 AND +documents_fts.rowid IN (" + ids + ")");
      if (!st.ok()) return db_error(db_, st.rc(), info_.path);
      st.bind(1, o.mark_open).bind(2, o.mark_close).bind(3, q).bind(4, lo).bind(5, hi);
      while (st.step()) {
        auto it = at.find(st.i64(0));
        if (it == at.end() || found[it->second]) continue;
        found[it->second] = true;
        Hit& h = hits[it->second];
        h = card_of_row(st);
        h.score = acc->page[it->second].score;
        h.snippet = collapse_space(st.text(11));
      }
      if (st.rc() != SQLITE_DONE) return db_error(db_, st.rc(), info_.path);
    } else {
      Stmt st(db_, cols + "documents_fts.rowid = ?4");
      if (!st.ok()) return db_error(db_, st.rc(), info_.path);
      for (size_t i = 0; i < acc->page.size(); ++i) {
        st.reset();
        st.bind(1, o.mark_open).bind(2, o.mark_close).bind(3, q).bind(4, acc->page[i].id);
        if (!st.step()) {
          if (st.rc() != SQLITE_DONE) return db_error(db_, st.rc(), info_.path);
          break;
        }
        found[i] = true;
        hits[i] = card_of_row(st);
        hits[i].score = acc->page[i].score;
        hits[i].snippet = collapse_space(st.text(11));
      }
    }
    for (size_t i = 0; i < acc->page.size(); ++i)
      if (!found[i])
        // The accelerator and FTS5 disagree: a damaged index, never a silently different answer.
        return Error{"corrupt", info_.path + ": the search accelerator lists document " + std::to_string(acc->page[i].id) +
                                    " that the full-text index does not match; run 'sagsindeks check --reindex " +
                                    info_.path + "'"};
    return hits;
  }
  Where w = build_where(f);
  // Ranks first, then builds cards and snippets for the page of hits only: snippet() re-tokenizes
  // a document, which for every match of a common word would cost more than the search.
  std::string top = "WITH top(id, score) AS MATERIALIZED (SELECT c.id, " +
                    std::string(w.fts ? "bm25(documents_fts, 4.0, 1.0)" : "0.0") + from_clause(w) + w.sql +
                    (w.fts ? " ORDER BY 2, 1" : " ORDER BY c.document_date DESC, c.id") +
                    " LIMIT ? OFFSET ?) ";
  std::string cols =
      "SELECT d.id, d.path, d.type, d.confidence, d.document_date, d.title, d.error_code, d.error_message, "
      "(SELECT group_concat(value, char(31)) FROM facts x WHERE x.doc = d.id AND x.kind = 'municipality'), "
      "(SELECT group_concat(value, char(31)) FROM facts x WHERE x.doc = d.id AND x.kind = 'mayor'), "
      "(SELECT group_concat(value, char(31)) FROM facts x WHERE x.doc = d.id AND x.kind = 'case_number'), top.score, ";
  std::string sql;
  if (w.fts) {
    sql = top + cols + "snippet(documents_fts, -1, ?, ?, '…', " + std::to_string(std::clamp(o.snippet_tokens, 1, 64)) +
          ") FROM top JOIN documents d ON d.id = top.id JOIN documents_fts ON documents_fts.rowid = top.id "
          "WHERE documents_fts MATCH ? ORDER BY top.score, top.id";
  } else {
    // NULL dates sort last under DESC (SQLite orders NULL lowest).
    sql = top + cols + "substr(d.text, 1, 600) FROM top JOIN documents d ON d.id = top.id ORDER BY "
                       "d.document_date DESC, d.id";
  }
  Stmt st(db_, sql);
  if (!st.ok()) return db_error(db_, st.rc(), info_.path);
  bind_where(st, w, 1);
  int i = 1 + static_cast<int>(w.values.size());
  st.bind(i++, static_cast<int64_t>(o.limit));
  st.bind(i++, static_cast<int64_t>(o.offset));
  if (w.fts) {
    st.bind(i++, o.mark_open);
    st.bind(i++, o.mark_close);
    st.bind(i++, fts_query(f.text));
  }
  std::vector<Hit> hits;
  while (st.step()) {
    Hit h = card_of_row(st);
    h.score = st.dbl(11);
    h.snippet = w.fts ? collapse_space(st.text(12)) : lead(st.text(12), 160);
    if (h.error && h.snippet.empty()) h.snippet = h.error->code + ": " + h.error->message;
    hits.push_back(std::move(h));
  }
  if (st.rc() != SQLITE_DONE) return db_error(db_, st.rc(), info_.path);
  return hits;
}

Result<int64_t> CorpusIndex::count(const Filter& f) {
  ReadTx tx(db_);
  auto acc = accelerated(f, 0, 0, false);
  if (!acc.ok()) return acc.error();
  if (acc->used) return acc->total;
  Where w = build_where(f);
  Stmt st(db_, "SELECT count(*)" + from_clause(w) + w.sql);
  if (!st.ok()) return db_error(db_, st.rc(), info_.path);
  bind_where(st, w);
  if (!st.step()) return db_error(db_, st.rc(), info_.path);
  return st.i64(0);
}

Result<Facets> CorpusIndex::facets(const Filter& f) {
  ReadTx tx(db_);
  auto acc = accelerated(f, 0, 0, true);
  if (!acc.ok()) return acc.error();
  if (acc->used) {
    Facets out;
    out.total = acc->total;
    auto conv = [](const std::vector<std::pair<std::string, int64_t>>& v) {
      std::vector<FacetCount> o;
      o.reserve(v.size());
      for (const auto& [k, n] : v) o.push_back({k, n});
      return o;
    };
    out.types = sorted_counts(conv(acc->facets->types), true);
    out.years = sorted_counts(conv(acc->facets->years), false);
    out.municipalities = sorted_counts(conv(acc->facets->municipalities), true);
    return out;
  }
  Where w = build_where(f);
  // One pass over the hits' cards, counted here: three GROUP BY queries would each run the full
  // text match again, and the municipality count joined facts per hit. Cost: one narrow row
  // read and three hash-map increments per hit.
  Stmt st(db_, "SELECT c.type, c.document_date, c.municipalities" + from_clause(w) + w.sql);
  if (!st.ok()) return db_error(db_, st.rc(), info_.path);
  bind_where(st, w);
  std::unordered_map<std::string, int64_t> types, years, municipalities;
  Facets out;
  while (st.step()) {
    ++out.total;
    ++types[st.null(0) ? "(none)" : st.text(0)];
    ++years[st.null(1) ? "(undated)" : st.text(1).substr(0, 4)];
    if (!st.null(2))
      for (auto& m : split_unit(st.text(2))) ++municipalities[std::move(m)];
  }
  if (st.rc() != SQLITE_DONE) return db_error(db_, st.rc(), info_.path);
  auto sorted = [](const std::unordered_map<std::string, int64_t>& m, bool by_count) {
    std::vector<FacetCount> v;
    v.reserve(m.size());
    for (const auto& [k, n] : m) v.push_back({k, n});
    return sorted_counts(std::move(v), by_count);
  };
  out.types = sorted(types, true);
  out.years = sorted(years, false);
  out.municipalities = sorted(municipalities, true);
  return out;
}

namespace {
const char* kDocCols =
    "SELECT d.id, d.path, d.sha256, d.bytes, d.mtime_ns, d.type, d.document_date, d.title, d.ingested_at, "
    "d.confidence, d.record, d.text, d.error_code, d.error_message";

StoredDocument read_doc(Stmt& st) {
  StoredDocument d;
  d.id = st.i64(0);
  d.path = st.text(1);
  d.sha256 = st.text(2);
  d.bytes = st.i64(3);
  d.mtime_ns = st.i64(4);
  d.type = st.text(5);
  d.document_date = st.text(6);
  d.title = st.text(7);
  d.ingested_at = st.text(8);
  d.confidence = st.dbl(9);
  d.record = nlohmann::ordered_json::parse(st.text(10), nullptr, false);
  if (d.record.is_discarded()) d.record = nlohmann::ordered_json::object();
  d.text = st.text(11);
  if (!st.null(12)) d.error = Error{st.text(12), st.text(13)};
  return d;
}
}  // namespace

Result<std::optional<StoredDocument>> CorpusIndex::document(int64_t id) {
  Stmt st(db_, std::string(kDocCols) + " FROM documents d WHERE d.id = ?");
  st.bind(1, id);
  if (st.step()) return std::optional<StoredDocument>(read_doc(st));
  if (st.rc() != SQLITE_DONE) return db_error(db_, st.rc(), info_.path);
  return std::optional<StoredDocument>();
}

Result<std::optional<StoredDocument>> CorpusIndex::document_by_path(const std::string& path) {
  std::error_code ec;
  std::string abs = fs::absolute(path, ec).lexically_normal().string();
  Stmt st(db_, std::string(kDocCols) + " FROM documents d WHERE d.path = ? OR d.path = ?");
  st.bind(1, path).bind(2, abs);
  if (st.step()) return std::optional<StoredDocument>(read_doc(st));
  if (st.rc() != SQLITE_DONE) return db_error(db_, st.rc(), info_.path);
  return std::optional<StoredDocument>();
}

Result<size_t> CorpusIndex::for_each(const Filter& f, const std::function<bool(const StoredDocument&)>& fn) {
  Where w = build_where(f);
  Stmt st(db_, std::string(kDocCols) + from_clause(w, true) + w.sql + " ORDER BY c.id");
  if (!st.ok()) return db_error(db_, st.rc(), info_.path);
  bind_where(st, w);
  size_t n = 0;
  while (st.step()) {
    ++n;
    if (!fn(read_doc(st))) return n;
  }
  if (st.rc() != SQLITE_DONE) return db_error(db_, st.rc(), info_.path);
  return n;
}

Result<CheckReport> CorpusIndex::check() {
  CheckReport rep;
  rep.info = info_;
  {
    Stmt st(db_, "PRAGMA integrity_check");
    while (st.step())
      if (st.text(0) != "ok") rep.problems.push_back("sqlite: " + st.text(0));
    if (st.rc() != SQLITE_DONE) {
      Error e = db_error(db_, st.rc(), info_.path);
      if (e.code != "corrupt") return e;
      rep.problems.push_back("sqlite: " + e.message);
      return rep;
    }
  }
  {
    // FTS5's own check, including that the index matches the documents table (rank = 1).
    // It is an INSERT in form, so SQLite refuses it on a read-only connection.
    if (writable_) {
      int rc = exec(db_, "INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)");
      if (rc != SQLITE_OK) rep.problems.push_back(std::string("full text: ") + sqlite3_errmsg(db_));
    } else {
      rep.notes.push_back("full-text index not checked: the file is read-only");
    }
  }
  {
    Stmt st(db_,
            "SELECT count(*), count(error_code), coalesce(sum(length(CAST(text AS BLOB))), 0) FROM documents");
    if (!st.step()) return db_error(db_, st.rc(), info_.path);
    rep.documents = st.i64(0);
    rep.errors = st.i64(1);
    rep.text_bytes = st.i64(2);
  }
  {
    Stmt st(db_, "SELECT type, count(*) FROM documents WHERE error_code IS NULL GROUP BY type ORDER BY 2 DESC, 1");
    while (st.step()) rep.types.push_back({st.text(0), st.i64(1)});
    if (st.rc() != SQLITE_DONE) return db_error(db_, st.rc(), info_.path);
  }
  {
    Stmt st(db_,
            "SELECT count(*) FROM documents d WHERE d.error_code IS NULL AND (json_valid(d.record) = 0 OR "
            "json_extract(d.record, '$.schema') IS NOT ?)");
    st.bind(1, kSchema);
    if (!st.step()) return db_error(db_, st.rc(), info_.path);
    if (st.i64(0) > 0) rep.problems.push_back(std::to_string(st.i64(0)) + " records are not valid analysis records");
  }
  {
    Stmt st(db_, "SELECT started_at, finished_at FROM runs ORDER BY id DESC LIMIT 1");
    if (st.step()) {
      rep.last_run_finished = !st.null(1);
      rep.last_run = st.text(0) + (rep.last_run_finished ? ", finished " + st.text(1)
                                                         : ", interrupted (run ingest again to finish it)");
    }
  }
  if (info_.tokenizer_version != kTokenizerVersion)
    rep.problems.push_back("the full-text index was built by tokenizer version " +
                           std::to_string(info_.tokenizer_version) + ": run check --reindex");
  if (info_.schema_version >= 3) {
    // The accelerator against FTS5: its count of documents, and the number of documents of the
    // 50 commonest terms (fts5vocab; a scan of the vocabulary, ~1 s on 200 000 documents).
    // Terms that are also surface forms are skipped: FTS5 counts those words too.
    ReadTx tx(db_);
    Stmt n(db_, "SELECT (SELECT count(*) FROM documents), (SELECT value FROM meta WHERE key = 'search_rows')");
    if (n.step() && !n.null(1) && n.i64(0) != n.i64(1))
      rep.problems.push_back("search accelerator: " + std::to_string(n.i64(1)) + " documents, the index " +
                             std::to_string(n.i64(0)) + ": run check --reindex");
    if (exec(db_, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.check_vocab USING fts5vocab(main, 'documents_fts', 'row')") ==
        SQLITE_OK) {
      Stmt v(db_,
             "SELECT term, doc FROM temp.check_vocab WHERE term NOT IN (SELECT term FROM search_surfaces) "
             "ORDER BY doc DESC LIMIT 50");
      Accelerator acc(db_);
      while (v.step()) {
        SimpleQuery q;
        q.phrases.push_back({{v.text(0)}, ""});
        auto r = acc.run(q, Filter{}, nullptr, 0, 0, false);
        if (!r.ok()) {
          rep.problems.push_back("search accelerator: " + r.error().message);
          break;
        }
        if (r->used && r->total != v.i64(1))
          rep.problems.push_back("search accelerator: '" + v.text(0) + "' in " + std::to_string(r->total) +
                                 " documents, the full-text index " + std::to_string(v.i64(1)) +
                                 ": run check --reindex");
      }
      exec(db_, "DROP TABLE IF EXISTS temp.check_vocab");
    } else {
      rep.notes.push_back("search accelerator not checked: no fts5vocab in this SQLite");
    }
  }
  return rep;
}

}  // namespace sagsindeks
