// Exemption rules: "trigger+area in sentence" (a trigger word and an area phrase in one sentence,
// or in the sentence after it), "trigger+general" (a trigger with only general rule words).
#include "extract/exemptions.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/lexicon.h"
#include "core/re.h"
#include "core/text.h"

namespace sagsindeks {

namespace {

struct Sentence {
  size_t b, e;
};

// Sentences end at ". ", "? ", "! ", a blank line, or a line that ends without punctuation
// (headings). Cost: one pass.
std::vector<Sentence> sentences(const std::string& t) {
  std::vector<Sentence> out;
  size_t b = 0;
  // Only '.', '?', '!' and '\n' can end a sentence: other bytes are passed by one table look-up.
  static constexpr auto kMaybeEnd = [] {
    std::array<bool, 256> m{};
    m['.'] = m['?'] = m['!'] = m['\n'] = true;
    return m;
  }();
  // Eight bytes at a time past words that hold none of them (most of a text: a sentence end
  // comes every 40-80 bytes): the SWAR zero-byte test is exact for whether a word holds one.
  constexpr uint64_t k1 = 0x0101010101010101ull, k80 = 0x80 * k1;
  auto holds = [&](uint64_t w, unsigned char c) {
    const uint64_t x = w ^ (c * k1);
    return (x - k1) & ~x & k80;
  };
  for (size_t i = 0; i < t.size(); ++i) {
    while (i + 8 <= t.size()) {
      uint64_t w;
      std::memcpy(&w, t.data() + i, 8);
      if (holds(w, '.') | holds(w, '?') | holds(w, '!') | holds(w, '\n')) break;
      i += 8;
    }
    if (i >= t.size()) break;
    if (!kMaybeEnd[static_cast<unsigned char>(t[i])]) continue;
    bool end = false;
    if ((t[i] == '.' || t[i] == '?' || t[i] == '!') && (i + 1 == t.size() || t[i + 1] == ' ' || t[i + 1] == '\n')) {
      // "f.eks. " and "bl.a. " do not end a sentence: the letter before the dot is a single letter.
      end = !(i >= 2 && t[i - 2] == '.') && !(i >= 1 && i + 2 < t.size() && t[i + 1] == ' ' && text::starts_lower(std::string_view(t).substr(i + 2)));
    }
    if (t[i] == '\n' && ((i + 1 < t.size() && t[i + 1] == '\n') || (i > 0 && t[i - 1] == ':'))) end = true;
    // "1. Modernisering": list numbering at a line start is no sentence end.
    if (end && t[i] == '.') {
      size_t d = i;
      while (d > 0 && std::isdigit(static_cast<unsigned char>(t[d - 1]))) --d;
      size_t ls = d;
      while (ls > 0 && t[ls - 1] == ' ') --ls;
      if (d < i && (ls == 0 || t[ls - 1] == '\n')) end = false;
    }
    if (end) {
      out.push_back({b, i + 1});
      b = i + 1;
    }
  }
  if (b < t.size()) out.push_back({b, t.size()});
  return out;
}

bool has_at_word_start(const std::string& hay, const std::string& needle, size_t* at = nullptr) {
  size_t p = 0;
  while ((p = hay.find(needle, p)) != std::string::npos) {
    size_t before = p;
    if (p == 0 || !text::is_letter(text::prev_cp(hay, before))) {
      if (at) *at = p;
      return true;
    }
    ++p;
  }
  return false;
}

}  // namespace

Result<std::shared_ptr<const ExemptionExtractor>> ExemptionExtractor::create(const std::string& lexdir) {
  auto rows = load_lexicon(lexdir + "/undtagelser.tsv", '\t', 3);
  if (!rows.ok()) return rows.error();
  auto x = std::make_shared<ExemptionExtractor>();
  for (const auto& r : *rows) {
    if (r.fields[0] == "trigger") x->triggers_.push_back(r.fields[2]);
    else if (r.fields[0] == "area") x->areas_.push_back({r.fields[2], r.fields[1]});
    else if (r.fields[0] == "general") x->general_.push_back(r.fields[2]);
  }
  RE2::Options so = re_options();
  so.set_never_capture(true);
  x->phrases_ = std::make_unique<RE2::Set>(so, RE2::UNANCHORED);
  for (const auto& [phrase, area] : x->areas_)
    if (x->phrases_->Add(RE2::QuoteMeta(phrase), nullptr) < 0) return Error{"lexicon", lexdir + "/undtagelser.tsv: bad area phrase"};
  for (const auto& w : x->general_)
    if (x->phrases_->Add(RE2::QuoteMeta(w), nullptr) < 0) return Error{"lexicon", lexdir + "/undtagelser.tsv: bad general phrase"};
  if (!x->phrases_->Compile()) return Error{"lexicon", lexdir + "/undtagelser.tsv: phrases do not compile as a set"};
  std::string alt;
  for (const auto& w : x->triggers_) alt += (alt.empty() ? "" : "|") + RE2::QuoteMeta(w);
  x->trigger_re_ = make_re("(?i)(?:" + alt + ")");
  if (!x->trigger_re_->ok())
    return Error{"lexicon", lexdir + "/undtagelser.tsv: trigger pattern does not compile: " + x->trigger_re_->error()};
  auto own = StartFinder::create(x->start_patterns());
  if (!own.ok()) return own.error();
  x->own_starts_ = *own;
  return std::shared_ptr<const ExemptionExtractor>(x);
}

std::vector<std::pair<StartKind, std::string>> ExemptionExtractor::start_patterns() const {
  return {{StartKind::kTrigger, trigger_re_->pattern()}};
}

void ExemptionExtractor::run(const Document& doc, Analysis& a) const {
  Starts s;
  own_starts_->find(doc.text, s);
  run(doc, a, s);
}

void ExemptionExtractor::run(const Document& doc, Analysis& a, const Starts& starts) const {
  const std::string& t = doc.text;
  // The triggers, from where the shared pass found one to start; a text without one has no
  // exemption and costs nothing more. A start that begins a word is matched anchored for the
  // trigger's end (the DFA, no capturing engine), and the next trigger is looked for after it,
  // as the leftmost search from there would find it.
  std::vector<size_t> trigger_at;
  re2::StringPiece m;
  const re2::StringPiece all(t.data(), t.size());
  size_t pos = 0;
  for (uint32_t at : starts[StartKind::kTrigger]) {
    if (at < pos) continue;
    size_t before = at;
    if (at > 0 && text::is_letter(text::prev_cp(t, before))) continue;
    if (!trigger_re_->Match(all, at, t.size(), RE2::ANCHOR_START, &m, 1)) continue;
    trigger_at.push_back(at);
    pos = at + std::max<size_t>(m.size(), 1);
  }
  if (trigger_at.empty()) return;
  auto sents = sentences(t);
  // Only the sentences near a trigger are lower-cased and searched for area phrases.
  std::vector<std::string> lowered(sents.size());
  std::vector<char> has_trigger(sents.size(), 0), ready(sents.size(), 0);
  auto sentence_of = [&](size_t pos) {
    auto it = std::upper_bound(sents.begin(), sents.end(), pos, [](size_t p, const Sentence& s) { return p < s.b; });
    return static_cast<size_t>(it - sents.begin()) - 1;
  };
  for (size_t p : trigger_at) has_trigger[sentence_of(p)] = 1;
  // Municipality mentions by position, for requested_by: (start, code), sorted.
  std::vector<std::pair<uint32_t, std::string>> mentions;
  for (const auto& m : a.municipalities)
    for (const auto& sp : m.mentions) mentions.push_back({sp.begin, m.municipality.code});
  std::sort(mentions.begin(), mentions.end());
  // Per sentence looked at: which phrases (areas_, then general_) occur in it anywhere.
  std::vector<std::vector<char>> occurs(sents.size());
  std::vector<int> hit;
  auto low = [&](size_t k) -> const std::string& {
    if (!ready[k]) {
      lowered[k] = text::lower(std::string_view(t).substr(sents[k].b, sents[k].e - sents[k].b)), ready[k] = 1;
      occurs[k].assign(areas_.size() + general_.size(), 0);
      hit.clear();
      RE2::Set::ErrorInfo error{};
      if (!phrases_->Match(lowered[k], &hit, &error) && error.kind != RE2::Set::kNoError)
        occurs[k].assign(occurs[k].size(), 1);  // the set's DFA gave up: look for every phrase
      for (int h : hit) occurs[k][static_cast<size_t>(h)] = 1;
    }
    return lowered[k];
  };
  // A phrase at a word start of sentence k; one the set did not see there is not looked for.
  auto area_in = [&](size_t k, size_t a) { return occurs[k][a] && has_at_word_start(low(k), areas_[a].first); };
  auto general_in = [&](size_t k) {
    for (size_t w = 0; w < general_.size(); ++w)
      if (occurs[k][areas_.size() + w] && has_at_word_start(low(k), general_[w])) return true;
    return false;
  };
  auto add = [&](const std::string& area, size_t si, const std::string& rule) {
    auto it = std::find_if(a.exemptions.begin(), a.exemptions.end(), [&](const Exemption& e) { return e.area == area; });
    std::vector<std::string> req;
    auto first = std::lower_bound(mentions.begin(), mentions.end(), std::make_pair(static_cast<uint32_t>(sents[si].b), std::string()));
    for (auto it = first; it != mentions.end() && it->first < sents[si].e; ++it)
      if (std::find(req.begin(), req.end(), it->second) == req.end()) req.push_back(it->second);
    if (it != a.exemptions.end()) {
      for (const auto& c : req)
        if (std::find(it->requested_by.begin(), it->requested_by.end(), c) == it->requested_by.end())
          it->requested_by.push_back(c);
      return;
    }
    size_t lead = t.find_first_not_of(" \n", sents[si].b);
    size_t end = sents[si].e;
    while (end > lead && (t[end - 1] == ' ' || t[end - 1] == '\n')) --end;
    a.exemptions.push_back({area, t.substr(lead, end - lead), req,
                            {static_cast<uint32_t>(lead), static_cast<uint32_t>(end)}, rule});
  };
  for (size_t i = 0; i < sents.size(); ++i) {
    if (!has_trigger[i]) continue;
    const std::string& s = low(i);
    bool specific = false;
    // A trigger sentence that ends in a colon introduces a list: each following line (up to ten)
    // names an area ("... ønsker skal være en del af et frikommuneforsøg:\n1. Flere i beskæftigelse").
    size_t last = i;
    std::string trimmed = s.substr(0, s.find_last_not_of(" \n") + 1);
    if (!trimmed.empty() && trimmed.back() == ':') last = std::min(sents.size() - 1, i + 10);
    if (last > i) {
      size_t list_end = t.find("\n\n", sents[i].e);
      for (size_t k = i + 1; k <= last && (list_end == std::string::npos || sents[k].b < list_end); ++k) {
        bool found = false;
        low(k);
        for (size_t ai = 0; ai < areas_.size(); ++ai)
          if (area_in(k, ai)) {
            add(areas_[ai].second, k, "trigger: list item+area");
            specific = found = true;
          }
        if (!found && general_in(k)) add("general", k, "trigger: list item+general");
      }
    }
    for (size_t ai = 0; ai < areas_.size(); ++ai)
      if (area_in(i, ai)) {
        add(areas_[ai].second, i, "trigger+area in sentence");
        specific = true;
      }
    if (!specific && general_in(i)) add("general", i, "trigger+general");
  }
  // requested_by empty for every area: take the document's municipalities when few (a joint
  // application names its senders in the letterhead, not in the sentence).
  for (auto& e : a.exemptions)
    if (e.requested_by.empty() && a.municipalities.size() <= 4)
      for (const auto& m : a.municipalities) e.requested_by.push_back(m.municipality.code);
}

}  // namespace sagsindeks
