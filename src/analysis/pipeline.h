// The analysis pipeline: bytes → Document (decoded, normalised) → Analysis (every dimension,
// then the type). Resources are loaded once and shared read-only across threads.
//
//   auto res = Resources::load({});            // lexicons, Hunspell, compiled patterns
//   if (!res.ok()) { /* res.error().message */ }
//   auto doc = prepare(raw_bytes, source, **res, {});
//   Analysis a = analyze(*doc, **res);
//   nlohmann::ordered_json j = to_json(*doc, a, /*with_text=*/false);
#pragma once
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "classify/classifier.h"
#include "core/result.h"
#include "core/spell.h"
#include "core/types.h"
#include "extract/dates.h"
#include "extract/exemptions.h"
#include "extract/gazetteer.h"
#include "extract/identifiers.h"
#include "extract/mayors.h"
#include "extract/municipalities.h"
#include "extract/names.h"
#include "extract/parliamentary.h"
#include "extract/signatories.h"
#include "extract/starts.h"
#include "ingest/reader.h"

namespace sagsindeks {

inline constexpr const char* kSchema = "sagsindeks.analysis/1";

struct ResourceOptions {
  std::string lexicon_dir;  // empty: $SAGSINDEKS_LEXICONS, else the build's lexicon folder
  std::string dictionary;   // empty: $SAGSINDEKS_DICTIONARY, else /usr/share/hunspell/da_DK
  bool need_model = true;   // false only for `train`, which makes the model
};

struct Resources {
  std::string lexicon_dir;
  std::shared_ptr<Speller> speller;
  std::shared_ptr<const Gazetteer> gazetteer;
  std::shared_ptr<const NameChecker> names;
  std::shared_ptr<const IdentifierExtractor> identifiers;
  std::shared_ptr<const DateExtractor> dates;
  std::shared_ptr<const MunicipalityExtractor> municipalities;
  std::shared_ptr<const MayorExtractor> mayors;
  std::shared_ptr<const SignatoryExtractor> signatories;
  std::shared_ptr<const ParliamentaryExtractor> parliamentary;
  std::shared_ptr<const ExemptionExtractor> exemptions;
  std::shared_ptr<const TypeClassifier> classifier;
  std::shared_ptr<const StartFinder> starts;  // the extractors' start patterns, for one shared pass

  // Cost: ~0.5 s (Hunspell dictionary and ~30 patterns). Errors name the file and line at fault.
  static Result<std::shared_ptr<const Resources>> load(const ResourceOptions& opt);
};

struct PrepareOptions {
  std::string encoding;  // forced encoding; empty detects
};

// Decodes and normalises. Errors: those of decode_text ("empty", "binary", "encoding").
Result<Document> prepare(const std::string& bytes, SourceInfo source, const Resources& r, const PrepareOptions& o);

// Runs every extractor, then the classifier. Never fails: an odd document gives empty fields.
Analysis analyze(const Document& doc, const Resources& r);
// Every extractor but not the classifier (for training, which needs features without a model).
Analysis extract_all(const Document& doc, const Resources& r);

// The analysis-v1 record. Spans are converted to code-point offsets into the normalised text.
nlohmann::ordered_json to_json(const Document& doc, const Analysis& a, bool with_text);
// The record printed: exactly to_json(doc, a, with_text).dump(2) when `pretty`, else
// .dump(-1, ' ', false, error_handler_t::replace) (one line; invalid UTF-8 replaced), with the
// JSON tree in a per-thread arena instead of ~150 heap allocations and frees a letter.
std::string render_json(const Document& doc, const Analysis& a, bool with_text, bool pretty);
// The record for an input that could not be read: source block and error only.
nlohmann::ordered_json error_json(const SourceInfo& source, const Error& e);

}  // namespace sagsindeks
