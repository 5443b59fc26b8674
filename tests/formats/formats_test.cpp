// Issue 4: HTML, DOCX, ODT and PDF are sniffed by content, converted to text, and analysed like
// the plain-text letter they were made from; hostile files give a clear error record, quickly.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/corpus.h"
#include "../analysis/test_support.h"
#include "ingest/formats/email.h"
#include "ingest/formats/html.h"
#include "ingest/formats/office.h"
#include "ingest/formats/pdf.h"
#include "ingest/formats/sniff.h"
#include "ingest/reader.h"

namespace sagsindeks {
namespace {

namespace fs = std::filesystem;

const std::string kSource = SAGSINDEKS_SOURCE_DIR;
const std::string kFixtures = kSource + "/tests/formats/fixtures/";

using test::read_file;
using test::resources;
using test::TempDir;
using test::write_file;

FileResult analyze(const std::string& path, const Limits& limits = {}, bool ocr = true) {
  AnalyzeOptions o;
  o.limits = limits;
  o.ocr = ocr;
  return analyze_file(path, resources(), o);
}

// The fields the issue asks to be equal across formats.
std::string summary(const FileResult& fr) {
  const Analysis& a = fr.analysis;
  std::set<std::string> dates, cases, docs, munis, mayors;
  for (const auto& d : a.dates) dates.insert(d.value + "/" + d.role);
  for (const auto& c : a.case_numbers) cases.insert(c.value);
  for (const auto& d : a.document_numbers) docs.insert(d.value);
  for (const auto& m : a.municipalities) munis.insert(m.municipality.code);
  for (const auto& m : a.mayors) mayors.insert(m.name + "@" + (m.municipality ? m.municipality->code : "-"));
  auto join = [](const std::set<std::string>& s) {
    std::string out;
    for (const auto& x : s) out += x + " ";
    return out;
  };
  return "date=" + a.document_date.value_or("-") + "\ndates=" + join(dates) + "\ncases=" + join(cases) +
         "\ndocs=" + join(docs) + "\nmunicipalities=" + join(munis) + "\nmayors=" + join(mayors) +
         "\ntype=" + a.type.label;
}

struct Case {
  std::string stem, original, ext;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.stem << "." << c.ext; }

class SameAsText : public ::testing::TestWithParam<Case> {};

TEST_P(SameAsText, AnalysisEqualsThePlainTextOriginal) {
  const Case& c = GetParam();
  FileResult text = analyze(kSource + "/corpus/seeds/docs/" + c.original);
  ASSERT_FALSE(text.error) << text.error->message;
  FileResult fr = analyze(kFixtures + c.stem + "." + c.ext);
  ASSERT_FALSE(fr.error) << fr.error->code << ": " << fr.error->message;
  EXPECT_EQ(fr.source.format, c.ext);
  EXPECT_EQ(fr.source.encoding, "UTF-8");
  EXPECT_FALSE(fr.analysis.dates.empty());
  EXPECT_EQ(summary(fr), summary(text)) << fr.doc.text;
  EXPECT_TRUE(fr.parts.empty());  // a file without attachments is one record, as before
  EXPECT_FALSE(fr.source.part);
}

INSTANTIATE_TEST_SUITE_P(Formats, SameAsText,
                         ::testing::Values(Case{"letter_000", "000_256995b99efc51f4.txt", "html"},
                                           Case{"letter_000", "000_256995b99efc51f4.txt", "docx"},
                                           Case{"letter_000", "000_256995b99efc51f4.txt", "odt"},
                                           Case{"letter_000", "000_256995b99efc51f4.txt", "pdf"},
                                           Case{"answer_003", "003_374ed7ae66b69cef.txt", "html"},
                                           Case{"answer_003", "003_374ed7ae66b69cef.txt", "docx"},
                                           Case{"answer_003", "003_374ed7ae66b69cef.txt", "odt"},
                                           Case{"answer_003", "003_374ed7ae66b69cef.txt", "pdf"},
                                           Case{"letter_000", "000_256995b99efc51f4.txt", "eml"},
                                           Case{"answer_003", "003_374ed7ae66b69cef.txt", "eml"}),
                         [](const auto& info) { return info.param.stem + "_" + info.param.ext; });

TEST(Sniff, DecidesByContentNotName) {
  EXPECT_EQ(sniff_format(read_file(kFixtures + "letter_000.pdf")), "pdf");
  EXPECT_EQ(sniff_format(read_file(kFixtures + "letter_000.docx")), "docx");
  EXPECT_EQ(sniff_format(read_file(kFixtures + "letter_000.odt")), "odt");
  EXPECT_EQ(sniff_format(read_file(kFixtures + "letter_000.html")), "html");
  EXPECT_EQ(sniff_format("\xEF\xBB\xBF  <!-- made by X -->\n<HTML lang=da><body>x"), "html");
  EXPECT_EQ(sniff_format("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"), "html");
  EXPECT_EQ(sniff_format(std::string("PK\x03\x04", 4) + "garbage"), "zip");
  // Letters that merely mention markup stay text.
  EXPECT_EQ(sniff_format("Kære borgmester\n<html> nævnes her\n"), "text");
  EXPECT_EQ(sniff_format("Sagsnr. 2020-1\nDato: 1. maj 2020\n"), "text");
  for (const auto& e : fs::directory_iterator(kSource + "/corpus/seeds/docs"))
    EXPECT_EQ(sniff_format(read_file(e.path().string())), "text") << e.path();
}

TEST(Html, DropsInvisibleAndNavigationText) {
  FileResult fr = analyze(kFixtures + "letter_000.html");
  ASSERT_FALSE(fr.error);
  for (const char* gone : {"Aarhus", "Odense", "Aalborg", "Esbjerg", "Randers", "1999", "var d", "margin"})
    EXPECT_EQ(fr.doc.text.find(gone), std::string::npos) << gone;
  EXPECT_NE(fr.doc.text.find("Vallensbæk Kommune"), std::string::npos);  // from &aelig;
}

TEST(Html, EntitiesBlocksAndWindows1252) {
  auto ex = extract_html("<html><body><p>Dato:&nbsp;1.&nbsp;maj&nbsp;2020</p><ul><li>R&oslash;dovre</li>"
                         "<li>T&#229;rnby &amp; Ish\xF8j</li></ul><table><tr><td>Sagsnr.</td><td>2020-1</td></tr>"
                         "</table><pre>a\n  b</pre></body></html>",
                         Limits{});
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  EXPECT_EQ(ex->encoding, "windows-1252");
  EXPECT_EQ(ex->text,
            "Dato:\u00a01.\u00a0maj\u00a02020\n\nRødovre\nTårnby & Ishøj\n\nSagsnr. 2020-1\n\na\n  b\n");
}

TEST(Email, HeadersInTheRecordPlainPreferred) {
  FileResult fr = analyze(kFixtures + "letter_000.eml");
  ASSERT_FALSE(fr.error);
  ASSERT_TRUE(fr.doc.email);
  EXPECT_EQ(fr.doc.email->from, "Social- og Indenrigsministeriet <sim@sim.dk>");
  EXPECT_EQ(fr.doc.email->to, "Borgmester Ole Bjørstorp <borgmester@ishoj.dk>");
  EXPECT_EQ(fr.doc.email->date, "2020-12-14T10:00:00+01:00");
  EXPECT_EQ(fr.doc.email->subject, "Svar vedrørende ophør af forpligtende samarbejder");
  auto j = to_json(fr.doc, fr.analysis, false);
  EXPECT_EQ(j["email"]["subject"], "Svar vedrørende ophør af forpligtende samarbejder");
  EXPECT_EQ(j["source"]["format"], "eml");
  EXPECT_EQ(fr.doc.text.find("Aarhus"), std::string::npos);  // the text/plain part, not the HTML one
  EXPECT_NE(fr.doc.text.find("Vallensbæk"), std::string::npos);  // windows-1252 quoted-printable
  FileResult html_only = analyze(kFixtures + "answer_003.eml");
  ASSERT_FALSE(html_only.error);
  EXPECT_EQ(html_only.doc.text.find("Aarhus"), std::string::npos);  // through the HTML reader
}

TEST(Email, SniffNeedsAHeaderBlock) {
  EXPECT_EQ(sniff_format("From: a@b.dk\r\nDate: Mon, 14 Dec 2020 10:00:00 +0100\r\n\r\nHej\r\n"), "eml");
  EXPECT_EQ(sniff_format("From a@b.dk Mon Dec 14 10:00:00 2020\nFrom: a@b.dk\nMessage-ID: <x@y>\n\nHej\n"), "eml");
  EXPECT_EQ(sniff_format("From: Borgmesteren\nTil: Ministeren\n\nKære minister\n"), "text");  // no Date
  EXPECT_EQ(sniff_format("Fra: a@b.dk\nDato: 1. maj 2020\n\nHej\n"), "text");
}

TEST(Pdf, RunningHeaderFooterAndPageNumbersDropped) {
  FileResult fr = analyze(kFixtures + "answer_003.pdf");
  ASSERT_FALSE(fr.error);
  EXPECT_EQ(fr.doc.text.find("Udskrevet"), std::string::npos);
  EXPECT_EQ(fr.doc.text.find("Side 1 af"), std::string::npos);
  EXPECT_EQ(fr.doc.text.find("Side 2 af"), std::string::npos);
  EXPECT_NE(fr.doc.text.find("Astrid Krag"), std::string::npos);  // the last page's body is kept
}

// ---- hostile input: a clear error record, in bounded time ----

void expect_error(const FileResult& fr, const std::string& format, const std::string& code) {
  ASSERT_TRUE(fr.error.has_value()) << "no error for a hostile " << format;
  EXPECT_EQ(fr.error->code, code) << fr.error->message;
  EXPECT_FALSE(fr.error->message.empty());
  EXPECT_EQ(fr.source.format, format);
  EXPECT_EQ(fr.source.sha256.size(), 64u);  // the record still identifies the file
}

TEST(Hostile, EncryptedPdf) { expect_error(analyze(kFixtures + "encrypted.pdf"), "pdf", "encrypted"); }

// No text layer and nothing for OCR to read (a filled rectangle).
TEST(Hostile, PdfWithoutTextLayer) { expect_error(analyze(kFixtures + "notext.pdf"), "pdf", "no_text"); }

TEST(Hostile, TruncatedPdfsNeverCrash) {
  TempDir tmp;
  std::string pdf = read_file(kFixtures + "answer_003.pdf");
  for (size_t cut : {size_t{9}, size_t{40}, pdf.size() / 3, pdf.size() / 2, pdf.size() - 30}) {
    write_file(tmp / "t.pdf", pdf.substr(0, cut));
    FileResult fr = analyze(tmp / "t.pdf");
    EXPECT_EQ(fr.source.format, "pdf");
    // poppler may rebuild the cross-reference table and recover the pages before the cut.
    if (fr.error) {
      EXPECT_EQ(fr.error->code, "pdf") << cut << ": " << fr.error->message;
    }
  }
}

TEST(Hostile, GarbageWithMagic) {
  TempDir tmp;
  std::string junk;
  for (int i = 0; i < 20000; ++i) junk.push_back(static_cast<char>((i * 7919) % 251));
  write_file(tmp / "a.pdf", "%PDF-1.7\n" + junk);
  expect_error(analyze(tmp / "a.pdf"), "pdf", "pdf");
  write_file(tmp / "b.zip", std::string("PK\x03\x04", 4) + junk);
  expect_error(analyze(tmp / "b.zip"), "zip", "format");
  write_file(tmp / "c.docx", std::string("PK\x03\x04", 4) + "word/document.xml" + junk);
  expect_error(analyze(tmp / "c.docx"), "docx", "zip");
  std::string odt = read_file(kFixtures + "letter_000.odt");
  write_file(tmp / "d.odt", odt.substr(0, odt.size() / 2));
  expect_error(analyze(tmp / "d.odt"), "odt", "zip");
}

TEST(Hostile, DocxMemberNotWellFormed) {
  TempDir tmp;
  std::string cmd = "python3 -c \"import zipfile; z = zipfile.ZipFile('" + (tmp / "x.docx") +
                    "', 'w', zipfile.ZIP_DEFLATED); z.writestr('word/document.xml', '<w:document><w:body><w:p>')\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  expect_error(analyze(tmp / "x.docx"), "docx", "xml");
}

TEST(Hostile, ZipBombDocxRefusedByRatio) {
  TempDir tmp;
  // 64 MB of one letter deflates to ~64 KB: a ratio near 1000, made here so nothing big is committed.
  std::string cmd =
      "python3 -c \"import zipfile; z = zipfile.ZipFile('" + (tmp / "bomb.docx") +
      "', 'w', zipfile.ZIP_DEFLATED); z.writestr('word/document.xml', '<w:document xmlns:w=\\\"w\\\"><w:body><w:p><w:r><w:t>' + "
      "'A' * (64 << 20) + '</w:t></w:r></w:p></w:body></w:document>')\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_LT(fs::file_size(tmp / "bomb.docx"), 1u << 20);
  auto t0 = std::chrono::steady_clock::now();
  expect_error(analyze(tmp / "bomb.docx"), "docx", "ratio");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(Hostile, DocxTotalSizeBounded) {
  // Text that compresses poorly (ratio ~2) passes the ratio bound; max_bytes still stops it.
  TempDir tmp;
  std::string cmd = "python3 -c \"import zipfile, random; r = random.Random(4); z = zipfile.ZipFile('" +
                    (tmp / "big.docx") +
                    "', 'w', zipfile.ZIP_DEFLATED); z.writestr('word/document.xml', '<w:document><w:body><w:p><w:r><w:t>' + "
                    "''.join(r.choice('abcdefghijklmnopqrstuvwxyz ') for _ in range(3 << 20)) + "
                    "'</w:t></w:r></w:p></w:body></w:document>')\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  Limits l;
  l.max_bytes = 2 << 20;
  auto ex = extract_docx(read_file(tmp / "big.docx"), l);
  ASSERT_FALSE(ex.ok());
  EXPECT_EQ(ex.error().code, "too_large");
}

std::string deep_html(size_t depth, const char* tag) {
  std::string s = "<!DOCTYPE html><html><body>";
  for (size_t i = 0; i < depth; ++i) s += std::string("<") + tag + ">";
  s += "Dato: 1. maj 2020";
  return s;  // never closed
}

TEST(Hostile, HtmlNested100000Deep) {
  TempDir tmp;
  for (const char* tag : {"div", "b", "span"}) {
    write_file(tmp / "deep.html", deep_html(100000, tag));
    auto t0 = std::chrono::steady_clock::now();
    expect_error(analyze(tmp / "deep.html"), "html", "too_deep");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5)) << tag;
  }
}

TEST(Hostile, HtmlDeepWithTheBoundRaisedStillEndsCleanly) {
  // With --max-nesting raised past the input, libxml2's own depth limit (or nothing) applies:
  // either the text or an error, never a crash, and no tree is built (SAX).
  Limits l;
  l.max_nesting = 1000000;
  auto t0 = std::chrono::steady_clock::now();
  auto ex = extract_html(deep_html(100000, "div"), l);
  if (!ex.ok()) {
    EXPECT_FALSE(ex.error().code.empty());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
}

TEST(Hostile, OfficeXmlNestingBounded) {
  TempDir tmp;
  std::string cmd = "python3 -c \"import zipfile; z = zipfile.ZipFile('" + (tmp / "deep.docx") +
                    "', 'w', zipfile.ZIP_DEFLATED); z.writestr('word/document.xml', '<w:document xmlns:w=\\\"w\\\">' + "
                    "'<w:sdt>' * 100000 + '<w:p/>' + '</w:sdt>' * 100000 + '</w:document>')\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  Limits l;
  l.max_ratio = 100000;  // the markup compresses far past the ratio bound, which is not under test
  FileResult fr = analyze(tmp / "deep.docx", l);
  ASSERT_TRUE(fr.error.has_value());
  // Either our bound or libxml2's own (256 without XML_PARSE_HUGE) stops it first.
  EXPECT_TRUE(fr.error->code == "too_deep" || fr.error->code == "xml") << fr.error->code;
}

TEST(Hostile, EmailNestedMultipartsBounded) {
  TempDir tmp;
  std::string m = "From: a@b.dk\nDate: Mon, 14 Dec 2020 10:00:00 +0100\nMIME-Version: 1.0\n";
  for (int i = 0; i < 100000; ++i)
    m += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\n\n--b" + std::to_string(i) + "\n";
  m += "Content-Type: text/plain\n\nHej\n";
  write_file(tmp / "deep.eml", m);
  expect_error(analyze(tmp / "deep.eml"), "eml", "too_deep");
}

// An e-mail whose body prints no date is dated by its Date header.
TEST(Email, DateHeaderIsTheDocumentDateWhenTheBodyHasNone) {
  TempDir tmp;
  write_file(tmp / "undated.eml", std::string() + "From: Ishøj Kommune <post@ishoj.dk>\r\nTo: minister@sim.dk\r\nDate: Tue, 3 Mar 2020 09:15:00 +0100\r\n"
           "Subject: Ansøgning\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Kære minister\r\n\r\nVi ansøger om dispensation fra kravet om samarbejde.\r\n");
  FileResult fr = analyze(tmp / "undated.eml");
  ASSERT_FALSE(fr.error) << fr.error->message;
  ASSERT_TRUE(fr.analysis.document_date);
  EXPECT_EQ(*fr.analysis.document_date, "2020-03-03");
  EXPECT_EQ(fr.analysis.document_date_rule, "e-mail Date header");
}

// ---- OCR: scans of letter_000 (tests/formats/make_fixtures.sh: pdftoppm at 300 dpi, light noise,
// a slight skew) read by tesseract give the case number and date of the plain-text original ----

std::set<std::string> case_numbers(const FileResult& fr) {
  std::set<std::string> out;
  for (const auto& c : fr.analysis.case_numbers) out.insert(c.value);
  return out;
}

const FileResult& original_000() {
  static FileResult fr = analyze(kSource + "/corpus/seeds/docs/000_256995b99efc51f4.txt");
  return fr;
}

void expect_ocr(const FileResult& fr, const std::string& format) {
  ASSERT_FALSE(fr.error) << fr.error->code << ": " << fr.error->message;
  EXPECT_EQ(fr.source.format, format);
  EXPECT_TRUE(fr.source.ocr);
  EXPECT_GT(fr.source.ocr_confidence, 0.5);
  EXPECT_LE(fr.source.ocr_confidence, 1.0);
  auto j = to_json(fr.doc, fr.analysis, false);
  EXPECT_EQ(j["source"]["ocr"], true);
  EXPECT_EQ(j["source"]["ocr_confidence"], fr.source.ocr_confidence);
}

TEST(Ocr, ScannedPdfHasTheCaseNumberAndDateOfTheText) {
  ASSERT_FALSE(original_000().error);
  ASSERT_EQ(original_000().analysis.document_date.value_or("-"), "2020-12-14");
  ASSERT_EQ(case_numbers(original_000()), std::set<std::string>{"2020-11222"});
  FileResult fr = analyze(kFixtures + "scan_000.pdf");
  expect_ocr(fr, "pdf");
  EXPECT_EQ(case_numbers(fr), case_numbers(original_000())) << fr.doc.text;
  EXPECT_EQ(fr.analysis.document_date, original_000().analysis.document_date) << fr.doc.text;
  EXPECT_EQ(fr.doc.text.find("Side 2 af 3"), std::string::npos);  // page furniture still dropped
}

TEST(Ocr, MultiPageTiffHasTheCaseNumberAndDateOfTheText) {
  FileResult fr = analyze(kFixtures + "scan_000.tiff");
  expect_ocr(fr, "tiff");
  EXPECT_EQ(case_numbers(fr), case_numbers(original_000())) << fr.doc.text;
  EXPECT_EQ(fr.analysis.document_date, original_000().analysis.document_date) << fr.doc.text;
}

TEST(Ocr, PngAndJpegOfTheFirstPage) {
  for (const char* ext : {"png", "jpg"}) {
    FileResult fr = analyze(kFixtures + "scan_000." + ext);
    expect_ocr(fr, ext == std::string("png") ? "png" : "jpeg");
    EXPECT_EQ(case_numbers(fr), case_numbers(original_000())) << ext << "\n" << fr.doc.text;
  }
}

TEST(Ocr, ImagesSniffedByMagicBytes) {
  EXPECT_EQ(sniff_format(read_file(kFixtures + "scan_000.tiff")), "tiff");
  EXPECT_EQ(sniff_format(read_file(kFixtures + "scan_000.png")), "png");
  EXPECT_EQ(sniff_format(read_file(kFixtures + "scan_000.jpg")), "jpeg");
  EXPECT_EQ(sniff_format(std::string("MM\0*", 4) + "x"), "tiff");
  EXPECT_EQ(sniff_format("II* is how a letter could begin\n"), "text");  // no NUL after the star
}

TEST(Ocr, NoOcrGivesNoText) {
  for (const char* name : {"scan_000.pdf", "scan_000.png", "scan_000.tiff"}) {
    FileResult fr = analyze(kFixtures + name, {}, /*ocr=*/false);
    ASSERT_TRUE(fr.error) << name;
    EXPECT_EQ(fr.error->code, "no_text") << name;
    EXPECT_FALSE(fr.source.ocr);
    auto j = error_json(fr.source, *fr.error);
    EXPECT_EQ(j["error"]["code"], "no_text");
    EXPECT_FALSE(j["source"].contains("ocr"));
  }
  // A PDF with a text layer is unaffected.
  FileResult text = analyze(kFixtures + "letter_000.pdf", {}, /*ocr=*/false);
  ASSERT_FALSE(text.error);
  EXPECT_FALSE(text.source.ocr);
}

TEST(Ocr, CliNoOcrFlagWritesTheNoTextRecord) {
  TempDir tmp;
  std::string cmd = std::string("'") + SAGSINDEKS_BINARY + "' analyze --jsonl --no-ocr --lexicons '" + kSource +
                    "/lexicons' '" + kFixtures + "scan_000.png' >'" + (tmp / "out.jsonl") + "' 2>/dev/null";
  int rc = std::system(cmd.c_str());
  EXPECT_NE(rc, 0);  // a failed input: exit status 2
  auto j = nlohmann::json::parse(read_file(tmp / "out.jsonl"));
  EXPECT_EQ(j["error"]["code"], "no_text");
  EXPECT_EQ(j["source"]["format"], "png");
}

TEST(Ocr, DeadlineStopsRecognition) {
  Limits l;
  l.max_seconds = 0.05;
  auto t0 = std::chrono::steady_clock::now();
  expect_error(analyze(kFixtures + "scan_000.pdf", l), "pdf", "timeout");
  // A hang guard only: the timeout error is the contract. 5 s failed on a loaded 2-core machine.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(60));
}

// A PNG header declaring 100000 x 100000 pixels (a 40 GB image) is refused before decoding.
TEST(Ocr, ImageBombRefusedFromItsHeader) {
  auto crc32 = [](const std::string& s) {
    uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : s) {
      c ^= b;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
  };
  auto be32 = [](uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
  };
  std::string ihdr = "IHDR" + be32(100000) + be32(100000) + std::string("\x08\x00\x00\x00\x00", 5);
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + ihdr + be32(crc32(ihdr)) + be32(0) + "IDAT" +
                    be32(crc32("IDAT"));
  TempDir tmp;
  write_file(tmp / "bomb.png", png);
  // A hang guard, not a speed bound (it failed at 2 s on a loaded machine): decoding 40 GB would
  // take minutes or run out of memory; refusing from the header takes milliseconds.
  auto t0 = std::chrono::steady_clock::now();
  expect_error(analyze(tmp / "bomb.png"), "png", "too_large");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(60));
}

TEST(Ocr, DamagedImagesGiveAnImageError) {
  TempDir tmp;
  std::string png = read_file(kFixtures + "scan_000.png");
  write_file(tmp / "cut.png", png.substr(0, 20));
  expect_error(analyze(tmp / "cut.png"), "png", "image");
  write_file(tmp / "junk.jpg", std::string("\xFF\xD8\xFF", 3) + std::string(5000, 'x'));
  expect_error(analyze(tmp / "junk.jpg"), "jpeg", "image");
  write_file(tmp / "junk.tiff", std::string("II*\0", 4) + std::string(5000, '\xEE'));
  expect_error(analyze(tmp / "junk.tiff"), "tiff", "image");
}


// ---- Issue 4: one record per part. attachments.eml (make_fixtures.sh) carries letter_000.docx,
// answer_003.pdf, a forwarded message with answer_003.odt, a plain ZIP and scan_000.png ----

const FileResult& attachments() {
  static FileResult fr = analyze(kFixtures + "attachments.eml");
  return fr;
}

const FileResult* part(const FileResult& fr, const std::string& id) {
  for (const auto& p : fr.parts)
    if (p.source.part && p.source.part->id == id) return &p;
  return nullptr;
}

TEST(Issue4Parts, EachAttachmentIsARecordNamingItsParentAndPosition) {
  const FileResult& fr = attachments();
  ASSERT_FALSE(fr.error) << fr.error->message;
  EXPECT_EQ(fr.source.format, "eml");
  EXPECT_FALSE(fr.source.part);  // the message itself: the file's record
  std::vector<std::string> ids;
  for (const auto& p : fr.parts) ids.push_back(p.source.part->id);
  // Depth first: the forwarded message's own attachment follows it. 5 (the ZIP) is not a record.
  EXPECT_EQ(ids, (std::vector<std::string>{"2", "3", "4", "4.2", "6"}));
  struct Want {
    const char* id;
    const char* parent;
    int position;
    const char* name;
    const char* content_type;
    const char* format;
  };
  for (const Want& w : {Want{"2", "", 1, "Brev til Ishøj.docx",
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
                        Want{"3", "", 2, "svar.pdf", "application/pdf", "pdf"},
                        Want{"4", "", 3, "", "message/rfc822", "eml"},
                        Want{"4.2", "4", 1, "svar.odt", "application/vnd.oasis.opendocument.text", "odt"},
                        Want{"6", "", 4, "scan.png", "image/png", "png"}}) {
    const FileResult* p = part(fr, w.id);
    ASSERT_TRUE(p) << w.id;
    ASSERT_FALSE(p->error) << w.id << ": " << p->error->message;
    const PartInfo& info = *p->source.part;
    EXPECT_EQ(p->source.path, fr.source.path) << w.id;
    EXPECT_EQ(info.parent, w.parent) << w.id;
    EXPECT_EQ(info.position, w.position) << w.id;
    EXPECT_EQ(info.name, w.name) << w.id;
    EXPECT_EQ(info.content_type, w.content_type) << w.id;
    EXPECT_EQ(info.file_sha256, fr.source.sha256) << w.id;
    EXPECT_EQ(p->source.format, w.format) << w.id;
    EXPECT_EQ(source_key(p->source), fr.source.path + "#" + w.id);
    auto j = to_json(p->doc, p->analysis, false);
    EXPECT_EQ(j["source"]["part"]["id"], w.id);
    EXPECT_EQ(j["source"]["part"]["parent"].is_null(), std::string(w.parent).empty()) << w.id;
    EXPECT_EQ(j["source"]["part"]["position"], w.position);
  }
  // The part's own bytes: the attached DOCX is the fixture file, byte for byte.
  std::string docx = read_file(kFixtures + "letter_000.docx");
  EXPECT_EQ(part(fr, "2")->source.bytes, docx.size());
  EXPECT_EQ(part(fr, "2")->source.sha256, sha256_hex(docx));
  // The message's own record: its headers and the attachment it could not read.
  ASSERT_TRUE(fr.doc.email);
  EXPECT_EQ(fr.doc.email->subject, "Journalisering: brev og bilag");
  ASSERT_EQ(fr.analysis.warnings.size(), 1u);
  EXPECT_NE(fr.analysis.warnings[0].find("attachment 5 (bilag.zip, application/zip) not analysed"), std::string::npos);
  ASSERT_TRUE(part(fr, "4")->doc.email);
  EXPECT_EQ(part(fr, "4")->doc.email->subject, "VS: Svar på spørgsmål");
}

TEST(Issue4Parts, AnAttachmentAnalysesLikeItsPlainTextOriginal) {
  const FileResult& fr = attachments();
  FileResult letter = analyze(kSource + "/corpus/seeds/docs/000_256995b99efc51f4.txt");
  FileResult answer = analyze(kSource + "/corpus/seeds/docs/003_374ed7ae66b69cef.txt");
  ASSERT_TRUE(part(fr, "2") && part(fr, "3") && part(fr, "4.2") && part(fr, "6"));
  EXPECT_EQ(summary(*part(fr, "2")), summary(letter));
  EXPECT_EQ(summary(*part(fr, "3")), summary(answer));
  EXPECT_EQ(summary(*part(fr, "4.2")), summary(answer));  // inside the forwarded message
  const FileResult& scan = *part(fr, "6");
  EXPECT_TRUE(scan.source.ocr);
  EXPECT_EQ(case_numbers(scan), case_numbers(letter)) << scan.doc.text;
}

std::string mime(const std::string& body_parts, const std::string& type = "multipart/mixed") {
  return "From: Ishøj Kommune <post@ishoj.dk>\r\nDate: Wed, 16 Dec 2020 12:00:00 +0100\r\nMIME-Version: 1.0\r\n"
         "Content-Type: " + type + "; boundary=\"b\"\r\n\r\n" + body_parts + "--b--\r\n";
}

std::string base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<uint8_t>(in[i + 2]);
    out += k[v >> 18 & 63];
    out += k[v >> 12 & 63];
    out += i + 1 < in.size() ? k[v >> 6 & 63] : '=';
    out += i + 2 < in.size() ? k[v & 63] : '=';
    if (out.size() % 78 == 76) out += "\r\n";
  }
  return out;
}

