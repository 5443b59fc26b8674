// Encoding detection: the fixed order (BOM, strict UTF-8, UTF-16 without BOM, windows-1252,
// ISO-8859-1), what is recorded, --encoding, and every kind of bad byte in every position.
#include <gtest/gtest.h>

#include <random>

#include "ingest/encoding.h"


using sagsindeks::decode_text;

namespace {

const std::string kDanish = "Kære Søren Ørsted\nVedr. ansøgning om dispensation på Ærø\nMed venlig hilsen\n";

std::string to_utf16(const std::string& utf8, bool le) {
  std::string out;
  size_t i = 0;
  while (i < utf8.size()) {
    unsigned char c = utf8[i];
    uint32_t cp;
    if (c < 0x80) cp = c, i += 1;
    else if (c < 0xE0) cp = ((c & 0x1F) << 6) | (utf8[i + 1] & 0x3F), i += 2;
    else cp = ((c & 0x0F) << 12) | ((utf8[i + 1] & 0x3F) << 6) | (utf8[i + 2] & 0x3F), i += 3;
    char lo = static_cast<char>(cp & 0xFF), hi = static_cast<char>(cp >> 8);
    out += le ? std::string{lo, hi} : std::string{hi, lo};
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  auto r = decode_text(s, "UTF-8");
  return r.ok() && r->utf8 == s;
}

}  // namespace

TEST(Encoding, Utf8WithoutBom) {
  auto r = decode_text(kDanish);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->encoding, "UTF-8");
  EXPECT_EQ(r->utf8, kDanish);
}

TEST(Encoding, Utf8WithBomIsRecordedAndStripped) {
  auto r = decode_text("\xEF\xBB\xBF" + kDanish);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->encoding, "UTF-8 (BOM)");
  EXPECT_EQ(r->utf8, kDanish);
}

TEST(Encoding, Utf16WithBom) {
  auto le = decode_text("\xFF\xFE" + to_utf16(kDanish, true));
  ASSERT_TRUE(le.ok()) << le.error().message;
  EXPECT_EQ(le->encoding, "UTF-16LE");
  EXPECT_EQ(le->utf8, kDanish);
  auto be = decode_text("\xFE\xFF" + to_utf16(kDanish, false));
  ASSERT_TRUE(be.ok());
  EXPECT_EQ(be->encoding, "UTF-16BE");
  EXPECT_EQ(be->utf8, kDanish);
}

TEST(Encoding, Utf16WithoutBomIsSniffed) {
  auto le = decode_text(to_utf16(kDanish, true));
  ASSERT_TRUE(le.ok()) << le.error().message;
  EXPECT_EQ(le->encoding, "UTF-16LE (no BOM)");
  EXPECT_EQ(le->utf8, kDanish);
  auto be = decode_text(to_utf16(kDanish, false));
  ASSERT_TRUE(be.ok());
  EXPECT_EQ(be->encoding, "UTF-16BE (no BOM)");
  EXPECT_EQ(be->utf8, kDanish);
}

TEST(Encoding, Windows1252BeforeIso88591) {
  // æ ø å and the euro sign and curly quotes, which only windows-1252 has
  auto r = decode_text("K\xE6re S\xF8ren p\xE5 \x80 5 \x93" "citat\x94\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->encoding, "windows-1252");
  EXPECT_EQ(r->utf8, "Kære Søren på € 5 “citat”\n");
}

// ICU's windows-1252 maps its five unassigned bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) to the C1
// controls, as ISO-8859-1 does, so the ISO-8859-1 step is reached only for a forced encoding.
TEST(Encoding, Windows1252UnassignedBytesStillDecode) {
  auto r = decode_text("K\xE6re \x81\x8D\x8F\x90\x9D S\xF8ren\n");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->encoding == "windows-1252" || r->encoding == "ISO-8859-1") << r->encoding;
  EXPECT_TRUE(valid_utf8(r->utf8));
  auto f = decode_text("K\xE6re\n", "ISO-8859-1");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->encoding, "ISO-8859-1");
  EXPECT_EQ(f->utf8, "Kære\n");
}

TEST(Encoding, ForcedEncodingOverridesDetection) {
  auto r = decode_text("K\xC3\xA6re\n", "windows-1252");  // UTF-8 bytes read as windows-1252
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->encoding, "windows-1252");
  EXPECT_EQ(r->utf8, "KÃ¦re\n");
  auto u = decode_text(to_utf16("Hej", true), "UTF-16LE");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->utf8, "Hej");
}

TEST(Encoding, ForcedUnknownOrMismatchedEncodingIsAnError) {
  auto r = decode_text("Hej\n", "no-such-encoding");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "encoding");
  EXPECT_NE(r.error().message.find("no-such-encoding"), std::string::npos);
  auto m = decode_text("K\xE6re\n", "UTF-8");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "encoding");
  EXPECT_NE(m.error().message.find("offset"), std::string::npos);
}

