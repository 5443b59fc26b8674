// The search accelerator (postings.h) against FTS5: the same hits, order, scores and facets, on a
// fresh index, after incremental ingests (changed, removed and added files, e-mail parts), and
// after the schema upgrade that builds it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>

#include "analysis/corpus.h"
#include "../common/test_util.h"
#include "index/postings.h"
#include "index/store.h"
#include "index/tokenizer.h"

using namespace sagsindeks;
using namespace sagsindeks::test;

namespace {


std::unique_ptr<CorpusIndex> open(const std::string& path, bool accelerator, bool writable = false) {
  IndexOptions o;
  o.create = o.writable = writable;
  o.accelerator = accelerator;
  auto ix = CorpusIndex::open(path, o);
  EXPECT_TRUE(ix.ok()) << (ix.ok() ? "" : ix.error().message);
  return ix.ok() ? std::move(*ix) : nullptr;
}

void ingest(const std::string& db, const std::vector<std::string>& paths, bool prune = false) {
  auto ix = open(db, true, true);
  IngestOptions o;
  o.jobs = 2;
  o.prune = prune;
  o.batch = 37;  // many generations, so rows are extended and split as in a large ingest
  auto r = ix->ingest(paths, test::resources(), o);
  ASSERT_TRUE(r.ok()) << r.error().message;
}

void sql(const std::string& db, const std::string& s) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(h, s.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(h);
}

// The files under `dir`, recursively, in path order.
std::vector<fs::path> sorted_files(const std::string& dir) {
  std::vector<fs::path> files;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Words of the texts under `dir` (letters only, 3+ bytes), in a fixed pseudo-random order:
// query words drawn from what is indexed, not from a list tuned to it.
std::vector<std::string> words_of(const std::string& dir, size_t n) {
  const std::vector<fs::path> files = sorted_files(dir);
  std::vector<std::string> all;
  for (const auto& p : files) {
    std::string t = read_file(p), w;
    for (size_t i = 0; i <= t.size(); ++i) {
      unsigned char c = i < t.size() ? static_cast<unsigned char>(t[i]) : ' ';
      if (std::isalpha(c) || c >= 0x80) {
        w += static_cast<char>(c);
      } else {
        if (w.size() >= 3 && (static_cast<unsigned char>(w.back()) & 0xC0) != 0xC0) all.push_back(w);
        w.clear();
      }
    }
  }
  std::vector<std::string> out;
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < n && !all.empty(); ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    out.push_back(all[x % all.size()]);
  }
  return out;
}

// Pairs of adjacent words of the texts under `dir`, as quoted phrases, in a fixed pseudo-random order.
std::vector<std::string> phrases_of(const std::string& dir, size_t n) {
  std::vector<std::string> out;
  const std::vector<fs::path> files = sorted_files(dir);
  std::vector<std::string> all;
  for (const auto& p : files) {
    std::string t = read_file(p);
    std::string prev, w;
    for (size_t i = 0; i <= t.size(); ++i) {
      unsigned char c = i < t.size() ? static_cast<unsigned char>(t[i]) : '.';
      if (std::isalpha(c) || c >= 0x80) {
        w += static_cast<char>(c);
        continue;
      }
      if (!w.empty() && !prev.empty()) all.push_back("\"" + prev + " " + w + "\"");
      prev = c == ' ' && !w.empty() ? w : "";
      w.clear();
    }
  }
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < n && !all.empty(); ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    out.push_back(all[x % all.size()]);
  }
  return out;
}

// Writes `n` documents into `dir`: each a bundled document with a paragraph of another and a
// serial word, so that lengths, term frequencies and posting lists vary.
void make_docs(const std::string& dir, size_t n, const std::string& extra = "") {
  std::vector<std::string> texts;
  for (const char* sub : {"seeds/docs", "dev/docs"})
    for (auto& e : fs::recursive_directory_iterator(corpus(sub)))
      if (e.is_regular_file() && e.path().extension() == ".txt") texts.push_back(read_file(e.path()));
  std::sort(texts.begin(), texts.end());
  for (size_t i = 0; i < n; ++i) {
    const std::string& a = texts[i % texts.size()];
    const std::string& b = texts[(i * 7 + 3) % texts.size()];
    size_t cut = b.find("\n\n");
    std::string para = b.substr(cut == std::string::npos ? 0 : cut + 2, 400);
    write_file(dir + "/" + std::to_string(i % 5) + "/d" + std::to_string(i) + ".txt",
               a + "\n\n" + para + "\n\nlbnr" + std::to_string(i) + " " + extra + "\n");
  }
}

