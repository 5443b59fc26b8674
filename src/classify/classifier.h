// Document type: request, reply, invitation, parliamentary_answer or other, with confidence and
// the evidence that decided it. A multinomial logistic regression over cue-phrase features; the
// weights are learned from the labelled corpus by `sagsindeks train` and kept in a readable file.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "core/result.h"
#include "core/types.h"

namespace sagsindeks {

extern const std::vector<std::string> kTypeLabels;  // fixed order: the model's columns

struct Features {
  std::vector<double> x;                 // one value per feature name, in model order
  std::vector<std::string> evidence;     // per feature: the first text that fired it ("" if none)
};

struct TypeModel {
  std::vector<std::string> features;                   // names
  std::vector<std::vector<double>> w;                  // [feature][label]
  std::vector<double> bias;                            // [label]
};

class TypeClassifier {
 public:
  // Reads type_cues.tsv and, when `need_model`, type_model.tsv. Cost: one RE2::Set of all cues.
  static Result<std::shared_ptr<const TypeClassifier>> create(const std::string& lexdir, bool need_model = true);
  Features features(const Document& doc, const Analysis& a) const;
  TypeDecision classify(const Features& f) const;
  const std::vector<std::string>& feature_names() const { return names_; }

  // Trains on (features, label index) pairs. Deterministic: full-batch gradient descent.
  static TypeModel train(const std::vector<std::string>& names, const std::vector<Features>& xs,
                         const std::vector<int>& ys, double l2 = 0.003, int iterations = 800);
  static std::string serialize(const TypeModel& m, const std::string& header);
  void set_model(TypeModel m) { model_ = std::move(m); }
  static std::vector<double> probabilities(const TypeModel& m, const Features& f);

 private:
  std::vector<std::string> names_;            // feature names, cue features then structural ones
  std::vector<size_t> cue_index_;             // per cue pattern: index into names_
  std::unique_ptr<RE2::Set> set_;
  std::vector<std::unique_ptr<RE2>> cues_;
  TypeModel model_;
};

}  // namespace sagsindeks