TEST(Encoding, BomThenInvalidUtf8IsAnError) {
  auto r = decode_text("\xEF\xBB\xBFK\xE6re\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "encoding");
  EXPECT_NE(r.error().message.find("--encoding"), std::string::npos);
}

TEST(Encoding, ZeroBytesIsEmpty) {
  auto r = decode_text("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "empty");
}

TEST(Encoding, NulInTheMiddleIsBinaryWithItsOffset) {
  std::string t = kDanish + std::string(1, '\0') + kDanish;
  auto r = decode_text(t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "binary");
  EXPECT_NE(r.error().message.find("offset " + std::to_string(kDanish.size())), std::string::npos)
      << r.error().message;
  // far past the 64 KiB the control-byte sniffer looks at
  std::string big(200000, 'a');
  big[150000] = '\0';
  auto b = decode_text(big);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, "binary");
  EXPECT_NE(b.error().message.find("150000"), std::string::npos);
}

TEST(Encoding, NulCharacterInUtf16IsBinary) {
  std::string t = "\xFF\xFE" + to_utf16("Hej", true) + std::string("\0\0", 2) + to_utf16("med dig", true);
  auto r = decode_text(t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "binary");
}

TEST(Encoding, ControlBytesAreBinary) {
  std::string t;
  for (int i = 0; i < 1000; ++i) t += "abc\x01\x02\x03";
  auto r = decode_text(t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "binary");
}

TEST(Encoding, TruncatedUtf16IsAnEncodingError) {
  auto r = decode_text("\xFF\xFE" + to_utf16("Hej", true) + "\x41");  // odd length
  if (!r.ok()) {
    EXPECT_EQ(r.error().code, "encoding");
  }
  auto s = decode_text(std::string("\xFF\xFE\x00\xD8\x41\x00", 6));  // lone high surrogate
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "encoding");
}

// Every kind of bad UTF-8, inserted before every byte of a Danish UTF-8 text: a damaged UTF-8
// file is an "encoding" error naming the byte (never silently read as windows-1252, which would
// garble every æ ø å); in ASCII text the same byte is windows-1252 or ISO-8859-1.
TEST(Encoding, InvalidUtf8InEveryPosition) {
  const std::vector<std::string> bad = {"\xFF", "\xC3", "\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                        "\xE2\x82", "\xF0\x9F\x98"};
  const std::string danish = "Kære Søren, æbler på Ærø og øer i Åbenrå.\n";
  const std::string ascii = "Kaere Soeren, aebler paa Aeroe.\n";
  for (const auto& b : bad) {
    for (size_t i = 0; i <= danish.size(); ++i) {
      std::string t = danish.substr(0, i) + b + danish.substr(i);
      auto r = decode_text(t);
      ASSERT_FALSE(r.ok()) << "bad " << testing::PrintToString(b) << " at " << i;
      EXPECT_EQ(r.error().code, "encoding");
      EXPECT_NE(r.error().message.find("invalid UTF-8 at byte"), std::string::npos);
    }
    for (size_t i = 0; i <= ascii.size(); ++i) {
      std::string t = ascii.substr(0, i) + b + ascii.substr(i);
      auto r = decode_text(t);
      ASSERT_TRUE(r.ok()) << "bad " << testing::PrintToString(b) << " at " << i << ": " << r.error().message;
      EXPECT_TRUE(r->encoding == "windows-1252" || r->encoding == "ISO-8859-1") << r->encoding;
      EXPECT_TRUE(valid_utf8(r->utf8));
    }
  }
}

TEST(Encoding, InvalidUtf8ErrorNamesTheFirstBadByte) {
  std::string t = "æøå æøå " + std::string("\xFF") + " æøå";
  auto r = decode_text(t);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("at byte 14 "), std::string::npos) << r.error().message;
}

TEST(Encoding, RandomBytesNeverCrashAndAlwaysAnswer) {
  std::mt19937 rng(6);
  for (int n = 0; n < 3000; ++n) {
    std::string t(rng() % 512, '\0');
    for (auto& c : t) c = static_cast<char>(rng());
    if (n % 3 == 1)  // mostly printable, to get past the binary check
      for (auto& c : t) c = static_cast<char>(0x20 + (static_cast<unsigned char>(c) % 0xE0));
    auto r = decode_text(t);
    if (r.ok()) {
      EXPECT_TRUE(valid_utf8(r->utf8));
    } else {
      const auto& c = r.error().code;
      EXPECT_TRUE(c == "empty" || c == "binary" || c == "encoding") << c;
      EXPECT_FALSE(r.error().message.empty());
    }
  }
}
