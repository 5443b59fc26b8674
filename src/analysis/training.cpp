// Classifier training and cross-validation over the labelled corpus.
#include "analysis/training.h"

#include <algorithm>
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

CrossValidation cross_validate(const std::vector<Labelled>& data, const std::vector<std::string>& names, int folds,
                               double l2, int iterations) {
  CrossValidation cv;
  cv.folds = folds;
  cv.total = static_cast<int>(data.size());
  std::vector<size_t> order(data.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 rng(20261130);
  std::shuffle(order.begin(), order.end(), rng);
  for (int k = 0; k < folds; ++k) {
    std::vector<Features> xs;
    std::vector<int> ys;
    for (size_t i = 0; i < order.size(); ++i)
      if (static_cast<int>(i % folds) != k) xs.push_back(data[order[i]].f), ys.push_back(data[order[i]].y);
    TypeModel m = TypeClassifier::train(names, xs, ys, l2, iterations);
    for (size_t i = 0; i < order.size(); ++i) {
      if (static_cast<int>(i % folds) != k) continue;
      const auto& d = data[order[i]];
      auto p = TypeClassifier::probabilities(m, d.f);
      int best = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
      if (best == d.y || std::find(d.also.begin(), d.also.end(), best) != d.also.end()) ++cv.correct;
      else cv.misses.push_back(d.doc + ": gold " + kTypeLabels[d.y] + " predicted " + kTypeLabels[best]);
    }
  }
  std::sort(cv.misses.begin(), cv.misses.end());
  return cv;
}

TypeModel train_all(const std::vector<Labelled>& data, const std::vector<std::string>& names, double l2, int iterations) {
  std::vector<Features> xs;
  std::vector<int> ys;
  for (const auto& d : data) xs.push_back(d.f), ys.push_back(d.y);
  return TypeClassifier::train(names, xs, ys, l2, iterations);
}

}  // namespace sagsindeks
