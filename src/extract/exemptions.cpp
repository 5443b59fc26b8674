// Exemption rules: "trigger+area in sentence" (a trigger word and an area phrase in one sentence,
// or in the sentence after it), "trigger+general" (a trigger with only general rule words).
#include "extract/exemptions.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <map>

#include "core/lexicon.h"
#include "core/re.h"
#include "core/text.h"

namespace sagsindeks {

namespace {

struct Sentence {
  size_t b, e;
};

// Sentences end at ". ", "? ", "! ", a blank line, or a line that ends without punctuation
// (headings). Whether byte i ends one depends only on the bytes around it, so the sentence that
// holds a position is found by looking back and forth from it: a text is cut into sentences only
// near its triggers, not over its whole length.
class Sentences {
 public:
  explicit Sentences(const std::string& t) : t_(t) {}

  // The sentence holding byte p (< size). Back to the last end before p eight bytes at a time,
  // as from() goes forward.
  Sentence around(size_t p) const {
    size_t b = p;
    while (b > 0) {
      while (b >= 8 && !may_end(t_.data() + b - 8)) b -= 8;
      if (b == 0 || ends_at(b - 1)) break;
      --b;
    }
    return from(b);
  }
  // The sentence that starts at b (< size): up to its end, or the end of the text.
  Sentence from(size_t b) const {
    const std::string& t = t_;
    for (size_t i = b; i < t.size(); ++i) {
      while (i + 8 <= t.size() && !may_end(t.data() + i)) i += 8;
      if (i >= t.size()) break;
      if (ends_at(i)) return {b, i + 1};
    }
    return {b, t.size()};
  }

 private:
  // Whether the eight bytes at p hold a byte that can end a sentence (most words of a text do
  // not: an end comes every 40-80 bytes). The SWAR zero-byte test is exact for that.
  static bool may_end(const char* p) {
    constexpr uint64_t k1 = 0x0101010101010101ull, k80 = 0x80 * k1;
    uint64_t w;
    std::memcpy(&w, p, 8);
    auto holds = [&](unsigned char c) {
      const uint64_t x = w ^ (c * k1);
      return (x - k1) & ~x & k80;
    };
    return (holds('.') | holds('?') | holds('!') | holds('\n')) != 0;
  }
  bool ends_at(size_t i) const {
    const std::string& t = t_;
    const char c = t[i];
    if (c != '.' && c != '?' && c != '!' && c != '\n') return false;
    bool end = false;
    if ((c == '.' || c == '?' || c == '!') && (i + 1 == t.size() || t[i + 1] == ' ' || t[i + 1] == '\n')) {
      // "f.eks. " and "bl.a. " do not end a sentence: the letter before the dot is a single letter.
      end = !(i >= 2 && t[i - 2] == '.') && !(i >= 1 && i + 2 < t.size() && t[i + 1] == ' ' && text::starts_lower(std::string_view(t).substr(i + 2)));
    }
    if (c == '\n' && ((i + 1 < t.size() && t[i + 1] == '\n') || (i > 0 && t[i - 1] == ':'))) end = true;
    // "1. Modernisering": list numbering at a line start is no sentence end.
    if (end && c == '.') {
      size_t d = i;
      while (d > 0 && std::isdigit(static_cast<unsigned char>(t[d - 1]))) --d;
      size_t ls = d;
      while (ls > 0 && t[ls - 1] == ' ') --ls;
      if (d < i && (ls == 0 || t[ls - 1] == '\n')) end = false;
    }
    return end;
  }

