// Identifier extraction: label, separator, value. A value without a label is never taken, so
// phone, CPR and postcode numbers cannot become identifiers.
#include "extract/identifiers.h"

#include <algorithm>
#include <array>
#include <cctype>

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

// The label alternation of the lexicon at `path`, longest label first.
Result<std::string> label_alternation(const std::string& path) {
  auto rows = load_lexicon(path, '\t', 1);
  if (!rows.ok()) return rows.error();
  std::vector<std::string> labels;
  for (const auto& r : *rows) labels.push_back(r.fields[0]);
  std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::string alt;
  for (const auto& l : labels) alt += (alt.empty() ? "" : "|") + label_pattern(l);
  return alt;
}

Result<std::unique_ptr<RE2>> compile_labels(const std::string& path) {
  auto labels = label_alternation(path);
  if (!labels.ok()) return labels.error();
  const std::string& alt = *labels;
  // Label, then optional dot/colon/"nr."/"i F2"-style words, then the value. The value is letters
  // (a prefix such as SAG- or NST-), digits, and separators; spaced hyphens join digit groups
  // ("2020 - 11222"). The label must start a word.
  std::string pat = "(?i)(?:^|[^\\pL\\pN])(" + alt + ")\\.?(?:\\s*(?:nr|nummer)\\.?)?[ \\t]*[:.]?[ \\t]*\\n?\\s{0,3}"
                    "((?-i:[A-ZÆØÅ]{1,6}-?)?/?\\d[\\dA-Z]*(?:(?:[-/.]| - )[\\dA-Z]+)*)";
  auto re = make_re(pat);
  if (!re->ok()) return Error{"lexicon", path + ": pattern does not compile: " + re->error()};
  return re;
}

// The bytes a label of the lexicon at `path` can open with: its first letter in either case,
// and every byte of a multi-byte character (RE2's case folding maps "s" to "ſ" and "k" to the
// Kelvin sign).
Result<std::array<bool, 256>> label_openers(const std::string& path) {
  auto rows = load_lexicon(path, '\t', 1);
  if (!rows.ok()) return rows.error();
  std::array<bool, 256> opens{};
  for (int b = 0x80; b < 0x100; ++b) opens[b] = true;
  for (const auto& r : *rows) {
    if (r.fields[0].empty()) continue;
    unsigned char c = static_cast<unsigned char>(r.fields[0][0]);
    if (c < 0x80 && !std::isalnum(c)) opens.fill(true);  // " ", "." and "-" become optional parts
    opens[c] = true;
    if (c < 0x80 && std::isalpha(c)) opens[std::tolower(c)] = opens[std::toupper(c)] = true;
  }
  return opens;
}

Result<std::unique_ptr<RE2>> compile_label_line(const std::string& path) {
  auto rows = load_lexicon(path, '\t', 1);
  if (!rows.ok()) return rows.error();
  std::string alt;
  for (const auto& r : *rows) alt += (alt.empty() ? "" : "|") + label_pattern(r.fields[0]);
  return make_re("(?i)[ \\t]*(" + alt + ")\\.?(?:\\s*(?:nr|nummer)\\.?)?[ \\t]*:?[ \\t]*");
}

