// The search accelerator: postings and per-document columns beside FTS5 (see postings.h).
#include "index/postings.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstring>
#include <unordered_set>

#include "index/store.h"
#include "index/tokenizer.h"

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

void put_varint(std::string& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Returns false on a truncated varint (a damaged row).
inline bool get_varint(const unsigned char*& p, const unsigned char* end, uint32_t& v) {
  v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (p >= end) return false;
    unsigned char c = *p++;
    v |= static_cast<uint32_t>(c & 0x7F) << shift;
    if (!(c & 0x80)) return true;
  }
  return false;
}

struct Entry {
  uint32_t doc, tt, tx;  // id, occurrences in the title, in the text
};

// Row format: per entry varint(id - previous id), varint(tx << 1 | title?), [varint(tt)].
void encode(const std::vector<Entry>& es, std::string& out) {
  out.clear();
  uint32_t prev = 0;
  for (const auto& e : es) {
    put_varint(out, e.doc - prev);
    prev = e.doc;
    put_varint(out, (e.tx << 1) | (e.tt ? 1u : 0u));
    if (e.tt) put_varint(out, e.tt);
  }
}

template <class F>
bool decode(const void* data, int bytes, F&& fn) {
  const auto* p = static_cast<const unsigned char*>(data);
  const auto* end = p + bytes;
  uint32_t doc = 0;
  while (p < end) {
    uint32_t d, x, t = 0;
    if (!get_varint(p, end, d) || !get_varint(p, end, x)) return false;
    if ((x & 1) && !get_varint(p, end, t)) return false;
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

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct SvEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
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

struct PostingsWriter::Impl {
  sqlite3* db;
  DanishTokenizer tok;
  bool loaded = false;
  bool disabled = false;
  int64_t generation = 0;  // last written

  std::unordered_map<std::string, uint32_t, SvHash, SvEq> term_index;
  std::vector<std::pair<std::string, std::vector<Entry>>> pend;
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
  std::unordered_set<std::string, SvHash, SvEq> surfaces_seen;
  std::vector<std::string> new_surfaces;

  explicit Impl(sqlite3* d) : db(d) {}

  int load() {
    if (loaded) return SQLITE_OK;
    {
      Stmt st(db, "SELECT key, value FROM meta WHERE key IN ('search_generation', 'search_disabled')");
      if (st.rc != SQLITE_OK) return st.rc;
      while (sqlite3_step(st.st) == SQLITE_ROW) {
        std::string k = reinterpret_cast<const char*>(sqlite3_column_text(st.st, 0));
        if (k == "search_generation") generation = sqlite3_column_int64(st.st, 1);
        else disabled = sqlite3_column_int64(st.st, 1) != 0;
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
    Stmt st(db, "SELECT col, data FROM search_columns WHERE block = ?");
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
    auto column = [&](const std::string* s, bool title) {
      if (!s || s->empty()) return;
      tok.tokenize(*s, TokenMode::document, [&](const Token& k) {
        if (k.colocated) {
          if (!surfaces_seen.count(k.text)) {
            surfaces_seen.emplace(k.text);
            new_surfaces.emplace_back(k.text);
          }
          return 0;
        }
        ++len;
        auto it = term_index.find(k.text);
        uint32_t ti;
        if (it == term_index.end()) {
          ti = static_cast<uint32_t>(pend.size());
          pend.emplace_back(std::string(k.text), std::vector<Entry>{});
          term_index.emplace(std::string(k.text), ti);
        } else {
          ti = it->second;
        }
        auto& es = pend[ti].second;
        if (es.empty() || es.back().doc != id) es.push_back({id, 0, 0});
        ++(title ? es.back().tt : es.back().tx);
        return 0;
      });
    };
    column(d.title, true);
    column(d.text, false);
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
    b->ver[slot] = b->len[slot] = b->date[slot] = 0;
    b->ok[slot] = 0;
    b->type[slot] = b->year[slot] = 0;
    b->munis[slot].clear();
    b->dirty = true;
    return SQLITE_OK;
  }

  // The generation an id's entries must carry to be current (0: none).
  uint32_t ver_of(uint32_t id, int& rc) {
    Block* b = block(id >> kBlockShift, rc);
    return b ? b->ver[id & (kBlockSize - 1)] : 0;
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
      std::vector<uint32_t> order(pend.size());
      for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return pend[a].first < pend[b].first; });
      Stmt last(db, "SELECT hi, lo, n, data FROM search_postings WHERE term = ? ORDER BY hi DESC LIMIT 1");
      Stmt del(db, "DELETE FROM search_postings WHERE term = ? AND hi = ?");
      Stmt ins(db, "INSERT INTO search_postings(term, hi, lo, n, data) VALUES (?, ?, ?, ?, ?)");
      for (Stmt* s : {&last, &del, &ins})
        if (s->rc != SQLITE_OK) return s->rc;
      std::string blob;
      std::vector<Entry> merged;
      for (uint32_t i : order) {
        const std::string& term = pend[i].first;
        std::vector<Entry>& fresh = pend[i].second;
        int64_t lo = g;
        last.reset();
        sqlite3_bind_text(last.st, 1, term.data(), static_cast<int>(term.size()), SQLITE_STATIC);
        rc = sqlite3_step(last.st);
        if (rc == SQLITE_ROW && sqlite3_column_int64(last.st, 2) < kRowEntries) {
          // Extend the term's last row: keep its entries that are still current and not
          // rewritten in this batch, so that its range may grow to g (postings.h, invariant).
          int64_t hi = sqlite3_column_int64(last.st, 0);
          lo = sqlite3_column_int64(last.st, 1);
          merged.clear();
          int vrc = SQLITE_OK;
          bool ok = decode(sqlite3_column_blob(last.st, 3), sqlite3_column_bytes(last.st, 3),
                           [&](uint32_t doc, uint32_t tt, uint32_t tx) {
                             if (batch_docs.count(doc)) return;
                             uint32_t v = ver_of(doc, vrc);
                             if (v >= lo && v <= hi) merged.push_back({doc, tt, tx});
                           });
          if (vrc != SQLITE_OK) return vrc;
          if (!ok) return SQLITE_CORRUPT;
          last.reset();
          del.reset();
          sqlite3_bind_text(del.st, 1, term.data(), static_cast<int>(term.size()), SQLITE_STATIC);
          sqlite3_bind_int64(del.st, 2, hi);
          if ((rc = sqlite3_step(del.st)) != SQLITE_DONE) return rc;
          merged.insert(merged.end(), fresh.begin(), fresh.end());
          std::sort(merged.begin(), merged.end(), [](const Entry& a, const Entry& b) { return a.doc < b.doc; });
          encode(merged, blob);
          fresh.swap(merged);
        } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
          return rc;
        } else {
          std::sort(fresh.begin(), fresh.end(), [](const Entry& a, const Entry& b) { return a.doc < b.doc; });
          encode(fresh, blob);
        }
        last.reset();
        ins.reset();
        sqlite3_bind_text(ins.st, 1, term.data(), static_cast<int>(term.size()), SQLITE_STATIC);
        sqlite3_bind_int64(ins.st, 2, g);
        sqlite3_bind_int64(ins.st, 3, lo);
        sqlite3_bind_int64(ins.st, 4, static_cast<int64_t>(fresh.size()));
        sqlite3_bind_blob(ins.st, 5, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
        if ((rc = sqlite3_step(ins.st)) != SQLITE_DONE) return rc;
      }
    }
    {
      Stmt put(db, "INSERT OR REPLACE INTO search_columns(col, block, data) VALUES (?, ?, ?)");
      if (put.rc != SQLITE_OK) return put.rc;
      std::string buf;
      auto write = [&](int col, uint32_t b) {
        put.reset();
        sqlite3_bind_int(put.st, 1, col);
        sqlite3_bind_int64(put.st, 2, b);
        sqlite3_bind_blob(put.st, 3, buf.data(), static_cast<int>(buf.size()), SQLITE_STATIC);
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
      Stmt st(db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('search_generation', ?)");
      if (st.rc != SQLITE_OK) return st.rc;
      sqlite3_bind_int64(st.st, 1, g);
      if ((rc = sqlite3_step(st.st)) != SQLITE_DONE) return rc;
    }
    generation = g;
    pend.clear();
    term_index.clear();
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
                        "'search_disabled');",
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
    if (++docs % 1000 == 0 || bytes > (64u << 20)) {
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

// Every column block of one kind, into arrays indexed by document id.
struct Columns {
  uint32_t size = 0;  // ids [0, size)
  std::vector<uint32_t> ver, len;  // len holds kOkBit
  std::vector<uint8_t> ok;
  std::vector<uint16_t> type, year;
  std::vector<uint32_t> date;
  std::vector<uint32_t> moff;  // per id: [moff[id], moff[id + 1]) into mval
  std::vector<uint16_t> mval;
};

int max_block(sqlite3* db, int64_t& out) {
  Stmt st(db, "SELECT max(block) FROM search_columns WHERE col = 0");
  if (st.rc != SQLITE_OK) return st.rc;
  int rc = sqlite3_step(st.st);
  if (rc != SQLITE_ROW) return rc;
  out = sqlite3_column_type(st.st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st.st, 0);
  return SQLITE_OK;
}

int load_col(sqlite3* db, int col, Columns& c) {
  Stmt st(db, "SELECT block, data FROM search_columns WHERE col = ?");
  if (st.rc != SQLITE_OK) return st.rc;
  sqlite3_bind_int(st.st, 1, col);
  int rc;
  if (col == kMunis) {
    c.moff.assign(static_cast<size_t>(c.size) + 1, 0);
    c.mval.clear();
  }
  // Blocks come in block order (the primary key), so the municipality lists append in id order.
  uint32_t filled = 0;  // moff is filled for ids below this
  while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
    int64_t b = sqlite3_column_int64(st.st, 0);
    const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st.st, 1));
    size_t n = static_cast<size_t>(sqlite3_column_bytes(st.st, 1));
    if (b < 0 || static_cast<uint64_t>(b + 1) * kBlockSize > c.size) continue;
    size_t base = static_cast<size_t>(b) * kBlockSize;
    if (col == kNorms) {
      if (n != kBlockSize * 8) return SQLITE_CORRUPT;
      std::memcpy(&c.ver[base], p, kBlockSize * 4);
      std::memcpy(&c.len[base], p + kBlockSize * 4, kBlockSize * 4);
    } else if (col == kCard) {
      if (n != kBlockSize * 5) return SQLITE_CORRUPT;
      std::memcpy(&c.type[base], p + kBlockSize, kBlockSize * 2);
      std::memcpy(&c.year[base], p + kBlockSize * 3, kBlockSize * 2);
    } else if (col == kDate) {
      if (n != kBlockSize * 4) return SQLITE_CORRUPT;
      std::memcpy(&c.date[base], p, kBlockSize * 4);
    } else if (col == kMunis) {
      if (n < (kBlockSize + 1) * 4) return SQLITE_CORRUPT;
      std::vector<uint32_t> off(kBlockSize + 1);
      std::memcpy(off.data(), p, off.size() * 4);
      size_t nv = (n - off.size() * 4) / 2;
      if (off[kBlockSize] > nv) return SQLITE_CORRUPT;
      auto start = static_cast<uint32_t>(c.mval.size());
      for (uint32_t i = filled; i <= base; ++i) c.moff[i] = start;  // ids of absent blocks: none
      c.mval.resize(start + off[kBlockSize]);
      std::memcpy(c.mval.data() + start, p + off.size() * 4, off[kBlockSize] * 2);
      for (uint32_t i = 0; i < kBlockSize; ++i) c.moff[base + i] = start + std::min(off[i], off[kBlockSize]);
      filled = static_cast<uint32_t>(base + kBlockSize);
    }
  }
  if (col == kMunis)
    for (uint32_t i = filled; i <= c.size; ++i) c.moff[i] = static_cast<uint32_t>(c.mval.size());
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

struct Posting {
  uint32_t doc;
  double f;  // 4 × title + text occurrences, FTS5's aFreq
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
  {
    Stmt st(db_, "SELECT value FROM meta WHERE key = 'search_disabled'");
    if (st.rc != SQLITE_OK) return err(st.rc);
    if (sqlite3_step(st.st) == SQLITE_ROW && sqlite3_column_int(st.st, 0) != 0) return r;
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
  {
    int64_t mb = -1;
    if (int rc = max_block(db_, mb)) return err(rc);
    c.size = static_cast<uint32_t>((mb + 1) * kBlockSize);
  }
  c.ver.assign(c.size, 0);
  c.len.assign(c.size, 0);
  if (int rc = load_col(db_, kNorms, c)) return err(rc);
  int64_t nrow = 0, ntok = 0;
  for (uint32_t i = 0; i < c.size; ++i)
    if (c.ver[i]) {
      ++nrow;
      ntok += c.len[i] & ~kOkBit;
    }
  r.used = true;
  if (nrow == 0) {
    if (want_facets) r.facets = AccelFacets{};
    return r;
  }
  const double avgdl = static_cast<double>(ntok) / static_cast<double>(nrow);

  // Postings of each term, current entries only: (id, title count, text count).
  std::unordered_map<std::string, std::vector<Entry>> postings;
  {
    Stmt st(db_, "SELECT lo, hi, data FROM search_postings WHERE term = ?");
    if (st.rc != SQLITE_OK) return err(st.rc);
    for (const auto& t : q.terms()) {
      if (postings.count(t)) continue;
      auto& out = postings[t];
      st.reset();
      sqlite3_bind_text(st.st, 1, t.data(), static_cast<int>(t.size()), SQLITE_STATIC);
      int rc;
      while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
        auto lo = static_cast<uint32_t>(sqlite3_column_int64(st.st, 0));
        auto hi = static_cast<uint32_t>(sqlite3_column_int64(st.st, 1));
        bool ok = decode(sqlite3_column_blob(st.st, 2), sqlite3_column_bytes(st.st, 2),
                         [&](uint32_t doc, uint32_t tt, uint32_t tx) {
                           if (doc < c.size && c.ver[doc] >= lo && c.ver[doc] <= hi) out.push_back({doc, tt, tx});
                         });
        if (!ok) return Error{"corrupt", "search accelerator: a damaged postings row (run 'sagsindeks check --reindex')"};
      }
      if (rc != SQLITE_DONE) return err(rc);
    }
  }
  // Per phrase: its matches with f(p, D), exact for a word, an upper bound for a longer phrase.
  std::vector<std::vector<Posting>> lists(q.phrases.size());
  bool bounded = false;  // some f is only a bound: the page is settled by exact_freqs below
  for (size_t i = 0; i < q.phrases.size(); ++i) {
    const auto& ph = q.phrases[i];
    auto& out = lists[i];
    if (ph.terms.size() == 1) {
      for (const auto& e : postings[ph.terms[0]]) out.push_back({e.doc, 4.0 * e.tt + 1.0 * e.tx});
      continue;
    }
    bounded = true;
    std::vector<uint32_t> mt(c.size, 0xFFFFFFFFu), mx(c.size, 0xFFFFFFFFu);
    for (const auto& t : ph.terms)
      for (const auto& e : postings[t]) {
        mt[e.doc] = std::min(mt[e.doc], e.tt);
        mx[e.doc] = std::min(mx[e.doc], e.tx);
      }
    Stmt st(db_, "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?");
    if (st.rc != SQLITE_OK) return err(st.rc);
    sqlite3_bind_text(st.st, 1, ph.fts.data(), static_cast<int>(ph.fts.size()), SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
      int64_t id = sqlite3_column_int64(st.st, 0);
      // FTS5 and the postings disagree (a damaged index): FTS5's path must answer.
      if (id < 0 || id >= static_cast<int64_t>(c.size) || mt[static_cast<size_t>(id)] == 0xFFFFFFFFu) return AccelResult{};
      auto d = static_cast<uint32_t>(id);
      out.push_back({d, 4.0 * mt[d] + 1.0 * mx[d]});
    }
    if (rc != SQLITE_DONE) return err(rc);
  }

  // Scores, in query order as FTS5 sums them; a document matches when every phrase holds it.
  const double k1 = 1.2, b = 0.75;
  auto term_score = [&](double idf, double freq, uint32_t doc) {
    double D = static_cast<double>(c.len[doc] & ~kOkBit);
    return idf * ((freq * (k1 + 1.0)) / (freq + k1 * (1 - b + b * D / avgdl)));
  };
  std::vector<double> idf(q.phrases.size());
  for (size_t i = 0; i < q.phrases.size(); ++i) {
    auto n = static_cast<double>(lists[i].size());
    double v = std::log((static_cast<double>(nrow) - n + 0.5) / (n + 0.5));
    idf[i] = v <= 0.0 ? 1e-6 : v;
  }
  std::vector<AccelHit> matches;
  if (q.phrases.size() == 1) {
    matches.reserve(lists[0].size());
    for (const auto& p : lists[0]) matches.push_back({p.doc, -(0.0 + term_score(idf[0], p.f, p.doc))});
  } else {
    std::vector<double> acc(c.size, 0.0);
    std::vector<uint8_t> seen(c.size, 0);
    const size_t k = q.phrases.size();
    for (size_t i = 0; i < k; ++i) {
      auto want = static_cast<uint8_t>(i);
      for (const auto& p : lists[i])
        if (seen[p.doc] == want) {
          seen[p.doc] = static_cast<uint8_t>(i + 1);
          acc[p.doc] += term_score(idf[i], p.f, p.doc);
        }
    }
    for (const auto& p : lists[k - 1])
      if (seen[p.doc] == k) matches.push_back({p.doc, -acc[p.doc]});
  }
  // The exact score of one match, f of every phrase from FTS5 (sagsindeks_freqs: bm25's own
  // count), for the candidates of a query with phrases. ~0.05 ms a row (a seek per term).
  Stmt exact(db_, "SELECT sagsindeks_freqs(documents_fts, 4.0, 1.0) FROM documents_fts WHERE documents_fts MATCH ? "
                  "AND rowid = ?");
  std::string whole;
  for (const auto& ph : q.phrases) whole += (whole.empty() ? "" : " ") + ph.fts;
  auto exact_score = [&](uint32_t doc, double& out) -> int {
    exact.reset();
    sqlite3_bind_text(exact.st, 1, whole.data(), static_cast<int>(whole.size()), SQLITE_STATIC);
    sqlite3_bind_int64(exact.st, 2, doc);
    int rc = sqlite3_step(exact.st);
    if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;
    if (static_cast<size_t>(sqlite3_column_bytes(exact.st, 0)) != q.phrases.size() * sizeof(double)) return SQLITE_CORRUPT;
    std::vector<double> fr(q.phrases.size());
    std::memcpy(fr.data(), sqlite3_column_blob(exact.st, 0), fr.size() * sizeof(double));
    double score = 0.0;
    for (size_t i = 0; i < fr.size(); ++i) score += term_score(idf[i], fr[i], doc);
    out = -1.0 * score;
    return SQLITE_OK;
  };
  if (bounded && exact.rc != SQLITE_OK) return err(exact.rc);

  // Filters: ok (in the norms), then cards, dates and facts as asked.
  bool carded = !types.empty() || !f.types.empty() || want_facets;
  if (carded) {
    c.ok.assign(c.size, 0);
    c.type.assign(c.size, 0);
    c.year.assign(c.size, 0);
    if (int rc = load_col(db_, kCard, c)) return err(rc);
  }
  if (dated) {
    c.date.assign(c.size, 0);
    if (int rc = load_col(db_, kDate, c)) return err(rc);
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
    c.moff.clear();
    if (int rc = load_col(db_, kMunis, c)) return err(rc);
    std::vector<int64_t> nt(names[kType].size() + 1, 0), ny(names[kYear].size() + 1, 0),
        nm(names[kMunicipality].size() + 1, 0);
    for (const auto& m : matches) {
      auto d = static_cast<uint32_t>(m.id);
      ++nt[std::min<size_t>(c.type[d], nt.size() - 1)];
      ++ny[std::min<size_t>(c.year[d], ny.size() - 1)];
      for (uint32_t j = c.moff[d]; j < c.moff[d + 1]; ++j) ++nm[std::min<size_t>(c.mval[j], nm.size() - 1)];
    }
    AccelFacets fc;
    fc.total = r.total;
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
    r.facets = std::move(fc);
  }

  auto better = [](const AccelHit& a, const AccelHit& b) { return a.score < b.score || (a.score == b.score && a.id < b.id); };
  if (bounded && limit > 0 && offset < matches.size()) {
    // Candidates by their bound (a bound is never below the exact score's magnitude); settle
    // exact scores in that order until the page's last exact score beats the next bound.
    const size_t want = std::min(matches.size(), offset + limit);
    std::sort(matches.begin(), matches.end(), better);
    std::vector<AccelHit> settled;
    for (size_t i = 0; i < matches.size(); ++i) {
      if (settled.size() >= want) {
        std::nth_element(settled.begin(), settled.begin() + static_cast<long>(want - 1), settled.end(), better);
        const AccelHit& last = settled[want - 1];
        if (better(last, matches[i])) break;  // every later match scores no better than its bound
      }
      AccelHit h{matches[i].id, 0};
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
    size_t end = std::min(matches.size(), offset + limit);
    if (end < matches.size()) std::nth_element(matches.begin(), matches.begin() + static_cast<long>(end), matches.end(), better);
    std::sort(matches.begin(), matches.begin() + static_cast<long>(end), better);
    r.page.assign(matches.begin() + static_cast<long>(offset), matches.begin() + static_cast<long>(end));
  }
  return r;
}

}  // namespace sagsindeks
