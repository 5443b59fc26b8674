// Fuzz target: the whole analyze pipeline on raw bytes (decode, normalise, every extractor, the
// classifier, the JSON record). Spans must lie inside the text; the record must serialise.
#include "analysis/pipeline.h"
#include "fuzz_common.h"
#include "../common/test_util.h"

namespace {
void check_span(const sagsindeks::Document& d, sagsindeks::Span s) {
  FUZZ_CHECK(s.begin <= s.end && s.end <= d.text.size());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sagsindeks;
  const Resources& r = test::resources();  // $SAGSINDEKS_LEXICONS or the source tree's
  std::string bytes(reinterpret_cast<const char*>(data), size);
  SourceInfo src;
  src.path = "fuzz";
  auto doc = prepare(bytes, src, r, {});
  if (!doc.ok()) {
    FUZZ_CHECK(!doc.error().code.empty());
    (void)error_json(src, doc.error()).dump();
    return 0;
  }
  FUZZ_CHECK(fuzz::valid_utf8(doc->text));
  Analysis a = analyze(*doc, r);
  for (const auto& x : a.dates) check_span(*doc, x.span);
  for (const auto& x : a.case_numbers) check_span(*doc, x.span);
  for (const auto& x : a.document_numbers) check_span(*doc, x.span);
  for (const auto& x : a.mayors) check_span(*doc, x.span);
  for (const auto& x : a.exemptions) check_span(*doc, x.span);
  for (const auto& x : a.signatories) check_span(*doc, x.span);
  for (const auto& m : a.municipalities)
    for (const auto& s : m.mentions) check_span(*doc, s);
  // strict dump: throws (and so fails) on invalid UTF-8 anywhere in the record
  std::string j = to_json(*doc, a, /*with_text=*/true).dump();
  FUZZ_CHECK(!j.empty());
  return 0;
}
