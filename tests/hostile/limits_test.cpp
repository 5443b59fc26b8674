// Reading hostile files and the limits: 0 bytes, 100 MB of one character, lines with no break,
// sizes over the bound, NULs, files that change or vanish while read, symlink loops, special
// files, too many mentions, the time bound. Every one yields an error with its code; none stops
// the other inputs.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "analysis/corpus.h"
#include "core/spell.h"
#include "../common/test_util.h"
#include "ingest/encoding.h"
#include "ingest/reader.h"

#include <unicode/unistr.h>
#include <random>

using namespace sagsindeks;
using sagsindeks::test::TempDir;
namespace fs = std::filesystem;

namespace {

FileResult analyze(const std::string& path, AnalyzeOptions o = {}) {
  return analyze_file(path, test::resources(), o);
}

}  // namespace

TEST(Limits, ZeroByteFileIsEmpty) {
  TempDir d;
  test::write_file(d / "empty.txt", "");
  auto r = analyze(d / "empty.txt");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "empty");
  EXPECT_EQ(r.source.sha256, sha256_hex(""));
}

TEST(Limits, OnlyWhiteSpaceIsEmpty) {
  TempDir d;
  test::write_file(d / "ws.txt", " \n\t\r\n\u00A0\n");
  auto r = analyze(d / "ws.txt");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "empty");
}

TEST(Limits, HundredMegabytesOfOneLetterStopsAtTheLineBound) {
  TempDir d;
  test::write_repeated(d / "a.txt", 'a', 100'000'000);
  auto r = analyze(d / "a.txt");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "line_too_long");
  EXPECT_NE(r.error->message.find("--max-line"), std::string::npos);
}

TEST(Limits, HundredMegabytesOfLineBreaksIsEmpty) {
  TempDir d;
  test::write_repeated(d / "nl.txt", '\n', 100'000'000);
  auto t0 = std::chrono::steady_clock::now();
  auto r = analyze(d / "nl.txt");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "empty");
  EXPECT_EQ(r.source.bytes, 100'000'000u);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 60.0);
}

TEST(Limits, TenMegabytesWithNoLineBreak) {
  TempDir d;
  std::string line;
  while (line.size() < 10'000'000) line += "Kære Søren, ";
  test::write_file(d / "one-line.txt", "Overskrift\n" + line);
  auto r = analyze(d / "one-line.txt");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "line_too_long");
  EXPECT_NE(r.error->message.find("line 2 (from byte 11)"), std::string::npos) << r.error->message;
  // and with the bound raised it is analysed
  AnalyzeOptions o;
  o.limits.max_line = 20'000'000;
  auto ok = analyze(d / "one-line.txt", o);
  EXPECT_FALSE(ok.error) << ok.error->message;
}

TEST(Limits, SizeBoundIsCheckedBeforeReading) {
  TempDir d;
  // a sparse 200 MB file: costs no disk, and must not be read
  {
    FILE* f = std::fopen((d / "big.txt").c_str(), "wb");
    ASSERT_TRUE(f);
    ASSERT_EQ(ftruncate(fileno(f), 200'000'000), 0);
    std::fclose(f);
  }
  auto r = analyze(d / "big.txt");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "too_large");
  EXPECT_NE(r.error->message.find("200000000"), std::string::npos);
  EXPECT_NE(r.error->message.find("--max-bytes"), std::string::npos);
  AnalyzeOptions o;
  o.limits.max_bytes = 10;
  test::write_file(d / "eleven.txt", "elleve tegn");
  auto s = analyze(d / "eleven.txt", o);
  ASSERT_TRUE(s.error);
  EXPECT_EQ(s.error->code, "too_large");
}

TEST(Limits, NulInTheMiddleOfAFile) {
  TempDir d;
  std::string doc = test::read_file(test::corpus_doc(0));
  test::write_file(d / "nul.txt", doc.substr(0, 500) + std::string(1, '\0') + doc.substr(500));
  auto r = analyze(d / "nul.txt");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "binary");
  EXPECT_NE(r.error->message.find("offset 500"), std::string::npos);
}

