// Document type: request, reply, invitation, parliamentary_answer or other, with confidence and
// the evidence that decided it. A multinomial logistic regression over cue-phrase features; the
// weights are learned from the labelled corpus by `sagsindeks train` and kept in a readable file.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include "core/result.h"
#include "core/types.h"

namespace sagsindeks {

extern const std::vector<std::string> kTypeLabels;  // fixed order: the model's columns
extern const std::vector<std::string> kCuePrefixes;  // per label: the prefix of its cue features

struct Features {
  std::vector<double> x;                 // one value per feature name, in model order
  std::vector<std::string> evidence;     // per feature: the first text that fired it ("" if none)
};

// How `train` learns. `prior`: a cue feature named request_… (reply_, invite_, pq_, other_) starts
// from, and is pulled towards, this weight for its own type instead of zero, so a cue seen in few
// documents keeps the meaning it was written with. The defaults are the ones the corpus's repeated
// cross-validation chose (README, Accuracy).
struct TrainOptions {
  double l2 = 0.003;
  int iterations = 800;
  double prior = 1.0;
  double also_weight = 0.35;  // share of the target given to the gold's type_also labels
};

struct TypeModel {
  std::vector<std::string> features;                   // names
  std::vector<std::vector<double>> w;                  // [feature][label]
  std::vector<double> bias;                            // [label]
};

class TypeClassifier {
 public:
  // Reads type_cues.tsv and, when `need_model`, type_model.tsv. Cost: the cues in a FilteredRE2
  // and one RE2::Set of their literal atoms.
  static Result<std::shared_ptr<const TypeClassifier>> create(const std::string& lexdir, bool need_model = true);
  Features features(const Document& doc, const Analysis& a) const;
  TypeDecision classify(const Features& f) const;
  const std::vector<std::string>& feature_names() const { return names_; }

  // Trains on (features, target distribution over kTypeLabels) pairs: a one-hot gold label, or
  // some weight on the labels the gold also accepts. Deterministic: full-batch gradient descent.
  static TypeModel train(const std::vector<std::string>& names, const std::vector<Features>& xs,
                         const std::vector<std::vector<double>>& targets, const TrainOptions& o = {});
  static std::string serialize(const TypeModel& m, const std::string& header);
  void set_model(TypeModel m) { model_ = std::move(m); }
  static std::vector<double> probabilities(const TypeModel& m, const Features& f);

 private:
  std::vector<std::string> names_;            // feature names, cue features then structural ones
  std::vector<size_t> cue_index_;             // per cue pattern: index into names_
  // Each cue without its word-start guard (checked in code, so RE2 can accelerate on the cue's
  // literal prefix); the prefilter picks the cues whose required literals all occur.
  re2::FilteredRE2 cues_{3};
  std::unique_ptr<RE2::Set> atoms_;  // the prefilter's literals, matched on the lower-cased text
  TypeModel model_;
};

}  // namespace sagsindeks
