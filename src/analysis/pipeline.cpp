// Pipeline assembly and the analysis-v1 JSON record.
#include "analysis/pipeline.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <memory>
#include <vector>
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
  // The Hunspell dictionary (~40 % of the load) is read on a second thread while the lexicons
  // load and the patterns compile: it depends on nothing else, and the load is the serial start
  // of every command (~0.1 s less wall on two cores; the same CPU).
  auto speller = std::async(std::launch::async, [&dic] { return Speller::open(dic); });
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
  {
    // Its failure comes first, as when it was loaded first.
    std::optional<Error> later = std::move(failed);
    failed.reset();
    set(r->speller, speller.get());
    if (!failed) failed = std::move(later);
  }
  if (failed) return *failed;
  // One start pass for all extractors (extract/starts.h).
  std::vector<std::pair<StartKind, std::string>> starts;
  for (auto&& p : {r->identifiers->start_patterns(), r->municipalities->start_patterns(), r->mayors->start_patterns(),
                   r->signatories->start_patterns(), r->parliamentary->start_patterns(), r->exemptions->start_patterns()})
    starts.insert(starts.end(), p.begin(), p.end());
  set(r->starts, StartFinder::create(starts));
  if (failed) return *failed;
  return std::shared_ptr<const Resources>(r);
}

Result<Document> prepare(const std::string& bytes, SourceInfo source, const Resources& r, const PrepareOptions& o) {
  auto dec = decode_text(bytes, o.encoding, /*copy=*/false);
  if (!dec.ok()) return dec.error();
  Document doc;
  source.encoding = dec->encoding;
  doc.source = std::move(source);
  doc.text = normalize_text(dec->is_input ? std::string_view(bytes) : std::string_view(dec->utf8), r.speller.get());
  if (doc.text.empty()) return Error{"empty", "no text: the file holds only white space"};
  return doc;
}

