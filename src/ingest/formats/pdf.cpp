// PDF → text with poppler-cpp, then running headers/footers and page numbers removed.
#include "ingest/formats/pdf.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <cctype>
#include <climits>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "ingest/formats/ocr.h"

namespace sagsindeks {

namespace {

std::mutex& poppler_mutex() {
  static std::mutex m;
  return m;
}

void quiet(const std::string&, void*) {}

// One page's lines: control characters dropped, layout space runs collapsed, ends trimmed.
std::vector<std::string> page_lines(const std::string& raw) {
  std::vector<std::string> lines;
  std::string cur;
  bool space = false;
  auto flush = [&] {
    while (!cur.empty() && cur.back() == ' ') cur.pop_back();
    lines.push_back(std::move(cur));
    cur.clear();
    space = false;
  };
  for (char c : raw) {
    if (c == '\n') {
      flush();
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || (static_cast<unsigned char>(c) < 0x20)) {
      if (c == '\f') continue;
      space = !cur.empty();
    } else {
      if (space) cur.push_back(' ');
      space = false;
      cur.push_back(c);
    }
  }
  if (!cur.empty()) flush();
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The line with digits made neutral, so "Side 2 af 5" on page 2 matches "Side 3 af 5" on page 3.
std::string shape(const std::string& line) {
  std::string s;
  for (char c : line) s.push_back(c >= '0' && c <= '9' ? '#' : c);
  return s;
}

// "3", "- 3 -", "Side 3", "Side 3 af 7", "side 3/7", "Page 3 of 7", "3/7".
bool is_page_number(const std::string& line) {
  std::string s;
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == ' ' || c == '-') continue;
    if (c == 0xE2 && i + 2 < line.size() && static_cast<unsigned char>(line[i + 1]) == 0x80) {  // – —
      i += 2;
      continue;
    }
    s.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  }
  for (const char* p : {"side", "page", "s."})
    if (s.rfind(p, 0) == 0) {
      s = s.substr(std::string(p).size());
      break;
    }
  size_t i = 0, d = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++d;
  if (d == 0 || d > 4) return false;
  if (i == s.size()) return true;
  for (const char* sep : {"af", "of", "/"}) {
    std::string sp(sep);
    if (s.compare(i, sp.size(), sp) == 0) {
      size_t j = i + sp.size(), e = 0;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j, ++e;
      return e > 0 && e <= 4 && j == s.size();
    }
  }
  return false;
}

constexpr int kEdge = 3;  // lines at the top and at the bottom of a page that may be running

// Indices of the first/last kEdge non-empty lines.
std::vector<size_t> edge_lines(const std::vector<std::string>& lines, bool top) {
  std::vector<size_t> out;
  if (top) {
    for (size_t i = 0; i < lines.size() && out.size() < kEdge; ++i)
      if (!lines[i].empty()) out.push_back(i);
  } else {
    for (size_t i = lines.size(); i > 0 && out.size() < kEdge; --i)
      if (!lines[i - 1].empty()) out.push_back(i - 1);
  }
  return out;
}

}  // namespace

