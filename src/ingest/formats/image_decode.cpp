// PNG (libpng's simplified API, which reports through png_image::message and never prints) and
// JPEG (libjpeg with an error manager that returns by longjmp and keeps messages) to 8-bit gray.
#include "ingest/formats/image_decode.h"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

#include <jpeglib.h>

namespace sagsindeks {

namespace {

Error too_large(uint64_t w, uint64_t h, uint64_t max_pixels) {
  return Error{"too_large", "the image is " + std::to_string(w) + " x " + std::to_string(h) +
                                " pixels, over the OCR bound of " + std::to_string(max_pixels) + " pixels"};
}

// The resolution from a pHYs chunk before the first IDAT (the simplified API does not expose it).
int png_dpi(std::string_view s) {
  size_t at = 8;
  while (at + 8 <= s.size()) {
    uint32_t len = (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) |
                   (uint32_t(uint8_t(s[at + 2])) << 8) | uint32_t(uint8_t(s[at + 3]));
    std::string_view type = s.substr(at + 4, 4);
    if (type == "IDAT" || type == "IEND") break;
    if (type == "pHYs" && len == 9 && at + 8 + 9 <= s.size()) {
      const char* d = s.data() + at + 8;
      uint32_t ppu = (uint32_t(uint8_t(d[0])) << 24) | (uint32_t(uint8_t(d[1])) << 16) |
                     (uint32_t(uint8_t(d[2])) << 8) | uint32_t(uint8_t(d[3]));
      if (d[8] == 1) return static_cast<int>(ppu * 0.0254 + 0.5);  // unit 1: pixels per metre
      return 0;
    }
    if (len > s.size()) break;
    at += 12 + static_cast<size_t>(len);
  }
  return 0;
}

Result<GrayImage> decode_png(std::string_view bytes, uint64_t max_pixels) {
  png_image img;
  std::memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  auto damaged = [&] {
    std::string why = img.message[0] ? std::string(" (") + img.message + ")" : "";
    png_image_free(&img);
    return Error{"image", "the PNG image cannot be decoded: damaged or truncated" + why};
  };
  if (!png_image_begin_read_from_memory(&img, bytes.data(), bytes.size())) return damaged();
  if (static_cast<uint64_t>(img.width) * img.height > max_pixels) {
    Error e = too_large(img.width, img.height, max_pixels);
    png_image_free(&img);
    return e;
  }
  img.format = PNG_FORMAT_GRAY;
  png_color white{255, 255, 255};  // transparent areas become paper, not black ink
  GrayImage g;
  g.width = static_cast<int>(img.width);
  g.height = static_cast<int>(img.height);
  g.pixels.resize(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, &white, g.pixels.data(), 0, nullptr)) return damaged();
  if (img.warning_or_error & PNG_IMAGE_WARNING) g.warning = std::string("PNG decoder: ") + img.message;
  png_image_free(&img);
  g.dpi = png_dpi(bytes);
  return g;
}

// libjpeg's error manager: error_exit jumps back instead of exit(); messages are kept, not printed.
struct JpegErr {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char last[JMSG_LENGTH_MAX] = "";
  bool warned = false;
};

void jpeg_fail(j_common_ptr c) {
  auto* e = reinterpret_cast<JpegErr*>(c->err);
  c->err->format_message(c, e->last);
  std::longjmp(e->jump, 1);
}

void jpeg_note(j_common_ptr c, int level) {
  if (level >= 0) return;  // trace messages
  auto* e = reinterpret_cast<JpegErr*>(c->err);
  if (!e->warned) c->err->format_message(c, e->last);  // "Premature end of JPEG file", corrupt data
  e->warned = true;
}

Result<GrayImage> decode_jpeg(std::string_view bytes, uint64_t max_pixels) {
  jpeg_decompress_struct cinfo;
  JpegErr err;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_fail;
  err.mgr.emit_message = jpeg_note;
  err.mgr.output_message = [](j_common_ptr) {};
  // Locals changed between setjmp and a longjmp are indeterminate after it: the image lives on
  // the heap behind a pointer that never changes.
  auto out = std::make_unique<GrayImage>();
  GrayImage& g = *out;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return Error{"image", std::string("the JPEG image cannot be decoded: damaged or truncated (") + err.last + ")"};
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  if (static_cast<uint64_t>(cinfo.image_width) * cinfo.image_height > max_pixels) {
    Error e = too_large(cinfo.image_width, cinfo.image_height, max_pixels);
    jpeg_destroy_decompress(&cinfo);
    return e;
  }
  cinfo.out_color_space = JCS_GRAYSCALE;
  if (cinfo.density_unit == 1) g.dpi = cinfo.X_density;
  else if (cinfo.density_unit == 2) g.dpi = static_cast<int>(cinfo.X_density * 2.54 + 0.5);
  jpeg_start_decompress(&cinfo);
  g.width = static_cast<int>(cinfo.output_width);
  g.height = static_cast<int>(cinfo.output_height);
  g.pixels.resize(static_cast<size_t>(g.width) * static_cast<size_t>(g.height));
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = g.pixels.data() + static_cast<size_t>(cinfo.output_scanline) * static_cast<size_t>(g.width);
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  if (err.warned) g.warning = std::string("JPEG decoder: ") + err.last;
  return std::move(g);
}

}  // namespace

Result<GrayImage> decode_gray(const std::string& format, std::string_view bytes, uint64_t max_pixels) {
  if (format == "png") return decode_png(bytes, max_pixels);
  if (format == "jpeg") return decode_jpeg(bytes, max_pixels);
  return Error{"image", "no gray decoder for format '" + format + "'"};
}

}  // namespace sagsindeks
