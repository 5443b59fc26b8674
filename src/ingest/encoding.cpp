// Encoding detection: ordered, recorded, converted by ICU.
#include "ingest/encoding.h"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <memory>

namespace sagsindeks {

namespace {

// Converts with ICU, failing (not substituting) on an invalid sequence.
Result<std::string> convert_strict(std::string_view bytes, const char* encoding) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open(encoding, &status), &ucnv_close);
  if (U_FAILURE(status)) return Error{"encoding", std::string("unknown encoding '") + encoding + "'"};
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  icu::UnicodeString u;
  const char* src = bytes.data();
  const char* limit = bytes.data() + bytes.size();
  // Convert in chunks so a huge input never needs a second full-size temporary.
  std::u16string buf(1 << 16, u'\0');
  while (true) {
    char16_t* target = buf.data();
    status = U_ZERO_ERROR;
    ucnv_toUnicode(conv.get(), &target, buf.data() + buf.size(), &src, limit, nullptr, true, &status);
    u.append(buf.data(), static_cast<int32_t>(target - buf.data()));
    if (status == U_BUFFER_OVERFLOW_ERROR) continue;
    if (U_FAILURE(status)) {
      return Error{"encoding", std::string("bytes invalid in ") + encoding + " near offset " +
                                   std::to_string(src - bytes.data())};
    }
    break;
  }
  std::string out;
  u.toUTF8String(out);
  return out;
}

bool looks_binary(std::string_view s) {
  size_t ctrl = 0, n = s.size() < 65536 ? s.size() : 65536;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x0b) ++ctrl;
  }
  return n > 0 && ctrl * 100 > n;  // more than 1 % control characters: not a letter
}

// UTF-16 without BOM: Danish text is mostly ASCII, so every other byte is NUL.
const char* sniff_utf16(std::string_view s) {
  size_t n = s.size() < 4096 ? s.size() : 4096;
  if (n < 4) return nullptr;
  size_t even0 = 0, odd0 = 0;
  for (size_t i = 0; i + 1 < n; i += 2) {
    even0 += s[i] == 0;
    odd0 += s[i + 1] == 0;
  }
  size_t pairs = n / 2;
  if (odd0 * 10 > pairs * 7 && even0 * 10 < pairs) return "UTF-16LE";
  if (even0 * 10 > pairs * 7 && odd0 * 10 < pairs) return "UTF-16BE";
  return nullptr;
}

Result<Decoded> finish(Result<std::string> r, std::string name) {
  if (!r.ok()) return r.error();
  return Decoded{std::move(r.value()), std::move(name)};
}

}  // namespace

Result<Decoded> decode_text(std::string_view b, const std::string& forced) {
  if (b.empty()) return Error{"empty", "file is empty (0 bytes)"};
  if (!forced.empty()) {
    auto r = convert_strict(b, forced.c_str());
    if (r.ok() && r->size() >= 3 && r->compare(0, 3, "\xEF\xBB\xBF") == 0) r->erase(0, 3);
    return finish(std::move(r), forced);
  }
  if (b.size() >= 3 && b.substr(0, 3) == "\xEF\xBB\xBF") {
    auto r = convert_strict(b.substr(3), "UTF-8");
    if (!r.ok()) return Error{"encoding", "starts with a UTF-8 byte-order mark but is not valid UTF-8 (" +
                                              r.error().message + "); try --encoding windows-1252"};
    return finish(std::move(r), "UTF-8 (BOM)");
  }
  if (b.size() >= 2 && (b.substr(0, 2) == "\xFF\xFE" || b.substr(0, 2) == "\xFE\xFF")) {
    const char* enc = b[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    return finish(convert_strict(b.substr(2), enc), enc);
  }
  if (const char* enc = sniff_utf16(b)) {
    auto r = convert_strict(b, enc);
    if (r.ok()) return finish(std::move(r), std::string(enc) + " (no BOM)");
  }
  if (looks_binary(b))
    return Error{"binary", "looks like a binary file (NUL or control bytes), not text; convert it to text first"};
  auto utf8 = convert_strict(b, "UTF-8");
  if (utf8.ok()) return finish(std::move(utf8), "UTF-8");
  // Older Danish exports: windows-1252 is a superset of ISO-8859-1 for printable text.
  auto cp = convert_strict(b, "windows-1252");
  if (cp.ok()) return finish(std::move(cp), "windows-1252");
  return finish(convert_strict(b, "ISO-8859-1"), "ISO-8859-1");
}

}  // namespace sagsindeks