TEST(Limits, RandomBytesFiles) {
  TempDir d;
  std::mt19937 rng(66);
  for (int n = 0; n < 40; ++n) {
    std::string t(1 + rng() % 20000, '\0');
    for (auto& c : t) c = static_cast<char>(rng());
    test::write_file(d / "rnd", t);
    auto r = analyze(d / "rnd");
    if (r.error) {
      EXPECT_FALSE(r.error->message.empty());
    }
  }
}

TEST(Limits, Utf16WithoutBomIsAnalysed) {
  TempDir d;
  std::string doc = test::read_file(test::corpus_doc(1)), u16;
  auto dec = decode_text(doc);
  ASSERT_TRUE(dec.ok());
  // to UTF-16LE through the decoder's inverse: only BMP characters in the corpus
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(dec->utf8);
  for (int i = 0; i < u.length(); ++i) u16 += std::string{static_cast<char>(u[i] & 0xFF), static_cast<char>(u[i] >> 8)};
  test::write_file(d / "u16.txt", u16);
  auto r = analyze(d / "u16.txt");
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.source.encoding, "UTF-16LE (no BOM)");
  auto ref = analyze(test::corpus_doc(1));
  EXPECT_EQ(r.doc.text, ref.doc.text);
}

TEST(Limits, MissingAndSpecialPaths) {
  TempDir d;
  auto m = analyze(d / "no-such-file.txt");
  ASSERT_TRUE(m.error);
  EXPECT_EQ(m.error->code, "io");
  EXPECT_NE(m.error->message.find("No such file"), std::string::npos);
  auto dir = read_input(d.path, {});
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().message, "is a directory");
  for (const char* dev : {"/dev/zero", "/dev/null", "/dev/urandom"}) {
    auto r = read_input(dev, {});
    ASSERT_FALSE(r.ok()) << dev;
    EXPECT_EQ(r.error().code, "io");
  }
  ASSERT_EQ(mkfifo((d / "fifo").c_str(), 0600), 0);
  auto f = read_input(d / "fifo", {});  // must not block waiting for a writer
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("not a regular file"), std::string::npos);
}

TEST(Limits, UnreadableFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads everything";
  TempDir d;
  test::write_file(d / "secret.txt", "hemmeligt\n");
  chmod((d / "secret.txt").c_str(), 0);
  auto r = analyze(d / "secret.txt");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "io");
  EXPECT_NE(r.error->message.find("Permission denied"), std::string::npos);
}

// A writer appends to and truncates a file while it is read again and again: every read is
// either a consistent snapshot or the error "changed"; nothing crashes or hangs.
TEST(Limits, FileThatChangesWhileBeingRead) {
  TempDir d;
  std::string path = d / "growing.txt";
  std::string chunk(1 << 16, 'x');
  for (size_t i = 63; i < chunk.size(); i += 64) chunk[i] = '\n';
  test::write_file(path, chunk);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    int n = 0;
    while (!stop) {
      FILE* f = std::fopen(path.c_str(), ++n % 16 == 0 ? "wb" : "ab");
      if (f) {
        std::fwrite(chunk.data(), 1, chunk.size(), f);
        std::fclose(f);
      }
    }
  });
  int ok = 0, changed = 0;
  ReadLimits lim;
  lim.max_bytes = 64 << 20;
  for (int i = 0; i < 300; ++i) {
    auto r = read_input(path, lim);
    if (r.ok()) {
      ++ok;
      EXPECT_EQ(r->source.bytes, r->bytes.size());
      EXPECT_EQ(r->source.sha256, sha256_hex(r->bytes));
    } else {
      EXPECT_TRUE(r.error().code == "changed" || r.error().code == "too_large") << r.error().code;
      changed += r.error().code == "changed";
    }
  }
  stop = true;
  writer.join();
  RecordProperty("consistent_reads", ok);
  RecordProperty("changed_reads", changed);
}

