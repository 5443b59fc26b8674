// Dispatch to the format readers (runs inside the format plugin; see readers.h).
#include "ingest/formats/readers.h"

#include "ingest/formats/email.h"
#include "ingest/formats/html.h"
#include "ingest/formats/ocr.h"
#include "ingest/formats/office.h"
#include "ingest/formats/pdf.h"
#include "ingest/formats/sniff.h"

namespace sagsindeks {

Result<ExtractedText> read_format(const std::string& format, std::string_view bytes, const Limits& limits, bool ocr) {
  if (auto refused = refuse_format(format, ocr)) return *refused;
  if (format == "html") return extract_html(bytes, limits);
  if (format == "docx") return extract_docx(bytes, limits);
  if (format == "odt") return extract_odt(bytes, limits);
  if (format == "pdf") return extract_pdf(bytes, limits, ocr);
  if (format == "eml") return extract_email(bytes, limits);
  return extract_image(bytes, limits);  // tiff, png, jpeg (refuse_format let nothing else through)
}

}  // namespace sagsindeks
