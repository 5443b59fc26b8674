// E-mail (RFC 5322 / MIME, .eml) → text, with GMime 3.
//
// The body is the first text/plain part that is not an attachment; failing that, the first
// text/html part, read by extract_html. Charsets and transfer encodings are decoded by GMime.
// Metadata: "from", "to", "date" (ISO 8601 when the Date header parses, else as written) and
// "subject", in ExtractedText::metadata (the record's `email` block).
// Bounds: more than limits.max_nesting multipart/message parts is refused ("too_deep") before
// GMime parses, since its parser recurses per level. Errors: "eml" (not a message, or no text
// part), "too_deep", and those of extract_html.
#pragma once
#include <string_view>

#include "core/limits.h"
#include "core/result.h"
#include "ingest/formats/extracted.h"

namespace sagsindeks {

Result<ExtractedText> extract_email(std::string_view bytes, const Limits& limits);

}  // namespace sagsindeks
