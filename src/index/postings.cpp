// The search accelerator: postings and per-document columns beside FTS5 (see postings.h).
#include "index/postings.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "index/store.h"
#include "index/tokenizer.h"
#include "index/hash.h"
#include "index/varint.h"

namespace sagsindeks {


namespace {

// A row of a term holds at most about this many entries before a new row is started: bounds
// the bytes rewritten when a batch extends the row (~2 bytes an entry) and the rows per term.
constexpr uint32_t kRowEntries = 4096;
// ok is kept in the top bit of the length word, so ranking without filters reads norms only.
constexpr uint32_t kOkBit = 0x80000000u;
// Document ids past this are not kept (the arrays are indexed by id); the accelerator is then
// switched off for the file (meta search_disabled) and FTS5 answers every query.
constexpr int64_t kMaxId = (int64_t{1} << 31) - 1;
enum Col { kNorms = 0, kCard = 1, kDate = 2, kMunis = 3 };
enum Kind { kType = 1, kYear = 2, kMunicipality = 3 };

struct Entry {
  uint32_t doc, tt, tx;  // id, occurrences in the title, in the text
};

// Row format: per entry varint(id - previous id), varint(tx << 1 | title?), [varint(tt)].
// Written straight into `out` sized for the longest (15 bytes an entry), then cut to length.
// `out` keeps its first `keep` bytes, and the first entry is coded against `prev` (appending
// entries to a row whose last id is prev).
void encode(const std::vector<Entry>& es, std::string& out, size_t keep = 0, uint32_t prev = 0) {
  out.resize(keep + es.size() * 15);
  char* p = out.data() + keep;
  for (const auto& e : es) {
    p = varint::put(p, e.doc - prev);
    prev = e.doc;
    p = varint::put(p, (e.tx << 1) | (e.tt ? 1u : 0u));
    if (e.tt) p = varint::put(p, e.tt);
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

template <class F>
bool decode(const void* data, int bytes, F&& fn) {
  const auto* p = static_cast<const unsigned char*>(data);
  const auto* end = p + bytes;
  uint32_t doc = 0;
  while (p < end) {
    uint32_t d, x, t = 0;
    if (!varint::get(p, end, d) || !varint::get(p, end, x)) return false;
    if ((x & 1) && !varint::get(p, end, t)) return false;
    doc += d;
    fn(doc, t, x >> 1);
  }
  return true;
}

struct Stmt {
  sqlite3_stmt* st = nullptr;
  int rc = SQLITE_OK;
  Stmt(sqlite3* db, const char* sql) { rc = sqlite3_prepare_v2(db, sql, -1, &st, nullptr); }
  ~Stmt() { sqlite3_finalize(st); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  void reset() {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
};

// Strings end to end in one buffer, offsets beside it: one append a string instead of a
// std::string (a heap block past 15 bytes) each, and a look-up compares bytes in two compact
// arrays instead of chasing a string object and its heap block. A document's distinct terms in
// prepare_terms; StringIds' strings.
class FlatStrings {
 public:
  void clear() {
    bytes_.clear();
    ends_.clear();
  }
  void add(std::string_view s) {
    bytes_.append(s);
    ends_.push_back(static_cast<uint32_t>(bytes_.size()));
  }
  size_t size() const { return ends_.size(); }
  size_t byte_size() const { return bytes_.size(); }
  std::string_view operator[](size_t i) const {
    uint32_t b = i ? ends_[i - 1] : 0;
    return std::string_view(bytes_.data() + b, ends_[i] - b);
  }

 private:
  std::string bytes_;
  std::vector<uint32_t> ends_;
};

// Strings numbered in order of insertion, found by an open-addressing table of (hash, number):
// one probe into a flat array per token, where std::unordered_map took a node and a bucket
// (cache misses that made counting a document's terms 4x the cost of tokenizing it). The
// strings are kept in a FlatStrings.
class StringIds {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  uint32_t find(std::string_view s) const {
    if (slots_.empty()) return kNone;
    uint32_t h = hash(s);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& x = slots_[i];
      if (x.id == 0) return kNone;
      if (x.hash == h && strings_[x.id - 1] == s) return x.id - 1;
    }
  }
  // The number of s, added when new (`added` says which).
  uint32_t insert(std::string_view s, bool& added) {
    if ((size() + 1) * 2 > slots_.size()) grow();
    uint32_t h = hash(s);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& x = slots_[i];
      if (x.id == 0) {
        strings_.add(s);
        x = {h, static_cast<uint32_t>(size())};
        added = true;
        return x.id - 1;
      }
      if (x.hash == h && strings_[x.id - 1] == s) {
        added = false;
        return x.id - 1;
      }
    }
  }
  // Valid until the next insert or clear.
  std::string_view operator[](uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }
  void clear() {
    strings_.clear();
    slots_.clear();
    mask_ = 0;
  }

 private:
  struct Slot {
    uint32_t hash, id;  // id 0: empty, else number + 1
  };
  static uint32_t hash(std::string_view s) { return short_hash(s); }
  void grow() {
    size_t n = std::max<size_t>(1024, slots_.size() * 2);
    slots_.assign(n, Slot{0, 0});
    mask_ = n - 1;
    for (uint32_t id = 0; id < size(); ++id) {
      uint32_t h = hash(strings_[id]);
      size_t i = h & mask_;
      while (slots_[i].id != 0) i = (i + 1) & mask_;
      slots_[i] = {h, id + 1};
    }
  }
  FlatStrings strings_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

bool iso_date(const std::string& s, uint32_t& out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  uint32_t v = 0;
  for (size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<uint32_t>(s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

// ---- Writer -------------------------------------------------------------------------------------

std::string prepare_terms(const std::string* title, const std::string* text, DanishTokenizer& tok) {
  // Per document: its distinct terms with counts, in order of first occurrence. A term is found
  // by the tokenizer's number for it (Token::id, DanishTokenizer::intern): an array index per
  // token instead of hashing every stem and surface again into a per-document table (that table
  // was about a quarter of this pass). `mark[id] == stamp` says the term was seen in this
  // document, `slot[id]` where. Numbers are only comparable within one term_epoch(): when the
  // tokenizer started its cache again during the document (every ~65 536 new word forms), the
  // document is counted again by text (StringIds).
  thread_local StringIds by_text_terms, by_text_surfaces;
  thread_local std::vector<uint32_t> mark, slot, surface_mark;
  thread_local uint32_t stamp = 0;
  thread_local FlatStrings names, surface_names;
  thread_local std::vector<std::pair<uint32_t, uint32_t>> counts;  // title, text
  thread_local std::string tapes[2];
  uint32_t len = 0;
  auto run = [&](bool by_id) {
    names.clear();
    surface_names.clear();
    counts.clear();
    by_text_terms.clear();
    by_text_surfaces.clear();
    len = 0;
    if (++stamp == 0) {  // wrapped: old marks could equal new stamps
      std::fill(mark.begin(), mark.end(), 0u);
      std::fill(surface_mark.begin(), surface_mark.end(), 0u);
      stamp = 1;
    }
    auto column = [&](const std::string* s, bool in_title) {
      std::string& tape = tapes[in_title ? 0 : 1];
      tape.clear();
      if (!s || s->empty()) return;
      tok.tokenize_recording(*s, tape, [&](const Token& k) {
        bool added = false;
        uint32_t i = 0;
        if (by_id) {
          uint32_t id = k.id ? k.id : tok.intern(k.text);
          if (id >= mark.size()) {
            size_t n = std::max<size_t>(id + 1, mark.size() * 2);
            mark.resize(n, 0u);
            slot.resize(n, 0u);
            surface_mark.resize(n, 0u);
          }
          if (k.colocated) {
            if (surface_mark[id] != stamp) {
              surface_mark[id] = stamp;
              surface_names.add(k.text);
            }
            return 0;
          }
          if (mark[id] != stamp) {
            mark[id] = stamp;
            slot[id] = static_cast<uint32_t>(names.size());
            names.add(k.text);
            added = true;
          }
          i = slot[id];
        } else {
          if (k.colocated) {
            by_text_surfaces.insert(k.text, added);
            if (added) surface_names.add(k.text);
            return 0;
          }
          i = by_text_terms.insert(k.text, added);
          if (added) names.add(k.text);
        }
        ++len;
        if (added) counts.emplace_back(0, 0);
        ++(in_title ? counts[i].first : counts[i].second);
        return 0;
      });
    };
    column(title, true);
    column(text, false);
  };
  uint32_t epoch = tok.term_epoch();
  run(true);
  if (tok.term_epoch() != epoch) run(false);
  // Written through a pointer into room for the longest coding (5 bytes a varint), then cut to
  // length: one allocation, no append (a call into libstdc++ and a capacity check) per varint.
  std::string out;
  out.resize(tapes[0].size() + tapes[1].size() + names.byte_size() + surface_names.byte_size() +
             names.size() * 15 + surface_names.size() * 5 + 32);
  char* p = out.data();
  auto put = [&p](std::string_view bytes) {
    std::memcpy(p, bytes.data(), bytes.size());
    p += bytes.size();
  };
  // The tapes first (FTS5's tokens, see TokenReplay), then the accelerator's terms.
  for (const auto& tape : tapes) {
    p = varint::put(p, static_cast<uint32_t>(tape.size()));
    put(tape);
  }
  p = varint::put(p, len);
  p = varint::put(p, static_cast<uint32_t>(names.size()));
  for (uint32_t i = 0; i < names.size(); ++i) {
    std::string_view name = names[i];
    p = varint::put(p, static_cast<uint32_t>(name.size()));
    put(name);
    p = varint::put(p, counts[i].first);
    p = varint::put(p, counts[i].second);
  }
  p = varint::put(p, static_cast<uint32_t>(surface_names.size()));
  for (size_t i = 0; i < surface_names.size(); ++i) {
    p = varint::put(p, static_cast<uint32_t>(surface_names[i].size()));
    put(surface_names[i]);
  }
  out.resize(static_cast<size_t>(p - out.data()));
  return out;
}

bool prepared_tapes(std::string_view prepared, std::string_view& title, std::string_view& text,
                    std::string_view* rest) {
  const auto* p = reinterpret_cast<const unsigned char*>(prepared.data());
  const auto* end = p + prepared.size();
  std::string_view* out[2] = {&title, &text};
  for (auto* o : out) {
    uint32_t n = 0;
    if (!varint::get(p, end, n) || static_cast<size_t>(end - p) < n) return false;
    *o = std::string_view(reinterpret_cast<const char*>(p), n);
    p += n;
  }
  if (rest) *rest = std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(end - p));
  return true;
}

std::string prepare_terms(const std::string* title, const std::string* text) {
  // Tokenizers from a pool that outlives the analysis threads (analyze_ordered starts new ones
  // for every chunk of files): a thread_local one started each chunk with a cold stem cache,
  // and Snowball stems uncached cost more than the rest of the pass.
  static std::mutex mu;
  static std::vector<std::unique_ptr<DanishTokenizer>> pool;
  std::unique_ptr<DanishTokenizer> tok;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!pool.empty()) {
      tok = std::move(pool.back());
      pool.pop_back();
    }
  }
  if (!tok) tok = std::make_unique<DanishTokenizer>();
  std::string out = prepare_terms(title, text, *tok);
  std::lock_guard<std::mutex> lock(mu);
  pool.push_back(std::move(tok));
  return out;
}

struct PostingsWriter::Impl {
  sqlite3* db;
  DanishTokenizer tok;
  bool loaded = false;
  bool disabled = false;
  int64_t generation = 0;  // last written
  // The generation this writer found in the file (load()): rows with hi past it were written by
  // this writer, and every entry they held was current then (flush() checks or writes each).
  int64_t start_generation = 0;
  // The last generation in which this writer replaced or removed a document it found indexed
  // (a non-zero generation in its block): only then can an entry of a row written since stop
  // being current. A row written by this writer at hi >= this needs no check of its entries
  // before it is extended (see flush()).
  int64_t last_invalidation = 0;
  int64_t rows = 0, tokens = 0;  // documents and their tokens (N and N × avgdl of bm25)

  StringIds terms;  // this batch's terms
  // Their entries in order of arrival, each with its term's number: one append a term of a
  // document instead of a vector per term (a header and a block to reach for each); flush()
  // groups them by term.
  std::vector<std::pair<uint32_t, Entry>> pend;
  std::unordered_set<uint32_t> batch_docs;

  struct Block {
    std::vector<uint32_t> ver, len, date;
    std::vector<uint8_t> ok;
    std::vector<uint16_t> type, year;
    std::vector<std::vector<uint16_t>> munis;
    bool dirty = false;
  };
  std::unordered_map<uint32_t, Block> blocks;

  std::unordered_map<std::string, uint16_t> dict[4];
  uint32_t next_code[4] = {1, 1, 1, 1};
  std::vector<std::tuple<int, uint16_t, std::string>> new_dict;
  StringIds surfaces_seen;
  std::vector<std::string> new_surfaces;

  explicit Impl(sqlite3* d) : db(d) {}

  int load() {
    if (loaded) return SQLITE_OK;
    {
      Stmt st(db, "SELECT key, value FROM meta WHERE key IN ('search_generation', 'search_disabled', 'search_rows', "
                  "'search_tokens')");
      if (st.rc != SQLITE_OK) return st.rc;
      while (sqlite3_step(st.st) == SQLITE_ROW) {
        std::string k = reinterpret_cast<const char*>(sqlite3_column_text(st.st, 0));
        int64_t v = sqlite3_column_int64(st.st, 1);
        if (k == "search_generation") generation = start_generation = v;
        else if (k == "search_rows") rows = v;
        else if (k == "search_tokens") tokens = v;
        else disabled = v != 0;
      }
    }
    {
      Stmt st(db, "SELECT kind, code, value FROM search_dict");
      if (st.rc != SQLITE_OK) return st.rc;
      int rc;
      while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
        int kind = sqlite3_column_int(st.st, 0);
        if (kind < 1 || kind > 3) continue;
        auto code = static_cast<uint32_t>(sqlite3_column_int64(st.st, 1));
        dict[kind][reinterpret_cast<const char*>(sqlite3_column_text(st.st, 2))] = static_cast<uint16_t>(code);
        next_code[kind] = std::max(next_code[kind], code + 1);
      }
      if (rc != SQLITE_DONE) return rc;
    }
    loaded = true;
    return SQLITE_OK;
  }

  // The block of `id`, read from the file the first time.
  // A document already indexed (a generation in its slot) that is replaced or removed: its
  // length leaves the totals, and from the next generation on an entry of a row written before
  // may be stale (flush() then checks such rows' entries).
  void leave_totals(const Block& b, uint32_t slot) {
    if (!b.ver[slot]) return;
    last_invalidation = generation + 1;
    --rows;
    tokens -= b.len[slot];
  }

  Block* block(uint32_t b, int& rc) {
    auto it = blocks.find(b);
    if (it != blocks.end()) return &it->second;
    Block& k = blocks[b];
    k.ver.assign(kBlockSize, 0);
    k.len.assign(kBlockSize, 0);
    k.date.assign(kBlockSize, 0);
    k.ok.assign(kBlockSize, 0);
    k.type.assign(kBlockSize, 0);
    k.year.assign(kBlockSize, 0);
    k.munis.assign(kBlockSize, {});
    Stmt st(db, "SELECT id >> 32, data FROM search_columns WHERE id IN (?1, ?1 + (1 << 32), ?1 + (2 << 32), ?1 + (3 << 32))");
    if ((rc = st.rc) != SQLITE_OK) return nullptr;
    sqlite3_bind_int64(st.st, 1, b);
    while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
      int col = sqlite3_column_int(st.st, 0);
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st.st, 1));
      size_t n = static_cast<size_t>(sqlite3_column_bytes(st.st, 1));
      if (col == kNorms && n == kBlockSize * 8) {
        std::memcpy(k.ver.data(), p, kBlockSize * 4);
        std::memcpy(k.len.data(), p + kBlockSize * 4, kBlockSize * 4);
        for (uint32_t i = 0; i < kBlockSize; ++i) {
          k.ok[i] = (k.len[i] & kOkBit) ? 1 : 0;
          k.len[i] &= ~kOkBit;
        }
      } else if (col == kCard && n == kBlockSize * 5) {
        std::memcpy(k.type.data(), p + kBlockSize, kBlockSize * 2);
        std::memcpy(k.year.data(), p + kBlockSize * 3, kBlockSize * 2);
      } else if (col == kDate && n == kBlockSize * 4) {
        std::memcpy(k.date.data(), p, kBlockSize * 4);
      } else if (col == kMunis && n >= (kBlockSize + 1) * 4) {
        std::vector<uint32_t> off(kBlockSize + 1);
        std::memcpy(off.data(), p, off.size() * 4);
        const unsigned char* v = p + off.size() * 4;
        size_t nv = (n - off.size() * 4) / 2;
        for (uint32_t i = 0; i < kBlockSize; ++i)
          for (uint32_t j = off[i]; j < off[i + 1] && j < nv; ++j) {
            uint16_t c;
            std::memcpy(&c, v + j * 2, 2);
            k.munis[i].push_back(c);
          }
      }
    }
    if (rc != SQLITE_DONE) {
      blocks.erase(b);
      return nullptr;
    }
    rc = SQLITE_OK;
    return &k;
  }

