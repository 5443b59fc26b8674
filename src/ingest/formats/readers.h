// The format readers behind the sniffer, called in-process: what libsagsindeks-formats.so (the
// format plugin, plugin.h) runs. The rest of sagsindeks reaches them only through
// extract_format() (sniff.h), which loads the plugin on first need, so that a process that never
// reads a PDF, an e-mail or an image never maps poppler, gmime or tesseract.
//
//   auto ex = read_format("pdf", bytes, limits, /*ocr=*/true);
//
// Linked statically only where a process needs the readers without the plugin: the plugin
// itself, the reader unit tests and the `formats` fuzz target (coverage of every reader).
#pragma once
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/result.h"
#include "ingest/formats/extracted.h"

namespace sagsindeks {

// Dispatches to the reader of `format` (html, docx, odt, pdf, eml, tiff, png, jpeg). Errors: those
// of refuse_format() (sniff.h) and of each reader. Never prints, never throws.
Result<ExtractedText> read_format(const std::string& format, std::string_view bytes, const Limits& limits, bool ocr);

}  // namespace sagsindeks
