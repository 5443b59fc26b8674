// The Danish FTS5 tokenizer: ICU word breaks over UTF-8, ICU lower-casing, Snowball Danish stems.
#include "index/tokenizer.h"
#include "index/hash.h"
#include "index/varint.h"

#include <libstemmer.h>
#include <sqlite3.h>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/ubrk.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

namespace sagsindeks {

namespace {

// Longer "words" are base64, hashes or line noise: not worth indexing.
constexpr int kMaxTokenBytes = 120;

// Lower-cases ASCII and the Latin-1 letters (two-byte UTF-8 C3 80..C3 BF: æ ø å é ü ...)
// without ICU; returns false, leaving `out` unspecified, for anything else (other scripts,
// combining marks that NFC must compose, ß-like special cases stay as they are: their lower case
// is themselves). ICU's UnicodeString round trip (convert, lower, NFC check, convert back) was
// ~14 % of the tokenizer's profile, for every capitalised word; this is one pass over the bytes.
bool fold_latin1(std::string_view s, std::string& out) {
  out.resize(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      continue;
    }
    if (c != 0xC3 || i + 1 >= s.size()) return false;
    unsigned char d = static_cast<unsigned char>(s[i + 1]);
    if (d < 0x80 || d > 0xBF) return false;
    // U+00C0..U+00DE are upper case (but U+00D7 ×); their lower case is 0x20 above. U+00DF ß
    // and the lower-case half map to themselves.
    if (d >= 0x80 && d <= 0x9E && d != 0x97) d = static_cast<unsigned char>(d + 0x20);
    out[i] = static_cast<char>(c);
    out[i + 1] = static_cast<char>(d);
    ++i;
  }
  return true;
}

void fold_case_into(std::string_view utf8, std::string& out) {
  if (fold_latin1(utf8, out)) return;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  u.toLower(icu::Locale::getRoot());
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  if (U_SUCCESS(st) && !nfc->isNormalized(u, st)) {
    st = U_ZERO_ERROR;
    icu::UnicodeString n = nfc->normalize(u, st);
    if (U_SUCCESS(st)) u = n;
  }
  out.clear();
  u.toUTF8String(out);
}

}  // namespace

std::string fold_case(std::string_view utf8) {
  std::string out;
  fold_case_into(utf8, out);
  return out;
}

