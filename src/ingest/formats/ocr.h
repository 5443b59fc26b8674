// OCR of scanned pages, with tesseract (Danish model "dan") and leptonica.
//
//   auto page = ocr_gray8(pixels, width, height, bytes_per_row, 300);   // a rendered PDF page
//   auto ex = extract_image(bytes, limits);                             // a TIFF/PNG/JPEG file
//
// The engine is loaded once per thread (a thread_local tesseract::TessBaseAPI, ~0.3 s and ~30 MB
// the first time a thread needs it) and reused for every page after. Model files: tesseract's
// default tessdata folder (Debian: tesseract-ocr-dan), or $TESSDATA_PREFIX.
// Bounds: at most limits.max_ocr_pages pages per document (--max-ocr-pages); each page at most kMaxOcrPixels pixels (images
// over it are refused with "too_large", PDF pages are rendered at a lower resolution instead);
// the per-document deadline (core/limits.h) is checked between pages and inside recognition.
// Cost: roughly 1-3 s of CPU per A4 page at 300 dpi.
// Confidence: tesseract's mean word confidence, normalised to 0-1.
// Errors: "ocr" (the engine or its Danish model cannot be loaded), "image" (not a readable image),
// "too_large", "timeout", "no_text" (nothing recognised).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/result.h"
#include "ingest/formats/extracted.h"

namespace sagsindeks {

// Pixels per page, at most: A3 at 400 dpi (~31 Mpx; 8-bit gray, so ~31 MB while recognised).
inline constexpr uint64_t kMaxOcrPixels = 32ull << 20;
// Resolution PDF pages without a text layer are rendered at.
inline constexpr int kOcrDpi = 300;

struct OcrPage {
  std::string text;         // UTF-8, lines ending in "\n", paragraphs separated by a blank line
  double confidence = 0.0;  // 0-1
};

// One 8-bit gray image (row-major, `bytes_per_row` apart) at `dpi`.
Result<OcrPage> ocr_gray8(const unsigned char* pixels, int width, int height, int bytes_per_row, int dpi);

// "tiff", "png", "jpeg" → text, every page of a multi-page TIFF (up to limits.max_ocr_pages).
Result<ExtractedText> extract_image(std::string_view bytes, const Limits& limits);

}  // namespace sagsindeks
