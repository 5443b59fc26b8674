// Date rules, each named: "dd-mm-yyyy", "yyyy-mm-dd", "d. month yyyy", "d.-d. month yyyy",
// "d. month (year from context)", "d/m-yy". Document date rules: "Dato: label", "date line",
// "brev af".
#include "extract/dates.h"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>

#include "core/lexicon.h"
#include "core/re.h"

#include <re2/set.h>
#include "core/text.h"

namespace sagsindeks {

namespace {

bool valid(int y, int m, int d) {
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  if (d > days[m - 1]) return false;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
  return true;
}

// "%04d-%02d-%02d" for a valid() date (year 1900-2099), written digit by digit: snprintf's format
// parsing cost ~1.2 k instructions a date.
std::string iso(int y, int m, int d) {
  const char buf[10] = {static_cast<char>('0' + y / 1000),     static_cast<char>('0' + y / 100 % 10),
                        static_cast<char>('0' + y / 10 % 10),  static_cast<char>('0' + y % 10),
                        '-',                                   static_cast<char>('0' + m / 10),
                        static_cast<char>('0' + m % 10),       '-',
                        static_cast<char>('0' + d / 10),       static_cast<char>('0' + d % 10)};
  return std::string(buf, sizeof buf);
}

// The value of a run of one to four ASCII digits (RE2's \d), as std::stoi gives it, without
// stoi's string copy, locale and errno.
int number(std::string_view digits) {
  int v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return v;
}

int year_of(std::string_view digits) {
  int y = number(digits);
  if (digits.size() == 2) y += y >= 70 ? 1900 : 2000;  // 29/9-10 is 2010; 1970s letters exist
  return y;
}

// Identifier spans, sorted, for overlap tests in O(log n): a date inside an identifier is none.
class Taken {
 public:
  explicit Taken(const Analysis& a) {
    for (const auto* v : {&a.case_numbers, &a.document_numbers})
      for (const auto& m : *v) spans_.push_back(m.span);
    std::sort(spans_.begin(), spans_.end());
  }
  bool overlaps(size_t b, size_t e) const {
    // Identifier spans may overlap each other, so look back over those starting before e.
    auto it = std::lower_bound(spans_.begin(), spans_.end(), Span{static_cast<uint32_t>(e), 0});
    for (int k = 0; it != spans_.begin() && k < 4; ++k) {
      --it;
      if (it->end > b) return true;
    }
    return false;
  }

