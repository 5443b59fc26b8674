// Shared CLI helpers.
#include "cli/common.h"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <vector>

#include "ingest/reader.h"

namespace sagsindeks::cli {

std::shared_ptr<const Resources> load_resources(const Args& a, bool need_model) {
  ResourceOptions o;
  o.lexicon_dir = a.get("--lexicons");
  o.dictionary = a.get("--dictionary");
  o.need_model = need_model;
  // Every command that loads resources reads and hashes files: report a libcrypto that cannot be
  // loaded now, as a message, rather than through sha256_hex's abort later.
  if (auto e = load_hashing()) {
    std::cerr << "sagsindeks: " << e->message << "\n";
    return nullptr;
  }
  auto r = Resources::load(o);
  if (!r.ok()) {
    std::cerr << "sagsindeks: " << r.error().message << "\n";
    return nullptr;
  }
  // Kept until the process ends and never freed: taking Hunspell's dictionary and the compiled
  // patterns apart cost ~30 ms at every exit (a fifth of the start-up, serial after the last
  // record), for memory the system takes back at once. Reachable from here, so not a leak to
  // LeakSanitizer.
  static auto* const kept = new std::vector<std::shared_ptr<const Resources>>();
  kept->push_back(*r);
  return *r;
}

Progress::Progress(const char* what, size_t total) : what_(what), total_(total), tty_(isatty(2) == 1) {}

Progress::Progress(const char* what) : what_(what), total_(0), known_total_(false), tty_(isatty(2) == 1) {}

void Progress::tick(size_t done) {
  if (!tty_) return;
  long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch()).count();
  if (now - last_ms_ < 100 && (!known_total_ || done != total_)) return;
  last_ms_ = now;
  if (!known_total_) {
    std::fprintf(stderr, "\r%s %zu", what_, done);
    std::fflush(stderr);
    return;
  }
  std::fprintf(stderr, "\r%s %zu/%zu (%zu%%)", what_, done, total_, total_ ? done * 100 / total_ : 100);
  std::fflush(stderr);
}

void Progress::finish() {
  if (tty_) std::fprintf(stderr, "\r\033[K");
}

}  // namespace sagsindeks::cli