  const std::string& t_;
};

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
  const Sentences cut(t);
  // The trigger sentences, in text order, once each.
  std::vector<Sentence> trigger_sentences;
  for (size_t p : trigger_at)
    if (trigger_sentences.empty() || p >= trigger_sentences.back().e) trigger_sentences.push_back(cut.around(p));
  // Municipality mentions by position, for requested_by: (start, code), sorted.
  std::vector<std::pair<uint32_t, std::string>> mentions;
  for (const auto& m : a.municipalities)
    for (const auto& sp : m.mentions) mentions.push_back({sp.begin, m.municipality.code});
  std::sort(mentions.begin(), mentions.end());
  // Per sentence looked at (by its start): its lower-cased text and which phrases (areas_, then
  // general_) occur in it anywhere. Only the sentences near a trigger are lower-cased.
  struct Looked {
    std::string lowered;
    std::vector<char> occurs;
  };
  std::map<size_t, Looked> looked;
  std::vector<int> hit;
  auto look = [&](const Sentence& sn) -> const Looked& {
    auto [it, fresh] = looked.try_emplace(sn.b);
    Looked& l = it->second;
    if (fresh) {
      l.lowered = text::lower(std::string_view(t).substr(sn.b, sn.e - sn.b));
      l.occurs.assign(areas_.size() + general_.size(), 0);
      hit.clear();
      RE2::Set::ErrorInfo error{};
      if (!phrases_->Match(l.lowered, &hit, &error) && error.kind != RE2::Set::kNoError)
        l.occurs.assign(l.occurs.size(), 1);  // the set's DFA gave up: look for every phrase
      for (int h : hit) l.occurs[static_cast<size_t>(h)] = 1;
    }
    return l;
  };
  // A phrase at a word start of the sentence; one the set did not see there is not looked for.
  auto area_in = [&](const Looked& l, size_t ai) {
    return l.occurs[ai] && has_at_word_start(l.lowered, areas_[ai].first);
  };
  auto general_in = [&](const Looked& l) {
    for (size_t w = 0; w < general_.size(); ++w)
      if (l.occurs[areas_.size() + w] && has_at_word_start(l.lowered, general_[w])) return true;
    return false;
  };
  auto add = [&](const std::string& area, const Sentence& sn, const std::string& rule) {
    auto it = std::find_if(a.exemptions.begin(), a.exemptions.end(), [&](const Exemption& e) { return e.area == area; });
    std::vector<std::string> req;
    auto first = std::lower_bound(mentions.begin(), mentions.end(), std::make_pair(static_cast<uint32_t>(sn.b), std::string()));
    for (auto it = first; it != mentions.end() && it->first < sn.e; ++it)
      if (std::find(req.begin(), req.end(), it->second) == req.end()) req.push_back(it->second);
    if (it != a.exemptions.end()) {
      for (const auto& c : req)
        if (std::find(it->requested_by.begin(), it->requested_by.end(), c) == it->requested_by.end())
          it->requested_by.push_back(c);
      return;
    }
    size_t lead = t.find_first_not_of(" \n", sn.b);
    size_t end = sn.e;
    while (end > lead && (t[end - 1] == ' ' || t[end - 1] == '\n')) --end;
    a.exemptions.push_back({area, t.substr(lead, end - lead), req,
                            {static_cast<uint32_t>(lead), static_cast<uint32_t>(end)}, rule});
  };
  for (const Sentence& ts : trigger_sentences) {
    const Looked& tl = look(ts);  // a std::map's element: stays put while others are added
    const std::string& s = tl.lowered;
    bool specific = false;
    // A trigger sentence that ends in a colon introduces a list: each following line (up to ten)
    // names an area ("... ønsker skal være en del af et frikommuneforsøg:\n1. Flere i beskæftigelse").
    const size_t last = s.find_last_not_of(" \n");
    if (last != std::string::npos && s[last] == ':') {
      size_t list_end = t.find("\n\n", ts.e);
      Sentence k = ts;
      for (int n = 0; n < 10 && k.e < t.size(); ++n) {
        k = cut.from(k.e);
        if (list_end != std::string::npos && k.b >= list_end) break;
        bool found = false;
        const Looked& kl = look(k);
        for (size_t ai = 0; ai < areas_.size(); ++ai)
          if (area_in(kl, ai)) {
            add(areas_[ai].second, k, "trigger: list item+area");
            specific = found = true;
          }
        if (!found && general_in(kl)) add("general", k, "trigger: list item+general");
      }
    }
    for (size_t ai = 0; ai < areas_.size(); ++ai)
      if (area_in(tl, ai)) {
        add(areas_[ai].second, ts, "trigger+area in sentence");
        specific = true;
      }
    if (!specific && general_in(tl)) add("general", ts, "trigger+general");
  }
  // requested_by empty for every area: take the document's municipalities when few (a joint
  // application names its senders in the letterhead, not in the sentence).
  for (auto& e : a.exemptions)
    if (e.requested_by.empty() && a.municipalities.size() <= 4)
      for (const auto& m : a.municipalities) e.requested_by.push_back(m.municipality.code);
}

}  // namespace sagsindeks