TEST(Limits, FileThatDisappearsBeforeItIsRead) {
  TempDir d;
  fs::create_directories(d / "in");
  for (int i = 0; i < 3; ++i) fs::copy_file(test::corpus_doc(i), d / ("in/" + std::to_string(i) + ".txt"));
  InputList in = collect_inputs({d / "in"});
  ASSERT_EQ(in.files.size(), 3u);
  fs::remove(in.files[1]);
  std::vector<FileResult> out(3);
  analyze_ordered(in.files, test::resources(), {}, 2, [&](size_t i, FileResult&& r) { out[i] = std::move(r); });
  EXPECT_FALSE(out[0].error);
  ASSERT_TRUE(out[1].error);
  EXPECT_EQ(out[1].error->code, "io");
  EXPECT_FALSE(out[2].error);
}

// analyze_ordered hands results to the sink from whichever worker holds the next one in order:
// whatever the thread count, the calls come in input order, one at a time, once each, and the
// records (here the hook's output) are those of one thread; missing files stay per-file errors.
TEST(Limits, OrderedMapIsInOrderAndSerialAtAnyJobCount) {
  TempDir d;
  fs::create_directories(d / "in");
  const int n = 40;
  for (int i = 0; i < n; ++i) fs::copy_file(test::corpus_doc(i), d / ("in/" + std::to_string(100 + i) + ".txt"));
  InputList in = collect_inputs({d / "in"});
  ASSERT_EQ(in.files.size(), static_cast<size_t>(n));
  in.files.insert(in.files.begin() + 7, d / "in/missing.txt");
  std::vector<std::string> expected;
  for (int jobs : {1, 2, 3, 8}) {
    std::vector<std::string> got;
    std::atomic<int> in_sink{0}, hooked{0};
    bool overlapped = false;
    analyze_ordered(
        in.files, test::resources(), {}, jobs,
        [&](size_t i, FileResult&& r) {
          overlapped |= in_sink.fetch_add(1) != 0;
          EXPECT_EQ(i, got.size());
          got.push_back(r.source.path + " " + (r.error ? r.error->code : r.rendered));
          std::this_thread::yield();  // widens the window for an overlapping call
          in_sink.fetch_sub(1);
        },
        [&](FileResult& r) {
          ++hooked;
          r.rendered = std::to_string(r.analysis.dates.size()) + " " + r.analysis.title;
        });
    EXPECT_FALSE(overlapped) << jobs;
    EXPECT_EQ(hooked.load(), n + 1) << jobs;
    ASSERT_EQ(got.size(), in.files.size()) << jobs;
    EXPECT_EQ(got[7].substr(got[7].size() - 3), " io") << jobs;
    if (expected.empty()) expected = got;
    EXPECT_EQ(got, expected) << jobs;
  }
}

TEST(Limits, FileRemovedWhileOthersAreReadIsAnIoError) {
  TempDir d;
  std::string path = d / "gone.txt";
  test::write_file(path, "Kære Søren\n");
  fs::remove(path);
  auto r = read_input(path, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "io");
  EXPECT_NE(r.error().message.find("No such file"), std::string::npos);
}

TEST(Limits, DirectoryLoopViaSymlinks) {
  TempDir d;
  fs::create_directories(d / "root/a/b");
  fs::copy_file(test::corpus_doc(0), d / "root/a/b/doc.txt");
  fs::create_directory_symlink(d / "root", d / "root/a/b/loop");  // back to the top
  fs::create_directory_symlink("..", d / "root/a/up");
  fs::create_symlink(d / "root/self", d / "root/self");  // a link to itself
  auto t0 = std::chrono::steady_clock::now();
  InputList in = collect_inputs({d / "root"});
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0);
  ASSERT_EQ(in.files.size(), 1u);
  EXPECT_EQ(in.files[0], d / "root/a/b/doc.txt");
  // the looping link given directly is an error for that input, not a hang
  InputList direct = collect_inputs({d / "root/self"});
  ASSERT_EQ(direct.files.size(), 1u);
  auto r = analyze(direct.files[0]);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "io");
  EXPECT_NE(r.error->message.find("symbolic links"), std::string::npos) << r.error->message;
}

