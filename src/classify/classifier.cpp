// Type classifier: cue features (RE2::Set prefilter, then the firing patterns for evidence),
// structural features from the extractions, softmax over five labels.
#include "classify/classifier.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "core/lexicon.h"
#include "core/text.h"
#include "core/re.h"

namespace sagsindeks {

const std::vector<std::string> kTypeLabels = {"request", "reply", "invitation", "parliamentary_answer", "other"};

namespace {
// Structural features computed from the analysis, not from phrases.
const std::vector<std::string> kStructural = {"has_pq",        "has_case_number", "has_document_date",
                                              "has_signatory", "has_mayor",       "has_exemption",
                                              "short_text",    "has_question_mark_end", "bias_early_question"};
// Bytes: the letterhead and opening, where a letter says what it is. Chosen by cross-validation
// (300 and 1000 both lost 5-10 points).
constexpr size_t kEarly = 600;
constexpr int kCap = 3;  // a cue counts up to three times
}  // namespace

Result<std::shared_ptr<const TypeClassifier>> TypeClassifier::create(const std::string& lexdir, bool need_model) {
  auto rows = load_lexicon(lexdir + "/type_cues.tsv", '\t', 2);
  if (!rows.ok()) return rows.error();
  auto c = std::make_shared<TypeClassifier>();
  RE2::Options opt = re_options(/*case_sensitive=*/false);
  opt.set_never_capture(true);
  c->set_ = std::make_unique<RE2::Set>(opt, RE2::UNANCHORED);
  std::map<std::string, size_t> idx;
  for (const auto& r : *rows) {
    std::string pat = "(?:^|[^\\pL])(?:" + r.fields[1] + ")";
    std::string err;
    if (c->set_->Add(pat, &err) < 0)
      return Error{"lexicon", lexdir + "/type_cues.tsv:" + std::to_string(r.line) + ": " + err};
    c->cues_.push_back(std::make_unique<RE2>(pat, opt));
    if (!idx.count(r.fields[0])) {
      idx[r.fields[0]] = c->names_.size();
      c->names_.push_back(r.fields[0]);
      c->names_.push_back(r.fields[0] + "@early");
    }
    c->cue_index_.push_back(idx[r.fields[0]]);
  }
  if (!c->set_->Compile()) return Error{"lexicon", lexdir + "/type_cues.tsv: cue set does not compile"};

  for (const auto& s : kStructural) c->names_.push_back(s);
  if (!need_model) return std::shared_ptr<const TypeClassifier>(c);

  auto m = load_lexicon(lexdir + "/type_model.tsv", '\t', 1 + kTypeLabels.size());
  if (!m.ok()) return Error{"lexicon", m.error().message + "; run `sagsindeks train` to make it"};
  TypeModel model;
  model.features = c->names_;
  model.w.assign(c->names_.size(), std::vector<double>(kTypeLabels.size(), 0.0));
  model.bias.assign(kTypeLabels.size(), 0.0);
  std::map<std::string, size_t> fidx;
  for (size_t i = 0; i < c->names_.size(); ++i) fidx[c->names_[i]] = i;
  for (const auto& r : *m) {
    if (r.fields[0] == "feature") continue;  // header
    std::vector<double> v;
    for (size_t k = 1; k <= kTypeLabels.size(); ++k) {
      double d = 0;
      if (!parse_double(r.fields[k], d))
        return Error{"lexicon", lexdir + "/type_model.tsv:" + std::to_string(r.line) + ": weight '" + r.fields[k] +
                                    "' is not a number; run `sagsindeks train` to remake the model"};
      v.push_back(d);
    }
    if (r.fields[0] == "(bias)") model.bias = v;

    else if (auto it = fidx.find(r.fields[0]); it != fidx.end()) model.w[it->second] = v;
    // A feature the cue file no longer has is ignored: retrain to drop it.
  }
  c->model_ = std::move(model);
  return std::shared_ptr<const TypeClassifier>(c);
}

Features TypeClassifier::features(const Document& doc, const Analysis& a) const {
  Features f;
  f.x.assign(names_.size(), 0.0);
  f.evidence.assign(names_.size(), "");
  const std::string& t = doc.text;
  // One pass of the cue set per line; a cue that fires on a line is counted there (up to kCap
  // in all), and its first line is searched again for the evidence text. Cost: one DFA pass over the
  // text plus one short match per fired cue.
  std::vector<int> lines_fired(cues_.size(), 0);  // occurrences, counted up to kCap
  std::vector<size_t> first_line(cues_.size(), std::string::npos);
  std::vector<int> fired;
  size_t ls = 0;
  while (ls < t.size()) {
    size_t le = t.find('\n', ls);
    if (le == std::string::npos) le = t.size();
    fired.clear();
    if (le > ls && set_->Match(re2::StringPiece(t.data() + ls, le - ls), &fired)) {
      for (int k : fired) {
        if (lines_fired[k] == 0) first_line[k] = ls;
        // Occurrences on this line, up to the cap.
        // The line alone is the subject, as for the set: "^" is the line's start.
        re2::StringPiece line(t.data() + ls, le - ls), m;
        size_t p = 0;
        while (lines_fired[k] < kCap && p < line.size() && cues_[k]->Match(line, p, line.size(), RE2::UNANCHORED, &m, 1)) {
          ++lines_fired[k];
          size_t at = static_cast<size_t>(m.data() - t.data());
          if (at < kEarly) f.x[cue_index_[k] + 1] = 1.0;
          p = at - ls + std::max<size_t>(m.size(), 1);
        }
      }
    }
    ls = le + 1;
  }
  for (size_t k = 0; k < cues_.size(); ++k) {
    if (!lines_fired[k]) continue;
    size_t fi = cue_index_[k];
    f.x[fi] = std::max(f.x[fi], std::min(lines_fired[k], kCap) / double(kCap));
    if (f.evidence[fi].empty()) {
      size_t le = t.find('\n', first_line[k]);
      if (le == std::string::npos) le = t.size();
      re2::StringPiece line(t.data() + first_line[k], le - first_line[k]), m;
      if (cues_[k]->Match(line, 0, line.size(), RE2::UNANCHORED, &m, 1)) {
        std::string e(m.data(), std::min<size_t>(m.size(), 60));
        // The pattern's leading non-letter guard is not evidence.
        if (!e.empty() && (e[0] == ' ' || e[0] == '(' || e[0] == ',' || e[0] == '.')) e.erase(0, 1);
        f.evidence[fi] = e;
      }
    }
    if (f.x[fi + 1] != 0 && f.evidence[fi + 1].empty()) f.evidence[fi + 1] = f.evidence[fi];
  }
  size_t s = names_.size() - kStructural.size();
  f.x[s + 0] = a.parliamentary_question ? 1 : 0;
  f.x[s + 1] = a.case_numbers.empty() ? 0 : 1;
  f.x[s + 2] = a.document_date ? 1 : 0;
  f.x[s + 3] = a.signatories.empty() ? 0 : 1;
  f.x[s + 4] = a.mayors.empty() ? 0 : 1;
  f.x[s + 5] = a.exemptions.empty() ? 0 : 1;
  f.x[s + 6] = t.size() < 1200 ? 1 : 0;
  size_t last = t.find_last_not_of(" \n");
  f.x[s + 7] = last != std::string::npos && t[last] == '?' ? 1 : 0;
  f.x[s + 8] = t.substr(0, std::min(t.size(), kEarly)).find('?') != std::string::npos ? 1 : 0;
  if (a.parliamentary_question) f.evidence[s] = "spørgsmål nr. " + a.parliamentary_question->number;
  return f;
}

std::vector<double> TypeClassifier::probabilities(const TypeModel& m, const Features& f) {
  std::vector<double> z = m.bias;
  for (size_t i = 0; i < f.x.size() && i < m.w.size(); ++i)
    if (f.x[i] != 0)
      for (size_t k = 0; k < z.size(); ++k) z[k] += m.w[i][k] * f.x[i];
  double mx = *std::max_element(z.begin(), z.end()), sum = 0;
  for (auto& v : z) sum += (v = std::exp(v - mx));
  for (auto& v : z) v /= sum;
  return z;
}

TypeDecision TypeClassifier::classify(const Features& f) const {
  auto p = probabilities(model_, f);
  size_t best = std::max_element(p.begin(), p.end()) - p.begin();
  TypeDecision d;
  d.label = kTypeLabels[best];
  d.confidence = std::round(p[best] * 1000) / 1000;
  // Evidence: the fired features that pushed hardest towards the chosen label.
  std::vector<std::pair<double, size_t>> contrib;
  for (size_t i = 0; i < f.x.size() && i < model_.w.size(); ++i)
    if (f.x[i] != 0 && !f.evidence[i].empty()) contrib.push_back({model_.w[i][best] * f.x[i], i});
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [c, i] : contrib) ranked.push_back({c, f.evidence[i]});
  std::sort(ranked.rbegin(), ranked.rend());
  for (const auto& [c, e] : ranked) {
    if (c <= 0 || d.evidence.size() >= 5) break;
    if (std::find(d.evidence.begin(), d.evidence.end(), e) == d.evidence.end()) d.evidence.push_back(e);
  }
  return d;
}

