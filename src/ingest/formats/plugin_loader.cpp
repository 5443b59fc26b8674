// Finding and loading the format plugin (plugin.h), and extract_format() on top of it.
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "ingest/formats/plugin.h"
#include "ingest/formats/sniff.h"

namespace sagsindeks {

namespace {

std::string exe_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

void add(std::vector<std::string>& v, const std::string& dir) {
  if (dir.empty()) return;
  std::string path = (std::filesystem::path(dir) / kFormatPluginFile).lexically_normal().string();
  for (const auto& p : v)
    if (p == path) return;
  v.push_back(path);
}

struct Loaded {
  const FormatPluginV1* plugin = nullptr;
  Error error;
};

// Tries each candidate; the first that loads with a matching stamp wins. Why each failed goes
// into the error, so that a packager sees a wrong build as well as a missing file.
Loaded load() {
  Loaded out;
  auto candidates = format_plugin_candidates();
  std::string missing, problems;
  for (const auto& path : candidates) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      missing += (missing.empty() ? "" : ", ") + path;
      continue;
    }
    // RTLD_NOW: an unresolvable symbol fails here, not in the middle of a document.
    // RTLD_LOCAL: the plugin's libraries stay out of the binary's symbol lookup.
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      const char* e = dlerror();
      problems += "; " + path + " cannot be loaded (" + (e ? e : "unknown error") + ")";
      continue;
    }
    auto entry = reinterpret_cast<const FormatPluginV1* (*)()>(dlsym(h, kFormatPluginSymbol));
    const FormatPluginV1* p = entry ? entry() : nullptr;
    if (!p) {
      problems += "; " + path + " is not a sagsindeks format plugin (no " + kFormatPluginSymbol + ")";
    } else if (p->abi != kFormatPluginAbi || p->layout != format_plugin_layout() ||
               std::string(p->version) != SAGSINDEKS_VERSION) {
      problems += "; " + path + " is from another build (version " + p->version + ", interface " +
                  std::to_string(p->abi) + "; this binary: " + SAGSINDEKS_VERSION + ", " +
                  std::to_string(kFormatPluginAbi) + ")";
    } else {
      out.plugin = p;
      return out;
    }
    dlclose(h);
  }
  // "format plugin not found at A, B: reinstall ...", and why a file that is there was refused.
  std::string msg = missing.empty() ? "no usable format plugin" : "format plugin not found at " + missing;
  msg += problems;
  msg += ": reinstall sagsindeks or set SAGSINDEKS_PLUGIN_DIR to the folder holding ";
  msg += kFormatPluginFile;
  out.error = Error{"plugin", msg};
  return out;
}

}  // namespace

std::vector<std::string> format_plugin_candidates() {
  std::vector<std::string> v;
  const char* env = std::getenv("SAGSINDEKS_PLUGIN_DIR");
  if (env && *env) {
    add(v, env);
    return v;
  }
  std::string here = exe_dir();
  add(v, here);
  if (!here.empty()) add(v, here + "/" + SAGSINDEKS_PLUGIN_RELATIVE_DIR);
  add(v, SAGSINDEKS_PLUGIN_INSTALL_DIR);
#ifdef SAGSINDEKS_PLUGIN_BUILD_DIR
  add(v, SAGSINDEKS_PLUGIN_BUILD_DIR);
#endif
  return v;
}

const FormatPluginV1* format_plugin(Error* error) {
  static const Loaded loaded = load();  // C++ guarantees one thread loads, the others wait
  if (!loaded.plugin && error) *error = loaded.error;
  return loaded.plugin;
}

Result<ExtractedText> extract_format(const std::string& format, std::string_view bytes, const Limits& limits,
                                     bool ocr) {
  if (auto refused = refuse_format(format, ocr)) return *refused;
  Error e;
  const FormatPluginV1* p = format_plugin(&e);
  if (!p) return e;
  return p->extract(format, bytes, limits, ocr, detail::tl_deadline);
}

}  // namespace sagsindeks