struct Outcome {
  std::vector<std::pair<int64_t, double>> hits, top, page;  // all; the first 10; 7 from the 4th
  Facets facets;
  int64_t count = 0;
  int64_t search_total = -2;  // SearchOptions::total: the count, or -1 when not known
};

Outcome answer(CorpusIndex& ix, const Filter& f) {
  Outcome o;
  SearchOptions so;
  so.limit = 1000000;
  so.total = &o.search_total;
  auto h = ix.search(f, so);
  so.total = nullptr;
  EXPECT_TRUE(h.ok()) << f.text << ": " << (h.ok() ? "" : h.error().message);
  if (h.ok())
    for (const auto& x : *h) o.hits.push_back({x.id, x.score});
  // The short pages a person asks for, where a bound may stop the ranking early.
  for (auto [off, lim, out] : {std::tuple{0, 10, &o.top}, std::tuple{3, 7, &o.page}}) {
    so.offset = static_cast<size_t>(off);
    so.limit = static_cast<size_t>(lim);
    auto p = ix.search(f, so);
    EXPECT_TRUE(p.ok());
    if (p.ok())
      for (const auto& x : *p) out->push_back({x.id, x.score});
  }
  auto fc = ix.facets(f);
  EXPECT_TRUE(fc.ok());
  if (fc.ok()) o.facets = *fc;
  auto n = ix.count(f);
  EXPECT_TRUE(n.ok());
  if (n.ok()) o.count = *n;
  return o;
}

void expect_same(const Outcome& fast, const Outcome& ref, const std::string& what) {
  for (auto [a, b, name] : {std::tuple{&fast.hits, &ref.hits, "all"}, std::tuple{&fast.top, &ref.top, "top 10"},
                            std::tuple{&fast.page, &ref.page, "page 4-10"}}) {
    ASSERT_EQ(a->size(), b->size()) << what << " " << name;
    for (size_t i = 0; i < b->size(); ++i) {
      EXPECT_EQ((*a)[i].first, (*b)[i].first) << what << " " << name << " rank " << i;
      EXPECT_DOUBLE_EQ((*a)[i].second, (*b)[i].second) << what << " " << name << " rank " << i;
    }
  }
  EXPECT_EQ(fast.count, ref.count) << what;
  EXPECT_EQ(ref.search_total, -1) << what;  // FTS5's path does not count on the way
  if (fast.search_total != -1) {
    EXPECT_EQ(fast.search_total, ref.count) << what;
  }
  EXPECT_EQ(fast.facets.total, ref.facets.total) << what;
  auto same = [&](const std::vector<FacetCount>& a, const std::vector<FacetCount>& b, const char* name) {
    ASSERT_EQ(a.size(), b.size()) << what << " " << name;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].value, b[i].value) << what << " " << name;
      EXPECT_EQ(a[i].count, b[i].count) << what << " " << name;
    }
  };
  same(fast.facets.types, ref.facets.types, "types");
  same(fast.facets.years, ref.facets.years, "years");
  same(fast.facets.municipalities, ref.facets.municipalities, "municipalities");
}

// Whether the accelerator (not FTS5) answers f on this index.
bool accelerated(const std::string& db, const Filter& f) {
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  register_danish_tokenizer(h);
  DanishTokenizer tok;
  auto q = parse_simple_query(fts_query(f.text), tok);
  bool used = false;
  if (q) {
    Accelerator a(h);
    auto r = a.run(*q, f, nullptr, 0, 20, true);
    used = r.ok() && r->used;
  }
  sqlite3_close(h);
  return used;
}