  uint16_t code(int kind, const std::string& value) {
    auto it = dict[kind].find(value);
    if (it != dict[kind].end()) return it->second;
    if (next_code[kind] > 0xFFFF) {  // more distinct values than a u16 holds: give up on the file
      disabled = true;
      return 0;
    }
    auto c = static_cast<uint16_t>(next_code[kind]++);
    dict[kind].emplace(value, c);
    new_dict.emplace_back(kind, c, value);
    return c;
  }

  int add(int64_t id64, const PostingsDoc& d) {
    if (int rc = load()) return rc;
    if (id64 < 1 || id64 > kMaxId) {
      disabled = true;
      return SQLITE_OK;
    }
    auto id = static_cast<uint32_t>(id64);
    if (batch_docs.count(id))
      if (int rc = flush()) return rc;  // the same document twice in a batch: one generation each
    batch_docs.insert(id);
    int rc = SQLITE_OK;
    Block* b = block(id >> kBlockShift, rc);
    if (!b) return rc;
    uint32_t slot = id & (kBlockSize - 1);
    uint32_t len = 0;
    std::string local;
    const std::string* prepared = d.prepared;
    if (!prepared) {  // counted here, as a worker would have (prepare_terms)
      local = prepare_terms(d.title, d.text, tok);
      prepared = &local;
    }
    // One batch-table lookup per distinct term of the document.
    std::string_view tt_tape, tx_tape, summary;
    if (!prepared_tapes(*prepared, tt_tape, tx_tape, &summary)) return SQLITE_CORRUPT;
    const auto* p = reinterpret_cast<const unsigned char*>(summary.data());
    const auto* end = p + summary.size();
    uint32_t nterms = 0, nsurf = 0;
    if (!varint::get(p, end, len) || !varint::get(p, end, nterms)) return SQLITE_CORRUPT;
    for (uint32_t i = 0; i < nterms; ++i) {
      uint32_t n = 0, tt = 0, tx = 0;
      if (!varint::get(p, end, n) || static_cast<size_t>(end - p) < n) return SQLITE_CORRUPT;
      std::string_view t(reinterpret_cast<const char*>(p), n);
      p += n;
      if (!varint::get(p, end, tt) || !varint::get(p, end, tx)) return SQLITE_CORRUPT;
      bool added = false;
      uint32_t ti = terms.insert(t, added);
      pend.push_back({ti, Entry{id, tt, tx}});
    }
    if (!varint::get(p, end, nsurf)) return SQLITE_CORRUPT;
    for (uint32_t i = 0; i < nsurf; ++i) {
      uint32_t n = 0;
      if (!varint::get(p, end, n) || static_cast<size_t>(end - p) < n) return SQLITE_CORRUPT;
      std::string_view t(reinterpret_cast<const char*>(p), n);
      p += n;
      bool added = false;
      surfaces_seen.insert(t, added);
      if (added) new_surfaces.emplace_back(t);
    }
    leave_totals(*b, slot);  // replaced
    ++rows;
    tokens += std::min(len, ~kOkBit);
    b->ver[slot] = static_cast<uint32_t>(generation + 1);
    b->len[slot] = std::min(len, ~kOkBit);
    b->ok[slot] = d.ok ? 1 : 0;
    b->type[slot] = d.type ? code(kType, *d.type) : 0;
    b->year[slot] = d.document_date.size() >= 4 ? code(kYear, d.document_date.substr(0, 4)) : 0;
    uint32_t date = 0;
    if (!d.document_date.empty() && !iso_date(d.document_date, date)) date = kDateNotIso;
    b->date[slot] = date;
    b->munis[slot].clear();
    for (const auto& m : d.municipalities) b->munis[slot].push_back(code(kMunicipality, m));
    b->dirty = true;
    return SQLITE_OK;
  }

