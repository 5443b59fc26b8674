// DOCX and ODT → text, with libzip (members read from memory) and libxml2's streaming reader.
//
// DOCX: word/header*.xml, word/document.xml, word/footnotes.xml, word/footer*.xml, in that order;
// every w:p a line, in document order, tables included (cells are paragraphs); w:tab a tab,
// w:br/w:cr a line break; deleted text (w:delText), field codes (w:instrText) and the fallback
// copy of alternate content (mc:Fallback) skipped.
// ODT: the header/footer paragraphs of styles.xml's master pages around content.xml's body; every
// text:p/text:h a line; text:s (with text:c), text:tab, text:line-break honoured.
//
// Bounds: each member read is inflated in chunks and refused ("ratio") as soon as its output
// passes limits.max_ratio × its compressed size; the total inflated is bounded by
// limits.max_bytes ("too_large"); XML nesting by limits.max_nesting ("too_deep"). No DTD or
// external entity is loaded. Errors: "zip" (not a readable archive, or a member missing/damaged),
// "xml" (a member is not well-formed), "ratio", "too_large", "too_deep", "timeout".
#pragma once
#include <string_view>

#include "core/limits.h"
#include "core/result.h"
#include "ingest/formats/extracted.h"

namespace sagsindeks {

Result<ExtractedText> extract_docx(std::string_view bytes, const Limits& limits);
Result<ExtractedText> extract_odt(std::string_view bytes, const Limits& limits);

}  // namespace sagsindeks
