// PDF with a text layer → text, with poppler-cpp (physical layout, page by page).
//
// Pages in order, separated by a blank line. Running headers and footers (a line, digits
// ignored, among the first or last three lines of at least half the pages, and at least two
// pages) and bare page numbers at the top or bottom of a page ("3", "- 3 -", "Side 3 af 7",
// "3/7") are dropped. Runs of layout spaces are collapsed. Words hyphenated across lines are left
// for the normaliser, which joins them when the dictionary knows the word.
// Errors: "pdf" (not a readable PDF, or no text layer: a scan needs OCR), "encrypted" (a user
// password is needed), "timeout". Cost: poppler's text extraction; documents are processed one at
// a time process-wide (a mutex), since poppler's global state is not safe to share freely.
#pragma once
#include <string_view>

#include "core/limits.h"
#include "core/result.h"
#include "ingest/formats/extracted.h"

namespace sagsindeks {

Result<ExtractedText> extract_pdf(std::string_view bytes, const Limits& limits);

}  // namespace sagsindeks
