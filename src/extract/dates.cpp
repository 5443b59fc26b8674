// Date rules, each named: "dd-mm-yyyy", "yyyy-mm-dd", "d. month yyyy", "d.-d. month yyyy",
// "d. month (year from context)", "d/m-yy". Document date rules: "Dato: label", "date line",
// "brev af".
#include "extract/dates.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/lexicon.h"
#include "core/re.h"
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

std::string iso(int y, int m, int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

int year_of(const std::string& digits) {
  int y = std::stoi(digits);
  if (digits.size() == 2) y += y >= 70 ? 1900 : 2000;  // 29/9-10 is 2010; 1970s letters exist
  return y;
}

bool inside(const std::vector<IdMention>& ids, uint32_t b, uint32_t e) {
  return std::any_of(ids.begin(), ids.end(), [&](const IdMention& m) { return b < m.span.end && e > m.span.begin; });
}

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
    if (!lexicon_int(r.fields[0], 1, 12, m))
      return Error{"lexicon", lexdir + "/maaneder.tsv:" + std::to_string(r.line) + ": month must be 1-12"};
    x->months_[r.fields[1]] = static_cast<int>(m);
    forms.push_back(r.fields[1]);
  }
  std::sort(forms.begin(), forms.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::string month;
  for (const auto& f : forms) month += (month.empty() ? "" : "|") + f;
  month = "(" + month + ")\\.?";
  auto wd = load_lexicon(lexdir + "/ugedage.txt", '\t', 1);
  if (!wd.ok()) return wd.error();
  std::string wds;
  for (const auto& r : *wd) wds += (wds.empty() ? "" : "|") + r.fields[0];

  auto make = [](const std::string& p) { return make_re(p); };
  x->numeric_ = make("(\\d{1,2})([-./])(\\d{1,2})([-./])(\\d{4}|\\d{2})");
  x->iso_ = make("(\\d{4})-(\\d{2})-(\\d{2})");
  x->slash_dash_ = make("(\\d{1,2})/(\\d{1,2})[-. ](\\d{4}|\\d{2})");
  x->named_ = make("(?i)(\\d{1,2})\\.?\\s?" + month + "[ ,]+(?:(?-i:[A-Za-zæøå]+)\\s)?(\\d{4})");
  // "1.-3. marts 2021", "4. og tirsdag den 5. december 2006".
  x->range_ = make("(?i)(\\d{1,2})\\.?\\s?(?:-|til|og)\\s?(?:(?:" + wds + ")\\s+)?(?:den\\s+)?(\\d{1,2})\\.?\\s?" + month +
                   "[ ,]+(\\d{4})");
  // Day/month without a year after "den", and the items coordinated with it: "den 28/2, 4/3 og 10/3".
  x->dm_list_ = make("(?i)(?:^|[^\\pL])den\\s+(\\d{1,2}/\\d{1,2}(?:(?:,\\s*|\\s+og\\s+)\\d{1,2}/\\d{1,2})*)(?:[^\\d/-]|$)");
  x->dm_item_ = make("(\\d{1,2})/(\\d{1,2})");
  x->named_noyear_ = make("(?i)(\\d{1,2})\\.\\s?" + month + "(?:[^\\pL\\pN]|$)");
  auto dl = load_lexicon(lexdir + "/dato_etiketter.tsv", '\t', 2);
  if (!dl.ok()) return dl.error();
  std::map<std::string, std::string> kinds;
  for (const auto& r : *dl) kinds[r.fields[0]] += (kinds[r.fields[0]].empty() ? "" : "|") + RE2::QuoteMeta(r.fields[1]);
  // Texts are lower-cased before these run.
  x->doc_label_ = make("(?:^|\\n)[ \\t]*(?:" + kinds["label"] + ")[ \\t]*[:.]?\\s*$");
  x->doc_meeting_ = make("(?:" + kinds["meeting"] + ")\\s+(?:(?:" + wds + ")\\s+(?:den\\s+)?)?$");
  x->doc_reference_ = make("(?:^|[^\\pL])(?:" + kinds["reference"] + ")\\s+(?:den\\s+|d\\.\\s*)?$");
  x->doc_line_ = make("(?i)^(?:[\\pL .-]{2,40},\\s*)?(?:den\\s+|d\\.\\s*)?(?:(?:" + wds + ")(?:\\s+den)?\\s+)?$");
  // A title names the letter: "Statsforvaltningens brev af 8. december 2010", not "har i brev af".
  x->doc_title_ = make("(?:^|[^\\pL])(?:" + kinds["title"] + ")\\s+(?:den\\s+)?$");
  x->doc_title_reference_ = make("(?:^|[^\\pL])(?:" + kinds["title_reference"] + ")\\s+(?:" + kinds["title"] +
                                 ")\\s+(?:den\\s+)?$");
  for (auto* re : {&x->dm_list_, &x->dm_item_, &x->numeric_, &x->iso_, &x->slash_dash_, &x->named_, &x->range_, &x->named_noyear_,
                   &x->doc_label_, &x->doc_line_, &x->doc_title_, &x->doc_meeting_, &x->doc_reference_, &x->doc_title_reference_})
    if (!(*re)->ok())
      return Error{"lexicon", lexdir + "/maaneder.tsv, ugedage.txt or dato_etiketter.tsv: date pattern does not compile: " +
                                  (*re)->error()};
  return std::shared_ptr<const DateExtractor>(x);
}

