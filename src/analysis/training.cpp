// Classifier training and cross-validation over the labelled corpus.
#include "analysis/training.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>

#include "analysis/corpus.h"

namespace sagsindeks {

Result<std::vector<Labelled>> load_labelled(const std::vector<std::string>& golds, const Resources& r) {
  std::vector<Labelled> out;
  for (const auto& g : golds) {
    std::ifstream in(g);
    if (!in) return Error{"io", g + ": cannot open gold file"};
    size_t slash = g.find_last_of('/');
    std::string dir = (slash == std::string::npos ? std::string() : g.substr(0, slash + 1)) + "docs/";
    std::string line;
    AnalyzeOptions o;
    o.classify = false;
    while (std::getline(in, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.contains("type") || !j["type"].is_string() || !j.contains("doc")) continue;
      auto it = std::find(kTypeLabels.begin(), kTypeLabels.end(), j["type"].get<std::string>());
      if (it == kTypeLabels.end()) continue;
      FileResult fr = analyze_file(dir + j["doc"].get<std::string>(), r, o);
      if (fr.error) return Error{fr.error->code, fr.source.path + ": " + fr.error->message};
      Labelled l;
      l.doc = j["doc"].get<std::string>();
      l.f = r.classifier->features(fr.doc, fr.analysis);
      l.y = static_cast<int>(it - kTypeLabels.begin());
      for (const auto& t : j.value("type_also", nlohmann::json::array())) {
        if (!t.is_string()) continue;
        auto at = std::find(kTypeLabels.begin(), kTypeLabels.end(), t.get<std::string>());
        if (at != kTypeLabels.end()) l.also.push_back(static_cast<int>(at - kTypeLabels.begin()));
      }
      out.push_back(std::move(l));
    }
  }
  return out;
}

namespace {
// The gold label, with TrainOptions::also_weight shared among the labels the gold also accepts:
// a document an archivist could file either way should not teach that one of them is wrong.
std::vector<double> target(const Labelled& d, const TrainOptions& o) {
  std::vector<double> t(kTypeLabels.size(), 0.0);
  const double also = d.also.empty() ? 0.0 : o.also_weight;
  t[static_cast<size_t>(d.y)] = 1.0 - also;
  for (int a : d.also) t[static_cast<size_t>(a)] += also / d.also.size();
  return t;
}

// The features that pushed hardest from the gold label towards the predicted one, with their
// share of the logit difference: what to look at when a document is missed.
std::string why(const TypeModel& m, const Labelled& d, int predicted) {
  std::vector<std::pair<double, size_t>> push;
  for (size_t i = 0; i < d.f.x.size() && i < m.w.size(); ++i)
    if (d.f.x[i] != 0) push.push_back({(m.w[i][predicted] - m.w[i][d.y]) * d.f.x[i], i});
  std::sort(push.rbegin(), push.rend());
  std::string out;
  char buf[32];
  for (size_t k = 0; k < push.size() && k < 4 && push[k].first > 0; ++k) {
    std::snprintf(buf, sizeof buf, " %+.2f", push[k].first);
    out += (out.empty() ? "" : ", ") + m.features[push[k].second] + buf;
  }
  return out.empty() ? "no feature points away from the gold label (bias)" : out;
}
}  // namespace

CrossValidation cross_validate(const std::vector<Labelled>& data, const std::vector<std::string>& names, int folds,
                               const TrainOptions& o, unsigned shuffle_seed) {
  CrossValidation cv;
  cv.folds = folds;
  cv.total = static_cast<int>(data.size());
  std::vector<size_t> order(data.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 rng(shuffle_seed);
  std::shuffle(order.begin(), order.end(), rng);
  for (int k = 0; k < folds; ++k) {
    std::vector<Features> xs;
    std::vector<std::vector<double>> ys;
    for (size_t i = 0; i < order.size(); ++i)
      if (static_cast<int>(i % folds) != k) xs.push_back(data[order[i]].f), ys.push_back(target(data[order[i]], o));
    TypeModel m = TypeClassifier::train(names, xs, ys, o);
    for (size_t i = 0; i < order.size(); ++i) {
      if (static_cast<int>(i % folds) != k) continue;
      const auto& d = data[order[i]];
      auto p = TypeClassifier::probabilities(m, d.f);
      int best = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
      if (best == d.y || std::find(d.also.begin(), d.also.end(), best) != d.also.end()) ++cv.correct;
      else cv.misses.push_back(d.doc + ": gold " + kTypeLabels[d.y] + " predicted " + kTypeLabels[best] + "; " +
                               why(m, d, best));
    }
  }
  std::sort(cv.misses.begin(), cv.misses.end());
  return cv;
}

std::vector<CrossValidation> repeated_cross_validation(const std::vector<Labelled>& data,
                                                       const std::vector<std::string>& names, int folds,
                                                       const TrainOptions& o, int repeats) {
  std::vector<CrossValidation> out;
  for (int r = 0; r < repeats; ++r) out.push_back(cross_validate(data, names, folds, o, kFirstShuffle + r));
  return out;
}

TypeModel train_all(const std::vector<Labelled>& data, const std::vector<std::string>& names, const TrainOptions& o) {
  std::vector<Features> xs;
  std::vector<std::vector<double>> ys;
  for (const auto& d : data) xs.push_back(d.f), ys.push_back(target(d, o));
  return TypeClassifier::train(names, xs, ys, o);
}

}  // namespace sagsindeks
