// Parliamentary question rules: "spørgsmål nr. N (series)", "§ 20-spørgsmål S N" (chamber),
// "header SUU Alm.del + spørgsmål N", committee from "Folketingets X-udvalg" or a header line.
#include "extract/parliamentary.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "core/lexicon.h"
#include "core/re.h"
#include "core/text.h"

namespace sagsindeks {

Result<std::shared_ptr<const ParliamentaryExtractor>> ParliamentaryExtractor::create(const std::string& lexdir) {
  auto rows = load_lexicon(lexdir + "/folketing.tsv", '\t', 2);
  if (!rows.ok()) return rows.error();
  std::map<std::string, std::string> alt;
  for (const auto& r : *rows) alt[r.fields[0]] += (alt[r.fields[0]].empty() ? "" : "|") + r.fields[1];
  // A word of letters: ASCII letters and bytes of 0x80 and above (Danish letters); it goes into a
  // pattern as it is, and is found in the text as it is.
  auto plain_word = [](std::string_view w) {
    return std::all_of(w.begin(), w.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x80 || std::isalpha(static_cast<unsigned char>(c));
    });
  };
  // The committee noun, its endings and the joining word are such words. The names of the
  // series are the record's values, one each.
  for (const char* k : {"committee_noun", "committee_definite", "committee_genitive", "name_joiner"}) {
    const std::string& w = alt[k];
    if (w.empty()) return Error{"lexicon", lexdir + "/folketing.tsv: no '" + std::string(k) + "' row"};
    if (!plain_word(w))
      return Error{"lexicon", lexdir + "/folketing.tsv: '" + std::string(k) + "' must be one word of letters, not '" + w + "'"};
  }
  for (const char* k : {"number_word", "about", "series_general_name", "chamber_name"})
    if (alt[k].empty()) return Error{"lexicon", lexdir + "/folketing.tsv: no '" + std::string(k) + "' row"};
  for (const char* k : {"series_general_name", "chamber_name"})
    if (alt[k].find('|') != std::string::npos)
      return Error{"lexicon", lexdir + "/folketing.tsv: one '" + std::string(k) + "' row only"};
  auto x = std::make_shared<ParliamentaryExtractor>();
  x->series_general_name_ = alt["series_general_name"];
  x->chamber_name_ = alt["chamber_name"];
  x->committee_definite_ = alt["committee_definite"];
  const std::string nr = "(?:(?i:" + alt["number_word"] + ")[ ]*)?";
  const std::string& about = alt["about"];
  const std::string joiner = "(?:" + alt["name_joiner"] + "\\s)?";
  std::string q = "(?i:" + alt["question"] + ")";
  std::string series = "((?i:" + alt["series_general"] + ")|[LB] ?\\d+|" + alt["chamber"] + ")";
  // "spørgsmål nr. 940 (Alm. del)", "spørgsmål nr. 5 ad L 140", "spørgsmål 31 (TRU alm. del)".
  x->question_ = make_re(q + "[ ]*" + nr + "(\\d+)[ ]*(?:\\((?:(?:" + about + ")[ ]+|\\p{Lu}{2,5}[ ]+)?" + series +
                         "[^)]{0,30}\\)|(?i:" + about + ")[ ]+" + series + ")");
  // A question number alone: "Spørgsmål nr. 31:", "SPØRGSMÅL NR. S 491", "Samrådsspørgsmål N".
  x->number_ = make_re("(?:^|[^\\pL])" + q + "[ ]*" + nr + "(S[ ]?\\d+|\\d+|\\p{Lu}{1,2})(?:[^\\pL\\pN]|$)");
  // The question heading of an answer: "Spørgsmål nr. 2:" names the question answered.
  x->heading_ = make_re("(?m)^" + q + "[ ]*" + nr + "(S[ ]?\\d+|\\d+|\\p{Lu}{1,2})[ ]*:");
  x->any_question_ = make_re("(?:" + q + "|" + alt["chamber"] + ")");
  x->chamber_ = make_re("(?:" + alt["chamber"] + ")[- ]*" + q + "?[ ]*" + nr + "(S[ ]?\\d+)");
  // Which series a question's series group holds: its value is the lexicon's name for it.
  x->series_general_ = make_re("(?i:" + alt["series_general"] + ")");
  x->chamber_whole_ = make_re("(?:" + alt["chamber"] + ")");
  x->series_ = make_re("(?:^|[^\\pL])" + series + "(?:[^\\pL\\pN]|$)");
  x->marker_ = make_re("(?:" + alt["marker"] + ")");
  // The word both committee patterns end in ("Folketingets Sundhedsudvalg", a header line
  // "Sundhedsudvalget 2020-21"), once: run() looks for it before searching with them.
  const std::string& committee = alt["committee_noun"];
  size_t first = 0;
  text::next_cp(committee, first);  // the noun's first character, matched in either case in a header
  const std::string committee_header = committee.substr(first) + x->committee_definite_;
  x->committee_ = make_re("(?:" + alt["committee_prefix"] + ")\\s+((?:\\p{Lu}[\\pL]*-?,?\\s" + joiner + ")*\\p{Lu}?[\\pL]*" +
                          committee + ")(?:" + alt["committee_genitive"] + "|" + x->committee_definite_ + ")?");
  // The literal each committee pattern must hold, where its prefixes are plain words (run()).
  bool plain_prefix = true;
  for (const auto& r : *rows)
    if (r.fields[0] == "committee_prefix") plain_prefix = plain_prefix && plain_word(r.fields[1]);
  if (plain_prefix) x->committee_word_ = committee, x->committee_header_word_ = committee_header;
  x->committee_header_ = make_re("(?m)^((?:\\p{Lu}[\\pL]*-?,?\\s" + joiner + ")*\\p{Lu}?[\\pL]*(?i:" +
                                 committee.substr(0, first) + ")" + committee_header + ")\\s+\\d{4}-\\d{2}");
  for (auto* re : {&x->any_question_, &x->question_, &x->heading_, &x->number_, &x->chamber_, &x->series_, &x->marker_,
                   &x->committee_, &x->committee_header_, &x->series_general_, &x->chamber_whole_})
    if (!(*re)->ok())
      return Error{"lexicon", lexdir + "/folketing.tsv: parliamentary pattern does not compile: " + (*re)->error()};
  x->question_groups_ = std::make_unique<Latin1Groups>(*x->question_);
  x->heading_groups_ = std::make_unique<Latin1Groups>(*x->heading_);
  x->number_groups_ = std::make_unique<Latin1Groups>(*x->number_);
  x->chamber_groups_ = std::make_unique<Latin1Groups>(*x->chamber_);
  x->series_groups_ = std::make_unique<Latin1Groups>(*x->series_);
  x->committee_groups_ = std::make_unique<Latin1Groups>(*x->committee_);
  x->committee_header_groups_ = std::make_unique<Latin1Groups>(*x->committee_header_);
  auto own = StartFinder::create(x->start_patterns());
  if (!own.ok()) return own.error();
  x->own_starts_ = *own;
  return std::shared_ptr<const ParliamentaryExtractor>(x);
}

