// File reading: bounded, hashed with OpenSSL, errors that name the problem.
#include "ingest/reader.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace sagsindeks {

namespace {

// libcrypto, loaded on first use rather than linked: with ~21 000 relocations and its own
// initialisation it was the costliest library of every start-up (~1 ms CPU), and search, show,
// export and check never hash. Only the two functions used are looked up; the prototypes come
// from OpenSSL's headers, so a mismatch is a compile error.
// The digest is fetched once (EVP_MD_fetch, OpenSSL 3) and kept: EVP_Digest given EVP_sha256()
// fetches it again on every call, a provider-store look-up under a read-write lock (~5 k
// instructions per file, a shared lock between the analysis threads). Without EVP_MD_fetch
// (OpenSSL 1.1) EVP_sha256() is used as before.
struct Crypto {
  decltype(&EVP_Digest) digest = nullptr;
  decltype(&EVP_sha256) sha256 = nullptr;
  const EVP_MD* md = nullptr;  // SHA-256, fetched once; never freed (lives as long as the process)
  std::optional<Error> error;
};

const Crypto& crypto() {
  static const Crypto c = [] {
    Crypto c;
    void* h = dlopen(SAGSINDEKS_LIBCRYPTO, RTLD_NOW | RTLD_LOCAL);
    if (h) {
      c.digest = reinterpret_cast<decltype(&EVP_Digest)>(dlsym(h, "EVP_Digest"));
      c.sha256 = reinterpret_cast<decltype(&EVP_sha256)>(dlsym(h, "EVP_sha256"));
      if (auto fetch = reinterpret_cast<decltype(&EVP_MD_fetch)>(dlsym(h, "EVP_MD_fetch")))
        c.md = fetch(nullptr, "SHA256", nullptr);
      if (!c.md && c.sha256) c.md = c.sha256();
    }
    if (!c.digest || !c.sha256 || !c.md) {
      const char* e = dlerror();
      c.error = Error{"io", std::string("cannot load OpenSSL's ") + SAGSINDEKS_LIBCRYPTO + " for SHA-256 (" +
                                (e ? e : "symbols missing") + "): reinstall OpenSSL's libcrypto (Debian: libssl3)"};
    }
    return c;
  }();
  return c;
}

}  // namespace

std::optional<Error> load_hashing() { return crypto().error; }

