// Pipeline assembly and the analysis-v1 JSON record.
#include "analysis/pipeline.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "core/text.h"
#include "ingest/encoding.h"
#include "normalize/normalize.h"

#ifndef SAGSINDEKS_LEXICON_DIR
#define SAGSINDEKS_LEXICON_DIR "lexicons"
#endif
#ifndef SAGSINDEKS_DICTIONARY
#define SAGSINDEKS_DICTIONARY "/usr/share/hunspell/da_DK"
#endif

namespace sagsindeks {

Result<std::shared_ptr<const Resources>> Resources::load(const ResourceOptions& opt) {
  auto r = std::make_shared<Resources>();
  const char* env_lex = std::getenv("SAGSINDEKS_LEXICONS");
  const char* env_dic = std::getenv("SAGSINDEKS_DICTIONARY");
  r->lexicon_dir = !opt.lexicon_dir.empty() ? opt.lexicon_dir : env_lex ? env_lex : SAGSINDEKS_LEXICON_DIR;
  std::string dic = !opt.dictionary.empty() ? opt.dictionary : env_dic ? env_dic : SAGSINDEKS_DICTIONARY;
  const std::string& L = r->lexicon_dir;
  // Each resource in dependency order; the first that fails names its file and stops the load.
  std::optional<Error> failed;
  auto set = [&](auto& slot, auto&& result) {
    if (failed) return;
    if (result.ok()) slot = *result;
    else failed = result.error();
  };
  set(r->speller, Speller::open(dic));
  set(r->gazetteer, Gazetteer::load(L));
  set(r->names, NameChecker::load(L));
  set(r->identifiers, IdentifierExtractor::create(L));
  set(r->dates, DateExtractor::create(L));
  if (!failed) set(r->municipalities, MunicipalityExtractor::create(L, r->gazetteer));
  if (!failed) set(r->mayors, MayorExtractor::create(L, r->gazetteer, r->names));
  if (!failed) set(r->signatories, SignatoryExtractor::create(L, r->names));
  set(r->parliamentary, ParliamentaryExtractor::create(L));
  set(r->exemptions, ExemptionExtractor::create(L));
  set(r->classifier, TypeClassifier::create(L, opt.need_model));
  if (failed) return *failed;
  return std::shared_ptr<const Resources>(r);
}

Result<Document> prepare(const std::string& bytes, SourceInfo source, const Resources& r, const PrepareOptions& o) {
  auto dec = decode_text(bytes, o.encoding);
  if (!dec.ok()) return dec.error();
  Document doc;
  source.encoding = dec->encoding;
  doc.source = std::move(source);
  doc.text = normalize_text(dec->utf8, r.speller.get());
  if (doc.text.empty()) return Error{"empty", "no text: the file holds only white space"};
  return doc;
}

namespace {
std::string first_line_title(const std::string& t) {
  size_t pos = 0;
  while (pos < t.size()) {
    size_t nl = t.find('\n', pos);
    if (nl == std::string::npos) nl = t.size();
    std::string line = text::squash_spaces(t.substr(pos, nl - pos));
    if (line.size() >= 4) {
      if (line.size() > 200) {
        size_t cut = 200;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        line = line.substr(0, cut);
      }
      return line;
    }
    pos = nl + 1;
  }
  return "";
}
}  // namespace

Analysis extract_all(const Document& doc, const Resources& r) {
  Analysis a;
  a.title = first_line_title(doc.text);
  r.identifiers->run(doc, a);
  r.dates->run(doc, a);
  r.municipalities->run(doc, a);
  r.mayors->run(doc, a);
  r.signatories->run(doc, a);
  r.parliamentary->run(doc, a);
  r.exemptions->run(doc, a);
  std::sort(a.municipalities.begin(), a.municipalities.end(),
            [](const auto& x, const auto& y) { return x.municipality.name < y.municipality.name; });
  a.warnings = doc.warnings;
  return a;
}

namespace {
// The doubts worth a person's look. Below 0.6 the classifier spreads its belief over two or
// more labels: the card's type needs a person.
constexpr double kReviewConfidence = 0.6;
// Below this mean word confidence, tesseract's text holds enough misreadings to distort dates
// and identifiers.
constexpr double kReviewOcrConfidence = 0.75;

Review review_of(const Document& doc, const Analysis& a) {
  Review r;
  if (doc.source.ocr && doc.source.ocr_confidence < kReviewOcrConfidence) r.reasons.push_back("low OCR confidence");
  if (a.type.confidence < kReviewConfidence) r.reasons.push_back("low type confidence");
  if (!a.document_date && a.type.label != "other") r.reasons.push_back("no document date");
  for (const auto& m : a.mayors)
    if (!m.municipality) {
      r.reasons.push_back("mayor without municipality");
      break;
    }
  if (!a.warnings.empty()) r.reasons.push_back("warnings");
  r.needed = !r.reasons.empty();
  return r;
}
}  // namespace

Analysis analyze(const Document& doc, const Resources& r) {
  Analysis a = extract_all(doc, r);
  // An e-mail is dated by its Date header unless the body prints a date of its own.
  if (!a.document_date && doc.email && doc.email->date.size() >= 10 && doc.email->date[4] == '-' &&
      doc.email->date[7] == '-') {
    a.document_date = doc.email->date.substr(0, 10);
    a.document_date_rule = "e-mail Date header";
  }
  a.type = r.classifier->classify(r.classifier->features(doc, a));
  a.review = review_of(doc, a);
  return a;
}

namespace {
nlohmann::ordered_json source_json(const SourceInfo& s) {
  nlohmann::ordered_json j = {{"path", s.path}, {"sha256", s.sha256}, {"bytes", s.bytes}, {"format", s.format}, {"encoding", s.encoding}};
  if (s.ocr) j.update({{"ocr", true}, {"ocr_confidence", s.ocr_confidence}});
  if (s.part) {
    const PartInfo& p = *s.part;
    j["part"] = {{"id", p.id},
                 {"parent", p.parent.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.parent)},
                 {"position", p.position},
                 {"name", p.name},
                 {"content_type", p.content_type},
                 {"file_sha256", p.file_sha256}};
  }
  return j;
}
}  // namespace

