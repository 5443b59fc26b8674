// The real binary on a folder of bad inputs: one record per input in order, an error record
// (code and message) and a stderr line naming each bad file, exit status 2, the good ones
// analysed. Runs `sagsindeks analyze` in a temporary folder.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "../common/test_util.h"

namespace test = sagsindeks::test;

using sagsindeks::test::TempDir;

using test::jsonl;

TEST(Cli, BadInputsAreReportedAndTheRunGoesOn) {
  TempDir d;
  std::string good = test::read_file(test::corpus_doc(0));
  test::write_file(d / "01-good.txt", good);
  test::write_file(d / "02-empty.txt", "");
  test::write_file(d / "03-binary.bin", std::string("\x7F" "ELF\x02\x01\x01\0\0\0", 10) + std::string(100, '\0'));
  test::write_file(d / "04-bad-utf8.txt", "Kære Søren på Ærø \xFF\xFE og så videre æøå\n");
  {
    FILE* f = std::fopen((d / "05-huge.txt").c_str(), "wb");
    ASSERT_EQ(ftruncate(fileno(f), 200'000'000), 0);  // sparse: 200 MB that costs nothing
    std::fclose(f);
  }
  test::write_repeated(d / "06-one-line.txt", 'x', 3'000'000);
  test::write_file(d / "07-nul.txt", good.substr(0, 100) + std::string(1, '\0') + good.substr(100));
  test::write_file(d / "08-good.txt", good);
  auto r = test::run_cli("analyze --jsonl -j 2 '" + d.path + "' '" + (d / "missing.txt") + "'", d.path);
  EXPECT_EQ(r.status, 2) << r.err;
  auto recs = jsonl(r.out);
  ASSERT_EQ(recs.size(), 9u) << r.out;
  const std::vector<std::pair<std::string, std::string>> want = {
      {"01-good.txt", ""},         {"02-empty.txt", "empty"}, {"03-binary.bin", "binary"},
      {"04-bad-utf8.txt", "encoding"}, {"05-huge.txt", "too_large"}, {"06-one-line.txt", "line_too_long"},
      {"07-nul.txt", "binary"},    {"08-good.txt", ""},       {"missing.txt", "io"}};
  for (size_t i = 0; i < want.size(); ++i) {
    const auto& j = recs[i];
    std::string path = j["source"]["path"];
    EXPECT_NE(path.find(want[i].first), std::string::npos) << path;
    if (want[i].second.empty()) {
      EXPECT_FALSE(j.contains("error")) << j.dump();
      EXPECT_EQ(j["schema"], "sagsindeks.analysis/1");
    } else {
      ASSERT_TRUE(j.contains("error")) << j.dump();
      EXPECT_EQ(j["error"]["code"], want[i].second) << path;
      EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
      EXPECT_NE(r.err.find(path + ": "), std::string::npos) << "stderr does not name " << path << "\n" << r.err;
    }
  }
  EXPECT_NE(r.err.find("7 of 9 inputs failed"), std::string::npos) << r.err;
}

TEST(Cli, StandardInputIsBounded) {
  TempDir d;
  auto r = test::run_cli("analyze --max-bytes 100000 --max-line 10000000 -", d.path, "head -c 5000000 /dev/zero");
  EXPECT_EQ(r.status, 2);
  auto recs = jsonl(r.out.empty() ? "" : nlohmann::json::parse(r.out).dump());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0]["error"]["code"], "too_large");
  auto l = test::run_cli("analyze --jsonl -", d.path, "head -c 5000000 /dev/zero | tr '\\0' 'a'");
  EXPECT_EQ(l.status, 2);
  EXPECT_NE(l.out.find("\"line_too_long\""), std::string::npos) << l.out;
}

TEST(Cli, LimitFlagsAreCheckedAndApplied) {
  TempDir d;
  std::string doc = test::corpus_doc(0);
  for (const char* bad : {"--max-line 0", "--max-bytes -1", "--max-bytes 99999999999999", "--max-mentions x",
                          "--timeout -3", "--max-nesting 0", "--max-ratio many", "--max-ocr-pages -1"}) {
    auto r = test::run_cli(std::string("analyze ") + bad + " '" + doc + "'", d.path);
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_NE(r.err.find("takes a whole number"), std::string::npos) << bad << ": " << r.err;
    EXPECT_TRUE(r.out.empty());
  }
  auto m = test::run_cli("analyze --jsonl --max-mentions 1 '" + doc + "'", d.path);
  EXPECT_EQ(m.status, 2);
  EXPECT_NE(m.out.find("\"too_many_mentions\""), std::string::npos);
  auto ok = test::run_cli("analyze --jsonl --max-line 5000 --timeout 30 --max-nesting 5 --max-ratio 10 --max-ocr-pages 3 '" + doc + "'", d.path);
  EXPECT_EQ(ok.status, 0) << ok.err;
}

TEST(Cli, SymlinkLoopFolderFinishes) {
  TempDir d;
  test::fs::create_directories(d / "in/sub");
  test::fs::copy_file(test::corpus_doc(0), d / "in/sub/a.txt");
  test::fs::create_directory_symlink(d / "in", d / "in/sub/loop");
  auto r = test::run_cli("analyze --jsonl '" + (d / "in") + "'", d.path);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(jsonl(r.out).size(), 1u);
}
