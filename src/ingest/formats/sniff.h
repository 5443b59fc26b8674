// Format sniffing by content (magic bytes), never by file name: archives rename files freely.
//
//   std::string f = sniff_format(bytes);   // "text", "html", "docx", "odt", "pdf", "eml", "zip",
//                                          // "tiff", "png", "jpeg"
//   auto ex = extract_format(f, bytes, limits);   // not for "text": that goes to decode_text
//
// Cost: looks at the first few KB only (and, for ZIP, the local header of the first member and
// a bounded scan for "word/").
#pragma once
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/result.h"
#include "ingest/formats/extracted.h"

namespace sagsindeks {

// "pdf"  %PDF- within the first 1024 bytes (as PDF readers accept)
// "docx" a ZIP whose members include word/document.xml
// "odt"  a ZIP whose first member is `mimetype` = application/vnd.oasis.opendocument.text
// "zip"  any other ZIP (refused by extract_format with code "format")
// "tiff" II*\0 or MM\0* (either byte order); "png" the PNG signature; "jpeg" FF D8 FF (OCR'd)
// "html" after a BOM and white space: <!doctype html, <html, <head, <body, or <!-- then one of them
// "eml"  an RFC 5322 header block at the start (within 64 KB, ended by a blank line) with From:
//        and one of Date:/Message-ID:/MIME-Version:
// "text" everything else (the plain-text path decides encoding and refuses binary)
std::string sniff_format(std::string_view bytes);

// Dispatches to the reader of `format`. `ocr` off: PDF pages without a text layer are skipped and
// images refused ("no_text"). Errors: those of each reader, and "format" for a format sagsindeks
// does not read (a plain ZIP).
Result<ExtractedText> extract_format(const std::string& format, std::string_view bytes, const Limits& limits,
                                     bool ocr = true);

}  // namespace sagsindeks