// Compares the two paths over drawn words, pairs and triples, with and without filters.
// Returns how many of the queries the accelerator answered.
size_t compare_all(const std::string& db, const std::vector<std::string>& words, const std::string& tag) {
  auto fast = open(db, true), ref = open(db, false);
  std::vector<Filter> fs;
  for (size_t i = 0; i < words.size(); ++i) {
    Filter f;
    f.text = words[i];
    if (i % 3 == 1 && i + 1 < words.size()) f.text += " " + words[i + 1];
    if (i % 5 == 2 && i + 2 < words.size()) f.text += " " + words[i + 1] + " " + words[i + 2];
    fs.push_back(f);
    if (i % 4 == 0) {
      Filter g = f;
      g.types = {"reply", "invitation"};
      fs.push_back(g);
    }
    if (i % 6 == 0) {
      Filter g = f;
      g.from = "2015";
      g.to = "2021-06";
      fs.push_back(g);
    }
    if (i % 7 == 0) {
      Filter g = f;
      g.municipality = "København";
      fs.push_back(g);
    }
  }
  size_t used = 0;
  for (const auto& f : fs) {
    std::string what = tag + ": '" + f.text + "'" + (f.types.empty() ? "" : " --type") + (f.from.empty() ? "" : " --from") +
                       (f.municipality.empty() ? "" : " --municipality");
    expect_same(answer(*fast, f), answer(*ref, f), what);
    if (accelerated(db, f)) ++used;
  }
  return used;
}

}  // namespace

// Issue 5: searches of plain words are answered by the accelerator, not by bm25 over every FTS5
// match; its answer must be FTS5's, hit for hit, with the same scores and facets.
TEST(Accelerator, Issue5_FastPathEqualsFts5Bm25) {
  TempDir t;
  make_docs(t / "docs", 400);
  std::string db = t / "a.db";
  ingest(db, {t / "docs"});
  auto words = words_of(t / "docs", 60);
  for (const char* w : {"kommune", "borgmester", "venlig", "hilsen", "dispensation", "Ærø", "lbnr7"}) words.push_back(w);
  size_t used = compare_all(db, words, "fresh");
  EXPECT_GT(used, words.size() / 2) << "the accelerator answered too few plain-word queries";
  // Phrases: matches from FTS5, ranked by the postings' bound and settled exactly.
  auto phrases = phrases_of(t / "docs", 30);
  phrases.push_back("\"venlig hilsen\"");
  phrases.push_back("\"kære borgmester\"");
  EXPECT_GT(compare_all(db, phrases, "phrases"), phrases.size() / 2);
  Filter f;
  f.text = "\"venlig hilsen\"";
  EXPECT_TRUE(accelerated(db, f));
  // The top of a common word, the shape the benchmark times.
  f.text = "kommune";
  EXPECT_TRUE(accelerated(db, f));
}

TEST(Accelerator, QueryShapesItLeavesToFts5) {
  DanishTokenizer tok;
  EXPECT_TRUE(parse_simple_query("kommune", tok));
  EXPECT_TRUE(parse_simple_query("  frisættelse ældreområdet ", tok));
  EXPECT_EQ(parse_simple_query("Kommunerne Ærø", tok)->terms(), (std::vector<std::string>{"kommun", "ærø"}));
  auto p = parse_simple_query("\"Venlig hilsen\" borgmester \"2020-11222\"", tok);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->phrases.size(), 3u);
  EXPECT_EQ(p->phrases[0].terms, (std::vector<std::string>{"ven", "hils"}));
  EXPECT_EQ(p->phrases[0].fts, "\"Venlig hilsen\"");
  EXPECT_EQ(p->phrases[2].terms, (std::vector<std::string>{"2020", "11222"}));
  for (const char* q : {"frikommune*", "\"venlig hilsen\"*", "a OR b", "a AND b", "a NOT b", "NEAR(a b)", "title: x",
                        "(a b)", "\"a \"\"b\"", "\"a\"b", "\"open", "a+b", "^a", "\"\"", "\" . \"", "", "   "})
    EXPECT_FALSE(parse_simple_query(q, tok)) << q;
}

