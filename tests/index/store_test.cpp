// The corpus index on real databases built from the bundled corpus: Danish full text (stems,
// phrases, prefixes, operators), filters, facets, incremental re-ingest, versions, bad input.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <thread>

#include "../common/test_util.h"
#include "analysis/corpus.h"
#include "analysis/pipeline.h"
#include "index/store.h"
#include "index/tokenizer.h"

using namespace sagsindeks;
using namespace sagsindeks::test;

namespace {

std::unique_ptr<CorpusIndex> open_rw(const std::string& path) {
  IndexOptions o;
  o.create = o.writable = true;
  auto ix = CorpusIndex::open(path, o);
  EXPECT_TRUE(ix.ok()) << (ix.ok() ? "" : ix.error().message);
  return ix.ok() ? std::move(*ix) : nullptr;
}

IngestReport ingest(CorpusIndex& ix, const std::vector<std::string>& paths) {
  IngestOptions o;
  o.jobs = 2;
  auto r = ix.ingest(paths, resources(), o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : IngestReport{};
}

// The ids of every hit (no limit).
std::set<std::string> hits(CorpusIndex& ix, const Filter& f) {
  SearchOptions o;
  o.limit = 100000;
  auto r = ix.search(f, o);
  EXPECT_TRUE(r.ok()) << f.text << ": " << (r.ok() ? "" : r.error().message);
  std::set<std::string> out;
  if (r.ok())
    for (const auto& h : *r) out.insert(fs::path(h.path).filename().string());
  return out;
}

std::set<std::string> hits(CorpusIndex& ix, const std::string& q) {
  Filter f;
  f.text = q;
  return hits(ix, f);
}

// The files of `dir` whose text contains `word` (case as given).
std::set<std::string> containing(const std::string& dir, const std::string& word) {
  std::set<std::string> out;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && read_file(e.path()).find(word) != std::string::npos) out.insert(e.path().filename());
  return out;
}

bool includes(const std::set<std::string>& big, const std::set<std::string>& small) {
  return std::includes(big.begin(), big.end(), small.begin(), small.end());
}

// One index over the bundled corpus, shared by the read-only tests of this file.
class Corpus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    copy_corpus(dir_->path + "/docs");
    ix_ = open_rw(*dir_ / "archive.db").release();
    report_ = ingest(*ix_, {*dir_ / "docs"});
  }
  static void TearDownTestSuite() {
    delete ix_;
    delete dir_;
  }
  static TempDir* dir_;
  static CorpusIndex* ix_;
  static IngestReport report_;
};
TempDir* Corpus::dir_ = nullptr;
CorpusIndex* Corpus::ix_ = nullptr;
IngestReport Corpus::report_;

}  // namespace

TEST_F(Corpus, IngestsEveryDocument) {
  size_t n = count_files(*dir_ / "docs");
  EXPECT_EQ(report_.files, n);
  EXPECT_EQ(report_.added, n);
  EXPECT_EQ(report_.failed, 0u);
  auto c = ix_->check();
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->problems.empty()) << c->problems[0];
  EXPECT_EQ(c->documents, static_cast<int64_t>(n));
}

TEST_F(Corpus, StemmedQueriesFindInflections) {
  std::string docs = *dir_ / "docs";
  // query → forms it must find (each form must occur in the corpus for the case to mean anything)
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"kommune", {"kommunerne", "kommunernes", "Kommunen"}},
      {"ældreområde", {"ældreområdet"}},
      {"dispensation", {"dispensationer", "dispensationen"}},
      {"velfærdsaftale", {"velfærdsaftaler", "Velfærdsaftalen"}},
  };
  for (const auto& [q, forms] : cases) {
    auto found = hits(*ix_, q);
    for (const auto& form : forms) {
      auto want = containing(docs, form);
      ASSERT_FALSE(want.empty()) << form << " does not occur in the corpus";
      EXPECT_TRUE(includes(found, want)) << q << " misses documents with " << form;
    }
  }
}

TEST_F(Corpus, DanishLettersAreNotFolded) {
  // "år" is common; "ar" is not a Danish word, so it must find far fewer documents.
  auto aar = hits(*ix_, "år"), ar = hits(*ix_, "ar");
  EXPECT_GT(aar.size(), 5u);
  EXPECT_LT(ar.size(), aar.size() / 2);
}

