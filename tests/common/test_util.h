// Helpers every test area shares: a temporary folder removed afterwards, reading and writing
// files, the bundled corpus, JSON lines, resources loaded once, and running the real binary.
// Header-only, so the fuzz targets can use it without gtest;
// SAGSINDEKS_SOURCE_DIR and SAGSINDEKS_BINARY come from tests/CMakeLists.txt.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/pipeline.h"

namespace sagsindeks::test {

namespace fs = std::filesystem;

inline std::string make_temp_dir() {
  std::string t = (fs::temp_directory_path() / "sagsindeks-test-XXXXXX").string();
  if (!mkdtemp(t.data())) std::abort();
  return t;
}

// A fresh folder under $TMPDIR, removed (read-only parts too) when the test ends.
struct TempDir {
  std::string path = make_temp_dir();
  TempDir() = default;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `bytes` to `path`, making its folder first.
inline void write_file(const std::string& path, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Writes `n` copies of `c` without holding them in memory all at once.
inline void write_repeated(const std::string& path, char c, size_t n) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  std::string block(1 << 20, c);
  while (n > 0) {
    size_t k = std::min(n, block.size());
    f.write(block.data(), static_cast<std::streamsize>(k));
    n -= k;
  }
}

// A path under the bundled corpus: corpus("seeds/docs").
inline std::string corpus(const std::string& sub) { return std::string(SAGSINDEKS_SOURCE_DIR) + "/corpus/" + sub; }

// The i-th seed document (in name order, modulo their number).
inline std::string corpus_doc(int i = 0) {
  std::vector<std::string> docs;
  for (const auto& e : fs::directory_iterator(corpus("seeds/docs"))) docs.push_back(e.path().string());
  std::sort(docs.begin(), docs.end());
  return docs.at(static_cast<size_t>(i) % docs.size());
}

// Copies the bundled documents (seeds and dev) into `dir`/seeds and `dir`/dev.
inline void copy_corpus(const std::string& dir) {
  fs::create_directories(dir);
  fs::copy(corpus("seeds/docs"), dir + "/seeds", fs::copy_options::recursive);
  fs::copy(corpus("dev/docs"), dir + "/dev", fs::copy_options::recursive);
}

inline size_t count_files(const std::string& dir) {
  size_t n = 0;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

// One JSON value a line (analyze --jsonl, search --format jsonl, gold files); blank lines skipped.
inline std::vector<nlohmann::json> jsonl(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

// $SAGSINDEKS_LEXICONS when set (the fuzz targets are pointed at other lexicons so), else the
// source tree's.
inline std::string lexicon_dir() {
  const char* e = std::getenv("SAGSINDEKS_LEXICONS");
  return e && *e ? e : std::string(SAGSINDEKS_SOURCE_DIR) + "/lexicons";
}

// The lexicons and the Hunspell dictionary, loaded once per test binary (~0.5 s).
inline const Resources& resources() {
  static std::shared_ptr<const Resources> r = [] {
    ResourceOptions o;
    o.lexicon_dir = lexicon_dir();
    auto res = Resources::load(o);
    if (!res.ok()) {
      std::fprintf(stderr, "cannot load resources: %s\n", res.error().message.c_str());
      std::abort();
    }
    return *res;
  }();
  return *r;
}

// ---- the real binary ---------------------------------------------------------------------

struct Proc {
  int status = -1;  // exit status; 128 + signal when killed by one
  std::string out, err;
};

// 'it' quoted for the shell.
inline std::string quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

// Runs `[env] sagsindeks ARGS` through the shell, ARGS as written (quote them), with stdout and
// stderr captured in files under `tmp`; `stdin_cmd`, when given, is piped in (`printf x`).
inline Proc run_cli(const std::string& args, const std::string& tmp, const std::string& stdin_cmd = "",
                    const std::string& env = "") {
  std::string out = tmp + "/.stdout", err = tmp + "/.stderr";
  std::string cmd = (stdin_cmd.empty() ? "" : stdin_cmd + " | ") + (env.empty() ? "" : "env " + env + " ") +
                    quote(SAGSINDEKS_BINARY) + " " + args + " >" + quote(out) + " 2>" + quote(err);
  int rc = std::system(cmd.c_str());
  Proc r;
  if (WIFEXITED(rc)) r.status = WEXITSTATUS(rc);
  else if (WIFSIGNALED(rc)) r.status = 128 + WTERMSIG(rc);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

// The same with each argument quoted.
inline Proc run(const std::vector<std::string>& args, const std::string& tmp, const std::string& env = "") {
  std::string line;
  for (const auto& a : args) line += (line.empty() ? "" : " ") + quote(a);
  return run_cli(line, tmp, "", env);
}

}  // namespace sagsindeks::test