// Changed, removed and added files and e-mail parts: no stale entry is ever a hit, nothing kept
// is lost, and the scores follow the new statistics.
TEST(Accelerator, IncrementalIngestStaysExact) {
  TempDir t;
  std::string docs = t / "docs", db = t / "a.db";
  make_docs(docs, 150, "gammelord");
  ingest(db, {docs});
  auto words = words_of(docs, 30);
  words.push_back("gammelord");
  compare_all(db, words, "first");

  // Rewrite a third of the files (the old word goes, a new one comes), remove some, add some.
  for (size_t i = 0; i < 150; i += 3) {
    std::string p = docs + "/" + std::to_string(i % 5) + "/d" + std::to_string(i) + ".txt";
    std::string s = read_file(p);
    s.replace(s.find("gammelord"), 9, "nytord nytord");
    write_file(p, s);
  }
  for (size_t i = 1; i < 150; i += 10) fs::remove(docs + "/" + std::to_string(i % 5) + "/d" + std::to_string(i) + ".txt");
  make_docs(t / "more", 30, "tilføjet");
  write_file(t / "more/mail.eml",
             read_file(std::string(SAGSINDEKS_SOURCE_DIR) + "/tests/formats/fixtures/attachments.eml"));
  ingest(db, {docs, t / "more"}, true);
  words.push_back("nytord");
  words.push_back("tilføjet");
  words.push_back("samarbejde");
  compare_all(db, words, "second");

  auto ix = open(db, true);
  Filter f;
  f.text = "gammelord";
  EXPECT_EQ(ix->count(f).value(), 150 - 50 - 10);  // 50 rewritten, 15 removed (5 of them among the rewritten)
  f.text = "nytord";
  EXPECT_TRUE(accelerated(db, f));
  EXPECT_EQ(ix->count(f).value(), 50 - 5);

  // Once more with the mail changed (its parts replaced whole) and everything else unchanged.
  std::string mail = read_file(t / "more/mail.eml");
  write_file(t / "more/mail.eml", mail + "\n");
  ingest(db, {docs, t / "more"}, true);
  compare_all(db, words, "third");
}

// A changed document keeps its id, so a word new to it may come before documents already in
// that word's postings row: the row takes it in between and keeps them (a new entry was once
// appended only after the row's last, and the row was rewritten with the new entry alone).
TEST(Accelerator, Issue5_ChangedDocumentKeepsTheLaterDocumentsOfItsNewWord) {
  TempDir t;
  std::string docs = t / "docs", db = t / "a.db";
  write_file(docs + "/a.txt", "Kære borgmester\n\nVi skriver om vejene i kommunen.\n");
  write_file(docs + "/b.txt", "Kære borgmester\n\nDispensation for skolerne ansøges hermed.\n");
  ingest(db, {docs});
  write_file(docs + "/a.txt", "Kære borgmester\n\nVi skriver om vejene og skolerne i kommunen.\n");
  ingest(db, {docs});
  Filter f;
  f.text = "skolerne";
  EXPECT_TRUE(accelerated(db, f));
  EXPECT_EQ(open(db, true)->count(f).value(), 2);
  compare_all(db, {"skolerne", "vejene", "dispensation", "kommune"}, "changed");
}

// An index of schema 2 (no accelerator) is refused until `check --upgrade`, which builds the
// accelerator from the stored texts; searches then answer as before.
TEST(Accelerator, SchemaTwoIsUpgradedByBuildingTheAccelerator) {
  TempDir t;
  make_docs(t / "docs", 120);
  std::string db = t / "a.db";
  ingest(db, {t / "docs"});
  auto words = words_of(t / "docs", 20);
  sql(db,
      "DROP TABLE search_postings; DROP TABLE search_columns; DROP TABLE search_dict; DROP TABLE search_surfaces; "
      "DELETE FROM meta WHERE key LIKE 'search_%'; UPDATE meta SET value = '2' WHERE key = 'schema_version'; "
      "PRAGMA user_version = 2");
  auto old = CorpusIndex::open(db, {});
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, "old_version");
  {
    IndexOptions o;
    o.writable = o.allow_outdated = true;
    auto up = CorpusIndex::open(db, o);
    ASSERT_TRUE(up.ok());
    ASSERT_TRUE((*up)->upgrade().ok());
  }
  size_t used = compare_all(db, words, "upgraded");
  EXPECT_GT(used, 0u);
  {
    auto ix = open(db, true, true);
    auto c = ix->check();
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(c->problems.empty()) << c->problems.front();
  }
  // A damaged accelerator (a term's postings lost) is found by check, and a reindex mends it.
  sql(db, "DELETE FROM search_postings WHERE term = (SELECT term FROM search_postings GROUP BY term "
          "ORDER BY sum(n) DESC LIMIT 1)");
  {
    auto ix = open(db, true, true);
    auto c = ix->check();
    ASSERT_TRUE(c.ok());
    ASSERT_FALSE(c->problems.empty());
    EXPECT_NE(c->problems.front().find("search accelerator"), std::string::npos) << c->problems.front();
  }
  // And again after a reindex, which rebuilds it.
  {
    auto w = open(db, true, true);
    ASSERT_TRUE(w->reindex().ok());
  }
  compare_all(db, words, "reindexed");
  auto ix = open(db, true, true);
  EXPECT_TRUE(ix->check()->problems.empty());
}

