// The Danish tokenizer: word boundaries, case folding without diacritic folding, stems, offsets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include <sqlite3.h>

#include "index/tokenizer.h"

using namespace sagsindeks;

namespace {

struct Tok {
  std::string text;
  int begin, end;
  bool colocated;
};

std::vector<Tok> toks(const std::string& s, TokenMode m) {
  DanishTokenizer t;
  std::vector<Tok> out;
  t.tokenize(s, m, [&](const Token& k) {
    out.push_back({std::string(k.text), k.begin, k.end, k.colocated});
    return 0;
  });
  return out;
}

std::string stem(const std::string& w) {
  auto t = toks(w, TokenMode::query);
  return t.size() == 1 ? t[0].text : "<" + std::to_string(t.size()) + " tokens>";
}

}  // namespace

TEST(Tokenizer, InflectionsShareAStem) {
  // {query word, document word}: the pairs the issue names.
  const std::vector<std::pair<std::string, std::string>> same = {
      {"kommune", "kommunerne"},        {"kommune", "kommunernes"},   {"kommune", "Kommunen"},
      {"ældreområde", "ældreområdet"}, {"dispensation", "dispensationer"}, {"aftale", "aftalerne"},
  };
  for (const auto& [a, b] : same) EXPECT_EQ(stem(a), stem(b)) << a << " / " << b;
}

TEST(Tokenizer, KeepsDanishLettersDistinct) {
  EXPECT_NE(stem("år"), stem("ar"));
  EXPECT_EQ(stem("ÅR"), "år");
  EXPECT_EQ(stem("ØL"), "øl");
  EXPECT_NE(stem("før"), stem("for"));
  EXPECT_EQ(toks("ÆLDREOMRÅDET", TokenMode::prefix)[0].text, "ældreområdet");
}

TEST(Tokenizer, OffsetsAreBytesIntoTheInput) {
  std::string s = "Ærø Kommune, 2020: «frisættelse»!";
  auto t = toks(s, TokenMode::query);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(s.substr(t[0].begin, t[0].end - t[0].begin), "Ærø");
  EXPECT_EQ(s.substr(t[1].begin, t[1].end - t[1].begin), "Kommune");
  EXPECT_EQ(t[2].text, "2020");
  EXPECT_EQ(s.substr(t[3].begin, t[3].end - t[3].begin), "frisættelse");
}

TEST(Tokenizer, DocumentsAddTheSurfaceFormColocated) {
  auto t = toks("kommunerne aftale", TokenMode::document);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].text, stem("kommunerne"));
  EXPECT_FALSE(t[0].colocated);
  EXPECT_EQ(t[1].text, "kommunerne");
  EXPECT_TRUE(t[1].colocated);
  EXPECT_EQ(t[1].begin, t[0].begin);
  // A word that is its own stem appears once.
  auto u = toks("dispensation", TokenMode::document);
  EXPECT_EQ(u.size(), 1u);
}

TEST(Tokenizer, PrefixQueriesAreNotStemmed) {
  auto t = toks("frikommune", TokenMode::prefix);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].text, "frikommune");
}

TEST(Tokenizer, HostileInputNeverFails) {
  std::string bad = "\xff\xfe ok \xc3 \xe2\x82 slut";
  auto t = toks(bad, TokenMode::document);
  EXPECT_FALSE(t.empty());
  for (const auto& k : t) EXPECT_LE(k.end, static_cast<int>(bad.size()));
  EXPECT_TRUE(toks("", TokenMode::document).empty());
  EXPECT_TRUE(toks(" ,.;§ ", TokenMode::document).empty());
  EXPECT_TRUE(toks(std::string(5000, 'a'), TokenMode::document).empty());  // too long to be a word
}

TEST(Tokenizer, FoldCase) {
  EXPECT_EQ(fold_case("Ole Bjørstorp"), "ole bjørstorp");
  EXPECT_EQ(fold_case("ÆBLE"), "æble");
  EXPECT_EQ(fold_case("A\xCC\x8A"), "å");  // decomposed Å → NFC å
}