// Messages saved as files and attached as application/octet-stream (as mail programs do with
// .eml files) are sniffed as e-mail and read in turn. Base64 hides their structure from the
// container count made before parsing, so the depth of attachment is bounded on its own.
TEST(Issue4Parts, MessagesAttachedInsideMessagesAreBoundedByTheNestingLimit) {
  std::string m = mime("--b\r\nContent-Type: text/plain\r\n\r\nDato: 14-12-2020\r\n");
  for (int level = 0; level < 4; ++level)
    m = mime("--b\r\nContent-Type: text/plain\r\n\r\nVideresendt.\r\n--b\r\nContent-Type: application/octet-stream\r\n"
             "Content-Disposition: attachment; filename=fwd.eml\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
             base64(m) + "\r\n");
  TempDir tmp;
  write_file(tmp / "chain.eml", m);
  FileResult all = analyze(tmp / "chain.eml");
  ASSERT_FALSE(all.error) << all.error->message;
  std::vector<std::string> ids;
  for (const auto& p : all.parts) ids.push_back(p.source.part->id + (p.error ? "!" : ""));
  EXPECT_EQ(ids, (std::vector<std::string>{"2", "2.2", "2.2.2", "2.2.2.2"}));
  EXPECT_EQ(all.parts.back().analysis.document_date.value_or("-"), "2020-12-14");
  EXPECT_EQ(all.parts.back().source.part->parent, "2.2.2");
  Limits l;
  l.max_nesting = 2;
  FileResult bounded = analyze(tmp / "chain.eml", l);
  ASSERT_FALSE(bounded.error) << bounded.error->message;
  ASSERT_EQ(bounded.parts.size(), 3u);  // depth 1 and 2 read; depth 3 an error record, not opened
  EXPECT_FALSE(bounded.parts[1].error);
  ASSERT_TRUE(bounded.parts[2].error);
  EXPECT_EQ(bounded.parts[2].error->code, "too_deep");
  auto j = error_json(bounded.parts[2].source, *bounded.parts[2].error);
  EXPECT_EQ(j["source"]["part"]["id"], "2.2.2");
  EXPECT_EQ(j["source"]["part"]["parent"], "2.2");
}

