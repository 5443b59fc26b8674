// The Danish tokenizer: word boundaries, case folding without diacritic folding, stems, offsets.
#include <gtest/gtest.h>

#include <vector>

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
