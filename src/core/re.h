// Compiling RE2 patterns the one way the project does: UTF-8, errors returned not logged, and
// enough DFA memory for the name and gazetteer patterns (RE2's 8 MiB default falls back to the
// slower NFA on them).
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "core/text.h"

namespace sagsindeks {

inline RE2::Options re_options(bool case_sensitive = true) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  o.set_case_sensitive(case_sensitive);
  return o;
}

inline std::unique_ptr<RE2> make_re(const std::string& pattern, bool case_sensitive = true) {
  return std::make_unique<RE2>(pattern, re_options(case_sensitive));
}

// The first match in text[from, limit) that starts a word (no letter before it): `find(from,
// at, len)` gives the leftmost match [at, at + len) in text[from, limit), or false; a match with
// a letter before it is passed over by looking again one character further on.
template <class Find>
bool first_at_word_start(std::string_view text, size_t from, size_t limit, Find&& find, size_t& at, size_t& len) {
  while (from < limit) {
    if (!find(from, at, len)) return false;
    size_t before = at;
    if (at == 0 || !text::is_letter(text::prev_cp(text, before))) return true;
    from = at;
    text::next_cp(text, from);
  }
  return false;
}

// The leftmost match of `re` in text[from, limit) that starts a word (no letter before it), into
// `m`. Patterns stay free of a leading `(?:^|[^\pL])` guard, which would keep RE2 from skipping
// ahead on their literal prefix and make it run the capturing engine for the match start.
inline bool match_at_word_start(const RE2& re, std::string_view text, size_t from, size_t limit, re2::StringPiece& m) {
  const re2::StringPiece all(text.data(), text.size());
  size_t at = 0, len = 0;
  return first_at_word_start(
      text, from, limit,
      [&](size_t f, size_t& a, size_t& l) {
        if (!re.Match(all, f, limit, RE2::UNANCHORED, &m, 1)) return false;
        a = static_cast<size_t>(m.data() - text.data());
        l = m.size();
        return true;
      },
      at, len);
}

// RE2::FullMatch with groups, the DFA asked first whether there is a match at all. For a short
// text RE2 sends a call with groups straight to its backtracker or NFA, which costs several
// thousand instructions even when nothing matches; the DFA says no for a few hundred. Worth it
// where most texts do not match (signature lines, label lines).
template <class... Args>
bool full_match_dfa_first(re2::StringPiece s, const RE2& re, Args&&... args) {
  if (!re.Match(s, 0, s.size(), RE2::ANCHOR_BOTH, nullptr, 0)) return false;
  return RE2::FullMatch(s, re, std::forward<Args>(args)...);
}

// The groups of a match whose bounds are known, taken by a Latin-1 copy of the pattern when the
// match and the characters on either side of it are all below U+0100 (Danish text nearly always).
// Why: a pattern with \p{Lu}, \p{Ll} or \pL compiles for UTF-8 into a program of many thousand
// instructions (the person-name pattern: 19 438), and RE2's capturing engines (the NFA, the
// backtracker only below 512 instructions) walk it character by character: 20-50 k instructions
// for a name. For Latin-1 the same pattern is a program of a few hundred, and its groups cost a
// fifth of that. Contract: over code points below U+0100 the two programs accept the same
// strings by the same leftmost-first choices (RE2 applies the same Unicode classes and case
// folding, cut to Latin-1), so the groups are the same; one character of context on either side
// keeps ^, $ and \b as they were. Any other text takes the UTF-8 pattern. Read-only after
// construction, so safe to share between threads.
class Latin1Groups {
 public:
  // Builds the Latin-1 copy, unless the pattern holds a character above U+00FF.
  explicit Latin1Groups(const RE2& re) : re_(re) {
    std::string pattern;
    const std::string& p = re.pattern();
    for (size_t i = 0; i < p.size();) {
      const int32_t c = text::next_cp(p, i);
      if (c < 0 || c > 0xFF) return;
      pattern += static_cast<char>(c);
    }
    RE2::Options o = re.options();
    o.set_encoding(RE2::Options::EncodingLatin1);
    latin1_ = std::make_unique<RE2>(pattern, o);
    if (!latin1_->ok() || latin1_->NumberOfCapturingGroups() != re.NumberOfCapturingGroups()) latin1_.reset();
  }
  // The n groups (g[0] the whole) of the pattern's match of exactly context[b, e) (ANCHOR_BOTH,
  // the rest of `context` seen only by ^, $ and \b). False if it does not match there.
  bool groups(std::string_view context, size_t b, size_t e, re2::StringPiece* g, int n) const {
    if (latin1_ && to_latin1(context, b, e)) {
      thread_local std::vector<re2::StringPiece> lg;
      lg.assign(static_cast<size_t>(n), re2::StringPiece());
      const Buffer& buf = buffer();
      if (!latin1_->Match(buf.bytes, buf.from, buf.to, RE2::ANCHOR_BOTH, lg.data(), n)) return false;
      for (int k = 0; k < n; ++k) {
        const re2::StringPiece& x = lg[static_cast<size_t>(k)];
        if (x.data() == nullptr) {
          g[k] = re2::StringPiece();
          continue;
        }
        const size_t xb = static_cast<size_t>(x.data() - buf.bytes.data()), xe = xb + x.size();
        g[k] = re2::StringPiece(context.data() + buf.offset[xb], buf.offset[xe] - buf.offset[xb]);
      }
      return true;
    }
    return re_.Match(re2::StringPiece(context.data(), context.size()), b, e, RE2::ANCHOR_BOTH, g, n);
  }