TEST_F(Corpus, PhraseQueries) {
  auto phrase = hits(*ix_, "\"forpligtende kommunale samarbejder\"");
  EXPECT_TRUE(phrase.count("000_256995b99efc51f4.txt"));
  // 002 says "forpligtende samarbejde" but not the phrase.
  EXPECT_FALSE(phrase.count("002_09c9974c1f31c7e3.txt"));
  EXPECT_TRUE(hits(*ix_, "forpligtende samarbejde").count("002_09c9974c1f31c7e3.txt"));
  // Phrases are stemmed too: the singular finds the plural.
  EXPECT_TRUE(hits(*ix_, "\"forpligtende kommunalt samarbejde\"").count("000_256995b99efc51f4.txt") ||
              hits(*ix_, "\"forpligtende kommunale samarbejde\"").count("000_256995b99efc51f4.txt"));
}

TEST_F(Corpus, PrefixQueries) {
  std::string docs = *dir_ / "docs";
  auto found = hits(*ix_, "frikommune*");
  for (const char* form : {"frikommunerne", "frikommuneforsøg"}) {
    auto want = containing(docs, form);
    ASSERT_FALSE(want.empty()) << form;
    EXPECT_TRUE(includes(found, want)) << "frikommune* misses " << form;
  }
  EXPECT_TRUE(includes(hits(*ix_, "velfærdsaftale*"), containing(docs, "velfærdsaftaler")));
  EXPECT_TRUE(includes(hits(*ix_, "Frikommune*"), found));  // case-folded like everything else
}

TEST_F(Corpus, BooleanOperators) {
  auto a = hits(*ix_, "frikommune"), b = hits(*ix_, "velfærdsaftale");
  auto both = hits(*ix_, "frikommune AND velfærdsaftale");
  auto either = hits(*ix_, "frikommune OR velfærdsaftale");
  auto a_not_b = hits(*ix_, "frikommune NOT velfærdsaftale");
  std::set<std::string> u = a, i, d;
  u.insert(b.begin(), b.end());
  for (const auto& x : a) (b.count(x) ? i : d).insert(x);
  EXPECT_EQ(either, u);
  EXPECT_EQ(both, i);
  EXPECT_EQ(a_not_b, d);
  EXPECT_EQ(hits(*ix_, "frikommune velfærdsaftale"), i);  // AND is implied
  EXPECT_EQ(hits(*ix_, "(frikommune OR velfærdsaftale) AND kommune").size() <= u.size(), true);
}

TEST_F(Corpus, RankedHitsCarryCardsAndMarkedSnippets) {
  Filter f;
  f.text = "frisættelse ældreområdet";
  auto r = ix_->search(f, {});
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->empty());
  for (size_t k = 1; k < r->size(); ++k) EXPECT_LE((*r)[k - 1].score, (*r)[k].score);  // bm25: lower is better
  for (const auto& h : *r) {
    EXPECT_NE(h.snippet.find('['), std::string::npos) << h.snippet;
    EXPECT_FALSE(h.type.empty());
  }
  f.text = "\"forpligtende kommunale samarbejder\"";
  r = ix_->search(f, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_NE((*r)[0].snippet.find("[forpligtende kommunale samarbejder]"), std::string::npos) << (*r)[0].snippet;
}

TEST_F(Corpus, FiltersCombineWithTheQuery) {
  Filter f;
  f.text = "samarbejde";
  f.types = {"reply"};
  f.municipality = "Ishøj";
  f.from = "2020-01-01";
  f.to = "2022-12-31";
  f.mayor = "Ole Bjørstorp";
  f.case_number = "2020-11222";
  EXPECT_EQ(hits(*ix_, f), std::set<std::string>{"000_256995b99efc51f4.txt"});
  // Each filter alone narrows correctly.
  Filter g;
  g.municipality = "Ishøj Kommune";
  EXPECT_TRUE(hits(*ix_, g).count("000_256995b99efc51f4.txt"));
  g.municipality = "0183";
  EXPECT_TRUE(hits(*ix_, g).count("000_256995b99efc51f4.txt"));
  Filter m;
  m.mayor = "bjørstorp";  // surname, any case
  EXPECT_TRUE(hits(*ix_, m).count("000_256995b99efc51f4.txt"));
  Filter c;
  c.case_number = "2020 - 11222";
  EXPECT_EQ(hits(*ix_, c), std::set<std::string>{"000_256995b99efc51f4.txt"});
  Filter late;
  late.text = "samarbejde";
  late.from = "2023";
  EXPECT_FALSE(hits(*ix_, late).count("000_256995b99efc51f4.txt"));
  Filter wrong = f;
  wrong.types = {"invitation"};
  EXPECT_TRUE(hits(*ix_, wrong).empty());
}

