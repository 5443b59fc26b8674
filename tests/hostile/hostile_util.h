// Helpers for the hostile-input tests: a temporary folder removed afterwards, file writing,
// resources loaded once, and running the real binary.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "analysis/pipeline.h"

namespace hostile {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "sagsindeks-hostile-XXXXXX").string();
    path_ = mkdtemp(t.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Writes `n` copies of `c` without holding them in memory all at once.
inline void write_repeated(const std::string& path, char c, size_t n) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  std::string block(1 << 20, c);
  while (n > 0) {
    size_t k = n < block.size() ? n : block.size();
    f.write(block.data(), static_cast<std::streamsize>(k));
    n -= k;
  }
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::string corpus_doc(int i = 0) {
  std::vector<std::string> docs;
  for (const auto& e : fs::directory_iterator(std::string(SAGSINDEKS_SOURCE_DIR) + "/corpus/seeds/docs"))
    docs.push_back(e.path().string());
  std::sort(docs.begin(), docs.end());
  return docs.at(static_cast<size_t>(i) % docs.size());
}

// Loaded once per test binary (~0.5 s).
inline const sagsindeks::Resources& resources() {
  static std::shared_ptr<const sagsindeks::Resources> r = [] {
    sagsindeks::ResourceOptions o;
    o.lexicon_dir = std::string(SAGSINDEKS_SOURCE_DIR) + "/lexicons";
    auto res = sagsindeks::Resources::load(o);
    if (!res.ok()) {
      std::fprintf(stderr, "cannot load resources: %s\n", res.error().message.c_str());
      std::abort();
    }
    return *res;
  }();
  return *r;
}

struct RunResult {
  int status = -1;
  std::string out, err;
};

// Runs `sagsindeks ARGS` through the shell with stdout/stderr captured in files under `dir`.
inline RunResult run_cli(const TempDir& dir, const std::string& args, const std::string& stdin_cmd = "") {
  std::string out = dir / ".stdout", err = dir / ".stderr";
  std::string cmd = (stdin_cmd.empty() ? "" : stdin_cmd + " | ") + std::string("'") + SAGSINDEKS_BINARY + "' " +
                    args + " > '" + out + "' 2> '" + err + "'";
  int rc = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace hostile
