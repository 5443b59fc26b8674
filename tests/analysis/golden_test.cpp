// Golden cases per dimension, and negative lists: what must be found, and what must never be.
// Each case is a small Danish text and the values the record must hold (ANNOTATION.md forms).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <unicode/unistr.h>

#include "extract/parliamentary.h"
#include "test_support.h"

namespace sagsindeks {
namespace {

using test::analyze_text;

std::set<std::string> dates_of(const Analysis& a) {
  std::set<std::string> s;
  for (const auto& d : a.dates) s.insert(d.value);
  return s;
}
std::set<std::string> ids_of(const std::vector<IdMention>& v) {
  std::set<std::string> s;
  for (const auto& m : v) s.insert(m.value);
  return s;
}
std::set<std::string> munis_of(const Analysis& a) {
  std::set<std::string> s;
  for (const auto& m : a.municipalities) s.insert(m.municipality.name);
  return s;
}
std::set<std::string> mayors_of(const Analysis& a) {
  std::set<std::string> s;
  for (const auto& m : a.mayors) s.insert(m.name + "|" + (m.municipality ? m.municipality->name : "null"));
  return s;
}
std::set<std::string> signers_of(const Analysis& a) {
  std::set<std::string> s;
  for (const auto& m : a.signatories) s.insert(m.name);
  return s;
}
std::set<std::string> areas_of(const Analysis& a) {
  std::set<std::string> s;
  for (const auto& e : a.exemptions) s.insert(e.area);
  return s;
}

struct Case {
  const char* text;
  std::set<std::string> expected;
};

// ---- dates ---------------------------------------------------------------------------------

TEST(GoldenDates, EveryDanishForm) {
  const Case cases[] = {
      {"Dato: 14-12-2020", {"2020-12-14"}},
      {"Mødet er den 14.12.2020 i salen.", {"2020-12-14"}},
      {"Udskrevet 2020-12-14.", {"2020-12-14"}},
      {"Tak for jeres brev af 11. november 2020.", {"2020-11-11"}},
      {"Vi ses den 1. april 2019 kl. 10.", {"2019-04-01"}},
      {"mandag den 6. november 2020 i Vejle", {"2020-11-06"}},
      {"Svar sendt d. 29/9-10 til kommunen.", {"2010-09-29"}},
      {"Konferencen holdes 1.-3. marts 2021.", {"2021-03-01", "2021-03-03"}},
      {"Mandag den 4. og tirsdag den 5. december 2006 i Bruxelles.", {"2006-12-04", "2006-12-05"}},
      {"Frist 5. jan. 2021 og 7. okt. 2022.", {"2021-01-05", "2022-10-07"}},
      {"Dato: 7. oktober 2022\n\nKL skrev den 29. september til borgmestrene.", {"2022-10-07", "2022-09-29"}},
      {"Webinarer 4. februar 2022: den 28/2, 4/3 og 10/3.", {"2022-02-04", "2022-02-28", "2022-03-04", "2022-03-10"}},
      {"Godkendt den 15. december 2015, Skive Kommune den 26. januar.", {"2015-12-15", "2016-01-26"}},
  };
  for (const auto& c : cases) EXPECT_EQ(dates_of(analyze_text(c.text)), c.expected) << c.text;
}

TEST(GoldenDates, NegativeList) {
  const char* never[] = {
      "Ring på telefon 33 92 33 00 eller 3392 9300.",       // phone numbers
      "CPR-nr. 010190-1234 må ikke sendes med e-mail.",      // CPR number
      "Holmens Kanal 22, 1060 København K",                  // postcode
      "jf. § 20, stk. 2, og § 5",                            // paragraphs
      "Beløbet er 1.234.567 kr. og 12,50 kr.",               // amounts
      "Sagsnr.: 2020-11222",                                 // a case number shaped like a date
      "Sagsnr.: 330-2018-3619",                              // and one with a year inside
      "Budget 2016-2019 og april 2016 og år 2023.",          // periods, month-year, a year
      "i onsdags og i morgen",                               // relative
      "Økonomiudvalgets møde 23. maj 20",                    // a year cut by extraction
      "version 1.2.3 og punkt 4.5.6",                        // dotted numbers
  };
  for (const char* t : never) EXPECT_TRUE(dates_of(analyze_text(t)).empty()) << t;
}

TEST(GoldenDates, DocumentDateRules) {
  struct D {
    const char* text;
    const char* date;  // nullptr: none printed
  } cases[] = {
      {"Sagsnr.\n\n2020 - 11222\n\nDato\n\n14-12-2020\n\nKære borgmestre\n\nTak for jeres brev af 11. november 2020.", "2020-12-14"},
      {"Indenrigsministeriet\nKøbenhavn, den 6. april 2011\n\nJeg er glad for at meddele ...", "2011-04-06"},
      {"Udvalgets medlemmer20. december 2013\nInvitation til møde den 18. februar 2014", "2013-12-20"},
      {"Statsforvaltningens brev af 8. december 2010 til en borger\n\nDu har klaget.", "2010-12-08"},
      {"Finansudvalget har i brev af 8. september 2006 stillet mig følgende spørgsmål.", nullptr},
      {"Økonomiudvalgets beslutning i mødet den 31. marts 2020\n\nMødet startede kl. 15.30.", "2020-03-31"},
      {"Publiceret 04-02-2022\n\nDer afholdes webinarer den 28/2.", "2022-02-04"},
  };
  for (const auto& c : cases) {
    Analysis a = analyze_text(c.text);
    if (c.date) {
      ASSERT_TRUE(a.document_date.has_value()) << c.text;
      EXPECT_EQ(*a.document_date, c.date) << c.text;
      EXPECT_FALSE(a.document_date_rule.empty());
    } else {
      EXPECT_FALSE(a.document_date.has_value()) << c.text;
    }
  }
}

// ---- case and document numbers ---------------------------------------------------------------

TEST(GoldenIdentifiers, Labels) {
  struct I {
    const char* text;
    std::set<std::string> cases, docs;
  } cases[] = {
      {"**Sagsnr.**\n\n2020 - 11222\n\n**Doknr.**\n\n348577", {"2020-11222"}, {"348577"}},
      {"Sagsnr.: 1803892\nDok. nr.: 612677", {"1803892"}, {"612677"}},
      {"Sagsbeh.: SUMHBGSags nr.: 1200937Dok nr.: 791559", {"1200937"}, {"791559"}},
      {"J.nr. NST-4101-00052Den 11. februar 2011", {"NST-4101-00052"}, {}},
      {"RIO/ J.nr. 2011-7858", {"2011-7858"}, {}},
      {"Sags ID: SAG-2015-01536", {"SAG-2015-01536"}, {}},
      {"Vores sag\n04-201-52/101-0012", {"04-201-52/101-0012"}, {}},
      {"JOURNAL NR.: /581 SAGSBEHANDLER: TIM", {"/581"}, {}},
      {"Sag: 306-2009-600\nDok. 306-2019-263412", {"306-2009-600"}, {"306-2019-263412"}},
      {"Dato:\nSagsnr.:\nDok.:\n13. oktober 2023\nKontoret\n2023-0030-9466\n2978645", {"2023-0030-9466"}, {"2978645"}},
      {"Sagsnummer i F2\n\n2022-0319547", {"2022-0319547"}, {}},
      {"Vores ref.: 2021-1234/JEN\nJ.nr.: 20/01234", {"2021-1234", "20/01234"}, {}},
  };
  for (const auto& c : cases) {
    Analysis a = analyze_text(c.text);
    EXPECT_EQ(ids_of(a.case_numbers), c.cases) << c.text;
    EXPECT_EQ(ids_of(a.document_numbers), c.docs) << c.text;
  }
}

TEST(GoldenIdentifiers, NegativeList) {
  const char* never[] = {
      "Telefon 33 92 33 00, CVR 12854358, EAN 5798000862005",  // phone, CVR, EAN
      "CPR-nr. 010190-1234",                                   // CPR number
      "1060 København K",                                      // postcode
      "jf. § 20, stk. 2",                                      // paragraph
      "Beløbet er 1.234.567 kr.",                              // amount
      "Vores ref.: ABC",                                       // initials, not an identifier
      "Sag 12 på dagsordenen",                                 // agenda point
      "14-12-2020",                                            // a date without a label
      "Sagsnummer.: SAGSBEHANDLER: Lise",                      // a label with no value
      "Dokumentation af sagen",                                // a word starting like a label
  };
  for (const char* t : never) {
    Analysis a = analyze_text(t);
    EXPECT_TRUE(a.case_numbers.empty() && a.document_numbers.empty()) << t;
  }
}

// ---- municipalities ---------------------------------------------------------------------------

TEST(GoldenMunicipalities, InflectionsAndCoordination) {
  const Case cases[] = {
      {"Københavns Kommune har besluttet", {"København"}},
      {"Ishøj og Vallensbæk Kommuner ser store perspektiver", {"Ishøj", "Vallensbæk"}},
      {"Det gælder for Dragør og Tårnby Kommuner.", {"Dragør", "Tårnby"}},
      {"Langeland, Middelfart og Viborg Kommune har siden 2021", {"Langeland", "Middelfart", "Viborg"}},
      {"Vallensbæk Jobcenter varetager indsatsen", {"Vallensbæk"}},
      {"Ishøj Byråd vedtog budgettet", {"Ishøj"}},
      {"Du mente, at Århus Kommune overtrådte loven", {"Aarhus"}},
      {"byrådet i Odsherred har besluttet", {"Odsherred"}},
      {"Århusborgmester Jacob Bundsgaard mener", {"Aarhus"}},
      {"kommunerne Albertslund, Brøndby og Glostrup", {"Albertslund", "Brøndby", "Glostrup"}},
      {"Bornholms Regionskommune", {"Bornholm"}},
      {"ny 2. viceborgmester i Lolland kommune", {"Lolland"}},
  };
  for (const auto& c : cases) EXPECT_EQ(munis_of(analyze_text(c.text)), c.expected) << c.text;
}

TEST(GoldenMunicipalities, NegativeList) {
  const char* never[] = {
      "Holmens Kanal 22\n1060 København K",           // postal town in an address block
      "Statsforvaltningen\nStoretorv\n6200 Aabenraa",  // postal town
      "Vejlevej 12, 7100 Vejle",                       // street and town
      "Mødet holdes i Odense og i Aarhus.",            // towns, not authorities
      "Odensevej og Kolding Å",                        // not word-bounded / a river
      "Region Midtjylland",                            // a region
  };
  for (const char* t : never) EXPECT_TRUE(munis_of(analyze_text(t)).empty()) << t;
}

// ---- mayors -----------------------------------------------------------------------------------

TEST(GoldenMayors, FormsAndMunicipality) {
  const Case cases[] = {
      {"Borgmester Henrik Rasmussen\n\nVallensbæk Kommune\n\nBorgmester Ole Bjørstorp\n\nIshøj Kommune",
       {"Henrik Rasmussen|Vallensbæk", "Ole Bjørstorp|Ishøj"}},
      {"Ole Bjørstorp\nBorgmester, Ishøj Kommune", {"Ole Bjørstorp|Ishøj"}},
      {"I Esbjerg Kommune udtaler borgmester Jesper Frost Rasmussen (V), at", {"Jesper Frost Rasmussen|Esbjerg"}},
      {"Århusborgmester Jacob Bundsgaard mener", {"Jacob Bundsgaard|Aarhus"}},
      {"Odders borgmester, Elvin J. Hansen, foreslog", {"Elvin J. Hansen|Odder"}},
      {"udfordringer, som f.eks. Høje-Taastrups borgmester Michael Ziegler giver", {"Michael Ziegler|Høje-Taastrup"}},
      {"nu med Sofia Osmani (K) som borgmester i Lyngby-Taarbæk", {"Sofia Osmani|Lyngby-Taarbæk"}},
      {"Deltagere: Overborgmester Frank Jensen (A)", {"Frank Jensen|null"}},
      // A signing mayor takes the letterhead's municipality, not another one the letter names.
      {"Vejle Kommune\nSkolegade 1\n7100 Vejle\n\nVi søger sammen med Fredericia og Kolding Kommuner.\n\n"
       "Med venlig hilsen\n\nJens Ejner Christensen\nBorgmester",
       {"Jens Ejner Christensen|Vejle"}},
  };
  for (const auto& c : cases) EXPECT_EQ(mayors_of(analyze_text(c.text)), c.expected) << c.text;
}

// Issue 5: the name patterns run only over the lines around each title word. A name on the line
// before the title, or after it, deep in a long text and at its very ends, is still found.
TEST(GoldenMayors, Issue5_OnlyLinesAroundATitleAreSearched) {
  std::string filler;
  for (int i = 0; i < 40; ++i) filler += "Udvalget drøftede sagen og tog orienteringen til efterretning.\n";
  EXPECT_EQ(mayors_of(analyze_text(filler + "Ole Bjørstorp\nBorgmester, Ishøj Kommune\n" + filler)),
            (std::set<std::string>{"Ole Bjørstorp|Ishøj"}));
  std::set<std::string> names;
  for (const auto& m : analyze_text("Borgmester\nJacob Bundsgaard\n" + filler + "Odders borgmester, Elvin J. Hansen").mayors)
    names.insert(m.name);
  EXPECT_EQ(names, (std::set<std::string>{"Jacob Bundsgaard", "Elvin J. Hansen"}));
  EXPECT_TRUE(mayors_of(analyze_text(filler + "Ole Bjørstorp\n\n\nBorgmester")).empty());
}

TEST(GoldenMayors, NegativeList) {
  const char* never[] = {
      "Lars Bostrøm (DF) bliver ny viceborgmester",
      "Henrik Jacobsen (K) tager posten som ny viceborgmester i Lolland kommune.",
      "fhv. borgmester Knud Jensen",
      "tidligere borgmester Knud Jensen",
      "rådmand Ole Hansen",
      "Borgmesteren indstiller, at sagen godkendes.",
      "Kære borgmester",
      "Orientering fra borgmester og kommunaldirektør",
      "børne- og ungdomsborgmester Jesper Christensen",   // a sector mayor (Copenhagen)
      "teknik- og miljøborgmester Ninna Hedeager Olsen",
      "kulturborgmesteren Mia Nyegaard",
  };
  for (const char* t : never) EXPECT_TRUE(analyze_text(t).mayors.empty()) << t;
}

// ---- signatories ------------------------------------------------------------------------------

TEST(GoldenSignatories, Blocks) {
  struct S {
    const char* text;
    std::set<std::string> names;
  } cases[] = {
      {"Tak for brevet.\n\nMed venlig hilsen\n\nAstrid Krag", {"Astrid Krag"}},
      {"Med venlig hilsen\n\nOle Bjørstorp\nBorgmester, Ishøj Kommune\n\n\nHenrik Rasmussen\nBorgmester, Vallensbæk Kommune",
       {"Ole Bjørstorp", "Henrik Rasmussen"}},
      {"som hermed besvares.\nKaren Ellemann\n/\nRikke Hvid Danielsen", {"Karen Ellemann", "Rikke Hvid Danielsen"}},
      {"endeligt svar.\nKarsten Lauritzen\n/ Claus F. Houmann", {"Karsten Lauritzen", "Claus F. Houmann"}},
      {"Svaret bedes sendt.På udvalgets vegne\nLiv Holm Andersenformand\n1/1", {"Liv Holm Andersen"}},
      {"Af Finn Gunst, Fuglsang Allé 116\n\nI vores lokale avis kunne vi læse", {"Finn Gunst"}},
  };
  for (const auto& c : cases) EXPECT_EQ(signers_of(analyze_text(c.text)), c.names) << c.text;
}

TEST(GoldenSignatories, RolesAndNegatives) {
  Analysis a = analyze_text("Med venlig hilsen\n\nJesper Kaas Schmidt\nKommunaldirektør\n\nRanders Kommune");
  ASSERT_EQ(a.signatories.size(), 1u);
  EXPECT_EQ(a.signatories[0].role, "official");
  const char* never[] = {
      "Med venlig hilsen\n\nRanders Kommune\nByrådssekretariatet",
      "Med venlig hilsen\n\nSocial- og Indenrigsministeriet",
      "Med Jægerhilsen\n\nEstvad Rønbjerg Jagtforening",
  };
  for (const char* t : never) EXPECT_TRUE(analyze_text(t).signatories.empty()) << t;
}

// ---- parliamentary questions ------------------------------------------------------------------

TEST(GoldenParliamentary, NumberSeriesCommittee) {
  Analysis a = analyze_text(
      "Folketingets Sundheds- og Ældreudvalg har den 3. maj 2018 stillet følgende spørgsmål nr. 940 (Alm. del) til "
      "sundhedsministeren, som hermed besvares.");
  ASSERT_TRUE(a.parliamentary_question);
  EXPECT_EQ(a.parliamentary_question->number, "940");
  EXPECT_EQ(a.parliamentary_question->series, "alm. del");
  EXPECT_EQ(a.parliamentary_question->committee.value_or(""), "Sundheds- og Ældreudvalget");

  a = analyze_text("Folketingets Socialudvalgs brev af 18. april 2012: svar på spørgsmål nr. 5 (ad L 140).");
  ASSERT_TRUE(a.parliamentary_question);
  EXPECT_EQ(a.parliamentary_question->number, "5");
  EXPECT_EQ(a.parliamentary_question->series, "L 140");

  a = analyze_text("Folketinget\nSPØRGSMÅL NR. S 491\nTil ministeren");
  ASSERT_TRUE(a.parliamentary_question);
  EXPECT_EQ(a.parliamentary_question->number, "S 491");
  EXPECT_EQ(a.parliamentary_question->series, "§ 20");
  EXPECT_FALSE(a.parliamentary_question->committee.has_value());
}

TEST(GoldenParliamentary, NegativeList) {
  const char* never[] = {
      "Spørgsmålet er, om kommunen må det.",
      "Vi har et spørgsmål til kommunen om skolen.",
      "jf. § 20 i loven",
  };
  for (const char* t : never) EXPECT_FALSE(analyze_text(t).parliamentary_question.has_value()) << t;
}

// The citation's small words, the series' names and the committee noun are folketing.tsv's, not
// the code's: a copy with other values gives other records, and a missing or malformed row is
// refused with the file named.
TEST(GoldenParliamentary, WordsAndNamesComeFromTheLexicon) {
  test::TempDir dir;
  const std::string src = test::lexicon_dir() + "/folketing.tsv";
  auto with = [&](const std::string& replace, const std::string& by) {
    std::ifstream in(src);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t at = text.find(replace);
    EXPECT_NE(at, std::string::npos) << replace;
    if (at != std::string::npos) text.replace(at, replace.size(), by);
    std::ofstream(dir.path + "/folketing.tsv", std::ios::trunc) << text;
    return ParliamentaryExtractor::create(dir.path);
  };
  auto run = [](const std::shared_ptr<const ParliamentaryExtractor>& x, const std::string& text) {
    Document d;
    d.text = text;
    Analysis a;
    x->run(d, a);
    return a.parliamentary_question;
  };
  auto x = with("chamber_name\t§ 20", "chamber_name\tparagraf 20");
  ASSERT_TRUE(x.ok()) << x.error().message;
  auto pq = run(*x, "Folketinget\nSPØRGSMÅL NR. S 491\nTil ministeren");
  ASSERT_TRUE(pq);
  EXPECT_EQ(pq->series, "paragraf 20");
  x = with("committee_definite\tet", "committee_definite\tene");
  ASSERT_TRUE(x.ok()) << x.error().message;
  pq = run(*x, "Folketingets Socialudvalg har stillet spørgsmål nr. 7 (Alm. del).");
  ASSERT_TRUE(pq);
  EXPECT_EQ(pq->series, "alm. del");
  EXPECT_EQ(pq->committee.value_or(""), "Socialudvalgene");
  x = with("number_word\tnr\\.?", "number_word\tnummer");
  ASSERT_TRUE(x.ok()) << x.error().message;
  pq = run(*x, "svar på spørgsmål nummer 12 (alm. del)");
  ASSERT_TRUE(pq);
  EXPECT_EQ(pq->number, "12");
  // Refused, with the file named: a plain word that is not one, and a missing row.
  for (auto [from, to] : {std::pair<std::string, std::string>{"name_joiner\tog", "name_joiner\tog|eller"},
                          {"committee_noun\tudvalg\n", ""}}) {
    auto bad = with(from, to);
    ASSERT_FALSE(bad.ok()) << from;
    EXPECT_NE(bad.error().message.find("folketing.tsv"), std::string::npos) << bad.error().message;
  }
}

// ---- exemptions -------------------------------------------------------------------------------

TEST(GoldenExemptions, Areas) {
  const Case cases[] = {
      {"ønsker om frigørelse fra kravet om samarbejde", {"samarbejde"}},
      {"Kommunerne frisættes fra regler på ældreområdet.", {"aeldre"}},
      {"velfærdsaftaler på dagtilbuds- og folkeskoleområdet", {"dagtilbud", "folkeskole"}},
      {"Kommunen søger dispensation fra dokumentationskrav.", {"administration"}},
      {"Kommunerne frisættes fra de statslige regler.", {"general"}},
      {"Følgende områder ønskes med i frikommuneforsøget:\n1. Flere i beskæftigelse\n2. Den fleksible folkeskole",
       {"beskaeftigelse", "folkeskole"}},
  };
  for (const auto& c : cases) EXPECT_EQ(areas_of(analyze_text(c.text)), c.expected) << c.text;
}

TEST(GoldenExemptions, NegativeList) {
  const char* never[] = {
      "Ældreområdet får flere penge i budgettet.",       // an area, no exemption
      "Skolen er fri for elever i sommerferien.",        // no area, no rules
      "Vi har ingen bemærkninger til høringen.",
  };
  for (const char* t : never) EXPECT_TRUE(areas_of(analyze_text(t)).empty()) << t;
}

// ---- the type and the record ------------------------------------------------------------------

TEST(GoldenType, EvidenceAndConfidence) {
  Analysis a = analyze_text(
      "Folketingets Sundhedsudvalg har den 24. marts 2011 stillet følgende spørgsmål nr. 566 (Alm. del) til "
      "ministeren, som hermed besvares.\nSpørgsmål nr. 566:\nHvad er ministerens holdning?\nSvar:\nDer henvises til "
      "besvarelsen.\nMed venlig hilsen\nBertel Haarder");
  EXPECT_EQ(a.type.label, "parliamentary_answer");
  EXPECT_GT(a.type.confidence, 0.5);
  EXPECT_LE(a.type.confidence, 1.0);
  EXPECT_FALSE(a.type.evidence.empty());
}

// Cues are matched on the lower-cased text, at a word start and within one line; the evidence is
// the text as written.
TEST(GoldenType, CueSemantics) {
  auto c = TypeClassifier::create(std::string(SAGSINDEKS_SOURCE_DIR) + "/lexicons", /*need_model=*/false);
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& names = (*c)->feature_names();
  auto value = [&](const std::string& text, const std::string& feature, std::string* evidence = nullptr) {
    Document d;
    d.text = text;
    Features f = (*c)->features(d, Analysis{});
    size_t i = std::find(names.begin(), names.end(), feature) - names.begin();
    if (evidence) *evidence = (*c)->evidence(f, i, d.text);
    return f.x[i];
  };
  std::string ev;
  EXPECT_GT(value("Vi siger TAK FOR jeres brev.", "reply_thanks", &ev), 0);
  EXPECT_EQ(ev, "TAK FOR jeres");
  EXPECT_EQ(value("Vi siger mangetak for brevet.", "reply_thanks"), 0);          // not at a word start
  EXPECT_EQ(value("Vi siger tak\nfor brevet.", "reply_thanks"), 0);             // not within one line
  EXPECT_GT(value("Vi siger (tak for brevet).", "reply_thanks"), 0);
  EXPECT_GT(value("1.tak for brevet", "reply_thanks"), 0);
  EXPECT_DOUBLE_EQ(value("tak for. tak for. tak for. tak for. tak for.", "reply_thanks"), 1.0);  // counted once
  EXPECT_DOUBLE_EQ(value("tak for.", "reply_thanks"), 1.0);
  EXPECT_EQ(value("Vi siger tak\nfor brevet. tak for", "reply_thanks", &ev), 1.0);  // the first match within a line
  EXPECT_EQ(ev, "tak for");
  EXPECT_GT(value(std::string(700, 'x') + " tak for", "reply_thanks"), 0);
  EXPECT_EQ(value(std::string(700, 'x') + " tak for", "reply_thanks@early"), 0);  // past the opening
  EXPECT_GT(value("Tak for", "reply_thanks@early", &ev), 0);
  EXPECT_EQ(ev, "Tak for");
  EXPECT_EQ(value(std::string(596, 'x') + " tak for", "reply_thanks@early"), 0);  // runs past the opening
  EXPECT_EQ(value(std::string(590, 'x') + "\ntak for", "reply_thanks@early"), 1.0);
  // Longer texts with a line break in the opening (its lines before the last break are scanned
  // once for both passes): the same answers as two separate passes.
  const std::string tail = "\n" + std::string(700, 'y');
  EXPECT_EQ(value("tak for\n" + std::string(300, 'x') + tail, "reply_thanks"), 1.0);
  EXPECT_EQ(value("tak for\n" + std::string(300, 'x') + tail, "reply_thanks@early"), 1.0);
  EXPECT_EQ(value("hej\n" + std::string(500, 'x') + "\ntak for" + tail, "reply_thanks@early"), 1.0);
  EXPECT_EQ(value("hej\n" + std::string(500, 'x') + tail + "\ntak for", "reply_thanks@early"), 0);
  EXPECT_EQ(value("hej\n" + std::string(500, 'x') + tail + "\ntak for", "reply_thanks"), 1.0);
  EXPECT_EQ(value(std::string(300, 'x') + "\n  dagsorden" + tail, "other_minutes@early"), 1.0);
  // A cue cut by the opening's end: "deltage\b" ends byte 600 of "deltager", so it is in the
  // opening but not in the whole text.
  const std::string cut = "hej\n" + std::string(600 - 4 - 8, 'x') + " deltager mere" + tail;
  EXPECT_EQ(value(cut, "invite_attend@early"), 1.0);
  EXPECT_EQ(value(cut, "invite_attend"), 0);
  // The evidence is the first match at a word start wherever the set saw the cue: after a symbol
  // outside ASCII in the opening's head (the set's guard takes only ASCII non-letters, so it saw
  // this cue in the tail alone), not after a letter.
  const std::string filler = "\n" + std::string(620, 'x') + "\nvi siger tak for brevet";
  EXPECT_EQ(value("Hej\n•TAK FOR brevet" + filler, "reply_thanks", &ev), 1.0);
  EXPECT_EQ(ev, "TAK FOR brev");
  EXPECT_EQ(value("Hej\nÆTAK FOR brevet" + filler, "reply_thanks", &ev), 1.0);
  EXPECT_EQ(ev, "tak for brev");
  EXPECT_EQ(value("Hej\nTAK FOR brevet" + filler, "reply_thanks", &ev), 1.0);
  EXPECT_EQ(ev, "TAK FOR brev");
  EXPECT_EQ(value("Hej\nTAK FOR brevet" + filler, "reply_thanks@early", &ev), 1.0);
  EXPECT_EQ(ev, "TAK FOR brev");
}

TEST(GoldenType, UpperCaseCueIsALexiconError) {
  // Only type_cues.tsv is read without the model.
  const std::string dir = ::testing::TempDir() + "/upper_case_cue";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/type_cues.tsv") << "# source: test\nreply_thanks\tTak for\n";
  auto c = TypeClassifier::create(dir, /*need_model=*/false);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("type_cues.tsv:2"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("lower case"), std::string::npos);
  std::ofstream(dir + "/type_cues.tsv") << "# source: test\nreply_thanks\ttak\\s\\pL+ \\p{Ll}for\\S\n";
  EXPECT_TRUE(TypeClassifier::create(dir, false).ok());
}

TEST(GoldenRecord, SpansCutOutTheirText) {
  Document doc;
  Analysis a = analyze_text(
      "Københavns Kommune\nSagsnr.: 2020-11222\nDato: 14. december 2020\n\nKære Ærø Kommune\n\nMed venlig hilsen\n\n"
      "Borgmester Ole Bjørstorp\nIshøj Kommune",
      &doc);
  auto j = to_json(doc, a, true);
  std::u32string text;
  {
    std::string t = j["text"];
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(t);
    for (int32_t i = 0; i < u.length();) {
      UChar32 c = u.char32At(i);
      text.push_back(static_cast<char32_t>(c));
      i += U16_LENGTH(c);
    }
  }
  auto cut = [&](const nlohmann::ordered_json& span) {
    std::u32string s = text.substr(span[0].get<size_t>(), span[1].get<size_t>() - span[0].get<size_t>());
    icu::UnicodeString u = icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(s.data()), static_cast<int32_t>(s.size()));
    std::string out;
    u.toUTF8String(out);
    return out;
  };
  for (const char* field : {"dates", "case_numbers"})
    for (const auto& m : j[field]) EXPECT_EQ(cut(m["span"]), m["text"].get<std::string>()) << field;
  ASSERT_FALSE(j["municipalities"].empty());
  for (const auto& m : j["municipalities"])
    for (const auto& sp : m["mentions"]) EXPECT_FALSE(cut(sp).empty());
  EXPECT_EQ(j["schema"], "sagsindeks.analysis/1");
}

}  // namespace
}  // namespace sagsindeks