struct DanishTokenizer::Impl {
  std::unique_ptr<icu::BreakIterator> words;
  sb_stemmer* stemmer = nullptr;
  std::string folded;
  UText* ut = nullptr;  // reopened over each piece ICU segments
  bool icu_only = false;
  // Open addressing of (hash, number) over entries kept in a vector beside it: one probe and one
  // compare a hit. At most half full; rebuilt from the entries when it would be more.
  struct FlatIndex {
    struct Slot {
      uint32_t hash, id;  // id 0: empty, else the entry's index + 1
    };
    std::vector<Slot> slots;
    size_t mask = 0;
    // The number (index + 1) of the entry with hash h for which same(index) holds; 0 if none.
    template <class Same>
    uint32_t find(uint32_t h, Same same) const {
      if (slots.empty()) return 0;
      for (size_t i = h & mask;; i = (i + 1) & mask) {
        const Slot& x = slots[i];
        if (x.id == 0) return 0;
        if (x.hash == h && same(x.id - 1)) return x.id;
      }
    }
    // Entry `id` (the last of `count`) was just appended with hash h; hash_of(k) rehashes entry k
    // when the table has to grow.
    template <class HashOf>
    void add(uint32_t h, uint32_t id, size_t count, HashOf hash_of) {
      if (count * 2 > slots.size()) {
        size_t n = std::max<size_t>(4096, slots.size());
        while (count * 2 > n) n *= 2;
        slots.assign(n, Slot{0, 0});
        mask = n - 1;
        for (uint32_t k = 0; k < id; ++k) place(hash_of(k), k);
      }
      place(h, id);
    }
    void place(uint32_t h, uint32_t id) {
      size_t i = h & mask;
      while (slots[i].id != 0) i = (i + 1) & mask;
      slots[i] = Slot{h, id + 1};
    }
    void clear() {
      slots.clear();
      mask = 0;
    }
  };
  // Word as written → its lower-cased surface form and stem. Letters repeat their words (Zipf):
  // most tokens hit the cache and skip both folding and the Snowball run. An open-addressing
  // table of (hash, number) over a flat array of entries: one probe and one string compare a
  // hit, where std::unordered_map<std::string, std::string> took a modulo per chain node and
  // two or three cache misses (the stem lookup was ~40 % of the tokenizer's profile). Cleared
  // when it reaches kMaxWords entries, so a tokenizer never holds more than a few MB however
  // much it has read.
  struct Word {
    std::string raw, surface, stem;
    uint32_t surface_id = 0, stem_id = 0;  // intern() numbers
    bool stem_is_surface = false;          // no colocated surface token (compared once, here)
  };
  std::vector<Word> cache;
  FlatIndex words_index;  // over cache, by raw
  static constexpr size_t kMaxWords = 1 << 16;
  // Token texts → numbers (DanishTokenizer::intern), emptied with the cache.
  std::vector<std::string> texts;
  FlatIndex texts_index;  // over texts
  uint32_t epoch = 0;
  uint32_t intern(std::string_view s) {
    uint32_t h = hash(s);
    if (uint32_t id = texts_index.find(h, [&](uint32_t k) { return texts[k] == s; })) return id;
    texts.emplace_back(s);
    const auto id = static_cast<uint32_t>(texts.size() - 1);
    texts_index.add(h, id, texts.size(), [&](uint32_t k) { return hash(texts[k]); });
    return id + 1;
  }
  // At the start of a tokenize call only (see term_epoch): a full cache starts again, and the
  // numbers with it. Bounds the memory to ~kMaxWords words plus one call's new words.
  void start_call() {
    if (cache.size() < kMaxWords && texts.size() < 2 * kMaxWords) return;
    cache.clear();
    words_index.clear();
    texts.clear();
    texts_index.clear();
    ++epoch;
  }
  static uint32_t hash(std::string_view s) { return short_hash(s); }
  // The surface form and stem of a word of letters, or null when the stemmer fails (out of
  // memory): the caller then indexes the surface form.
  const Word* stemmed(std::string_view raw) {
    uint32_t h = hash(raw);
    if (uint32_t id = words_index.find(h, [&](uint32_t k) { return cache[k].raw == raw; })) return &cache[id - 1];
    fold_case_into(raw, folded);
    const sb_symbol* st = sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(folded.data()),
                                          static_cast<int>(folded.size()));
    if (!st) return nullptr;
    Word w{std::string(raw), folded,
           std::string(reinterpret_cast<const char*>(st), static_cast<size_t>(sb_stemmer_length(stemmer)))};
    w.surface_id = intern(w.surface);
    w.stem_id = w.stem.empty() ? 0 : intern(w.stem);
    w.stem_is_surface = w.stem == w.surface;
    cache.push_back(std::move(w));
    words_index.add(h, static_cast<uint32_t>(cache.size() - 1), cache.size(), [&](uint32_t k) { return hash(cache[k].raw); });
    return &cache.back();
  }
  ~Impl() {
    if (ut) utext_close(ut);
    if (stemmer) sb_stemmer_delete(stemmer);
  }
};

DanishTokenizer::DanishTokenizer(Segmenter seg) : impl_(std::make_unique<Impl>()) {
  UErrorCode st = U_ZERO_ERROR;
  impl_->words.reset(icu::BreakIterator::createWordInstance(icu::Locale("da"), st));
  if (U_FAILURE(st)) impl_->words.reset();
  impl_->stemmer = sb_stemmer_new("danish", "UTF_8");
  impl_->icu_only = seg == Segmenter::icu;
}

DanishTokenizer::~DanishTokenizer() = default;

namespace {

// Word-break classes (Unicode UAX #29) of the bytes the fast path handles itself.
enum class Wb : unsigned char { other, letter, number, mid_num_let, mid_num, space, hard };

// ASCII by table; 0xC3 leads a Latin-1 letter (checked with its second byte). `hard` marks bytes
// whose word-break rules the fast path leaves to ICU: ':' (MidLetter in some locales), '_', '@'
// (ExtendNumLet), control characters, and every other non-ASCII lead byte.
constexpr std::array<Wb, 256> make_classes() {
  std::array<Wb, 256> c{};
  for (int i = 0; i < 256; ++i) c[i] = i < 0x80 ? Wb::other : Wb::hard;
  for (int i = 0; i < 0x20; ++i) c[i] = Wb::hard;
  c[0x7F] = Wb::hard;
  for (int i = 'a'; i <= 'z'; ++i) c[i] = Wb::letter;
  for (int i = 'A'; i <= 'Z'; ++i) c[i] = Wb::letter;
  for (int i = '0'; i <= '9'; ++i) c[i] = Wb::number;
  c['.'] = c['\''] = Wb::mid_num_let;
  c[','] = c[';'] = Wb::mid_num;
  c[':'] = c['_'] = c['@'] = Wb::hard;  // ICU's word rules count '@' a letter (e-mail)
  c[' '] = c['\t'] = c['\n'] = c['\r'] = c['\f'] = c['\v'] = Wb::space;
  c[0xC3] = Wb::letter;  // provisional: see latin1_letter
  return c;
}
constexpr std::array<Wb, 256> kClass = make_classes();

// The same bytes as the scan for a run's end sees them: one table load and one test a plain
// byte (the scan compared each byte's class with space and hard, and the byte with 0xC3).
enum Run : unsigned char { kPlain, kSpace, kLead, kHard };
constexpr std::array<Run, 256> make_runs() {
  std::array<Run, 256> r{};
  for (int i = 0; i < 256; ++i)
    r[i] = kClass[i] == Wb::space ? kSpace : kClass[i] == Wb::hard ? kHard : kPlain;
  r[0xC3] = kLead;
  return r;
}
constexpr std::array<Run, 256> kRun = make_runs();

// The second byte of C3 xx: U+00C0..U+00FF are letters except U+00D7 × and U+00F7 ÷.
bool latin1_letter(unsigned char second) { return second >= 0x80 && second <= 0xBF && second != 0x97 && second != 0xB7; }

}  // namespace

