// E-mail → text and header metadata through GMime.
#include "ingest/formats/email.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ingest/formats/html.h"

namespace sagsindeks {

namespace {

// Counts MIME containers (multipart/*, message/rfc822) case-insensitively: a cheap upper bound
// on the nesting GMime would recurse through.
uint64_t count_containers(std::string_view s) {
  uint64_t n = 0;
  for (size_t i = 0; i + 10 <= s.size(); ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    if (c != 'm') continue;
    auto at = [&](std::string_view w) {
      if (i + w.size() > s.size()) return false;
      for (size_t k = 0; k < w.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(s[i + k])) != w[k]) return false;
      return true;
    };
    if (at("multipart/") || at("message/rfc822")) ++n;
  }
  return n;
}

// What a walk over the MIME tree finds: the body's text parts, and the parts to hand on as
// documents of their own.
struct Walk {
  GMimeTextPart* plain = nullptr;
  GMimeTextPart* html = nullptr;
  std::vector<std::pair<std::string, GMimeObject*>> attached;  // IMAP section number, part
};

std::string take(char* s) {
  std::string out = s ? s : "";
  g_free(s);
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Signatures of signed mail (S/MIME, OpenPGP) are not documents: nothing to read, nothing to warn about.
bool is_signature(GMimeContentType* ct) {
  return g_mime_content_type_is_type(ct, "application", "pkcs7-signature") ||
         g_mime_content_type_is_type(ct, "application", "x-pkcs7-signature") ||
         g_mime_content_type_is_type(ct, "application", "pgp-signature");
}

// Numbers parts as IMAP does (RFC 3501 §6.4.5): the children of a multipart are 1..n under its
// own number; a message whose body is not multipart has that body as part 1. The walk does not
// descend into attached messages: one is handed on whole and read again as a message of its own
// (its body is not this message's body, and its attachments are numbered under its own id).
// Inline text parts after the first text/plain (some mail programs split a body around an
// attachment) are not read: the first part is the body.
void walk(GMimeObject* obj, const std::string& id, GMimeObject* container, Walk& w) {
  if (GMIME_IS_MULTIPART(obj)) {
    auto* mp = GMIME_MULTIPART(obj);
    int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n; ++i)
      walk(g_mime_multipart_get_part(mp, i), (id.empty() ? "" : id + ".") + std::to_string(i + 1), obj, w);
    return;
  }
  if (GMIME_IS_MESSAGE_PART(obj)) {  // a forwarded message, attached or inline: always a document
    w.attached.push_back({id.empty() ? "1" : id, obj});
    return;
  }
  if (!GMIME_IS_PART(obj)) return;
  GMimePart* part = GMIME_PART(obj);
  GMimeContentType* ct = g_mime_object_get_content_type(obj);
  bool attachment = g_mime_part_is_attachment(part);
  if (!attachment && GMIME_IS_TEXT_PART(obj)) {
    // The first text/plain is the body, else the first text/html; later inline text parts are
    // the body's alternatives or continuations, not documents.
    if (!w.plain && g_mime_content_type_is_type(ct, "text", "plain")) w.plain = GMIME_TEXT_PART(obj);
    else if (!w.html && g_mime_content_type_is_type(ct, "text", "html")) w.html = GMIME_TEXT_PART(obj);
    return;
  }
  if (is_signature(ct)) return;
  // Pictures referenced by the HTML body (logos, signature images: multipart/related with a
  // Content-ID) are part of how the body looks, not enclosures.
  if (!attachment && container && g_mime_content_type_is_type(g_mime_object_get_content_type(container), "multipart", "related") &&
      g_mime_object_get_content_id(obj))
    return;
  w.attached.push_back({id.empty() ? "1" : id, obj});
}

std::string stream_bytes(GMimeStream* mem) {
  GByteArray* a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  return a ? std::string(reinterpret_cast<const char*>(a->data), a->len) : std::string();
}

// The part's content with its transfer encoding undone; an attached message as it was sent.
std::string part_bytes(GMimeObject* obj) {
  GMimeStream* mem = g_mime_stream_mem_new();
  if (GMIME_IS_MESSAGE_PART(obj)) {
    if (GMimeMessage* m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj)))
      g_mime_object_write_to_stream(GMIME_OBJECT(m), nullptr, mem);
  } else if (GMimeDataWrapper* w = g_mime_part_get_content(GMIME_PART(obj))) {
    g_mime_data_wrapper_write_to_stream(w, mem);
  }
  std::string out = stream_bytes(mem);
  g_object_unref(mem);
  return out;
}

}  // namespace

Result<ExtractedText> extract_email(std::string_view bytes, const Limits& limits) {
  if (uint64_t n = count_containers(bytes); !nesting_ok(n, limits)) return too_deep_error(n, limits);
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });

  GMimeStream* stream =
      g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size());  // copies; the parser owns a ref
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  g_object_unref(stream);
  GMimeMessage* msg = g_mime_parser_construct_message(parser, nullptr);
  g_object_unref(parser);
  if (!msg) return Error{"eml", "not a readable e-mail message"};

  ExtractedText ex;
  auto add = [&](const char* key, std::string v) {
    if (!v.empty()) ex.metadata.emplace_back(key, std::move(v));
  };
  add("from", take(internet_address_list_to_string(g_mime_message_get_from(msg), nullptr, FALSE)));
  add("to", take(internet_address_list_to_string(g_mime_message_get_to(msg), nullptr, FALSE)));
  if (GDateTime* d = g_mime_message_get_date(msg)) add("date", take(g_date_time_format(d, "%Y-%m-%dT%H:%M:%S%:z")));
  else if (const char* raw = g_mime_object_get_header(GMIME_OBJECT(msg), "Date")) add("date", raw);
  if (const char* s = g_mime_message_get_subject(msg)) add("subject", s);

  Walk w;
  if (GMimeObject* body = g_mime_message_get_mime_part(msg)) walk(body, "", nullptr, w);
  std::optional<Error> err;
  if (w.plain) {
    ex.text = take(g_mime_text_part_get_text(w.plain));
  } else if (w.html) {
    std::string html = take(g_mime_text_part_get_text(w.html));
    auto h = extract_html(html, limits);
    if (h.ok()) ex.text = std::move(h->text);
    else err = h.error();
  } else if (w.attached.empty()) {
    err = Error{"eml", "the message has no text/plain or text/html part"};
  }  // else: a message that only carries attachments (a scanner's mail); its text is empty
  // Decoded parts are never larger than their encoded form, so the whole stays within the input's
  // --max-bytes; the bounds below only guard against a reader that inflates.
  uint64_t total = 0;
  for (const auto& [id, obj] : w.attached) {
    if (err) break;
    if (ex.parts.size() == kMaxEmbeddedParts) {
      ex.warnings.push_back("only the first " + std::to_string(kMaxEmbeddedParts) + " attachments were analysed");
      break;
    }
    EmbeddedPart p;
    p.id = id;
    p.message = GMIME_IS_MESSAGE_PART(obj);
    if (!p.message)
      if (const char* name = g_mime_part_get_filename(GMIME_PART(obj))) p.name = name;
    p.content_type = lower(take(g_mime_content_type_get_mime_type(g_mime_object_get_content_type(obj))));
    p.bytes = part_bytes(obj);
    total += p.bytes.size();
    if (total > limits.max_bytes) {
      ex.warnings.push_back("attachments from part " + id + " on were not analysed: together over --max-bytes");
      break;
    }
    ex.parts.push_back(std::move(p));
  }
  g_object_unref(msg);
  if (err) return *err;
  ex.encoding = "UTF-8";
  return ex;
}

}  // namespace sagsindeks
