// Gazetteer of municipalities: canonical names, variants and genitives compiled into one RE2.
#include "extract/gazetteer.h"

#include <algorithm>

#include "core/lexicon.h"
#include "core/re.h"
#include "core/text.h"

namespace sagsindeks {

Result<std::shared_ptr<const Gazetteer>> Gazetteer::load(const std::string& lexdir) {
  auto g = std::make_shared<Gazetteer>();
  auto rows = load_lexicon(lexdir + "/kommuner.tsv", '\t', 2);
  if (!rows.ok()) return rows.error();
  std::unordered_map<std::string, size_t> by_name;
  for (const auto& r : *rows) {
    if (r.fields[0] == "code") continue;  // header
    if (r.fields[1].empty())
      return Error{"lexicon", lexdir + "/kommuner.tsv:" + std::to_string(r.line) + ": a municipality without a name"};
    by_name[r.fields[1]] = g->municipalities_.size();
    g->municipalities_.push_back({r.fields[0], r.fields[1]});
  }
  if (g->municipalities_.empty()) return Error{"lexicon", lexdir + "/kommuner.tsv: no municipalities"};
  auto add = [&](const std::string& form, size_t idx) {
    if (form.empty()) return;  // "Aarhus|" : an empty variant names nothing
    g->forms_.emplace(form, std::make_pair(idx, false));
    if (form.back() != 's') g->forms_.emplace(form + "s", std::make_pair(idx, true));
    g->lower_forms_.emplace(text::lower(form), idx);
  };
  for (size_t i = 0; i < g->municipalities_.size(); ++i) add(g->municipalities_[i].name, i);
  auto vars = load_lexicon(lexdir + "/kommune_varianter.txt", '|', 2);
  if (!vars.ok()) return vars.error();
  for (const auto& r : *vars) {
    auto it = by_name.find(r.fields[0]);
    if (it == by_name.end())
      return Error{"lexicon", lexdir + "/kommune_varianter.txt:" + std::to_string(r.line) + ": unknown municipality '" +
                                  r.fields[0] + "' (not a name in " + lexdir + "/kommuner.tsv)"};
    for (size_t k = 1; k < r.fields.size(); ++k) add(r.fields[k], it->second);
  }
  std::vector<std::string> forms;
  for (const auto& [f, _] : g->forms_) forms.push_back(f);
  // Longest first, so "Høje-Taastrups" wins over "Høje-Taastrup".
  std::sort(forms.begin(), forms.end(), [](const auto& a, const auto& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  std::string alt;
  for (const auto& f : forms) {
    if (!alt.empty()) alt += '|';
    alt += RE2::QuoteMeta(f);
  }
  g->alternation_ = "(?:" + alt + ")";
  g->form_list_ = std::move(forms);
  g->re_ = make_re(g->alternation_);
  if (!g->re_->ok()) return Error{"lexicon", lexdir + "/kommuner.tsv or kommune_varianter.txt: municipality pattern does not compile: " + g->re_->error()};
  return std::shared_ptr<const Gazetteer>(g);
}

namespace {
// The leftmost whole match of `re` in text[pos, end): by a search, or, given every offset where
// `re` can start (ascending; `next` indexes the first not yet passed), anchored at the first of
// them at or after pos where it matches.
bool next_match(const RE2& re, std::string_view text, size_t pos, const std::vector<uint32_t>* starts, size_t& next,
                re2::StringPiece& m) {
  const re2::StringPiece all(text.data(), text.size());
  if (!starts) return re.Match(all, pos, text.size(), RE2::UNANCHORED, &m, 1);
  for (; next < starts->size(); ++next) {
    size_t s = (*starts)[next];
    if (s < pos) continue;
    if (re.Match(all, s, text.size(), RE2::ANCHOR_START, &m, 1)) return true;
  }
  return false;
}
}  // namespace

std::vector<NameHit> Gazetteer::find_all(std::string_view text) const { return find_hits(text, nullptr); }

std::vector<NameHit> Gazetteer::find_all(std::string_view text, const std::vector<uint32_t>& starts) const {
  return find_hits(text, &starts);
}

std::vector<NameHit> Gazetteer::find_hits(std::string_view text, const std::vector<uint32_t>* starts) const {
  std::vector<NameHit> hits;
  // The whole match is all we need: RE2 finds its bounds with the DFA alone, without the
  // capturing engine a group would need.
  re2::StringPiece m;
  size_t pos = 0, next = 0;
  while (pos <= text.size() && next_match(*re_, text, pos, starts, next, m)) {
    size_t b = static_cast<size_t>(m.data() - text.data()), e = b + m.size();
    pos = e > b ? e : e + 1;
    size_t pb = b;
    int32_t before = text::prev_cp(text, pb);
    size_t ae = e;
    int32_t after = text::next_cp(text, ae);
    // Word-bounded: no letter or digit touching either side ("Odense" in "Odensevej" is no hit).
    bool bounded = !(text::is_letter(before) || text::is_digit(before)) &&
                   !(text::is_letter(after) || text::is_digit(after));
    if (!bounded) continue;
    auto it = forms_.find(std::string(m.data(), m.size()));
    if (it == forms_.end()) continue;
    hits.push_back({{static_cast<uint32_t>(b), static_cast<uint32_t>(e)},
                    &municipalities_[it->second.first], it->second.second});
  }
  return hits;
}

const Municipality* Gazetteer::lookup(std::string_view form) const {
  auto it = forms_.find(std::string(form));
  if (it != forms_.end()) return &municipalities_[it->second.first];
  auto lt = lower_forms_.find(text::lower(form));
  if (lt != lower_forms_.end()) return &municipalities_[lt->second];
  for (const auto& m : municipalities_)
    if (m.code == form) return &m;
  return nullptr;
}

}  // namespace sagsindeks