int DanishTokenizer::tokenize(std::string_view text, TokenMode mode, const std::function<int(const Token&)>& sink) {
  return run(text, mode, sink);
}

template <class Sink>
int DanishTokenizer::run(std::string_view text, TokenMode mode, Sink&& sink) {
  if (!impl_->words || text.empty()) return 0;
  impl_->start_call();
  // One word → its tokens (fold, stem, colocated surface); status as ICU's getRuleStatus.
  auto emit = [&](int32_t start, int32_t end, int32_t status) -> int {
    if (status < UBRK_WORD_NONE_LIMIT) return 0;  // spaces and punctuation
    if (end - start > kMaxTokenBytes) return 0;
    std::string_view word = text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
    if (mode == TokenMode::positions) return sink(Token{word, start, end, false});
    bool letters = status >= UBRK_WORD_LETTER && impl_->stemmer;
    const Impl::Word* w = mode == TokenMode::prefix || !letters ? nullptr : impl_->stemmed(word);
    if (!w || w->stem.empty()) {  // not stemmed (the stemmer failed: the surface rather than nothing)
      if (w) return sink(Token{w->surface, start, end, false, w->surface_id});
      fold_case_into(word, impl_->folded);
      return sink(Token{impl_->folded, start, end, false});
    }
    const std::string& surface = w->surface;
    std::string_view stem = w->stem;
    int rc = sink(Token{stem, start, end, false, w->stem_id});
    if (rc || mode != TokenMode::document || w->stem_is_surface) return rc;
    return sink(Token{surface, start, end, true, w->surface_id});
  };
  // ICU over text[from, to): the reference, and the path for anything but plain Latin-1 text.
  auto by_icu = [&](size_t from, size_t to) -> int {
    UErrorCode st = U_ZERO_ERROR;
    impl_->ut = utext_openUTF8(impl_->ut, text.data() + from, static_cast<int64_t>(to - from), &st);
    if (U_FAILURE(st)) return 0;
    impl_->words->setText(impl_->ut, st);
    if (U_FAILURE(st)) return 0;
    int32_t base = static_cast<int32_t>(from);
    int32_t start = impl_->words->first();
    for (int32_t end = impl_->words->next(); end != icu::BreakIterator::DONE; start = end, end = impl_->words->next())
      if (int rc = emit(base + start, base + end, impl_->words->getRuleStatus())) return rc;
    return 0;
  };
  if (impl_->icu_only) return by_icu(0, text.size());

  // The fast path. ICU's word iterator costs ~40 ns a byte (half the tokenizer in the profile);
  // Danish letters are ASCII and Latin-1, whose UAX #29 rules are few: letters and digits join
  // (WB5, WB8-10), '.' and '\'' join letters to letters (WB6-7), '.' '\'' ',' ';' join digits to
  // digits (WB11-12), and white space always breaks. A run between white space holding anything
  // else (':', '_', other scripts, combining marks, soft hyphens, typographic quotes) goes to ICU
  // whole, so the words are exactly ICU's; tests/index/tokenizer_test.cpp compares the two.
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    while (i < n && kRun[b[i]] == kSpace) ++i;
    size_t run = i;
    bool hard = false;
    while (i < n) {
      const Run r = kRun[b[i]];
      if (r == kPlain) {
        ++i;
        continue;
      }
      if (r == kSpace) break;
      if (r == kLead && i + 1 < n && latin1_letter(b[i + 1])) {
        i += 2;
        continue;
      }
      hard = true;  // a hard byte, or 0xC3 not leading a Latin-1 letter
      ++i;
    }
    if (run == i) break;
    if (hard) {
      if (int rc = by_icu(run, i)) return rc;
      continue;
    }
    // A plain run: letters (1 or 2 bytes), digits, ASCII punctuation.
    size_t k = run;
    while (k < i) {
      Wb c = kClass[b[k]];
      if (c != Wb::letter && c != Wb::number) {
        ++k;
        continue;
      }
      size_t start = k;
      bool letter = false;
      Wb prev = c;
      while (k < i) {
        c = kClass[b[k]];
        if (c == Wb::letter) {
          // The letters that follow in one tight loop (most of a word): a 0xC3 in a plain run
          // always leads a Latin-1 letter (the scan above sent any other to ICU).
          letter = true;
          prev = c;
          do k += b[k] == 0xC3 ? 2 : 1;
          while (k < i && kClass[b[k]] == Wb::letter);
          continue;
        }
        if (c == Wb::number) {
          prev = c;
          ++k;
          continue;
        }
        if ((c == Wb::mid_num_let || c == Wb::mid_num) && k + 1 < i) {
          Wb next = kClass[b[k + 1]];
          if ((prev == Wb::letter && next == Wb::letter && c == Wb::mid_num_let) ||
              (prev == Wb::number && next == Wb::number)) {
            ++k;
            continue;
          }
        }
        break;
      }
      if (int rc = emit(static_cast<int32_t>(start), static_cast<int32_t>(k), letter ? UBRK_WORD_LETTER : UBRK_WORD_NUMBER))
        return rc;
    }
  }
  return 0;
}

