// Bounds on hostile input: every one documented, every one changeable by a flag, and every one
// that is passed yields an Error whose code names it. README.md ("Limits") lists them.
//
//   Limits lim;                        // the defaults below
//   lim.max_line = 4 << 20;            // --max-line
//   ScopedDeadline d(lim.max_seconds); // this thread's analysis of one document is now bounded
//   ... if (deadline_expired()) return timeout_error("normalising", lim);
//
// Cost: the checks are O(1) or one linear scan already being made; none allocates.
#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/result.h"

namespace sagsindeks {

struct Limits {
  // Input size in bytes, checked before reading (stat) and while reading (pipes, growing files).
  // Error "too_large". Flag --max-bytes. At most kMaxBytesCeiling: ICU strings index with int32.
  uint64_t max_bytes = 100ull << 20;
  // Longest line in bytes of the input as read (between \n or \r). A text with no line breaks is
  // not a letter and makes every line-based pass hold the whole file. Error "line_too_long".
  // Flag --max-line.
  uint64_t max_line = 1ull << 20;
  // Mentions (dates, identifiers, municipality mentions, mayors, exemptions, signatories) in one
  // document's record. Error "too_many_mentions". Flag --max-mentions.
  uint64_t max_mentions = 50000;
  // Nesting depth of structured input (markup elements, archive members, query parentheses).
  // Error "too_deep". Flag --max-nesting. The plain-text reader has no nesting.
  uint32_t max_nesting = 100;
  // Bytes out per byte in for any decompression (DOCX/ZIP members, gzip). Error "ratio".
  // Flag --max-ratio. The plain-text reader does not decompress.
  uint32_t max_ratio = 100;
  // Pages of one document read by OCR (scanned PDF pages, TIFF pages). Further pages are skipped
  // with a warning in the record, not an error: the first pages of a scanned case file still
  // count. Flag --max-ocr-pages. OCR costs 1-3 s of CPU a page, so this bounds a document's CPU.
  uint32_t max_ocr_pages = 50;
  // Wall-clock seconds for the analysis of one document (decode, normalise, extract, classify).
  // Error "timeout". Flag --timeout; 0 means no bound.
  double max_seconds = 60.0;
};

inline constexpr uint64_t kMaxBytesCeiling = 1ull << 30;  // 1 GiB

// Error constructors, so the code and the flag in every message stay in step.
inline Error too_large_error(uint64_t seen, const Limits& l, bool exact) {
  return Error{"too_large", std::string(exact ? "file is " : "input is over ") + std::to_string(seen) +
                                " bytes, over the limit of " + std::to_string(l.max_bytes) +
                                " bytes (raise it with --max-bytes)"};
}
inline Error line_too_long_error(uint64_t line_no, uint64_t offset, const Limits& l) {
  return Error{"line_too_long", "line " + std::to_string(line_no) + " (from byte " + std::to_string(offset) +
                                    ") is longer than " + std::to_string(l.max_line) +
                                    " bytes with no line break (raise the limit with --max-line)"};
}
inline Error too_many_mentions_error(uint64_t n, const Limits& l) {
  return Error{"too_many_mentions", "the document has " + std::to_string(n) + " mentions, over the limit of " +
                                        std::to_string(l.max_mentions) + " (raise it with --max-mentions)"};
}
inline Error too_deep_error(uint64_t depth, const Limits& l) {
  return Error{"too_deep", "nesting depth " + std::to_string(depth) + " is over the limit of " +
                               std::to_string(l.max_nesting) + " (raise it with --max-nesting)"};
}
inline Error ratio_error(uint64_t in, uint64_t out, const Limits& l) {
  return Error{"ratio", std::to_string(in) + " compressed bytes expand to more than " + std::to_string(out) +
                            ", over the ratio limit of " + std::to_string(l.max_ratio) +
                            " (raise it with --max-ratio)"};
}
inline Error timeout_error(const char* stage, const Limits& l) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%g", l.max_seconds);
  return Error{"timeout", std::string("analysis stopped while ") + stage + ": over the time limit of " + secs +
                              " s for one document (raise it with --timeout)"};
}

// For readers that nest or decompress: true when still within bounds.
inline bool nesting_ok(uint64_t depth, const Limits& l) { return depth <= l.max_nesting; }
inline bool ratio_ok(uint64_t in, uint64_t out, const Limits& l) {
  return out <= 4096 || out / (in ? in : 1) < l.max_ratio;  // tiny outputs never trip it
}

// A per-thread deadline for the document being analysed. Long loops call deadline_expired()
// every few thousand steps and give up early; the caller turns that into timeout_error().
// A thread-local keeps the stages' signatures unchanged; nesting restores the outer deadline.
namespace detail {
inline thread_local std::chrono::steady_clock::time_point tl_deadline = std::chrono::steady_clock::time_point::max();
}

inline bool deadline_expired() {
  auto d = detail::tl_deadline;
  return d != std::chrono::steady_clock::time_point::max() && std::chrono::steady_clock::now() > d;
}

class ScopedDeadline {
 public:
  explicit ScopedDeadline(double seconds) : saved_(detail::tl_deadline) {
    if (seconds > 0) {
      auto d = std::chrono::steady_clock::now() +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
      if (d < detail::tl_deadline) detail::tl_deadline = d;
    }
  }
  ~ScopedDeadline() { detail::tl_deadline = saved_; }
  ScopedDeadline(const ScopedDeadline&) = delete;
  ScopedDeadline& operator=(const ScopedDeadline&) = delete;

 private:
  std::chrono::steady_clock::time_point saved_;
};

}  // namespace sagsindeks