  int remove(int64_t id64) {
    if (int rc = load()) return rc;
    if (id64 < 1 || id64 > kMaxId) return SQLITE_OK;
    auto id = static_cast<uint32_t>(id64);
    if (batch_docs.count(id))
      if (int rc = flush()) return rc;
    batch_docs.insert(id);
    int rc = SQLITE_OK;
    Block* b = block(id >> kBlockShift, rc);
    if (!b) return rc;
    uint32_t slot = id & (kBlockSize - 1);
    leave_totals(*b, slot);
    b->ver[slot] = b->len[slot] = b->date[slot] = 0;
    b->ok[slot] = 0;
    b->type[slot] = b->year[slot] = 0;
    b->munis[slot].clear();
    b->dirty = true;
    return SQLITE_OK;
  }

  int flush() {
    if (int rc = load()) return rc;
    bool dirty = !pend.empty() || !new_dict.empty() || !new_surfaces.empty();
    for (auto& [k, b] : blocks) dirty |= b.dirty;
    if (!dirty && !disabled) return SQLITE_OK;
    const int64_t g = generation + 1;
    int rc;
    if (disabled) {
      rc = sqlite3_exec(db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('search_disabled', '1')", nullptr,
                        nullptr, nullptr);
      if (rc != SQLITE_OK) return rc;
    }
    {
      // Terms in key order: the b-tree is written front to back instead of at random pages.
      std::vector<uint32_t> order(terms.size());
      for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return terms[a] < terms[b]; });
      // The entries grouped by term (counting sort, arrival order kept within a term): term i's
      // are grouped[start[i], start[i + 1]).
      std::vector<uint32_t> start(terms.size() + 1, 0);
      for (const auto& pe : pend) ++start[pe.first + 1];
      for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
      std::vector<Entry> grouped(pend.size());
      {
        std::vector<uint32_t> at(start.begin(), start.end() - 1);
        for (const auto& pe : pend) grouped[at[pe.first]++] = pe.second;
      }
      std::vector<Entry> fresh;
      // Rows are keyed by (term, lo): extending the last row rewrites its payload in place.
      Stmt last(db, "SELECT hi, lo, n, data FROM search_postings WHERE term = ? ORDER BY lo DESC LIMIT 1");
      Stmt upd(db, "UPDATE search_postings SET hi = ?2, n = ?3, data = ?4 WHERE term = ?1 AND lo = ?5");
      Stmt ins(db, "INSERT INTO search_postings(term, hi, n, data, lo) VALUES (?1, ?2, ?3, ?4, ?5)");
      for (Stmt* s : {&last, &upd, &ins})
        if (s->rc != SQLITE_OK) return s->rc;
      std::string blob;
      std::vector<Entry> merged;
      for (uint32_t i : order) {
        const std::string_view term = terms[i];
        fresh.assign(grouped.begin() + start[i], grouped.begin() + start[i + 1]);
        int64_t lo = g;
        bool extend = false;
        size_t row_entries = 0;
        last.reset();
        sqlite3_bind_text(last.st, 1, term.data(), static_cast<int>(term.size()), SQLITE_STATIC);
        rc = sqlite3_step(last.st);
        if (rc == SQLITE_ROW && sqlite3_column_int64(last.st, 2) < kRowEntries) {
          // Extend the term's last row: keep its entries that are still current and not
          // rewritten in this batch, so that its range may grow to g (postings.h, invariant).
          int64_t hi = sqlite3_column_int64(last.st, 0);
          lo = sqlite3_column_int64(last.st, 1);
          // (A document of this batch has generation g > hi, or 0 when removed: dropped too.)
          merged.clear();
          int vrc = SQLITE_OK;
          uint32_t cached = 0xFFFFFFFFu;
          const Block* cb = nullptr;  // entries come in id order: mostly the same block
          const void* old_data = sqlite3_column_blob(last.st, 3);
          const int old_bytes = sqlite3_column_bytes(last.st, 3);
          // The common case (new documents after the row's): every old entry stays, so the new
          // entries are coded onto the end of the old bytes, which are neither collected nor
          // coded again. `merged` is filled only once an entry has to go.
          size_t kept = 0;
          uint32_t last_doc = 0;
          bool dropped = false;
          bool ok;
          if (hi > start_generation && last_invalidation <= hi) {
            // Written by this writer at hi, when each of its entries was current, and no document
            // indexed then has been replaced or removed since: all stay current. Only the last id
            // is needed (to code the new entries after it), not a block look-up per entry (most
            // of this loop's cost on a run that only adds documents).
            ok = decode(old_data, old_bytes, [&](uint32_t doc, uint32_t, uint32_t) {
              ++kept;
              last_doc = doc;
            });
          } else ok = decode(old_data, old_bytes, [&](uint32_t doc, uint32_t tt, uint32_t tx) {
            if ((doc >> kBlockShift) != cached) {
              cached = doc >> kBlockShift;
              cb = block(cached, vrc);
            }
            uint32_t v = cb ? cb->ver[doc & (kBlockSize - 1)] : 0;
            bool current = v >= lo && v <= hi;
            if (!current && !dropped) {  // the entries so far were all kept: collect them now
              dropped = true;
              decode(old_data, old_bytes, [&](uint32_t d2, uint32_t t2, uint32_t x2) {
                if (merged.size() < kept) merged.push_back({d2, t2, x2});
              });
            }
            if (current) {
              if (dropped) merged.push_back({doc, tt, tx});
              ++kept;
              last_doc = doc;
            }
          });
          if (vrc != SQLITE_OK) return vrc;
          if (!ok) return SQLITE_CORRUPT;
          extend = true;
          auto by_id = [](const Entry& a, const Entry& b) { return a.doc < b.doc; };
          if (!std::is_sorted(fresh.begin(), fresh.end(), by_id)) std::sort(fresh.begin(), fresh.end(), by_id);
          if (!dropped && (kept == 0 || fresh.front().doc > last_doc)) {
            blob.assign(static_cast<const char*>(old_data), static_cast<size_t>(old_bytes));
            encode(fresh, blob, blob.size(), last_doc);
            row_entries = kept + fresh.size();
          } else {
            // A new entry goes before the row's last (a document indexed again keeps its id): the
            // old entries are merged with the new, those collected above, or every one of them
            // when none was dropped (then all are current and none was collected yet).
            if (!dropped)
              ok = decode(old_data, old_bytes, [&](uint32_t doc, uint32_t tt, uint32_t tx) { merged.push_back({doc, tt, tx}); });
            if (!ok) return SQLITE_CORRUPT;
            size_t mid = merged.size();
            merged.insert(merged.end(), fresh.begin(), fresh.end());
            std::inplace_merge(merged.begin(), merged.begin() + static_cast<long>(mid), merged.end(), by_id);
            encode(merged, blob);
            fresh.swap(merged);
            row_entries = fresh.size();
          }
        } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
          return rc;
        } else {
          auto by_id = [](const Entry& a, const Entry& b) { return a.doc < b.doc; };
          if (!std::is_sorted(fresh.begin(), fresh.end(), by_id)) std::sort(fresh.begin(), fresh.end(), by_id);
          encode(fresh, blob);
          row_entries = fresh.size();
        }
        last.reset();
        Stmt& w = extend ? upd : ins;
        w.reset();
        sqlite3_bind_text(w.st, 1, term.data(), static_cast<int>(term.size()), SQLITE_STATIC);
        sqlite3_bind_int64(w.st, 2, g);
        sqlite3_bind_int64(w.st, 3, static_cast<int64_t>(row_entries));
        sqlite3_bind_blob(w.st, 4, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
        sqlite3_bind_int64(w.st, 5, lo);
        if ((rc = sqlite3_step(w.st)) != SQLITE_DONE) return rc;
      }
    }
    {
      Stmt put(db, "INSERT OR REPLACE INTO search_columns(id, data) VALUES (?, ?)");
      if (put.rc != SQLITE_OK) return put.rc;
      std::string buf;
      auto write = [&](int col, uint32_t b) {
        put.reset();
        sqlite3_bind_int64(put.st, 1, (static_cast<int64_t>(col) << 32) | b);
        sqlite3_bind_blob(put.st, 2, buf.data(), static_cast<int>(buf.size()), SQLITE_STATIC);
        return sqlite3_step(put.st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
      };
      for (auto& [bn, b] : blocks) {
        if (!b.dirty) continue;
        buf.assign(kBlockSize * 8, '\0');
        for (uint32_t i = 0; i < kBlockSize; ++i) {
          uint32_t lw = b.len[i] | (b.ok[i] ? kOkBit : 0);
          std::memcpy(&buf[i * 4], &b.ver[i], 4);
          std::memcpy(&buf[(kBlockSize + i) * 4], &lw, 4);
        }
        if ((rc = write(kNorms, bn))) return rc;
        buf.assign(kBlockSize * 5, '\0');
        std::memcpy(&buf[0], b.ok.data(), kBlockSize);
        std::memcpy(&buf[kBlockSize], b.type.data(), kBlockSize * 2);
        std::memcpy(&buf[kBlockSize * 3], b.year.data(), kBlockSize * 2);
        if ((rc = write(kCard, bn))) return rc;
        buf.assign(reinterpret_cast<const char*>(b.date.data()), kBlockSize * 4);
        if ((rc = write(kDate, bn))) return rc;
        std::vector<uint32_t> off(kBlockSize + 1, 0);
        std::string vals;
        for (uint32_t i = 0; i < kBlockSize; ++i) {
          off[i] = static_cast<uint32_t>(vals.size() / 2);
          vals.append(reinterpret_cast<const char*>(b.munis[i].data()), b.munis[i].size() * 2);
        }
        off[kBlockSize] = static_cast<uint32_t>(vals.size() / 2);
        buf.assign(reinterpret_cast<const char*>(off.data()), off.size() * 4);
        buf += vals;
        if ((rc = write(kMunis, bn))) return rc;
        b.dirty = false;
      }
    }
    if (!new_dict.empty()) {
      Stmt put(db, "INSERT OR REPLACE INTO search_dict(kind, code, value) VALUES (?, ?, ?)");
      if (put.rc != SQLITE_OK) return put.rc;
      for (const auto& [kind, c, value] : new_dict) {
        put.reset();
        sqlite3_bind_int(put.st, 1, kind);
        sqlite3_bind_int(put.st, 2, c);
        sqlite3_bind_text(put.st, 3, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
        if ((rc = sqlite3_step(put.st)) != SQLITE_DONE) return rc;
      }
    }
    if (!new_surfaces.empty()) {
      std::sort(new_surfaces.begin(), new_surfaces.end());
      Stmt put(db, "INSERT OR IGNORE INTO search_surfaces(term) VALUES (?)");
      if (put.rc != SQLITE_OK) return put.rc;
      for (const auto& s : new_surfaces) {
        put.reset();
        sqlite3_bind_text(put.st, 1, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
        if ((rc = sqlite3_step(put.st)) != SQLITE_DONE) return rc;
      }
    }
    {
      Stmt st(db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('search_generation', ?1), ('search_rows', ?2), "
                  "('search_tokens', ?3)");
      if (st.rc != SQLITE_OK) return st.rc;
      sqlite3_bind_int64(st.st, 1, g);
      sqlite3_bind_int64(st.st, 2, rows);
      sqlite3_bind_int64(st.st, 3, tokens);
      if ((rc = sqlite3_step(st.st)) != SQLITE_DONE) return rc;
    }
    generation = g;
    pend.clear();
    terms.clear();
    batch_docs.clear();
    new_dict.clear();
    new_surfaces.clear();
    // The blocks of finished batches stay cached: the next batch's documents are mostly in the
    // same block. Bounded by dropping clean ones past 64 (~10 MB).
    if (blocks.size() > 64)
      for (auto it = blocks.begin(); it != blocks.end();) it = it->second.dirty ? std::next(it) : blocks.erase(it);
    if (surfaces_seen.size() > (1u << 20)) surfaces_seen.clear();
    return SQLITE_OK;
  }
};

PostingsWriter::PostingsWriter(sqlite3* db) : impl_(new Impl(db)) {}
PostingsWriter::~PostingsWriter() { delete impl_; }
int PostingsWriter::add(int64_t id, const PostingsDoc& d) { return impl_->add(id, d); }
int PostingsWriter::remove(int64_t id) { return impl_->remove(id); }
int PostingsWriter::flush() { return impl_->flush(); }

int PostingsWriter::rebuild() {
  sqlite3* db = impl_->db;
  int rc = sqlite3_exec(db,
                        "DELETE FROM search_postings; DELETE FROM search_columns; DELETE FROM search_dict; "
                        "DELETE FROM search_surfaces; DELETE FROM meta WHERE key IN ('search_generation', "
                        "'search_disabled', 'search_rows', 'search_tokens');",
                        nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return rc;
  delete impl_;
  impl_ = new Impl(db);
  Stmt st(db,
          "SELECT d.id, d.error_code IS NULL, d.title, d.text, d.type, d.document_date, c.municipalities "
          "FROM documents d LEFT JOIN cards c ON c.id = d.id ORDER BY d.id");
  if (st.rc != SQLITE_OK) return st.rc;
  std::string title, text, type, munis;
  size_t bytes = 0, docs = 0;
  while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
    auto col = [&](int c, std::string& out) {
      if (sqlite3_column_type(st.st, c) == SQLITE_NULL) return false;
      out.assign(reinterpret_cast<const char*>(sqlite3_column_text(st.st, c)),
                 static_cast<size_t>(sqlite3_column_bytes(st.st, c)));
      return true;
    };
    PostingsDoc d;
    d.ok = sqlite3_column_int(st.st, 1) != 0;
    if (col(2, title)) d.title = &title;
    if (col(3, text)) d.text = &text;
    if (col(4, type)) d.type = &type;
    col(5, d.document_date);
    if (col(6, munis)) {
      size_t b = 0;
      while (true) {
        size_t e = munis.find('\x1f', b);
        d.municipalities.push_back(munis.substr(b, e == std::string::npos ? std::string::npos : e - b));
        if (e == std::string::npos) break;
        b = e + 1;
      }
    }
    if ((rc = impl_->add(sqlite3_column_int64(st.st, 0), d)) != SQLITE_OK) return rc;
    bytes += text.size();
    // Batches as large as ingest's, so the rows come out the same size.
    if (++docs % IngestOptions{}.batch == 0 || bytes > (64u << 20)) {
      bytes = 0;
      if ((rc = impl_->flush()) != SQLITE_OK) return rc;
    }
  }
  if (rc != SQLITE_DONE) return rc;
  return impl_->flush();
}

// ---- Queries ------------------------------------------------------------------------------------

std::vector<std::string> SimpleQuery::terms() const {
  std::vector<std::string> out;
  for (const auto& p : phrases) out.insert(out.end(), p.terms.begin(), p.terms.end());
  return out;
}

std::optional<SimpleQuery> parse_simple_query(std::string_view q, DanishTokenizer& tok) {
  SimpleQuery out;
  auto space = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  size_t i = 0;
  while (i < q.size()) {
    unsigned char c = static_cast<unsigned char>(q[i]);
    if (space(c)) {
      ++i;
      continue;
    }
    size_t e = i;
    std::string_view text;  // what the query tokenizer reads
    if (c == '"') {
      size_t close = q.find('"', i + 1);
      if (close == std::string_view::npos) return std::nullopt;  // unterminated: FTS5's error
      e = close + 1;
      if (e < q.size() && q[e] == '"') return std::nullopt;    // "" inside a phrase
      text = q.substr(i + 1, close - i - 1);
    } else {
      // FTS5's bareword characters: non-ASCII, ASCII letters and digits, '_', 0x1A.
      while (e < q.size()) {
        unsigned char d = static_cast<unsigned char>(q[e]);
        if (d >= 0x80 || std::isalnum(d) || d == '_' || d == 0x1A) ++e;
        else break;
      }
      if (e == i) return std::nullopt;  // an operator or other syntax: FTS5's
      text = q.substr(i, e - i);
      if (text == "AND" || text == "OR" || text == "NOT" || text == "NEAR") return std::nullopt;
    }
    if (e < q.size() && !space(static_cast<unsigned char>(q[e]))) return std::nullopt;  // word* word: "a"b ...
    SimpleQuery::Phrase p;
    tok.tokenize(text, TokenMode::query, [&](const Token& k) {
      p.terms.emplace_back(k.text);
      return 0;
    });
    if (p.terms.empty()) return std::nullopt;  // FTS5 matches nothing for it; let it say so
    p.fts = std::string(q.substr(i, e - i));
    if (c != '"' && p.terms.size() > 1) p.fts = "\"" + p.fts + "\"";  // FTS5 makes a phrase of it too
    out.phrases.push_back(std::move(p));
    i = e;
  }
  if (out.phrases.empty()) return std::nullopt;
  return out;
}

namespace {

// An array indexed by document id, left uninitialized: only the pages of the blocks a query
// reads are ever touched (a zero-filled array of 200 000 ids cost ~200 page faults per column,
// in every query, even one of a rare word).
template <class T>
struct IdArray {
  std::unique_ptr<T[]> p;
  void alloc(size_t n) { p.reset(new T[n]); }  // default-initialized: no writes
  bool empty() const { return !p; }
  T& operator[](size_t i) { return p[i]; }
  const T& operator[](size_t i) const { return p[i]; }
};

// The columns of the blocks a query touches, in arrays indexed by document id (each block read
// is filled, with zeros when it has no row: no document; blocks not read are never looked at).
// Read with incremental blob I/O: one copy from the file's pages into the array, where
// sqlite3_column_blob would assemble each block first and copy it again.
struct Columns {
  sqlite3* db = nullptr;
  sqlite3_blob* blob = nullptr;
  uint32_t size = 0;  // ids [0, size)
  IdArray<uint32_t> ver, len;  // len holds kOkBit
  IdArray<uint16_t> type, year;
  IdArray<uint32_t> date;
  std::vector<std::vector<uint32_t>> moff;  // per block: offsets into mval[block]
  std::vector<std::vector<uint16_t>> mval;
  std::vector<uint8_t> loaded[4];  // per column, per block
  std::vector<unsigned char> buf;

  ~Columns() {
    if (blob) sqlite3_blob_close(blob);
  }
  // Opens the blob of column `col` of block `b`; false with rc SQLITE_OK when the block has no
  // row, false with rc set on an error.
  bool open(int col, uint32_t b, int& rc) {
    int64_t id = (static_cast<int64_t>(col) << 32) | b;
    rc = blob ? sqlite3_blob_reopen(blob, id) : sqlite3_blob_open(db, "main", "search_columns", "data", id, 0, &blob);
    if (rc == SQLITE_OK) return true;
    // A missing row (SQLITE_ERROR) is a block without documents; the handle is spent either way.
    if (blob) sqlite3_blob_close(blob);
    blob = nullptr;
    if (rc == SQLITE_ERROR) rc = SQLITE_OK;
    return false;
  }
  // Where read() puts a block's column: kBlockSize values from each pointer (the offsets and
  // codes of kMunis into the vectors; left empty when the block has none).
  struct Dst {
    uint32_t *ver = nullptr, *len = nullptr, *date = nullptr;
    uint16_t *type = nullptr, *year = nullptr;
    std::vector<uint32_t>* off = nullptr;
    std::vector<uint16_t>* val = nullptr;
  };
  // Reads column `col` of block `b` into `d` (zeros for a block without a row). Returns an
  // SQLite result code.
  int read(int col, uint32_t b, const Dst& d) {
    int rc;
    bool found = open(col, b, rc);
    if (rc != SQLITE_OK) return rc;
    const int n = found ? sqlite3_blob_bytes(blob) : 0;
    if (col == kNorms) {
      if (!found) {
        std::memset(d.ver, 0, kBlockSize * 4);
        std::memset(d.len, 0, kBlockSize * 4);
        return SQLITE_OK;
      }
      // Straight into ver and len: the two halves of the blob.
      if (n != static_cast<int>(kBlockSize * 8)) return SQLITE_CORRUPT;
      if ((rc = sqlite3_blob_read(blob, d.ver, kBlockSize * 4, 0)) != SQLITE_OK) return rc;
      return sqlite3_blob_read(blob, d.len, kBlockSize * 4, kBlockSize * 4);
    }
    if (col == kCard) {
      if (!found) {
        std::memset(d.type, 0, kBlockSize * 2);
        std::memset(d.year, 0, kBlockSize * 2);
        return SQLITE_OK;
      }
      if (n != static_cast<int>(kBlockSize * 5)) return SQLITE_CORRUPT;
      if ((rc = sqlite3_blob_read(blob, d.type, kBlockSize * 2, kBlockSize)) != SQLITE_OK) return rc;
      return sqlite3_blob_read(blob, d.year, kBlockSize * 2, kBlockSize * 3);
    }
    if (col == kDate) {
      if (!found) {
        std::memset(d.date, 0, kBlockSize * 4);
        return SQLITE_OK;
      }
      if (n != static_cast<int>(kBlockSize * 4)) return SQLITE_CORRUPT;
      return sqlite3_blob_read(blob, d.date, kBlockSize * 4, 0);
    }
    // kMunis: offsets, then codes.
    d.off->clear();
    d.val->clear();
    if (!found || n == 0) return SQLITE_OK;
    if (n < static_cast<int>((kBlockSize + 1) * 4)) return SQLITE_CORRUPT;
    auto& off = *d.off;
    off.resize(kBlockSize + 1);
    if ((rc = sqlite3_blob_read(blob, off.data(), static_cast<int>(off.size() * 4), 0)) != SQLITE_OK) return rc;
    size_t nv = (static_cast<size_t>(n) - off.size() * 4) / 2;
    if (off[kBlockSize] > nv) return SQLITE_CORRUPT;
    for (uint32_t i = 0; i < kBlockSize; ++i)
      if (off[i] > off[i + 1]) return SQLITE_CORRUPT;
    auto& val = *d.val;
    val.resize(nv);
    return nv ? sqlite3_blob_read(blob, val.data(), static_cast<int>(nv * 2), static_cast<int>(off.size() * 4)) : SQLITE_OK;
  }
  // Reads column `col` of block `b` into its arrays, once. Returns an SQLite result code.
  int load_block(int col, uint32_t b) {
    auto& done = loaded[col];
    if (done.empty()) done.assign(size >> kBlockShift, 0);
    if (b >= done.size() || done[b]) return SQLITE_OK;
    done[b] = 1;
    const size_t base = static_cast<size_t>(b) * kBlockSize;
    Dst d;
    if (col == kNorms) d.ver = &ver[base], d.len = &len[base];
    else if (col == kCard) d.type = &type[base], d.year = &year[base];
    else if (col == kDate) d.date = &date[base];
    else d.off = &moff[b], d.val = &mval[b];
    return read(col, b, d);
  }
  // Reads column `col` of every block flagged in `want` (by block) not read yet.
  int load(int col, const std::vector<uint8_t>& want) {
    for (uint32_t b = 0; b < want.size(); ++b)
      if (want[b])
        if (int rc = load_block(col, b)) return rc;
    return SQLITE_OK;
  }
};


}  // namespace

Result<AccelResult> Accelerator::run(const SimpleQuery& q, const Filter& f, const std::vector<int64_t>* fact_ids,
                                     size_t offset, size_t limit, bool want_facets) {
  AccelResult r;
  auto err = [&](int rc) { return Error{"sqlite", std::string("search accelerator: ") + sqlite3_errstr(rc)}; };
  // Filters read from places the accelerator does not hold: FTS5's path answers them.
  if (!f.path.empty() || f.errors || q.phrases.size() > 255) return r;
  uint32_t from = 0, to = 0xFFFFFFFEu;
  auto bound = [](const std::string& d, bool upper, uint32_t& out) {
    std::string s = d.size() == 4 ? d + (upper ? "-12-31" : "-01-01") : d.size() == 7 ? d + (upper ? "-31" : "-01") : d;
    return iso_date(s, out);
  };
  if (!f.from.empty() && !bound(f.from, false, from)) return r;
  if (!f.to.empty() && !bound(f.to, true, to)) return r;
  bool dated = !f.from.empty() || !f.to.empty();
  int64_t nrow = 0, ntok = 0;
  {
    Stmt st(db_, "SELECT key, value FROM meta WHERE key IN ('search_disabled', 'search_rows', 'search_tokens')");
    if (st.rc != SQLITE_OK) return err(st.rc);
    bool totals = false;
    while (sqlite3_step(st.st) == SQLITE_ROW) {
      std::string k = reinterpret_cast<const char*>(sqlite3_column_text(st.st, 0));
      int64_t v = sqlite3_column_int64(st.st, 1);
      if (k == "search_disabled" && v != 0) return r;
      if (k == "search_rows") nrow = v, totals = true;
      if (k == "search_tokens") ntok = v;
    }
    if (!totals) return r;  // nothing written yet: FTS5 answers (and knows there is nothing)
  }
  {
    // A query stem that is also some word's indexed surface form matches that word in FTS5.
    Stmt st(db_, "SELECT 1 FROM search_surfaces WHERE term = ?");
    if (st.rc != SQLITE_OK) return err(st.rc);
    for (const auto& t : q.terms()) {
      st.reset();
      sqlite3_bind_text(st.st, 1, t.data(), static_cast<int>(t.size()), SQLITE_STATIC);
      int rc = sqlite3_step(st.st);
      if (rc == SQLITE_ROW) return r;
      if (rc != SQLITE_DONE) return err(rc);
    }
  }
  std::vector<uint16_t> types;  // codes of the --type labels
  std::unordered_map<std::string, uint16_t> dict[4];
  std::vector<std::string> names[4];
  {
    Stmt st(db_, "SELECT kind, code, value FROM search_dict");
    if (st.rc != SQLITE_OK) return err(st.rc);
    int rc;
    while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
      int kind = sqlite3_column_int(st.st, 0);
      if (kind < 1 || kind > 3) continue;
      auto code = static_cast<size_t>(sqlite3_column_int64(st.st, 1));
      std::string v(reinterpret_cast<const char*>(sqlite3_column_text(st.st, 2)),
                    static_cast<size_t>(sqlite3_column_bytes(st.st, 2)));
      if (names[kind].size() <= code) names[kind].resize(code + 1);
      names[kind][code] = v;
      dict[kind][v] = static_cast<uint16_t>(code);
    }
    if (rc != SQLITE_DONE) return err(rc);
  }
  for (const auto& t : f.types) {
    auto it = dict[kType].find(t);
    if (it != dict[kType].end()) types.push_back(it->second);
  }

  Columns c;
  c.db = db_;
  {
    Stmt st(db_, "SELECT max(id) FROM search_columns WHERE id < (1 << 32)");  // the last block of norms
    if (st.rc != SQLITE_OK) return err(st.rc);
    if (sqlite3_step(st.st) != SQLITE_ROW) return err(sqlite3_errcode(db_));
    int64_t mb = sqlite3_column_type(st.st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st.st, 0);
    c.size = static_cast<uint32_t>((mb + 1) * kBlockSize);
  }
  const auto nblocks = static_cast<size_t>(c.size >> kBlockShift);
  c.ver.alloc(c.size);
  c.len.alloc(c.size);
  r.used = true;
  if (nrow <= 0 || ntok < 0) {
    if (want_facets) r.facets = AccelFacets{};
    return r;
  }
  const double avgdl = static_cast<double>(ntok) / static_cast<double>(nrow);
  // Facet lists from counts by code (code 0: none).
  auto facets_of = [&](const std::vector<int64_t>& nt, const std::vector<int64_t>& ny, const std::vector<int64_t>& nm,
                       int64_t total) {
    AccelFacets fc;
    fc.total = total;
    auto out = [&](int kind, const std::vector<int64_t>& n, const char* none,
                   std::vector<std::pair<std::string, int64_t>>& v) {
      for (size_t code = 0; code < n.size(); ++code) {
        if (!n[code]) continue;
        if (code == 0) {
          if (none) v.emplace_back(none, n[code]);
        } else if (code < names[kind].size()) {
          v.emplace_back(names[kind][code], n[code]);
        }
      }
    };
    out(kType, nt, "(none)", fc.types);
    out(kYear, ny, "(undated)", fc.years);
    out(kMunicipality, nm, nullptr, fc.municipalities);
    return fc;
  };
  const double k1 = 1.2, b = 0.75;

  // One word without filters (the most common query): one pass over its rows as they are read,
  // no list of entries or matches. Each current entry is counted (n of the idf), each good one
  // counted (total) and its cards tallied (facets), and the best offset + limit kept in a heap
  // by the word's part of bm25, g = f × 2.2 / (f + 1.2 × (0.25 + 0.75 × |D| / avgdl)): the
  // score is -(idf × g) with idf the same for every match, known after the pass, and a product
  // by one positive number keeps the order of g (rounding can only make two scores equal).
  // So the heap is the page unless a match left out has the page's last score after rounding;
  // then (never seen on the scale corpus) the exhaustive path below answers.
  // Cost: O(n) varint decoding, the norms (and for facets the cards) of the blocks read.
  if (q.phrases.size() == 1 && q.phrases[0].terms.size() == 1 && f.types.empty() && !dated && !fact_ids) {
    const std::string& t = q.phrases[0].terms[0];
    struct G {
      double g;
      uint32_t id;
    };
    auto before = [](const G& a, const G& b) { return a.g > b.g || (a.g == b.g && a.id < b.id); };
    const size_t end = limit > 0 ? offset + limit : 0;
    std::vector<G> heap;  // the best `end`, worst on top
    heap.reserve(std::min<size_t>(end, 1 << 16));
    double out1 = -1.0, out2 = -1.0;  // the two best distinct g of the matches left out of the heap
    auto leave = [&](double g) {
      if (g > out1) {
        out2 = out1;
        out1 = g;
      } else if (g < out1 && g > out2) {
        out2 = g;
      }
    };
    int64_t current = 0, good = 0;
    std::vector<int64_t> nt, ny, nm;
    if (want_facets) {
      nt.assign(names[kType].size() + 1, 0);
      ny.assign(names[kYear].size() + 1, 0);
      nm.assign(names[kMunicipality].size() + 1, 0);
    }
    Stmt st(db_, "SELECT lo, hi, data FROM search_postings WHERE term = ?");
    if (st.rc != SQLITE_OK) return err(st.rc);
    sqlite3_bind_text(st.st, 1, t.data(), static_cast<int>(t.size()), SQLITE_STATIC);
    int rc;
    int lrc = SQLITE_OK;
    uint32_t block = 0xFFFFFFFFu;
    // The current block's columns, and counters of a type no facet count (int64_t) can alias:
    // the compiler keeps them in registers across the counts.
    std::vector<uint32_t> bufs(2 * kBlockSize), moff;
    std::vector<uint16_t> cards(want_facets ? 2 * kBlockSize : 0), mval;
    const uint32_t *const bver = bufs.data(), *const blen = bufs.data() + kBlockSize, *boff = nullptr;
    // Without facets `cards` is empty and its data() may be null: no offset from it (UB).
    const uint16_t *const btype = cards.data(), *const byear = cards.empty() ? nullptr : cards.data() + kBlockSize,
                          *bval = nullptr;
    uint32_t n_current = 0, n_good = 0;
    int64_t* const pnt = nt.data();
    int64_t* const pny = ny.data();
    int64_t* const pnm = nm.data();
    const size_t tmax = nt.empty() ? 0 : nt.size() - 1, ymax = ny.empty() ? 0 : ny.size() - 1,
                 mmax = nm.empty() ? 0 : nm.size() - 1;
    while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
      auto lo = static_cast<uint32_t>(sqlite3_column_int64(st.st, 0));
      auto hi = static_cast<uint32_t>(sqlite3_column_int64(st.st, 1));
      bool ok = decode(sqlite3_column_blob(st.st, 2), sqlite3_column_bytes(st.st, 2), [&](uint32_t doc, uint32_t tt, uint32_t tx) {
        if (doc >= c.size || lrc != SQLITE_OK) return;  // past the last block: no such document
        if ((doc >> kBlockShift) != block) {
          // One block's columns at a time in buffers reused from block to block: the pages of
          // one block's worth of arrays are touched, not those of arrays for every id (~1 000
          // page faults fewer a query). A block met again (rows out of id order after
          // replacements) is read again.
          block = doc >> kBlockShift;
          Columns::Dst d;
          d.ver = bufs.data();
          d.len = bufs.data() + kBlockSize;
          if ((lrc = c.read(kNorms, block, d)) != SQLITE_OK) return;
          if (want_facets) {
            d.type = cards.data();
            d.year = cards.data() + kBlockSize;
            d.off = &moff;
            d.val = &mval;
            if ((lrc = c.read(kCard, block, d)) != SQLITE_OK || (lrc = c.read(kMunis, block, d)) != SQLITE_OK) return;
            boff = moff.empty() ? nullptr : moff.data();
            bval = mval.data();
          }
        }
        const uint32_t slot = doc & (kBlockSize - 1);
        const uint32_t v = bver[slot];
        if (v < lo || v > hi) return;  // stale or gone
        ++n_current;
        const uint32_t lw = blen[slot];
        if (!(lw & kOkBit)) return;
        ++n_good;
        if (want_facets) {
          ++pnt[std::min<size_t>(btype[slot], tmax)];
          ++pny[std::min<size_t>(byear[slot], ymax)];
          if (boff)
            for (uint32_t j = boff[slot]; j < boff[slot + 1]; ++j) ++pnm[std::min<size_t>(bval[j], mmax)];
        }
        if (!end) return;
        const double freq = 4.0 * tt + 1.0 * tx;
        const double D = static_cast<double>(lw & ~kOkBit);
        const G x{(freq * (k1 + 1.0)) / (freq + k1 * (1 - b + b * D / avgdl)), doc};
        if (heap.size() < end) {
          heap.push_back(x);
          std::push_heap(heap.begin(), heap.end(), before);
        } else if (before(x, heap.front())) {
          leave(heap.front().g);
          std::pop_heap(heap.begin(), heap.end(), before);
          heap.back() = x;
          std::push_heap(heap.begin(), heap.end(), before);
        } else {
          leave(x.g);
        }
      });
      if (lrc != SQLITE_OK) return err(lrc);
      if (!ok) return Error{"corrupt", "search accelerator: a damaged postings row (run 'sagsindeks check --reindex')"};
    }
    if (rc != SQLITE_DONE) return err(rc);
    current = n_current;
    good = n_good;
    const auto n = static_cast<double>(current);
    double idf = std::log((static_cast<double>(nrow) - n + 0.5) / (n + 0.5));
    idf = idf <= 0.0 ? 1e-6 : idf;
    auto score = [&](double g) { return -(0.0 + idf * g); };
    std::vector<AccelHit> page;
    page.reserve(heap.size());
    for (const auto& x : heap) page.push_back({x.id, score(x.g)});
    auto better = [](const AccelHit& a, const AccelHit& b) { return a.score < b.score || (a.score == b.score && a.id < b.id); };
    std::sort(page.begin(), page.end(), better);
    // The page's last score class must hold the lowest ids of all matches of that score. The
    // heap ordered ties of g by id, so that holds unless rounding gave that score to a g other
    // than the heap's least: a match left out of a smaller g, or one kept of a larger g.
    bool exact = end == 0 || page.size() < end;
    if (!exact) {
      double g_min = heap.front().g;  // the worst kept
      double below = out1 < g_min ? out1 : out2;  // the best g left out below it
      exact = below < 0.0 || score(below) > page.back().score;
      for (const auto& x : heap)
        if (x.g != g_min && score(x.g) == page.back().score) exact = false;
    }
    if (exact) {
      r.total = good;
      r.word_matches = current;
      if (offset < page.size()) r.page.assign(page.begin() + static_cast<long>(offset), page.end());
      if (want_facets) r.facets = facets_of(nt, ny, nm, good);
      return r;
    }
  }

