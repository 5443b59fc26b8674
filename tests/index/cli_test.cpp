// The index commands through the real binary: output formats, exit statuses, bad input, and
// recovery after an ingest killed with SIGKILL.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "../common/test_util.h"
#include "index/store.h"

using namespace sagsindeks::test;

namespace {

class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    copy_corpus(dir_->path + "/docs");
    Proc r = run({"ingest", "-j", "2", db(), dir_->path + "/docs"}, dir_->path);
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string db() { return dir_->path + "/archive.db"; }
  static Proc sx(const std::vector<std::string>& a) { return run(a, dir_->path); }
  static TempDir* dir_;
};
TempDir* Cli::dir_ = nullptr;

}  // namespace

TEST_F(Cli, EveryCommandHasHelp) {
  for (const char* c : {"ingest", "search", "show", "export", "check"}) {
    Proc r = sx({c, "--help"});
    EXPECT_EQ(r.status, 0) << c;
    EXPECT_NE(r.out.find("usage: sagsindeks"), std::string::npos) << c;
  }
}

TEST_F(Cli, SecondIngestSkipsEverything) {
  Proc r = sx({"ingest", db(), dir_->path + "/docs"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("0 added, 0 updated, " + std::to_string(count_files(dir_->path + "/docs")) + " unchanged"),
            std::string::npos)
      << r.out;
}

TEST_F(Cli, SearchTableJsonlCsv) {
  Proc t = sx({"search", db(), "frisættelse ældreområdet"});
  EXPECT_EQ(t.status, 0) << t.err;
  EXPECT_NE(t.out.find("id  date"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("[ældreområdet]"), std::string::npos) << t.out;

  Proc j = sx({"search", db(), "\"forpligtende kommunale samarbejder\"", "--format", "jsonl"});
  ASSERT_EQ(j.status, 0) << j.err;
  auto rows = jsonl(j.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["type"], "reply");
  EXPECT_EQ(rows[0]["case_numbers"][0], "2020-11222");
  for (const char* k : {"id", "score", "path", "document_date", "title", "municipalities", "snippet"})
    EXPECT_TRUE(rows[0].contains(k)) << k;

  Proc c = sx({"search", db(), "kommune", "--format", "csv", "--limit", "3"});
  ASSERT_EQ(c.status, 0);
  EXPECT_EQ(c.out.substr(0, c.out.find('\n')), "id,score,document_date,type,municipalities,mayors,case_numbers,title,path,snippet");
}

TEST_F(Cli, FiltersFacetsAndNoHits) {
  Proc r = sx({"search", db(), "samarbejde", "--type", "reply", "--municipality", "Ishøj", "--from", "2020-01-01", "--to",
              "2022-12-31", "--mayor", "Ole Bjørstorp", "--case", "2020-11222", "--limit", "20", "--format", "jsonl"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(jsonl(r.out).size(), 1u);

  Proc inv = sx({"search", db(), "--type", "invitation", "--format", "jsonl", "--limit", "1000"});
  ASSERT_EQ(inv.status, 0) << inv.err;
  auto rows = jsonl(inv.out);
  ASSERT_FALSE(rows.empty());
  for (const auto& x : rows) EXPECT_EQ(x["type"], "invitation");

  Proc f = sx({"search", db(), "velfærdsaftale*", "--facets", "--format", "jsonl"});
  ASSERT_EQ(f.status, 0) << f.err;
  auto fj = nlohmann::json::parse(f.out);
  int sum = 0;
  for (auto& [k, v] : fj["type"].items()) sum += v.get<int>();
  EXPECT_EQ(sum, fj["total"].get<int>());
  EXPECT_TRUE(fj.contains("year") && fj.contains("municipality"));
  Proc ft = sx({"search", db(), "velfærdsaftale*", "--facets"});
  EXPECT_NE(ft.out.find("municipality\n"), std::string::npos);

  Proc none = sx({"search", db(), "kvalitetsbrøndkarsefrø"});
  EXPECT_EQ(none.status, 1);
  EXPECT_TRUE(none.out.empty());
  Proc badtype = sx({"search", db(), "--type", "letter"});
  EXPECT_EQ(badtype.status, 2);
  Proc baddate = sx({"search", db(), "--from", "1. maj 2020"});
  EXPECT_EQ(baddate.status, 2);
}

TEST_F(Cli, ShowExportCheck) {
  Proc s = sx({"show", db(), "1"});
  ASSERT_EQ(s.status, 0) << s.err;
  EXPECT_NE(s.out.find("path"), std::string::npos);
  EXPECT_NE(s.out.find("\n\n"), std::string::npos);  // card, blank line, text
  Proc sj = sx({"show", db(), "1", "--format", "json"});
  ASSERT_EQ(sj.status, 0);
  auto j = nlohmann::json::parse(sj.out);
  EXPECT_EQ(j["schema"], "sagsindeks.analysis/1");
  EXPECT_TRUE(j.contains("text"));
  EXPECT_EQ(sx({"show", db(), "99999"}).status, 2);

  Proc e = sx({"export", db(), "--format", "csv"});
  ASSERT_EQ(e.status, 0);
  size_t lines = std::count(e.out.begin(), e.out.end(), '\n');
  EXPECT_GE(lines, count_files(dir_->path + "/docs") + 1);  // header; quoted fields may hold newlines
  EXPECT_EQ(e.out.rfind("id,path,type,", 0), 0u);
  Proc ej = sx({"export", db(), "--format", "jsonl"});
  EXPECT_EQ(jsonl(ej.out).size(), count_files(dir_->path + "/docs"));

  Proc c = sx({"check", db()});
  EXPECT_EQ(c.status, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("integrity         ok\n"), std::string::npos) << c.out;
  Proc cj = sx({"check", db(), "--json"});
  auto cjj = nlohmann::json::parse(cj.out);
  EXPECT_EQ(cjj["ok"], true);
  EXPECT_EQ(cjj["schema_version"], 3);  // 2: cards (issue 5), parts of files (issue 4); 3: the search accelerator
}

TEST_F(Cli, MalformedQueriesExit2WithAMessage) {
  for (const char* q : {"\"unclosed", "AND AND", "(a OR", "col: x"}) {
    Proc r = sx({"search", db(), q});
    EXPECT_EQ(r.status, 2) << q;
    EXPECT_NE(r.err.find("malformed query"), std::string::npos) << q << ": " << r.err;
  }
  EXPECT_EQ(sx({"check", db()}).status, 0);
}

TEST(CliBadInput, ClearMessagesNeverCrashes) {
  TempDir t;
  write_file(t / "notes.txt", std::string(3000, 'x'));
  for (const char* cmd : {"search", "check", "export"}) {
    Proc r = run({cmd, t / "notes.txt"}, t.path);
    EXPECT_EQ(r.status, 2) << cmd;
    EXPECT_NE(r.err.find("not a SQLite database"), std::string::npos) << r.err;
  }
  Proc i = run({"ingest", t / "notes.txt", corpus("seeds/docs")}, t.path);
  EXPECT_EQ(i.status, 2);
  EXPECT_EQ(read_file(t / "notes.txt"), std::string(3000, 'x'));

  Proc missing = run({"search", t / "missing.db", "x"}, t.path);
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no such index"), std::string::npos);

  // A real index, then damaged copies of it.
  ASSERT_EQ(run({"ingest", t / "a.db", corpus("seeds/docs")}, t.path).status, 0);
  std::string good = read_file(t / "a.db");
  write_file(t / "half.db", good.substr(0, good.size() / 2));
  for (const char* cmd : {"search", "check", "export"}) {
    Proc r = run({cmd, t / "half.db"}, t.path);
    EXPECT_TRUE(r.status == 2 || (std::string(cmd) == "search" && r.status <= 1)) << cmd << " " << r.status << r.err;
    EXPECT_LT(r.status, 128) << "crashed: " << cmd;
  }
  Proc cc = run({"check", t / "half.db"}, t.path);
  EXPECT_EQ(cc.status, 2) << cc.out;

  // Read-only: search works, ingest refuses with a message, the file is unchanged.
  fs::permissions(t / "a.db", fs::perms::owner_read);
  Proc ro = run({"ingest", t / "a.db", corpus("seeds/docs")}, t.path);
  EXPECT_EQ(ro.status, 2);
  EXPECT_NE(ro.err.find("read-only"), std::string::npos) << ro.err;
  EXPECT_EQ(run({"search", t / "a.db", "samarbejde"}, t.path).status, 0);
  EXPECT_EQ(run({"check", t / "a.db"}, t.path).status, 0);
  EXPECT_EQ(read_file(t / "a.db"), good);
  fs::permissions(t / "a.db", fs::perms::owner_read | fs::perms::owner_write);

  // Locked by another writer.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((t / "a.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  Proc lk = run({"ingest", "--wait", "0.2", t / "a.db", corpus("seeds/docs")}, t.path);
  EXPECT_EQ(lk.status, 2);
  EXPECT_NE(lk.err.find("locked by another writer"), std::string::npos) << lk.err;
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(run({"check", t / "a.db"}, t.path).status, 0);
}

TEST(CliRecovery, KilledIngestLeavesAConsistentIndexAndTheNextRunFinishes) {
  TempDir t;
  // Enough documents that the run lasts a few seconds: the bundled corpus, many times over,
  // each copy made distinct.
  std::vector<std::string> texts;
  for (const char* sub : {"seeds/docs", "dev/docs"})
    for (auto& e : fs::directory_iterator(corpus(sub))) texts.push_back(read_file(e.path()));
  const size_t n = 900;
  for (size_t i = 0; i < n; ++i)
    write_file(t / ("in/" + std::to_string(i % 10) + "/d" + std::to_string(i) + ".txt"),
               texts[i % texts.size()] + "\nLøbenummer " + std::to_string(i) + "\n");
  std::string db = t / "big.db";

  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(SAGSINDEKS_BINARY, SAGSINDEKS_BINARY, "ingest", "-j", "2", "--batch", "16", db.c_str(),
          (t / "in").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill it once some batches are committed.
  auto committed = [&]() -> long {
    sqlite3* c = nullptr;
    long k = -1;
    if (sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(c, "SELECT count(*) FROM documents", -1, &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW)
        k = sqlite3_column_int64(st, 0);
      sqlite3_finalize(st);
    }
    sqlite3_close(c);
    return k;
  };
  auto t0 = std::chrono::steady_clock::now();
  long seen = -1;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30)) {
    seen = committed();
    if (seen >= 50) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st)) << "ingest finished before it could be killed; " << seen << " committed";
  ASSERT_GE(seen, 50);
  long after_kill = committed();
  EXPECT_LT(after_kill, static_cast<long>(n));

  Proc c = run({"check", "--json", db}, t.path);
  EXPECT_EQ(c.status, 0) << c.out << c.err;
  auto cj = nlohmann::json::parse(c.out);
  EXPECT_EQ(cj["ok"], true);
  EXPECT_EQ(cj["last_ingest_finished"], false);

  Proc again = run({"ingest", "-j", "2", db, t / "in"}, t.path);
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find(std::to_string(n) + " files: " + std::to_string(n - after_kill) + " added"), std::string::npos)
      << again.out << " (" << after_kill << " were committed)";
  Proc c2 = run({"check", "--json", db}, t.path);
  EXPECT_EQ(c2.status, 0);
  auto c2j = nlohmann::json::parse(c2.out);
  EXPECT_EQ(c2j["documents"], n);
  EXPECT_EQ(c2j["last_ingest_finished"], true);
  Proc s = run({"search", db, "Løbenummer", "--format", "jsonl", "--limit", "100000"}, t.path);
  EXPECT_EQ(jsonl(s.out).size(), n);
}

namespace {

// Issue 6: an index file truncated at random points. Every command either works or says what is
// wrong and exits 2; none crashes (a signal would show as 128+N), and the ingest run goes on to
// report its other inputs rather than stopping silently.
TEST(CliHostile, Issue6_IndexTruncatedAtRandomPoints) {
  TempDir t;
  write_file(t / "docs/a.txt", read_file(corpus("seeds/docs/000_256995b99efc51f4.txt")));
  write_file(t / "docs/b.txt", read_file(corpus("seeds/docs/003_374ed7ae66b69cef.txt")));
  Proc made = run({"ingest", "-j", "1", t / "good.db", t / "docs"}, t.path);
  ASSERT_EQ(made.status, 0) << made.err;
  run({"check", t / "good.db"}, t.path);  // checkpoints the WAL into the main file
  std::string good = read_file(t / "good.db");
  ASSERT_GT(good.size(), 4096u);
  uint64_t seed = 20261130;
  for (int i = 0; i < 12; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;  // a fixed LCG: the same cuts every run
    size_t cut = 1 + static_cast<size_t>((seed >> 33) % (good.size() - 1));
    std::string db = t / ("cut" + std::to_string(i) + ".db");
    write_file(db, good.substr(0, cut));
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"search", db, "kommune"}, {"check", db}, {"show", db, "1"}, {"ingest", "-j", "1", db, t / "docs"}}) {
      Proc p = run(args, t.path);
      EXPECT_LT(p.status, 128) << args[0] << " at cut " << cut << " died by a signal";
      EXPECT_TRUE(p.status == 0 || p.status == 1 || p.status == 2) << args[0] << " at cut " << cut;
      if (p.status == 2) {
        EXPECT_FALSE(p.err.empty()) << args[0] << " at cut " << cut << ": no message";
      }
    }
  }
}

}  // namespace
