// The Danish tokenizer of the search index: ICU word boundaries, case folding that keeps
// æ, ø, å distinct (år ≠ ar), and the Snowball Danish stemmer. One implementation serves
// documents and queries, so the two never drift apart.
//
//   DanishTokenizer t;
//   t.tokenize("Kommunernes ældreområde", TokenMode::document,
//              [](const Token& k) { /* k.text "kommun" [0, 11), then "kommunernes" colocated */ });
//
//   sqlite3* db = ...;
//   register_danish_tokenizer(db);   // CREATE VIRTUAL TABLE t USING fts5(x, tokenize='sagsindeks_da')
//
// Contract per mode:
//   document  every word gives its stem; when the lower-cased surface form differs from the
//             stem it follows as a colocated token, so that prefix queries can match surfaces.
//   query     every word gives its stem only (kommunerne → kommun finds kommune, kommunen, ...).
//   prefix    the lower-cased surface form, unstemmed: `frikommune*` matches the surfaces
//             frikommuner, frikommunerne, ... and any stem that begins with it.
//   positions every word gives one token, its text the input bytes as they are (no folding, no
//             stemming): the same positions and offsets as the other modes, for FTS5's auxiliary
//             functions (snippet, highlight), which read nothing else of a token (detail=full).
// Cost: one BreakIterator and one stemmer per DanishTokenizer (a few hundred µs to create), and
// a cache of stems (at most 65 536 word forms); none is thread-safe, so each thread or SQLite
// connection has its own. Plain Latin-1 text is segmented without ICU (see Segmenter).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;

namespace sagsindeks {

// Bump when tokens change: indexes built with another version must be re-indexed.
inline constexpr int kTokenizerVersion = 1;
inline constexpr const char* kTokenizerName = "sagsindeks_da";

enum class TokenMode { document, query, prefix, positions };

struct Token {
  std::string_view text;  // lower-cased, stemmed unless mode is prefix or colocated
  int begin = 0;          // byte offsets into the input
  int end = 0;
  bool colocated = false;  // same position as the previous token
  // The tokenizer's number for `text` (see DanishTokenizer::intern), when it has one at hand
  // (words it has stemmed); 0: none, ask intern().
  uint32_t id = 0;
};

// How words are found. `fast` is ICU's word breaks computed without ICU for plain Latin-1 text
// (ICU for the rest); `icu` asks ICU for everything: the reference the tests compare against.
enum class Segmenter { fast, icu };

class DanishTokenizer {
 public:
  explicit DanishTokenizer(Segmenter s = Segmenter::fast);
  ~DanishTokenizer();
  DanishTokenizer(const DanishTokenizer&) = delete;
  DanishTokenizer& operator=(const DanishTokenizer&) = delete;

  // Calls `sink` for each token in order; stops early (and returns that value) when it
  // returns non-zero, as FTS5's xToken callback does.
  int tokenize(std::string_view utf8, TokenMode mode, const std::function<int(const Token&)>& sink);
  // tokenize(utf8, document, sink) that also appends the tokens to `tape` (an opaque string) for
  // TokenReplay: ingest tokenizes a document once, for the accelerator's terms and for FTS5.
  // Cost: the tokenizer's, plus ~4 bytes and a few instructions a token for the tape.
  int tokenize_recording(std::string_view utf8, std::string& tape, const std::function<int(const Token&)>& sink);

  // Numbers for token texts, so that a caller counting a document's terms indexes an array
  // instead of hashing every token (prepare_terms): equal texts get equal numbers (>= 1) as long
  // as term_epoch() stays the same. The epoch changes only at the start of a tokenize call, when
  // the stem cache is full and starts again (every ~65 536 new word forms); so a caller that sees
  // the same epoch before and after its calls may compare their numbers. intern() gives the
  // number of any text (one hash lookup; it may grow the table, never empties it).
  uint32_t intern(std::string_view text);
  uint32_t term_epoch() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  // The tokenizer loop over any callable (tokenizer.cpp only): tokenize_recording's tape writer
  // is inlined into it instead of being a std::function called per token.
  template <class Sink>
  int run(std::string_view utf8, TokenMode mode, Sink&& sink);
};

// While a TokenReplay lives, FTS5's sagsindeks_da on this thread, asked to tokenize a document
// (not a query) whose text equals one added here, gives the tokens of its tape instead of
// tokenizing it again: the same tokens (tokenize_recording made the tape from the same text),
// without the segmenting, folding and stemming. Any other text is tokenized as usual, so a
// stale or missing entry costs time, never tokens. Texts are compared whole (memcmp, ~1/50 of
// tokenizing them). Neither text nor tape is copied: both must outlive the entry.
class TokenReplay {
 public:
  TokenReplay();
  ~TokenReplay();
  TokenReplay(const TokenReplay&) = delete;
  TokenReplay& operator=(const TokenReplay&) = delete;
  void add(std::string_view text, std::string_view tape);
  void clear();
};

// Lower-cases with ICU (no diacritic folding) and applies NFC: the key for comparing names.
std::string fold_case(std::string_view utf8);

// Registers the tokenizer as "sagsindeks_da" on `db`, and the FTS5 auxiliary function
// sagsindeks_freqs (the weighted phrase frequencies of a row, as bm25 counts them; a blob of
// doubles). Returns an SQLite result code.
int register_danish_tokenizer(sqlite3* db);

}  // namespace sagsindeks
