// Compiling RE2 patterns the one way the project does: UTF-8, errors returned not logged, and
// enough DFA memory for the name and gazetteer patterns (RE2's 8 MiB default falls back to the
// slower NFA on them).
#pragma once
#include <memory>
#include <string>
#include <utility>

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

// The leftmost match of `re` in text[from, limit) that starts a word (no letter before it), into
// `m`. Patterns stay free of a leading `(?:^|[^\pL])` guard, which would keep RE2 from skipping
// ahead on their literal prefix and make it run the capturing engine for the match start.
inline bool match_at_word_start(const RE2& re, std::string_view text, size_t from, size_t limit, re2::StringPiece& m) {
  const re2::StringPiece all(text.data(), text.size());
  while (from < limit) {
    if (!re.Match(all, from, limit, RE2::UNANCHORED, &m, 1)) return false;
    size_t at = static_cast<size_t>(m.data() - text.data()), before = at;
    if (at == 0 || !text::is_letter(text::prev_cp(text, before))) return true;
    from = at;
    text::next_cp(text, from);
  }
  return false;
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

}  // namespace sagsindeks