namespace {
std::vector<Tok> toks_with(const std::string& s, TokenMode m, Segmenter seg) {
  DanishTokenizer t(seg);
  std::vector<Tok> out;
  t.tokenize(s, m, [&](const Token& k) {
    out.push_back({std::string(k.text), k.begin, k.end, k.colocated});
    return 0;
  });
  return out;
}

void expect_same_as_icu(const std::string& s, const std::string& what) {
  for (TokenMode m : {TokenMode::document, TokenMode::query, TokenMode::prefix}) {
    auto fast = toks_with(s, m, Segmenter::fast), ref = toks_with(s, m, Segmenter::icu);
    ASSERT_EQ(fast.size(), ref.size()) << what;
    for (size_t i = 0; i < fast.size(); ++i) {
      EXPECT_EQ(fast[i].text, ref[i].text) << what << " token " << i;
      EXPECT_EQ(fast[i].begin, ref[i].begin) << what << " token " << i << " " << ref[i].text;
      EXPECT_EQ(fast[i].end, ref[i].end) << what << " token " << i << " " << ref[i].text;
      EXPECT_EQ(fast[i].colocated, ref[i].colocated) << what << " token " << i;
    }
  }
}
}  // namespace

// The fast segmenter must find exactly ICU's words: cases at each rule it implements or hands on.
TEST(Tokenizer, FastSegmentationIsIcus) {
  const std::vector<std::string> cases = {
      "Kommunerne har 3.5 mio. kr. og 1,000,000 kr; 2020-11222 j.nr. 12.34.56",
      "don't e.g. a.b. 3a a3 1.a a.1 .5 5. ,5 5, 1;2 1'2 a'b 'a' a'' ''a",
      "ÆRØ Ærø ærø ÅR år ØL Æble-møde «frisættelse» – “citat” ‘x’ l’état",
      "kl. 10:30 Til: sagsnr:2020 foo_bar __init__ a_1 _ x·y",
      "soft\xC2\xADhyphen NBSP\xC2\xA0here a\xCC\x8A decomposed e\xCC\x81t",
      "tab\there\nnewline\r\nCRLF\fform\vvt",
      "× ÷ 5×3 a÷b µm ªº naïve café Straße Œuvre ŠKODA Ĳ",
      "日本語のテキスト ไทย Ελληνικά кириллица 😀 a😀b",
      "§ 5, stk. 2 · nr. 3 • punkt (parentes) [klamme] {krøl} <vinkel> \"citat\" 100% #1 @x $5 ~ ^ |",
      std::string("\xff\xfe ok \xc3 \xe2\x82 slut \xc3\x28 \xc3"),
      "a.b.c.d 1.2.3.4 a..b 1..2 a.'b 1',2",
      "",
  };
  for (const auto& c : cases) expect_same_as_icu(c, c);
}

TEST(Tokenizer, FastSegmentationIsIcusOnTheCorpus) {
  size_t n = 0;
  for (const char* sub : {"corpus/seeds/docs", "corpus/dev/docs"})
    for (const auto& e : std::filesystem::directory_iterator(std::string(SAGSINDEKS_SOURCE_DIR) + "/" + sub)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      expect_same_as_icu(text, e.path().filename().string());
      ++n;
    }
  EXPECT_GT(n, 10u);
}

