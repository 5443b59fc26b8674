// PNG and JPEG decoding to 8-bit gray for OCR, with libpng's and libjpeg's errors and warnings
// caught and returned: their default handlers print to stderr (leptonica installs them), and the
// library never prints.
//
//   auto g = decode_gray("png", bytes, max_pixels);   // Result<GrayImage>
//   if (g.ok()) ocr_gray8(g->pixels.data(), g->width, g->height, g->width, g->dpi);
//
// Cost: one pass over the compressed data; the image is held once, 1 byte a pixel. The size is
// read from the header first and checked against `max_pixels` before anything is decoded.
// Errors: "image" (damaged, truncated, or a colour model libjpeg cannot turn into gray: CMYK),
// "too_large" (over max_pixels).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sagsindeks {

struct GrayImage {
  std::vector<unsigned char> pixels;  // row-major, `width` bytes a row
  int width = 0, height = 0;
  int dpi = 0;                        // from pHYs / JFIF density; 0 when the file does not say
  std::string warning;                // a decoder warning (data damaged but decoded), for the record
};

// `format` is "png" or "jpeg" (as sniffed).
Result<GrayImage> decode_gray(const std::string& format, std::string_view bytes, uint64_t max_pixels);

}  // namespace sagsindeks
