// Signatory rules: "closing+name" (the lines after "Med venlig hilsen"), "name/name" (a minister
// and an official on one line, or split by a lone "/"), and "end name+title" (a name line followed
// by a title line at the end of a letter without a closing formula).
#include "extract/signatories.h"

#include <algorithm>

#include "core/lexicon.h"
#include "core/re.h"
#include "core/text.h"

namespace sagsindeks {

namespace {
struct Line {
  size_t b, e;
  std::string s;
};
std::vector<Line> lines_of(const std::string& t) {
  std::vector<Line> out;
  size_t pos = 0;
  while (pos <= t.size()) {
    size_t nl = t.find('\n', pos);
    if (nl == std::string::npos) nl = t.size();
    if (nl > pos) out.push_back({pos, nl, t.substr(pos, nl - pos)});
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
  x->closing_ = make_re("(?i)(?:^|\\s)(?:" + alt + ")[ ,.!]*$");
  auto t = load_lexicon(lexdir + "/titler.tsv", '\t', 2);
  if (!t.ok()) return t.error();
  for (const auto& r : *t) x->titles_.push_back({r.fields[1], r.fields[0]});
  std::sort(x->titles_.begin(), x->titles_.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  // A signature line: optional title before, a name, optional party, optional ", title" after.
  x->name_line_ = make_re("^(?:(?i:borgmester|overborgmester)[ ])?" + std::string(kNamePattern) +
                                        kPartyPattern + "(?:[ ]?[,/][ ]?.*|[ ]\\p{Ll}+)?$");
  for (auto* re : {&x->closing_, &x->name_line_})
    if (!(*re)->ok()) return Error{"lexicon", "signatory pattern does not compile: " + (*re)->error()};
  return std::shared_ptr<const SignatoryExtractor>(x);
}

std::string SignatoryExtractor::role_of(const std::string& line) const {
  std::string l = text::lower(line);
  for (const auto& [title, role] : titles_) {
    size_t p = l.find(title);
    if (p != std::string::npos) return role;
  }
  return "";
}

void SignatoryExtractor::run(const Document& doc, Analysis& a) const {
  const std::string& t = doc.text;
  auto lines = lines_of(t);
  auto take = [&](const Line& ln, size_t li, const char* rule) -> bool {
    // "Karen Hækkerup/ Lone Larsen": every part of a line split on "/".
    std::vector<std::pair<size_t, size_t>> parts;
    size_t p = 0;
    while (p <= ln.s.size()) {
      size_t q = ln.s.find('/', p);
      if (q == std::string::npos) q = ln.s.size();
      parts.push_back({p, q});
      p = q + 1;
    }
    bool any = false;
    for (auto [pb, pe] : parts) {
      std::string part = text::squash_spaces(ln.s.substr(pb, pe - pb));
      size_t lead = ln.s.find(part, pb);
      re2::StringPiece name;
      if (!RE2::FullMatch(part, *name_line_, &name)) continue;
      std::string n = clean_name(std::string(name.data(), name.size()));
      if (!names_->plausible(n)) continue;
      if (std::any_of(a.signatories.begin(), a.signatories.end(), [&](const Signatory& s) { return s.name == n; }))
        continue;
      std::string role = role_of(part.substr(std::min(part.size(), static_cast<size_t>(name.data() - part.data()))));
      if (role.empty() && RE2::PartialMatch(part, "(?i)^(?:borgmester|overborgmester) ")) role = "mayor";
      if (role.empty() && li + 1 < lines.size()) role = role_of(lines[li + 1].s.size() < 60 ? lines[li + 1].s : "");
      uint32_t b = static_cast<uint32_t>(ln.b + lead + (name.data() - part.data()));
      a.signatories.push_back({n, role, {b, b + static_cast<uint32_t>(n.size())}, rule});
      any = true;
    }
    return any;
  };
  bool closed = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!RE2::PartialMatch(lines[i].s, *closing_)) continue;
    closed = true;
    // The signature block: up to four lines after the closing, names and a lone "/" between them.
    for (size_t j = i + 1, seen = 0; j < lines.size() && seen < 4; ++j, ++seen) {
      std::string s = text::squash_spaces(lines[j].s);
      if (s == "/" || s.empty()) continue;
      if (take(lines[j], j, "closing+name")) {
        if (j + 1 < lines.size() && text::squash_spaces(lines[j + 1].s) == "/") continue;
        if (j + 2 < lines.size() && text::squash_spaces(lines[j + 1].s) == "/") continue;
        // A second name directly under the first (minister, then official).
        if (j + 1 < lines.size()) take(lines[j + 1], j + 1, "closing+name");
        break;
      }
    }
  }
  if (closed || lines.empty()) return;
  // No closing formula: a name line near the end followed by a title line, or "name/name".
  size_t from = lines.size() > 6 ? lines.size() - 6 : 0;
  for (size_t j = from; j < lines.size(); ++j) {
    bool slash = lines[j].s.find('/') != std::string::npos;
    bool titled = j + 1 < lines.size() && !role_of(lines[j + 1].s).empty() && lines[j + 1].s.size() < 60;
    if (slash || titled) take(lines[j], j, slash ? "end name/name" : "end name+title");
  }
}

}  // namespace sagsindeks
