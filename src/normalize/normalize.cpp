// Normaliser: character mapping with ICU, then structural passes on UTF-8.
#include "normalize/normalize.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "core/limits.h"
#include "core/spell.h"
#include "core/text.h"

namespace sagsindeks {

namespace {

// Maps one code point to its normal form: -1 drops it, otherwise the replacement.
int32_t map_cp(int32_t c) {
  switch (c) {
    case 0x00AD: case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
      return -1;  // soft hyphen, zero-width characters
    case '\t': case 0x00A0: case 0x1680: case 0x202F: case 0x205F: case 0x3000: case 0x0B:
      return ' ';
    case '\f': case 0x2028: case 0x2029: case 0x85:
      return '\n';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB: case 0x2033:
      return '"';
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x00B4:
      return '\'';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
      return '-';
    case 0x2022: case 0x25CF: case 0x25AA: case 0x2023:
      return 0x2022;  // bullets stay one bullet
    default:
      break;
  }
  if (c >= 0x2000 && c <= 0x200A) return ' ';
  if (c == '\r') return '\r';
  if (c < 0x20 && c != '\n') return ' ';
  if (c >= 0x7F && c < 0xA0) return ' ';
  return c;
}

// Where to cut `in` at or before `want` so NFC and CRLF handling see no difference: after a
// line break if there is one in the last quarter, else before an ASCII byte (never the second of
// a composition pair), else before any code point NFC says starts a new segment.
size_t chunk_cut(std::string_view in, size_t want, const icu::Normalizer2* nfc) {
  if (want >= in.size()) return in.size();
  size_t floor = want - want / 4;
  for (size_t i = want; i > floor; --i)
    if (in[i - 1] == '\n') return i;
  for (size_t i = want; i > floor; --i)
    if (static_cast<unsigned char>(in[i]) < 0x80 && in[i - 1] != '\r') return i;
  for (size_t i = want; i > floor; --i) {
    if ((static_cast<unsigned char>(in[i]) & 0xC0) == 0x80) continue;  // not a lead byte
    size_t j = i;
    int32_t c = text::next_cp(in, j);
    if (c >= 0 && (!nfc || nfc->hasBoundaryBefore(c))) return i;
  }
  size_t i = want;  // no boundary in a quarter chunk of combining marks: any code point will do
  while (i > 0 && (static_cast<unsigned char>(in[i]) & 0xC0) == 0x80) --i;
  return i ? i : want;
}

// Step counter for the cooperative time bound: a clock read every 64 Ki steps.
struct Tick {
  uint32_t n = 0;
  bool expired() { return (++n & 0xFFFF) == 0 && deadline_expired(); }
};

// Eight bytes at a time (SWAR, as map_utf8): the length of the prefix of p[0, n) whose bytes all
// pass a byte test that `good` evaluates for eight bytes at once, setting the high bit of each
// byte lane that passes. Little-endian word order finds the first failing lane by trailing zeros;
// elsewhere the words are only used to skip.
template <class Good, class One>
size_t prefix_run(const char* p, size_t n, Good good, One one) {
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    uint64_t w;
    std::memcpy(&w, p + k, 8);
    const uint64_t ok = good(w) & kHigh;
    if (ok != kHigh) {
      if constexpr (std::endian::native == std::endian::little) return k + std::countr_zero(~ok & kHigh) / 8;
      break;
    }
  }
  while (k < n && one(static_cast<unsigned char>(p[k]))) ++k;
  return k;
}

constexpr uint64_t kOnes = 0x0101010101010101ull;

// Leading ASCII lower-case letters: a lane passes when it is below 0x80, its low seven bits are
// 'a' or above (adding 0x80 - 'a' sets the high bit) and not above 'z' (adding 0x80 - 'z' - 1
// does not); no lane carries into the next.
size_t lower_ascii_run(const char* p, size_t n) {
  return prefix_run(
      p, n,
      [](uint64_t w) {
        const uint64_t low = w & ~(0x80 * kOnes);
        return (low + (0x80 - 'a') * kOnes) & ~(low + (0x80 - 'z' - 1) * kOnes) & ~w;
      },
      [](unsigned char b) { return static_cast<unsigned>(b - 'a') < 26u; });
}

// Leading "quiet" bytes: ASCII that is neither a capital nor a digit (lower-case letters, spaces,
// punctuation). A lane passes when it is below 0x80 and its low seven bits lie in neither 'A'-'Z'
// nor '0'-'9' (each range test as in lower_ascii_run; no lane carries into the next).
size_t quiet_ascii_run(const char* p, size_t n) {
  return prefix_run(
      p, n,
      [](uint64_t w) {
        const uint64_t low = w & ~(0x80 * kOnes);
        const uint64_t upper = (low + (0x80 - 'A') * kOnes) & ~(low + (0x80 - 'Z' - 1) * kOnes);
        const uint64_t digit = (low + (0x80 - '0') * kOnes) & ~(low + (0x80 - '9' - 1) * kOnes);
        return ~(w | upper | digit);
      },
      [](unsigned char b) { return b < 0x80 && static_cast<unsigned>(b - 'A') >= 26u && static_cast<unsigned>(b - '0') >= 10u; });
}

// Leading bytes of a stretch of words joined by single spaces: each byte above 0x20, or a space
// before such a byte. Eight bytes at a time with the byte after them (so a space in the last lane
// sees its successor), as prefix_run; the tail byte by byte.
size_t joined_words_run(const char* p, size_t n) {
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  auto above = [](uint64_t w) { return (((w & ~(0x80 * kOnes)) + (0x80 - 0x21) * kOnes) | w) & kHigh; };
  size_t k = 0;
  for (; std::endian::native == std::endian::little && k + 9 <= n; k += 8) {  // lanes in text order
    uint64_t w;
    std::memcpy(&w, p + k, 8);
    const uint64_t next = (w >> 8) | static_cast<uint64_t>(static_cast<unsigned char>(p[k + 8])) << 56;
    const uint64_t x = w ^ (' ' * kOnes);  // a space lane is zero here
    const uint64_t space = ~(((x & ~(0x80 * kOnes)) + 0x7F * kOnes) | x) & kHigh;
    const uint64_t ok = above(w) | (space & above(next));
    if (ok != kHigh) return k + std::countr_zero(~ok & kHigh) / 8;
  }
  auto up = [](unsigned char b) { return b > 0x20; };
  while (k < n) {
    const auto b = static_cast<unsigned char>(p[k]);
    if (up(b) || (b == ' ' && k + 1 < n && up(static_cast<unsigned char>(p[k + 1])))) ++k;
    else break;
  }
  return k;
}

// The code-point map straight on UTF-8 for a chunk in NFC (nearly every letter): no UTF-16
// round trip, and ASCII bytes are copied in runs. The chunk is known to be in NFC as it is read:
// every code point below U+0300 (where no character combines with one before it) or inert for
// `nfc` (unchanged by NFC, a boundary before and after it), so by NFC's quick check nothing in it
// changes. Only code points from U+0300 up ask ICU (one trie look-up each; a Danish letter has few:
// quotes, dashes, bullets): a separate check of the whole chunk cost 9 instructions a byte.
// Appends to `out`; false (and `out` unchanged) on an invalid sequence or a code point that may not
// be in NFC, which the ICU path below then handles.
bool map_utf8(std::string_view part, const icu::Normalizer2& nfc, std::string& out) {
  size_t old_size = out.size();
  const char* p = part.data();
  size_t n = part.size(), i = 0;
  while (i < n) {
    // A run of bytes that map to themselves: printable ASCII, \n, and U+00C0-U+00FF (0xC3 and a
    // continuation byte: æ, ø, å and the other Latin-1 letters, below U+0300 and mapped to
    // themselves by map_cp).
    size_t run = i;
    while (run < n) {
      // Eight bytes at a time while all are printable ASCII (exact word tests: no byte below
      // 0x20, none 0x7F, none 0x80 or above); a word holding a line break goes byte by byte.
      if (run + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, p + run, 8);
        constexpr uint64_t k1 = 0x0101010101010101ull, k80 = 0x80 * k1;
        const uint64_t del = w ^ (0x7F * k1);
        if (((((w - 0x20 * k1) & ~w) | ((del - k1) & ~del) | w) & k80) == 0) {
          run += 8;
          continue;
        }
      }
      unsigned char b = static_cast<unsigned char>(p[run]);
      if ((b >= 0x20 && b < 0x7F) || b == '\n') ++run;
      else if (b == 0xC3 && run + 1 < n && (static_cast<unsigned char>(p[run + 1]) & 0xC0) == 0x80) run += 2;
      else break;
    }
    out.append(p + i, run - i);
    i = run;
    if (i >= n) break;
    if (p[i] == '\r') {
      ++i;
      if (i < n && p[i] == '\n') continue;  // CRLF -> LF (the \n is copied next)
      out.push_back('\n');
      continue;
    }
    int32_t c = text::next_cp(part, i);
    if (c < 0 || (c >= 0x300 && !nfc.isInert(c))) {
      out.resize(old_size);
      return false;
    }
    int32_t m = map_cp(c);
    if (m < 0) continue;
    char buf[4];
    int32_t k = 0;
    U8_APPEND_UNSAFE(buf, k, m);
    out.append(buf, static_cast<size_t>(k));
  }
  return true;
}

