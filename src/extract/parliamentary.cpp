// Parliamentary question rules: "spørgsmål nr. N (series)", "§ 20-spørgsmål S N" (chamber),
// "header SUU Alm.del + spørgsmål N", committee from "Folketingets X-udvalg" or a header line.
#include "extract/parliamentary.h"

#include <map>

#include "core/lexicon.h"
#include "core/re.h"
#include "core/text.h"

namespace sagsindeks {

Result<std::shared_ptr<const ParliamentaryExtractor>> ParliamentaryExtractor::create(const std::string& lexdir) {
  auto rows = load_lexicon(lexdir + "/folketing.tsv", '\t', 2);
  if (!rows.ok()) return rows.error();
  std::map<std::string, std::string> alt;
  for (const auto& r : *rows) alt[r.fields[0]] += (alt[r.fields[0]].empty() ? "" : "|") + r.fields[1];
  auto x = std::make_shared<ParliamentaryExtractor>();
  std::string q = "(?i:" + alt["question"] + ")";
  std::string series = "((?i:" + alt["series_general"] + ")|[LB] ?\\d+|" + alt["chamber"] + ")";
  // "spørgsmål nr. 940 (Alm. del)", "spørgsmål nr. 5 ad L 140", "spørgsmål 31 (TRU alm. del)".
  x->question_ = make_re(q + "[ ]*(?i:nr\\.?[ ]*)?(\\d+)[ ]*(?:\\((?:ad[ ]+|\\p{Lu}{2,5}[ ]+)?" + series +
                         "[^)]{0,30}\\)|(?i:ad)[ ]+" + series + ")");
  // A question number alone: "Spørgsmål nr. 31:", "SPØRGSMÅL NR. S 491", "Samrådsspørgsmål N".
  x->number_ = make_re("(?:^|[^\\pL])" + q + "[ ]*(?i:nr\\.?[ ]*)?(S[ ]?\\d+|\\d+|\\p{Lu}{1,2})(?:[^\\pL\\pN]|$)");
  // The question heading of an answer: "Spørgsmål nr. 2:" names the question answered.
  x->heading_ = make_re("(?m)^" + q + "[ ]*(?i:nr\\.?[ ]*)?(S[ ]?\\d+|\\d+|\\p{Lu}{1,2})[ ]*:");
  x->any_question_ = make_re("(?:" + q + "|" + alt["chamber"] + ")");
  x->chamber_ = make_re("(?:" + alt["chamber"] + ")[- ]*" + q + "?[ ]*(?i:nr\\.?[ ]*)?(S[ ]?\\d+)");
  x->series_ = make_re("(?:^|[^\\pL])" + series + "(?:[^\\pL\\pN]|$)");
  x->marker_ = make_re("(?:" + alt["marker"] + ")");
  x->committee_ = make_re("(?:" + alt["committee_prefix"] + ")\\s+((?:\\p{Lu}[\\pL]*-?,?\\s(?:og\\s)?)*\\p{Lu}?[\\pL]*udvalg)(?:s|et)?");
  x->committee_header_ = make_re("(?m)^((?:\\p{Lu}[\\pL]*-?,?\\s(?:og\\s)?)*\\p{Lu}?[\\pL]*[Uu]dvalget)\\s+\\d{4}-\\d{2}");
  for (auto* re : {&x->any_question_, &x->question_, &x->heading_, &x->number_, &x->chamber_, &x->series_, &x->marker_, &x->committee_, &x->committee_header_})
    if (!(*re)->ok())
      return Error{"lexicon", lexdir + "/folketing.tsv: parliamentary pattern does not compile: " + (*re)->error()};
  return std::shared_ptr<const ParliamentaryExtractor>(x);
}

void ParliamentaryExtractor::run(const Document& doc, Analysis& a) const {
  const std::string& t = doc.text;
  // Every rule needs a question word: one pass decides whether the others run.
  if (!RE2::PartialMatch(t, *any_question_)) return;
  re2::StringPiece num, s1, s2;
  ParliamentaryQuestion pq;
  auto norm_series = [](std::string s) {
    s = text::squash_spaces(s);
    std::string l = text::lower(s);
    if (l.starts_with("alm")) return std::string("alm. del");
    if (l.starts_with("§")) return std::string("§ 20");
    if (s.size() > 1 && s[1] != ' ') s.insert(1, " ");  // "L140" -> "L 140"
    return s;
  };
  auto norm_number = [](std::string n) {
    n = text::squash_spaces(n);
    if (n.size() > 1 && n[0] == 'S' && n[1] != ' ') n.insert(1, " ");  // "S491" -> "S 491"
    return n;
  };
  auto span_of = [&](re2::StringPiece p) {
    return Span{static_cast<uint32_t>(p.data() - t.data()), static_cast<uint32_t>(p.data() + p.size() - t.data())};
  };
  if (RE2::PartialMatch(t, *question_, &num, &s1, &s2)) {
    pq.number = norm_number(std::string(num.data(), num.size()));
    re2::StringPiece s = !s1.empty() ? s1 : s2;
    pq.series = norm_series(std::string(s.data(), s.size()));
    pq.span = span_of(num);
    pq.rule = "spørgsmål nr. N (series)";
  } else if (RE2::PartialMatch(t, *chamber_, &num)) {
    pq.number = norm_number(std::string(num.data(), num.size()));
    pq.series = "§ 20";
    pq.span = span_of(num);
    pq.rule = "§ 20-spørgsmål S N";
  } else if ((RE2::PartialMatch(t, *heading_, &num) || RE2::PartialMatch(t, *number_, &num)) &&
             RE2::PartialMatch(t, *marker_)) {
    // A bare question number counts in a text that speaks of the Folketing; the series is the
    // first one the text names ("L 22", "Alm.del"), or § 20 for an "S" number.
    pq.number = norm_number(std::string(num.data(), num.size()));
    pq.span = span_of(num);
    pq.rule = "spørgsmål N + series in text";
    if (pq.number[0] == 'S' && pq.number.size() > 1 && pq.number[1] == ' ') pq.series = "§ 20";
    else if (RE2::PartialMatch(t, *series_, &s1)) pq.series = norm_series(std::string(s1.data(), s1.size()));
    else pq.series = "";
  } else {
    return;
  }
  if (pq.series != "§ 20") {
    re2::StringPiece c;
    if (RE2::PartialMatch(t, *committee_, &c)) pq.committee = std::string(c.data(), c.size()) + "et";
    else if (RE2::PartialMatch(t, *committee_header_, &c)) pq.committee = std::string(c.data(), c.size());
  }
  a.parliamentary_question = pq;
}

}  // namespace sagsindeks
