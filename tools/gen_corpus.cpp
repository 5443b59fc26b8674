// gen_corpus: a deterministic scale corpus derived from the bundled one, for benchmarks.
//
//   gen_corpus --out out/scale --n 200000 --seed 1          # ~600 MB in out/scale/NNN/NNNNNNN.txt
//   gen_corpus --one-file out/big50.txt --bytes 50000000    # one large letter (shape test)
//
// Every document is a real letter from corpus/{seeds,dev}/docs with its head and tail kept and its
// body lengthened by real paragraphs from other letters; municipalities, mayors' names, dates and
// case / document / phone numbers are then varied. Document i depends only on (seed, i), so a run
// with a smaller --n writes a prefix of the larger corpus and every run measures the same work.
// The random generator is a hand-written SplitMix64 (std:: distributions differ between standard
// libraries). Cost: about 10 s and no more memory than the bundled corpus for 200 000 documents.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
};

uint64_t mix(uint64_t a, uint64_t b) { return Rng(a * 0x100000001B3ull ^ b).next(); }

// Slots are marked in the preprocessed text as \x01 KIND ARG \x02; KIND is one letter.
//   M<k>  municipality number k of kommuner.tsv      B<name>  a mayor's name
//   N<yyyy-mm-dd|sep>  numeric date                  L<yyyy-mm-dd>  "d. måned yyyy"
//   D<digits>  a number of that many digits
constexpr char kOpen = '\x01', kClose = '\x02';

const char* kMonths[] = {"januar", "februar", "marts",     "april",   "maj",      "juni",
                         "juli",   "august",  "september", "oktober", "november", "december"};

// Invented but ordinary Danish names for the mayors (no real person's full name is produced on purpose).
const char* kFirst[] = {"Anne",   "Bente", "Carsten", "Dorthe", "Erik",  "Frederik", "Gitte",  "Hans",   "Inge",
                        "Jakob",  "Karin", "Lars",    "Mette",  "Niels", "Ole",      "Pia",    "Rasmus", "Susanne",
                        "Thomas", "Ulla",  "Vibeke",  "Søren",  "Jørgen", "Birthe", "Henrik", "Kirsten", "Morten"};
const char* kLast[] = {"Andersen", "Bach",   "Christensen", "Dahl",    "Eriksen", "Frandsen", "Grønbæk", "Holm",
                       "Iversen",  "Jensen", "Kjær",        "Larsen",  "Madsen",  "Nielsen",  "Olsen",   "Pedersen",
                       "Rasmussen", "Sørensen", "Thomsen",   "Vestergaard", "Østergaard", "Hansen", "Møller", "Lund"};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Muni {
  std::string name;
  std::vector<std::string> spellings;  // the name and its older or short forms (kommune_varianter.txt)
};

std::vector<Muni> load_munis(const std::string& tsv) {
  std::vector<Muni> out;
  std::istringstream in(read_file(tsv));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("code\t", 0) == 0) continue;
    auto t1 = line.find('\t');
    auto t2 = line.find('\t', t1 + 1);
    if (t1 == std::string::npos) continue;
    std::string name = line.substr(t1 + 1, t2 - t1 - 1);
    out.push_back({name, {name}});
  }
  return out;
}

void load_variants(const std::string& path, std::vector<Muni>& munis) {
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::istringstream ls(line);
    std::string x;
    while (std::getline(ls, x, '|')) f.push_back(x);
    for (auto& m : munis)
      if (!f.empty() && m.name == f[0]) m.spellings.insert(m.spellings.end(), f.begin() + 1, f.end());
  }
}

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80 || c == '-'; }

// Replaces every regex match by fn(match) (which returns the slot text).
template <class F>
std::string replace_all(const std::string& s, const std::regex& re, F fn) {
  std::string out;
  auto it = std::sregex_iterator(s.begin(), s.end(), re), end = std::sregex_iterator();
  size_t pos = 0;
  for (; it != end; ++it) {
    const auto& m = *it;
    out.append(s, pos, m.position(0) - pos);
    out += fn(m);
    pos = m.position(0) + m.length(0);
  }
  out.append(s, pos, std::string::npos);
  return out;
}

std::string slot(char kind, const std::string& arg) { return std::string(1, kOpen) + kind + arg + kClose; }