// A label alone on its line whose value stands further down, as in a letterhead laid out in two
// columns ("Sagsnr.:\nDok.:\n13. oktober 2023\n...\n2023-0030-9466\n2978645"): the k-th such label
// takes the k-th later line that is a whole identifier (at least four digits, not a date).
// Only lines where a label starts (`starts`, from the shared pass) at or before the line's first
// character that is no blank are tried: `label_line` opens with blanks and a label, so no other
// line can match it. The lines are taken in text order, as a pass over all lines would.
void scan_columns(const RE2& label_line, const std::array<bool, 256>& opens, const RE2& value_line, const Document& doc,
                  const std::vector<uint32_t>& starts, const char* rule, std::vector<IdMention>& out,
                  std::vector<Span>& claimed) {
  const std::string& t = doc.text;
  size_t done = 0;  // lines before this offset were tried
  for (uint32_t at : starts) {
    if (at < done) continue;
    size_t pos = text::line_start(t, at);
    size_t nl = t.find('\n', at);
    if (nl == std::string::npos) nl = t.size();
    done = nl + 1;
    size_t blank_end = pos;
    while (blank_end < nl && (t[blank_end] == ' ' || t[blank_end] == '\t')) ++blank_end;
    if (at > blank_end) continue;
    // A label line is short: longer lines are not tried (most of a letter). Nor is a line whose
    // first byte after blanks cannot open a label: a byte test in place of an RE2 call per line.
    re2::StringPiece line(t.data() + pos, nl - pos), label;
    size_t first = pos;
    while (first < nl && (t[first] == ' ' || t[first] == '\t')) ++first;
    if (line.size() <= 40 && first < nl && opens[static_cast<unsigned char>(t[first])] &&
        full_match_dfa_first(line, label_line, &label)) {
      // Look ahead up to 14 lines for the first unclaimed value line.
      size_t q = nl + 1;
      for (int k = 0; k < 14 && q < t.size(); ++k) {
        size_t e = t.find('\n', q);
        if (e == std::string::npos) e = t.size();
        const std::string_view cand = std::string_view(t).substr(q, e - q);
        Span sp{static_cast<uint32_t>(q), static_cast<uint32_t>(e)};
        bool taken = std::find(claimed.begin(), claimed.end(), sp) != claimed.end();
        if (!taken && RE2::FullMatch(re2::StringPiece(cand.data(), cand.size()), value_line)) {
          claimed.push_back(sp);
          std::string v = text::strip_spaces(cand);
          if (std::none_of(out.begin(), out.end(), [&](const IdMention& o) { return o.value == v; }))
            out.push_back({v, std::string(cand), text::squash_spaces(std::string(label.data(), label.size())), sp, rule});
          break;
        }
        q = e + 1;
      }
    }
  }
}

