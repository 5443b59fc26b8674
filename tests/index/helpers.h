// Helpers for the index tests: temporary folders, files, and running the real binary.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sagsindeks::test {

namespace fs = std::filesystem;

inline std::string make_temp_dir() {
  std::string t = (fs::temp_directory_path() / "sagsindeks-index-XXXXXX").string();
  if (!mkdtemp(t.data())) std::abort();
  return t;
}

// Removes the folder when the test ends.
struct TempDir {
  std::string path = make_temp_dir();
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
  std::string operator/(const std::string& p) const { return path + "/" + p; }
};

inline std::string read_file(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& p, const std::string& content) {
  fs::create_directories(fs::path(p).parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

inline std::string corpus(const std::string& sub) { return std::string(SAGSINDEKS_SOURCE_DIR) + "/corpus/" + sub; }

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

struct Proc {
  int status = -1;  // exit status; 128 + signal when killed by one
  std::string out, err;
};

inline std::string quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

// Runs the real binary with arguments (each quoted) and captures stdout and stderr.
inline Proc run(const std::vector<std::string>& args, const std::string& tmp) {
  std::string cmd = quote(SAGSINDEKS_BINARY);
  for (const auto& a : args) cmd += " " + quote(a);
  std::string out = tmp + "/.stdout", err = tmp + "/.stderr";
  cmd += " >" + quote(out) + " 2>" + quote(err);
  int rc = std::system(cmd.c_str());
  Proc r;
  if (WIFEXITED(rc)) r.status = WEXITSTATUS(rc);
  else if (WIFSIGNALED(rc)) r.status = 128 + WTERMSIG(rc);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace sagsindeks::test
