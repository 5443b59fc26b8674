// Mayor rules: "title+name" (Borgmester Ole Bjørstorp), "name, title i X" (Ole Bjørstorp,
// borgmester i Ishøj), "Xs borgmester, name" (Odders borgmester, Elvin J. Hansen), and the
// municipality from the same line, the next lines (address block, signature), a compound
// (Århusborgmester), or the document's only municipality.
#include "extract/mayors.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "core/lexicon.h"
#include "core/re.h"
#include "core/text.h"
#include "extract/municipalities.h"

namespace sagsindeks {

namespace {

// The characters the name patterns put between words: `[ ]`, `[ ,]`, `\n` (kNamePattern,
// kPartyPattern and the separators of the four rules; none uses \s or `.`).
bool gap_char(char c) { return c == ' ' || c == ',' || c == '\n'; }

// The number of gaps (maximal runs of gap characters) in `s`.
int gaps_in(std::string_view s) {
  int n = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if (gap_char(s[i]) && (i == 0 || !gap_char(s[i - 1]))) ++n;
  return n;
}

// True when `s` is plain text to the pattern it is spliced into: letters (any byte above ASCII),
// digits, '-' and spaces, nothing a regex reads as an operator.
bool plain(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u) || c == '-' || c == ' ';
  });
}

}  // namespace

Result<std::shared_ptr<const MayorExtractor>> MayorExtractor::create(const std::string& lexdir,
                                                                     std::shared_ptr<const Gazetteer> g,
                                                                     std::shared_ptr<const NameChecker> names) {
  auto rows = load_lexicon(lexdir + "/borgmester.tsv", '\t', 2);
  if (!rows.ok()) return rows.error();
  auto x = std::make_shared<MayorExtractor>();
  std::string titles, roles;
  int title_gaps = 0, role_gaps = 0;
  bool plain_titles = true;
  for (const auto& r : *rows) {
    if (r.fields[0] == "role") {
      roles += (roles.empty() ? "" : "|") + RE2::QuoteMeta(r.fields[1]);
      role_gaps = std::max(role_gaps, gaps_in(r.fields[1]));
    }
    if (r.fields[0] == "title") {
      titles += (titles.empty() ? "" : "|") + r.fields[1];
      plain_titles = plain_titles && plain(r.fields[1]);
      title_gaps = std::max(title_gaps, gaps_in(r.fields[1]));
    } else if (r.fields[0] == "exclude") x->excludes_.push_back(r.fields[1]);
  }
  x->g_ = std::move(g);
  x->names_ = std::move(names);
  // The title may be a compound's tail ("Århusborgmester", "teknik- og miljøborgmester"); the
  // prefix is captured and judged in code.
  std::string title = "(?i)([\\pL-]*?)(?:" + titles + ")(?-i)";
  x->any_title_ = make_re("(?i)(?:" + titles + ")");
  x->title_name_ = make_re(title + "(?:[ ,]+|[ ]?\\n)" + kNamePattern + kPartyPattern);
  x->name_title_ = make_re(std::string(kNamePattern) + kPartyPattern +
                                         "(?:,[ ]?|[ ]?\\n|[ ]/[ ]|[ ]-[ ])(?i)(?:" + titles +
                                         ")(?-i)(?:[ ,]+(?:i|for)[ ](" + x->g_->alternation() +
                                         ")|,?[ ]?\\n?(" + x->g_->alternation() + ")[ ]Kommune)?");
  x->name_as_title_ = make_re(std::string(kNamePattern) + kPartyPattern + "[ ](?:" + roles + ")[ ](?i:" + titles +
                              ")(?:[ ](?:i|for)[ ](" + x->g_->alternation() + "))?(?:[^\\pL]|$)");
  x->genitive_name_ = make_re("(" + x->g_->alternation() + ")(?:'s)?(?:[ ]Kommunes)?[ ](?i:" +
                                            titles + ")(?:,[ ]?|[ ])" + kNamePattern);
  for (auto* re : {&x->any_title_, &x->title_name_, &x->name_title_, &x->genitive_name_, &x->name_as_title_})
    if (!(*re)->ok()) return Error{"lexicon", lexdir + "/borgmester.tsv: mayor pattern does not compile: " + (*re)->error()};
  // The gaps a match can hold around its title, from the patterns above: before the title at most
  // a name's three, the party's one and the separator's two (name_title_: "Name Name (S) / "),
  // plus a role's and the two around it (name_as_title_), or a municipality's, " Kommunes" and
  // the space (genitive_name_); after it the title's own, then at most the separator's one, a
  // name's three and the party's one (title_name_), or "i"/"for" with a municipality's and one
  // character after (name_as_title_, name_title_). One more either side as a margin.
  if (plain_titles) {
    int muni_gaps = 0;
    for (const auto& f : x->g_->forms()) muni_gaps = std::max(muni_gaps, gaps_in(f));
    x->gaps_before_ = std::max(6 + role_gaps, 2 + muni_gaps) + 1;
    x->gaps_after_ = title_gaps + std::max(5, 3 + muni_gaps) + 1;
  }
  x->title_name_groups_ = std::make_unique<Latin1Groups>(*x->title_name_);
  x->name_title_groups_ = std::make_unique<Latin1Groups>(*x->name_title_);
  x->genitive_name_groups_ = std::make_unique<Latin1Groups>(*x->genitive_name_);
  x->name_as_title_groups_ = std::make_unique<Latin1Groups>(*x->name_as_title_);
  auto own = StartFinder::create(x->start_patterns());
  if (!own.ok()) return own.error();
  x->own_starts_ = *own;
  return std::shared_ptr<const MayorExtractor>(x);
}

