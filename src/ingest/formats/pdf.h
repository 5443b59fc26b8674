// PDF with a text layer → text, with poppler-cpp (physical layout, page by page).
//
// Pages in order, separated by a blank line. Running headers and footers (a line, digits
// ignored, among the first or last three lines of at least half the pages, and at least two
// pages) and bare page numbers at the top or bottom of a page ("3", "- 3 -", "Side 3 af 7",
// "3/7") are dropped. Runs of layout spaces are collapsed. Words hyphenated across lines are left
// for the normaliser, which joins them when the dictionary knows the word.
// Pages without a text layer (scans) are rendered at 300 dpi in gray and read by tesseract in
// Danish (ingest/formats/ocr.h) when `ocr` is on, at most limits.max_ocr_pages of them; the result then
// has ocr = true and the pages' mean OCR confidence.
// Errors: "pdf" (not a readable PDF), "no_text" (no text layer and OCR off, or OCR found nothing),
// "encrypted" (a user password is needed), "timeout", and those of OCR ("ocr", ...). Cost:
// poppler's text extraction, plus 1-3 s a scanned page; poppler calls are made one at a time
// process-wide (a mutex), since its global state is not safe to share freely; OCR runs outside it.
#pragma once
#include <string_view>

#include "core/limits.h"
#include "core/result.h"
#include "ingest/formats/extracted.h"

namespace sagsindeks {

Result<ExtractedText> extract_pdf(std::string_view bytes, const Limits& limits, bool ocr = true);

}  // namespace sagsindeks
