// Value types shared by every stage: spans into the one normalised text, and the analysis record.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sagsindeks {

// [begin, end) byte offsets into Document::text (UTF-8). The JSON writer converts them to
// code-point offsets, so that consumers in any language can slice the "text" field.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool operator==(const Span&) const = default;
  bool operator<(const Span& o) const { return begin != o.begin ? begin < o.begin : end < o.end; }
};

// Where a part of a file sits in it (an attachment of an e-mail, a message attached to a
// message). A part's record keeps its file's `path`; (path, id) names it stably.
struct PartInfo {
  std::string id;            // MIME section number as IMAP numbers it (RFC 3501): "2", "3.2"
  std::string parent;        // id of the part this one is attached to; "" when that is the file itself
  int position = 0;          // 1-based order among the parts attached to the same parent
  std::string name;          // the attachment's file name as sent ("" when none)
  std::string content_type;  // as declared by the sender, lower case ("application/pdf")
  std::string file_sha256;   // of the whole file, so a part can be tied to the version it came from
};

struct SourceInfo {
  std::string path;      // as given on the command line; "-" for standard input
  std::string sha256;    // of the raw bytes
  uint64_t bytes = 0;
  std::string format = "text";
  std::string encoding;  // "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "windows-1252", ...
  bool ocr = false;            // some text was recognised from page images (scanned PDF, TIFF/PNG/JPEG)
  double ocr_confidence = 0;   // then: tesseract's mean word confidence over the OCR'd pages, 0-1
  std::optional<PartInfo> part;  // set for a part of a file; sha256/bytes/format are then the part's
};

// The key of a record: the path, or "path#id" for a part (the index's document path).
inline std::string source_key(const SourceInfo& s) { return s.part ? s.path + "#" + s.part->id : s.path; }

// Header fields of an e-mail message (format "eml"), as the message gives them; `date` is ISO 8601
// with time and zone when the header could be parsed.
struct EmailHeaders {
  std::string from, to, date, subject;
};

// One normalised document. Every extractor reads `text`; every span points into it.
struct Document {
  SourceInfo source;
  std::string text;
  std::vector<std::string> warnings;
  std::optional<EmailHeaders> email;
};

struct Municipality {
  std::string code;  // four digits, "0101"
  std::string name;  // canonical short name, "København"
};

struct DateMention {
  std::string value;  // YYYY-MM-DD
  std::string text;
  Span span;
  std::string role;   // "document" for the document date, "reference" otherwise
  std::string rule;
};

struct IdMention {
  std::string value;  // white space removed
  std::string text;
  std::string label;
  Span span;
  std::string rule;
};

struct MunicipalityRef {
  Municipality municipality;
  std::vector<Span> mentions;
  std::string rule;  // rule of the first mention
};

struct Mayor {
  std::string name;
  std::optional<Municipality> municipality;
  Span span;
  std::string rule;
};

struct Exemption {
  std::string area;
  std::string text;
  std::vector<std::string> requested_by;  // municipality codes
  Span span;
  std::string rule;
};

struct ParliamentaryQuestion {
  std::string number;
  std::string series;
  std::optional<std::string> committee;
  Span span;
  std::string rule;
};

struct Signatory {
  std::string name;
  std::string role;  // "minister", "mayor", "official", ... or "" when not stated
  Span span;
  std::string rule;
};

struct TypeDecision {
  std::string label = "other";
  double confidence = 0.0;
  std::vector<std::string> evidence;
};

// Whether an archivist should look at the card before it is filed, and why.
struct Review {
  bool needed = false;
  std::vector<std::string> reasons;  // "low type confidence", "no document date", ...
};

struct Analysis {
  TypeDecision type;
  Review review;
  std::string title;
  std::optional<std::string> document_date;
  std::string document_date_rule;
  std::vector<DateMention> dates;
  std::vector<IdMention> case_numbers;
  std::vector<IdMention> document_numbers;
  std::vector<Mayor> mayors;
  std::vector<MunicipalityRef> municipalities;
  std::vector<Exemption> exemptions;
  std::optional<ParliamentaryQuestion> parliamentary_question;
  std::vector<Signatory> signatories;
  std::vector<std::string> warnings;
};

}  // namespace sagsindeks