void DateExtractor::run(const Document& doc, Analysis& a) const {
  const std::string& t = doc.text;
  std::map<std::pair<uint32_t, uint32_t>, DateMention> found;
  auto add = [&](size_t b, size_t e, int y, int m, int d, const char* rule) {
    if (!valid(y, m, d)) return;
    if (inside(a.case_numbers, b, e) || inside(a.document_numbers, b, e)) return;
    for (const auto& [k, v] : found)
      if (b < k.second && e > k.first) return;  // first rule wins; rules run most specific first
    found[{static_cast<uint32_t>(b), static_cast<uint32_t>(e)}] =
        DateMention{iso(y, m, d), t.substr(b, e - b), {static_cast<uint32_t>(b), static_cast<uint32_t>(e)},
                    "reference", rule};
  };
  auto month_of = [&](std::string s) {
    s = text::lower(s);
    auto it = months_.find(s);
    return it == months_.end() ? 0 : it->second;
  };
  re2::StringPiece in(t), g[6];
  // Ranges first: "1.-3. marts 2021" gives both ends.
  in = t;
  while (RE2::FindAndConsume(&in, *range_, &g[0], &g[1], &g[2], &g[3])) {
    int mo = month_of(std::string(g[2]));
    int y = std::stoi(std::string(g[3]));
    size_t b = g[0].data() - t.data(), e = g[3].data() + g[3].size() - t.data();
    if (b > 0 && text::is_digit(static_cast<unsigned char>(t[b - 1]))) continue;
    size_t mid = g[1].data() - t.data();
    add(b, g[0].data() + g[0].size() - t.data(), y, mo, std::stoi(std::string(g[0])), "d.-d. month yyyy");
    add(mid, e, y, mo, std::stoi(std::string(g[1])), "d.-d. month yyyy");
  }
  in = t;
  while (RE2::FindAndConsume(&in, *named_, &g[0], &g[1], &g[2])) {
    size_t b = g[0].data() - t.data(), e = g[2].data() + g[2].size() - t.data();
    if (b > 0 && text::is_digit(static_cast<unsigned char>(t[b - 1]))) continue;
    if (e < t.size() && text::is_digit(static_cast<unsigned char>(t[e]))) continue;
    add(b, e, std::stoi(std::string(g[2])), month_of(std::string(g[1])), std::stoi(std::string(g[0])),
        "d. month yyyy");
  }
  in = t;
  while (RE2::FindAndConsume(&in, *iso_, &g[0], &g[1], &g[2])) {
    size_t b = g[0].data() - t.data(), e = g[2].data() + g[2].size() - t.data();
    if (!isolated(t, b, e)) continue;
    add(b, e, std::stoi(std::string(g[0])), std::stoi(std::string(g[1])), std::stoi(std::string(g[2])), "yyyy-mm-dd");
  }
  in = t;
  while (RE2::FindAndConsume(&in, *numeric_, &g[0], &g[1], &g[2], &g[3], &g[4])) {
    size_t b = g[0].data() - t.data(), e = g[4].data() + g[4].size() - t.data();
    if (!isolated(t, b, e)) continue;
    if (g[1] != g[3]) continue;  // "1.2-2020" mixes separators: not a date
    // Two-digit years only with a strong separator: "14.12.20" yes, "1-2-20" no.
    if (g[4].size() == 2 && g[1] == "-") continue;
    add(b, e, year_of(std::string(g[4])), std::stoi(std::string(g[2])), std::stoi(std::string(g[0])),
        g[4].size() == 4 ? "dd-mm-yyyy" : "dd.mm.yy");
  }
  in = t;
  while (RE2::FindAndConsume(&in, *slash_dash_, &g[0], &g[1], &g[2])) {
    size_t b = g[0].data() - t.data(), e = g[2].data() + g[2].size() - t.data();
    if (!isolated(t, b, e)) continue;
    add(b, e, year_of(std::string(g[2])), std::stoi(std::string(g[1])), std::stoi(std::string(g[0])), "d/m-yy");
  }

  // Year-less "den 29. september": the year of the nearest full date before it, else after it;
  // a month more than six months before that date's month is in the next year (December, then
  // "26. januar").
  auto year_near = [](const DateMention& ref, int month) {
    int y = std::stoi(ref.value.substr(0, 4)), m = std::stoi(ref.value.substr(5, 2));
    return month + 6 < m ? y + 1 : y;
  };
  std::vector<std::pair<size_t, DateMention>> full(found.begin() == found.end() ? 0 : 0);
  std::vector<DateMention> full_list;
  for (const auto& [k, v] : found) full_list.push_back(v);
  in = t;
  while (RE2::FindAndConsume(&in, *named_noyear_, &g[0], &g[1])) {
    size_t b = g[0].data() - t.data(), e = g[1].data() + g[1].size() - t.data();
    if (e < t.size() && t[e] == '.') ++e;
    if (b > 0 && (text::is_digit(static_cast<unsigned char>(t[b - 1])) || t[b - 1] == '.')) continue;
    // "23. maj 20": a year cut by extraction is no evidence of any year.
    if (RE2::PartialMatch(std::string_view(t).substr(e, 5), "^\\s\\d{1,3}(?:\\D|$)")) continue;
    // "1. maj" in a list of dates without a year and no full date anywhere: not evident.
    if (full_list.empty()) continue;
    const DateMention* best = nullptr;
    for (const auto& f : full_list)
      if (f.span.begin < b) best = &f;
    if (!best) best = &full_list.front();
    add(b, e, year_near(*best, month_of(std::string(g[1]))), month_of(std::string(g[1])), std::stoi(std::string(g[0])),
        "d. month (year from context)");
  }
  in = t;
  while (RE2::FindAndConsume(&in, *dm_list_, &g[0])) {
    if (full_list.empty()) break;
    re2::StringPiece items = g[0], d, m;
    while (RE2::FindAndConsume(&items, *dm_item_, &d, &m)) {
      size_t b = d.data() - t.data(), e = m.data() + m.size() - t.data();
      const DateMention* best = &full_list.front();
      for (const auto& f : full_list)
        if (f.span.begin < b) best = &f;
      int mo = std::stoi(std::string(m));
      add(b, e, year_near(*best, mo), mo, std::stoi(std::string(d)), "den d/m (year from context)");
    }
  }

  for (auto& [k, v] : found) a.dates.push_back(v);

  // Document date, by rule in order of strength: the earliest "Dato:"-style label or a line
  // that is only a date; then a date closing a letterhead line; then the meeting date of
  // minutes; then "brev af <date>" in the title line.
  auto line_start = [&](size_t pos) {
    size_t p = pos == 0 ? std::string::npos : t.rfind('\n', pos - 1);
    return p == std::string::npos ? size_t{0} : p + 1;
  };
  auto line_end = [&](size_t pos) {
    size_t p = t.find('\n', pos);
    return p == std::string::npos ? t.size() : p;
  };
  auto line_no = [&](size_t pos) { return std::count(t.begin(), t.begin() + static_cast<long>(pos), '\n'); };
  DateMention* chosen = nullptr;
  std::string rule;
  for (auto& d : a.dates) {
    if (d.rule == "d. month (year from context)") continue;
    size_t ls = line_start(d.span.begin), le = line_end(d.span.end);
    // Label on this line or on one of the two lines before ("Dato\n\n14-12-2020").
    size_t from = ls;
    for (int k = 0; k < 2 && from > 0; ++k) from = line_start(from - 1);
    std::string before = text::lower(t.substr(from, d.span.begin - from));
    std::string own = t.substr(ls, d.span.begin - ls);
    std::string after = text::squash_spaces(t.substr(d.span.end, le - d.span.end));
    if (RE2::PartialMatch(before, *doc_label_)) {
      chosen = &d;
      rule = "Dato: label";
      break;
    }
    if (RE2::FullMatch(own, *doc_line_) && (after.empty() || after == "." || RE2::FullMatch(after, "\\d{1,2}[:.]\\d{2}(?::\\d{2})?"))) {
      chosen = &d;
      rule = "date line";
      break;
    }
  }
  if (!chosen) {
    for (auto& d : a.dates) {
      if (d.rule == "d. month (year from context)" || line_no(d.span.begin) > 8) continue;
      size_t ls = line_start(d.span.begin), le = line_end(d.span.end);
      std::string after = text::squash_spaces(t.substr(d.span.end, le - d.span.end));
      std::string before = text::lower(t.substr(ls, d.span.begin - ls));
      if (after.empty() && !RE2::PartialMatch(before, *doc_reference_)) {
        chosen = &d;
        rule = "letterhead line ends with date";
        break;
      }
    }
  }
  if (!chosen) {
    for (auto& d : a.dates) {
      size_t from = d.span.begin > 80 ? d.span.begin - 80 : 0;
      if (RE2::PartialMatch(text::lower(t.substr(from, d.span.begin - from)), *doc_meeting_)) {
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
