// Scoring analysis records against gold annotations, with the definitions of the shared
// score.py: per-field micro precision/recall/F1 over documents, type and document-date accuracy,
// optional values neither rewarded nor penalised.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "extract/gazetteer.h"

namespace sagsindeks {

struct FieldScore {
  long tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp ? double(tp) / (tp + fp) : 1.0; }
  double recall() const { return tp + fn ? double(tp) / (tp + fn) : 1.0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r ? 2 * p * r / (p + r) : 0.0;
  }
};

struct Evaluation {
  int docs = 0, missing = 0, errors = 0;
  int type_n = 0, type_ok = 0, date_n = 0, date_ok = 0;
  std::map<std::string, FieldScore> fields;  // dates, case_numbers, ..., mayor_pairs, pq_number
  std::vector<std::string> differences;      // "doc: field missed [...] extra [...]"
  double type_accuracy() const { return type_n ? double(type_ok) / type_n : 0; }
  double date_accuracy() const { return date_n ? double(date_ok) / date_n : 0; }
};

// `gold` lines as in corpus/*/gold.jsonl; `pred` records keyed by file name (basename of
// source.path). Cost: linear in the records.
Evaluation evaluate(const std::vector<nlohmann::json>& gold, const std::map<std::string, nlohmann::json>& pred,
                    const Gazetteer& g);
// An aligned table for people.
std::string format_evaluation(const Evaluation& e);
nlohmann::ordered_json evaluation_json(const Evaluation& e);

}  // namespace sagsindeks