TEST_F(Corpus, FiltersWithoutAQuery) {
  Filter f;
  f.types = {"invitation"};
  SearchOptions o;
  o.limit = 1000;
  auto r = ix_->search(f, o);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->empty());
  for (const auto& h : *r) EXPECT_EQ(h.type, "invitation");
  auto n = ix_->count(f);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, static_cast<int64_t>(r->size()));
  // Newest first.
  for (size_t k = 1; k < r->size(); ++k) {
    if (!(*r)[k].document_date.empty()) {
      EXPECT_GE((*r)[k - 1].document_date, (*r)[k].document_date);
    }
  }
  Filter y;
  y.from = y.to = "2020";
  auto ry = ix_->search(y, o);
  ASSERT_TRUE(ry.ok());
  for (const auto& h : *ry) EXPECT_EQ(h.document_date.substr(0, 4), "2020");
}

TEST_F(Corpus, FacetsCountTheWholeResultSet) {
  Filter f;
  f.text = "velfærdsaftale*";
  auto fc = ix_->facets(f);
  ASSERT_TRUE(fc.ok());
  auto n = ix_->count(f);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(fc->total, *n);
  int64_t types = 0, years = 0;
  for (const auto& c : fc->types) types += c.count;
  for (const auto& c : fc->years) years += c.count;
  EXPECT_EQ(types, *n);
  EXPECT_EQ(years, *n);
  ASSERT_FALSE(fc->municipalities.empty());
  for (const auto& c : fc->municipalities) {
    Filter g = f;
    g.municipality = c.value;
    EXPECT_EQ(ix_->count(g).value(), c.count) << c.value;
  }
  Filter all;
  EXPECT_EQ(ix_->facets(all)->total, static_cast<int64_t>(count_files(*dir_ / "docs")));
}

TEST_F(Corpus, MalformedQueriesAreErrors) {
  for (const char* q : {"\"unclosed", "AND AND", "(frikommune", "NEAR(", "frikommune OR", "nosuchcolumn: x"}) {
    Filter f;
    f.text = q;
    auto r = ix_->search(f, {});
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.error().code, "query") << q << ": " << r.error().message;
    EXPECT_FALSE(ix_->facets(f).ok());
  }
  Filter f;
  f.text = "title: borgmester";  // a column filter is fine
  EXPECT_TRUE(ix_->search(f, {}).ok());
}

// A case number typed as it is printed is found, not a syntax error (it used to need quotes).
TEST_F(Corpus, CaseNumbersNeedNoQuotes) {
  for (const char* q : {"2020-11222", "\"2020-11222\"", "2020-11222 AND samarbejde", "(2020-11222)", "2020-112*"}) {
    Filter f;
    f.text = q;
    auto r = ix_->search(f, {});
    ASSERT_TRUE(r.ok()) << q << ": " << r.error().message;
    EXPECT_EQ(hits(*ix_, q).count("000_256995b99efc51f4.txt"), 1u) << q;
    EXPECT_TRUE(ix_->facets(f).ok()) << q;
  }
  EXPECT_TRUE(hits(*ix_, "2020-99999").empty());
}