// Marks the variable parts of one letter.
std::string mark(const std::string& text, const std::vector<Muni>& munis) {
  std::string s = text;
  // Dates first, so their digits are not taken as numbers.
  static const std::regex long_date(
      R"((\d{1,2})\. ?(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december) (\d{4}))");
  s = replace_all(s, long_date, [](const std::smatch& m) {
    int mon = 0;
    for (int k = 0; k < 12; ++k)
      if (m[2].str() == kMonths[k]) mon = k + 1;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s-%02d-%02d", m[3].str().c_str(), mon, std::stoi(m[1].str()));
    return slot('L', buf);
  });
  static const std::regex num_date(R"(\b(\d{1,2})([-./])(\d{1,2})\2((?:19|20)\d\d)\b)");
  s = replace_all(s, num_date, [](const std::smatch& m) {
    int d = std::stoi(m[1].str()), mo = std::stoi(m[3].str());
    if (d < 1 || d > 31 || mo < 1 || mo > 12) return m.str(0);
    char buf[40];
    // The separator and whether day/month had two digits are kept.
    std::snprintf(buf, sizeof buf, "%s-%02d-%02d|%s%c%c", m[4].str().c_str(), mo, d, m[2].str().c_str(),
                  m[1].length() == 2 ? '2' : '1', m[3].length() == 2 ? '2' : '1');
    return slot('N', buf);
  });
  // Mayors: one to three capitalised words after "borgmester".
  static const std::regex mayor(R"(([Bb]orgmester\**\s+)((?:[A-Z]|Æ|Ø|Å)(?:[a-z]|æ|ø|å|é|ü)+(?:[ -](?:[A-Z]|Æ|Ø|Å)(?:[a-z]|æ|ø|å|é|ü)+){1,2}))");
  s = replace_all(s, mayor, [](const std::smatch& m) { return m[1].str() + slot('B', m[2].str()); });
  // Numbers of four or more digits that are not years; the year of "2020 - 11222" stays.
  static const std::regex number(R"(\b\d{4,}\b)");
  s = replace_all(s, number, [](const std::smatch& m) {
    std::string d = m.str(0);
    if (d.size() == 4 && (d.rfind("19", 0) == 0 || d.rfind("20", 0) == 0)) return d;
    return slot('D', std::to_string(d.size()));
  });
  // Municipality names (longest first) at word boundaries; a genitive -s stays outside the slot.
  std::vector<std::pair<std::string, size_t>> order;
  for (size_t k = 0; k < munis.size(); ++k)
    for (const auto& sp : munis[k].spellings) order.push_back({sp, k});
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [n, k] : order) {
    std::string out;
    size_t pos = 0, at;
    while ((at = s.find(n, pos)) != std::string::npos) {
      size_t e = at + n.size();
      bool left = at == 0 || !is_word_byte(static_cast<unsigned char>(s[at - 1]));
      size_t e2 = e < s.size() && s[e] == 's' ? e + 1 : e;
      bool right = e2 >= s.size() || !is_word_byte(static_cast<unsigned char>(s[e2]));
      bool inside_slot = false;
      size_t o = s.rfind(kOpen, at), c = s.rfind(kClose, at);
      if (o != std::string::npos && (c == std::string::npos || c < o)) inside_slot = true;
      out.append(s, pos, at - pos);
      if (left && right && !inside_slot) out += slot('M', std::to_string(k));
      else out.append(n);
      pos = e;
    }
    out.append(s, pos, std::string::npos);
    s = std::move(out);
  }
  return s;
}

// Blank-line paragraphs; a paragraph of PDF-extracted lines over ~600 bytes is cut every 6 lines.
std::vector<std::string> chunks(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t e = text.find("\n\n", pos);
    if (e == std::string::npos) e = text.size();
    std::string para = text.substr(pos, e - pos);
    pos = e + 2;
    if (para.find_first_not_of(" \n\r\t") == std::string::npos) continue;
    if (para.size() <= 600) {
      out.push_back(para);
      continue;
    }
    size_t p = 0;
    while (p < para.size()) {
      size_t q = p;
      for (int k = 0; k < 6 && q != std::string::npos; ++k) q = para.find('\n', q + 1);
      if (q == std::string::npos) q = para.size();
      out.push_back(para.substr(p, q - p));
      p = q + 1;
    }
  }
  return out;
}

