// Municipality rules: "name+Kommune" (a context word after the name), "X og Y Kommuner"
// (coordination), "byrådet i X" (a context phrase before), "kommunerne X, Y og Z" (list head).
#include "extract/municipalities.h"

#include <algorithm>

#include "core/lexicon.h"
#include "core/text.h"

namespace sagsindeks {

namespace {

// The first (last) byte is compared before the whole word: most hits are followed by none of the
// context words, and the call to compare cost more than the rest of the extractor's loops.
bool word_follows(const std::string& t, size_t pos, const std::string& w) {
  if (!w.empty() && (pos >= t.size() || t[pos] != w[0])) return false;
  if (t.compare(pos, w.size(), w) != 0) return false;
  size_t e = pos + w.size();
  if (e >= t.size()) return true;
  size_t i = e;
  return !text::is_letter(text::next_cp(t, i));
}

bool word_precedes(const std::string& t, size_t pos, const std::string& w) {
  if (pos < w.size() || (!w.empty() && t[pos - 1] != w.back()) || t.compare(pos - w.size(), w.size(), w) != 0) return false;
  size_t b = pos - w.size();
  if (b == 0) return true;
  size_t i = b;
  return !text::is_letter(text::prev_cp(t, i));
}

// The separator between two coordinated names: ", ", " og ", " samt ", " eller ".
size_t coordination_before(const std::string& t, size_t pos) {
  for (const char* sep : {", ", " og ", " samt ", " eller ", " & ", ",\n", " og\n"}) {
    size_t n = std::char_traits<char>::length(sep);
    if (pos >= n && t.compare(pos - n, n, sep) == 0) return n;
  }
  return 0;
}

size_t coordination_after(const std::string& t, size_t pos) {
  for (const char* sep : {", ", " og ", " samt ", " eller ", " & ", ",\n", " og\n", "\n"}) {
    size_t n = std::char_traits<char>::length(sep);
    if (t.compare(pos, n, sep) == 0) return n;
  }
  return 0;
}

}  // namespace

Result<std::shared_ptr<const MunicipalityExtractor>> MunicipalityExtractor::create(
    const std::string& lexdir, std::shared_ptr<const Gazetteer> g) {
  auto rows = load_lexicon(lexdir + "/kommune_kontekst.tsv", '\t', 2);
  if (!rows.ok()) return rows.error();
  auto x = std::make_shared<MunicipalityExtractor>();
  x->g_ = std::move(g);
  for (const auto& r : *rows) {
    const auto& k = r.fields[0];
    if (k == "after") x->after_.push_back(r.fields[1]);
    else if (k == "plural") x->plural_.push_back(r.fields[1]);
    else if (k == "before") x->before_.push_back(r.fields[1]);
    else if (k == "list") x->list_.push_back(r.fields[1]);
    else return Error{"lexicon", lexdir + "/kommune_kontekst.tsv:" + std::to_string(r.line) + ": unknown kind '" + k + "'"};
  }
  // Longest phrase first so "Kommunes borgmester" is tried before "Kommunes".
  for (auto* v : {&x->after_, &x->plural_, &x->before_, &x->list_})
    std::sort(v->begin(), v->end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  auto first = [](const std::string& w) { return static_cast<unsigned char>(w.empty() ? 0 : w.front()); };
  auto last = [](const std::string& w) { return static_cast<unsigned char>(w.empty() ? 0 : w.back()); };
  for (const auto& w : x->after_) x->after_by_first_[first(w)].push_back(&w);
  for (const auto& w : x->before_) x->before_by_last_[last(w)].push_back(&w);
  for (const auto* words : {&x->plural_, &x->after_})
    for (const auto& w : *words) x->plural_after_by_first_[first(w)].push_back(&w);
  auto own = StartFinder::create(x->start_patterns());
  if (!own.ok()) return own.error();
  x->own_starts_ = *own;
  return std::shared_ptr<const MunicipalityExtractor>(x);
}

std::vector<std::pair<StartKind, std::string>> MunicipalityExtractor::start_patterns() const {
  return {{StartKind::kMunicipality, g_->alternation()}};
}

void MunicipalityExtractor::add(Analysis& a, const Municipality& m, Span s, const std::string& rule) {
  for (auto& r : a.municipalities) {
    if (r.municipality.code == m.code) {
      if (std::find(r.mentions.begin(), r.mentions.end(), s) == r.mentions.end()) r.mentions.push_back(s);
      return;
    }
  }
  a.municipalities.push_back({m, {s}, rule});
}

void MunicipalityExtractor::run(const Document& doc, Analysis& a) const {
  Starts s;
  own_starts_->find(doc.text, s);
  run(doc, a, s);
}

void MunicipalityExtractor::run(const Document& doc, Analysis& a, const Starts& starts) const {
  const std::string& t = doc.text;
  auto hits = g_->find_all(t, starts[StartKind::kMunicipality]);
  std::vector<int> counted(hits.size(), 0);
  std::vector<std::string> rules(hits.size());
  for (size_t i = 0; i < hits.size(); ++i) {
    size_t e = hits[i].span.end;
    // One space or line break may stand between a name and its context word.
    size_t gap = (e < t.size() && (t[e] == ' ' || t[e] == '\n')) ? 1 : 0;
    // An empty word (none in the lexicon) would sit in bucket 0 and never be tried.
    if (e + gap < t.size())
      for (const std::string* w : after_by_first_[static_cast<unsigned char>(t[e + gap])])
        if (word_follows(t, e + gap, *w)) {
          counted[i] = 1;
          rules[i] = "name+" + *w;
          break;
        }
    if (!counted[i]) {
      size_t b = hits[i].span.begin;
      size_t g2 = (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\n')) ? 1 : 0;
      if (b - g2 > 0)
        for (const std::string* w : before_by_last_[static_cast<unsigned char>(t[b - g2 - 1])])
          if (word_precedes(t, b - g2, *w)) {
            counted[i] = 1;
            rules[i] = *w + "+name";
            break;
          }
    }
  }
  // Coordination: "Ishøj og Vallensbæk Kommuner" — walk back from a name followed by a plural
  // context word through names joined by ", " / " og ".
  for (size_t i = 0; i < hits.size(); ++i) {
    size_t e = hits[i].span.end;
    // Plural context words, and singular ones too: "Langeland, Middelfart og Viborg Kommune".
    bool plural = false;
    if (e + 1 < t.size() && t[e] == ' ')
      for (const std::string* w : plural_after_by_first_[static_cast<unsigned char>(t[e + 1])])
        if (word_follows(t, e + 1, *w)) {
          plural = true;
          break;
        }
    if (!plural) continue;
    for (size_t j = i; j > 0; --j) {
      size_t sep = coordination_before(t, hits[j].span.begin);
      if (!sep || hits[j - 1].span.end + sep != hits[j].span.begin) break;
      if (!counted[j - 1]) {
        counted[j - 1] = 1;
        rules[j - 1] = "X og Y Kommuner";
      }
    }
  }
  // Lists headed by "kommunerne": "kommunerne Albertslund, Brøndby og Dragør".
  for (size_t i = 0; i < hits.size(); ++i) {
    size_t b = hits[i].span.begin;
    bool head = false;
    // The gap first: most names follow none of them, and then no list word is compared.
    for (std::string_view gap : {" ", ": ", "\n", ":\n", " (", " - "}) {
      size_t n = gap.size();
      if (head || b < n || std::string_view(t).substr(b - n, n) != gap) continue;
      for (const auto& w : list_)
        if (word_precedes(t, b - n, w)) head = true;
    }
    if (!head) continue;
    counted[i] = 1;
    if (rules[i].empty()) rules[i] = "list head+names";
    for (size_t j = i + 1; j < hits.size(); ++j) {
      size_t sep = coordination_after(t, hits[j - 1].span.end);
      if (!sep || hits[j - 1].span.end + sep != hits[j].span.begin) break;
      if (!counted[j]) {
        counted[j] = 1;
        rules[j] = "list head+names";
      }
    }
  }
  for (size_t i = 0; i < hits.size(); ++i)
    if (counted[i]) add(a, *hits[i].m, hits[i].span, rules[i]);
}

}  // namespace sagsindeks