std::string sha256_hex(std::string_view bytes) {
  const Crypto& c = crypto();
  if (c.error) std::abort();  // precondition (reader.h): load_hashing() succeeded
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  c.digest(bytes.data(), bytes.size(), md, &len, c.md, nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

namespace {

// Tracks the current line's length across read chunks; false once a line is over the bound.
struct LineGuard {
  uint64_t max, run = 0, line_no = 1, line_start = 0, offset = 0;
  // Line breaks are found with memchr (a byte loop here cost a third of reading).
  bool feed(const char* p, size_t n) {
    size_t i = 0;
    while (i < n) {
      const char* nl = static_cast<const char*>(std::memchr(p + i, '\n', n - i));
      size_t end = nl ? static_cast<size_t>(nl - p) : n;
      // A carriage return also ends a line (old Mac files); they are rare: one memchr each.
      for (const char* cr; (cr = static_cast<const char*>(std::memchr(p + i, '\r', end - i)));) {
        size_t at = static_cast<size_t>(cr - p);
        if ((run += at - i) > max) return false;
        run = 0;
        line_start = offset + at + 1;
        i = at + 1;
      }
      if ((run += end - i) > max) return false;
      if (!nl) break;
      run = 0;
      ++line_no;
      line_start = offset + end + 1;
      i = end + 1;
    }
    offset += n;
    return true;
  }
};

bool same_file_state(const struct stat& a, const struct stat& b) {
  return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ino == b.st_ino;
}

}  // namespace

Result<RawInput> read_input(const std::string& path, const ReadLimits& limits) {
  RawInput in;
  in.source.path = path;
  // A file is read through its descriptor, stdin through its FILE: fopen per file cost a FILE and
  // a 4 KiB buffer (two mallocs and frees), an fstat of glibc's own and a third read, per document
  // (9 syscalls a letter became 7; now 5: open, fstat, read, fstat, close).
  // Contract as fread's: a chunk comes back short only at the end or on an error.
  int fd = -1;
  int read_errno = 0;
  struct stat before {};
  bool regular = false;
  if (path != "-") {
    // Opened first and checked by fstat on the descriptor, so a path swapped in between cannot
    // slip past the checks. O_NONBLOCK keeps the open of a FIFO from blocking (it is refused by
    // the fstat below; on a regular file the flag changes nothing); O_NOCTTY keeps a terminal
    // from becoming ours. The stat() before open() of earlier versions (a path look-up per
    // document) is made only when open fails, for the same messages as before.
    fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
      const int open_errno = errno;
      struct stat st {};
      if (stat(path.c_str(), &st) != 0) return Error{"io", std::string("cannot read: ") + std::strerror(errno)};
      if (S_ISDIR(st.st_mode)) return Error{"io", "is a directory"};
      if (!S_ISREG(st.st_mode))
        return Error{"io", "not a regular file (a device, pipe or socket); give a file, or pipe it into '-'"};
      return Error{"io", std::string("cannot open: ") + std::strerror(open_errno)};
    }
    if (fstat(fd, &before) != 0) {
      int err = errno;
      ::close(fd);
      return Error{"io", std::string("cannot read: ") + std::strerror(err)};
    }
    if (S_ISDIR(before.st_mode)) {
      ::close(fd);
      return Error{"io", "is a directory"};
    }
    if (!S_ISREG(before.st_mode)) {
      ::close(fd);
      return Error{"io", "not a regular file (a device, pipe or socket); give a file, or pipe it into '-'"};
    }
    regular = true;
    if (static_cast<uint64_t>(before.st_size) > limits.max_bytes) {
      ::close(fd);
      return too_large_error(static_cast<uint64_t>(before.st_size), limits, true);
    }
  }
  bool at_end = false;
  auto read_chunk = [&](char* p, size_t cap) -> size_t {
    if (fd < 0) return std::fread(p, 1, cap, stdin);
    size_t got = 0;
    while (!at_end && got < cap) {
      const ssize_t k = ::read(fd, p + got, cap - got);
      if (k > 0) {
        got += static_cast<size_t>(k);
      } else if (k < 0 && errno == EINTR) {
        continue;
      } else {
        if (k < 0) read_errno = errno;
        at_end = true;
      }
    }
    return got;
  };
  LineGuard lines{limits.max_line};
  std::optional<Error> bound;
  struct stat after {};
  bool after_known = false;
  char buf[1 << 16];
  if (regular) {
    // A regular file is read in one read() of the size fstat gave: a letter into the buffer and
    // copied (one memcpy, cheaper than the zero fill of a string resized for it), a larger file
    // straight into the string. When all of it came, the fstat that checks for a change below
    // also stands for the read that would only have seen the end: a file that grew since the
    // open shows a new size there, and is then read on to its end as before (the message gives
    // the bytes read).
    const size_t size = static_cast<size_t>(before.st_size);
    size_t got = 0;
    if (size <= sizeof buf) {
      got = read_chunk(buf, size);
      in.bytes.assign(buf, got);
    } else {
      in.bytes.resize(size);
      got = read_chunk(in.bytes.data(), size);
      in.bytes.resize(got);
    }
    if (!lines.feed(in.bytes.data(), got)) {
      bound = line_too_long_error(lines.line_no, lines.line_start, limits);
    } else if (got == size && read_errno == 0 && fstat(fd, &after) == 0 && same_file_state(before, after)) {
      after_known = at_end = true;  // unchanged: nothing follows
    }
  }
  size_t n;
  while (!bound && !at_end && (n = read_chunk(buf, sizeof buf)) > 0) {
    if (in.bytes.size() + n > limits.max_bytes) {
      bound = too_large_error(limits.max_bytes, limits, false);
      break;
    }
    if (!lines.feed(buf, n)) {
      bound = line_too_long_error(lines.line_no, lines.line_start, limits);
      break;
    }
    in.bytes.append(buf, n);
  }
  bool failed = fd < 0 ? std::ferror(stdin) != 0 : read_errno != 0;
  int err = fd < 0 ? errno : read_errno;
  bool changed = false;
  if (regular && !bound && !failed && !after_known) {
    changed = fstat(fd, &after) != 0 || !same_file_state(before, after) ||
              in.bytes.size() != static_cast<uint64_t>(before.st_size);
  }
  if (fd >= 0) ::close(fd);
  if (bound) return *bound;
  if (failed) return Error{"io", std::string("read failed: ") + std::strerror(err)};
  if (changed)
    return Error{"changed", "the file changed while it was being read (" + std::to_string(before.st_size) +
                                " bytes when opened, " + std::to_string(in.bytes.size()) +
                                " read); it is being written to: try again when it is complete"};
  if (auto e = load_hashing()) return *e;
  in.source.bytes = in.bytes.size();
  in.source.sha256 = sha256_hex(in.bytes);
  return in;
}

}  // namespace sagsindeks