 private:
  struct Buffer {
    std::string bytes;            // one byte a character: the match and a character either side
    std::vector<size_t> offset;   // byte k of `bytes` -> its offset in the context (and the end)
    size_t from = 0, to = 0;      // the match within `bytes`
  };
  static Buffer& buffer() {
    thread_local Buffer b;
    return b;
  }
  // Fills buffer() from context[b, e) and a character on either side; false if any of them is
  // not a valid character below U+0100.
  static bool to_latin1(std::string_view context, size_t b, size_t e) {
    Buffer& buf = buffer();
    buf.bytes.clear();
    buf.offset.clear();
    size_t i = b;
    if (b > 0) {
      text::prev_cp(context, i);
    }
    const size_t end_with_after = [&] {
      size_t j = e;
      if (j < context.size()) text::next_cp(context, j);
      return j;
    }();
    bool saw_b = false, saw_e = false;
    while (i < end_with_after) {
      if (i == b) buf.from = buf.bytes.size(), saw_b = true;
      if (i == e) buf.to = buf.bytes.size(), saw_e = true;
      const size_t at = i;
      const int32_t c = text::next_cp(context, i);
      if (c < 0 || c > 0xFF || i > end_with_after) return false;
      buf.bytes += static_cast<char>(c);
      buf.offset.push_back(at);
    }
    if (i != end_with_after) return false;
    if (e == end_with_after) buf.to = buf.bytes.size(), saw_e = true;
    if (b == end_with_after) buf.from = buf.bytes.size(), saw_b = true;
    if (!saw_b || !saw_e) return false;
    buf.offset.push_back(end_with_after);
    return true;
  }

  const RE2& re_;
  std::unique_ptr<RE2> latin1_;
};

// RE2::FindAndConsume with the groups taken by `groups` (above): the leftmost match in `in` by the
// DFA, then its groups, and `in` moved past it. g[0] is the whole match.
inline bool find_and_consume(re2::StringPiece& in, const RE2& re, const Latin1Groups& groups, re2::StringPiece* g,
                             int n) {
  re2::StringPiece whole;
  if (!re.Match(in, 0, in.size(), RE2::UNANCHORED, &whole, 1)) return false;
  const size_t b = static_cast<size_t>(whole.data() - in.data()), e = b + whole.size();
  if (!groups.groups(std::string_view(in.data(), in.size()), b, e, g, n)) return false;
  in.remove_prefix(e);
  return true;
}

// RE2::PartialMatch with the groups taken by `groups`: the leftmost match in `text`.
inline bool partial_match(std::string_view text, const RE2& re, const Latin1Groups& groups, re2::StringPiece* g, int n) {
  re2::StringPiece whole;
  if (!re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, &whole, 1)) return false;
  const size_t b = static_cast<size_t>(whole.data() - text.data());
  return groups.groups(text, b, b + whole.size(), g, n);
}

}  // namespace sagsindeks