TEST(Issue4Parts, SignaturesAndPicturesOfTheBodyAreNotDocuments) {
  TempDir tmp;
  // A signed message, and an HTML body with its logo (multipart/related, Content-ID).
  write_file(tmp / "signed.eml",
             mime("--b\r\nContent-Type: text/plain\r\n\r\nDato: 14-12-2020\r\n"
                  "--b\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
                  "Content-Disposition: attachment; filename=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                  "MIIB\r\n",
                  "multipart/signed"));
  write_file(tmp / "logo.eml",
             mime("--b\r\nContent-Type: text/html\r\n\r\n<html><body><img src=\"cid:logo\">Dato: 14-12-2020"
                  "</body></html>\r\n--b\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n",
                  "multipart/related"));
  for (const char* name : {"signed.eml", "logo.eml"}) {
    FileResult fr = analyze(tmp / name);
    ASSERT_FALSE(fr.error) << name << ": " << fr.error->message;
    EXPECT_TRUE(fr.parts.empty()) << name;
    EXPECT_TRUE(fr.analysis.warnings.empty()) << name;
    EXPECT_EQ(fr.analysis.document_date.value_or("-"), "2020-12-14") << name;
  }
}

TEST(Issue4Parts, AMessageOfAttachmentsOnlyStillHasItsRecord) {
  TempDir tmp;
  std::string letter = read_file(kSource + "/corpus/seeds/docs/000_256995b99efc51f4.txt");
  write_file(tmp / "scanner.eml",
             mime("--b\r\nContent-Type: text/plain; charset=utf-8; name=brev.txt\r\n"
                  "Content-Disposition: attachment; filename=brev.txt\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
                  letter + "\r\n--b\r\nContent-Type: application/octet-stream; name=data.bin\r\n"
                  "Content-Disposition: attachment; filename=data.bin\r\n\r\n\x01\x02\x03 not a letter\r\n"));
  FileResult fr = analyze(tmp / "scanner.eml");
  ASSERT_FALSE(fr.error) << fr.error->message;
  EXPECT_TRUE(fr.doc.text.empty());
  EXPECT_EQ(fr.analysis.document_date.value_or("-"), "2020-12-16");  // the Date header
  ASSERT_EQ(fr.parts.size(), 1u);  // the text attachment; the unknown binary one is a warning
  EXPECT_EQ(fr.parts[0].source.format, "text");
  EXPECT_EQ(fr.parts[0].source.part->name, "brev.txt");
  EXPECT_EQ(summary(fr.parts[0]), summary(original_000()));
  bool warned = false;
  for (const auto& w : fr.analysis.warnings) warned = warned || w.find("data.bin") != std::string::npos;
  EXPECT_TRUE(warned);
}