TEST(Limits, TooManyMentions) {
  AnalyzeOptions o;
  o.limits.max_mentions = 2;
  auto r = analyze(test::corpus_doc(0), o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "too_many_mentions");
  EXPECT_NE(r.error->message.find("--max-mentions"), std::string::npos);
  EXPECT_EQ(r.source.encoding, "UTF-8");
}

TEST(Limits, ManyMentionsWithinTheDefaultBound) {
  TempDir d;
  std::string t;
  for (int i = 0; i < 20000; ++i) t += "den " + std::to_string(1 + i % 28) + ". marts 2021 i Aarhus Kommune.\n";
  test::write_file(d / "many.txt", t);
  auto r = analyze(d / "many.txt");
  if (r.error) {
    EXPECT_EQ(r.error->code, "too_many_mentions");
  }
}

TEST(Limits, TimeBoundStopsAndReports) {
  AnalyzeOptions o;
  o.limits.max_seconds = 1e-9;
  auto r = analyze(test::corpus_doc(2), o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "timeout");
  EXPECT_NE(r.error->message.find("--timeout"), std::string::npos);
  // the thread's deadline is gone afterwards
  EXPECT_FALSE(deadline_expired());
  auto ok = analyze(test::corpus_doc(2));
  EXPECT_FALSE(ok.error);
}

TEST(Limits, NestingAndRatioChecks) {
  Limits l;
  EXPECT_TRUE(nesting_ok(100, l));
  EXPECT_FALSE(nesting_ok(101, l));
  EXPECT_TRUE(ratio_ok(10, 500, l));
  EXPECT_TRUE(ratio_ok(1, 4096, l));
  EXPECT_FALSE(ratio_ok(1000, 1'000'000, l));
  EXPECT_EQ(too_deep_error(101, l).code, "too_deep");
  EXPECT_EQ(ratio_error(1000, 1'000'000, l).code, "ratio");
}

TEST(Limits, DeadlinesNest) {
  {
    ScopedDeadline outer(1e-9);
    {
      ScopedDeadline inner(1000);  // cannot extend the outer bound
      EXPECT_TRUE(deadline_expired());
    }
    EXPECT_TRUE(deadline_expired());
  }
  EXPECT_FALSE(deadline_expired());
  ScopedDeadline none(0);
  EXPECT_FALSE(deadline_expired());
}

// Issue 5 (memory independent of the number of files): the folders are walked as the analysis
// goes. The walk yields what sorting every path yielded (the order of records is part of the
// output), "a-c" before "a/..." included, while holding only the entries of the folders on its
// current path.
TEST(Limits, Issue5_WalkerYieldsTheSortedOrderHoldingOnlyTheFoldersOnItsPath) {
  TempDir d;
  fs::path root = d / "root";
  const int folders = 8, per_folder = 25;
  for (int f = 0; f < folders; ++f) {
    fs::create_directories(root / ("d" + std::to_string(f)));
    for (int i = 0; i < per_folder; ++i) test::write_file(root / ("d" + std::to_string(f)) / (std::to_string(i) + ".txt"), "x");
  }
  for (const char* dir : {"a/b", "a.b", ".h", "a b"}) fs::create_directories(root / dir);
  for (const char* file : {"a/b/x.txt", "a/y.txt", "a-c", "a.b/c", "a.b.txt", ".hidden", ".h/v", "a b/z", "a!", "æ"})
    test::write_file(root / file, "x");
  fs::create_directory_symlink(root / "a", root / "link");  // not walked
  fs::create_symlink(root / "a/y.txt", root / "a0");        // a file
  // The reference: every path listed, then sorted (collect_inputs before issue 5).
  std::vector<std::string> expected;
  for (fs::recursive_directory_iterator it(root), end; it != end; ++it)
    if (it->is_regular_file() && it->path().filename().string()[0] != '.') expected.push_back(it->path().string());
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(expected.size(), static_cast<size_t>(folders * per_folder + 10));

  InputWalker walk({root.string()});
  std::vector<std::string> got;
  size_t most_pending = 0;
  while (auto p = walk.next()) {
    got.push_back(*p);
    most_pending = std::max(most_pending, walk.pending());
  }
  EXPECT_EQ(got, expected);
  EXPECT_TRUE(walk.take_problems().empty());
  EXPECT_EQ(walk.pending(), 0u);
  // At most the root's other entries and one subfolder's: not the 210 files.
  size_t root_entries = std::distance(fs::directory_iterator(root), fs::directory_iterator());
  EXPECT_LE(most_pending, root_entries - 1 + per_folder);
  EXPECT_GT(most_pending, 0u);

  // Several inputs: each folder in its own order, files and missing paths as given, in place.
  std::vector<std::string> inputs = {(root / "d1").string(), (root / "a-c").string(), "missing", (root / "a").string()};
  InputList listed = collect_inputs(inputs);
  std::vector<std::string> want;
  for (const auto& p : expected)
    if (p.rfind((root / "d1/").string(), 0) == 0) want.push_back(p);
  want.push_back((root / "a-c").string());
  want.push_back("missing");
  want.push_back((root / "a/b/x.txt").string());
  want.push_back((root / "a/y.txt").string());
  EXPECT_EQ(listed.files, want);
  EXPECT_TRUE(listed.problems.empty());
}

