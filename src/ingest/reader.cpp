// File reading: bounded, hashed with OpenSSL, errors that name the problem.
#include "ingest/reader.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace sagsindeks {

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

Result<RawInput> read_input(const std::string& path, const ReadLimits& limits) {
  RawInput in;
  in.source.path = path;
  FILE* f = nullptr;
  if (path == "-") {
    f = stdin;
  } else {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return Error{"io", std::string("cannot read: ") + std::strerror(errno)};
    if (S_ISDIR(st.st_mode)) return Error{"io", "is a directory"};
    if (!S_ISREG(st.st_mode)) return Error{"io", "not a regular file"};
    if (static_cast<uint64_t>(st.st_size) > limits.max_bytes)
      return Error{"too_large", "file is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                                    std::to_string(limits.max_bytes) + " (raise it with --max-bytes)"};
    f = std::fopen(path.c_str(), "rb");
    if (!f) return Error{"io", std::string("cannot open: ") + std::strerror(errno)};
    in.bytes.reserve(static_cast<size_t>(st.st_size));
  }
  char buf[1 << 16];
  size_t n;
  bool too_large = false;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (in.bytes.size() + n > limits.max_bytes) {
      too_large = true;
      break;
    }
    in.bytes.append(buf, n);
  }
  bool failed = std::ferror(f);
  int err = errno;
  if (f != stdin) std::fclose(f);
  if (too_large)
    return Error{"too_large", "input is over the limit of " + std::to_string(limits.max_bytes) +
                                  " bytes (raise it with --max-bytes)"};
  if (failed) return Error{"io", std::string("read failed: ") + std::strerror(err)};
  in.source.bytes = in.bytes.size();
  in.source.sha256 = sha256_hex(in.bytes);
  return in;
}

}  // namespace sagsindeks
