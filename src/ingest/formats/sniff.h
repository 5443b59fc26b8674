// Format sniffing by content (magic bytes), never by file name: archives rename files freely.
//
//   std::string f = sniff_format(bytes);   // "text", "html", "docx", "odt", "pdf", "eml", "zip",
//                                          // "tiff", "png", "jpeg"
//   auto ex = extract_format(f, bytes, limits);   // not for "text": that goes to decode_text
//
// Cost: sniffing looks at the first few KB only (and, for ZIP, the local header of the first
// member and a bounded scan for "word/"). The readers live in the format plugin
// (libsagsindeks-formats.so, plugin.h): the first extract_format() that needs a reader loads it
// (~15 ms, once per process, thread-safe); sniffing and the refusals below never load it.
#pragma once
#include <optional>
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

// Refusals that need no reader, so no plugin: "format" for a ZIP that is neither DOCX nor ODT and
// for a format sagsindeks has no reader for, "no_text" for an image with OCR off. nullopt: a
// reader must look. Inline: the plugin and the binary share it without sharing an object.
inline std::optional<Error> refuse_format(const std::string& format, bool ocr) {
  if (format == "zip")
    return Error{"format", "a ZIP archive that is neither DOCX nor ODT: unpack it and give the files inside"};
  if (format == "tiff" || format == "png" || format == "jpeg") {
    if (!ocr) return Error{"no_text", "an image (" + format + ") has no text to read and OCR is off (--no-ocr)"};
    return std::nullopt;
  }
  if (format == "html" || format == "docx" || format == "odt" || format == "pdf" || format == "eml") return std::nullopt;
  return Error{"format", "no reader for format '" + format + "'"};
}

// Dispatches to the reader of `format` in the format plugin, loading the plugin on first need.
// `ocr` off: PDF pages without a text layer are skipped and images refused ("no_text"). Errors:
// those of refuse_format() and of each reader, and "plugin" when the format plugin cannot be
// loaded (the message says where it was looked for and what to do; see plugin.h).
Result<ExtractedText> extract_format(const std::string& format, std::string_view bytes, const Limits& limits,
                                     bool ocr = true);

}  // namespace sagsindeks
