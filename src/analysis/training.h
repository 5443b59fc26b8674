// Learning the type classifier from labelled documents, and measuring it honestly: k-fold
// cross-validation, where no document is scored by a model that saw it.
#pragma once
#include <string>
#include <vector>

#include "analysis/pipeline.h"

namespace sagsindeks {

struct Labelled {
  std::string doc;
  Features f;
  int y = 0;
  std::vector<int> also;  // type_also: other labels the gold accepts (scored as correct)
};

// Reads each gold file and analyses its documents (docs/ beside the gold file), without the
// classifier. Errors: "io" for a missing gold file, the document's error for an unreadable one.
Result<std::vector<Labelled>> load_labelled(const std::vector<std::string>& gold_files, const Resources& r);

constexpr unsigned kFirstShuffle = 20261130;

struct CrossValidation {
  int folds = 0;
  int correct = 0;
  int total = 0;
  std::vector<std::string> misses;  // "doc: gold X predicted Y"
  double accuracy() const { return total ? double(correct) / total : 0; }
};

// Deterministic folds: the documents shuffled by `shuffle_seed`, so the figure is reproducible.
// One shuffle's figure moves by a few documents with the seed (94 documents, 10 folds): report the
// mean over several (repeated_cross_validation).
CrossValidation cross_validate(const std::vector<Labelled>& data, const std::vector<std::string>& names, int folds,
                               const TrainOptions& o, unsigned shuffle_seed = kFirstShuffle);

// `repeats` cross-validations with shuffle seeds kFirstShuffle, kFirstShuffle+1, …
std::vector<CrossValidation> repeated_cross_validation(const std::vector<Labelled>& data,
                                                       const std::vector<std::string>& names, int folds,
                                                       const TrainOptions& o, int repeats);

TypeModel train_all(const std::vector<Labelled>& data, const std::vector<std::string>& names, const TrainOptions& o);

}  // namespace sagsindeks
