// DOCX/ODT: members inflated from memory under the ratio and size bounds, then read with
// libxml2's streaming reader (no tree, no DTD, no network).
#include "ingest/formats/office.h"

#include <libxml/xmlreader.h>
#include <zip.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#include "ingest/formats/xml_setup.h"

namespace sagsindeks {

namespace {

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

class Archive {
 public:
  static Result<Archive> open(std::string_view bytes, const Limits& l) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &ze);
    if (!src) {
      zip_error_fini(&ze);
      return Error{"zip", "cannot read the ZIP container"};
    }
    zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!za) {
      std::string msg = zip_error_strerror(&ze);
      zip_source_free(src);
      zip_error_fini(&ze);
      return Error{"zip", "not a readable ZIP container: " + msg};
    }
    zip_error_fini(&ze);
    Archive a;
    a.za_.reset(za);
    a.limits_ = &l;
    return a;
  }

  bool has(const std::string& name) const { return zip_name_locate(za_.get(), name.c_str(), 0) >= 0; }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    zip_int64_t n = zip_get_num_entries(za_.get(), 0);
    for (zip_int64_t i = 0; i < n && i < 100000; ++i)
      if (const char* nm = zip_get_name(za_.get(), static_cast<zip_uint64_t>(i), 0)) out.push_back(nm);
    return out;
  }

  // Inflates one member, refusing it as soon as the output passes the ratio or the total bound.
  Result<std::string> read(const std::string& name) {
    zip_int64_t idx = zip_name_locate(za_.get(), name.c_str(), 0);
    if (idx < 0) return Error{"zip", "the archive has no member " + name};
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za_.get(), static_cast<zip_uint64_t>(idx), 0, &st) != 0)
      return Error{"zip", "cannot read member " + name};
    uint64_t in = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    // The declared size is checked first, so an honest bomb is refused without inflating it.
    if ((st.valid & ZIP_STAT_SIZE) && !ratio_ok(in, st.size, *limits_)) return ratio_error(in, st.size, *limits_);
    zip_file_t* zf = zip_fopen_index(za_.get(), static_cast<zip_uint64_t>(idx), 0);
    if (!zf) return Error{"zip", "cannot open member " + name + ": " + zip_strerror(za_.get())};
    std::string out;
    char buf[1 << 16];
    std::optional<Error> err;
    while (true) {
      zip_int64_t n = zip_fread(zf, buf, sizeof buf);
      if (n < 0) {
        err = Error{"zip", "member " + name + " is damaged: " + zip_file_strerror(zf)};
        break;
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
      total_ += static_cast<uint64_t>(n);
      if (!ratio_ok(in, out.size(), *limits_)) {
        err = ratio_error(in, out.size(), *limits_);
        break;
      }
      if (total_ > limits_->max_bytes) {
        err = Error{"too_large", "the archive's members expand to over " + std::to_string(limits_->max_bytes) +
                                     " bytes (raise the limit with --max-bytes)"};
        break;
      }
      if (deadline_expired()) {
        err = timeout_error("unpacking", *limits_);
        break;
      }
    }
    zip_fclose(zf);
    if (err) return *err;
    return out;
  }

 private:
  ZipPtr za_;
  const Limits* limits_ = nullptr;
  uint64_t total_ = 0;
};

struct ReaderCloser {
  void operator()(xmlTextReaderPtr r) const { xmlFreeTextReader(r); }
};

bool name_in(const char* n, std::initializer_list<const char*> list) {
  for (const char* x : list)
    if (std::strcmp(n, x) == 0) return true;
  return false;
}