// Issue 5: one word is ranked in a single pass that keeps only the best offset + limit (by the
// word's part of bm25, before its idf is known). Many matches of one score: a page that ends
// inside them must hold the lowest ids, as ORDER BY bm25, id does, for every page boundary.
TEST(Accelerator, Issue5_OneWordPageEndingInsideTiesTakesLowestIds) {
  TempDir t;
  // 60 letters alike but for a serial (same length, same counts: one score), among others.
  for (size_t i = 0; i < 60; ++i)
    write_file(t / ("docs/same/s" + std::to_string(i) + ".txt"),
               "Kære borgmester\n\nKommunen svarer på henvendelsen om lighedsord.\n\nlbnr" + std::to_string(i) + "\n");
  make_docs(t / "docs/other", 80, "lighedsord lighedsord");
  std::string db = t / "a.db";
  ingest(db, {t / "docs"});
  auto fast = open(db, true), ref = open(db, false);
  Filter f;
  f.text = "lighedsord";
  ASSERT_TRUE(accelerated(db, f));
  for (size_t off : {0, 5, 70, 79, 80, 81, 100, 139, 140, 200})
    for (size_t lim : {1, 3, 10, 20, 59, 60}) {
      SearchOptions so;
      so.offset = off;
      so.limit = lim;
      auto a = fast->search(f, so), b = ref->search(f, so);
      ASSERT_TRUE(a.ok() && b.ok());
      ASSERT_EQ(a->size(), b->size()) << off << "+" << lim;
      for (size_t i = 0; i < a->size(); ++i) {
        EXPECT_EQ((*a)[i].id, (*b)[i].id) << off << "+" << lim << " rank " << i;
        EXPECT_DOUBLE_EQ((*a)[i].score, (*b)[i].score) << off << "+" << lim << " rank " << i;
        EXPECT_EQ((*a)[i].snippet, (*b)[i].snippet) << off << "+" << lim << " rank " << i;
      }
    }
  expect_same(answer(*fast, f), answer(*ref, f), "ties");
}

// Snippets tokenize for positions only (FTS5's AUX mode: no folding, no stemming); the marked
// words and the cut must be those of the reference path on every kind of query.
TEST(Accelerator, Issue5_SnippetsEqualFts5s) {
  TempDir t;
  make_docs(t / "docs", 120);
  std::string db = t / "a.db";
  ingest(db, {t / "docs"});
  auto fast = open(db, true), ref = open(db, false);
  for (const char* q : {"kommune", "Kommunernes borgmester", "\"venlig hilsen\"", "frikommune*", "ÆRØ", "2020-11222",
                        "kommune OR byråd", "lbnr7"}) {
    Filter f;
    f.text = q;
    auto a = fast->search(f, {}), b = ref->search(f, {});
    ASSERT_TRUE(a.ok() && b.ok()) << q;
    ASSERT_EQ(a->size(), b->size()) << q;
    for (size_t i = 0; i < a->size(); ++i) EXPECT_EQ((*a)[i].snippet, (*b)[i].snippet) << q << " rank " << i;
  }
}

