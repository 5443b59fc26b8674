// Helpers shared by the CLI commands: resources from flags, progress on a terminal.
#pragma once
#include <cstdio>
#include <memory>
#include <string>

#include "analysis/pipeline.h"
#include "cli/args.h"

namespace sagsindeks::cli {

// The options every analysing command takes, for its --help text.
inline constexpr const char* kResourceHelp =
    "  --lexicons DIR      lexicon folder (default: $SAGSINDEKS_LEXICONS or the build's lexicons/)\n"
    "  --dictionary PATH   Hunspell dictionary without extension (default: /usr/share/hunspell/da_DK)\n";

// Loads resources from --lexicons/--dictionary; prints the error and returns null on failure.
std::shared_ptr<const Resources> load_resources(const Args& a, bool need_model = true);

// A one-line progress counter on stderr, only when stderr is a terminal.
class Progress {
 public:
  Progress(const char* what, size_t total);
  explicit Progress(const char* what);  // the total is not known: counts only
  void tick(size_t done);
  void finish();

 private:
  const char* what_;
  size_t total_;
  bool known_total_ = true;
  bool tty_;
  long last_ms_ = 0;
};

}  // namespace sagsindeks::cli