// NFC and the code-point map, a chunk (~1 MiB) at a time so a 100 MB text never exists as a
// whole UTF-16 copy (ICU strings also index with int32). Writes `s` (its capacity is reused).
void map_characters(std::string_view in, std::string& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) nfc = nullptr;
  s.clear();
  s.reserve(in.size());
  constexpr size_t kChunk = 1 << 20;
  size_t pos = 0;
  while (pos < in.size()) {
    if (deadline_expired()) break;
    size_t cut = pos + chunk_cut(in.substr(pos), kChunk, nfc);
    std::string_view part = in.substr(pos, cut - pos);
    pos = cut;
    if (nfc && map_utf8(part, *nfc, s)) continue;
    icu::UnicodeString u =
        icu::UnicodeString::fromUTF8(icu::StringPiece(part.data(), static_cast<int32_t>(part.size())));
    status = U_ZERO_ERROR;
    icu::UnicodeString n = nfc ? nfc->normalize(u, status) : u;
    if (U_FAILURE(status)) n = u;
    icu::UnicodeString out;
    out.getBuffer(n.length() + 1);
    out.releaseBuffer(0);
    for (int32_t i = 0; i < n.length();) {
      UChar32 c = n.char32At(i);
      i += U16_LENGTH(c);
      if (c == '\r') {
        if (i < n.length() && n.charAt(i) == '\n') continue;  // CRLF -> LF
        out.append(static_cast<UChar>('\n'));
        continue;
      }
      int32_t m = map_cp(c);
      if (m >= 0) out.append(static_cast<UChar32>(m));
    }
    out.toUTF8String(s);  // appends
  }
}