// prepare_terms counts a document's terms by the tokenizer's numbers for them (Token::id), which
// hold only within one term_epoch(): its result must not depend on what the tokenizer read
// before, including a cache that starts again between the title and the text (the document is
// then counted again by text).
TEST(Accelerator, Issue5_PrepareTermsIsTheSameWhateverTheTokenizerReadBefore) {
  auto word = [](uint32_t i) {  // distinct words of letters
    std::string w = "q";
    do {
      w += static_cast<char>('a' + i % 26);
      i /= 26;
    } while (i);
    return w;
  };
  const std::string title = "Kommunerne og kommunen: Frisættelse 2020 2020 ÆRØ ærø";
  std::string text = "Kommunernes ældreområde, j.nr. 2020-11222; kommunen og kommunerne. år ar År 12.34 a'b ";
  for (uint32_t i = 0; i < 40; ++i) text += word(70000 + i % 13) + " ";
  DanishTokenizer cold;
  const std::string want = prepare_terms(&title, &text, cold);
  ASSERT_FALSE(want.empty());
  // The same tokenizer again, and one that has seen other words (other numbers).
  EXPECT_EQ(prepare_terms(&title, &text, cold), want);
  DanishTokenizer warm;
  std::string other = "helt andre ord 2021 frisættelse";
  EXPECT_FALSE(prepare_terms(&other, &other, warm).empty());
  EXPECT_EQ(prepare_terms(&title, &text, warm), want);
  // A tokenizer whose stem cache is a few words short of full: the title fills it, and the
  // text's tokenize call starts it again (a new epoch) in the middle of the document.
  DanishTokenizer full;
  const uint32_t before = full.term_epoch();
  std::string filler;
  for (uint32_t i = 0; i < 65530; ++i) filler += word(i) + " ";
  full.tokenize(filler, TokenMode::document, [](const Token&) { return 0; });
  EXPECT_EQ(full.term_epoch(), before);
  EXPECT_EQ(prepare_terms(&title, &text, full), want);
  EXPECT_NE(full.term_epoch(), before);
  EXPECT_EQ(prepare_terms(&title, &text, full), want);
  // Equal texts, equal numbers (within an epoch), whether stemmed or interned.
  std::vector<std::pair<std::string, uint32_t>> ids;
  warm.tokenize("Kommunerne kommunerne 2020 2020", TokenMode::document, [&](const Token& k) {
    ids.emplace_back(std::string(k.text), k.id ? k.id : warm.intern(k.text));
    return 0;
  });
  for (const auto& [a, ia] : ids)
    for (const auto& [b, ib] : ids) EXPECT_EQ(a == b, ia == ib) << a << " " << b;
}

// Within one run, a document replaced in a later batch than the one that last extended a word's
// row leaves a stale entry in that row; when a still later batch extends the row, the entry is
// dropped (the writer checks every entry of a row once any document indexed before has been
// replaced since the row was written, and skips that check otherwise).
TEST(Accelerator, ReplacedInALaterBatchOfTheSameRunLeavesNoStaleEntry) {
  TempDir t;
  std::string docs = t / "docs", db = t / "a.db";
  write_file(docs + "/a.txt", "Kære borgmester\n\nDispensation for skolerne ansøges hermed.\n");
  write_file(docs + "/b.txt", "Kære borgmester\n\nVi skriver om skolerne i kommunen.\n");
  ingest(db, {docs});
  // One document a batch: a0 extends the row of "skolerne", b leaves it, c extends it again.
  write_file(docs + "/a0.txt", "Kære borgmester\n\nOgså skolerne i byen.\n");
  write_file(docs + "/b.txt", "Kære borgmester\n\nVi skriver om vejene i kommunen igen.\n");
  write_file(docs + "/c.txt", "Kære borgmester\n\nSkolerne her ligeså.\n");
  {
    auto ix = open(db, true, true);
    IngestOptions o;
    o.jobs = 1;
    o.batch = 1;
    auto r = ix->ingest({docs}, test::resources(), o);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  Filter f;
  f.text = "skolerne";
  EXPECT_TRUE(accelerated(db, f));
  EXPECT_EQ(open(db, true)->count(f).value(), 3);
  compare_all(db, {"skolerne", "vejene", "dispensation", "kommune", "borgmester"}, "replaced mid-run");
}
