// Type classifier: cue features (RE2::Set prefilter, then the firing patterns for evidence),
// structural features from the extractions, softmax over five labels.
#include "classify/classifier.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cctype>
#include <iomanip>
#include <sstream>

#include "core/lexicon.h"
#include "core/text.h"
#include "core/re.h"

namespace sagsindeks {

const std::vector<std::string> kTypeLabels = {"request", "reply", "invitation", "parliamentary_answer", "other"};
// The feature-name prefix of the cues written for each label, in kTypeLabels order (TrainOptions::prior).
const std::vector<std::string> kCuePrefixes = {"request_", "reply_", "invite_", "pq_", "other_"};

namespace {
// The first upper-case letter of a cue outside escapes (\\pL, \\S, ...), or -1: such a cue
// could never match the lower-cased text.
int32_t upper_letter(std::string_view pat) {
  for (size_t i = 0; i < pat.size();) {
    if (pat[i] == '\\') {
      if (i + 1 >= pat.size()) break;
      char e = pat[i + 1];
      i += 2;
      if ((e == 'p' || e == 'P') && i < pat.size()) {  // \pL or \p{Lu}: a class name
        size_t close = pat[i] == '{' ? pat.find('}', i) : i;
        i = close == std::string_view::npos ? pat.size() : close + 1;
      }
      continue;
    }
    int32_t c = text::next_cp(pat, i);
    if (c < 0) return -1;
    if (text::is_upper(c)) return c;
  }
  return -1;
}

// The text a cue matches when its pattern is a plain literal: no metacharacter but a backslash
// before ASCII punctuation ("alm\. del" is "alm. del"); otherwise, or for an empty or
// multi-line cue, "". Conservative: any other escape (\s, \d, \pL, \b, ...) makes it a pattern.
std::string literal_text(std::string_view pat) {
  std::string lit;
  for (size_t i = 0; i < pat.size(); ++i) {
    const char c = pat[i];
    if (c == '\\') {
      if (i + 1 >= pat.size()) return {};
      const auto e = static_cast<unsigned char>(pat[++i]);
      if (e >= 0x80 || !std::ispunct(e)) return {};
      lit += static_cast<char>(e);
    } else if (std::strchr(".^$|?*+()[]{}", c) != nullptr || c == '\n' || c == '\r') {
      return {};
    } else {
      lit += c;
    }
  }
  return lit;
}

// Structural features computed from the analysis, not from phrases.
const std::vector<std::string> kStructural = {"has_pq",        "has_case_number", "has_document_date",
                                              "has_signatory", "has_mayor",       "has_exemption",
                                              "short_text",    "has_question_mark_end", "bias_early_question"};
// Bytes: the letterhead and opening, where a letter says what it is. Chosen by cross-validation
// (300 and 1000 both lost 5-10 points).
constexpr size_t kEarly = 600;
}  // namespace

Result<std::shared_ptr<const TypeClassifier>> TypeClassifier::create(const std::string& lexdir, bool need_model) {
  auto rows = load_lexicon(lexdir + "/type_cues.tsv", '\t', 2);
  if (!rows.ok()) return rows.error();
  auto c = std::make_shared<TypeClassifier>();
  // Cues are lower case and run on the lower-cased text: case-sensitive patterns let RE2 skip
  // ahead with memchr on a literal prefix (2-7x faster than case folding in its DFA). never_nl
  // keeps every match within one line (\s and [^…] do not take a line break).
  RE2::Options opt = re_options();
  opt.set_never_capture(true);
  opt.set_never_nl(true);
  c->set_ = std::make_unique<RE2::Set>(opt, RE2::UNANCHORED);
  c->line_local_ = true;
  std::map<std::string, size_t> idx;
  for (const auto& r : *rows) {
    const std::string where = lexdir + "/type_cues.tsv:" + std::to_string(r.line) + ": ";
    if (upper_letter(r.fields[1]) >= 0)
      return Error{"lexicon", where + "write the phrase in lower case (it is matched against the lower-cased text)"};
    auto re = std::make_unique<RE2>("(?:" + r.fields[1] + ")", opt);
    if (!re->ok()) return Error{"lexicon", where + re->error()};
    // In the set a cue starts a line or follows an ASCII character that is not a letter (space,
    // digit, punctuation: the normaliser has made quotes, dashes and odd spaces ASCII). The exact
    // guard, [^\\pL], compiled into every one of ~150 patterns, made start-up 0.7 G instructions
    // dearer (a quarter of a second) for a difference only after other non-ASCII symbols ("•tak").
    // The guard's two forms are two entries of the set, cue k's at 2k and 2k + 1: RE2 factors a
    // leading line start or character class shared by all entries out of the set's alternation,
    // but not a leading alternation such as (?m:^|[…]). Written once per cue, the guard put ~150
    // alternatives into every DFA state after a non-letter, and building the DFA's states for new
    // texts cost 0.6 G instructions over the first 300 letters (0.5 G more than factored; the
    // set's compilation costs 50 M more).
    std::string err;
    if (c->set_->Add("(?m:^)(?:" + r.fields[1] + ")", &err) < 0 ||
        c->set_->Add("[^a-zA-Z\\x{80}-\\x{10FFFF}](?:" + r.fields[1] + ")", &err) < 0)
      return Error{"lexicon", where + err};
    // Conservative: any ^ or $ (in a class too) but the line-start form, \A, \z, or \C (a byte,
    // which never_nl does not keep from a line break) makes the cut unsafe.
    std::string rest = r.fields[1];
    for (size_t at; (at = rest.find("(?m:^)")) != std::string::npos;) rest.erase(at, 6);
    if (rest.find_first_of("^$") != std::string::npos || rest.find("\\A") != std::string::npos ||
        rest.find("\\z") != std::string::npos || rest.find("\\C") != std::string::npos)
      c->line_local_ = false;
    c->cues_.push_back(std::move(re));
    c->literal_.push_back(literal_text(r.fields[1]));
    if (!idx.count(r.fields[0])) {
      idx[r.fields[0]] = c->names_.size();
      c->names_.push_back(r.fields[0]);
      c->names_.push_back(r.fields[0] + "@early");
    }
    c->cue_index_.push_back(idx[r.fields[0]]);
  }
  if (!c->set_->Compile()) return Error{"lexicon", lexdir + "/type_cues.tsv: the cues do not compile as a set (too large?)"};

  for (const auto& s : kStructural) c->names_.push_back(s);
  if (!need_model) return std::shared_ptr<const TypeClassifier>(c);

  auto m = load_lexicon(lexdir + "/type_model.tsv", '\t', 1 + kTypeLabels.size());
  if (!m.ok()) return Error{"lexicon", m.error().message + "; run `sagsindeks train` to make it"};
  TypeModel model;
  model.features = c->names_;
  model.w.assign(c->names_.size(), std::vector<double>(kTypeLabels.size(), 0.0));
  model.bias.assign(kTypeLabels.size(), 0.0);
  std::map<std::string, size_t> fidx;
  for (size_t i = 0; i < c->names_.size(); ++i) fidx[c->names_[i]] = i;
  for (const auto& r : *m) {
    if (r.fields[0] == "feature") continue;  // header
    std::vector<double> v;
    for (size_t k = 1; k <= kTypeLabels.size(); ++k) {
      double d = 0;
      if (!parse_double(r.fields[k], d))
        return Error{"lexicon", lexdir + "/type_model.tsv:" + std::to_string(r.line) + ": weight '" + r.fields[k] +
                                    "' is not a number; run `sagsindeks train` to remake the model"};
      v.push_back(d);
    }
    if (r.fields[0] == "(bias)") model.bias = v;

    else if (auto it = fidx.find(r.fields[0]); it != fidx.end()) model.w[it->second] = v;
    // A feature the cue file no longer has is ignored: retrain to drop it.
  }
  c->model_ = std::move(model);
  return std::shared_ptr<const TypeClassifier>(c);
}

Features TypeClassifier::features(const Document& doc, const Analysis& a) const {
  Features f;
  features(doc, a, f);
  return f;
}

void TypeClassifier::features(const Document& doc, const Analysis& a, Features& f) const {
  f.x.assign(names_.size(), 0.0);
  f.cue.assign(names_.size(), -1);
  f.quoted.clear();
  f.opening_break = std::string::npos;
  f.split = false;
  f.head.clear();
  const std::string& t = doc.text;
  text::lower_aligned_into(t, f.low, &f.first_other);  // offsets into `low` are offsets into `t`
  // Which cues occur anywhere, and which in the opening (its first kEarly bytes, where a letter
  // says what it is).
  const size_t early = std::min(t.size(), kEarly);
  // Which cues match in low[b, e), appended to `out`; false if the set's DFA ran out of memory.
  // (No match at all is no error.)
  auto set_hits = [&](size_t b, size_t e, std::vector<int>& out) {
    thread_local std::vector<int> piece;
    piece.clear();
    RE2::Set::ErrorInfo error{};
    if (!set_->Match(re2::StringPiece(f.low.data() + b, e - b), &piece, &error) && error.kind != RE2::Set::kNoError)
      return false;
    for (int k : piece) out.push_back(k / 2);  // entries 2k and 2k + 1 are cue k's (create)
    return true;
  };
  // Cue indices, in any order, repeats allowed. Kept per thread from letter to letter (features
  // is never re-entered): their growth was a few allocations a letter.
  thread_local std::vector<int> whole, opening;
  whole.clear();
  opening.clear();
  bool split = false;
  if (early < t.size()) f.opening_break = f.low.rfind('\n', early - 1);
  // The opening's last line break P splits both texts: a cue match never holds a line break
  // (never_nl), and on either side of one the guard's (?m:^), \b and (?m:$) see what they see at
  // a cut there (line_local_). So the cues of low[0, N) are those of [0, P) and [P+1, N), and
  // those of the opening [0, early) those of [0, P) and [P+1, early): the lines before P are
  // scanned once, not twice. Cost: N + early - P bytes of DFA instead of N + early.
  if (line_local_ && early < t.size()) {
    const size_t p = f.opening_break;
    if (p != std::string::npos && p > 0) {
      std::vector<int>& head = f.head;
      split = set_hits(0, p, head) && set_hits(p + 1, early, opening) && set_hits(p + 1, t.size(), whole);
      if (split) {
        whole.insert(whole.end(), head.begin(), head.end());
        opening.insert(opening.end(), head.begin(), head.end());
        std::sort(head.begin(), head.end());
      } else {
        head.clear();
        whole.clear();
        opening.clear();
      }
    }
  }
  f.split = split;
  if (!split) {
    // Which cues occur anywhere, then which occur in the opening. Out of DFA memory: the cues
    // one by one (correct, slower).
    for (int pass = 0; pass < 2; ++pass) {
      const size_t limit = pass == 0 ? t.size() : early;
      std::vector<int>& hits = pass == 0 ? whole : opening;
      if (pass == 1 && early == t.size()) {  // the opening is the whole text: the same hits
        hits = whole;
      } else if (!set_hits(0, limit, hits)) {
        hits.clear();
        size_t at = 0, len = 0;
        for (size_t k = 0; k < cues_.size(); ++k)
          if (first_match(k, f.low, 0, limit, at, len)) hits.push_back(static_cast<int>(k));
      }
    }
  }
  // A cue counts once: counting up to three gained nothing in cross-validation and cost a scan
  // per cue. The first cue (lowest index) of a feature is the one quoted as evidence.
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<int>& hits = pass == 0 ? whole : opening;
    std::sort(hits.begin(), hits.end());
    for (int k : hits) {
      const size_t fi = cue_index_[static_cast<size_t>(k)] + static_cast<size_t>(pass);
      if (f.cue[fi] >= 0) continue;
      f.x[fi] = 1.0;
      f.cue[fi] = k;
    }
  }
  size_t s = names_.size() - kStructural.size();
  f.x[s + 0] = a.parliamentary_question ? 1 : 0;
  f.x[s + 1] = a.case_numbers.empty() ? 0 : 1;
  f.x[s + 2] = a.document_date ? 1 : 0;
  f.x[s + 3] = a.signatories.empty() ? 0 : 1;
  f.x[s + 4] = a.mayors.empty() ? 0 : 1;
  f.x[s + 5] = a.exemptions.empty() ? 0 : 1;
  f.x[s + 6] = t.size() < 1200 ? 1 : 0;
  size_t last = t.find_last_not_of(" \n");
  f.x[s + 7] = last != std::string::npos && t[last] == '?' ? 1 : 0;
  f.x[s + 8] = std::string_view(t).substr(0, kEarly).find('?') != std::string_view::npos ? 1 : 0;  // no copy
  if (a.parliamentary_question) f.quoted.push_back({s, "spørgsmål nr. " + a.parliamentary_question->number});
}