// Walks one XML member and appends its paragraphs to `out`.
std::optional<Error> walk(const std::string& xml, const std::string& member, bool odt, bool only_header_footer,
                          const Limits& l, std::string& out) {
  std::unique_ptr<xmlTextReader, ReaderCloser> r(xmlReaderForMemory(
      xml.data(), static_cast<int>(xml.size()), member.c_str(), "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                              XML_PARSE_NOWARNING | XML_PARSE_NOCDATA));
  if (!r) return Error{"xml", "cannot read " + member};
  int skip_depth = -1;     // depth of the element being skipped, -1 when none
  int inside_depth = -1;   // depth of the header/footer element (styles.xml), -1 when outside
  bool in_text = false;    // inside w:t (DOCX)
  int in_para = 0;         // open text:p/text:h (ODT)
  uint64_t steps = 0;
  int rc;
  while ((rc = xmlTextReaderRead(r.get())) == 1) {
    int depth = xmlTextReaderDepth(r.get());
    if (depth >= 0 && !nesting_ok(static_cast<uint64_t>(depth), l)) return too_deep_error(depth, l);
    if ((++steps & 4095) == 0 && deadline_expired()) return timeout_error("reading the document XML", l);
    int type = xmlTextReaderNodeType(r.get());
    const char* local = reinterpret_cast<const char*>(xmlTextReaderConstLocalName(r.get()));
    if (!local) local = "";
    bool empty = xmlTextReaderIsEmptyElement(r.get()) == 1;
    if (skip_depth >= 0) {
      if (type == XML_READER_TYPE_END_ELEMENT && depth == skip_depth) skip_depth = -1;
      continue;
    }
    if (type == XML_READER_TYPE_ELEMENT) {
      if (only_header_footer && inside_depth < 0) {
        if (name_in(local, {"header", "footer", "header-left", "footer-left", "header-first", "footer-first"}) &&
            !empty)
          inside_depth = depth;
        continue;
      }
      if (odt) {
        if (name_in(local, {"note", "tracked-changes", "annotation"})) {
          if (!empty) skip_depth = depth;
        } else if (std::strcmp(local, "s") == 0) {
          int n = 1;
          if (xmlChar* c = xmlTextReaderGetAttribute(r.get(), BAD_CAST "text:c")) {
            n = std::clamp(std::atoi(reinterpret_cast<const char*>(c)), 1, 1000);
            xmlFree(c);
          }
          out.append(static_cast<size_t>(n), ' ');
        } else if (std::strcmp(local, "tab") == 0) {
          out.push_back('\t');
        } else if (std::strcmp(local, "line-break") == 0) {
          out.push_back('\n');
        } else if (std::strcmp(local, "p") == 0 || std::strcmp(local, "h") == 0) {
          if (empty) out.push_back('\n');
          else ++in_para;
        }
      } else {
        if (name_in(local, {"delText", "instrText", "Fallback", "footnoteReference", "endnoteReference"})) {
          if (!empty) skip_depth = depth;
        } else if (std::strcmp(local, "t") == 0) {
          in_text = !empty;
        } else if (std::strcmp(local, "tab") == 0) {
          out.push_back('\t');
        } else if (std::strcmp(local, "br") == 0 || std::strcmp(local, "cr") == 0) {
          out.push_back('\n');
        } else if (std::strcmp(local, "p") == 0 && empty) {
          out.push_back('\n');
        }
      }
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      if (only_header_footer && depth == inside_depth) {
        inside_depth = -1;
        continue;
      }
      if (only_header_footer && inside_depth < 0) continue;
      if (std::strcmp(local, "p") == 0 || (odt && std::strcmp(local, "h") == 0)) {
        out.push_back('\n');
        if (in_para > 0) --in_para;
      }
      else if (!odt && std::strcmp(local, "t") == 0) in_text = false;
    } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
               type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_CDATA) {
      if (only_header_footer && inside_depth < 0) continue;
      // DOCX: only the text of w:t counts. ODT: text inside paragraphs; white space between
      // elements there is one space (ODF collapses white space), outside them it is indentation.
      if (!odt && !in_text) continue;
      if (odt && in_para == 0) continue;
      const xmlChar* v = xmlTextReaderConstValue(r.get());
      if (!v) continue;
      if (odt && type != XML_READER_TYPE_TEXT && type != XML_READER_TYPE_CDATA) out.push_back(' ');
      else out += reinterpret_cast<const char*>(v);
    }
    if (out.size() > l.max_bytes)
      return Error{"too_large", "the document's text is over " + std::to_string(l.max_bytes) +
                                    " bytes (raise the limit with --max-bytes)"};
  }
  if (rc < 0) return Error{"xml", member + " is not well-formed XML"};
  return std::nullopt;
}

// Members matching prefix + anything + ".xml", sorted (header1.xml, header2.xml, ...).
std::vector<std::string> members_like(const Archive& a, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& n : a.names())
    if (n.rfind(prefix, 0) == 0 && n.size() > prefix.size() + 4 && n.substr(n.size() - 4) == ".xml" &&
        n.find('/', prefix.size()) == std::string::npos)
      out.push_back(n);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Result<ExtractedText> extract_docx(std::string_view bytes, const Limits& limits) {
  init_libxml2();
  auto a = Archive::open(bytes, limits);
  if (!a.ok()) return a.error();
  if (!a->has("word/document.xml")) return Error{"zip", "not a DOCX document: no word/document.xml"};
  std::vector<std::string> order = members_like(*a, "word/header");
  order.push_back("word/document.xml");
  if (a->has("word/footnotes.xml")) order.push_back("word/footnotes.xml");
  for (auto& f : members_like(*a, "word/footer")) order.push_back(f);
  ExtractedText ex;
  for (const auto& m : order) {
    auto xml = a->read(m);
    if (!xml.ok()) return xml.error();
    if (auto e = walk(*xml, m, /*odt=*/false, false, limits, ex.text)) return *e;
    if (!ex.text.empty() && ex.text.back() != '\n') ex.text.push_back('\n');
  }
  ex.encoding = "UTF-8";
  return ex;
}

Result<ExtractedText> extract_odt(std::string_view bytes, const Limits& limits) {
  init_libxml2();
  auto a = Archive::open(bytes, limits);
  if (!a.ok()) return a.error();
  if (!a->has("content.xml")) return Error{"zip", "not an ODT document: no content.xml"};
  auto content = a->read("content.xml");
  if (!content.ok()) return content.error();
  std::string headers;  // header and footer paragraphs of the master pages
  if (a->has("styles.xml")) {
    auto styles = a->read("styles.xml");
    if (!styles.ok()) return styles.error();
    if (auto e = walk(*styles, "styles.xml", true, true, limits, headers)) return *e;
  }
  ExtractedText ex;
  ex.text = std::move(headers);
  if (auto e = walk(*content, "content.xml", true, false, limits, ex.text)) return *e;
  ex.encoding = "UTF-8";
  return ex;
}

}  // namespace sagsindeks