TypeModel TypeClassifier::train(const std::vector<std::string>& names, const std::vector<Features>& xs,
                                const std::vector<int>& ys, double l2, int iterations) {
  const size_t F = names.size(), K = kTypeLabels.size(), N = xs.size();
  TypeModel m;
  m.features = names;
  m.w.assign(F, std::vector<double>(K, 0.0));
  m.bias.assign(K, 0.0);
  const double lr = 0.5;
  for (int it = 0; it < iterations; ++it) {
    std::vector<std::vector<double>> gw(F, std::vector<double>(K, 0.0));
    std::vector<double> gb(K, 0.0);
    for (size_t n = 0; n < N; ++n) {
      auto p = probabilities(m, xs[n]);
      p[ys[n]] -= 1.0;
      for (size_t k = 0; k < K; ++k) gb[k] += p[k];
      for (size_t i = 0; i < F; ++i)
        if (xs[n].x[i] != 0)
          for (size_t k = 0; k < K; ++k) gw[i][k] += p[k] * xs[n].x[i];
    }
    for (size_t k = 0; k < K; ++k) m.bias[k] -= lr * gb[k] / N;
    for (size_t i = 0; i < F; ++i)
      for (size_t k = 0; k < K; ++k) m.w[i][k] -= lr * (gw[i][k] / N + l2 * m.w[i][k]);
  }
  return m;
}

std::string TypeClassifier::serialize(const TypeModel& m, const std::string& header) {
  std::ostringstream out;
  out << header;
  out << "feature";
  for (const auto& l : kTypeLabels) out << '\t' << l;
  out << '\n' << "(bias)";
  out << std::fixed << std::setprecision(4);
  for (double b : m.bias) out << '\t' << b;
  out << '\n';
  for (size_t i = 0; i < m.features.size(); ++i) {
    out << m.features[i];
    for (double v : m.w[i]) out << '\t' << v;
    out << '\n';
  }

  return out.str();
}

}  // namespace sagsindeks