// A flat MIME tree of 10 000 attachments (one container, so the nesting bound does not stop it):
// at most kMaxEmbeddedParts records, a warning for the rest, in bounded time.
TEST(Issue4Parts, TenThousandAttachmentsAreBounded) {
  std::string parts;
  for (int i = 0; i < 10000; ++i)
    parts += "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a" + std::to_string(i) +
             ".txt\r\n\r\nDato: 14-12-2020\r\n";
  TempDir tmp;
  write_file(tmp / "flat.eml", mime("--b\r\nContent-Type: text/plain\r\n\r\nHej\r\n" + parts));
  auto t0 = std::chrono::steady_clock::now();
  FileResult fr = analyze(tmp / "flat.eml");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  ASSERT_FALSE(fr.error) << fr.error->message;
  EXPECT_EQ(fr.parts.size(), kMaxEmbeddedParts);
  EXPECT_EQ(fr.parts.back().source.part->id, std::to_string(kMaxEmbeddedParts + 1));
  EXPECT_EQ(fr.parts.back().analysis.document_date.value_or("-"), "2020-12-14");
  ASSERT_EQ(fr.analysis.warnings.size(), 1u);
  EXPECT_EQ(fr.analysis.warnings[0], "only the first 1000 attachments were analysed");
}

TEST(Issue4Parts, CliWritesOneLinePerPartAfterItsMessage) {
  TempDir tmp;
  std::string cmd = std::string("'") + SAGSINDEKS_BINARY + "' analyze --jsonl --lexicons '" + kSource +
                    "/lexicons' '" + kFixtures + "attachments.eml' '" + kFixtures + "letter_000.pdf' >'" +
                    (tmp / "out.jsonl") + "' 2>'" + (tmp / "err.txt") + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << read_file(tmp / "err.txt");
  auto recs = test::jsonl(read_file(tmp / "out.jsonl"));
  ASSERT_EQ(recs.size(), 7u);  // the message, its 5 parts, then the next file
  EXPECT_FALSE(recs[0]["source"].contains("part"));
  for (size_t i = 1; i <= 5; ++i) EXPECT_TRUE(recs[i]["source"].contains("part")) << i;
  EXPECT_EQ(recs[4]["source"]["part"]["id"], "4.2");
  EXPECT_FALSE(recs[6]["source"].contains("part"));
  EXPECT_EQ(read_file(tmp / "err.txt"), "");
}

