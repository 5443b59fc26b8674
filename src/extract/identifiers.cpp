// Identifier extraction: label, separator, value. A value without a label is never taken, so
// phone, CPR and postcode numbers cannot become identifiers.
#include "extract/identifiers.h"

#include <algorithm>

#include "core/lexicon.h"
#include "core/re.h"
#include "core/text.h"

namespace sagsindeks {

namespace {

// "J. nr" -> "J\.?\s*nr\.?" : dots optional, spaces optional, case-insensitive.
std::string label_pattern(const std::string& label) {
  std::string out;
  for (char c : label) {
    if (c == ' ') out += "\\s*";
    else if (c == '.') out += "\\.?\\s*";
    else if (c == '-') out += "[-\\s]?";
    else out += RE2::QuoteMeta(std::string(1, c));
  }
  return out;
}

Result<std::unique_ptr<RE2>> compile_labels(const std::string& path) {
  auto rows = load_lexicon(path, '\t', 1);
  if (!rows.ok()) return rows.error();
  std::vector<std::string> labels;
  for (const auto& r : *rows) labels.push_back(r.fields[0]);
  std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::string alt;
  for (const auto& l : labels) alt += (alt.empty() ? "" : "|") + label_pattern(l);
  // Label, then optional dot/colon/"nr."/"i F2"-style words, then the value. The value is letters
  // (a prefix such as SAG- or NST-), digits, and separators; spaced hyphens join digit groups
  // ("2020 - 11222"). The label must start a word.
  std::string pat = "(?i)(?:^|[^\\pL\\pN])(" + alt + ")\\.?(?:\\s*(?:nr|nummer)\\.?)?[ \\t]*[:.]?[ \\t]*\\n?\\s{0,3}"
                    "((?-i:[A-ZÆØÅ]{1,6}-?)?/?\\d[\\dA-Z]*(?:(?:[-/.]| - )[\\dA-Z]+)*)";
  auto re = make_re(pat);
  if (!re->ok()) return Error{"lexicon", path + ": pattern does not compile: " + re->error()};
  return re;
}

void scan(const RE2& re, const Document& doc, const char* rule, std::vector<IdMention>& out) {
  const std::string& t = doc.text;
  re2::StringPiece in(t);
  re2::StringPiece label, value;
  while (RE2::FindAndConsume(&in, re, &label, &value)) {
    std::string v = text::strip_spaces(std::string(value.data(), value.size()));
    while (!v.empty() && (v.back() == '.' || v.back() == '-' || v.back() == '/')) v.pop_back();
    size_t digits = std::count_if(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    // Short numbers after a bare "Sag"/"Dok" are agenda points, not identifiers.
    bool short_label = label.size() <= 3;
    if (digits == 0 || (short_label && digits < 4) || (digits < 3 && v[0] != '/')) continue;
    uint32_t b = static_cast<uint32_t>(value.data() - t.data());
    std::string printed(value.data(), value.size());
    while (!printed.empty() && (printed.back() == '.' || printed.back() == '-' || printed.back() == '/'))
      printed.pop_back();
    IdMention m{v, printed, text::squash_spaces(std::string(label.data(), label.size())),
                {b, b + static_cast<uint32_t>(printed.size())}, rule};
    if (std::none_of(out.begin(), out.end(), [&](const IdMention& o) { return o.value == m.value; }))
      out.push_back(std::move(m));
  }
}

}  // namespace

Result<std::shared_ptr<const IdentifierExtractor>> IdentifierExtractor::create(const std::string& lexdir) {
  auto x = std::make_shared<IdentifierExtractor>();
  auto c = compile_labels(lexdir + "/sagsnr_etiketter.txt");
  if (!c.ok()) return c.error();
  auto d = compile_labels(lexdir + "/doknr_etiketter.txt");
  if (!d.ok()) return d.error();
  x->case_re_ = std::move(c.value());
  x->doc_re_ = std::move(d.value());
  return std::shared_ptr<const IdentifierExtractor>(x);
}

void IdentifierExtractor::run(const Document& doc, Analysis& a) const {
  scan(*case_re_, doc, "label+value", a.case_numbers);
  scan(*doc_re_, doc, "label+value", a.document_numbers);
  // A value claimed by a document label is not also a case number ("Dok. nr.: 612677").
  std::erase_if(a.case_numbers, [&](const IdMention& c) {
    return std::any_of(a.document_numbers.begin(), a.document_numbers.end(),
                       [&](const IdMention& d) { return d.span == c.span; });
  });
}

}  // namespace sagsindeks
