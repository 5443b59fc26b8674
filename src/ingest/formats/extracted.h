// What a format reader hands on: UTF-8 text in reading order, ready for decode/normalise, plus
// the metadata the format carries (e-mail headers). Readers never print and never throw.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace sagsindeks {

struct ExtractedText {
  std::string text;      // UTF-8; paragraphs end with "\n", page breaks are a blank line
  std::string encoding;  // of the source where the format has one (HTML: as decided); else ""
  std::vector<std::pair<std::string, std::string>> metadata;  // e.g. {"from", "..."} for e-mail
  bool ocr = false;               // some of the text was recognised from page images
  double ocr_confidence = 0.0;    // then: mean over the OCR'd pages of tesseract's confidence, 0-1
  std::vector<std::string> warnings;  // for the record's warnings (pages left un-OCR'd, ...)
};

}  // namespace sagsindeks
