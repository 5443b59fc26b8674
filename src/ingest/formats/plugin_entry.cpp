// The format plugin's one exported symbol (plugin.h); everything else in the module is hidden by
// its version script (plugin.map), so its copies of sagsindeks code bind to themselves.
#include "ingest/formats/plugin.h"
#include "ingest/formats/readers.h"

namespace sagsindeks {
namespace {

Result<ExtractedText> extract(const std::string& format, std::string_view bytes, const Limits& limits, bool ocr,
                              std::chrono::steady_clock::time_point deadline) {
  // The module has its own copy of the thread-local deadline (core/limits.h): set it from the
  // caller's for this call, and restore it after (a reader may call back in: none does now).
  auto saved = detail::tl_deadline;
  detail::tl_deadline = deadline;
  auto r = read_format(format, bytes, limits, ocr);
  detail::tl_deadline = saved;
  return r;
}

const FormatPluginV1 kPlugin{kFormatPluginAbi, format_plugin_layout(), SAGSINDEKS_VERSION, &extract};

}  // namespace
}  // namespace sagsindeks

extern "C" __attribute__((visibility("default"))) const sagsindeks::FormatPluginV1* sagsindeks_format_plugin_v1() {
  return &sagsindeks::kPlugin;
}
