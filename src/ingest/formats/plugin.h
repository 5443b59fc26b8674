// The format plugin: the readers that need heavy libraries (poppler, tesseract/leptonica, gmime,
// libxml2, libzip, libpng, libjpeg: ~75 shared libraries with their dependencies) are built as
// libsagsindeks-formats.so, a CMake MODULE that the binary dlopen()s on the first document that
// needs a reader (extract_format, sniff.h). A process that reads only plain text, or searches,
// shows or exports the index, never maps them: start-up of `sagsindeks search` fell from 86
// shared libraries to 11 (README, Speed).
//
// Where the binary looks, first match wins (format_plugin_candidates()):
//   1. $SAGSINDEKS_PLUGIN_DIR when set and not empty, and then nowhere else (an explicit choice
//      is not second-guessed);
//   2. the folder of the running executable (/proc/self/exe): build/ after `cmake --build`;
//   3. the install folder relative to the executable (bin/../lib/<multiarch>/sagsindeks);
//   4. the install folder as configured (CMAKE_INSTALL_FULL_LIBDIR/sagsindeks);
//   5. the build folder the binary was built in, for tests and tools built in its subfolders.
// A missing or mismatched plugin is an Error "plugin" for each document that needs a reader
// ("format plugin not found at ...: reinstall sagsindeks or set SAGSINDEKS_PLUGIN_DIR"); plain
// text is analysed as ever.
//
// Contract: the plugin exports one C symbol, sagsindeks_format_plugin_v1, returning a table whose
// function takes and returns this build's C++ types (std::string, Result, Limits, ExtractedText).
// So binary and plugin must come from the same build of the same compiler and standard library:
// the table carries kFormatPluginAbi, the sizes of the types that cross, and the version, and
// the loader refuses a plugin whose stamp differs. Bump kFormatPluginAbi whenever a type here,
// in extracted.h, limits.h or result.h changes in a way sizeof does not show.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.h"
#include "core/result.h"
#include "ingest/formats/extracted.h"

namespace sagsindeks {

inline constexpr uint32_t kFormatPluginAbi = 1;
inline constexpr const char* kFormatPluginFile = "libsagsindeks-formats.so";
inline constexpr const char* kFormatPluginSymbol = "sagsindeks_format_plugin_v1";

// The sizes of everything that crosses, folded into one number: a cheap check that both sides
// were compiled from the same headers.
inline constexpr uint64_t format_plugin_layout() {
  return (sizeof(Limits) << 48) ^ (sizeof(ExtractedText) << 32) ^ (sizeof(EmbeddedPart) << 16) ^
         (sizeof(Error) << 8) ^ sizeof(std::string) ^ (sizeof(Result<ExtractedText>) << 40);
}

struct FormatPluginV1 {
  uint32_t abi;         // kFormatPluginAbi of the plugin's build
  uint64_t layout;      // format_plugin_layout() of the plugin's build
  const char* version;  // the project version, for the message when the stamps differ
  // read_format (readers.h) with the caller's per-document deadline (core/limits.h), which the
  // plugin's readers check: a thread-local does not cross a dlopen()ed module's boundary.
  // time_point::max() means none.
  Result<ExtractedText> (*extract)(const std::string& format, std::string_view bytes, const Limits& limits, bool ocr,
                                   std::chrono::steady_clock::time_point deadline);
};

// Where the loader looks, in order (see above). Exposed for the error message and the tests.
std::vector<std::string> format_plugin_candidates();

// Loads the plugin once per process (thread-safe; a failure is remembered). nullptr and `error`
// set when it cannot be loaded. Never unloaded: readers keep per-thread engines (OCR).
const FormatPluginV1* format_plugin(Error* error = nullptr);

}  // namespace sagsindeks

extern "C" const sagsindeks::FormatPluginV1* sagsindeks_format_plugin_v1();