namespace {
std::string first_line_title(const std::string& t) {
  size_t pos = 0;
  while (pos < t.size()) {
    size_t nl = t.find('\n', pos);
    if (nl == std::string::npos) nl = t.size();
    std::string line = text::squash_spaces(std::string_view(t).substr(pos, nl - pos));  // no copy of the line first
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
  // The starts of every extractor's patterns, in one pass; a thread's vectors are reused from
  // document to document.
  thread_local Starts starts;
  r.starts->find(doc.text, starts);
  r.identifiers->run(doc, a, starts);
  r.dates->run(doc, a);
  r.municipalities->run(doc, a, starts);
  r.mayors->run(doc, a, starts);
  r.signatories->run(doc, a, starts);
  r.parliamentary->run(doc, a, starts);
  r.exemptions->run(doc, a, starts);
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
  // One Features per thread, reused from letter to letter: its vectors (a value and a cue per
  // feature) and the lower-cased copy of the text keep their capacity, three allocations a letter
  // fewer. A copy grown past 4 MiB by a large letter is given back.
  thread_local Features f;
  r.classifier->features(doc, a, f);
  a.type = r.classifier->classify(f, doc.text);
  if (f.low.capacity() > (size_t{1} << 22)) std::string().swap(f.low);
  a.review = review_of(doc, a);
  return a;
}

namespace {
// A JSON object built member by member with moves: nlohmann's initializer lists build every pair
// as a two-element array first and then copy it, which cost more than the rest of the record.
// Members go straight to the end of the ordered map's vector: its emplace first compares the key
// with every member before it (quadratic in the members, a fifth of the record's cost), and the
// keys here are distinct by construction.
// The vector is sized for `members` up front: growing it copies every member's key (a const
// string in the pair cannot be moved).
template <class J>
struct Obj {
  J j = J::object();
  explicit Obj(size_t members = 8) { container().reserve(members); }
  typename J::object_t::Container& container() {
    return static_cast<typename J::object_t::Container&>(j.template get_ref<typename J::object_t&>());
  }
  // Keys are string literals: their length is known here, so the key string is made without a
  // strlen call (an out-of-line one per member, ~100 members a record).
  template <size_t N, class V>
  Obj& operator()(const char (&key)[N], V&& v) {
    container().emplace_back(std::piecewise_construct, std::forward_as_tuple(key, N - 1),
                             std::forward_as_tuple(std::forward<V>(v)));
    return *this;
  }
};

template <class J>
J source_json(const SourceInfo& s) {
  Obj<J> j;
  j("path", s.path)("sha256", s.sha256)("bytes", s.bytes)("format", s.format)("encoding", s.encoding);
  if (s.ocr) j("ocr", true)("ocr_confidence", s.ocr_confidence);
  if (s.part) {
    const PartInfo& p = *s.part;
    j("part", std::move(Obj<J>()("id", p.id)("parent", p.parent.empty() ? J(nullptr) : J(p.parent))(
                           "position", p.position)("name", p.name)("content_type", p.content_type)(
                           "file_sha256", p.file_sha256).j));
  }
  return std::move(j.j);
}

// The record as a JSON value of type J (ordered_json, or the arena-allocated RecordJson below).
template <class J>
J record_json(const Document& doc, const Analysis& a, bool with_text) {
  text::CodePointIndex cp(doc.text);
  auto span = [&](Span s) {
    J r = J::array();
    r.template get_ref<typename J::array_t&>().reserve(2);
    r.push_back(cp(s.begin));
    r.push_back(cp(s.end));
    return r;
  };
  auto muni = [](const Municipality& m) { return std::move(Obj<J>(2)("code", m.code)("name", m.name).j); };
  auto list = [](size_t n) {
    J r = J::array();
    r.template get_ref<typename J::array_t&>().reserve(n);
    return r;
  };
  Obj<J> rec(20);
  rec("schema", kSchema);
  rec("source", source_json<J>(doc.source));
  rec("type", std::move(Obj<J>(3)("label", a.type.label)("confidence", a.type.confidence)("evidence", a.type.evidence).j));
  rec("review", std::move(Obj<J>(2)("needed", a.review.needed)("reasons", a.review.reasons).j));
  rec("title", a.title);
  rec("document_date", a.document_date ? J(*a.document_date) : J(nullptr));
  if (a.document_date) rec("document_date_rule", a.document_date_rule);
  J dates = list(a.dates.size());
  for (const auto& d : a.dates)
    dates.push_back(
        std::move(Obj<J>(5)("value", d.value)("text", d.text)("span", span(d.span))("role", d.role)("rule", d.rule).j));
  rec("dates", std::move(dates));
  for (const auto* ids : {&a.case_numbers, &a.document_numbers}) {
    J arr = list(ids->size());
    for (const auto& m : *ids)
      arr.push_back(
          std::move(Obj<J>(5)("value", m.value)("text", m.text)("label", m.label)("span", span(m.span))("rule", m.rule).j));
    if (ids == &a.case_numbers) rec("case_numbers", std::move(arr));
    else rec("document_numbers", std::move(arr));
  }
  J mayors = list(a.mayors.size());
  for (const auto& m : a.mayors)
    mayors.push_back(std::move(Obj<J>(4)("name", m.name)("municipality", m.municipality ? muni(*m.municipality) : J(nullptr))(
                                   "span", span(m.span))("rule", m.rule).j));
  rec("mayors", std::move(mayors));
  J munis = list(a.municipalities.size());
  for (const auto& m : a.municipalities) {
    J mentions = list(m.mentions.size());
    for (const auto& sp : m.mentions) mentions.push_back(span(sp));
    munis.push_back(std::move(
        Obj<J>(4)("code", m.municipality.code)("name", m.municipality.name)("mentions", std::move(mentions))("rule", m.rule).j));
  }
  rec("municipalities", std::move(munis));
  J exemptions = list(a.exemptions.size());
  for (const auto& e : a.exemptions)
    exemptions.push_back(std::move(
        Obj<J>(5)("area", e.area)("text", e.text)("requested_by", e.requested_by)("span", span(e.span))("rule", e.rule).j));
  rec("exemptions", std::move(exemptions));
  if (a.parliamentary_question) {
    const auto& q = *a.parliamentary_question;
    rec("parliamentary_question", std::move(Obj<J>(4)("number", q.number)("series", q.series)(
                                                "committee", q.committee ? J(*q.committee) : J(nullptr))("rule", q.rule).j));
  } else {
    rec("parliamentary_question", nullptr);
  }
  J signatories = list(a.signatories.size());
  for (const auto& sg : a.signatories)
    signatories.push_back(std::move(Obj<J>(4)("name", sg.name)("role", sg.role)("span", span(sg.span))("rule", sg.rule).j));
  rec("signatories", std::move(signatories));
  if (doc.email)
    rec("email", std::move(Obj<J>(4)("from", doc.email->from)("to", doc.email->to)("date", doc.email->date)(
                               "subject", doc.email->subject).j));
  rec("warnings", a.warnings);
  if (with_text) rec("text", doc.text);
  return std::move(rec.j);
}

// A bump allocator per thread for the JSON tree of one record being rendered: the tree's ~150
// nodes, maps, vectors and string holders cost a malloc and a free each with std::allocator (a
// fifth of rendering, and a lock per call once threads run). deallocate does nothing; the arena
// is rewound when a record is done (render_json), keeping one block. Contract: a RecordJson never
// outlives the render_json call that made it. Bounded by the largest record (--max-mentions).
class Arena {
 public:
  static Arena& local() {
    thread_local Arena a;
    return a;
  }
  void* allocate(size_t bytes, size_t align) {
    size_t at = (used_ + align - 1) & ~(align - 1);
    if (blocks_.empty() || at + bytes > blocks_.back().size) {
      const size_t size = std::max(kBlock, bytes + align);
      blocks_.push_back({std::make_unique<std::byte[]>(size), size});
      at = ((reinterpret_cast<uintptr_t>(blocks_.back().data.get()) + align - 1) & ~(uintptr_t{align} - 1)) -
           reinterpret_cast<uintptr_t>(blocks_.back().data.get());
    }
    used_ = at + bytes;
    return blocks_.back().data.get() + at;
  }
  void rewind() {
    if (blocks_.size() > 1) blocks_.erase(blocks_.begin() + 1, blocks_.end());
    if (!blocks_.empty() && blocks_.front().size > kBlock) blocks_.clear();
    used_ = 0;
  }

 private:
  static constexpr size_t kBlock = 64 * 1024;
  struct Block {
    std::unique_ptr<std::byte[]> data;
    size_t size;
  };
  std::vector<Block> blocks_;
  size_t used_ = 0;  // in blocks_.back()
};

template <class T>
struct ArenaAllocator {
  using value_type = T;
  ArenaAllocator() = default;
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(Arena::local().allocate(n * sizeof(T), alignof(T))); }
  void deallocate(T*, size_t) {}
  template <class U>
  bool operator==(const ArenaAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const ArenaAllocator<U>&) const { return false; }
};

// ordered_json with its nodes and its strings (keys and values) in the arena: the same
// serializer prints it, so the text is the same. As nothing of it lives outside the arena, a
// record's tree is never destroyed (render_json): nlohmann's destructor walks the tree through a
// std::vector stack of its own (a malloc per object or array) to free nodes the arena frees anyway.
using ArenaString = std::basic_string<char, std::char_traits<char>, ArenaAllocator<char>>;
using RecordJson = nlohmann::basic_json<nlohmann::ordered_map, std::vector, ArenaString, bool, std::int64_t, std::uint64_t,
                                        double, ArenaAllocator>;
}  // namespace

nlohmann::ordered_json error_json(const SourceInfo& s, const Error& e) {
  nlohmann::ordered_json j;
  j["schema"] = kSchema;
  j["source"] = source_json<nlohmann::ordered_json>(s);
  j["error"] = {{"code", e.code}, {"message", e.message}};
  return j;
}

nlohmann::ordered_json to_json(const Document& doc, const Analysis& a, bool with_text) {
  return record_json<nlohmann::ordered_json>(doc, a, with_text);
}

std::string render_json(const Document& doc, const Analysis& a, bool with_text, bool pretty) {
  std::string out;
  {
    // The tree is made in place and never destroyed: all of its memory is the arena's, rewound
    // below (RecordJson). Its temporaries, moved from, are null and destroyed as usual.
    alignas(RecordJson) unsigned char storage[sizeof(RecordJson)];
    const RecordJson& j = *::new (storage) RecordJson(record_json<RecordJson>(doc, a, with_text));
    // What RecordJson::dump does, into a string sized once for a typical record.
    out.reserve(2048 + (with_text ? doc.text.size() + doc.text.size() / 8 : 0));
    nlohmann::detail::serializer<RecordJson> s(nlohmann::detail::output_adapter<char, std::string>(out), ' ',
                                               pretty ? nlohmann::json::error_handler_t::strict
                                                      : nlohmann::json::error_handler_t::replace);
    s.dump(j, pretty, false, pretty ? 2u : 0u);
  }
  Arena::local().rewind();
  return out;
}

}  // namespace sagsindeks
