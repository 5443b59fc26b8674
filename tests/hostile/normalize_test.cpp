// Normalisation: NFC, spaces, soft hyphens, hyphenation across line breaks, markup, quotes and
// dashes; and hostile shapes of text (long runs, many hyphens) finishing in linear time.
#include <gtest/gtest.h>

#include <chrono>

#include <unicode/normalizer2.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "core/limits.h"
#include "core/text.h"
#include "ingest/encoding.h"
#include "../common/test_util.h"
#include "normalize/normalize.h"

namespace test = sagsindeks::test;

using sagsindeks::normalize_text;

namespace {
const sagsindeks::Speller* sp() { return test::resources().speller.get(); }
}  // namespace

TEST(Normalize, Nfc) {
  EXPECT_EQ(normalize_text("Ska\u030Agen e\u0301n", sp()), "Skågen én");
  EXPECT_EQ(normalize_text("A\u030Arhus", sp()), "Århus");
}

// The normaliser asks ICU nothing about code points below U+0300 (and only isInert about those
// above): every such code point must pass NFC's quick check and combine with nothing before it.
TEST(Normalize, CodePointsBelowCombiningMarksAreNfc) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  ASSERT_TRUE(U_SUCCESS(status));
  for (UChar32 c = 1; c < 0x300; ++c) {
    EXPECT_EQ(nfc->getCombiningClass(c), 0) << c;
    EXPECT_TRUE(nfc->hasBoundaryBefore(c)) << c;
    icu::UnicodeString one(c);
    EXPECT_EQ(nfc->quickCheck(one, status), UNORM_YES) << c;
  }
  // Next to a combining mark (U+030A, over the ceiling) the ICU path still composes.
  EXPECT_EQ(normalize_text("Ska\u030Agen", sp()), "Skågen");
}

// Inert code points above U+0300 (quotes, dashes) keep the fast path; a combining mark after them
// in the same text still sends it through NFC.
TEST(Normalize, InertCharactersThenACombiningMark) {
  EXPECT_EQ(normalize_text("\u201Cen\u201D \u2013 Ska\u030Agen e\u0301n \u2022 x", sp()), "\"en\" - Skågen én \u2022 x");
  EXPECT_EQ(normalize_text("\u201Cen\u201D \u2013 Skagen", sp()), "\"en\" - Skagen");
}

// Blank lines: white space between two words becomes one line break, two (a blank line), or a
// space; never more, and none at either end.
TEST(Normalize, WhiteSpaceRunsBetweenWords) {
  EXPECT_EQ(normalize_text(" \n a  b \n  \n \n c\t\nd \n", sp()), "a b\n\nc\nd");
  EXPECT_EQ(normalize_text("**x** ** y **", sp()), "x y");
}

TEST(Normalize, NbspTabAndOddSpacesBecomeOneSpace) {
  EXPECT_EQ(normalize_text("a\u00A0b\tc\u2003d\u202Fe\u3000f  \t g", sp()), "a b c d e f g");
  EXPECT_EQ(normalize_text("  indrykket\t\n", sp()), "indrykket");
}

TEST(Normalize, SoftHyphensAndZeroWidthCharactersRemoved) {
  EXPECT_EQ(normalize_text("sund\u00ADheds\u200Bom\u200Dråde\uFEFF", sp()), "sundhedsområde");
}

TEST(Normalize, HyphenatedWordJoinedAcrossLineBreak) {
  sagsindeks::NormalizeReport rep;
  EXPECT_EQ(normalize_text("af mæs-\nsige grunde", sp(), &rep), "af mæssige grunde");
  EXPECT_EQ(rep.hyphens_joined, 1);
  EXPECT_EQ(normalize_text("et spørgs-\nmål", sp()), "et spørgsmål");
}

TEST(Normalize, SuspendedCompoundKeepsItsHyphen) {
  std::string out = normalize_text("i social-\nog sundhedsområdet", sp());
  EXPECT_NE(out.find("social-"), std::string::npos) << out;
  EXPECT_EQ(out.find("socialog"), std::string::npos) << out;
}

TEST(Normalize, BoldMarkersDropped) {
  EXPECT_EQ(normalize_text("**Sagsnr.** 2024-0012", sp()), "Sagsnr. 2024-0012");
}

TEST(Normalize, QuotesAndDashesUnified) {
  EXPECT_EQ(normalize_text("\u201Eet\u201C \u201Cto\u201D \u00ABtre\u00BB \u2018fire\u2019", sp()),
            "\"et\" \"to\" \"tre\" 'fire'");
  EXPECT_EQ(normalize_text("2019\u20132020 \u2014 a\u2212b", sp()), "2019-2020 - a-b");
}

TEST(Normalize, LineEndingsAndBlankLines) {
  EXPECT_EQ(normalize_text("a\r\nb\rc\n\n\n\n\nd\u2028e", sp()), "a\nb\nc\n\nd\ne");
}

TEST(Normalize, InvalidUtf8IsReplacedNotPassedThrough) {
  std::string out = normalize_text("a\xFF" "b\xC3", sp());
  auto r = sagsindeks::decode_text(out, "UTF-8");
  EXPECT_TRUE(r.ok());
}

TEST(Normalize, ChunkBoundariesDoNotChangeTheResult) {
  // 3 MiB of text in which chunk cuts fall among combining marks and CRLFs
  std::string unit = "Ska\u030Agen\r\n", t;
  while (t.size() < (3u << 20)) t += unit;
  std::string expect_unit = "Skågen\n";
  std::string out = normalize_text(t, nullptr);
  std::string want;
  while (want.size() < out.size()) want += expect_unit;
  want.resize(out.size());
  EXPECT_EQ(out.substr(0, 1000), want.substr(0, 1000));
  EXPECT_EQ(out.find("a\u030A"), std::string::npos);
  EXPECT_EQ(out.find("\n\n"), std::string::npos);
}

