// Encoding detection: ordered, recorded, converted by ICU.
#include "ingest/encoding.h"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/limits.h"
#include "core/text.h"

namespace sagsindeks {

namespace {

// True when `s` is well-formed UTF-8 by the rules of ICU's converter (no overlong forms, no
// surrogates, nothing above U+10FFFF). ASCII is skipped eight bytes at a time.
bool valid_utf8(std::string_view s) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = text::next_non_ascii(p, 0, n); i < n; i = text::next_non_ascii(p, i, n)) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

// Converts with ICU, failing (not substituting) on an invalid sequence. Valid UTF-8 (nearly every
// input) is copied as it is: the UTF-16 round trip cost more than the rest of decoding.
Result<std::string> convert_strict(std::string_view bytes, const char* encoding) {
  if (std::strcmp(encoding, "UTF-8") == 0 && bytes.size() < (1u << 31) && valid_utf8(bytes)) return std::string(bytes);
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
  auto byte = [&](unsigned char c) {
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x0b) ++ctrl;
    return false;
  };
  size_t i = 0;
  // Eight bytes at a time: a word without a byte below 0x20 (most words of a letter; the test
  // has no false negatives) holds neither a NUL nor a control byte. Cost ~1 instruction a byte.
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (((w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull) == 0) continue;
    for (size_t j = i; j < i + 8; ++j)
      if (byte(static_cast<unsigned char>(s[j]))) return true;
  }
  for (; i < n; ++i)
    if (byte(static_cast<unsigned char>(s[i]))) return true;
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

// A NUL is never part of a letter: in the raw bytes (not UTF-16) or in the decoded text.
Result<Decoded> finish(Result<std::string> r, std::string name) {
  if (!r.ok()) return r.error();
  size_t nul = r->find('\0');
  if (nul != std::string::npos)
    return Error{"binary", "a NUL character at byte " + std::to_string(nul) + " of the decoded " + name +
                               " text: a binary or damaged file, not a letter; convert it to text first"};
  return Decoded{std::move(r.value()), std::move(name)};
}

struct Utf8Scan {
  size_t valid_multibyte = 0;  // well-formed sequences of 2-4 bytes
  size_t invalid = 0;          // bytes that start no well-formed sequence
  size_t first_invalid = std::string_view::npos;
};

// Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF), counting both kinds.
// Decoding is ICU's U8_NEXT (strict: no overlongs, surrogates or code points past U+10FFFF; an
// ill-formed sequence yields a negative code point and advances past its maximal prefix).
Utf8Scan scan_utf8(std::string_view s) {
  Utf8Scan r;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  // ICU indexes with int32_t: scan in slices that fit, cutting only before a lead byte.
  size_t base = 0;
  while (base < s.size()) {
    size_t len = std::min<size_t>(s.size() - base, size_t{1} << 30);
    while (base + len < s.size() && len > 0 && (p[base + len] & 0xC0) == 0x80) --len;
    if (len == 0) len = std::min<size_t>(s.size() - base, size_t{1} << 30);
    const uint8_t* q = p + base;
    const auto n = static_cast<int32_t>(len);
    // ASCII, nearly all of a Danish letter, is skipped up to the next other byte: it counts in
    // neither tally.
    for (int32_t i = text::next_non_ascii(q, 0, n); i < n; i = text::next_non_ascii(q, i, n)) {
      const int32_t start = i;
      UChar32 c;
      U8_NEXT(q, i, n, c);
      if (c < 0) {
        if (r.first_invalid == std::string_view::npos) r.first_invalid = base + static_cast<size_t>(start);
        ++r.invalid;
      } else {
        ++r.valid_multibyte;  // decoded from a byte of 0x80 or above: never ASCII
      }
    }
    base += len;
  }
  return r;
}

}  // namespace

Result<Decoded> decode_text(std::string_view b, const std::string& forced, bool copy) {
  if (b.empty()) return Error{"empty", "file is empty (0 bytes)"};
  // ICU strings index with int32: never hand them more than the ceiling.
  if (b.size() > kMaxBytesCeiling)
    return Error{"too_large", "input is " + std::to_string(b.size()) + " bytes, over the decoder's ceiling of " +
                                  std::to_string(kMaxBytesCeiling)};
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
  // UTF-16 without BOM is told by its NUL bytes: a text without any (nearly every letter; memchr
  // finds none at a fraction of the sniffing's cost) is not looked at again.
  const void* z = std::memchr(b.data(), 0, b.size());
  if (const char* enc = z ? sniff_utf16(b) : nullptr) {
    auto r = convert_strict(b, enc);
    if (r.ok()) return finish(std::move(r), std::string(enc) + " (no BOM)");
  }
  if (z)
    return Error{"binary", "a NUL byte at offset " + std::to_string(static_cast<const char*>(z) - b.data()) +
                               ": a binary or damaged file, not text; convert it to text first"};
  if (looks_binary(b))
    return Error{"binary", "looks like a binary file (more than 1 % control bytes), not text; convert it to text first"};
  Utf8Scan scan = scan_utf8(b);
  // Well-formed and without NUL (both checked above): the bytes are the text.
  if (scan.invalid == 0) {
    if (!copy) return Decoded{std::string(), "UTF-8", true};
    return Decoded{std::string(b), "UTF-8"};
  }
  // Mostly well-formed UTF-8 with a few bad bytes is damaged UTF-8, not windows-1252: decoding it
  // as windows-1252 would turn every æ, ø, å in the file into two wrong characters.
  if (scan.valid_multibyte > scan.invalid)
    return Error{"encoding", "invalid UTF-8 at byte " + std::to_string(scan.first_invalid) + " (" +
                                 std::to_string(scan.invalid) + " bad bytes among " +
                                 std::to_string(scan.valid_multibyte) +
                                 " valid UTF-8 characters): a damaged file; if it really is windows-1252, "
                                 "say so with --encoding windows-1252"};
  // Older Danish exports: windows-1252 is a superset of ISO-8859-1 for printable text.
  auto cp = convert_strict(b, "windows-1252");
  if (cp.ok()) return finish(std::move(cp), "windows-1252");
  return finish(convert_strict(b, "ISO-8859-1"), "ISO-8859-1");
}

}  // namespace sagsindeks