std::vector<double> TypeClassifier::probabilities(const TypeModel& m, const Features& f) {
  std::vector<double> z = m.bias;
  for (size_t i = 0; i < f.x.size() && i < m.w.size(); ++i)
    if (f.x[i] != 0)
      for (size_t k = 0; k < z.size(); ++k) z[k] += m.w[i][k] * f.x[i];
  double mx = *std::max_element(z.begin(), z.end()), sum = 0;
  for (auto& v : z) sum += (v = std::exp(v - mx));
  for (auto& v : z) v /= sum;
  return z;
}

bool TypeClassifier::first_match(size_t k, std::string_view low, size_t from, size_t limit, size_t& at, size_t& len) const {
  if (const std::string& lit = literal_[k]; !lit.empty()) {
    // match_at_word_start for a literal: its occurrences in [from, limit).
    return first_at_word_start(
        low, from, limit,
        [&](size_t f, size_t& a, size_t& l) {
          a = low.find(lit, f);
          l = lit.size();
          return a != std::string_view::npos && a + l <= limit;
        },
        at, len);
  }
  re2::StringPiece m;
  if (!match_at_word_start(*cues_[k], low, from, limit, m)) return false;
  at = static_cast<size_t>(m.data() - low.data());
  len = m.size();
  return true;
}