// Regression (issue 6): `aaaBaaaB…` in one long line made split_run_together copy the growing
// "left word" at every capital: quadratic, minutes for a megabyte.
TEST(Normalize, Regression_RunTogetherLongLineIsLinear) {
  std::string t;
  while (t.size() < (1u << 20)) t += "abcDefgHijk";
  auto t0 = std::chrono::steady_clock::now();
  std::string out = normalize_text(t, sp());
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(s, 10.0);
  EXPECT_FALSE(out.empty());
}

// Regression (issue 6): one megabyte-long "word" before `-\n` was handed to Hunspell whole.
TEST(Normalize, Regression_HugeHyphenatedWordIsNotLookedUp) {
  std::string t(1u << 20, 'a');
  t += "-\nb" + std::string(1u << 20, 'c');
  auto t0 = std::chrono::steady_clock::now();
  std::string out = normalize_text(t, sp());
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
  EXPECT_NE(out.find("a-\nbc"), std::string::npos);
}

TEST(Normalize, ManyHyphenatedLinesAreLinear) {
  std::string t;
  while (t.size() < (2u << 20)) t += "mæs-\nsige spørgs-\nmål social-\nog ";
  auto t0 = std::chrono::steady_clock::now();
  normalize_text(t, sp());
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 20.0);
}

TEST(Normalize, ExpiredDeadlineStopsEarly) {
  std::string t;
  while (t.size() < (8u << 20)) t += "Kære Søren\n";
  // The speller is loaded first (~0.5 s, several under ASan on a busy machine): the bound is on
  // normalising alone.
  const sagsindeks::Speller* speller = sp();
  sagsindeks::ScopedDeadline d(1e-9);
  auto t0 = std::chrono::steady_clock::now();
  std::string out = normalize_text(t, speller);
  EXPECT_LT(out.size(), t.size());
  EXPECT_TRUE(sagsindeks::deadline_expired());
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0);
}

namespace sagsindeks {
// CodePointIndex counts eight bytes at a time: every offset of texts of mixed 1-4 byte characters
// around the 64-byte checkpoints maps as a byte-by-byte count does (an offset inside a character
// to that character).
TEST(Text, CodePointIndexMatchesAByteCount) {
  const char* pieces[] = {"a", "\xC3\xA6", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", " ", "\xC3\xB8k"};
  for (size_t len : {0u, 1u, 7u, 8u, 63u, 64u, 65u, 127u, 200u, 515u}) {
    std::string t;
    for (size_t k = 0; t.size() < len; ++k) t += pieces[(k * 7 + len) % 6];
    text::CodePointIndex cp(t);
    uint32_t count = 0;
    for (size_t b = 0; b <= t.size(); ++b) {
      const bool lead = b < t.size() && (static_cast<unsigned char>(t[b]) & 0xC0) != 0x80;
      const uint32_t want = b < t.size() && !lead && count > 0 ? count - 1 : count;
      EXPECT_EQ(cp(static_cast<uint32_t>(b)), want) << len << " " << b;
      count += lead;
    }
    EXPECT_EQ(cp(static_cast<uint32_t>(t.size() + 5)), count);
  }
}

// lower_aligned keeps every byte offset: Danish letters lower-case in place; a letter whose lower
// case has another length (U+0130 İ → i̇) and invalid bytes stay as they are.
TEST(Text, LowerAlignedKeepsOffsets) {
  EXPECT_EQ(text::lower_aligned("ÆBLE Øst ÅRHUS Ξ"), "æble øst århus ξ");
  const std::string odd = "A\xC4\xB0" "B\xFF" "C";
  const std::string low = text::lower_aligned(odd);
  EXPECT_EQ(low.size(), odd.size());
  EXPECT_EQ(low, "a\xC4\xB0" "b\xFF" "c");
  // The Latin-1 letters take a path of their own (no ICU call): the same as ICU's u_tolower for
  // every code point U+0080-U+00FF; a lead byte without its continuation stays.
  for (UChar32 c = 0x80; c <= 0xFF; ++c) {
    std::string in, want;
    icu::UnicodeString(c).toUTF8String(in);
    icu::UnicodeString(u_tolower(c)).toUTF8String(want);
    EXPECT_EQ(text::lower_aligned("X" + in + "Y"), "x" + want + "y") << "U+" << std::hex << c;
    EXPECT_EQ(text::lower("ABCDEFGHIJ" + in + "KLMNOPQRSTUVWXYZ"), "abcdefghij" + want + "klmnopqrstuvwxyz")
        << "U+" << std::hex << c;
  }
  // Beyond Latin-1 (or an invalid byte), text::lower is ICU's full lower-casing of the whole text.
  for (const std::string odd : {"ÆBLE \xC4\xB0STANBUL ÅRHUS", "ABC\xFF\xC3", "SØ \xCE\xA3\xCE\xA3"}) {
    std::string want;
    icu::UnicodeString::fromUTF8(odd).toLower(icu::Locale("da")).toUTF8String(want);
    EXPECT_EQ(text::lower(odd), want);
  }
  EXPECT_EQ(text::lower_aligned("\xC3" "A\xC3"), "\xC3" "a\xC3");
  EXPECT_EQ(text::truncate_utf8("blåbær", 3), "bl");
  EXPECT_EQ(text::truncate_utf8("blåbær", 4), "blå");
}
}  // namespace sagsindeks