namespace sagsindeks {
namespace {

// A letter that fills every field of the record (both record tests use it).
constexpr const char* kRecordLetter =
    "Borgmester Ole Bjørstorp\nIshøj Kommune\nSagsnr.: 2020-11222\nDoknr.: 348577\nDato: 14-12-2020\n"
    "Folketingets Socialudvalg har stillet spørgsmål nr. 5 (Alm. del).\nfrigørelse fra kravet om samarbejde\n"
    "Med venlig hilsen\n\nAstrid Krag";

// The record and its published schema agree: every field the schema requires is written, with
// the required keys of its items, for a document and for an error record.
TEST(GoldenRecord, MatchesItsSchema) {
  std::ifstream in(std::string(SAGSINDEKS_SOURCE_DIR) + "/src/analysis/analysis-v1.schema.json");
  ASSERT_TRUE(in);
  auto schema = nlohmann::json::parse(in);
  Document doc;
  Analysis a = test::analyze_text(
      kRecordLetter,
      &doc);
  auto rec = nlohmann::json::parse(to_json(doc, a, true).dump());
  const auto& ok = schema["oneOf"][1];
  for (const auto& key : ok["required"]) EXPECT_TRUE(rec.contains(key.get<std::string>())) << key;
  for (auto& [field, spec] : ok["properties"].items()) {
    if (!rec.contains(field)) continue;
    const auto& v = rec[field];
    if (spec.contains("items") && spec["items"].contains("required")) {
      ASSERT_FALSE(v.empty()) << field << " is empty in the test record: extend the test text";
      for (const auto& item : v)
        for (const auto& key : spec["items"]["required"]) EXPECT_TRUE(item.contains(key.get<std::string>())) << field << "." << key;
    }
  }
  EXPECT_EQ(rec["type"]["label"].is_string(), true);
  auto err = nlohmann::json::parse(error_json(doc.source, Error{"empty", "file is empty"}).dump());
  for (const auto& key : schema["oneOf"][0]["required"]) EXPECT_TRUE(err.contains(key.get<std::string>())) << key;
  EXPECT_FALSE(err.contains("type"));
  // The record of a part (issue 4: an e-mail attachment) carries source.part; a file's does not.
  EXPECT_FALSE(rec["source"].contains("part"));
  doc.source.part = PartInfo{"4.2", "4", 1, "svar.odt", "application/vnd.oasis.opendocument.text", "ab12"};
  for (const auto& r : {nlohmann::json::parse(to_json(doc, a, false).dump()),
                        nlohmann::json::parse(error_json(doc.source, Error{"too_deep", "x"}).dump())}) {
    const auto& spec = schema["$defs"]["source"]["properties"]["part"];
    ASSERT_TRUE(r["source"].contains("part"));
    for (const auto& key : spec["required"]) EXPECT_TRUE(r["source"]["part"].contains(key.get<std::string>())) << key;
    EXPECT_EQ(r["source"]["part"]["parent"], "4");
    EXPECT_EQ(r["source"]["path"], doc.source.path);
  }
}

// render_json (the CLI's record, built in a per-thread arena) prints exactly what to_json's value
// dumps: one line with invalid UTF-8 replaced, or pretty; again and again (the arena is rewound).
TEST(GoldenRecord, RenderedRecordIsTheDumpOfToJson) {
  Document doc;
  Analysis a = test::analyze_text(
      kRecordLetter,
      &doc);
  for (int round = 0; round < 3; ++round) {
    if (round == 2) doc.source.part = PartInfo{"4.2", "4", 1, "svar.odt", "application/vnd.oasis.opendocument.text", "ab12"};
    for (bool with_text : {false, true}) {
      auto j = to_json(doc, a, with_text);
      EXPECT_EQ(render_json(doc, a, with_text, false), j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      EXPECT_EQ(render_json(doc, a, with_text, true), j.dump(2));
    }
  }
}

// A card whose text came from OCR with low confidence is flagged for an archivist.
TEST(GoldenRecord, LowOcrConfidenceNeedsReview) {
  Document doc;
  test::analyze_text("Dato: 14-12-2020\nSagsnr.: 2020-11222\n\nMed venlig hilsen\n\nAstrid Krag", &doc);
  doc.source.ocr = true;
  doc.source.ocr_confidence = 0.41;
  Analysis low = analyze(doc, test::resources());
  EXPECT_TRUE(low.review.needed);
  EXPECT_NE(std::find(low.review.reasons.begin(), low.review.reasons.end(), "low OCR confidence"), low.review.reasons.end());
  doc.source.ocr_confidence = 0.93;
  Analysis high = analyze(doc, test::resources());
  EXPECT_EQ(std::find(high.review.reasons.begin(), high.review.reasons.end(), "low OCR confidence"), high.review.reasons.end());
}

}  // namespace
}  // namespace sagsindeks