// Per cue: no match of it at a word start begins before `from` (in the whole text, and so in the
// opening: a match there is one in the whole text, as RE2 sees the rest of the text around it);
// `exact`: its first match [at, at + len), which ends before the opening's last line break and so
// is the first both in the opening and in the whole text (a match never crosses a line break, and
// the lines before that break are whole in both).
struct TypeClassifier::Known {
  struct Cue {
    int k = -1;
    size_t from = 0;
    bool exact = false;
    size_t at = 0, len = 0;
  };
  std::vector<Cue> cues;  // at most one a quoted feature: a linear search

  Cue& of(int k) {
    for (auto& c : cues)
      if (c.k == k) return c;
    cues.push_back(Cue{k});
    return cues.back();
  }
};

std::string TypeClassifier::evidence(const Features& f, size_t i, std::string_view text) const {
  Known known;
  return evidence(f, i, text, known);
}

std::string TypeClassifier::evidence(const Features& f, size_t i, std::string_view text, Known& known) const {
  for (const auto& [fi, quote] : f.quoted)
    if (fi == i) return quote;
  if (i >= f.cue.size() || f.cue[i] < 0 || f.low.size() != text.size()) return {};
  const int k = f.cue[i];
  const size_t n = text.size(), early = std::min(n, kEarly), brk = f.opening_break;
  // Cue features come in pairs, NAME then NAME@early (create), so an odd one is an opening's.
  const size_t limit = i % 2 == 1 ? early : n;
  Known::Cue& c = known.of(k);
  size_t at = c.at, len = c.len;
  if (!c.exact) {
    size_t from = c.from;
    // The set's word start (a line start or an ASCII non-letter before the cue) is
    // match_at_word_start's (no letter before it) wherever the character before is ASCII: in a
    // head with no other non-letters, a cue the set did not find there has no match there.
    if (f.split && f.first_other >= brk && !std::binary_search(f.head.begin(), f.head.end(), k))
      from = std::max(from, brk + 1);
    const bool found = from < limit && first_match(static_cast<size_t>(k), f.low, from, limit, at, len);
    if (found && (early == n || (brk != std::string::npos && at + len <= brk))) {
      c.exact = true;
      c.at = at;
      c.len = len;
    } else if (limit == n) {
      c.from = found ? std::max(c.from, at) : n;  // the whole text's first match, or none at all
    } else if (brk != std::string::npos) {
      c.from = std::max(c.from, brk + 1);  // none in the lines before the opening's last break
    }
    if (!found) return {};
  }
  return text::truncate_utf8(text.substr(at, len), 60);
}

