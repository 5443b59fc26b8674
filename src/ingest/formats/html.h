// HTML → visible text, with libxml2's HTML parser in SAX mode (no tree is built, so memory stays
// bounded however the input nests).
//
// Kept: text of the body, entities decoded, white space collapsed as a browser does (but kept in
// <pre>). Dropped: <head>, <script>, <style>, <nav>, <header>, <footer>, <noscript>, <template>,
// <svg>. Block elements (p, div, h1-h6, li, tr, table, ...) become line breaks, <p> and headings a
// blank line; <br> a line break; table cells are separated by a space.
// Encoding: decided by decode_text on the raw bytes (BOM, UTF-8, windows-1252); a <meta charset>
// is not trusted over the bytes.
// Errors: those of decode_text, "too_deep" (element nesting over limits.max_nesting), "timeout".
// Cost: one linear pass over the input.
#pragma once
#include <string_view>

#include "core/limits.h"
#include "core/result.h"
#include "ingest/formats/extracted.h"

namespace sagsindeks {

Result<ExtractedText> extract_html(std::string_view bytes, const Limits& limits);

}  // namespace sagsindeks
