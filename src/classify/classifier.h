// Document type: request, reply, invitation, parliamentary_answer or other, with confidence and
// the evidence that decided it. A multinomial logistic regression over cue-phrase features; the
// weights are learned from the labelled corpus by `sagsindeks train` and kept in a readable file.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "core/result.h"
#include "core/types.h"

namespace sagsindeks {

extern const std::vector<std::string> kTypeLabels;  // fixed order: the model's columns
extern const std::vector<std::string> kCuePrefixes;  // per label: the prefix of its cue features

struct Features {
  std::vector<double> x;                 // one value per feature name, in model order
  std::vector<int> cue;                  // per cue feature: the first of its cues that fired (-1 if none)
  // (feature, text) for the structural features that fired on text of their own (at most one).
  std::vector<std::pair<size_t, std::string>> quoted;
  std::string low;                       // the text lower-cased (text::lower_aligned), for the evidence
  // Where the cues can be, for the evidence search (TypeClassifier::evidence). `opening_break`:
  // the opening's last line break, when the text is longer than the opening (npos otherwise).
  // When `split`, features() ran the set over low[0, opening_break) on its own, and `head` holds
  // the cues it found there, sorted.
  size_t opening_break = std::string::npos;
  bool split = false;
  std::vector<int> head;
  size_t first_other = 0;  // the first character outside ASCII that is no letter (lower_aligned)
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
  // Reads type_cues.tsv and, when `need_model`, type_model.tsv. Cost: one RE2 per cue (for the
  // evidence) and one RE2::Set of them all.
  static Result<std::shared_ptr<const TypeClassifier>> create(const std::string& lexdir, bool need_model = true);
  // Cost: the set over the text and again over its first 600 bytes (two DFA passes at most).
  Features features(const Document& doc, const Analysis& a) const;
  // The same into `f`, which is overwritten whole; its vectors and strings keep their capacity,
  // so a caller that reuses one Features per thread makes no allocation for them per letter.
  void features(const Document& doc, const Analysis& a, Features& f) const;
  // `text` is the document's text that `f` was made from: the evidence is quoted from it, found
  // only for the features that decided (a scan of one cue each, at most five).
  TypeDecision classify(const Features& f, std::string_view text) const;
  // Feature i's evidence: the text as written that fired it (its cue's first match, for a cue
  // feature), at most 60 bytes; "" if it did not fire. `text` as for classify.
  std::string evidence(const Features& f, size_t i, std::string_view text) const;
  // What the evidence searches of one document have learnt of where its cues match: classify
  // quotes up to five features, often a cue's whole-text feature and its @early one, and a
  // search that knows where a cue cannot start scans less of the text.
  struct Known;
  const std::vector<std::string>& feature_names() const { return names_; }

  // Trains on (features, target distribution over kTypeLabels) pairs: a one-hot gold label, or
  // some weight on the labels the gold also accepts. Deterministic: full-batch gradient descent.
  static TypeModel train(const std::vector<std::string>& names, const std::vector<Features>& xs,
                         const std::vector<std::vector<double>>& targets, const TrainOptions& o = {});
  static std::string serialize(const TypeModel& m, const std::string& header);
  void set_model(TypeModel m) { model_ = std::move(m); }
  static std::vector<double> probabilities(const TypeModel& m, const Features& f);

 private:
  // The first match of cue `k` in low[from, limit) that starts a word (within one line: never_nl).
  bool first_match(size_t k, std::string_view low, size_t from, size_t limit, size_t& at, size_t& len) const;
  std::string evidence(const Features& f, size_t i, std::string_view text, Known& known) const;

  std::vector<std::string> names_;            // feature names, cue features then structural ones
  std::vector<size_t> cue_index_;             // per cue pattern: index into names_
  // Each cue as written (its word start checked in code, so RE2 can skip ahead on its literal
  // prefix): used only to quote the evidence.
  std::vector<std::unique_ptr<RE2>> cues_;
  // Per cue: its text when the pattern is a plain literal (most cues: "statsforvaltningen",
  // "stillet efter ønske fra"), else empty. first_match finds a literal with string_view::find
  // (memchr and a compare) instead of RE2's forward and reverse DFA passes (~2 us a call, a
  // twentieth of the run); the same match, as a literal's leftmost match is its first occurrence
  // and the text is valid UTF-8 (a multi-byte literal cannot be found inside another character).
  std::vector<std::string> literal_;
  // All cues behind a word-start guard, on the lower-cased text: which of them occur, in one pass
  // (two entries per cue, one per form of the guard: create).
  std::unique_ptr<RE2::Set> set_;
  // True when no cue holds ^, $, \A or \z other than as (?m:^): then whether a cue matches is
  // the same in a text cut at a line break as in the whole, and features() shares the lines
  // before the opening's last line break between its whole-text and opening passes.
  bool line_local_ = false;
  TypeModel model_;
};

}  // namespace sagsindeks