struct Letter {
  std::vector<std::string> parts;  // marked chunks
};

struct Generator {
  std::vector<Muni> munis;
  std::vector<Letter> letters;
  std::vector<const std::string*> pool;  // body chunks of every letter
  uint64_t seed = 1;

  // Expands the slots of one marked chunk for document-specific substitutions.
  void expand(const std::string& s, Rng& rng, uint64_t doc_key, int day_shift, std::string& out) const {
    size_t pos = 0;
    while (true) {
      size_t o = s.find(kOpen, pos);
      if (o == std::string::npos) break;
      out.append(s, pos, o - pos);
      size_t c = s.find(kClose, o);
      char kind = s[o + 1];
      std::string arg = s.substr(o + 2, c - o - 2);
      pos = c + 1;
      switch (kind) {
        case 'M': {  // the same original municipality maps to the same substitute within a document
          size_t k = mix(doc_key, std::stoul(arg) + 1) % munis.size();
          out += munis[k].name;
          break;
        }
        case 'B': {
          uint64_t h = mix(doc_key, std::hash<std::string>{}(arg));
          out += kFirst[h % std::size(kFirst)];
          out += ' ';
          out += kLast[(h >> 20) % std::size(kLast)];
          break;
        }
        case 'L':
        case 'N': {
          int y = std::stoi(arg.substr(0, 4)), m = std::stoi(arg.substr(5, 2)), d = std::stoi(arg.substr(8, 2));
          using namespace std::chrono;
          auto ymd = year_month_day{sys_days{year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)}} +
                                    days{day_shift}};
          unsigned dd = static_cast<unsigned>(ymd.day()), mm = static_cast<unsigned>(ymd.month());
          int yy = static_cast<int>(ymd.year());
          char buf[64];
          if (kind == 'L') {
            std::snprintf(buf, sizeof buf, "%u. %s %d", dd, kMonths[mm - 1], yy);
          } else {
            char sep = arg[11];
            bool d2 = arg[12] == '2', m2 = arg[13] == '2';
            std::snprintf(buf, sizeof buf, d2 ? "%02u%c" : "%u%c", dd, sep);
            out += buf;
            std::snprintf(buf, sizeof buf, m2 ? "%02u%c%d" : "%u%c%d", mm, sep, yy);
          }
          out += buf;
          break;
        }
        case 'D': {
          size_t n = std::stoul(arg);
          out.push_back(static_cast<char>('1' + rng.below(9)));
          for (size_t k = 1; k < n; ++k) out.push_back(static_cast<char>('0' + rng.below(10)));
          break;
        }
      }
    }
    out.append(s, pos, std::string::npos);
  }

  // Document i: a template letter's head and tail around its own body plus borrowed paragraphs.
  std::string document(uint64_t i) const {
    uint64_t key = mix(seed, i);
    Rng rng(key);
    const Letter& t = letters[rng.below(letters.size())];
    size_t n = t.parts.size();
    size_t head = std::min<size_t>(n, std::max<size_t>(1, n / 4));
    size_t tail = std::min<size_t>(n - head, std::max<size_t>(1, n / 5));
    // Target size: 0.8–4.4 KB; with the template's own length the mean is ~3 KB (200 000 documents ≈ 600 MB).
    size_t target = 800 + rng.below(3600);
    std::vector<const std::string*> body;
    size_t size = 0;
    for (size_t k = 0; k < n; ++k) size += t.parts[k].size() + 2;
    for (size_t k = head; k < n - tail; ++k) body.push_back(&t.parts[k]);
    while (size < target && !pool.empty()) {
      const std::string* p = pool[rng.below(pool.size())];
      body.insert(body.begin() + static_cast<long>(rng.below(body.size() + 1)), p);
      size += p->size() + 2;
    }
    int day_shift = static_cast<int>(rng.below(3000)) - 2400;
    std::string out;
    out.reserve(size + 256);
    auto add = [&](const std::string& part) {
      if (!out.empty()) out += "\n\n";
      expand(part, rng, key, day_shift, out);
    };
    for (size_t k = 0; k < head; ++k) add(t.parts[k]);
    for (const auto* p : body) add(*p);
    for (size_t k = n - tail; k < n; ++k) add(t.parts[k]);
    out += '\n';
    return out;
  }
};