 private:
  std::vector<Span> spans_;
};

// A numeric date glued to more digits or separators is part of something else (an identifier,
// a phone number, a version): "330-2018-3619" holds no date.
bool isolated(const std::string& t, size_t b, size_t e) {
  auto bad = [](char c) { return (c >= '0' && c <= '9') || c == '-' || c == '/'; };
  if (b > 0 && (bad(t[b - 1]) || (t[b - 1] == '.' && b > 1 && t[b - 2] >= '0' && t[b - 2] <= '9'))) return false;
  if (e < t.size() && bad(t[e]) ) return false;
  if (e + 1 < t.size() && t[e] == '.' && t[e + 1] >= '0' && t[e + 1] <= '9') return false;
  return true;
}

}  // namespace

Result<std::shared_ptr<const DateExtractor>> DateExtractor::create(const std::string& lexdir) {
  auto x = std::make_shared<DateExtractor>();
  auto rows = load_lexicon(lexdir + "/maaneder.tsv", '\t', 2);
  if (!rows.ok()) return rows.error();
  std::vector<std::string> forms;
  for (const auto& r : *rows) {
    long m = 0;
    if (!parse_long(r.fields[0], 1, 12, m))
      return Error{"lexicon", lexdir + "/maaneder.tsv:" + std::to_string(r.line) + ": month must be 1-12"};
    x->months_[r.fields[1]] = static_cast<int>(m);
    forms.push_back(r.fields[1]);
  }
  // Descending byte order puts a form before every form it extends ("sept" before "sep"), as the
  // leftmost-first alternation needs, and forms that share a prefix side by side: RE2 then
  // factors the prefix out ("sep(?:t(?:ember)?)?"), which keeps the date patterns one-pass, so
  // their groups are taken by the one-pass engine instead of the backtracker (a date's groups
  // cost several times less).
  std::sort(forms.begin(), forms.end(), std::greater<>());
  std::string month;
  for (const auto& f : forms) month += (month.empty() ? "" : "|") + f;
  const std::string month_word = "(" + month + ")";
  month = month_word + "\\.?";
  // The small words around a date, by role (dato_smaaord.tsv): those joining the two days of a
  // range ("1. til 3. marts"), the items of a day/month list ("28/2, 4/3 og 10/3"), the article
  // before a date ("den") and its abbreviation ("d.").
  auto sw = load_lexicon(lexdir + "/dato_smaaord.tsv", '\t', 2);
  if (!sw.ok()) return sw.error();
  std::map<std::string, std::string> small;  // role -> alternation of its words, quoted
  std::vector<std::string> range_list;
  for (const auto& r : *sw) {
    small[r.fields[0]] += (small[r.fields[0]].empty() ? "" : "|") + RE2::QuoteMeta(r.fields[1]);
    if (r.fields[0] == "interval") range_list.push_back(r.fields[1]);
    if (r.fields[0] == "artikel") x->den_window_ = std::max(x->den_window_, r.fields[1].size() + 2);
  }
  for (const char* role : {"interval", "liste", "artikel", "artikel_forkortet"})
    if (small[role].empty())
      return Error{"lexicon", lexdir + "/dato_smaaord.tsv: no word for the role '" + std::string(role) + "'"};
  const std::string range_words = "|" + small["interval"];
  const std::string den = "(?:" + small["artikel"] + ")", den_abbr = "(?:" + small["artikel_forkortet"] + ")";
  // The words a day number can be followed by, for the start prefilter in run().
  std::vector<std::string> words = forms;
  words.insert(words.end(), range_list.begin(), range_list.end());
  x->words_digit_free_ =
      std::none_of(words.begin(), words.end(), [](const std::string& w) { return !w.empty() && w[0] >= '0' && w[0] <= '9'; });
  x->word_openers_.assign(1 << 16, false);
  for (const auto& w : words) {
    if (w.size() < 2) {
      x->word_openers_.clear();
      break;
    }
    const auto a = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(w[0]))),
               b = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(w[1])));
    x->word_openers_[static_cast<size_t>(a) << 8 | b] = true;
  }
  auto wd = load_lexicon(lexdir + "/ugedage.txt", '\t', 1);
  if (!wd.ok()) return wd.error();
  std::string wds;
  for (const auto& r : *wd) wds += (wds.empty() ? "" : "|") + r.fields[0];

  auto make = [](const std::string& p) { return make_re(p); };
  // "(\\d{2}(?:\\d{2})?)" is "(\\d{4}|\\d{2})" (four digits when there are four), written one-pass.
  // The separators are no groups (each is the byte after its day or month group): RE2's one-pass
  // engine takes at most four groups, and a fifth sent every numeric date to the backtracker.
  x->numeric_ = make("(\\d{1,2})[-./](\\d{1,2})[-./](\\d{2}(?:\\d{2})?)");
  x->iso_ = make("(\\d{4})-(\\d{2})-(\\d{2})");
  x->slash_dash_ = make("(\\d{1,2})/(\\d{1,2})[-. ](\\d{2}(?:\\d{2})?)");
  x->named_ = make("(?i)(\\d{1,2})\\.?\\s?" + month + "[ ,]+(?:(?-i:[A-Za-zæøå]+)\\s)?(\\d{4})");
  // "1.-3. marts 2021", "4. og tirsdag den 5. december 2006".
  x->range_ = make("(?i)(\\d{1,2})\\.?\\s?(?:-" + range_words + ")\\s?(?:(?:" + wds + ")\\s+)?(?:" + den + "\\s+)?(\\d{1,2})\\.?\\s?" + month +
                   "[ ,]+(\\d{4})");
  // Day/month without a year after "den", and the items coordinated with it: "den 28/2, 4/3 og 10/3".
  x->dm_list_ = make("(\\d{1,2}/\\d{1,2}(?:(?:,\\s*|\\s+(?:" + small["liste"] + ")\\s+)\\d{1,2}/\\d{1,2})*)(?:[^\\d/-]|$)");
  x->den_before_ = make("(?i)(?:^|[^\\pL])" + den + "\\s+$");
  x->cut_year_ = make("^\\s\\d{1,3}(?:\\D|$)");
  x->clock_ = make("\\d{1,2}[:.]\\d{2}(?::\\d{2})?");
  x->dm_item_ = make("(\\d{1,2})/(\\d{1,2})");
  // No "\\.?" after the month word: a dot is itself no letter or digit, so the pattern matches
  // where it did with the same groups, and without the choice between the two it is one-pass.
  x->named_noyear_ = make("(?i)(\\d{1,2})\\.\\s?" + month_word + "(?:[^\\pL\\pN]|$)");
  auto dl = load_lexicon(lexdir + "/dato_etiketter.tsv", '\t', 2);
  if (!dl.ok()) return dl.error();
  std::map<std::string, std::string> kinds;
  for (const auto& r : *dl) {
    kinds[r.fields[0]] += (kinds[r.fields[0]].empty() ? "" : "|") + RE2::QuoteMeta(r.fields[1]);
    if (r.fields[0] == "label") x->max_label_ = std::max(x->max_label_, r.fields[1].size());
  }
  // Texts are lower-cased before these run.
  x->doc_label_ = make("(?:^|\\n)[ \\t]*(?:" + kinds["label"] + ")[ \\t]*[:.]?\\s*$");
  x->doc_meeting_ = make("(?:" + kinds["meeting"] + ")\\s+(?:(?:" + wds + ")\\s+(?:" + den + "\\s+)?)?$");
  x->doc_reference_ = make("(?:^|[^\\pL])(?:" + kinds["reference"] + ")\\s+(?:" + den + "\\s+|" + den_abbr + "\\s*)?$");
  x->doc_line_ = make("(?i)^(?:[\\pL .-]{2,40},\\s*)?(?:" + den + "\\s+|" + den_abbr + "\\s*)?(?:(?:" + wds + ")(?:\\s+" + den + ")?\\s+)?$");
  // A title names the letter: "Statsforvaltningens brev af 8. december 2010", not "har i brev af".
  x->doc_title_ = make("(?:^|[^\\pL])(?:" + kinds["title"] + ")\\s+(?:" + den + "\\s+)?$");
  x->doc_title_reference_ = make("(?:^|[^\\pL])(?:" + kinds["title_reference"] + ")\\s+(?:" + kinds["title"] +
                                 ")\\s+(?:" + den + "\\s+)?$");
  for (auto* re : {&x->dm_list_, &x->den_before_, &x->cut_year_, &x->clock_, &x->dm_item_, &x->numeric_, &x->iso_, &x->slash_dash_, &x->named_, &x->range_, &x->named_noyear_,
                   &x->doc_label_, &x->doc_line_, &x->doc_title_, &x->doc_meeting_, &x->doc_reference_, &x->doc_title_reference_})
    if (!(*re)->ok())
      return Error{"lexicon", lexdir + "/maaneder.tsv, ugedage.txt, dato_smaaord.tsv or dato_etiketter.tsv: date pattern does not compile: " +
                                  (*re)->error()};
  // The date forms, in one anchored set: which of them can start at a digit run is decided in
  // one DFA pass, and only those patterns are run for their groups.
  RE2::Options so = re_options();
  so.set_never_capture(true);
  x->forms_ = std::make_unique<RE2::Set>(so, RE2::ANCHOR_START);
  for (const RE2* re : {x->range_.get(), x->named_.get(), x->iso_.get(), x->numeric_.get(), x->slash_dash_.get(),
                        x->named_noyear_.get(), x->dm_list_.get()})
    if (x->forms_->Add(re->pattern(), nullptr) < 0)
      return Error{"lexicon", lexdir + "/maaneder.tsv: date form does not compile in a set"};
  if (!x->forms_->Compile()) return Error{"lexicon", lexdir + "/maaneder.tsv: date forms do not compile as a set"};
  return std::shared_ptr<const DateExtractor>(x);
}