std::vector<std::pair<StartKind, std::string>> MayorExtractor::start_patterns() const {
  return {{StartKind::kMayorTitle, any_title_->pattern()}};
}

void MayorExtractor::run(const Document& doc, Analysis& a) const {
  Starts s;
  own_starts_->find(doc.text, s);
  run(doc, a, s);
}

void MayorExtractor::run(const Document& doc, Analysis& a, const Starts& starts) const {
  const std::string& t = doc.text;
  // Every rule's match holds a title word and lies within the title's line and the lines just
  // before and after it (names never cross a line; the patterns allow one line break). So the
  // name patterns run only over those lines, merged into disjoint regions: one cheap pass over
  // the text instead of four with the name patterns. A text without a title costs that pass.
  std::vector<std::pair<size_t, size_t>> regions;
  {
    auto line_start = [&](size_t p) { return text::line_start(t, p); };
    auto line_end = [&](size_t p) { return text::line_end(t, p); };
    // The title words are where the shared pass found any_title_ to start: each is matched
    // anchored for its end, as the leftmost search from `pos` would find it.
    re2::StringPiece m;
    const re2::StringPiece all(t.data(), t.size());
    size_t pos = 0;
    for (uint32_t at : starts[StartKind::kMayorTitle]) {
      if (pos >= t.size()) break;
      if (at < pos || !any_title_->Match(all, at, t.size(), RE2::ANCHOR_START, &m, 1)) continue;
      size_t end = at + m.size();
      size_t ls = line_start(at), b = ls > 0 ? line_start(ls - 1) : 0;
      size_t le = line_end(end), e = le < t.size() ? line_end(le + 1) : t.size();
      if (!regions.empty() && b <= regions.back().second) regions.back().second = std::max(regions.back().second, e);
      else regions.emplace_back(b, e);
      pos = std::max<size_t>(end, at + 1);
    }
  }
  if (regions.empty()) return;
  // Within the regions, the windows the name patterns search: every match holds a title word
  // that starts at one of the starts and at most gaps_before_ gaps before that start and
  // gaps_after_ after it, so it lies within the window of that start (the words around it up to
  // that many gaps), and the merged windows hold every match whole. A search over a window, with
  // the rest of its region as context, finds the same leftmost match a search over the region
  // would find when that match starts in the window. Windows are a few words around each title
  // instead of three whole lines (often a paragraph each), for all four DFA passes (one window
  // for the four: per-pattern windows, narrower but more, cost more RE2 calls than they saved).
  std::vector<std::vector<std::pair<size_t, size_t>>> windows(regions.size());
  {
    size_t r = 0;
    for (uint32_t at : starts[StartKind::kMayorTitle]) {
      while (r < regions.size() && at >= regions[r].second) ++r;
      if (r == regions.size()) break;
      const auto [rb, re] = regions[r];
      if (at < rb) continue;
      if (gaps_before_ < 0) {
        windows[r] = {{rb, re}};
        continue;
      }
      size_t b = at, e = at;
      for (int k = 0;; ++k) {
        while (b > rb && !gap_char(t[b - 1])) --b;
        if (k == gaps_before_ || b == rb) break;
        while (b > rb && gap_char(t[b - 1])) --b;
      }
      for (int k = 0;; ++k) {
        while (e < re && !gap_char(t[e])) ++e;
        if (k == gaps_after_ || e == re) break;
        while (e < re && gap_char(t[e])) ++e;
      }
      auto& w = windows[r];
      if (!w.empty() && b <= w.back().second) w.back().second = std::max(w.back().second, e);
      else w.emplace_back(b, e);
    }
  }
  // The consuming search of `re` over each region (RE2::FindAndConsume from the region's start),
  // window by window: `f` gets the groups of each match.
  auto each_match = [&](const RE2& re, const Latin1Groups& groups, re2::StringPiece* g, int n, auto&& f) {
    for (size_t r = 0; r < regions.size(); ++r) {
      const size_t region_end = regions[r].second;
      size_t pos = regions[r].first;  // the end of the last match: the search's context starts here
      for (auto [wb, we] : windows[r]) {
        for (;;) {
          const size_t from = std::max(pos, wb);
          if (from >= we) break;
          const re2::StringPiece context(t.data() + pos, region_end - pos);
          re2::StringPiece whole;
          if (!re.Match(context, from - pos, we - pos, RE2::UNANCHORED, &whole, 1)) break;
          const size_t mb = static_cast<size_t>(whole.data() - context.data()), me = mb + whole.size();
          if (!groups.groups(std::string_view(context.data(), context.size()), mb, me, g, n)) goto next_region;
          pos += me;
          f();
        }
      }
    next_region:;
    }
  };
  struct Found {
    std::string name;
    const Municipality* m;
    Span span;
    std::string rule;
  };
  std::vector<Found> found;
  auto excluded_before = [&](size_t b, const std::string& prefix) {
    std::string p = text::lower(prefix);
    for (const auto& x : excludes_)
      if (!p.empty() && (p == x || p.starts_with(x))) return true;
    // "fhv. borgmester", "tidligere borgmester": the word before the title.
    size_t s = b;
    while (s > 0 && t[s - 1] == ' ') --s;
    size_t ws = s;
    while (ws > 0 && t[ws - 1] != ' ' && t[ws - 1] != '\n') --ws;
    std::string w = text::lower(t.substr(ws, s - ws));
    for (const auto& x : excludes_)
      if (w == x) return true;
    return false;
  };
  // The municipality named on the name's own line after it, or on the next two lines
  // (address block "Borgmester Henrik Rasmussen\n\nVallensbæk Kommune").
  // The municipality mentions counted so far, by position: (start, span, municipality).
  struct At {
    uint32_t first;
    Span second;
    const Municipality* municipality;
  };
  std::vector<At> mentions;
  for (const auto& r : a.municipalities)
    for (const auto& sp : r.mentions) mentions.push_back({sp.begin, sp, &r.municipality});
  std::sort(mentions.begin(), mentions.end(), [](const At& x, const At& y) { return x.first < y.first; });
  auto municipality_near = [&](size_t from) -> const Municipality* {
    size_t end = from;
    for (int lines = 0; lines < 3 && end < t.size(); ++lines) {
      size_t nl = t.find('\n', end);
      if (nl == std::string::npos) { end = t.size(); break; }
      end = nl + 1;
      if (end < t.size() && t[end] == '\n') ++end;  // a blank line does not count
    }
    end = std::min(end, from + 160);
    // The block ends where the next name with a title begins (an address block of several mayors).
    re2::StringPiece window(t.data() + from, end - from), whole, wg[3];
    if (title_name_->Match(window, 0, window.size(), RE2::UNANCHORED, &whole, 1)) {
      const size_t wb = static_cast<size_t>(whole.data() - window.data());
      if (title_name_groups_->groups(std::string_view(window.data(), window.size()), wb, wb + whole.size(), wg, 3))
        end = std::min(end, static_cast<size_t>(wg[1].data() - t.data()));
    }
    auto it = std::lower_bound(mentions.begin(), mentions.end(), static_cast<uint32_t>(from),
                               [](const At& x, uint32_t p) { return x.first < p; });
    for (; it != mentions.end() && it->first < end; ++it)
      if (it->second.end <= end) return it->municipality;
    return static_cast<const Municipality*>(nullptr);
  };
  std::unordered_map<std::string, size_t> by_name;  // name -> index in found
  auto add = [&](std::string name, const Municipality* m, Span s, std::string rule) {
    name = clean_name(name);
    if (!names_->plausible(name)) return;
    auto [it, fresh] = by_name.emplace(name, found.size());
    if (!fresh) {
      if (!found[it->second].m && m) found[it->second].m = m;
      return;
    }
    found.push_back({name, m, s, std::move(rule)});
  };

  re2::StringPiece prefix, name, g[4];
  each_match(*title_name_, *title_name_groups_, g, 3, [&] {
    prefix = g[1], name = g[2];
    size_t b = prefix.data() - t.data();
    if (b > 0 && text::is_letter_at(t, b - 1)) return;
    std::string pre(prefix.data(), prefix.size());
    if (excluded_before(b, pre)) return;
    const Municipality* m = nullptr;
    std::string rule = "title+name";
    if (!pre.empty()) {
      std::string stem = pre;
      if (stem.back() == '-') stem.pop_back();
      m = g_->lookup(text::upper_first(stem));
      if (m) rule = "Xborgmester+name";
      // A compound on anything but a municipality or "over" is a sector mayor ("børne- og
      // ungdomsborgmester", "teknik- og miljøborgmester": Copenhagen's committee chairs, like
      // an Aarhus rådmand), not the municipality's mayor (ANNOTATION.md, Mayors).
      else if (text::lower(stem) != "over") return;
    }
    size_t ne = name.data() + name.size() - t.data();
    if (!m) {
      // "Brøndbys Borgmester Maja Højgaard", "Ishøj Kommunes borgmester Ole Bjørstorp": a genitive
      // directly before the title.
      std::string before = t.substr(b >= 40 ? b - 40 : 0, b >= 40 ? 40 : b);
      auto hits = g_->find_all(before);
      if (!hits.empty()) {
        std::string gap = before.substr(hits.back().span.end);
        if ((hits.back().genitive && gap == " ") || gap == " Kommunes " || gap == "'s ") m = hits.back().m;
      }
    }
    if (!m) m = municipality_near(ne);
    add(std::string(name.data(), name.size()), m,
        {static_cast<uint32_t>(b), static_cast<uint32_t>(ne)}, rule);
  });
  re2::StringPiece muni_i, muni_k;
  each_match(*name_title_, *name_title_groups_, g, 4, [&] {
    name = g[1], muni_i = g[2], muni_k = g[3];
    size_t b = name.data() - t.data();
    // "Teknisk Udvalg" before a comma is not a name; the checker decides.
    const Municipality* m = nullptr;
    if (!muni_i.empty()) m = g_->lookup(std::string(muni_i.data(), muni_i.size()));
    else if (!muni_k.empty()) m = g_->lookup(std::string(muni_k.data(), muni_k.size()));
    if (!m) m = municipality_near(name.data() + name.size() - t.data());
    add(std::string(name.data(), name.size()), m,
        {static_cast<uint32_t>(b), static_cast<uint32_t>(b + name.size())}, "name, borgmester");
  });
  each_match(*name_as_title_, *name_as_title_groups_, g, 3, [&] {
    name = g[1], muni_i = g[2];
    size_t b = name.data() - t.data();
    const Municipality* m = muni_i.empty() ? nullptr : g_->lookup(std::string(muni_i.data(), muni_i.size()));
    add(std::string(name.data(), name.size()), m, {static_cast<uint32_t>(b), static_cast<uint32_t>(b + name.size())},
        "name som borgmester");
  });
  re2::StringPiece muni;
  each_match(*genitive_name_, *genitive_name_groups_, g, 3, [&] {
    muni = g[1], name = g[2];
    size_t b = muni.data() - t.data();
    if (b > 0 && text::is_letter_at(t, b - 1)) return;
    add(std::string(name.data(), name.size()), g_->lookup(std::string(muni.data(), muni.size())),
        {static_cast<uint32_t>(b), static_cast<uint32_t>(name.data() + name.size() - t.data())},
        "Xs borgmester, name");
  });
  // A mayor the text does not tie to a municipality takes the letterhead's (a municipality named
  // in the first three lines: the sender of a municipal letter), else the document's only one.
  const Municipality* only = a.municipalities.size() == 1 ? &a.municipalities[0].municipality : nullptr;
  const Municipality* letterhead = nullptr;
  {
    size_t end = 0;
    for (int lines = 0; lines < 3 && end != std::string::npos; ++lines) {
      end = t.find_first_not_of('\n', end);
      if (end != std::string::npos) end = t.find('\n', end);
    }
    if (end == std::string::npos) end = t.size();
    if (!mentions.empty() && mentions.front().first < end && mentions.front().second.end <= end)
      letterhead = mentions.front().municipality;
  }
  std::vector<Mayor> out;
  for (auto& f : found) {
    std::string rule = f.rule;
    if (!f.m && letterhead) {
      f.m = letterhead;
      rule += "; letterhead municipality";
    } else if (!f.m && only) {
      f.m = only;
      rule += "; only municipality";
    }
    out.push_back({f.name, f.m ? std::optional<Municipality>(*f.m) : std::nullopt, f.span, rule});
  }
  for (const auto& m : out)
    if (m.municipality) MunicipalityExtractor::add(a, *m.municipality, m.span, "mayor's municipality");
  a.mayors = std::move(out);
}

}  // namespace sagsindeks