int usage() {
  std::cerr << "usage: gen_corpus [--seed S] [--corpus DIR]... [--kommuner TSV]\n"
               "                  (--out DIR [--n N] | --one-file PATH --bytes B)\n"
               "Writes N documents (default 200000, ~600 MB) to DIR/NNN/NNNNNNN.txt, or one document of about B\n"
               "bytes (documents joined by blank lines) to PATH. Deterministic from --seed (default 1).\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string src = SAGSINDEKS_SOURCE_DIR;
  std::vector<std::string> corpora;
  std::string kommuner = src + "/lexicons/kommuner.tsv", out_dir, one_file;
  uint64_t n = 200000, bytes = 0, seed = 1;
  for (int k = 1; k < argc; ++k) {
    std::string a = argv[k];
    auto val = [&]() -> std::string {
      if (k + 1 >= argc) {
        std::cerr << "gen_corpus: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++k];
    };
    if (a == "--out") out_dir = val();
    else if (a == "--n") n = std::stoull(val());
    else if (a == "--seed") seed = std::stoull(val());
    else if (a == "--corpus") corpora.push_back(val());
    else if (a == "--kommuner") kommuner = val();
    else if (a == "--one-file") one_file = val();
    else if (a == "--bytes") bytes = std::stoull(val());
    else return usage();
  }
  if (out_dir.empty() == one_file.empty() || (!one_file.empty() && bytes == 0)) return usage();
  if (corpora.empty()) corpora = {src + "/corpus/seeds/docs", src + "/corpus/dev/docs"};

  Generator g;
  g.seed = seed;
  g.munis = load_munis(kommuner);
  load_variants(kommuner.substr(0, kommuner.find_last_of('/') + 1) + "kommune_varianter.txt", g.munis);
  if (g.munis.empty()) {
    std::cerr << "gen_corpus: " << kommuner << ": no municipalities\n";
    return 2;
  }
  std::vector<fs::path> files;
  for (const auto& c : corpora) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(c, ec))
      if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
    if (ec) {
      std::cerr << "gen_corpus: " << c << ": " << ec.message() << "\n";
      return 2;
    }
  }
  std::sort(files.begin(), files.end());  // directory order is not deterministic
  for (const auto& f : files) {
    Letter l;
    for (auto& c : chunks(read_file(f))) l.parts.push_back(mark(c, g.munis));
    if (!l.parts.empty()) g.letters.push_back(std::move(l));
  }
  if (g.letters.empty()) {
    std::cerr << "gen_corpus: no letters found\n";
    return 2;
  }
  for (const auto& l : g.letters)
    for (size_t k = 0; k < l.parts.size(); ++k)
      if (l.parts[k].size() >= 80) g.pool.push_back(&l.parts[k]);

  uint64_t total = 0;
  if (!one_file.empty()) {
    std::ofstream o(one_file, std::ios::binary);
    uint64_t i = 0;
    while (total < bytes) {
      std::string d = g.document(i++);
      d += '\n';
      o << d;
      total += d.size();
    }
    if (!o) {
      std::cerr << "gen_corpus: " << one_file << ": write failed\n";
      return 2;
    }
    std::printf("%s: %llu documents joined, %llu bytes\n", one_file.c_str(), static_cast<unsigned long long>(i),
                static_cast<unsigned long long>(total));
    return 0;
  }
  for (uint64_t i = 0; i < n; ++i) {
    char dir[32], name[32];
    std::snprintf(dir, sizeof dir, "%03llu", static_cast<unsigned long long>(i / 1000));
    std::snprintf(name, sizeof name, "%07llu.txt", static_cast<unsigned long long>(i));
    fs::path d = fs::path(out_dir) / dir;
    if (i % 1000 == 0) fs::create_directories(d);
    std::string doc = g.document(i);
    FILE* f = std::fopen((d / name).c_str(), "wb");
    if (!f || std::fwrite(doc.data(), 1, doc.size(), f) != doc.size() || std::fclose(f) != 0) {
      std::cerr << "gen_corpus: " << (d / name).string() << ": write failed\n";
      return 2;
    }
    total += doc.size();
  }
  std::printf("%s: %llu documents, %llu bytes (seed %llu)\n", out_dir.c_str(), static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(total), static_cast<unsigned long long>(seed));
  return 0;
}