// ---- Issue 4: damaged images give an error record (or a warning when most of the image
// decoded) and nothing from libpng/libjpeg on stderr ----

TEST(Issue4Images, DamagedImagesLeaveNoLibraryNoiseOnStderr) {
  TempDir tmp;
  std::string png = read_file(kFixtures + "scan_000.png"), jpg = read_file(kFixtures + "scan_000.jpg");
  write_file(tmp / "cut.png", png.substr(0, png.size() / 2));
  write_file(tmp / "cut.jpg", jpg.substr(0, jpg.size() / 2));
  write_file(tmp / "junk.jpg", std::string("\xFF\xD8\xFF", 3) + std::string(5000, 'x'));
  std::string cmd = std::string("'") + SAGSINDEKS_BINARY + "' analyze --jsonl --lexicons '" + kSource +
                    "/lexicons' '" + (tmp / "cut.png") + "' '" + (tmp / "cut.jpg") + "' '" + (tmp / "junk.jpg") +
                    "' >'" + (tmp / "out.jsonl") + "' 2>'" + (tmp / "err.txt") + "'";
  EXPECT_NE(std::system(cmd.c_str()), 0);
  // Every line on stderr is ours: "path: message", or the closing count.
  std::istringstream err(read_file(tmp / "err.txt"));
  int lines = 0;
  for (std::string line; std::getline(err, line); ++lines)
    EXPECT_TRUE(line.rfind(tmp / "", 0) == 0 || line.rfind("sagsindeks analyze: ", 0) == 0) << line;
  EXPECT_EQ(lines, 3);  // cut.png, junk.jpg, and the count
  auto recs = test::jsonl(read_file(tmp / "out.jsonl"));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0]["error"]["code"], "image");
  EXPECT_NE(recs[0]["error"]["message"].get<std::string>().find("PNG"), std::string::npos);
  // Half a JPEG decodes (the rest grey): a record, flagged by a warning, with what OCR could read.
  EXPECT_FALSE(recs[1].contains("error"));
  ASSERT_EQ(recs[1]["warnings"].size(), 1u);
  EXPECT_NE(recs[1]["warnings"][0].get<std::string>().find("damaged"), std::string::npos);
  EXPECT_EQ(recs[1]["review"]["needed"], true);
  EXPECT_EQ(recs[2]["error"]["code"], "image");
}

