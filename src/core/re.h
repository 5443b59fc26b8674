// Compiling RE2 patterns the one way the project does: UTF-8, errors returned not logged, and
// enough DFA memory for the name and gazetteer patterns (RE2's 8 MiB default falls back to the
// slower NFA on them).
#pragma once
#include <memory>
#include <string>

#include <re2/re2.h>

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

}  // namespace sagsindeks
