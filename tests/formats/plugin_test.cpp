// Issue 5, start-up: the format readers live in the format plugin (libsagsindeks-formats.so,
// src/ingest/formats/plugin.h), loaded on the first document that needs one. These tests hold the
// property that made start-up cheap (commands that read no such format never map poppler,
// tesseract, gmime, ...; search never maps libcrypto) and the plugin's error record. The dynamic
// loader's own trace (LD_DEBUG=libs, on stderr) says which objects a run loaded.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../common/test_util.h"

namespace sagsindeks {
namespace {

using test::quote;
using test::run_cli;
using test::TempDir;

const std::string kSource = SAGSINDEKS_SOURCE_DIR;
const std::string kFixtures = kSource + "/tests/formats/fixtures/";
const std::string kLexicons = "--lexicons " + quote(kSource + "/lexicons");

// Libraries only the format readers need; none may be loaded by a run that reads no such format.
const char* kFormatLibraries[] = {"libsagsindeks-formats", "libpoppler", "libtesseract", "liblept", "libgmime",
                                  "libxml2", "libzip.so", "libpng", "libjpeg", "libglib", "libgobject"};

// The objects a run of `sagsindeks ARGS` loaded, as the dynamic loader traced them.
std::string loaded(const std::string& args, const TempDir& t, const std::string& env = "") {
  auto r = run_cli(args, t.path, "", "LD_DEBUG=libs " + env);
  // A positive control: the trace is there at all (an ld.so that ignores LD_DEBUG fails here).
  EXPECT_NE(r.err.find("calling init:"), std::string::npos) << r.err;
  return r.err;
}

void expect_no_format_library(const std::string& trace, const std::string& what) {
  for (const char* lib : kFormatLibraries) EXPECT_EQ(trace.find(lib), std::string::npos) << what << " loaded " << lib;
}

TEST(Startup, SearchHelpLoadsNoFormatLibraryNorLibcrypto) {
  TempDir t;
  std::string trace = loaded("search --help", t);
  expect_no_format_library(trace, "search --help");
  EXPECT_EQ(trace.find("libcrypto"), std::string::npos) << "search --help loaded libcrypto";
}

TEST(Startup, SearchLoadsNoFormatLibraryNorLibcrypto) {
  TempDir t;
  auto ing = run_cli("ingest --quiet " + kLexicons + " " + quote(t / "ix.db") + " " + quote(test::corpus_doc(0)), t.path);
  ASSERT_EQ(ing.status, 0) << ing.err;
  std::string trace = loaded("search " + quote(t / "ix.db") + " kommune", t);
  expect_no_format_library(trace, "search");
  EXPECT_EQ(trace.find("libcrypto"), std::string::npos) << "search loaded libcrypto";
}

TEST(Startup, PlainTextAnalysisLoadsNoFormatLibrary) {
  TempDir t;
  std::string trace = loaded("analyze --jsonl " + kLexicons + " " + quote(test::corpus_doc(0)), t);
  expect_no_format_library(trace, "analyze of plain text");
  EXPECT_NE(trace.find("libcrypto"), std::string::npos) << "hashing loads libcrypto";
}

TEST(Startup, APdfLoadsThePluginFromBesideTheBinary) {
  TempDir t;
  std::string trace = loaded("analyze --jsonl " + kLexicons + " " + quote(kFixtures + "letter_000.pdf"), t);
  std::string beside = std::filesystem::path(SAGSINDEKS_BINARY).parent_path().string() + "/libsagsindeks-formats.so";
  EXPECT_NE(trace.find(beside), std::string::npos) << trace;
  EXPECT_NE(trace.find("libpoppler"), std::string::npos);
}

TEST(Plugin, MissingGivesAnErrorRecordAndPlainTextStillWorks) {
  TempDir t;
  std::string empty = t / "no-plugin";
  std::filesystem::create_directories(empty);
  auto r = run_cli("analyze --jsonl " + kLexicons + " " + quote(kFixtures + "letter_000.pdf") + " " +
                       quote(test::corpus_doc(0)),
                   t.path, "", "SAGSINDEKS_PLUGIN_DIR=" + quote(empty));
  EXPECT_EQ(r.status, 2);
  std::istringstream out(r.out);
  std::string pdf_line, text_line;
  std::getline(out, pdf_line);
  std::getline(out, text_line);
  auto pdf = nlohmann::json::parse(pdf_line), text = nlohmann::json::parse(text_line);
  EXPECT_EQ(pdf["error"]["code"], "plugin");
  EXPECT_EQ(pdf["source"]["format"], "pdf");
  std::string msg = pdf["error"]["message"];
  EXPECT_NE(msg.find("format plugin not found at " + empty + "/libsagsindeks-formats.so"), std::string::npos) << msg;
  EXPECT_NE(msg.find("set SAGSINDEKS_PLUGIN_DIR"), std::string::npos) << msg;
  EXPECT_NE(r.err.find("letter_000.pdf: format plugin not found"), std::string::npos) << r.err;
  EXPECT_FALSE(text.contains("error"));
  EXPECT_FALSE(text["dates"].empty());
}

TEST(Plugin, AFileThatIsNoPluginIsNamedInTheError) {
  TempDir t;
  test::write_file(t / "bad/libsagsindeks-formats.so", "not a shared object");
  auto r = run_cli("analyze --jsonl " + kLexicons + " " + quote(kFixtures + "letter_000.html"), t.path, "",
                   "SAGSINDEKS_PLUGIN_DIR=" + quote(t / "bad"));
  EXPECT_EQ(r.status, 2);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "plugin");
  std::string msg = j["error"]["message"];
  EXPECT_NE(msg.find(t / "bad/libsagsindeks-formats.so cannot be loaded"), std::string::npos) << msg;
}

TEST(Plugin, TheDirectoryVariableIsHonoured) {
  TempDir t;
  std::string dir = std::filesystem::path(SAGSINDEKS_BINARY).parent_path().string();
  auto r = run_cli("analyze --jsonl " + kLexicons + " " + quote(kFixtures + "letter_000.docx"), t.path, "",
                   "SAGSINDEKS_PLUGIN_DIR=" + quote(dir));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["source"]["format"], "docx");
}

// Refusals need no reader: a plain ZIP and an image with --no-ocr do not load the plugin.
TEST(Plugin, RefusalsDoNotLoadIt) {
  TempDir t;
  test::write_file(t / "a.zip", std::string("PK\x03\x04", 4) + "garbage");
  std::string trace = loaded("analyze --jsonl --no-ocr " + kLexicons + " " + quote(t / "a.zip") + " " +
                                 quote(kFixtures + "scan_000.png"),
                             t);
  expect_no_format_library(trace, "refusals");
}

}  // namespace
}  // namespace sagsindeks