// Drops Markdown bold/italic markers left by converters (`**Sagsnr.**`), in place. Most texts
// have none: then one search and nothing else.
void drop_markup(std::string& s) {
  size_t p = s.find("**");
  if (p == std::string::npos) return;
  char* d = s.data();
  size_t to = p, from = p;  // s[0, to) is done; s[from, ...) is still to be moved down
  for (; p != std::string::npos; p = s.find("**", from)) {
    std::memmove(d + to, d + from, p - from);
    to += p - from;
    from = p + 2;
  }
  std::memmove(d + to, d + from, s.size() - from);
  s.resize(to + (s.size() - from));
}

// Per line: trailing/leading spaces trimmed, runs of spaces collapsed; at most one blank line.
// One pass over the whole text: a run of white space between two words becomes "\n\n" when it
// holds two or more line breaks (a blank line), "\n" for one, else one space; leading and
// trailing white space goes. Stretches of words joined by single spaces are copied whole, found
// eight bytes at a time. Writes `out` (its capacity is reused).
void tidy_lines(std::string_view s, std::string& out) {
  static constexpr auto kSpace = [] {
    std::array<bool, 256> t{};
    t[' '] = t['\n'] = t['\t'] = t['\r'] = true;
    return t;
  }();
  auto is_space = [](char c) { return kSpace[static_cast<unsigned char>(c)]; };
  out.clear();
  out.reserve(s.size());
  const size_t n = s.size();
  size_t i = 0;
  Tick tick;
  while (i < n) {
    size_t breaks = 0;
    for (; i < n && is_space(s[i]); ++i) breaks += s[i] == '\n';
    if (i == n) break;
    if (!out.empty()) {
      if (breaks >= 2) out.append("\n\n", 2);
      else out.push_back(breaks ? '\n' : ' ');
    }
    size_t j = i;
    while (j < n) {
      j += joined_words_run(s.data() + j, n - j);
      if (j == n) break;
      if (!is_space(s[j])) ++j;  // a control byte that is no space (map_characters leaves none)
      else if (s[j] == ' ' && j + 1 < n && !is_space(s[j + 1])) j += 2;  // a single space inside
      else break;
    }
    out.append(s.data() + i, j - i);
    i = j;
    if (tick.expired()) break;
  }
}