nlohmann::ordered_json error_json(const SourceInfo& s, const Error& e) {
  nlohmann::ordered_json j;
  j["schema"] = kSchema;
  j["source"] = source_json(s);
  j["error"] = {{"code", e.code}, {"message", e.message}};
  return j;
}

nlohmann::ordered_json to_json(const Document& doc, const Analysis& a, bool with_text) {
  using nlohmann::ordered_json;
  text::CodePointIndex cp(doc.text);
  auto span = [&](Span s) { return ordered_json::array({cp(s.begin), cp(s.end)}); };
  auto muni = [](const Municipality& m) { return ordered_json{{"code", m.code}, {"name", m.name}}; };
  ordered_json j;
  j["schema"] = kSchema;
  j["source"] = source_json(doc.source);
  j["type"] = {{"label", a.type.label}, {"confidence", a.type.confidence}, {"evidence", a.type.evidence}};
  j["review"] = {{"needed", a.review.needed}, {"reasons", a.review.reasons}};
  j["title"] = a.title;
  j["document_date"] = a.document_date ? ordered_json(*a.document_date) : ordered_json(nullptr);
  if (a.document_date) j["document_date_rule"] = a.document_date_rule;
  j["dates"] = ordered_json::array();
  for (const auto& d : a.dates)
    j["dates"].push_back({{"value", d.value}, {"text", d.text}, {"span", span(d.span)}, {"role", d.role}, {"rule", d.rule}});
  for (const auto* list : {&a.case_numbers, &a.document_numbers}) {
    auto& arr = j[list == &a.case_numbers ? "case_numbers" : "document_numbers"] = ordered_json::array();
    for (const auto& m : *list)
      arr.push_back({{"value", m.value}, {"text", m.text}, {"label", m.label}, {"span", span(m.span)}, {"rule", m.rule}});
  }
  j["mayors"] = ordered_json::array();
  for (const auto& m : a.mayors)
    j["mayors"].push_back({{"name", m.name},
                           {"municipality", m.municipality ? muni(*m.municipality) : ordered_json(nullptr)},
                           {"span", span(m.span)},
                           {"rule", m.rule}});
  j["municipalities"] = ordered_json::array();
  for (const auto& m : a.municipalities) {
    ordered_json mentions = ordered_json::array();
    for (const auto& sp : m.mentions) mentions.push_back(span(sp));
    j["municipalities"].push_back({{"code", m.municipality.code}, {"name", m.municipality.name}, {"mentions", mentions}, {"rule", m.rule}});
  }
  j["exemptions"] = ordered_json::array();
  for (const auto& e : a.exemptions)
    j["exemptions"].push_back({{"area", e.area}, {"text", e.text}, {"requested_by", e.requested_by}, {"span", span(e.span)}, {"rule", e.rule}});
  if (a.parliamentary_question) {
    const auto& q = *a.parliamentary_question;
    j["parliamentary_question"] = {{"number", q.number}, {"series", q.series},
                                   {"committee", q.committee ? ordered_json(*q.committee) : ordered_json(nullptr)},
                                   {"rule", q.rule}};
  } else {
    j["parliamentary_question"] = nullptr;
  }
  j["signatories"] = ordered_json::array();
  for (const auto& sg : a.signatories)
    j["signatories"].push_back({{"name", sg.name}, {"role", sg.role}, {"span", span(sg.span)}, {"rule", sg.rule}});
  if (doc.email)
    j["email"] = {{"from", doc.email->from}, {"to", doc.email->to}, {"date", doc.email->date}, {"subject", doc.email->subject}};
  j["warnings"] = a.warnings;
  if (with_text) j["text"] = doc.text;
  return j;
}

}  // namespace sagsindeks
