// Format sniffing by magic bytes (in the binary: it needs no format library; the readers are in
// the format plugin, loaded by plugin_loader.cpp).
#include "ingest/formats/sniff.h"

#include <algorithm>
#include <cctype>

namespace sagsindeks {

namespace {

bool istarts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

std::string_view skip_bom_and_space(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return s;
}

bool looks_html(std::string_view s) {
  s = skip_bom_and_space(s);
  // Comments before the root (generator banners) are common: skip a few.
  for (int i = 0; i < 4 && s.substr(0, 4) == "<!--"; ++i) {
    size_t end = s.find("-->");
    if (end == std::string_view::npos || end > 4096) return false;
    s = skip_bom_and_space(s.substr(end + 3));
  }
  if (istarts_with(s, "<?xml")) {  // XHTML
    size_t end = s.find("?>");
    if (end == std::string_view::npos || end > 512) return false;
    s = skip_bom_and_space(s.substr(end + 2));
  }
  for (std::string_view tag : {"<!doctype html", "<html", "<head", "<body"})
    if (istarts_with(s, tag) && s.size() > tag.size()) {
      char c = s[tag.size()];
      if (c == '>' || c == '/' || std::isspace(static_cast<unsigned char>(c))) return true;
    }
  return false;
}

// An RFC 5322 header block: field lines (name, colon) and folded continuations up to a blank
// line, with From: and one of Date:/Message-ID:/MIME-Version:. An mbox "From " line may lead.
bool looks_email(std::string_view s) {
  if (s.substr(0, 5) == "From ") {
    size_t nl = s.find('\n');
    if (nl == std::string_view::npos) return false;
    s.remove_prefix(nl + 1);
  }
  bool from = false, other = false;
  int fields = 0;
  while (!s.empty()) {
    size_t nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of the header block
    if (line[0] == ' ' || line[0] == '\t') {
      if (fields == 0) return false;
    } else {
      size_t colon = line.find(':');
      if (colon == 0 || colon == std::string_view::npos) return false;
      for (size_t i = 0; i < colon; ++i) {
        unsigned char c = static_cast<unsigned char>(line[i]);
        if (c <= 32 || c >= 127) return false;
      }
      std::string_view name = line.substr(0, colon);
      ++fields;
      if (istarts_with(name, "from") && name.size() == 4) from = true;
      for (std::string_view n : {"date", "message-id", "mime-version"})
        if (name.size() == n.size() && istarts_with(name, n)) other = true;
    }
    if (nl == std::string_view::npos) return false;  // no body: not worth calling a message
    s.remove_prefix(nl + 1);
  }
  return from && other && fields >= 2;
}

std::string zip_kind(std::string_view s) {
  // ODF puts an uncompressed `mimetype` member first, so its value sits at a fixed offset.
  if (s.size() > 38 && s.substr(30, 8) == "mimetype") {
    std::string_view mt = s.substr(38, 64);
    if (mt.substr(0, 39) == "application/vnd.oasis.opendocument.text" &&
        (mt.size() == 39 || mt[39] != '-'))  // not -template / -master / -web
      return "odt";
  }
  // OOXML: member names are in local headers and the central directory; look for the main part.
  std::string_view head = s.substr(0, std::min<size_t>(s.size(), 1 << 20));
  if (head.find("word/document.xml") != std::string_view::npos) return "docx";
  std::string_view tail = s.substr(s.size() > (1 << 20) ? s.size() - (1 << 20) : 0);
  if (tail.find("word/document.xml") != std::string_view::npos) return "docx";
  return "zip";
}

}  // namespace

std::string sniff_format(std::string_view bytes) {
  if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4)) return zip_kind(bytes);
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return "pdf";
  if (bytes.substr(0, 4) == std::string_view("II*\0", 4) || bytes.substr(0, 4) == std::string_view("MM\0*", 4))
    return "tiff";
  if (bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "png";
  if (bytes.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3)) return "jpeg";
  if (looks_html(bytes.substr(0, 8192))) return "html";
  if (looks_email(bytes.substr(0, 65536))) return "eml";
  return "text";
}

}  // namespace sagsindeks
