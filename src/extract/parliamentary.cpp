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
  std::string q = "(?:" + alt["question"] + ")";
  std::string series = "((?:" + alt["series_general"] + ")|[LB]\\s?\\d+|" + alt["chamber"] + ")";
  x->question_ = make_re("(?i)" + q + "\\s*(?:nr\\.?\\s*)?(\\d+)\\s*(?:\\(\\s*(?:ad\\s+)?" + series +
                                       "\\s*\\)|ad\\s+" + series + "|vedr\\.\\s+" + series + ")");
  x->chamber_ = make_re("(?i)(?:" + alt["chamber"] + ")[- ]*" + q + "?\\s*(?:nr\\.?\\s*)?(S\\s?\\d+)");
  x->header_ = make_re("(?m)^(?:\\p{Lu}{2,5}\\s+)?(" + alt["series_general"].substr(0) +
                                     "|[LB]\\s?\\d+)(?:\\s*-\\s*(?:Svar på\\s*)?)?\\s*(?:Spørgsmål|spm\\.?)\\s*(?:nr\\.?\\s*)?(\\d+)");
  x->header_number_ = make_re("(?i)" + q + "\\s*(?:nr\\.?\\s*)?(\\d+)");
  x->committee_ = make_re("(?:" + alt["committee_prefix"] + ")\\s+((?:\\p{Lu}[\\pL]*-?,?\\s(?:og\\s)?)*\\p{Lu}?[\\pL]*udvalg)(?:s|et)?");
  x->committee_header_ = make_re("(?m)^((?:\\p{Lu}[\\pL]*-?,?\\s(?:og\\s)?)*\\p{Lu}?[\\pL]*[Uu]dvalget)\\s+\\d{4}-\\d{2}");
  for (auto* re : {&x->question_, &x->chamber_, &x->header_, &x->header_number_, &x->committee_, &x->committee_header_})
    if (!(*re)->ok()) return Error{"lexicon", "parliamentary pattern does not compile: " + (*re)->error()};
  return std::shared_ptr<const ParliamentaryExtractor>(x);
}

void ParliamentaryExtractor::run(const Document& doc, Analysis& a) const {
  const std::string& t = doc.text;
  re2::StringPiece num, s1, s2, s3;
  ParliamentaryQuestion pq;
  auto norm_series = [](std::string s) {
    s = text::squash_spaces(s);
    std::string l = text::lower(s);
    if (l.starts_with("alm")) return std::string("alm. del");
    if (l.starts_with("§")) return std::string("§ 20");
    // "L140" -> "L 140"
    if (s.size() > 1 && s[1] != ' ') s.insert(1, " ");
    return s;
  };
  if (RE2::PartialMatch(t, *question_, &num, &s1, &s2, &s3)) {
    pq.number = std::string(num.data(), num.size());
    re2::StringPiece s = !s1.empty() ? s1 : !s2.empty() ? s2 : s3;
    pq.series = norm_series(std::string(s.data(), s.size()));
    pq.span = {static_cast<uint32_t>(num.data() - t.data()), static_cast<uint32_t>(num.data() + num.size() - t.data())};
    pq.rule = "spørgsmål nr. N (series)";
  } else if (RE2::PartialMatch(t, *chamber_, &num)) {
    pq.number = text::squash_spaces(std::string(num.data(), num.size()));
    if (pq.number.size() > 1 && pq.number[1] != ' ') pq.number.insert(1, " ");
    pq.series = "§ 20";
    pq.span = {static_cast<uint32_t>(num.data() - t.data()), static_cast<uint32_t>(num.data() + num.size() - t.data())};
    pq.rule = "§ 20-spørgsmål S N";
  } else if (RE2::PartialMatch(t, *header_, &s1, &num)) {
    pq.number = std::string(num.data(), num.size());
    pq.series = norm_series(std::string(s1.data(), s1.size()));
    pq.span = {static_cast<uint32_t>(num.data() - t.data()), static_cast<uint32_t>(num.data() + num.size() - t.data())};
    pq.rule = "header series+spørgsmål N";
  } else {
    return;
  }
  if (pq.series != "§ 20") {
    re2::StringPiece c;
    if (RE2::PartialMatch(t, *committee_, &c)) {
      pq.committee = std::string(c.data(), c.size()) + "et";
    } else if (RE2::PartialMatch(t, *committee_header_, &c)) {
      pq.committee = std::string(c.data(), c.size());
    }
  }
  a.parliamentary_question = pq;
}

}  // namespace sagsindeks