// Issue 5: analyze_ordered draws its inputs only as its window has room, so a walk feeding it
// is not drained ahead of the analysis (which would hold every path again).
TEST(Limits, Issue5_OrderedMapDrawsInputsOnlyAsItsWindowHasRoom) {
  const std::string doc = test::corpus_doc(0);
  const size_t n = 400;
  for (int jobs : {1, 2, 3}) {
    size_t drawn = 0, sunk = 0, most_ahead = 0;
    std::mutex mu;  // drawn is written under the map's lock, read in the sink
    analyze_ordered(
        [&]() -> std::optional<std::string> {
          std::lock_guard<std::mutex> lock(mu);
          if (drawn == n) return std::nullopt;
          ++drawn;
          most_ahead = std::max(most_ahead, drawn - sunk);
          return doc;
        },
        test::resources(), {}, jobs,
        [&](size_t i, FileResult&& r) {
          std::lock_guard<std::mutex> lock(mu);
          EXPECT_EQ(i, sunk) << jobs;
          EXPECT_FALSE(r.error) << jobs;
          ++sunk;
        });
    EXPECT_EQ(sunk, n) << jobs;
    // 64 results per thread may wait while they are small, and each thread holds one it analyses.
    EXPECT_LE(most_ahead, static_cast<size_t>(jobs) * 65) << jobs;
  }
}

// Issue 5: the spelling caches are emptied at their caps, so a run meeting many distinct words
// (hostile input; long runs) does not grow; answers stay the dictionary's.
TEST(Limits, Issue5_SpellerCachesStayAtTheirCaps) {
  const Speller& sp = *test::resources().speller;
  const bool kommune = sp.correct("kommune"), nonsense = sp.correct("qzxkommunevq");
  EXPECT_TRUE(kommune);
  EXPECT_FALSE(nonsense);
  size_t most_shared = 0, most_local = 0;
  for (size_t i = 0; i < Speller::kSharedCacheCap + 1000; ++i) {
    sp.correct("qz" + std::to_string(i) + "vx");
    auto s = sp.cache_sizes();
    most_shared = std::max(most_shared, s.shared);
    most_local = std::max(most_local, s.this_thread);
  }
  EXPECT_EQ(most_shared, Speller::kSharedCacheCap);
  EXPECT_EQ(most_local, Speller::kThreadCacheCap);
  sp.correct(std::string(Speller::kMaxCachedBytes + 1, 'a'));  // not cached
  EXPECT_EQ(sp.correct("kommune"), kommune);
  EXPECT_EQ(sp.correct("qzxkommunevq"), nonsense);
}
