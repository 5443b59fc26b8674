// E-mail → text and header metadata through GMime.
#include "ingest/formats/email.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>

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

struct Found {
  GMimeTextPart* plain = nullptr;
  GMimeTextPart* html = nullptr;
};

void visit(GMimeObject*, GMimeObject* part, gpointer data) {
  auto* f = static_cast<Found*>(data);
  if (!GMIME_IS_TEXT_PART(part)) return;
  if (g_mime_part_is_attachment(GMIME_PART(part))) return;
  GMimeContentType* ct = g_mime_object_get_content_type(part);
  if (!f->plain && g_mime_content_type_is_type(ct, "text", "plain")) f->plain = GMIME_TEXT_PART(part);
  else if (!f->html && g_mime_content_type_is_type(ct, "text", "html")) f->html = GMIME_TEXT_PART(part);
}

std::string take(char* s) {
  std::string out = s ? s : "";
  g_free(s);
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

  Found f;
  g_mime_message_foreach(msg, visit, &f);
  std::optional<Error> err;
  if (f.plain) {
    ex.text = take(g_mime_text_part_get_text(f.plain));
  } else if (f.html) {
    std::string html = take(g_mime_text_part_get_text(f.html));
    auto h = extract_html(html, limits);
    if (h.ok()) ex.text = std::move(h->text);
    else err = h.error();
  } else {
    err = Error{"eml", "the message has no text/plain or text/html part"};
  }
  g_object_unref(msg);
  if (err) return *err;
  ex.encoding = "UTF-8";
  return ex;
}

}  // namespace sagsindeks