TEST(FtsQuery, BareWordsWithSeparatorsBecomePhrases) {
  const std::pair<const char*, const char*> cases[] = {
      {"2020-11222", "\"2020-11222\""},
      {"j.nr. 2020-11222", "\"j.nr.\" \"2020-11222\""},
      {"SAG-2021/123*", "\"SAG-2021/123\"*"},
      {"(2020-1 OR 2021-2)", "(\"2020-1\" OR \"2021-2\")"},
      {"\"kære borgmester\" AND frikommune", "\"kære borgmester\" AND frikommune"},
      {"\"allerede \"\"citeret\"\" 2020-1\" 2020-1", "\"allerede \"\"citeret\"\" 2020-1\" \"2020-1\""},
      {"title: borgmester", "title: borgmester"},
      {"title:2020-1", "title:2020-1"},  // column filters are the user's syntax
      {"NEAR(a b, 5)", "NEAR(a b, 5)"},
      {"-x ^y", "-x ^y"},
      {"ældre-område", "\"ældre-område\""},
      {"\"unclosed 2020-1", "\"unclosed 2020-1"},
      {"", ""},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(fts_query(in), out) << in;
}

TEST_F(Corpus, DocumentsByIdAndPath) {
  auto d = ix_->document(1);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->has_value());
  const auto& doc = **d;
  EXPECT_EQ(doc.record["schema"], "sagsindeks.analysis/1");
  EXPECT_FALSE(doc.text.empty());
  EXPECT_EQ(doc.sha256.size(), 64u);
  auto again = ix_->document_by_path(doc.path);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->id, 1);
  EXPECT_FALSE(ix_->document(999999)->has_value());
}

// ---- Incremental ingest -----------------------------------------------------------------------

TEST(Ingest, IncrementalByContent) {
  TempDir t;
  copy_corpus(t / "docs");
  size_t n = count_files(t / "docs");
  auto ix = open_rw(t / "a.db");
  ASSERT_TRUE(ix);
  auto r1 = ingest(*ix, {t / "docs"});
  EXPECT_EQ(r1.added, n);

  auto r2 = ingest(*ix, {t / "docs"});
  EXPECT_EQ(r2.added + r2.updated + r2.failed, 0u);
  EXPECT_EQ(r2.unchanged, n);

  // A changed file is updated in place (same id); a touched but unchanged one is not re-analysed.
  std::string changed = t / "docs/seeds/001_356bb92c41c6d0b8.txt";
  auto before = ix->document_by_path(changed);
  ASSERT_TRUE(before.ok() && before->has_value());
  write_file(changed, read_file(changed) + "\nTilføjet: kvalitetsbrøndkarsefrø.\n");
  std::string touched = t / "docs/seeds/003_374ed7ae66b69cef.txt";
  write_file(touched, read_file(touched));
  // Unreadable inputs: stored as errors, listed, and the run goes on.
  write_file(t / "docs/new/empty.txt", "");
  write_file(t / "docs/new/binary.bin", std::string("\x00\x01\x02\x03\xff\x00", 6) + std::string(100, '\0'));
  write_file(t / "docs/new/ny.txt", "Kære borgmester\n\nVi inviterer til møde om kvalitetsbrøndkarsefrø.\n");
  auto r3 = ingest(*ix, {t / "docs"});
  EXPECT_EQ(r3.updated, 1u);
  EXPECT_EQ(r3.added, 1u);
  EXPECT_EQ(r3.failed, 2u);
  EXPECT_EQ(r3.failures.size(), 2u);
  EXPECT_EQ(r3.unchanged, n - 1);
  auto after = ix->document_by_path(changed);
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->id, (*before)->id);
  EXPECT_NE((*after)->sha256, (*before)->sha256);
  EXPECT_EQ(hits(*ix, "kvalitetsbrøndkarsefrø").size(), 2u);
  Filter errs;
  errs.errors = true;
  EXPECT_EQ(hits(*ix, errs), (std::set<std::string>{"empty.txt", "binary.bin"}));
  auto e = ix->document_by_path(t / "docs/new/empty.txt");
  ASSERT_TRUE(e.ok() && e->has_value());
  ASSERT_TRUE((*e)->error.has_value());
  EXPECT_EQ((*e)->record["error"]["code"], (*e)->error->code);

  // Removed files stay until --prune.
  fs::remove(t / "docs/new/ny.txt");
  auto r4 = ingest(*ix, {t / "docs"});
  EXPECT_EQ(r4.removed, 0u);
  EXPECT_EQ(hits(*ix, "kvalitetsbrøndkarsefrø").size(), 2u);
  IngestOptions prune;
  prune.prune = true;
  auto r5 = ix->ingest({t / "docs"}, resources(), prune);
  ASSERT_TRUE(r5.ok());
  EXPECT_EQ(r5->removed, 1u);
  EXPECT_EQ(hits(*ix, "kvalitetsbrøndkarsefrø").size(), 1u);
  auto c = ix->check();
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->problems.empty());
  EXPECT_TRUE(c->last_run_finished);

  // --force re-analyses everything and keeps the full-text index consistent.
  IngestOptions force;
  force.force = true;
  force.jobs = 2;
  auto r6 = ix->ingest({t / "docs"}, resources(), force);
  ASSERT_TRUE(r6.ok());
  EXPECT_EQ(r6->unchanged, 0u);
  EXPECT_TRUE(ix->check()->problems.empty());
}