// ---- Issue 4: --max-ocr-pages bounds the pages OCR'd per document ----

TEST(Issue4OcrPages, TheBoundSkipsFurtherPagesWithAWarning) {
  Limits l;
  l.max_ocr_pages = 1;
  FileResult pdf = analyze(kFixtures + "scan_000.pdf", l);  // three scanned pages
  ASSERT_FALSE(pdf.error) << pdf.error->message;
  ASSERT_EQ(pdf.analysis.warnings.size(), 1u);
  EXPECT_NE(pdf.analysis.warnings[0].find("2 pages without a text layer were not OCR'd (at most 1"), std::string::npos)
      << pdf.analysis.warnings[0];
  FileResult all = analyze(kFixtures + "scan_000.pdf");
  EXPECT_LT(pdf.doc.text.size(), all.doc.text.size() * 2 / 3);
  FileResult tiff = analyze(kFixtures + "scan_000.tiff", l);  // two pages
  ASSERT_FALSE(tiff.error) << tiff.error->message;
  ASSERT_EQ(tiff.analysis.warnings.size(), 1u);
  EXPECT_NE(tiff.analysis.warnings[0].find("only the first 1 pages of the TIFF"), std::string::npos);
  l.max_ocr_pages = 0;  // no page at all: nothing to read
  expect_error(analyze(kFixtures + "scan_000.png", l), "png", "no_text");
  expect_error(analyze(kFixtures + "scan_000.tiff", l), "tiff", "no_text");
}

TEST(Issue4OcrPages, CliFlagIsCheckedAndApplied) {
  TempDir tmp;
  std::string base = std::string("'") + SAGSINDEKS_BINARY + "' analyze --jsonl --lexicons '" + kSource + "/lexicons' ";
  std::string bad = base + "--max-ocr-pages many '" + kFixtures + "scan_000.png' >/dev/null 2>'" + (tmp / "err") + "'";
  EXPECT_NE(std::system(bad.c_str()), 0);
  EXPECT_NE(read_file(tmp / "err").find("--max-ocr-pages takes a whole number"), std::string::npos);
  std::string zero = base + "--max-ocr-pages 0 '" + kFixtures + "scan_000.png' >'" + (tmp / "out") + "' 2>/dev/null";
  EXPECT_NE(std::system(zero.c_str()), 0);
  EXPECT_EQ(nlohmann::json::parse(read_file(tmp / "out"))["error"]["code"], "no_text");
}

}  // namespace
}  // namespace sagsindeks