// Hunspell is never asked about a "word" longer than this (bytes): no Danish word is, and a long
// run of letters would otherwise be copied and looked up again at every position in it.
constexpr size_t kMaxWord = 64;

// Word characters before `end` (letters only), as a UTF-8 substring start; at most a little
// over kMaxWord bytes back, which is enough to tell that a word is too long.
size_t word_start(std::string_view s, size_t end) {
  size_t i = end;
  while (i > 0 && end - i <= kMaxWord) {
    size_t j = i;
    int32_t c = text::prev_cp(s, j);
    if (!text::is_letter(c)) break;
    i = j;
  }
  return i;
}

size_t word_end(std::string_view s, size_t begin) {
  size_t i = begin;
  while (i < s.size() && i - begin <= kMaxWord) {
    size_t j = i;
    int32_t c = text::next_cp(s, j);
    if (!text::is_letter(c)) break;
    i = j;
  }
  return i;
}

// `mæs-\nsige` → `mæssige` when the joined word is Danish; `social-\nog` → `social- og`.
// `spørgs-mål` inside a line (a PDF export that lost its line breaks) → `spørgsmål`, when the
// joined word is Danish and the left part is not a word of its own ("kommune-valget" stays).
// Writes `out` and returns true when a hyphen was joined; otherwise `s` stands as it is.
bool join_inline_hyphens(std::string_view s, const Speller* sp, int& joined, std::string& out) {
  if (!sp) return false;
  const int before = joined;
  out.clear();
  size_t pos = 0, h = 0;
  while ((h = s.find('-', h)) != std::string_view::npos) {
    size_t ws = word_start(s, h), next = h + 1, we = word_end(s, next);
    if (ws < h && we > next && h - ws <= 40 && we - next <= 40 && text::starts_lower(s.substr(ws)) &&
        text::starts_lower(s.substr(next))) {
      std::string left(s.substr(ws, h - ws)), right(s.substr(next, we - next));
      if (!sp->correct(left) && sp->correct(left + right)) {
        out.append(s.substr(pos, h - pos));
        pos = next;
        ++joined;
      }
    }
    h = next;
  }
  if (joined == before) return false;
  out.append(s.substr(pos));
  return true;
}

// Writes `out` and returns true when a hyphenation was joined; otherwise `s` stands as it is.
bool join_hyphenation(std::string_view s, const Speller* sp, int& joined, std::string& out) {
  const int before = joined;
  if (s.find("-\n") == std::string_view::npos) return false;
  out.clear();
  size_t pos = 0;
  Tick tick;
  while (true) {
    size_t h = s.find("-\n", pos);
    if (h == std::string_view::npos) break;
    size_t ws = word_start(s, h);
    size_t next = h + 2;
    size_t we = word_end(s, next);
    bool join = false;
    if (tick.expired()) break;
    if (ws < h && we > next && h - ws <= kMaxWord && we - next <= kMaxWord && text::starts_lower(s.substr(next))) {
      std::string left(s.substr(ws, h - ws)), right(s.substr(next, we - next));
      std::string whole = left + right;
      if (sp) {
        // A lower-case left part that is a word of its own before a known word is a suspended
        // compound ("social- og sundhedsområdet"); otherwise trust the joined form.
        bool whole_ok = sp->correct(whole) || sp->correct(text::lower(whole));
        bool right_ok = sp->correct(right);
        join = whole_ok || !right_ok || (right.size() > 3 && !sp->correct(left));
        if (!whole_ok && right_ok && right.size() <= 5) join = false;
      } else {
        join = right.size() > 3;
      }
    }
    out.append(s.substr(pos, h - pos));
    if (join) {
      ++joined;
      pos = next;
    } else {
      out.append("-\n");
      pos = next;
    }
  }
  if (joined == before) return false;
  out.append(s.substr(pos));
  return true;
}