void DateExtractor::run(const Document& doc, Analysis& a) const {
  const std::string& t = doc.text;
  std::map<std::pair<uint32_t, uint32_t>, DateMention> found;
  const Taken taken(a);
  auto add = [&](size_t b, size_t e, int y, int m, int d, const char* rule) {
    if (!valid(y, m, d)) return;
    if (taken.overlaps(b, e)) return;
    // Mentions never overlap, so only the one starting last before `e` can overlap [b, e):
    // first rule wins, and rules run most specific first.
    auto it = found.lower_bound({static_cast<uint32_t>(e), 0});
    if (it != found.begin() && std::prev(it)->first.second > b) return;
    found[{static_cast<uint32_t>(b), static_cast<uint32_t>(e)}] =
        DateMention{iso(y, m, d), t.substr(b, e - b), {static_cast<uint32_t>(b), static_cast<uint32_t>(e)},
                    "reference", rule};
  };
  auto month_of = [&](std::string_view s) {
    auto it = months_.find(text::lower(s));
    return it == months_.end() ? 0 : it->second;
  };
  auto num = [](re2::StringPiece p) { return number(std::string_view(p.data(), p.size())); };
  // Every date form starts with a digit: each pattern is tried anchored at the start of each
  // digit run, in a window of kWindow bytes, instead of scanning the whole text once per pattern.
  // Cost: O(digit runs × patterns), independent of the letters between them.
  constexpr size_t kWindow = 120;
  // Scratch vectors kept per thread from letter to letter (run is never re-entered): four
  // allocations a letter fewer.
  thread_local std::vector<size_t> starts;
  starts.clear();
  // Only a run that can open a form is a start: every form opens with one or two digits and then
  // a separator, a space or a letter (the month, "til", "og"), or with four digits and "-" (ISO).
  // A run of three or five digits, or a year before a space ("2005 ", "1240 Esbjerg"), cannot
  // (\d is ASCII in RE2, so a longer run would leave a digit where the pattern needs none).
  // This byte test drops most runs before the set's DFA sees them. Cost: one pass over the bytes.
  auto opens_form = [&](size_t run, size_t len) {
    size_t e = run + len;
    if (e >= t.size()) return false;  // every form needs more after the digits
    unsigned char c = static_cast<unsigned char>(t[e]);
    if (len == 4) return c == '-';
    if (len > 2) return false;
    if (c == '-' || c >= 0x80) return true;
    auto digit_at = [&](size_t k) { return k < t.size() && t[k] >= '0' && t[k] <= '9'; };
    // After "/" only the numeric forms go on, with a digit ("28/2", "29/9-10").
    if (c == '/') return digit_at(e + 1);
    size_t q = e;
    if (c == '.') {
      // After "d." a digit ("14.12.20"), or what may follow a day without its dot (below).
      if (digit_at(e + 1)) return true;
      if (++q >= t.size()) return false;
      c = static_cast<unsigned char>(t[q]);
    }
    // Else a form goes on with a word (a month or a range word) or "-", after at most one white
    // space (\s?): its first two letters must open one of those words (case-insensitively; a
    // byte of 0x80 or above may be a case variant of a letter, as RE2 folds "k" and "s").
    if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') ++q;
    if (q >= t.size()) return false;
    const auto c1 = static_cast<unsigned char>(t[q]);
    if (c1 == '-' || c1 >= 0x80) return true;
    if (static_cast<unsigned>((c1 | 0x20) - 'a') >= 26u) return false;
    if (word_openers_.empty()) return true;
    if (q + 1 >= t.size()) return false;
    const auto c2 = static_cast<unsigned char>(t[q + 1]);
    if (c2 >= 0x80) return true;
    return word_openers_[static_cast<size_t>(c1 | 0x20) << 8 | static_cast<unsigned char>(std::tolower(c2))];
  };
  for (size_t i = 0; i < t.size();) {
    // Eight bytes at a time past words without an ASCII digit (most of a letter): the test is
    // exact (a byte-range test on the word, no false negatives), then bytes one by one.
    if (i + 8 <= t.size()) {
      uint64_t w;
      std::memcpy(&w, t.data() + i, 8);
      constexpr uint64_t k1 = 0x0101010101010101ull, k7f = 0x7F * k1, k80 = 0x80 * k1;
      const uint64_t low7 = w & k7f;  // a byte in ['0', '9'] has its high bit clear and low7 in range
      if ((((0x7F + '9' + 1) * k1 - low7) & ~w & (low7 + (0x7F - ('0' - 1)) * k1) & k80) == 0) {
        i += 8;
        continue;
      }
    }
    if (t[i] < '0' || t[i] > '9') {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < t.size() && t[j] >= '0' && t[j] <= '9') ++j;
    if (opens_form(i, j - i)) starts.push_back(i);
    i = j;
  }
  re2::StringPiece g[6];
  enum Form { kRange, kNamed, kIso, kNumeric, kSlashDash, kNoYear, kDmList };  // the set's order (create)
  // Per digit run: a bit per form (the set's order) that can start there.
  thread_local std::vector<uint8_t> forms;
  thread_local std::vector<size_t> window_end;
  thread_local std::vector<int> hit;
  forms.assign(starts.size(), 0);
  window_end.resize(starts.size());
  for (size_t i = 0; i < starts.size(); ++i) {
    size_t p = starts[i], end = std::min(t.size(), p + kWindow);
    while (end < t.size() && end > p && (static_cast<unsigned char>(t[end]) & 0xC0) == 0x80) --end;
    window_end[i] = end;
    // Two openings leave one form, whose anchored match below decides alone: the set's bit only
    // spares the group match of a form that cannot match, so the same dates are found. Four
    // digits and "-" open only yyyy-mm-dd (every other form opens with one or two digits and a
    // non-digit); one or two digits, "." and a digit only the numeric form (the others need a
    // month or range word, "-", "/" or a space there). Cost saved: a set match (~1.3 k
    // instructions with its three allocations) for each such start.
    size_t run = p;
    while (run < t.size() && run - p < 5 && t[run] >= '0' && t[run] <= '9') ++run;
    const size_t len = run - p;
    if (len == 4 && run < t.size() && t[run] == '-') {
      forms[i] = 1u << kIso;
      continue;
    }
    if (words_digit_free_ && len <= 2 && run + 1 < t.size() && t[run] == '.' && t[run + 1] >= '0' && t[run + 1] <= '9') {
      forms[i] = 1u << kNumeric;
      continue;
    }
    hit.clear();
    if (forms_->Match(re2::StringPiece(t.data() + p, end - p), &hit))
      for (int k : hit) forms[i] |= static_cast<uint8_t>(1u << k);
  }
  // One anchored match with groups per form and start: within the 120-byte window RE2 picks its
  // engine well (asking the DFA for the bounds first and the groups within them cost 5 % more).
  // `skip` says, before the match, that a start can add nothing.
  auto each = [&](const RE2& re, Form form, int groups, auto&& fn, auto&& skip) {
    for (size_t i = 0; i < starts.size(); ++i)
      if ((forms[i] & (1u << form)) && !skip(starts[i]) &&
          re.Match(t, starts[i], window_end[i], RE2::ANCHOR_START, g, groups + 1))
        fn(starts[i]);
  };
  // A start inside a date found already: a form that adds one mention from it would overlap
  // that date, which add() refuses (found mentions never overlap, so only the last one starting
  // at or before it can hold it). Most of them are the day of a "d. month yyyy" that the
  // year-less form matches too.
  auto inside_found = [&](size_t b) {
    auto it = found.upper_bound({static_cast<uint32_t>(b), UINT32_MAX});
    return it != found.begin() && std::prev(it)->first.second > b;
  };
  auto never = [](size_t) { return false; };
  auto pos = [&](re2::StringPiece p) { return static_cast<size_t>(p.data() - t.data()); };
  // Ranges first: "1.-3. marts 2021" gives both ends.
  each(*range_, kRange, 4, [&](size_t b) {
    if (b > 0 && text::is_digit(static_cast<unsigned char>(t[b - 1]))) return;
    int mo = month_of(g[3]), y = num(g[4]);
    add(b, pos(g[1]) + g[1].size(), y, mo, num(g[1]), "d.-d. month yyyy");
    add(pos(g[2]), pos(g[4]) + g[4].size(), y, mo, num(g[2]), "d.-d. month yyyy");
  }, never);
  each(*named_, kNamed, 3, [&](size_t b) {
    size_t e = pos(g[3]) + g[3].size();
    if (e < t.size() && text::is_digit(static_cast<unsigned char>(t[e]))) return;
    add(b, e, num(g[3]), month_of(g[2]), num(g[1]), "d. month yyyy");
  }, inside_found);
  each(*iso_, kIso, 3, [&](size_t b) {
    size_t e = pos(g[3]) + g[3].size();
    if (isolated(t, b, e)) add(b, e, num(g[1]), num(g[2]), num(g[3]), "yyyy-mm-dd");
  }, inside_found);
  each(*numeric_, kNumeric, 3, [&](size_t b) {
    size_t e = pos(g[3]) + g[3].size();
    if (!isolated(t, b, e)) return;
    const char sep1 = t[pos(g[1]) + g[1].size()], sep2 = t[pos(g[2]) + g[2].size()];
    if (sep1 != sep2) return;  // "1.2-2020" mixes separators: not a date
    // Two-digit years only with a strong separator: "14.12.20" yes, "1-2-20" no.
    if (g[3].size() == 2 && sep1 == '-') return;
    add(b, e, year_of(std::string_view(g[3].data(), g[3].size())), num(g[2]), num(g[1]), g[3].size() == 4 ? "dd-mm-yyyy" : "dd.mm.yy");
  }, inside_found);
  each(*slash_dash_, kSlashDash, 3, [&](size_t b) {
    size_t e = pos(g[3]) + g[3].size();
    if (isolated(t, b, e)) add(b, e, year_of(std::string_view(g[3].data(), g[3].size())), num(g[2]), num(g[1]), "d/m-yy");
  }, inside_found);

  // Year-less "den 29. september": the year of the nearest full date before it, else after it;
  // a month more than six months before that date's month is in the next year (December, then
  // "26. januar").
  // The full dates by start: where each begins and its year and month (a copy of each mention,
  // three or four strings, cost more than the look-ups).
  struct Full {
    uint32_t begin;
    int y, m;
  };
  thread_local std::vector<Full> full_list;
  full_list.clear();
  for (const auto& [k, v] : found)
    full_list.push_back({v.span.begin, number(std::string_view(v.value).substr(0, 4)),
                         number(std::string_view(v.value).substr(5, 2))});
  auto year_near = [&](size_t at, int month) {
    auto it = std::lower_bound(full_list.begin(), full_list.end(), at,
                               [](const Full& d, size_t p) { return d.begin < p; });
    const Full& ref = it == full_list.begin() ? full_list.front() : *std::prev(it);
    return month + 6 < ref.m ? ref.y + 1 : ref.y;
  };
  if (!full_list.empty()) {
    each(*named_noyear_, kNoYear, 2, [&](size_t b) {
      size_t e = pos(g[2]) + g[2].size();
      if (e < t.size() && t[e] == '.') ++e;
      if (b > 0 && (text::is_digit(static_cast<unsigned char>(t[b - 1])) || t[b - 1] == '.')) return;
      // "23. maj 20": a year cut by extraction is no evidence of any year.
      if (RE2::PartialMatch(std::string_view(t).substr(e, 5), *cut_year_)) return;
      int mo = month_of(g[2]);
      add(b, e, year_near(b, mo), mo, num(g[1]), "d. month (year from context)");
    }, inside_found);
    // "den 28/2, 4/3 og 10/3": a list after "den".
    auto after_den = [&](size_t b) {
      const size_t w = std::min(b, den_window_);
      return RE2::PartialMatch(std::string_view(t).substr(b - w, w), *den_before_);
    };
    each(*dm_list_, kDmList, 1, [&](size_t) {
      re2::StringPiece items = g[1], d, m;
      while (RE2::FindAndConsume(&items, *dm_item_, &d, &m)) {
        int mo = num(m);
        add(pos(d), pos(m) + m.size(), year_near(pos(d), mo), mo, num(d), "den d/m (year from context)");
      }
    }, [&](size_t b) { return !after_den(b); });
  }

  a.dates.reserve(found.size());
  for (auto& [k, v] : found) a.dates.push_back(std::move(v));  // `found` is not used after this

  // Document date, by rule in order of strength: the earliest "Dato:"-style label or a line
  // that is only a date; then a date closing a letterhead line; then the meeting date of
  // minutes; then "brev af <date>" in the title line.
  auto line_start = [&](size_t pos) { return text::line_start(t, pos); };
  auto line_end = [&](size_t pos) { return text::line_end(t, pos); };
  // Whether `pos` lies past the first nine lines, as far as the letterhead rule looks: the ninth
  // line break is found once (memchr), not counted again for every date.
  size_t ninth_break = std::string::npos;
  for (size_t i = 0, k = 0; k < 9; ++k, ++i) {
    i = t.find('\n', i);
    if (i == std::string::npos) break;
    if (k == 8) ninth_break = i;
  }
  auto past_letterhead = [&](size_t pos) { return ninth_break != std::string::npos && pos > ninth_break; };
  DateMention* chosen = nullptr;
  std::string rule;
  for (auto& d : a.dates) {
    if (d.rule == "d. month (year from context)") continue;
    size_t ls = line_start(d.span.begin), le = line_end(d.span.end);
    // Label on this line or on one of the two lines before ("Dato\n\n14-12-2020").
    size_t from = ls;
    for (int k = 0; k < 2 && from > 0; ++k) from = line_start(from - 1);
    // doc_label_ ends the text with the label, then only [ \t]*[:.]? and white space: its match
    // starts at the line break before the last line that holds more than white space, or at the
    // start. Only that line onwards is lower-cased (a paragraph is one line: the three lines
    // cost 7 k instructions a date).
    size_t k = d.span.begin;
    while (k > from && (t[k - 1] == ' ' || t[k - 1] == '\t' || t[k - 1] == '\n' || t[k - 1] == '\f' || t[k - 1] == '\r')) --k;
    size_t q = k > from ? t.rfind('\n', k - 1) : std::string::npos;
    if (q == std::string::npos || q < from) q = from;
    // So a match holds, between the line break and the white space before the date, a label
    // with [ \t]* before it and [ \t]*[:.]? after it. Lower-casing makes no code point longer than
    // four times its lower case (each becomes one or more, of one to four bytes): a longer stretch
    // holds no label, and the line is neither lower-cased nor matched (most dates stand in a
    // sentence).
    size_t lb = q, le_core = k;
    if (lb < le_core && t[lb] == '\n') ++lb;
    while (lb < le_core && (t[lb] == ' ' || t[lb] == '\t')) ++lb;
    if (le_core > lb && (t[le_core - 1] == ':' || t[le_core - 1] == '.')) --le_core;
    while (le_core > lb && (t[le_core - 1] == ' ' || t[le_core - 1] == '\t')) --le_core;
    if (le_core - lb <= 4 * max_label_ &&
        RE2::PartialMatch(text::lower(std::string_view(t).substr(q, d.span.begin - q)), *doc_label_)) {
      chosen = &d;
      rule = "Dato: label";
      break;
    }
    // The rest of the line is squashed only for a date its line's start allows (few).
    re2::StringPiece own(t.data() + ls, d.span.begin - ls);
    if (!RE2::FullMatch(own, *doc_line_)) continue;
    std::string after = text::squash_spaces(std::string_view(t).substr(d.span.end, le - d.span.end));
    if (after.empty() || after == "." || RE2::FullMatch(after, *clock_)) {
      chosen = &d;
      rule = "date line";
      break;
    }
  }
  if (!chosen) {
    for (auto& d : a.dates) {
      if (d.rule == "d. month (year from context)" || past_letterhead(d.span.begin)) continue;
      size_t ls = line_start(d.span.begin), le = line_end(d.span.end);
      // "after is empty once squashed": only spaces follow on the line; no copy needed.
      bool rest_blank = true;
      for (size_t k = d.span.end; k < le && rest_blank; ++k)
        rest_blank = t[k] == ' ' || t[k] == '\t' || t[k] == '\r';
      if (!rest_blank) continue;
      std::string before = text::lower(std::string_view(t).substr(ls, d.span.begin - ls));
      if (!RE2::PartialMatch(before, *doc_reference_)) {
        chosen = &d;
        rule = "letterhead line ends with date";
        break;
      }
    }
  }
  if (!chosen) {
    for (auto& d : a.dates) {
      size_t from = d.span.begin > 80 ? d.span.begin - 80 : 0;
      if (RE2::PartialMatch(text::lower(std::string_view(t).substr(from, d.span.begin - from)), *doc_meeting_)) {
        chosen = &d;
        rule = "meeting date";
        break;
      }
    }
  }
  if (!chosen) {
    size_t first_line_end = line_end(t.find_first_not_of(" \n") == std::string::npos ? 0 : t.find_first_not_of(" \n"));
    for (auto& d : a.dates) {
      if (d.span.end > first_line_end) break;
      size_t from = d.span.begin > 60 ? d.span.begin - 60 : 0;
      std::string before = text::lower(t.substr(from, d.span.begin - from));
      if (RE2::PartialMatch(before, *doc_title_) && !RE2::PartialMatch(before, *doc_title_reference_)) {
        chosen = &d;
        rule = "title: brev af";
        break;
      }
    }
  }
  if (chosen) {
    chosen->role = "document";
    a.document_date = chosen->value;
    a.document_date_rule = rule;
  }
}

}  // namespace sagsindeks
