// HTML → visible text through libxml2's SAX interface: no tree, so depth costs nothing but the
// counter, and the parse stops at the first element past the nesting bound.
#include "ingest/formats/html.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include <cstring>
#include <mutex>
#include <optional>

#include "ingest/encoding.h"
#include "ingest/formats/xml_setup.h"

namespace sagsindeks {

namespace {

bool in_list(const char* name, std::initializer_list<const char*> list) {
  for (const char* n : list)
    if (std::strcmp(name, n) == 0) return true;
  return false;
}

bool skipped(const char* n) {
  return in_list(n, {"head", "script", "style", "nav", "header", "footer", "noscript", "template", "svg", "object",
                     "iframe", "select"});
}
// Elements after which a blank line stands (paragraph-like) or a line break (other blocks).
bool paragraph(const char* n) {
  return in_list(n, {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl",
                     "address", "figure", "hr"});
}
bool block(const char* n) {
  return in_list(n, {"div", "br", "li", "tr", "dt", "dd", "section", "article", "main", "aside", "caption",
                     "fieldset", "form", "figcaption", "tbody", "thead", "tfoot", "center", "body", "html"});
}

struct State {
  const Limits* limits;
  xmlParserCtxtPtr ctxt = nullptr;
  std::string out;
  uint64_t depth = 0, max_seen = 0, steps = 0;
  int skip = 0;  // depth inside a dropped element (0: outside)
  int pre = 0;
  bool pending_space = false;
  std::optional<Error> error;

  void stop(Error e) {
    if (!error) error = std::move(e);
    xmlStopParser(ctxt);
  }
  void line_break(int n) {
    while (!out.empty() && out.back() == ' ') out.pop_back();
    pending_space = false;
    if (out.empty()) return;
    int have = 0;
    for (size_t i = out.size(); i > 0 && out[i - 1] == '\n' && have < n; --i) ++have;
    for (; have < n; ++have) out.push_back('\n');
  }
};

void on_start(void* ctx, const xmlChar* name_x, const xmlChar**) {
  auto* s = static_cast<State*>(ctx);
  if (s->error) return;
  const char* name = reinterpret_cast<const char*>(name_x);
  ++s->depth;
  if (!nesting_ok(s->depth, *s->limits)) return s->stop(too_deep_error(s->depth, *s->limits));
  if ((++s->steps & 1023) == 0 && deadline_expired()) return s->stop(timeout_error("reading HTML", *s->limits));
  if (s->skip) {
    ++s->skip;
    return;
  }
  if (skipped(name)) {
    s->skip = 1;
    return;
  }
  if (std::strcmp(name, "pre") == 0) ++s->pre;
  if (paragraph(name)) s->line_break(2);
  else if (block(name)) s->line_break(1);
  else if (in_list(name, {"td", "th"})) s->pending_space = true;
}

void on_end(void* ctx, const xmlChar* name_x) {
  auto* s = static_cast<State*>(ctx);
  if (s->error) return;
  const char* name = reinterpret_cast<const char*>(name_x);
  if (s->depth > 0) --s->depth;
  if (s->skip) {
    --s->skip;
    return;
  }
  if (std::strcmp(name, "pre") == 0 && s->pre > 0) --s->pre;
  if (paragraph(name)) s->line_break(2);
  else if (block(name)) s->line_break(1);
  else if (in_list(name, {"td", "th"})) s->pending_space = true;
}

void on_text(void* ctx, const xmlChar* ch, int len) {
  auto* s = static_cast<State*>(ctx);
  if (s->error || s->skip) return;
  const char* p = reinterpret_cast<const char*>(ch);
  if (s->pre) {
    s->out.append(p, static_cast<size_t>(len));
    return;
  }
  for (int i = 0; i < len; ++i) {
    char c = p[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      s->pending_space = true;
      continue;
    }
    if (s->pending_space && !s->out.empty() && s->out.back() != '\n' && s->out.back() != ' ') s->out.push_back(' ');
    s->pending_space = false;
    s->out.push_back(c);
  }
}

}  // namespace

Result<ExtractedText> extract_html(std::string_view bytes, const Limits& limits) {
  auto dec = decode_text(bytes);
  if (!dec.ok()) return dec.error();
  init_libxml2();

  htmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.startElement = on_start;
  sax.endElement = on_end;
  sax.characters = on_text;
  sax.cdataBlock = on_text;
  sax.ignorableWhitespace = on_text;

  State st;
  st.limits = &limits;
  htmlParserCtxtPtr ctxt = htmlCreatePushParserCtxt(&sax, &st, nullptr, 0, nullptr, XML_CHAR_ENCODING_UTF8);
  if (!ctxt) return Error{"html", "cannot start the HTML parser (out of memory?)"};
  st.ctxt = ctxt;
  htmlCtxtUseOptions(ctxt, HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
  const std::string& u = dec->utf8;
  const size_t chunk = 1 << 16;
  for (size_t pos = 0; pos < u.size() && !st.error; pos += chunk) {
    size_t n = std::min(chunk, u.size() - pos);
    htmlParseChunk(ctxt, u.data() + pos, static_cast<int>(n), 0);
  }
  if (!st.error) htmlParseChunk(ctxt, nullptr, 0, 1);
  htmlFreeParserCtxt(ctxt);
  if (st.error) return *st.error;

  ExtractedText ex;
  st.line_break(1);
  while (st.out.size() >= 2 && st.out.ends_with("\n\n")) st.out.pop_back();
  ex.text = std::move(st.out);
  ex.encoding = dec->encoding;
  return ex;
}

}  // namespace sagsindeks