std::vector<std::pair<StartKind, std::string>> ParliamentaryExtractor::start_patterns() const {
  return {{StartKind::kQuestion, any_question_->pattern()}};
}

void ParliamentaryExtractor::run(const Document& doc, Analysis& a) const {
  Starts s;
  own_starts_->find(doc.text, s);
  run(doc, a, s);
}

void ParliamentaryExtractor::run(const Document& doc, Analysis& a, const Starts& starts) const {
  const std::string& t = doc.text;
  const re2::StringPiece all(t.data(), t.size());
  // Every rule's match starts where a question word or the chamber starts (the number rule one
  // character before it): where the shared pass found any_question_ to start. Each rule runs
  // anchored at those starts in order, and the first that matches is the leftmost match a
  // whole-text search would give: no pass over the text of its own (a rule that failed cost a
  // full pass each: question, chamber, heading, number).
  const std::vector<uint32_t>& at = starts[StartKind::kQuestion];
  auto candidate = [&](size_t k) { return k < at.size(); };
  if (!candidate(0)) return;
  // The leftmost match of `re` over the text: tried anchored at each candidate start, or at the
  // character before it for a rule that opens with "^ or a non-letter" (`before`). The DFA decides
  // whether and where it matches; the groups are then taken within that match only (an anchored
  // match asking for groups runs the capturing engine over the rest of the text).
  auto leftmost = [&](const RE2& re, const Latin1Groups& groups, bool before, re2::StringPiece* g, int n) {
    re2::StringPiece whole;
    for (size_t k = 0; candidate(k); ++k) {
      size_t from = at[k];
      if (before && from > 0) text::prev_cp(t, from);
      if (re.Match(all, from, t.size(), RE2::ANCHOR_START, &whole, 1))
        return groups.groups(t, from, from + whole.size(), g, n);
    }
    return false;
  };
  re2::StringPiece num, s1, s2;
  ParliamentaryQuestion pq;
  auto norm_series = [&](std::string s) {
    s = text::squash_spaces(s);
    if (RE2::FullMatch(s, *series_general_)) return series_general_name_;
    if (RE2::FullMatch(s, *chamber_whole_)) return chamber_name_;
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
  re2::StringPiece g[4];
  if (leftmost(*question_, *question_groups_, false, g, 4)) {
    num = g[1], s1 = g[2], s2 = g[3];
    pq.number = norm_number(std::string(num.data(), num.size()));
    re2::StringPiece s = !s1.empty() ? s1 : s2;
    pq.series = norm_series(std::string(s.data(), s.size()));
    pq.span = span_of(num);
    pq.rule = "spørgsmål nr. N (series)";
  } else if (leftmost(*chamber_, *chamber_groups_, false, g, 2)) {
    num = g[1];
    pq.number = norm_number(std::string(num.data(), num.size()));
    pq.series = chamber_name_;
    pq.span = span_of(num);
    pq.rule = "§ 20-spørgsmål S N";
  } else if ((leftmost(*heading_, *heading_groups_, false, g, 2) || leftmost(*number_, *number_groups_, true, g, 2)) &&
             RE2::PartialMatch(t, *marker_)) {
    num = g[1];
    // A bare question number counts in a text that speaks of the Folketing; the series is the
    // first one the text names ("L 22", "Alm.del"), or § 20 for an "S" number.
    pq.number = norm_number(std::string(num.data(), num.size()));
    pq.span = span_of(num);
    pq.rule = "spørgsmål N + series in text";
    if (pq.number[0] == 'S' && pq.number.size() > 1 && pq.number[1] == ' ') pq.series = chamber_name_;
    else if (partial_match(t, *series_, *series_groups_, g, 2)) pq.series = norm_series(std::string(g[1].data(), g[1].size()));
    else pq.series = "";
  } else {
    return;
  }
  if (pq.series != chamber_name_) {
    // Both committee patterns end in a committee word, and everything a match holds before that
    // word is letters, '-', ',' and white space (committee_header_) or the prefix and those
    // (committee_). So a text without the word has no match, and the leftmost match starts no
    // earlier than the run of such characters before the word's first occurrence: each search
    // starts there (with the whole text as context for ^), not at the text's start. The header
    // pattern opens at every line start and cost a DFA pass over every text with a question.
    auto from_run_before = [&](std::string_view word) -> size_t {
      size_t w = t.find(word);
      if (w == std::string::npos) return std::string::npos;
      while (w > 0) {
        // Any byte of a multi-byte character counts as a letter: a run too long costs a little
        // search, one too short would lose a match.
        const unsigned char c = static_cast<unsigned char>(t[w - 1]);
        if (!(c >= 0x80 || std::isalpha(c) || c == '-' || c == ',' || c == ' ' || c == '\t' || c == '\n' ||
              c == '\f' || c == '\r'))
          break;
        --w;
      }
      return w;
    };
    // committee_header_ ends in its word, white space and a session ("2020-21"): a text where
    // no occurrence of the word is followed so has no match, and is not searched (most texts
    // that name a committee).
    auto header_word_dated = [&] {
      auto digits = [&](size_t p, size_t n) {
        if (p + n > t.size()) return false;
        for (size_t k = 0; k < n; ++k)
          if (t[p + k] < '0' || t[p + k] > '9') return false;
        return true;
      };
      const std::string& w = committee_header_word_;
      for (size_t d = t.find(w); d != std::string::npos; d = t.find(w, d + 1)) {
        size_t p = d + w.size(), q = p;
        while (q < t.size() && (t[q] == ' ' || t[q] == '\t' || t[q] == '\n' || t[q] == '\f' || t[q] == '\r')) ++q;
        if (q > p && digits(q, 4) && q + 4 < t.size() && t[q + 4] == '-' && digits(q + 5, 2)) return true;
      }
      return false;
    };
    auto search_from = [&](const RE2& re, const Latin1Groups& groups, size_t from) {
      re2::StringPiece whole;
      if (from == std::string::npos || !re.Match(all, from, t.size(), RE2::UNANCHORED, &whole, 1)) return false;
      const size_t b = static_cast<size_t>(whole.data() - t.data());
      return groups.groups(t, b, b + whole.size(), g, 2);
    };
    if (committee_word_.empty()) {
      if (partial_match(t, *committee_, *committee_groups_, g, 2)) pq.committee = std::string(g[1].data(), g[1].size()) + committee_definite_;
      else if (partial_match(t, *committee_header_, *committee_header_groups_, g, 2))
        pq.committee = std::string(g[1].data(), g[1].size());
    } else if (search_from(*committee_, *committee_groups_, from_run_before(committee_word_))) {
      pq.committee = std::string(g[1].data(), g[1].size()) + committee_definite_;
    } else if (header_word_dated() &&
               search_from(*committee_header_, *committee_header_groups_, from_run_before(committee_header_word_))) {
      pq.committee = std::string(g[1].data(), g[1].size());
    }
  }
  a.parliamentary_question = pq;
}

}  // namespace sagsindeks