Result<ExtractedText> extract_pdf(std::string_view bytes, const Limits& limits, bool ocr) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return too_large_error(bytes.size(), limits, true);
  // Held for every poppler call; released while tesseract reads a rendered page (the document
  // stays open but untouched), so OCR in other threads is not serialised behind this one.
  std::unique_lock<std::mutex> lock(poppler_mutex());
  poppler::set_debug_error_function(quiet, nullptr);
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) return Error{"pdf", "not a readable PDF (damaged, truncated, or encrypted in a way that cannot be opened)"};
  if (doc->is_locked()) return Error{"encrypted", "the PDF is encrypted and needs a password to open"};

  ExtractedText ex;
  std::vector<std::vector<std::string>> pages;
  const int n = doc->pages();
  int ocr_pages = 0, skipped = 0;
  double conf_sum = 0;
  for (int i = 0; i < n; ++i) {
    if (deadline_expired()) return timeout_error("reading the PDF's pages", limits);
    std::unique_ptr<poppler::page> p(doc->create_page(i));
    if (!p) {
      pages.emplace_back();
      continue;
    }
    poppler::byte_array u = p->text(poppler::rectf(), poppler::page::physical_layout).to_utf8();
    std::string text(u.begin(), u.end());
    if (blank(text) && ocr) {
      // No text layer on this page (a scan): render it in gray and read it with tesseract.
      if (static_cast<uint64_t>(ocr_pages) == limits.max_ocr_pages) {
        ++skipped;
        pages.emplace_back();
        continue;
      }
      poppler::rectf box = p->page_rect();
      double px = box.width() / 72.0 * kOcrDpi * box.height() / 72.0 * kOcrDpi, dpi = kOcrDpi;
      if (px > static_cast<double>(kMaxOcrPixels)) dpi *= std::sqrt(static_cast<double>(kMaxOcrPixels) / px);
      poppler::page_renderer renderer;
      renderer.set_image_format(poppler::image::format_gray8);
      renderer.set_render_hints(poppler::page_renderer::antialiasing | poppler::page_renderer::text_antialiasing);
      poppler::image img = renderer.render_page(p.get(), dpi, dpi);
      if (!img.is_valid() || img.width() <= 0 || img.height() <= 0 ||
          static_cast<uint64_t>(img.width()) * static_cast<uint64_t>(img.height()) > 2 * kMaxOcrPixels) {
        pages.emplace_back();
        continue;
      }
      lock.unlock();
      auto page = ocr_gray8(reinterpret_cast<const unsigned char*>(img.const_data()), img.width(), img.height(),
                            img.bytes_per_row(), static_cast<int>(std::lround(dpi)));
      lock.lock();
      if (!page.ok()) {
        if (page.error().code == "timeout") return timeout_error("recognising a scanned page's text (OCR)", limits);
        return page.error();
      }
      ++ocr_pages;
      conf_sum += page->confidence;
      text = std::move(page->text);
    }
    pages.push_back(page_lines(text));
  }
  if (ocr_pages > 0) {
    ex.ocr = true;
    ex.ocr_confidence = std::round(conf_sum / ocr_pages * 1000) / 1000;
  }
  if (skipped > 0)
    ex.warnings.push_back(std::to_string(skipped) + " pages without a text layer were not OCR'd (at most " +
                          std::to_string(limits.max_ocr_pages) + " a document; raise it with --max-ocr-pages)");

  // Running lines: the same shape at the top (or bottom) of at least half the pages, and of two.
  std::map<std::string, int> top_count, bottom_count;
  for (const auto& lines : pages) {
    std::set<std::string> t, b;
    for (size_t i : edge_lines(lines, true)) t.insert(shape(lines[i]));
    for (size_t i : edge_lines(lines, false)) b.insert(shape(lines[i]));
    for (const auto& s : t) ++top_count[s];
    for (const auto& s : b) ++bottom_count[s];
  }
  auto running = [&](const std::map<std::string, int>& counts, const std::string& s) {
    auto it = counts.find(s);
    return it != counts.end() && it->second >= 2 && it->second * 2 >= static_cast<int>(pages.size());
  };

  for (const auto& lines : pages) {
    std::set<size_t> drop;
    for (bool top : {true, false}) {
      auto edge = edge_lines(lines, top);
      for (size_t k = 0; k < edge.size(); ++k) {
        const std::string& l = lines[edge[k]];
        if (running(top ? top_count : bottom_count, shape(l)) || (k < 2 && is_page_number(l))) drop.insert(edge[k]);
      }
    }
    std::string page;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (drop.count(i)) continue;
      if (lines[i].empty() && (page.empty() || page.ends_with("\n\n"))) continue;
      page += lines[i];
      page.push_back('\n');
    }
    while (page.ends_with("\n\n")) page.pop_back();
    if (page.empty()) continue;
    if (!ex.text.empty()) ex.text.push_back('\n');  // a page break is a blank line
    ex.text += page;
    if (ex.text.size() > limits.max_bytes)
      return Error{"too_large", "the PDF's text is over " + std::to_string(limits.max_bytes) +
                                    " bytes (raise the limit with --max-bytes)"};
  }
  if (blank(ex.text))
    return Error{"no_text", ocr ? "the PDF has no text layer and OCR found no text in its pages"
                                : "the PDF has no text layer (a scan?) and OCR is off (--no-ocr)"};
  ex.encoding = "UTF-8";
  return ex;
}

}  // namespace sagsindeks