// The label+value matches of `re` that a search consuming each match finds, from the offsets
// where a label starts (`starts`, from the shared pass). The pattern opens with "^ or a character
// that is no letter or digit" before the label; a consuming search sees the text from the end of
// the last match on, so ^ holds there. The match for a label at p therefore starts at p when p is
// that end, else at the character before p; tried anchored there in order, the first that
// matches is the search's leftmost match. The DFA finds its bounds; groups are taken within it.
void scan(const RE2& re, const Latin1Groups& groups, const Document& doc, const std::vector<uint32_t>& starts,
          const char* rule, std::vector<IdMention>& out) {
  const std::string& t = doc.text;
  size_t consumed = 0, tried = std::string::npos;
  re2::StringPiece g[3], whole;
  for (uint32_t p : starts) {
    if (p < consumed) continue;
    size_t s = p;
    if (p > consumed) text::prev_cp(t, s);
    if (s == tried) continue;  // the anchored match at s tried both openings already
    tried = s;
    const re2::StringPiece rest(t.data() + consumed, t.size() - consumed);
    if (!re.Match(rest, s - consumed, rest.size(), RE2::ANCHOR_START, &whole, 1)) continue;
    size_t e = s + whole.size();
    if (!groups.groups(std::string_view(rest.data(), rest.size()), s - consumed, e - consumed, g, 3)) continue;  // cannot fail
    consumed = e;
    const re2::StringPiece label = g[1], value = g[2];
    std::string v = text::strip_spaces(std::string(value.data(), value.size()));
    while (!v.empty() && (v.back() == '.' || v.back() == '-' || v.back() == '/')) v.pop_back();
    size_t digits = std::count_if(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    // Short numbers after a bare "Sag"/"Dok" are agenda points, not identifiers.
    bool short_label = label.size() <= 3;
    if (digits == 0 || (short_label && digits < 4) || (digits < 3 && v[0] != '/')) continue;
    uint32_t b = static_cast<uint32_t>(value.data() - t.data());
    std::string printed(value.data(), value.size());
    // "2021-1234/JEN": a case officer's initials after the last slash are not part of the value.
    auto cut_initials = [](std::string& x) {
      size_t slash = x.rfind('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 >= x.size()) return;
      bool letters = std::all_of(x.begin() + static_cast<long>(slash) + 1, x.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      if (letters) x.erase(slash);
    };
    cut_initials(v);
    cut_initials(printed);
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
  x->case_groups_ = std::make_unique<Latin1Groups>(*x->case_re_);
  x->doc_groups_ = std::make_unique<Latin1Groups>(*x->doc_re_);
  auto cl = compile_label_line(lexdir + "/sagsnr_etiketter.txt");
  if (!cl.ok()) return cl.error();
  auto dl = compile_label_line(lexdir + "/doknr_etiketter.txt");
  if (!dl.ok()) return dl.error();
  auto co = label_openers(lexdir + "/sagsnr_etiketter.txt");
  if (!co.ok()) return co.error();
  auto dop = label_openers(lexdir + "/doknr_etiketter.txt");
  if (!dop.ok()) return dop.error();
  x->case_opens_ = *co;
  x->doc_opens_ = *dop;
  x->case_line_ = std::move(cl.value());
  x->doc_line_ = std::move(dl.value());
  // A whole line that is an identifier: optional letter prefix, at least four digits in groups,
  // and not shaped like a date.
  auto cs = label_alternation(lexdir + "/sagsnr_etiketter.txt");
  if (!cs.ok()) return cs.error();
  auto ds = label_alternation(lexdir + "/doknr_etiketter.txt");
  if (!ds.ok()) return ds.error();
  x->case_start_ = "(?i)(?:" + *cs + ")";
  x->doc_start_ = "(?i)(?:" + *ds + ")";
  x->value_line_ = make_re("[ \\t]*(?:[A-ZÆØÅ]{1,6}-?)?\\d[\\d]{3,}(?:[-/.]\\d+)*[ \\t]*|[ \\t]*\\d{1,4}[-/]\\d{3,}(?:[-/]\\d+)*[ \\t]*");
  auto own = StartFinder::create(x->start_patterns());
  if (!own.ok()) return own.error();
  x->own_starts_ = *own;
  return std::shared_ptr<const IdentifierExtractor>(x);
}

std::vector<std::pair<StartKind, std::string>> IdentifierExtractor::start_patterns() const {
  return {{StartKind::kCaseLabel, case_start_}, {StartKind::kDocLabel, doc_start_}};
}

void IdentifierExtractor::run(const Document& doc, Analysis& a) const {
  Starts s;
  own_starts_->find(doc.text, s);
  run(doc, a, s);
}

void IdentifierExtractor::run(const Document& doc, Analysis& a, const Starts& starts) const {
  scan(*case_re_, *case_groups_, doc, starts[StartKind::kCaseLabel], "label+value", a.case_numbers);
  scan(*doc_re_, *doc_groups_, doc, starts[StartKind::kDocLabel], "label+value", a.document_numbers);
  // Column layout only when the inline rule found nothing for that kind.
  std::vector<Span> claimed;
  for (const auto& m : a.case_numbers) claimed.push_back(m.span);
  if (a.case_numbers.empty())
    scan_columns(*case_line_, case_opens_, *value_line_, doc, starts[StartKind::kCaseLabel], "label column+value line",
                 a.case_numbers, claimed);
  if (a.document_numbers.empty())
    scan_columns(*doc_line_, doc_opens_, *value_line_, doc, starts[StartKind::kDocLabel], "label column+value line",
                 a.document_numbers, claimed);
  // A value claimed by a document label is not also a case number ("Dok. nr.: 612677").
  std::erase_if(a.case_numbers, [&](const IdMention& c) {
    return std::any_of(a.document_numbers.begin(), a.document_numbers.end(),
                       [&](const IdMention& d) { return d.span == c.span; });
  });
}

}  // namespace sagsindeks