// Letters run together across a lost line break, split again:
//   `KommuneSagsnr` → `Kommune Sagsnr` (lower-case run, then a capitalised word; one side a word),
//   `medlemmer20. december` → `medlemmer 20. december` (a known word, then digits),
//   `1200937Dok. nr.` → `1200937 Dok. nr.` (digits, then a capitalised word),
//   `2012følger` → `2012 følger` (digits, then a known word).
// Writes `out` and returns true when a run was split; otherwise `s` stands as it is.
bool split_run_together(std::string_view s, const Speller* sp, int& split, std::string& out) {
  out.clear();
  // Over kMaxWord bytes is no word: no copy, no lookup (a megabyte of `aaaBaaaB…` was quadratic).
  auto known = [&](std::string_view w) { return w.size() <= kMaxWord && (!sp || sp->correct(std::string(w))); };
  size_t i = 0, lower_run = 0, upper_run = 0, digit_run = 0, word_begin = 0;
  size_t copied = 0;  // s[0, copied) is in `out`: text is copied in runs between the cuts
  bool in_word = false;
  // s[at, at + 2) is a Latin-1 lower-case letter: U+00E0-U+00FF but U+00F7 (÷).
  auto latin1_lower = [&](size_t at) {
    if (at + 1 >= s.size() || static_cast<unsigned char>(s[at]) != 0xC3) return false;
    const auto c = static_cast<unsigned char>(s[at + 1]);
    return c >= 0xA0 && c <= 0xBF && c != 0xB7;
  };
  while (i < s.size()) {
    // A stretch of quiet characters (ASCII lower-case letters, ASCII that is no letter or digit,
    // and the Latin-1 lower-case letters æ, ø, å, ... of the fast path below), skipped eight
    // ASCII bytes at a time: none can cut (the fast paths below take each of them without a cut
    // when fewer than two digits precede), and after it only the last word's lower-case run
    // matters: the upper-case and digit runs are over. Cuts need a capital, a digit or another
    // non-ASCII character, about one byte in sixteen of a letter, where the loop stops.
    if (digit_run < 2) {
      size_t end = i;
      while (true) {
        end += quiet_ascii_run(s.data() + end, s.size() - end);
        if (!latin1_lower(end)) break;
        end += 2;
      }
      if (end > i) {
        size_t p = end, letters = 0;  // the lower-case letters ending the stretch: s[p, end)
        for (;; ++letters) {
          if (p > i && static_cast<unsigned>(s[p - 1] - 'a') < 26u) --p;
          else if (p - i >= 2 && latin1_lower(p - 2)) p -= 2;
          else break;
        }
        if (p > i) {  // a byte that is no letter at p - 1: the last word (if any) begins at p
          in_word = p < end;
          if (in_word) word_begin = p;
          lower_run = letters;
        } else {  // all lower-case letters, going on from the word before
          if (!in_word) word_begin = i, lower_run = 0;
          lower_run += letters;
          in_word = true;
        }
        upper_run = digit_run = 0;
        i = end;
        continue;
      }
    }
    // Fast paths, nearly every byte of a letter: the cases below can never cut, so only the run
    // counters move (the general path decodes a code point and asks three Unicode properties).
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (static_cast<unsigned>(b - 'a') < 26u) {
        // An ASCII lower-case letter not after digits, and the rest of its run, eight bytes at a
        // time (the general path cost 17 instructions a byte).
        if (digit_run < 2) {
          if (!in_word) word_begin = i, lower_run = 0;
          ++lower_run, upper_run = 0, digit_run = 0, in_word = true, ++i;
          const size_t k = lower_ascii_run(s.data() + i, s.size() - i);
          lower_run += k, i += k;
          continue;
        }
      } else if (static_cast<unsigned>(b - 'A') < 26u) {
        // An ASCII capital neither after three capitals, three lower-case letters nor two digits
        // (a word's first letter, nearly always).
        if (upper_run < 3 && lower_run < 3 && digit_run < 2) {
          if (!in_word) word_begin = i;
          lower_run = 0, ++upper_run, digit_run = 0, in_word = true, ++i;
          continue;
        }
      } else if (static_cast<unsigned>(b - '0') < 10u) {
        if (lower_run < 4) {  // a digit not after four lower-case letters
          lower_run = upper_run = 0, ++digit_run, in_word = false, ++i;
          continue;
        }
      } else {
        // ASCII that is neither letter nor digit, and the rest of such a run.
        lower_run = upper_run = digit_run = 0, in_word = false, ++i;
        while (i < s.size()) {
          const auto d = static_cast<unsigned char>(s[i]);
          if (d >= 0x80 || static_cast<unsigned>((d | 0x20) - 'a') < 26u || static_cast<unsigned>(d - '0') < 10u) break;
          ++i;
        }
        continue;
      }
    } else if (digit_run < 2 && latin1_lower(i)) {
      // æ, ø, å and the other Latin-1 lower-case letters (U+00E0-U+00FF but ÷) as ASCII ones.
      if (!in_word) word_begin = i, lower_run = 0;
      ++lower_run, upper_run = 0, digit_run = 0, in_word = true, i += 2;
      const size_t k = lower_ascii_run(s.data() + i, s.size() - i);
      lower_run += k, i += k;
      continue;
    }
    size_t start = i;
    int32_t c = text::next_cp(s, i);
    bool letter = text::is_letter(c);
    bool digit = c >= '0' && c <= '9';
    if (letter && !in_word) {
      word_begin = start;
      lower_run = 0;
    }
    bool cut = false;
    // `SUMHBGSags nr.`: an upper-case run, then a capitalised known word of three or more letters.
    if (letter && text::is_upper(c) && upper_run >= 3) {
      size_t j = i;
      int32_t d = text::next_cp(s, j);
      size_t we = word_end(s, start);
      if (d >= 0 && text::is_lower(d) && we - start >= 4 && known(s.substr(start, we - start))) cut = true;
    }
    if (!cut && letter && text::is_upper(c) && (lower_run >= 3 || digit_run >= 2)) {
      size_t j = i;
      int32_t d = text::next_cp(s, j);
      if (d >= 0 && text::is_lower(d)) {
        std::string_view right = s.substr(start, word_end(s, start) - start);
        cut = digit_run >= 2 || known(s.substr(word_begin, start - word_begin)) || known(right);
      }
    } else if (digit && lower_run >= 4 && !sp) {
      cut = false;
    } else if (digit && lower_run >= 4) {
      cut = sp->correct(std::string(s.substr(word_begin, start - word_begin)));
    } else if (letter && text::is_lower(c) && digit_run >= 2) {
      size_t we = word_end(s, start);
      cut = we - start >= 3 && sp && sp->correct(std::string(s.substr(start, we - start)));
    }
    if (cut) {
      out.append(s.substr(copied, start - copied));
      out.push_back(' ');
      copied = start;
      ++split;
      word_begin = start;
      lower_run = 0;
    }
    lower_run = letter && text::is_lower(c) ? lower_run + 1 : 0;
    upper_run = letter && text::is_upper(c) ? upper_run + 1 : 0;
    digit_run = digit ? digit_run + 1 : 0;
    in_word = letter;
  }
  if (copied == 0) return false;
  out.append(s.substr(copied));
  return true;
}

}  // namespace

std::string normalize_text(std::string_view in, const Speller* sp, NormalizeReport* report) {
  NormalizeReport local;
  NormalizeReport& r = report ? *report : local;
  // Two buffers per thread, reused from text to text: each pass reads one and writes the other
  // (or leaves its input standing when it changes nothing, as the joins and splits mostly do),
  // so a letter costs one allocation here, not one per pass. The buffer holding the result
  // becomes the result; a buffer grown past kKeep by a large text is given back.
  constexpr size_t kKeep = 1 << 22;
  thread_local std::string a, b;
  map_characters(in, a);
  drop_markup(a);
  tidy_lines(a, b);
  std::string* cur = &b;
  std::string* other = &a;
  auto step = [&](bool wrote) {
    if (wrote) std::swap(cur, other);
  };
  step(join_hyphenation(*cur, sp, r.hyphens_joined, *other));
  step(join_inline_hyphens(*cur, sp, r.hyphens_joined, *other));
  step(split_run_together(*cur, sp, r.words_split, *other));
  std::string result = std::move(*cur);
  cur->clear();
  if (other->capacity() > kKeep) std::string().swap(*other);
  return result;
}

}  // namespace sagsindeks