  // Postings of each term, decoded with their rows' generation ranges; then the norms of the
  // blocks they touch; then the current entries only, straight into what the phrases need:
  // f for a one-word phrase, the title and text counts for the words of longer phrases.
  struct Raw {
    std::vector<Entry> entries;
    std::vector<std::tuple<size_t, uint32_t, uint32_t>> rows;  // first entry, lo, hi
  };
  std::unordered_map<std::string, Raw> raw;
  std::vector<uint8_t> want(nblocks, 0);
  // Words only (no phrase of several): the current entries of the word with the fewest
  // postings, then the other words' rows streamed, each entry checked against those documents
  // (a bitmap) and kept only when it is one: the long lists of common words ("på", "om") are
  // decoded but never stored. n(t) of each word is counted on the way.
  std::unordered_map<std::string, int64_t> current_n;  // filled when streamed
  bool words_only = q.phrases.size() > 1;
  for (const auto& ph : q.phrases) words_only = words_only && ph.terms.size() == 1;
  if (words_only) {
    std::vector<std::string> terms;
    for (const auto& ph : q.phrases)
      if (std::find(terms.begin(), terms.end(), ph.terms[0]) == terms.end()) terms.push_back(ph.terms[0]);
    // The driver: the fewest postings (stale ones included; the row counts only, no blob read).
    size_t drive = 0;
    int64_t best = -1;
    {
      Stmt st(db_, "SELECT coalesce(sum(n), 0) FROM search_postings WHERE term = ?");
      if (st.rc != SQLITE_OK) return err(st.rc);
      for (size_t i = 0; i < terms.size(); ++i) {
        st.reset();
        sqlite3_bind_text(st.st, 1, terms[i].data(), static_cast<int>(terms[i].size()), SQLITE_STATIC);
        if (sqlite3_step(st.st) != SQLITE_ROW) return err(sqlite3_errcode(db_));
        int64_t n = sqlite3_column_int64(st.st, 0);
        if (best < 0 || n < best) best = n, drive = i;
      }
    }
    std::swap(terms[0], terms[drive]);
    Stmt st(db_, "SELECT lo, hi, data FROM search_postings WHERE term = ?");
    if (st.rc != SQLITE_OK) return err(st.rc);
    std::vector<uint64_t> cand((c.size + 63) / 64, 0);
    for (size_t i = 0; i < terms.size(); ++i) {
      const std::string& t = terms[i];
      Raw& out = raw[t];
      // At most the driver's entries are kept of any word: one allocation, no regrowth copies.
      out.entries.reserve(static_cast<size_t>(std::max<int64_t>(best, 0)));
      int64_t& n = current_n[t];
      st.reset();
      sqlite3_bind_text(st.st, 1, t.data(), static_cast<int>(t.size()), SQLITE_STATIC);
      int rc, lrc = SQLITE_OK;
      uint32_t block = 0xFFFFFFFFu;
      while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
        auto lo = static_cast<uint32_t>(sqlite3_column_int64(st.st, 0));
        auto hi = static_cast<uint32_t>(sqlite3_column_int64(st.st, 1));
        bool ok = decode(sqlite3_column_blob(st.st, 2), sqlite3_column_bytes(st.st, 2), [&](uint32_t doc, uint32_t tt, uint32_t tx) {
          if (doc >= c.size || lrc != SQLITE_OK) return;  // past the last block: no such document
          if ((doc >> kBlockShift) != block && (lrc = c.load_block(kNorms, block = doc >> kBlockShift)) != SQLITE_OK) return;
          const uint32_t v = c.ver[doc];
          if (v < lo || v > hi) return;  // stale or gone
          ++n;
          if (i == 0) {
            cand[doc >> 6] |= uint64_t{1} << (doc & 63);
            out.entries.push_back({doc, tt, tx});
          } else if (cand[doc >> 6] >> (doc & 63) & 1) {
            out.entries.push_back({doc, tt, tx});
          }
        });
        if (lrc != SQLITE_OK) return err(lrc);
        if (!ok) return Error{"corrupt", "search accelerator: a damaged postings row (run 'sagsindeks check --reindex')"};
      }
      if (rc != SQLITE_DONE) return err(rc);
    }
  } else
  {
    Stmt st(db_, "SELECT lo, hi, n, data FROM search_postings WHERE term = ?");
    Stmt total(db_, "SELECT coalesce(sum(n), 0) FROM search_postings WHERE term = ?");  // row counts only
    if (st.rc != SQLITE_OK) return err(st.rc);
    if (total.rc != SQLITE_OK) return err(total.rc);
    for (const auto& t : q.terms()) {
      if (raw.count(t)) continue;
      Raw& out = raw[t];
      // Every entry of the word, stale ones included: one allocation, no regrowth copies (a
      // common word's list was copied ~5 times growing, each copy new pages to fault in).
      total.reset();
      sqlite3_bind_text(total.st, 1, t.data(), static_cast<int>(t.size()), SQLITE_STATIC);
      if (sqlite3_step(total.st) != SQLITE_ROW) return err(sqlite3_errcode(db_));
      out.entries.reserve(static_cast<size_t>(std::max<int64_t>(0, sqlite3_column_int64(total.st, 0))));
      st.reset();
      sqlite3_bind_text(st.st, 1, t.data(), static_cast<int>(t.size()), SQLITE_STATIC);
      int rc;
      while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
        auto lo = static_cast<uint32_t>(sqlite3_column_int64(st.st, 0));
        auto hi = static_cast<uint32_t>(sqlite3_column_int64(st.st, 1));
        out.rows.emplace_back(out.entries.size(), lo, hi);
        uint32_t last_block = 0xFFFFFFFFu;
        bool ok = decode(sqlite3_column_blob(st.st, 3), sqlite3_column_bytes(st.st, 3),
                         [&](uint32_t doc, uint32_t tt, uint32_t tx) {
                           if (doc >= c.size) return;  // past the last block: no such document
                           out.entries.push_back({doc, tt, tx});
                           if ((doc >> kBlockShift) != last_block) want[last_block = doc >> kBlockShift] = 1;
                         });
        if (!ok) return Error{"corrupt", "search accelerator: a damaged postings row (run 'sagsindeks check --reindex')"};
      }
      if (rc != SQLITE_DONE) return err(rc);
    }
  }
  if (int rc = c.load(kNorms, want)) return err(rc);
  // Current entries only, filtered in place; f(t, D) = 4 × tt + tx where needed.
  auto by_doc = [](const auto& a, const auto& b) { return a.doc < b.doc; };
  for (auto& [t, rw] : raw) {
    const auto& ver = c.ver;
    size_t kept = words_only ? rw.entries.size() : 0;  // streamed: current already
    for (size_t k = 0; k < rw.rows.size(); ++k) {
      auto [first, lo, hi] = rw.rows[k];
      size_t end = k + 1 < rw.rows.size() ? std::get<0>(rw.rows[k + 1]) : rw.entries.size();
      for (size_t j = first; j < end; ++j) {
        const Entry e = rw.entries[j];
        if (ver[e.doc] >= lo && ver[e.doc] <= hi) rw.entries[kept++] = e;  // else stale or gone
      }
    }
    rw.entries.resize(kept);
    // Rows are sorted; their concatenation is too unless documents were replaced after a later
    // row began. The merges below need id order.
    if (!std::is_sorted(rw.entries.begin(), rw.entries.end(), by_doc))
      std::sort(rw.entries.begin(), rw.entries.end(), by_doc);
  }
  // The first position at or after `from` in v whose id is >= d (galloping: cheap when a short
  // list drives a long one).
  auto seek = [](const auto& v, size_t from, uint32_t d) {
    size_t step = 1, lo = from, hi = from;
    while (hi < v.size() && v[hi].doc < d) {
      lo = hi + 1;
      hi += step;
      step *= 2;
    }
    hi = std::min(hi, v.size());
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (v[mid].doc < d) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Per phrase: its matches with f(p, D), exact for a word, an upper bound for a longer phrase.
  std::vector<const std::vector<Entry>*> lists(q.phrases.size());
  std::vector<std::vector<Entry>> bounds;  // of the longer phrases: the smallest counts of their words
  bounds.reserve(q.phrases.size());
  bool bounded = false;  // some f is only a bound: the page is settled by exact_score below
  for (size_t i = 0; i < q.phrases.size(); ++i) {
    const auto& ph = q.phrases[i];
    if (ph.terms.size() == 1) {
      lists[i] = &raw[ph.terms[0]].entries;
      continue;
    }
    bounded = true;
    bounds.emplace_back();
    auto& out = bounds.back();
    lists[i] = &out;
    std::vector<const std::vector<Entry>*> words;
    for (const auto& t : ph.terms) words.push_back(&raw[t].entries);
    std::vector<size_t> at(words.size(), 0);
    Stmt st(db_, "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rowid");
    if (st.rc != SQLITE_OK) return err(st.rc);
    sqlite3_bind_text(st.st, 1, ph.fts.data(), static_cast<int>(ph.fts.size()), SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
      int64_t id = sqlite3_column_int64(st.st, 0);
      if (id < 0 || id >= static_cast<int64_t>(c.size)) return AccelResult{};
      auto d = static_cast<uint32_t>(id);
      uint32_t mt = 0xFFFFFFFFu, mx = 0xFFFFFFFFu;
      for (size_t j = 0; j < words.size(); ++j) {
        at[j] = seek(*words[j], at[j], d);
        // FTS5 and the postings disagree (a damaged index): FTS5's path must answer.
        if (at[j] >= words[j]->size() || (*words[j])[at[j]].doc != d) return AccelResult{};
        mt = std::min(mt, (*words[j])[at[j]].tt);
        mx = std::min(mx, (*words[j])[at[j]].tx);
      }
      out.push_back({d, mt, mx});
    }
    if (rc != SQLITE_DONE) return err(rc);
  }

  // Scores, in query order as FTS5 sums them; a document matches when every phrase holds it.
  auto term_score = [&](double idf, double freq, uint32_t doc) {
    double D = static_cast<double>(c.len[doc] & ~kOkBit);
    return idf * ((freq * (k1 + 1.0)) / (freq + k1 * (1 - b + b * D / avgdl)));
  };
  std::vector<double> idf(q.phrases.size());
  for (size_t i = 0; i < q.phrases.size(); ++i) {
    auto n = static_cast<double>(words_only ? current_n[q.phrases[i].terms[0]] : static_cast<int64_t>(lists[i]->size()));
    double v = std::log((static_cast<double>(nrow) - n + 0.5) / (n + 0.5));
    idf[i] = v <= 0.0 ? 1e-6 : v;
  }
  if (q.phrases.size() == 1 && q.phrases[0].terms.size() == 1) r.word_matches = static_cast<int64_t>(lists[0]->size());
  std::vector<AccelHit> matches;
  if (q.phrases.size() == 1) {
    matches.reserve(lists[0]->size());
    for (const auto& p : *lists[0]) matches.push_back({p.doc, -(0.0 + term_score(idf[0], 4.0 * p.tt + 1.0 * p.tx, p.doc))});
  } else {
    // Intersection driven by the shortest list, the others sought by galloping; the score of a
    // match summed in query order, as bm25 sums it.
    const size_t k = q.phrases.size();
    size_t drive = 0;
    for (size_t i = 1; i < k; ++i)
      if (lists[i]->size() < lists[drive]->size()) drive = i;
    std::vector<size_t> at(k, 0);
    std::vector<double> fs(k);
    for (const auto& p : *lists[drive]) {
      bool all = true;
      for (size_t i = 0; i < k && all; ++i) {
        if (i == drive) {
          fs[i] = 4.0 * p.tt + 1.0 * p.tx;
          continue;
        }
        at[i] = seek(*lists[i], at[i], p.doc);
        all = at[i] < lists[i]->size() && (*lists[i])[at[i]].doc == p.doc;
        if (all) fs[i] = 4.0 * (*lists[i])[at[i]].tt + 1.0 * (*lists[i])[at[i]].tx;
      }
      if (!all) continue;
      double score = 0.0;
      for (size_t i = 0; i < k; ++i) score += term_score(idf[i], fs[i], p.doc);
      matches.push_back({p.doc, -score});
    }
  }
  // The exact score of one match, for the candidates of a query with phrases: f of every
  // phrase counted in the document's own tokens (the tokenizer FTS5 indexed it with, document
  // mode: a phrase occurs at position i when each of its words is one of the tokens at i + j,
  // stem or colocated surface, within one column; each occurrence adds its column's weight),
  // which is what FTS5's instances give bm25. Asking FTS5 instead (sagsindeks_freqs with MATCH
  // and rowid = ?) stepped the words' doclists from their start, in every segment: ~0.6 M
  // instructions a candidate for "kære borgmester" on 200 000 documents, against ~0.1 M here.
  // A document without an occurrence means FTS5 and the postings disagree: SQLITE_CORRUPT.
  std::vector<std::string> uterms;
  std::vector<std::vector<uint32_t>> phrase_ids(q.phrases.size());
  for (size_t i = 0; i < q.phrases.size(); ++i)
    for (const auto& t : q.phrases[i].terms) {
      auto it = std::find(uterms.begin(), uterms.end(), t);
      phrase_ids[i].push_back(static_cast<uint32_t>(it - uterms.begin()));
      if (it == uterms.end()) uterms.push_back(t);
    }
  Stmt doc_text(db_, "SELECT title, text FROM documents WHERE id = ?");
  std::unique_ptr<DanishTokenizer> own_tok;
  std::vector<uint64_t> masks;  // per position: which query words are among its tokens
  auto exact_score = [&](uint32_t doc, double& out) -> int {
    if (uterms.size() > 64) return SQLITE_CORRUPT;  // (not a query anyone types) FTS5 answers
    if (!tok_ && !own_tok) own_tok = std::make_unique<DanishTokenizer>();
    DanishTokenizer& tk = tok_ ? *tok_ : *own_tok;
    doc_text.reset();
    sqlite3_bind_int64(doc_text.st, 1, doc);
    int rc = sqlite3_step(doc_text.st);
    if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;
    std::vector<double> fr(q.phrases.size(), 0.0);
    for (int col = 0; col < 2; ++col) {
      const double weight = col == 0 ? 4.0 : 1.0;  // bm25(documents_fts, 4.0, 1.0)
      const auto* txt = reinterpret_cast<const char*>(sqlite3_column_text(doc_text.st, col));
      if (!txt) continue;
      std::string_view text(txt, static_cast<size_t>(sqlite3_column_bytes(doc_text.st, col)));
      masks.clear();
      tk.tokenize(text, TokenMode::document, [&](const Token& k) {
        if (!k.colocated || masks.empty()) masks.push_back(0);
        for (size_t u = 0; u < uterms.size(); ++u)
          if (k.text == uterms[u]) masks.back() |= uint64_t{1} << u;
        return 0;
      });
      for (size_t p = 0; p < q.phrases.size(); ++p) {
        const auto& ids = phrase_ids[p];
        for (size_t i = 0; i + ids.size() <= masks.size(); ++i) {
          bool all = true;
          for (size_t j = 0; j < ids.size() && all; ++j) all = (masks[i + j] >> ids[j]) & 1;
          if (all) fr[p] += weight;
        }
      }
    }
    for (double x : fr)
      if (x == 0.0) return SQLITE_CORRUPT;
    double score = 0.0;
    for (size_t i = 0; i < fr.size(); ++i) score += term_score(idf[i], fr[i], doc);
    out = -1.0 * score;
    return SQLITE_OK;
  };
  if (bounded && doc_text.rc != SQLITE_OK) return err(doc_text.rc);

  // Filters: ok (in the norms), then cards, dates and facts as asked.
  bool carded = !f.types.empty() || want_facets;
  std::vector<uint8_t> hit_blocks(nblocks, 0);
  for (const auto& m : matches) hit_blocks[static_cast<size_t>(m.id) >> kBlockShift] = 1;
  if (carded) {
    c.type.alloc(c.size);
    c.year.alloc(c.size);
    if (int rc = c.load(kCard, hit_blocks)) return err(rc);
  }
  if (dated) {
    c.date.alloc(c.size);
    if (int rc = c.load(kDate, hit_blocks)) return err(rc);
  }
  std::vector<uint8_t> allowed;  // from fact filters, when any
  if (fact_ids) {
    allowed.assign(c.size, 0);
    for (int64_t id : *fact_ids)
      if (id >= 0 && id < static_cast<int64_t>(c.size)) allowed[static_cast<size_t>(id)] = 1;
  }
  size_t kept = 0;
  for (const auto& m : matches) {
    auto d = static_cast<uint32_t>(m.id);
    if (!(c.len[d] & kOkBit)) continue;
    if (!f.types.empty() && std::find(types.begin(), types.end(), c.type[d]) == types.end()) continue;
    if (dated) {
      if (c.date[d] == kDateNotIso) return AccelResult{};  // compared as text by SQL: FTS5's path
      if (c.date[d] == 0 || c.date[d] < from || c.date[d] > to) continue;
    }
    if (fact_ids && !allowed[d]) continue;
    matches[kept++] = m;
  }
  matches.resize(kept);
  r.total = static_cast<int64_t>(kept);

  if (want_facets) {
    c.moff.assign(nblocks, {});
    c.mval.assign(nblocks, {});
    if (int rc = c.load(kMunis, hit_blocks)) return err(rc);
    std::vector<int64_t> nt(names[kType].size() + 1, 0), ny(names[kYear].size() + 1, 0),
        nm(names[kMunicipality].size() + 1, 0);
    for (const auto& m : matches) {
      auto d = static_cast<uint32_t>(m.id);
      ++nt[std::min<size_t>(c.type[d], nt.size() - 1)];
      ++ny[std::min<size_t>(c.year[d], ny.size() - 1)];
      const auto& off = c.moff[d >> kBlockShift];
      if (off.empty()) continue;
      const auto& val = c.mval[d >> kBlockShift];
      uint32_t slot = d & (kBlockSize - 1);
      for (uint32_t j = off[slot]; j < off[slot + 1]; ++j) ++nm[std::min<size_t>(val[j], nm.size() - 1)];
    }
    r.facets = facets_of(nt, ny, nm, r.total);
  }

  auto better = [](const AccelHit& a, const AccelHit& b) { return a.score < b.score || (a.score == b.score && a.id < b.id); };
  if (bounded && limit > 0 && offset < matches.size()) {
    // Candidates by their bound (a bound is never below the exact score's magnitude); settle
    // exact scores in that order until the page's last exact score beats the next bound.
    const size_t want = std::min(matches.size(), offset + limit);
    // Candidates popped best bound first from a heap (O(n) to build, O(log n) a pop): only the
    // few that settle the page are ordered.
    auto worse = [&](const AccelHit& a, const AccelHit& b) { return better(b, a); };
    std::make_heap(matches.begin(), matches.end(), worse);
    auto heap_end = matches.end();
    std::vector<AccelHit> settled;
    while (heap_end != matches.begin()) {
      std::pop_heap(matches.begin(), heap_end, worse);
      --heap_end;
      const AccelHit cand = *heap_end;
      if (settled.size() >= want) {
        std::nth_element(settled.begin(), settled.begin() + static_cast<long>(want - 1), settled.end(), better);
        const AccelHit& last = settled[want - 1];
        if (better(last, cand)) break;  // every later match scores no better than its bound
      }
      AccelHit h{cand.id, 0};
      if (int rc = exact_score(static_cast<uint32_t>(h.id), h.score)) {
        if (rc == SQLITE_CORRUPT) return AccelResult{};  // FTS5 disagrees: let FTS5 answer
        return err(rc);
      }
      settled.push_back(h);
    }
    std::sort(settled.begin(), settled.end(), better);
    settled.resize(std::min(settled.size(), want));
    r.page.assign(settled.begin() + static_cast<long>(std::min(offset, settled.size())), settled.end());
  } else if (limit > 0 && offset < matches.size()) {
    // The best `end` in one pass with a heap (worst on top): most matches lose one comparison
    // with the heap's worst, instead of partitioning every match.
    size_t end = std::min(matches.size(), offset + limit);
    std::vector<AccelHit> heap(matches.begin(), matches.begin() + static_cast<long>(end));
    std::make_heap(heap.begin(), heap.end(), better);
    for (size_t i = end; i < matches.size(); ++i)
      if (better(matches[i], heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), better);
        heap.back() = matches[i];
        std::push_heap(heap.begin(), heap.end(), better);
      }
    std::sort(heap.begin(), heap.end(), better);
    r.page.assign(heap.begin() + static_cast<long>(offset), heap.end());
  }
  return r;
}

}  // namespace sagsindeks