// ---- Token tapes ------------------------------------------------------------------------------

namespace {

// Tape format, per token: varint(length << 1 | colocated), then for a token that is not colocated
// varint(begin - previous begin) and varint(end - begin), then the token's bytes. A colocated
// token has the offsets of the one before it.
//
// Calls f(text, length, begin, end, colocated) for each token of `tape`; SQLITE_CORRUPT when the
// tape is damaged or its offsets lie outside a text of `size` bytes (then it is not this text's).
template <class F>
int replay_tape(std::string_view tape, size_t size, F&& f) {
  const auto* p = reinterpret_cast<const unsigned char*>(tape.data());
  const auto* end = p + tape.size();
  uint32_t begin = 0, stop = 0;
  while (p < end) {
    uint32_t head = 0, skip = 0, width = 0;
    if (!varint::get(p, end, head)) return SQLITE_CORRUPT;
    if (!(head & 1)) {
      if (!varint::get(p, end, skip) || !varint::get(p, end, width)) return SQLITE_CORRUPT;
      begin += skip;
      stop = begin + width;
      if (stop < begin || stop > size) return SQLITE_CORRUPT;
    }
    uint32_t len = head >> 1;
    if (static_cast<size_t>(end - p) < len) return SQLITE_CORRUPT;
    if (int rc = f(reinterpret_cast<const char*>(p), static_cast<int>(len), static_cast<int>(begin),
                   static_cast<int>(stop), (head & 1) != 0))
      return rc;
    p += len;
  }
  return 0;
}

// The texts and tapes of the live TokenReplay of this thread (the writing thread of an ingest).
thread_local std::vector<std::pair<std::string_view, std::string_view>> t_replay;

}  // namespace

int DanishTokenizer::tokenize_recording(std::string_view utf8, std::string& tape,
                                        const std::function<int(const Token&)>& sink) {
  // The tape is written through a pointer into room made ahead (a token needs at most 15 bytes
  // of head and its text), not by std::string::append per head and text: the appends (calls
  // into libstdc++ with their checks) and the std::function the recorder was called through
  // were ~1/6 of prepare_terms. `tape` is cut to what was written however tokenize ends.
  struct Writer {
    std::string& tape;
    size_t n;
    ~Writer() { tape.resize(n); }
  } w{tape, tape.size()};
  tape.resize(w.n + utf8.size() * 2 + 64);
  int prev = 0;
  return run(utf8, TokenMode::document, [&](const Token& k) {
    const auto len = static_cast<uint32_t>(k.text.size());
    if (w.n + 15 + len > tape.size()) tape.resize(std::max(w.n + 15 + len, tape.size() * 2));
    char* p = tape.data() + w.n;
    if (k.colocated) {
      p = varint::put(p, len << 1 | 1u);
    } else {
      p = varint::put(p, len << 1);
      p = varint::put(p, static_cast<uint32_t>(k.begin - prev));
      p = varint::put(p, static_cast<uint32_t>(k.end - k.begin));
      prev = k.begin;
    }
    std::memcpy(p, k.text.data(), len);
    w.n = static_cast<size_t>(p - tape.data()) + len;
    return sink(k);
  });
}

