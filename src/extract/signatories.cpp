// Signatory rules: "closing+name" (the lines after "Med venlig hilsen"), "name/name" (a minister
// and an official on one line, or split by a lone "/"), and "end name+title" (a name line followed
// by a title line at the end of a letter without a closing formula).
#include "extract/signatories.h"

#include <algorithm>
#include <cctype>

#include "core/lexicon.h"
#include "core/re.h"
#include "core/text.h"

namespace sagsindeks {

namespace {
struct Line {
  size_t b, e;
  std::string_view s;  // a view into the document's text
};
std::vector<Line> lines_of(const std::string& t) {
  std::vector<Line> out;
  out.reserve(t.size() / 32 + 8);  // a line every 32 bytes or more, mostly: no regrowth
  size_t pos = 0;
  while (pos <= t.size()) {
    size_t nl = t.find('\n', pos);
    if (nl == std::string::npos) nl = t.size();
    if (nl > pos) out.push_back({pos, nl, std::string_view(t).substr(pos, nl - pos)});
    pos = nl + 1;
  }
  return out;
}
}  // namespace

Result<std::shared_ptr<const SignatoryExtractor>> SignatoryExtractor::create(const std::string& lexdir,
                                                                             std::shared_ptr<const NameChecker> names) {
  auto x = std::make_shared<SignatoryExtractor>();
  x->names_ = std::move(names);
  auto h = load_lexicon(lexdir + "/hilsner.txt", '\t', 1);
  if (!h.ok()) return h.error();
  std::string alt;
  for (const auto& r : *h) alt += (alt.empty() ? "" : "|") + RE2::QuoteMeta(r.fields[0]);
  x->closing_ = make_re("(?i)(?:^|[^\\pL])(?:" + alt + ")[ ,.!:]*$");
  x->closing_scan_ = make_re("(?i)((?:" + alt + ")[ ,.!:]*)(?:\\n|$)");
  auto by = load_lexicon(lexdir + "/byline.txt", '\t', 1);
  if (!by.ok()) return by.error();
  std::string bys;
  for (const auto& r : *by) bys += (bys.empty() ? "" : "|") + RE2::QuoteMeta(r.fields[0]);
  x->byline_ = make_re("^(?:" + bys + ")[ ]" + std::string(kNamePattern) + "(?:,.*)?$");
  auto t = load_lexicon(lexdir + "/titler.tsv", '\t', 2);
  if (!t.ok()) return t.error();
  for (const auto& r : *t) x->titles_.push_back({r.fields[1], r.fields[0]});
  std::sort(x->titles_.begin(), x->titles_.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  // A signature line: optional title before, a name, optional party, optional ", title" after.
  // A mayor's title may stand before the name ("Borgmester Jens Hansen").
  std::string mayor_titles;
  for (const auto& [title, role] : x->titles_)
    if (role == "mayor") mayor_titles += (mayor_titles.empty() ? "" : "|") + RE2::QuoteMeta(title);
  x->name_line_ = make_re((mayor_titles.empty() ? "^" : "^(?:(?i:" + mayor_titles + ")[ ])?") + std::string(kNamePattern) +
                                        kPartyPattern + "(?:[ ]?[,/][ ]?.*|[ ]\\p{Ll}+)?$");
  for (auto* re : {&x->closing_, &x->closing_scan_, &x->name_line_, &x->byline_})
    if (!(*re)->ok()) return Error{"lexicon", lexdir + "/hilsner.txt, byline.txt or titler.tsv: signatory pattern does not compile: " + (*re)->error()};
  x->name_line_groups_ = std::make_unique<Latin1Groups>(*x->name_line_);
  for (int c = 0; c < 256; ++c) x->name_line_opens_[c] = c >= 0x80 || (c >= 'A' && c <= 'Z');
  for (const auto& [title, role] : x->titles_)
    if (role == "mayor" && !title.empty()) {
      const unsigned char c = static_cast<unsigned char>(title[0]);
      x->name_line_opens_[c] = true;
      if (c < 0x80) x->name_line_opens_[std::tolower(c)] = x->name_line_opens_[std::toupper(c)] = true;
    }
  x->closing_start_ = "(?i)(?:" + alt + ")";
  auto own = StartFinder::create(x->start_patterns());
  if (!own.ok()) return own.error();
  x->own_starts_ = *own;
  return std::shared_ptr<const SignatoryExtractor>(x);
}

std::vector<std::pair<StartKind, std::string>> SignatoryExtractor::start_patterns() const {
  return {{StartKind::kClosing, closing_start_}};
}

std::string SignatoryExtractor::role_of(std::string_view line) const {
  std::string l = text::lower(line);
  for (const auto& [title, role] : titles_) {
    size_t p = l.find(title);
    if (p != std::string::npos) return role;
  }
  return "";
}

// "Borgmester Jens Hansen": the role of a title the line opens with, as a word of its own.
std::string SignatoryExtractor::leading_title_role(std::string_view line) const {
  std::string l = text::lower(line.substr(0, std::min<size_t>(line.size(), 64)));
  for (const auto& [title, role] : titles_)
    if (l.size() > title.size() && l.starts_with(title) && l[title.size()] == ' ') return role;
  return "";
}

void SignatoryExtractor::run(const Document& doc, Analysis& a) const {
  Starts s;
  own_starts_->find(doc.text, s);
  run(doc, a, s);
}

void SignatoryExtractor::run(const Document& doc, Analysis& a, const Starts& starts) const {
  const std::string& t = doc.text;
  auto lines = lines_of(t);
  auto take = [&](const Line& ln, size_t li, const char* rule) -> bool {
    // "Karen Hækkerup/ Lone Larsen": every part of a line split on "/".
    bool any = false;
    for (size_t pb = 0, pe; pb <= ln.s.size(); pb = pe + 1) {
      pe = ln.s.find('/', pb);
      if (pe == std::string::npos) pe = ln.s.size();
      // A name line opens, after spaces, with a capital or a mayor's title (either case), and
      // a byte above ASCII may be either: a part that opens otherwise is not squashed and
      // matched (most lines of a signature block: addresses, phone numbers, e-mail).
      const size_t first = ln.s.find_first_not_of(" \n\t\r", pb);
      if (first >= pe || !name_line_opens_[static_cast<unsigned char>(ln.s[first])]) continue;
      std::string part = text::squash_spaces(ln.s.substr(pb, pe - pb));
      size_t lead = ln.s.find(part, pb);
      // "Liv Holm Andersenformand": a title glued to the name by a lost line break.
      std::string glued_role;
      for (const auto& [title, role] : titles_) {
        if (part.size() > title.size() + 2 && part.ends_with(title) &&
            text::starts_lower(std::string_view(part).substr(part.size() - title.size())) &&
            std::islower(static_cast<unsigned char>(part[part.size() - title.size() - 1]))) {
          part.erase(part.size() - title.size());
          glued_role = role;
          break;
        }
      }
      // The DFA says whether the line is a name line; only then are the groups taken.
      re2::StringPiece g[2];
      if (!name_line_->Match(part, 0, part.size(), RE2::ANCHOR_BOTH, nullptr, 0) ||
          !name_line_groups_->groups(part, 0, part.size(), g, 2))
        continue;
      const re2::StringPiece name = g[1];
      std::string n = clean_name(std::string(name.data(), name.size()));
      if (!names_->plausible(n)) continue;
      if (std::any_of(a.signatories.begin(), a.signatories.end(), [&](const Signatory& s) { return s.name == n; }))
        continue;
      std::string role = !glued_role.empty() ? glued_role : role_of(part.substr(std::min(part.size(), static_cast<size_t>(name.data() - part.data()))));
      if (role.empty()) role = leading_title_role(part);
      if (role.empty() && li + 1 < lines.size() && lines[li + 1].s.size() < 60) role = role_of(lines[li + 1].s);
      uint32_t b = static_cast<uint32_t>(ln.b + lead + (name.data() - part.data()));
      a.signatories.push_back({n, role, {b, b + static_cast<uint32_t>(n.size())}, rule});
      any = true;
    }
    return any;
  };
  // Closing formulas, mapped to their lines: closing_scan_ is matched anchored where the shared
  // pass found a formula to start, skipping those inside the previous match, as a search that
  // consumes each match would find them (the pattern looks at nothing before its start).
  std::vector<char> closing_line(lines.size(), 0);
  {
    const re2::StringPiece all(t.data(), t.size());
    re2::StringPiece m;
    size_t li = 0, consumed = 0;
    for (uint32_t at : starts[StartKind::kClosing]) {
      if (at < consumed || !closing_scan_->Match(all, at, t.size(), RE2::ANCHOR_START, &m, 1)) continue;
      consumed = at + m.size();
      while (li < lines.size() && lines[li].e < at) ++li;
      if (li < lines.size() && RE2::PartialMatch(re2::StringPiece(lines[li].s.data(), lines[li].s.size()), *closing_))
        closing_line[li] = 1;
    }
  }
  bool closed = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!closing_line[i]) continue;
    closed = true;
    // The signature block: names, their titles and offices, a lone "/" between two signers; it
    // ends at a long line (the next paragraph) or after three names.
    int names = 0;
    for (size_t j = i + 1; j < lines.size() && j <= i + 12 && names < 3; ++j) {
      std::string s = text::squash_spaces(lines[j].s);
      if (s == "/" || s.empty()) continue;
      if (take(lines[j], j, "closing+name")) {
        ++names;
        continue;
      }
      if (s.size() > 70) break;
    }
  }
  // "Karen Ellemann\n/\nRikke Hvid Danielsen", "Karsten Lauritzen\n/ Claus F. Houmann": a
  // minister and an official, with or without a closing formula.
  // Only a line that starts with "/" (after spaces) can join two signers: the lines are found
  // from the text's slashes (memchr), not by a look at every line.
  size_t li = 0;
  for (size_t q = t.find('/'); q != std::string::npos; q = t.find('/', q + 1)) {
    while (li < lines.size() && lines[li].e <= q) ++li;
    if (li == lines.size()) break;
    const size_t line_end = lines[li].e;
    std::string_view raw = lines[li].s;
    const size_t first = raw.find_first_not_of(' ');
    const bool opens = lines[li].b + first == q;
    if (!opens || li == 0) {
      q = line_end;  // the line's later slashes do not open it
      continue;
    }
    const size_t j = li - 1;
    q = line_end;
    std::string next = text::squash_spaces(raw);
    if (next == "/" && j + 2 < lines.size()) {
      Line a_line = lines[j], b_line = lines[j + 2];
      std::vector<Signatory> before = a.signatories;
      if (take(a_line, j, "name / name") && !take(b_line, j + 2, "name / name")) a.signatories = before;
    } else if (next.size() > 2 && next[0] == '/' && next[1] == ' ') {
      Line b_line{lines[j + 1].b + 2, lines[j + 1].e, lines[j + 1].s.substr(2)};
      std::vector<Signatory> before = a.signatories;
      if (take(lines[j], j, "name / name") && !take(b_line, j + 1, "name / name")) a.signatories = before;
    }
  }
  // A byline in the first lines: "Af Finn Gunst, Fuglsang Allé 116".
  for (size_t j = 0; j < lines.size() && j < 3; ++j) {
    re2::StringPiece name;
    if (full_match_dfa_first(re2::StringPiece(lines[j].s.data(), lines[j].s.size()), *byline_, &name)) {
      std::string n = clean_name(std::string(name.data(), name.size()));
      if (names_->plausible(n) &&
          std::none_of(a.signatories.begin(), a.signatories.end(), [&](const Signatory& s) { return s.name == n; })) {
        uint32_t b = static_cast<uint32_t>(name.data() - t.data());
        a.signatories.push_back({n, "", {b, b + static_cast<uint32_t>(name.size())}, "byline"});
      }
    }
  }
  if (closed || lines.empty() || !a.signatories.empty()) return;
  // No closing formula: a name line near the end followed by a title line, or "name/name".
  size_t from = lines.size() > 6 ? lines.size() - 6 : 0;
  for (size_t j = from; j < lines.size(); ++j) {
    bool slash = lines[j].s.find('/') != std::string::npos;
    // The length test first: role_of lower-cases its line and looks for every title in it, which
    // on a long closing paragraph cost more than the rest of the extractor.
    bool titled = j + 1 < lines.size() && lines[j + 1].s.size() < 60 && !role_of(lines[j + 1].s).empty();
    if (slash || titled) take(lines[j], j, slash ? "end name/name" : "end name+title");
  }
}

}  // namespace sagsindeks