TypeDecision TypeClassifier::classify(const Features& f, std::string_view text) const {
  auto p = probabilities(model_, f);
  size_t best = std::max_element(p.begin(), p.end()) - p.begin();
  TypeDecision d;
  d.label = kTypeLabels[best];
  d.confidence = std::round(p[best] * 1000) / 1000;
  // Evidence: the fired features that pushed hardest towards the chosen label.
  thread_local std::vector<std::pair<double, size_t>> contrib;  // per thread: no allocation a letter
  contrib.clear();
  for (size_t i = 0; i < f.x.size() && i < model_.w.size(); ++i) {
    const bool quotable = (i < f.cue.size() && f.cue[i] >= 0) ||
                          std::any_of(f.quoted.begin(), f.quoted.end(), [i](const auto& q) { return q.first == i; });
    if (f.x[i] != 0 && quotable) contrib.push_back({model_.w[i][best] * f.x[i], i});
  }
  // Highest contribution first; ties in feature order, so the evidence is deterministic. The
  // order stable_sort gave (contrib is made in feature order), without its temporary buffer (an
  // allocation a letter).
  std::sort(contrib.begin(), contrib.end(),
            [](const auto& x, const auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
  Known known;
  for (const auto& [c, i] : contrib) {
    if (c <= 0 || d.evidence.size() >= 5) break;
    std::string e = evidence(f, i, text, known);
    if (!e.empty() && std::find(d.evidence.begin(), d.evidence.end(), e) == d.evidence.end()) d.evidence.push_back(std::move(e));
  }
  return d;
}

TypeModel TypeClassifier::train(const std::vector<std::string>& names, const std::vector<Features>& xs,
                                const std::vector<std::vector<double>>& targets, const TrainOptions& o) {
  const size_t F = names.size(), K = kTypeLabels.size(), N = xs.size();
  TypeModel m;
  m.features = names;
  m.w.assign(F, std::vector<double>(K, 0.0));
  m.bias.assign(K, 0.0);
  const double lr = 0.5;
  // The prior (TrainOptions::prior): the weights start from and are pulled towards it.
  std::vector<std::vector<double>> w0(F, std::vector<double>(K, 0.0));
  for (size_t i = 0; i < F; ++i)
    for (size_t k = 0; k < K; ++k)
      if (names[i].rfind(kCuePrefixes[k], 0) == 0) w0[i][k] = o.prior;
  m.w = w0;
  const double l2 = o.l2;
  if (N == 0) return m;  // nothing to learn from: the prior alone
  for (int it = 0; it < o.iterations; ++it) {
    std::vector<std::vector<double>> gw(F, std::vector<double>(K, 0.0));
    std::vector<double> gb(K, 0.0);
    for (size_t n = 0; n < N; ++n) {
      auto p = probabilities(m, xs[n]);
      for (size_t k = 0; k < K; ++k) p[k] -= targets[n][k];
      for (size_t k = 0; k < K; ++k) gb[k] += p[k];
      for (size_t i = 0; i < F; ++i)
        if (xs[n].x[i] != 0)
          for (size_t k = 0; k < K; ++k) gw[i][k] += p[k] * xs[n].x[i];
    }
    for (size_t k = 0; k < K; ++k) m.bias[k] -= lr * gb[k] / N;
    for (size_t i = 0; i < F; ++i)
      for (size_t k = 0; k < K; ++k) m.w[i][k] -= lr * (gw[i][k] / N + l2 * (m.w[i][k] - w0[i][k]));
  }
  return m;
}

std::string TypeClassifier::serialize(const TypeModel& m, const std::string& header) {
  std::ostringstream out;
  out << header;
  out << "feature";
  for (const auto& l : kTypeLabels) out << '\t' << l;
  out << '\n' << "(bias)";
  out << std::fixed << std::setprecision(4);
  for (double b : m.bias) out << '\t' << b;
  out << '\n';
  for (size_t i = 0; i < m.features.size(); ++i) {
    out << m.features[i];
    for (double v : m.w[i]) out << '\t' << v;
    out << '\n';
  }

  return out.str();
}

}  // namespace sagsindeks
