// E-mail (RFC 5322 / MIME, .eml) → text, with GMime 3.
//
// The body is the first text/plain part that is not an attachment; failing that, the first
// text/html part, read by extract_html. Charsets and transfer encodings are decoded by GMime.
// Metadata: "from", "to", "date" (ISO 8601 when the Date header parses, else as written) and
// "subject", in ExtractedText::metadata (the record's `email` block).
// Attachments: every part that is not the body (Content-Disposition: attachment, any non-text
// part, an attached message/rfc822) is handed back in ExtractedText::parts with its IMAP section
// number, file name, declared type and decoded bytes, for the caller to read as a document of its
// own. Not handed back: signatures of signed mail, and pictures of an HTML body
// (multipart/related parts with a Content-ID). A message with attachments but no text part has
// empty text. At most kMaxEmbeddedParts parts (then a warning).
// Bounds: more than limits.max_nesting multipart/message parts is refused ("too_deep") before
// GMime parses, since its parser recurses per level. Errors: "eml" (not a message, or no text
// part), "too_deep", and those of extract_html.
#pragma once
#include <cstddef>
#include <string_view>

#include "core/limits.h"
#include "core/result.h"
#include "ingest/formats/extracted.h"

namespace sagsindeks {

// Attachments handed back per message, at most: each becomes a record, and the records of one
// file are held together until they are written.
inline constexpr size_t kMaxEmbeddedParts = 1000;

Result<ExtractedText> extract_email(std::string_view bytes, const Limits& limits);

}  // namespace sagsindeks
