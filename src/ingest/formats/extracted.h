// What a format reader hands on: UTF-8 text in reading order, ready for decode/normalise, plus
// the metadata the format carries (e-mail headers). Readers never print and never throw.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sagsindeks {

// A document carried inside another (an e-mail attachment, a forwarded message), handed back
// as bytes for the caller to read like a file of its own.
struct EmbeddedPart {
  std::string id;            // MIME section number (IMAP, RFC 3501) within its container: "2", "2.1"
  std::string name;          // file name as sent, "" when none
  std::string content_type;  // lower case, "application/octet-stream" when none was declared
  bool message = false;      // message/rfc822: read as an e-mail whatever its headers look like
  std::string bytes;         // transfer encoding (base64, quoted-printable) decoded
};

// True when `s` holds nothing but white space: a page or document without text.
inline bool blank(std::string_view s) { return s.find_first_not_of(" \t\n\v\f\r") == std::string_view::npos; }

struct ExtractedText {
  std::string text;      // UTF-8; paragraphs end with "\n", page breaks are a blank line
  std::string encoding;  // of the source where the format has one (HTML: as decided); else ""
  std::vector<std::pair<std::string, std::string>> metadata;  // e.g. {"from", "..."} for e-mail
  bool ocr = false;               // some of the text was recognised from page images
  double ocr_confidence = 0.0;    // then: mean over the OCR'd pages of tesseract's confidence, 0-1
  std::vector<std::string> warnings;  // for the record's warnings (pages left un-OCR'd, ...)
  std::vector<EmbeddedPart> parts;    // e-mail attachments, in MIME order
};

}  // namespace sagsindeks
