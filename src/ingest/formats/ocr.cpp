// OCR with tesseract and leptonica: one engine per thread, pages bounded in number, size and time.
#include "ingest/formats/ocr.h"

#include "ingest/formats/image_decode.h"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>

namespace sagsindeks {

namespace {

// Leptonica reports errors on stderr unless told not to; the library never prints.
void quiet_leptonica() {
  static std::once_flag once;
  std::call_once(once, [] {
    setMsgSeverity(L_SEVERITY_NONE);
    setLeptDebugOK(0);
    leptSetStderrHandler([](const char*) {});  // e.g. "Bad file: amount too big" on truncated input
  });
}

// The thread's engine, initialised on first use. A failed load is remembered: it would fail again.
struct Engine {
  tesseract::TessBaseAPI api;
  bool tried = false;
  std::optional<Error> failed;
  ~Engine() { api.End(); }
};

Result<tesseract::TessBaseAPI*> engine() {
  // Tesseract calls leptonica on every page (e.g. "Error in boxClipToRectangle" on odd scans).
  quiet_leptonica();
  thread_local Engine e;
  if (!e.tried) {
    e.tried = true;
    // Tesseract's messages ("Estimating resolution", load failures) go to its debug file.
    e.api.SetVariable("debug_file", "/dev/null");
    // nullptr datapath: $TESSDATA_PREFIX when set, else the packaged tessdata folder.
    if (e.api.Init(nullptr, "dan", tesseract::OEM_DEFAULT) != 0) {
      e.failed = Error{"ocr",
                       "cannot load tesseract's Danish model 'dan' (install tesseract-ocr-dan, or point "
                       "TESSDATA_PREFIX at a folder holding dan.traineddata; --no-ocr skips scanned pages)"};
    } else {
      e.api.SetPageSegMode(tesseract::PSM_AUTO);
    }
  }
  if (e.failed) return *e.failed;
  return &e.api;
}

// Tesseract's cancel hook: the thread's deadline, read before recognition starts (the hook may be
// called from tesseract's own worker threads, which do not share the thread-local).
bool past(void* deadline, int /*words*/) {
  return std::chrono::steady_clock::now() > *static_cast<std::chrono::steady_clock::time_point*>(deadline);
}

// Recognises the image the engine holds. Always clears the engine for the next page.
Result<OcrPage> recognise(tesseract::TessBaseAPI* api) {
  struct Clear {
    tesseract::TessBaseAPI* api;
    ~Clear() { api->Clear(); }
  } clear{api};
  auto deadline = detail::tl_deadline;
  tesseract::ETEXT_DESC monitor;
  monitor.cancel = past;
  monitor.cancel_this = &deadline;
  int rc = api->Recognize(&monitor);
  if (deadline_expired()) return Error{"timeout", ""};  // the caller words it (timeout_error)
  if (rc != 0) return Error{"ocr", "tesseract could not recognise the page"};
  std::unique_ptr<char[]> text(api->GetUTF8Text());
  OcrPage page;
  if (text) page.text = text.get();
  int conf = api->MeanTextConf();
  page.confidence = conf < 0 ? 0.0 : conf / 100.0;
  return page;
}

}  // namespace

Result<OcrPage> ocr_gray8(const unsigned char* pixels, int width, int height, int bytes_per_row, int dpi) {
  auto api = engine();
  if (!api.ok()) return api.error();
  (*api)->SetImage(pixels, width, height, 1, bytes_per_row);
  (*api)->SetSourceResolution(dpi);
  return recognise(*api);
}

Result<ExtractedText> extract_image(std::string_view bytes, const Limits& limits) {
  // PNG and JPEG are decoded here rather than by leptonica, whose libpng/libjpeg handlers print
  // warnings and errors of damaged files to stderr.
  std::string gray_format = bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8) ? "png"
                            : bytes.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3)     ? "jpeg"
                                                                                                : "";
  if (!gray_format.empty()) {
    if (limits.max_ocr_pages == 0) return Error{"no_text", "the image was not OCR'd (--max-ocr-pages 0)"};
    auto img = decode_gray(gray_format, bytes, std::min<uint64_t>(kMaxOcrPixels, limits.max_bytes));
    if (!img.ok()) return img.error();
    auto page = ocr_gray8(img->pixels.data(), img->width, img->height, img->width, img->dpi > 0 ? img->dpi : kOcrDpi);
    if (!page.ok()) {
      if (page.error().code == "timeout") return timeout_error("recognising the image's text (OCR)", limits);
      return page.error();
    }
    if (blank(page->text)) return Error{"no_text", "OCR found no text in the image"};
    ExtractedText ex;
    ex.text = std::move(page->text);
    ex.encoding = "UTF-8";
    ex.ocr = true;
    ex.ocr_confidence = std::round(page->confidence * 1000) / 1000;
    if (!img->warning.empty()) ex.warnings.push_back("the image is damaged (" + img->warning + "); its text may be incomplete");
    return ex;
  }
  quiet_leptonica();
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  // The header first: a small file may declare a huge image (a decompression bomb).
  l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
  if (pixReadHeaderMem(data, bytes.size(), &format, &w, &h, &bps, &spp, &cmap) != 0 || w <= 0 || h <= 0)
    return Error{"image", "not a readable image (damaged or truncated)"};
  auto too_big = [&](l_int32 pw, l_int32 ph) -> std::optional<Error> {
    uint64_t px = static_cast<uint64_t>(pw) * static_cast<uint64_t>(ph);
    if (px <= kMaxOcrPixels && px <= limits.max_bytes) return std::nullopt;
    return Error{"too_large", "the image is " + std::to_string(pw) + " x " + std::to_string(ph) +
                                  " pixels, over the OCR bound of " + std::to_string(kMaxOcrPixels) + " pixels"};
  };
  if (auto e = too_big(w, h)) return *e;
  auto api = engine();
  if (!api.ok()) return api.error();

  ExtractedText ex;
  int pages = 0;
  double conf_sum = 0;
  bool tiff = format == IFF_TIFF || (format >= IFF_TIFF_PACKBITS && format <= IFF_TIFF_JPEG);
  size_t offset = 0;  // next TIFF directory
  for (;;) {
    if (deadline_expired()) return timeout_error("recognising the image's text (OCR)", limits);
    if (static_cast<uint64_t>(pages) == limits.max_ocr_pages) {
      if (tiff && offset != 0)
        ex.warnings.push_back("only the first " + std::to_string(limits.max_ocr_pages) +
                              " pages of the TIFF were OCR'd (raise the bound with --max-ocr-pages)");
      break;
    }
    PIX* raw = tiff ? pixReadMemFromMultipageTiff(data, bytes.size(), &offset) : pixReadMem(data, bytes.size());
    if (!raw) {
      if (pages > 0) break;
      return Error{"image", "the image cannot be decoded (damaged or truncated)"};
    }
    std::unique_ptr<PIX, void (*)(PIX*)> pix(raw, [](PIX* p) { pixDestroy(&p); });
    if (auto e = too_big(pixGetWidth(raw), pixGetHeight(raw))) return *e;  // later TIFF pages too
    // Scans often carry no resolution; tesseract then guesses from the text height, but a stated
    // 300 dpi is the common scanner default and steadies its page segmentation.
    if (pixGetXRes(raw) <= 0) pixSetResolution(raw, kOcrDpi, kOcrDpi);
    (*api)->SetImage(raw);
    auto page = recognise(*api);
    if (!page.ok()) {
      if (page.error().code == "timeout") return timeout_error("recognising the image's text (OCR)", limits);
      return page.error();
    }
    ++pages;
    conf_sum += page->confidence;
    if (!blank(page->text)) {
      if (!ex.text.empty()) ex.text.push_back('\n');  // a page break is a blank line
      ex.text += page->text;
    }
    if (!tiff || offset == 0) break;  // pixReadMemFromMultipageTiff sets offset 0 after the last page
  }
  if (blank(ex.text)) return Error{"no_text", "OCR found no text in the image"};
  ex.encoding = "UTF-8";
  ex.ocr = true;
  ex.ocr_confidence = pages ? std::round(conf_sum / pages * 1000) / 1000 : 0.0;
  return ex;
}

}  // namespace sagsindeks