namespace {

// Every (term, column, offset) FTS5 stored for rowid 1 of a fresh table fed `text`, tokenized
// or replayed from `tape` against `replay_text` (the text the tape claims to be of).
std::vector<std::string> fts5_instances(const std::string& text, const std::string* tape,
                                        const std::string& replay_text) {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  EXPECT_EQ(register_danish_tokenizer(db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db,
                         "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='sagsindeks_da');"
                         "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  {
    TokenReplay replay;
    if (tape) replay.add(replay_text, *tape);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES (1, ?)", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
  }
  std::vector<std::string> out;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT term, col, offset FROM v ORDER BY offset, term", -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW)
    out.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) + "|" +
                  reinterpret_cast<const char*>(sqlite3_column_text(st, 1)) + "|" +
                  std::to_string(sqlite3_column_int(st, 2)));
  sqlite3_finalize(st);
  // Offsets (for snippets) too: highlight() tokenizes the stored text.
  sqlite3_prepare_v2(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH 'kommun'", -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) out.push_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace

// ingest tokenizes a document once: FTS5 replays the tape tokenize_recording made, and must
// store exactly what tokenizing the text would have stored; a tape of another text is ignored.
TEST(Tokenizer, ReplayedTokensAreTheTokenizers) {
  const std::vector<std::string> cases = {
      "Kommunerne og kommunen: frisættelse af ældreområdet, j.nr. 2020-11222 (SAG-2021/123).",
      "ÆRØ Ærø ærø ÅR år «frisættelse» – “citat” kl. 10:30 日本語 a😀b kommune",
      std::string("\xff\xfe ok \xc3 \xe2\x82 slut kommune \xc3\x28 \xc3"),
      "x",
  };
  DanishTokenizer t;
  for (const auto& c : cases) {
    std::string tape;
    std::vector<Tok> direct;
    t.tokenize_recording(c, tape, [&](const Token& k) {
      direct.push_back({std::string(k.text), k.begin, k.end, k.colocated});
      return 0;
    });
    auto want = toks(c, TokenMode::document);
    ASSERT_EQ(direct.size(), want.size()) << c;
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(direct[i].text, want[i].text) << c;
    auto tokenized = fts5_instances(c, nullptr, c);
    EXPECT_FALSE(tokenized.empty()) << c;
    EXPECT_EQ(fts5_instances(c, &tape, c), tokenized) << c;
    // A tape of another text (or a damaged one) never gives its tokens to this text.
    EXPECT_EQ(fts5_instances(c, &tape, c + " "), tokenized) << c;
    std::string other;
    t.tokenize_recording("helt andre ord her", other, [](const Token&) { return 0; });
    EXPECT_EQ(fts5_instances(c, &other, "helt andre ord her"), tokenized) << c;
  }
  // The tape is used, not the text (the caller vouches that they belong together).
  std::string tape;
  t.tokenize_recording("abc def", tape, [](const Token&) { return 0; });
  auto v = fts5_instances("ghi jkl", &tape, "ghi jkl");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], "abc|x|0");
}

// Issue 5: FTS5's auxiliary functions (snippet, highlight) tokenize in `positions` mode, which
// skips folding and stemming; they read only positions and offsets, which must be those of the
// indexed (non-colocated) tokens, word for word, on hostile input and on the corpus.
TEST(Tokenizer, Issue5_PositionsModeHasTheIndexedPositionsAndOffsets) {
  auto same = [](const std::string& s, const std::string& what) {
    std::vector<Tok> doc;
    for (const auto& k : toks(s, TokenMode::document))
      if (!k.colocated) doc.push_back(k);
    auto pos = toks(s, TokenMode::positions);
    ASSERT_EQ(pos.size(), doc.size()) << what;
    for (size_t i = 0; i < pos.size(); ++i) {
      EXPECT_EQ(pos[i].begin, doc[i].begin) << what << " token " << i;
      EXPECT_EQ(pos[i].end, doc[i].end) << what << " token " << i;
      EXPECT_FALSE(pos[i].colocated) << what;
      EXPECT_EQ(pos[i].text, s.substr(static_cast<size_t>(pos[i].begin), static_cast<size_t>(pos[i].end - pos[i].begin)));
    }
  };
  same("Kommunernes ÆRØ-borgmester 2020-11222 j.nr. " + std::string(300, 'x') + " slut", "long word");
  same(std::string("\xff\xfe ok \xc3 \xe2\x82 slut \xc3\x28 \xc3 日本語 a😀b ŠKODA"), "hostile");
  for (const char* sub : {"corpus/seeds/docs", "corpus/dev/docs"})
    for (const auto& e : std::filesystem::directory_iterator(std::string(SAGSINDEKS_SOURCE_DIR) + "/" + sub)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      same(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), e.path().filename().string());
    }
}