// ---- Issue 4: the parts of a file (e-mail attachments) are documents of the index ----

namespace {
std::string attachments_fixture() { return std::string(SAGSINDEKS_SOURCE_DIR) + "/tests/formats/fixtures/attachments.eml"; }

// The stored paths of a file and its parts, by their file name ("attachments.eml#2").
std::set<std::string> stored(CorpusIndex& ix) {
  std::set<std::string> out;
  Filter all, errs;
  errs.errors = true;
  for (const Filter* f : {&all, &errs}) {
    auto n = ix.for_each(*f, [&](const StoredDocument& d) {
      out.insert(fs::path(d.path).filename().string());
      return true;
    });
    EXPECT_TRUE(n.ok());
  }
  return out;
}
}  // namespace

TEST(Issue4Parts, AttachmentsAreStoredFoundAndReplacedWithTheirMessage) {
  TempDir t;
  std::string mail = t / "in/attachments.eml";
  write_file(mail, read_file(attachments_fixture()));
  auto ix = open_rw(t / "a.db");
  ASSERT_TRUE(ix);
  auto r1 = ingest(*ix, {t / "in"});
  EXPECT_EQ(r1.added, 1u);
  EXPECT_EQ(r1.parts, 5u);
  EXPECT_EQ(r1.failed, 0u);
  EXPECT_EQ(stored(*ix), (std::set<std::string>{"attachments.eml", "attachments.eml#2", "attachments.eml#3",
                                                "attachments.eml#4", "attachments.eml#4.2", "attachments.eml#6"}));
  // A part is a document of its own: its record, its text, its facts.
  auto docx = ix->document_by_path(mail + "#2");
  ASSERT_TRUE(docx.ok() && docx->has_value());
  EXPECT_EQ((*docx)->record["source"]["path"], mail);
  EXPECT_EQ((*docx)->record["source"]["part"]["name"], "Brev til Ishøj.docx");
  EXPECT_EQ((*docx)->record["source"]["format"], "docx");
  EXPECT_EQ((*docx)->document_date, "2020-12-14");
  Filter answer;
  answer.case_number = "2021-3750";  // answer_003, attached as PDF and inside the forwarded message
  EXPECT_EQ(hits(*ix, answer), (std::set<std::string>{"attachments.eml#3", "attachments.eml#4.2"}));
  Filter letter;
  letter.text = "samarbejde";
  letter.municipality = "Ishøj";
  EXPECT_EQ(hits(*ix, letter).count("attachments.eml#2"), 1u);

  // Unchanged: nothing re-analysed, the parts stay.
  auto r2 = ingest(*ix, {t / "in"});
  EXPECT_EQ(r2.unchanged, 1u);
  EXPECT_EQ(r2.parts, 0u);
  EXPECT_EQ(stored(*ix).size(), 6u);

  // The message changes (the PDF taken out): its parts are replaced whole, numbered anew.
  std::string m = read_file(mail);
  size_t pdf = m.find("--outer-boundary\r\nContent-Type: application/pdf");
  ASSERT_NE(pdf, std::string::npos);
  size_t next = m.find("--outer-boundary", pdf + 10);
  write_file(mail, m.erase(pdf, next - pdf));
  auto r3 = ingest(*ix, {t / "in"});
  EXPECT_EQ(r3.updated, 1u);
  EXPECT_EQ(r3.parts, 4u);
  EXPECT_EQ(stored(*ix), (std::set<std::string>{"attachments.eml", "attachments.eml#2", "attachments.eml#3",
                                                "attachments.eml#3.2", "attachments.eml#5"}));
  EXPECT_EQ(hits(*ix, answer), (std::set<std::string>{"attachments.eml#3.2"}));
  auto c = ix->check();
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->problems.empty());  // the full-text index followed the deletions

  // The file removed and pruned: its parts go with it.
  fs::remove(mail);
  IngestOptions prune;
  prune.prune = true;
  auto r4 = ix->ingest({t / "in"}, resources(), prune);
  ASSERT_TRUE(r4.ok());
  EXPECT_EQ(r4->removed, 1u);
  EXPECT_TRUE(stored(*ix).empty());
  EXPECT_TRUE(hits(*ix, answer).empty());
  EXPECT_TRUE(ix->check()->problems.empty());
}