uint32_t DanishTokenizer::intern(std::string_view text) { return impl_->intern(text); }
uint32_t DanishTokenizer::term_epoch() const { return impl_->epoch; }

TokenReplay::TokenReplay() { t_replay.clear(); }
TokenReplay::~TokenReplay() { t_replay.clear(); }
void TokenReplay::add(std::string_view text, std::string_view tape) { t_replay.emplace_back(text, tape); }
void TokenReplay::clear() { t_replay.clear(); }

// ---- FTS5 glue -------------------------------------------------------------------------------

namespace {

int x_create(void*, const char**, int, Fts5Tokenizer** out) {
  auto* t = new (std::nothrow) DanishTokenizer();
  if (!t) return SQLITE_NOMEM;
  *out = reinterpret_cast<Fts5Tokenizer*>(t);
  return SQLITE_OK;
}

void x_delete(Fts5Tokenizer* p) { delete reinterpret_cast<DanishTokenizer*>(p); }

int x_tokenize(Fts5Tokenizer* p, void* ctx, int flags, const char* text, int n,
               int (*x_token)(void*, int, const char*, int, int, int)) {
  auto* t = reinterpret_cast<DanishTokenizer*>(p);
  TokenMode mode = TokenMode::document;
  if (flags & FTS5_TOKENIZE_QUERY) mode = (flags & FTS5_TOKENIZE_PREFIX) ? TokenMode::prefix : TokenMode::query;
  // Auxiliary functions (snippet, highlight) read positions and offsets only, never a token's
  // text (FTS5 tokenizes for them with AUX; with detail=full it never compares their tokens):
  // no folding or stemming, the cost of snippets of a page of 20 hits ~4x lower.
  if (flags & FTS5_TOKENIZE_AUX) mode = TokenMode::positions;
  if (mode == TokenMode::document && text && n > 0)
    for (const auto& [t, tape] : t_replay)
      if (t.size() == static_cast<size_t>(n) && std::memcmp(t.data(), text, t.size()) == 0)
        return replay_tape(tape, t.size(), [&](const char* k, int len, int b, int e, bool colocated) {
          return x_token(ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, k, len, b, e);
        });
  try {
    return t->tokenize(std::string_view(text ? text : "", text ? static_cast<size_t>(n) : 0), mode,
                       [&](const Token& k) {
                         return x_token(ctx, k.colocated ? FTS5_TOKEN_COLOCATED : 0, k.text.data(),
                                        static_cast<int>(k.text.size()), k.begin, k.end);
                       });
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (...) {
    return SQLITE_ERROR;
  }
}

fts5_api* fts5_api_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(st, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(st);
  }
  sqlite3_finalize(st);
  return api;
}

// sagsindeks_freqs(documents_fts, w0, w1, ...): the phrase frequencies of the current row as a
// blob of doubles, one per phrase, each instance counting its column's weight: the f(q, D) of
// FTS5's bm25 computed as bm25 computes it (xInst), for the accelerator's exact phrase scores.
void x_freqs(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int n, sqlite3_value** args) {
  int phrases = api->xPhraseCount(fts), inst = 0;
  std::vector<double> f(static_cast<size_t>(std::max(phrases, 0)), 0.0);
  int rc = api->xInstCount(fts, &inst);
  for (int i = 0; rc == SQLITE_OK && i < inst; ++i) {
    int ip = 0, ic = 0, io = 0;
    rc = api->xInst(fts, i, &ip, &ic, &io);
    if (rc == SQLITE_OK && ip >= 0 && ip < phrases) f[static_cast<size_t>(ip)] += n > ic ? sqlite3_value_double(args[ic]) : 1.0;
  }
  if (rc != SQLITE_OK) return sqlite3_result_error_code(ctx, rc);
  sqlite3_result_blob(ctx, f.data(), static_cast<int>(f.size() * sizeof(double)), SQLITE_TRANSIENT);
}

}  // namespace

int register_danish_tokenizer(sqlite3* db) {
  fts5_api* api = fts5_api_of(db);
  if (!api || api->iVersion < 2) return SQLITE_ERROR;
  fts5_tokenizer tk{x_create, x_delete, x_tokenize};
  int rc = api->xCreateTokenizer(api, kTokenizerName, nullptr, &tk, nullptr);
  if (rc == SQLITE_OK) rc = api->xCreateFunction(api, "sagsindeks_freqs", nullptr, x_freqs, nullptr);
  return rc;
}

}  // namespace sagsindeks
