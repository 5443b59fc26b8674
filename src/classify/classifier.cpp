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
// The feature-name prefix of the cues written for each label, in kTypeLabels order (TrainOptions::prior).
const std::vector<std::string> kCuePrefixes = {"request_", "reply_", "invite_", "pq_", "other_"};

namespace {
// The first upper-case letter of a cue outside escapes (\\pL, \\S, ...), or -1: such a cue
// could never match the lower-cased text.
int32_t upper_letter(std::string_view pat) {
  for (size_t i = 0; i < pat.size();) {
    if (pat[i] == '\\') {
      if (i + 1 >= pat.size()) break;
      char e = pat[i + 1];
      i += 2;
      if ((e == 'p' || e == 'P') && i < pat.size()) {  // \pL or \p{Lu}: a class name
        size_t close = pat[i] == '{' ? pat.find('}', i) : i;
        i = close == std::string_view::npos ? pat.size() : close + 1;
      }
      continue;
    }
    int32_t c = text::next_cp(pat, i);
    if (c < 0) return -1;
    if (text::is_upper(c)) return c;
  }
  return -1;
}

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
  // Cues are lower case and run on the lower-cased text: case-sensitive patterns let RE2 skip
  // ahead with memchr on a literal prefix (2-7× faster than case folding in its DFA).
  RE2::Options opt = re_options();
  opt.set_never_capture(true);
  std::map<std::string, size_t> idx;
  for (const auto& r : *rows) {
    if (upper_letter(r.fields[1]) >= 0)
      return Error{"lexicon", lexdir + "/type_cues.tsv:" + std::to_string(r.line) +
                                  ": write the phrase in lower case (it is matched against the lower-cased text)"};
    int id = 0;
    RE2::ErrorCode code = c->cues_.Add("(?:" + r.fields[1] + ")", opt, &id);
    if (code != RE2::NoError)
      return Error{"lexicon", lexdir + "/type_cues.tsv:" + std::to_string(r.line) + ": " +
                                  RE2("(?:" + r.fields[1] + ")", opt).error()};
    if (!idx.count(r.fields[0])) {
      idx[r.fields[0]] = c->names_.size();
      c->names_.push_back(r.fields[0]);
      c->names_.push_back(r.fields[0] + "@early");
    }
    c->cue_index_.push_back(idx[r.fields[0]]);
  }
  if (!c->cue_index_.empty()) {
    std::vector<std::string> atoms;
    c->cues_.Compile(&atoms);
    if (!atoms.empty()) {
      RE2::Options ao = re_options();
      ao.set_never_capture(true);
      c->atoms_ = std::make_unique<RE2::Set>(ao, RE2::UNANCHORED);
      for (const auto& a : atoms)
        if (c->atoms_->Add(RE2::QuoteMeta(a), nullptr) < 0)
          return Error{"lexicon", lexdir + "/type_cues.tsv: the literal '" + a + "' of a cue does not compile"};
      if (!c->atoms_->Compile()) return Error{"lexicon", lexdir + "/type_cues.tsv: the cues' literals do not compile as a set"};
    }
  }

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
  if (cue_index_.empty()) return f;  // (structural features below still apply)
  // Which cues can match: one DFA pass of the literal set over the lower-cased text. Then each
  // candidate runs over the text, counted up to kCap. Cost: one pass plus a prefix-accelerated
  // scan per candidate (a handful per letter), instead of every cue on every line.
  const std::string low = text::lower_aligned(t);  // offsets into `low` are offsets into `t`
  std::vector<int> atom_hits, candidates;
  if (atoms_) atoms_->Match(low, &atom_hits);
  cues_.AllPotentials(atom_hits, &candidates);
  for (int k : candidates) {
    const RE2& re = cues_.GetRE2(k);
    const size_t fi = cue_index_[static_cast<size_t>(k)];
    int count = 0;
    size_t p = 0;
    re2::StringPiece m;
    // A cue starts a word, and (as it always has) lies within one line: a match across a line
    // break is searched again within the line it starts on.
    while (count < kCap && match_at_word_start(re, low, p, low.size(), m)) {
      size_t at = static_cast<size_t>(m.data() - low.data());
      if (m.find('\n') != re2::StringPiece::npos) {
        size_t le = t.find('\n', at);
        if (!match_at_word_start(re, low, at, le, m)) {
          p = le + 1;
          continue;
        }
        at = static_cast<size_t>(m.data() - low.data());
      }
      ++count;
      if (at < kEarly) f.x[fi + 1] = 1.0;
      if (f.evidence[fi].empty()) f.evidence[fi] = text::truncate_utf8(std::string_view(t).substr(at, m.size()), 60);
      p = at + std::max<size_t>(m.size(), 1);
    }
    if (!count) continue;
    f.x[fi] = std::max(f.x[fi], count / double(kCap));
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
                                const std::vector<std::vector<double>>& targets, const TrainOptions& o) {
  const size_t F = names.size(), K = kTypeLabels.size(), N = xs.size();
  TypeModel m;
  m.features = names;
  m.w.assign(F, std::vector<double>(K, 0.0));
  m.bias.assign(K, 0.0);
  const double lr = 0.5;
  // The prior (TrainOptions::prior): the weights start from and are pulled towards it.
  std::vector<std::vector<double>> w0(F, std::vector<double>(K, 0.0));
  for (size_t i = 0; i < F; ++i)
    for (size_t k = 0; k < K; ++k)
      if (names[i].rfind(kCuePrefixes[k], 0) == 0) w0[i][k] = o.prior;
  m.w = w0;
  const double l2 = o.l2;
  if (N == 0) return m;  // nothing to learn from: the prior alone
  for (int it = 0; it < o.iterations; ++it) {
    std::vector<std::vector<double>> gw(F, std::vector<double>(K, 0.0));
    std::vector<double> gb(K, 0.0);
    for (size_t n = 0; n < N; ++n) {
      auto p = probabilities(m, xs[n]);
      for (size_t k = 0; k < K; ++k) p[k] -= targets[n][k];
      for (size_t k = 0; k < K; ++k) gb[k] += p[k];
      for (size_t i = 0; i < F; ++i)
        if (xs[n].x[i] != 0)
          for (size_t k = 0; k < K; ++k) gw[i][k] += p[k] * xs[n].x[i];
    }
    for (size_t k = 0; k < K; ++k) m.bias[k] -= lr * gb[k] / N;
    for (size_t i = 0; i < F; ++i)
      for (size_t k = 0; k < K; ++k) m.w[i][k] -= lr * (gw[i][k] / N + l2 * (m.w[i][k] - w0[i][k]));
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