// ---- Versions and bad input ------------------------------------------------------------------

namespace {
void sql(const std::string& path, const std::string& stmt) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  register_danish_tokenizer(db);
  EXPECT_EQ(sqlite3_exec(db, stmt.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

std::string small_index(const TempDir& t) {
  std::string db = t / "small.db";
  auto ix = open_rw(db);
  ingest(*ix, {corpus("seeds/docs")});
  return db;
}
}  // namespace

TEST(Versions, NewerFilesAreRefused) {
  TempDir t;
  std::string db = small_index(t);
  sql(db, "PRAGMA user_version = 99");
  for (bool w : {false, true}) {
    IndexOptions o;
    o.writable = w;
    auto ix = CorpusIndex::open(db, o);
    ASSERT_FALSE(ix.ok());
    EXPECT_EQ(ix.error().code, "newer_version");
    EXPECT_NE(ix.error().message.find("newer sagsindeks"), std::string::npos);
  }
}

TEST(Versions, AnOlderTokenizerNeedsAReindex) {
  TempDir t;
  std::string db = small_index(t);
  sql(db, "UPDATE meta SET value = '0' WHERE key = 'tokenizer_version'");
  auto ix = CorpusIndex::open(db, {});
  ASSERT_FALSE(ix.ok());
  EXPECT_EQ(ix.error().code, "reindex_needed");
  IndexOptions o;
  o.writable = o.allow_outdated = true;
  auto up = CorpusIndex::open(db, o);
  ASSERT_TRUE(up.ok());
  EXPECT_FALSE((*up)->check()->problems.empty());
  ASSERT_TRUE((*up)->reindex().ok());
  EXPECT_TRUE((*up)->check()->problems.empty());
  up->reset();
  auto again = CorpusIndex::open(db, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(hits(**again, "samarbejde").count("000_256995b99efc51f4.txt"), 1u);
}

// Schema 2 added the cards table (filters and facets read it; issue 5) and parts of files
// (e-mail attachments; issue 4). A schema-1 file, as the previous release wrote it, is refused
// until upgraded, answers the same afterwards, and then takes new files and attachments.
TEST(Versions, SchemaOneIsUpgradedForCardsAndParts) {
  TempDir t;
  std::string db = small_index(t);
  Filter muni;
  muni.municipality = "København";
  std::set<std::string> before_hits, before_muni;
  Facets before;
  {
    auto ix = open_rw(db);
    before_hits = hits(*ix, "kommune");
    before_muni = hits(*ix, muni);
    Filter f;
    f.text = "kommune";
    before = *ix->facets(f);
    ASSERT_GT(before.municipalities.size(), 1u);
  }
  // Back to schema 1: no cards, no parts, no accelerator, and the full-text index kept by three triggers.
  sql(db,
      "DROP TABLE search_postings; DROP TABLE search_columns; DROP TABLE search_dict; DROP TABLE search_surfaces; "
      "DELETE FROM meta WHERE key LIKE 'search_%'; "
      "DROP TABLE cards; DROP TRIGGER documents_ad; CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN "
      "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
      "DELETE FROM facts WHERE doc = old.id; END; "
      "CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN "
      "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END; "
      "CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN "
      "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
      "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END; "
      "CREATE INDEX documents_type ON documents(type, document_date); "
      "CREATE INDEX documents_date ON documents(document_date); CREATE INDEX documents_sha256 ON documents(sha256); "
      "DROP INDEX documents_file; ALTER TABLE documents DROP COLUMN part; ALTER TABLE documents DROP COLUMN file_id; "
      "UPDATE meta SET value = '1' WHERE key = 'schema_version'; PRAGMA user_version = 1");
  auto old = CorpusIndex::open(db, {});
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, "old_version");
  IndexOptions o;
  o.writable = o.allow_outdated = true;
  {
    auto up = CorpusIndex::open(db, o);
    ASSERT_TRUE(up.ok());
    ASSERT_TRUE((*up)->upgrade().ok());
  }
  auto ix = CorpusIndex::open(db, {});
  ASSERT_TRUE(ix.ok()) << ix.error().message;
  EXPECT_EQ((*ix)->info().schema_version, kIndexSchemaVersion);
  EXPECT_EQ(hits(**ix, "kommune"), before_hits);
  EXPECT_EQ(hits(**ix, muni), before_muni);
  Filter f;
  f.text = "kommune";
  Facets after = *(*ix)->facets(f);
  EXPECT_EQ(after.total, before.total);
  ASSERT_EQ(after.municipalities.size(), before.municipalities.size());
  for (size_t i = 0; i < after.municipalities.size(); ++i) {
    EXPECT_EQ(after.municipalities[i].value, before.municipalities[i].value);
    EXPECT_EQ(after.municipalities[i].count, before.municipalities[i].count);
  }
  EXPECT_TRUE((*ix)->check()->problems.empty());
  ix->reset();
  // Ingest goes on in the upgraded file, writing the full-text rows itself, attachments included.
  write_file(t / "more/ny.txt", "Kære borgmester\n\nVi inviterer til møde om kvalitetsbrøndkarsefrø.\n");
  write_file(t / "more/mail.eml", read_file(attachments_fixture()));
  auto w = open_rw(db);
  auto r = ingest(*w, {t / "more"});
  EXPECT_EQ(r.parts, 5u);
  EXPECT_EQ(hits(*w, "kvalitetsbrøndkarsefrø").size(), 1u);
  EXPECT_EQ(hits(*w, "samarbejde").count("000_256995b99efc51f4.txt"), 1u);  // kept through the upgrade
  EXPECT_EQ(hits(*w, "samarbejde").count("mail.eml#2"), 1u);
  EXPECT_TRUE(before_hits.size() <= hits(*w, "kommune").size());
  EXPECT_TRUE(w->check()->problems.empty());
}

TEST(BadInput, NotADatabaseIsLeftUntouched) {
  TempDir t;
  std::string p = t / "notes.txt";
  std::string content(5000, 'x');
  write_file(p, content);
  for (bool w : {false, true}) {
    IndexOptions o;
    o.writable = o.create = w;
    auto ix = CorpusIndex::open(p, o);
    ASSERT_FALSE(ix.ok());
    EXPECT_EQ(ix.error().code, "not_a_database") << ix.error().message;
  }
  EXPECT_EQ(read_file(p), content);
  EXPECT_FALSE(fs::exists(p + "-wal"));
}

TEST(BadInput, AForeignSqliteDatabaseIsLeftUntouched) {
  TempDir t;
  std::string p = t / "other.db";
  sql(p, "CREATE TABLE x(a); INSERT INTO x VALUES (1)");
  std::string before = read_file(p);
  IndexOptions o;
  o.writable = o.create = true;
  auto ix = CorpusIndex::open(p, o);
  ASSERT_FALSE(ix.ok());
  EXPECT_EQ(ix.error().code, "not_an_index");
  EXPECT_EQ(read_file(p), before);
}

TEST(BadInput, MissingIndexIsNotCreatedByReaders) {
  TempDir t;
  auto ix = CorpusIndex::open(t / "nope.db", {});
  ASSERT_FALSE(ix.ok());
  EXPECT_EQ(ix.error().code, "not_found");
  EXPECT_FALSE(fs::exists(t / "nope.db"));
}

TEST(BadInput, TruncatedAndCorruptDatabases) {
  TempDir t;
  std::string db = small_index(t);
  std::string good = read_file(db);
  ASSERT_GT(good.size(), 8192u);
  // Cut at several points; every operation either works or fails with a clear error.
  for (size_t cut : {size_t(50), size_t(100), size_t(4096), good.size() / 2, good.size() - 4096}) {
    std::string p = t / ("cut" + std::to_string(cut) + ".db");
    write_file(p, good.substr(0, cut));
    auto ix = CorpusIndex::open(p, {});
    if (!ix.ok()) {
      EXPECT_TRUE(ix.error().code == "corrupt" || ix.error().code == "not_a_database" ||
                  ix.error().code == "not_an_index")
          << cut << ": " << ix.error().code << " " << ix.error().message;
      continue;
    }
    Filter f;
    f.text = "kommune";
    auto s = (*ix)->search(f, {});
    auto c = (*ix)->check();
    if (!s.ok()) {
      EXPECT_EQ(s.error().code, "corrupt") << cut << ": " << s.error().message;
    }
    if (c.ok()) {
      EXPECT_FALSE(c->problems.empty()) << cut;
    }
  }
  // Garbage over the middle pages.
  std::string bad = good;
  for (size_t k = 4096; k < bad.size() - 4096; k += 7) bad[k] = static_cast<char>(k * 31);
  write_file(t / "garbled.db", bad);
  auto ix = CorpusIndex::open(t / "garbled.db", {});
  if (ix.ok()) {
    auto c = (*ix)->check();
    EXPECT_TRUE(!c.ok() || !c->problems.empty());
  }
}

TEST(BadInput, ReadOnlyFile) {
  TempDir t;
  std::string db = small_index(t);
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  std::string before = read_file(db);
  IndexOptions o;
  o.writable = true;
  auto w = CorpusIndex::open(db, o);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, "read_only");
  auto r = CorpusIndex::open(db, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(hits(**r, "samarbejde").empty());
  EXPECT_EQ(read_file(db), before);
}

TEST(BadInput, LockedByAnotherWriter) {
  TempDir t;
  std::string db = small_index(t);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  IndexOptions o;
  o.writable = true;
  o.busy_timeout_ms = 100;
  auto ix = CorpusIndex::open(db, o);
  ASSERT_TRUE(ix.ok());
  auto r = (*ix)->ingest({corpus("seeds/docs")}, resources(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "locked");
  // Readers are not blocked by a writer (WAL).
  auto reader = CorpusIndex::open(db, {});
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE(hits(**reader, "samarbejde").empty());
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  auto r2 = (*ix)->ingest({corpus("seeds/docs")}, resources(), {});
  EXPECT_TRUE(r2.ok());
}

// Issue 5: the analysis threads render each record (with the document's terms) for the writing
// thread; what is stored must be the record render_json gives for the file, parts included.
TEST(Issue5Ingest, StoredRecordsAreRenderJsonsOfTheFile) {
  TempDir t;
  std::vector<std::string> files = {t / "in/a.txt", t / "in/b.txt", t / "in/attachments.eml"};
  write_file(files[0], read_file(corpus_doc(0)));
  write_file(files[1], read_file(corpus_doc(1)));
  write_file(files[2], read_file(attachments_fixture()));
  auto ix = open_rw(t / "a.db");
  ASSERT_TRUE(ix);
  auto r = ingest(*ix, {t / "in"});
  EXPECT_EQ(r.failed, 0u);
  size_t compared = 0;
  auto expect_stored = [&](const std::string& path, const FileResult& fr) {
    auto d = ix->document_by_path(path);
    ASSERT_TRUE(d.ok() && d->has_value()) << path;
    EXPECT_EQ((*d)->record, nlohmann::ordered_json::parse(render_json(fr.doc, fr.analysis, false, false))) << path;
    ++compared;
  };
  for (const auto& f : files) {
    FileResult fr = analyze_file(f, resources(), AnalyzeOptions{});
    ASSERT_FALSE(fr.error) << f;
    expect_stored(f, fr);
    for (const auto& p : fr.parts)
      if (!p.error && p.source.part) expect_stored(f + "#" + p.source.part->id, p);
  }
  EXPECT_GE(compared, 6u);
}
