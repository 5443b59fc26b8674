// `ingest`, `search`, `show`, `export` and `check`: the corpus index's commands.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/common.h"
#include "index/store.h"
#include "index/tokenizer.h"

namespace sagsindeks::cli {

namespace {

int default_jobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
}

// printf into a string, for output through std::cout only (main() unsyncs stdio).
std::string fmtf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string fmtf(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

int fail(const char* cmd, const std::string& msg) {
  std::cerr << "sagsindeks " << cmd << ": " << msg << "\n";
  return 2;
}

int usage_error(const char* cmd, const std::string& msg) {
  std::cerr << "sagsindeks " << cmd << ": " << msg << "\nTry 'sagsindeks " << cmd << " --help'.\n";
  return 2;
}

// Display width in code points (good enough for Danish text).
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Cuts to `w` code points, ending in "…" when cut; pads with spaces when `pad`.
std::string fit(const std::string& s, size_t w, bool pad = true) {
  std::string out;
  if (width(s) <= w) {
    out = s;
  } else if (w > 0) {
    size_t n = 0, i = 0;
    for (; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
        if (n == w - 1) break;
        ++n;
      }
    }
    out = s.substr(0, i) + "…";
  }
  if (pad)
    for (size_t k = width(out); k < w; ++k) out += ' ';
  return out;
}

size_t terminal_columns() {
  struct winsize ws{};
  if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) return ws.ws_col;
  return 120;
}

std::string csv(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

std::string join(const std::vector<std::string>& v, const char* sep = "; ") {
  std::string o;
  for (const auto& s : v) o += (o.empty() ? "" : sep) + s;
  return o;
}

std::string dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool parse_wait(const Args& a, const char* cmd, int& ms) {
  if (!a.options.count("--wait")) return true;
  char* end = nullptr;
  std::string s = a.get("--wait");
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end || !(v >= 0) || v > 86400) {
    usage_error(cmd, "--wait takes a number of seconds");
    return false;
  }
  ms = static_cast<int>(std::lround(v * 1000));
  return true;
}

// The filter options shared by search and export.
const std::set<std::string> kFilterOptions = {"--type",      "--municipality", "--mayor", "--signatory", "--case",
                                              "--document-number", "--exemption", "--from",  "--to",
                                              "--year",      "--path"};

constexpr const char* kFilterHelp =
    "filters (combined with each other and with the query):\n"
    "  --type T[,T...]     request, reply, invitation, parliamentary_answer, other\n"
    "  --municipality M    a municipality named or coded in the document (Ishøj, 0183)\n"
    "  --mayor NAME        a mayor named in it (full name or surname)\n"
    "  --signatory NAME    a signatory\n"
    "  --case NUMBER       a case number (Sagsnr.), white space ignored\n"
    "  --document-number N a document number (Doknr.)\n"
    "  --exemption AREA    an exemption area\n"
    "  --from DATE         document date on or after (YYYY, YYYY-MM or YYYY-MM-DD)\n"
    "  --to DATE           document date on or before\n"
    "  --year YYYY         document date in that year\n"
    "  --path TEXT         source path contains TEXT\n"
    "  --errors            only the files that could not be read\n";

bool valid_date(const std::string& d) {
  static const char* shapes[] = {"dddd", "dddd-dd", "dddd-dd-dd"};
  for (const char* s : shapes) {
    if (d.size() != std::strlen(s)) continue;
    bool ok = true;
    for (size_t i = 0; i < d.size(); ++i)
      if ((s[i] == 'd') != (std::isdigit(static_cast<unsigned char>(d[i])) != 0) || (s[i] == '-' && d[i] != '-'))
        ok = false;
    if (ok) return true;
  }
  return false;
}

bool make_filter(const Args& a, const char* cmd, Filter& f) {
  std::string types = a.get("--type");
  for (size_t b = 0; !types.empty() && b <= types.size();) {
    size_t e = types.find(',', b);
    if (e == std::string::npos) e = types.size();
    std::string t = types.substr(b, e - b);
    if (!t.empty()) {
      if (std::find(kTypeLabels.begin(), kTypeLabels.end(), t) == kTypeLabels.end()) {
        usage_error(cmd, "unknown type '" + t + "' (request, reply, invitation, parliamentary_answer, other)");
        return false;
      }
      f.types.push_back(t);
    }
    b = e + 1;
  }
  f.municipality = a.get("--municipality");
  f.mayor = a.get("--mayor");
  f.signatory = a.get("--signatory");
  f.case_number = a.get("--case");
  f.document_number = a.get("--document-number");
  f.exemption = a.get("--exemption");
  f.from = a.get("--from");
  f.to = a.get("--to");
  f.path = a.get("--path");
  if (a.options.count("--year")) {
    f.from = f.to = a.get("--year");
    if (f.from.size() != 4) {
      usage_error(cmd, "--year takes a year, YYYY");
      return false;
    }
  }
  for (const auto* d : {&f.from, &f.to})
    if (!d->empty() && !valid_date(*d)) {
      usage_error(cmd, "dates are YYYY, YYYY-MM or YYYY-MM-DD, not '" + *d + "'");
      return false;
    }
  f.errors = a.has("--errors");
  return true;
}

Result<std::unique_ptr<CorpusIndex>> open_read(const std::string& path, bool allow_outdated = false) {
  IndexOptions o;
  o.allow_outdated = allow_outdated;
  return CorpusIndex::open(path, o);
}

// ---- ingest ----------------------------------------------------------------------------------

const char* kIngestHelp =
    "usage: sagsindeks ingest [options] INDEX.db PATH...\n"
    "\n"
    "Analyses every readable file under the paths (folders recursively) and stores the analysis\n"
    "record, the normalised text and the source (path, sha256, size, mtime) in one SQLite file,\n"
    "created when missing. Running it again is incremental: files whose size and mtime are\n"
    "unchanged are skipped, files with the same content hash are not re-analysed, changed\n"
    "files are updated. A run that is killed leaves a consistent index; run it again to finish.\n"
    "Unreadable files are stored as errors and listed at the end (exit status 2). The\n"
    "attachments of an e-mail are documents of their own, stored as FILE#PART (e.g. mail.eml#2)\n"
    "and replaced or removed with their file.\n"
    "\n"
    "options:\n"
    "  -j, --jobs N        analysis threads (default: number of cores); one writer\n"
    "  --force             re-analyse every file, e.g. after the lexicons changed\n"
    "  --prune             remove documents whose files are gone from the folders given\n"
    "  --wait SECONDS      wait this long for another writer before giving up (default 5)\n"
    "  --encoding NAME     read input as NAME (UTF-8, windows-1252, ...)\n"
    "  --max-bytes N       refuse inputs larger than N bytes (default 104857600)\n"
    "  --no-ocr            no OCR: scanned PDF pages are skipped, TIFF/PNG/JPEG files get error\n"
    "                      no_text (OCR is on by default: tesseract, Danish, 300 dpi)\n"
    "  --max-ocr-pages N   OCR at most N pages of a document (default 50)\n"
    "  --quiet             no summary\n";

int cmd_ingest(const std::vector<std::string>& argv) {
  Args a = parse(argv, {"--jobs", "--wait", "--encoding", "--max-bytes", "--max-ocr-pages", "--lexicons", "--dictionary",
                        "--batch"},
                 {"--help", "--force", "--prune", "--quiet", "--no-ocr"});
  if (a.has("--help")) {
    std::cout << kIngestHelp << kResourceHelp;
    return 0;
  }
  if (!a.error.empty()) return usage_error("ingest", a.error);
  if (a.positional.size() < 2) return usage_error("ingest", "give the index file and at least one path");
  IngestOptions io;
  io.jobs = default_jobs();
  long v = 0;
  if (a.options.count("--jobs")) {
    if (!parse_int(a.get("--jobs"), 1, 256, v)) return usage_error("ingest", "--jobs takes a whole number from 1 to 256");
    io.jobs = static_cast<int>(v);
  }
  if (a.options.count("--max-bytes")) {
    if (!parse_int(a.get("--max-bytes"), 1, 1L << 40, v)) return usage_error("ingest", "--max-bytes takes a positive whole number");
    io.analyze.limits.max_bytes = static_cast<uint64_t>(v);
  }
  if (a.options.count("--max-ocr-pages")) {
    if (!parse_int(a.get("--max-ocr-pages"), 0, 1L << 20, v))
      return usage_error("ingest", "--max-ocr-pages takes a whole number from 0 to 1048576");
    io.analyze.limits.max_ocr_pages = static_cast<uint32_t>(v);
  }
  if (a.options.count("--batch")) {
    if (!parse_int(a.get("--batch"), 1, 100000, v)) return usage_error("ingest", "--batch takes a positive whole number");
    io.batch = static_cast<size_t>(v);
  }
  io.analyze.prepare.encoding = a.get("--encoding");
  io.analyze.ocr = !a.has("--no-ocr");
  io.force = a.has("--force");
  io.prune = a.has("--prune");
  IndexOptions o;
  o.create = o.writable = true;
  if (!parse_wait(a, "ingest", o.busy_timeout_ms)) return 2;
  const std::string& dbpath = a.positional[0];
  auto ix = CorpusIndex::open(dbpath, o);
  if (!ix.ok()) return fail("ingest", ix.error().message);
  auto res = load_resources(a);
  if (!res) return 2;
  std::optional<Progress> progress;  // the total is known only once the folders are listed
  io.progress = [&](size_t done, size_t total) {
    if (!progress) progress.emplace("ingested", total);
    progress->tick(done);
  };
  std::vector<std::string> paths(a.positional.begin() + 1, a.positional.end());
  auto rep = (*ix)->ingest(paths, *res, io);
  if (progress) progress->finish();
  if (!rep.ok()) return fail("ingest", rep.error().message);
  for (const auto& [p, e] : rep->failures) std::cerr << p << ": " << e.message << "\n";
  if (!a.has("--quiet")) {
    double mb = rep->bytes / 1e6;
    size_t analysed = rep->added + rep->updated + rep->failed - rep->parts_failed + rep->parts;  // records written
    std::cout << fmtf("%zu files: %zu added, %zu updated, %zu unchanged, %zu failed%s%s in %.1f s", rep->files,
                        rep->added, rep->updated, rep->unchanged, rep->failed,
                        rep->removed ? (", " + std::to_string(rep->removed) + " removed").c_str() : "",
                        rep->parts ? (", " + std::to_string(rep->parts) + " attachment records").c_str() : "",
                        rep->seconds);
    if (analysed > 0 && rep->seconds > 0)
      std::cout << fmtf(" (%.0f documents/s, %.2f MB/s)", analysed / rep->seconds, mb / rep->seconds);
    std::cout << "\n";
    if (rep->lexicons_changed)
      std::cout << ("note: some unchanged documents were analysed with other lexicons; 'ingest --force' re-analyses them\n");
  }
  return rep->failures.empty() ? 0 : 2;
}

// ---- search ----------------------------------------------------------------------------------

const char* kSearchHelp =
    "usage: sagsindeks search [options] INDEX.db [QUERY]\n"
    "\n"
    "Finds documents by Danish full text (stemmed: kommune finds kommunerne) and by extracted\n"
    "fields, ranked by relevance (bm25), each with its index card and a snippet with the hits\n"
    "marked. Without a query, every document that passes the filters, newest first.\n"
    "\n"
    "query syntax (SQLite FTS5):\n"
    "  frisættelse ældreområdet      both words (AND is implied)\n"
    "  \"forpligtende kommunale samarbejder\"   the phrase\n"
    "  frikommune*                   a prefix\n"
    "  a OR b, a NOT b, (a OR b) AND c, NEAR(a b, 5), title: borgmester\n"
    "  2020-11222, j.nr.            a word with - . / is searched as the phrase it prints\n"
    "\n"
    "options:\n"
    "  --limit N           at most N hits (default 20)\n"
    "  --offset N          skip the first N hits\n"
    "  --format F          table (default), jsonl or csv\n"
    "  --facets            counts per type, year and municipality of all hits instead of the hits\n"
    "\n";

int cmd_search(const std::vector<std::string>& argv) {
  std::set<std::string> with_value = kFilterOptions;
  with_value.insert({"--limit", "--offset", "--format"});
  Args a = parse(argv, with_value, {"--help", "--facets", "--errors"});
  if (a.has("--help")) {
    std::cout << kSearchHelp << kFilterHelp;
    return 0;
  }
  if (!a.error.empty()) return usage_error("search", a.error);
  if (a.positional.empty() || a.positional.size() > 2)
    return usage_error("search", a.positional.empty() ? "give the index file" : "give the query as one argument (quote it)");
  Filter f;
  if (!make_filter(a, "search", f)) return 2;
  if (a.positional.size() == 2) f.text = a.positional[1];
  if (f.text.find_first_not_of(" \t\r\n") == std::string::npos) f.text.clear();
  SearchOptions so;
  long v = 0;
  if (a.options.count("--limit")) {
    if (!parse_int(a.get("--limit"), 1, 1000000, v)) return usage_error("search", "--limit takes a positive whole number");
    so.limit = static_cast<size_t>(v);
  }
  if (a.options.count("--offset")) {
    if (!parse_int(a.get("--offset"), 0, 1L << 40, v)) return usage_error("search", "--offset takes a whole number");
    so.offset = static_cast<size_t>(v);
  }
  std::string format = a.get("--format", "table");
  if (format != "table" && format != "jsonl" && format != "csv")
    return usage_error("search", "--format is table, jsonl or csv");
  bool tty = isatty(1) == 1;
  if (format == "table" && tty) so.mark_open = "\033[1;31m", so.mark_close = "\033[0m";

  auto ix = open_read(a.positional[0]);
  if (!ix.ok()) return fail("search", ix.error().message);

  if (a.has("--facets")) {
    auto fc = (*ix)->facets(f);
    if (!fc.ok()) return fail("search", fc.error().message);
    if (format == "jsonl") {
      nlohmann::ordered_json j;
      j["total"] = fc->total;
      for (auto [name, list] : {std::pair{"type", &fc->types}, {"year", &fc->years}, {"municipality", &fc->municipalities}}) {
        nlohmann::ordered_json m = nlohmann::ordered_json::object();
        for (const auto& c : *list) m[c.value] = c.count;
        j[name] = m;
      }
      std::cout << dump(j) << "\n";
    } else if (format == "csv") {
      std::cout << "facet,value,count\ntotal,," << fc->total << "\n";
      for (auto [name, list] : {std::pair{"type", &fc->types}, {"year", &fc->years}, {"municipality", &fc->municipalities}})
        for (const auto& c : *list) std::cout << name << "," << csv(c.value) << "," << c.count << "\n";
    } else {
      std::cout << fc->total << (fc->total == 1 ? " document\n" : " documents\n");
      for (auto [name, list] : {std::pair{"type", &fc->types}, {"year", &fc->years}, {"municipality", &fc->municipalities}}) {
        if (list->empty()) continue;
        size_t w = 0;
        for (const auto& c : *list) w = std::max(w, width(c.value));
        std::cout << "\n" << name << "\n";
        for (const auto& c : *list) std::cout << "  " << fit(c.value, w) << fmtf("  %6lld\n", static_cast<long long>(c.count));
      }
    }
    return fc->total > 0 ? 0 : 1;
  }

  int64_t known_total = -1;
  so.total = &known_total;
  auto hits = (*ix)->search(f, so);
  if (!hits.ok()) return fail("search", hits.error().message);
  if (format == "jsonl") {
    for (const auto& h : *hits) {
      nlohmann::ordered_json j;
      j["id"] = h.id;
      j["score"] = -h.score;
      j["path"] = h.path;
      j["type"] = h.type;
      j["confidence"] = h.confidence;
      j["document_date"] = h.document_date.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(h.document_date);
      j["title"] = h.title;
      j["municipalities"] = h.municipalities;
      j["mayors"] = h.mayors;
      j["case_numbers"] = h.case_numbers;
      if (h.error) j["error"] = {{"code", h.error->code}, {"message", h.error->message}};
      j["snippet"] = h.snippet;
      std::cout << dump(j) << "\n";
    }
  } else if (format == "csv") {
    std::cout << "id,score,document_date,type,municipalities,mayors,case_numbers,title,path,snippet\n";
    for (const auto& h : *hits) {
      char score[32];
      std::snprintf(score, sizeof score, "%.3f", -h.score);
      std::cout << h.id << "," << score << "," << h.document_date << "," << h.type << "," << csv(join(h.municipalities))
                << "," << csv(join(h.mayors)) << "," << csv(join(h.case_numbers)) << "," << csv(h.title) << ","
                << csv(h.path) << "," << csv(h.snippet) << "\n";
    }
  } else if (!hits->empty()) {
    // id  date  type  municipality  title, then the snippet indented below.
    size_t cols = terminal_columns();
    size_t wid = 2, wtype = 4, wmun = 12;
    for (const auto& h : *hits) {
      wid = std::max(wid, std::to_string(h.id).size());
      wtype = std::max(wtype, width(h.type));
      wmun = std::max(wmun, std::min<size_t>(18, width(join(h.municipalities, ", "))));
    }
    size_t fixed = wid + 2 + 10 + 2 + wtype + 2 + wmun + 2;
    size_t wtitle = cols > fixed + 20 ? cols - fixed : 20;
    std::string head = fit("id", wid) + "  " + fit("date", 10) + "  " + fit("type", wtype) + "  " +
                       fit("municipality", wmun) + "  title";
    std::cout << (tty ? "\033[1m" + head + "\033[0m" : head) << "\n";
    std::string indent(wid + 2, ' ');
    for (const auto& h : *hits) {
      std::string ids = std::to_string(h.id);
      std::cout << std::string(wid - ids.size(), ' ') << ids << "  " << fit(h.document_date.empty() ? "-" : h.document_date, 10)
                << "  " << fit(h.type.empty() ? "-" : h.type, wtype) << "  "
                << fit(h.municipalities.empty() ? "-" : join(h.municipalities, ", "), wmun) << "  "
                << fit(h.title.empty() ? h.path.substr(h.path.find_last_of('/') + 1) : h.title, wtitle, false) << "\n";
      if (!h.snippet.empty()) std::cout << indent << h.snippet << "\n";
    }
    int64_t total = known_total;
    if (total < 0) {
      auto n = (*ix)->count(f);
      total = n.ok() ? *n : 0;
    }
    if (static_cast<size_t>(total) > hits->size())
      std::cout << "(" << hits->size() << " of " << total << " hits; --limit N for more)\n";
  }
  std::cout.flush();
  return hits->empty() ? 1 : 0;
}

// ---- show ------------------------------------------------------------------------------------

void card_line(const char* label, const std::string& value) {
  if (value.empty()) return;
  std::cout << fit(label, 18) << value << "\n";
}

std::vector<std::string> names(const nlohmann::ordered_json& arr, const std::function<std::string(const nlohmann::ordered_json&)>& f) {
  std::vector<std::string> out;
  if (arr.is_array())
    for (const auto& x : arr) out.push_back(f(x));
  return out;
}

std::string str(const nlohmann::ordered_json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : "";
}

struct Card {
  std::string municipalities, mayors, case_numbers, document_numbers, exemptions, signatories, parliamentary;
};

Card card_of(const nlohmann::ordered_json& r) {
  Card c;
  auto get = [&](const char* k) { return r.is_object() && r.contains(k) ? r[k] : nlohmann::ordered_json(); };
  c.municipalities = join(names(get("municipalities"), [](const auto& m) { return str(m, "name"); }));
  c.mayors = join(names(get("mayors"), [](const auto& m) {
    std::string mun = m.contains("municipality") ? str(m["municipality"], "name") : "";
    return str(m, "name") + (mun.empty() ? "" : " (" + mun + ")");
  }));
  c.case_numbers = join(names(get("case_numbers"), [](const auto& m) { return str(m, "value"); }));
  c.document_numbers = join(names(get("document_numbers"), [](const auto& m) { return str(m, "value"); }));
  c.exemptions = join(names(get("exemptions"), [](const auto& m) { return str(m, "area"); }));
  c.signatories = join(names(get("signatories"), [](const auto& m) {
    std::string role = str(m, "role");
    return str(m, "name") + (role.empty() ? "" : " (" + role + ")");
  }));
  auto pq = get("parliamentary_question");
  if (pq.is_object()) c.parliamentary = str(pq, "number") + " " + str(pq, "series") + (str(pq, "committee").empty() ? "" : ", " + str(pq, "committee"));
  return c;
}

int cmd_show(const std::vector<std::string>& argv) {
  Args a = parse(argv, {"--format"}, {"--help", "--no-text"});
  if (a.has("--help")) {
    std::cout << "usage: sagsindeks show [--format text|json] [--no-text] INDEX.db ID|PATH\n\n"
                 "Prints one document: its index card, then its normalised text. --format json prints\n"
                 "the stored analysis record with \"id\" and \"text\" added.\n";
    return 0;
  }
  if (!a.error.empty()) return usage_error("show", a.error);
  if (a.positional.size() != 2) return usage_error("show", "give the index file and a document id or path");
  std::string format = a.get("--format", "text");
  if (format != "text" && format != "json") return usage_error("show", "--format is text or json");
  auto ix = open_read(a.positional[0]);
  if (!ix.ok()) return fail("show", ix.error().message);
  long id = 0;
  auto d = parse_int(a.positional[1], 1, (1L << 62), id) ? (*ix)->document(id) : (*ix)->document_by_path(a.positional[1]);
  if (!d.ok()) return fail("show", d.error().message);
  if (!*d) return fail("show", "no document " + a.positional[1] + " in " + a.positional[0]);
  const StoredDocument& doc = **d;
  if (format == "json") {
    nlohmann::ordered_json j;
    j["id"] = doc.id;
    for (auto it = doc.record.begin(); it != doc.record.end(); ++it) j[it.key()] = it.value();
    if (!a.has("--no-text") && !doc.error) j["text"] = doc.text;
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  Card c = card_of(doc.record);
  card_line("id", std::to_string(doc.id));
  card_line("path", doc.path);
  if (doc.error) card_line("error", doc.error->code + ": " + doc.error->message);
  if (!doc.type.empty()) {
    char conf[32];
    std::snprintf(conf, sizeof conf, " (%.2f)", doc.confidence);
    card_line("type", doc.type + conf);
  }
  card_line("date", doc.document_date);
  card_line("title", doc.title);
  card_line("municipalities", c.municipalities);
  card_line("mayors", c.mayors);
  card_line("case numbers", c.case_numbers);
  card_line("document numbers", c.document_numbers);
  card_line("exemptions", c.exemptions);
  card_line("signatories", c.signatories);
  card_line("parliamentary", c.parliamentary);
  std::string enc = doc.record.contains("source") ? str(doc.record["source"], "encoding") : "";
  card_line("source", std::to_string(doc.bytes) + " bytes" + (enc.empty() ? "" : ", " + enc) +
                          (doc.sha256.empty() ? "" : ", sha256 " + doc.sha256.substr(0, 16) + "…"));
  card_line("ingested", doc.ingested_at);
  if (!a.has("--no-text") && !doc.text.empty()) std::cout << "\n" << doc.text << (doc.text.back() == '\n' ? "" : "\n");
  return 0;
}

// ---- export ----------------------------------------------------------------------------------

int cmd_export(const std::vector<std::string>& argv) {
  std::set<std::string> with_value = kFilterOptions;
  with_value.insert({"--format"});
  Args a = parse(argv, with_value, {"--help", "--errors", "--with-text"});
  if (a.has("--help")) {
    std::cout << "usage: sagsindeks export [--format csv|jsonl] [filters] INDEX.db [QUERY]\n\n"
                 "Writes the index cards of all documents (or those matching the query and filters) in id\n"
                 "order: csv (default) for a spreadsheet, or jsonl, the stored analysis records\n"
                 "(--with-text adds the normalised text).\n\n"
              << kFilterHelp;
    return 0;
  }
  if (!a.error.empty()) return usage_error("export", a.error);
  if (a.positional.empty() || a.positional.size() > 2) return usage_error("export", "give the index file (and a query)");
  std::string format = a.get("--format", "csv");
  if (format != "csv" && format != "jsonl") return usage_error("export", "--format is csv or jsonl");
  Filter f;
  if (!make_filter(a, "export", f)) return 2;
  if (a.positional.size() == 2) f.text = a.positional[1];
  auto ix = open_read(a.positional[0]);
  if (!ix.ok()) return fail("export", ix.error().message);
  if (format == "csv")
    std::cout << "id,path,type,confidence,document_date,title,municipalities,mayors,case_numbers,document_numbers,"
                 "exemptions,signatories,parliamentary_question,bytes,sha256,error\n";
  bool with_text = a.has("--with-text");
  auto n = (*ix)->for_each(f, [&](const StoredDocument& d) {
    if (format == "jsonl") {
      nlohmann::ordered_json j = d.record;
      if (with_text && !d.error) j["text"] = d.text;
      std::cout << dump(j) << "\n";
    } else {
      Card c = card_of(d.record);
      char conf[32] = "";
      if (!d.type.empty()) std::snprintf(conf, sizeof conf, "%.3f", d.confidence);
      std::cout << d.id << "," << csv(d.path) << "," << d.type << "," << conf << "," << d.document_date << ","
                << csv(d.title) << "," << csv(c.municipalities) << "," << csv(c.mayors) << "," << csv(c.case_numbers)
                << "," << csv(c.document_numbers) << "," << csv(c.exemptions) << "," << csv(c.signatories) << ","
                << csv(c.parliamentary) << "," << d.bytes << "," << d.sha256 << ","
                << csv(d.error ? d.error->code + ": " + d.error->message : "") << "\n";
    }
    return static_cast<bool>(std::cout);
  });
  std::cout.flush();
  if (!n.ok()) return fail("export", n.error().message);
  return 0;
}

// ---- check -----------------------------------------------------------------------------------

int cmd_check(const std::vector<std::string>& argv) {
  Args a = parse(argv, {"--wait"}, {"--help", "--reindex", "--upgrade", "--json"});
  if (a.has("--help")) {
    std::cout << "usage: sagsindeks check [--reindex] [--upgrade] [--json] INDEX.db\n\n"
                 "Runs SQLite's integrity check and FTS5's (the full-text index against the documents),\n"
                 "and prints the versions (schema, tokenizer, lexicons) and counts. Exit status 0 when\n"
                 "every check passed, 2 otherwise.\n\n"
                 "  --upgrade           migrate an index made by an older sagsindeks\n"
                 "  --reindex           rebuild the full-text index with this build's tokenizer\n"
                 "  --json              print the report as one JSON object\n"
                 "  --wait SECONDS      wait this long for another writer (default 5)\n";
    return 0;
  }
  if (!a.error.empty()) return usage_error("check", a.error);
  if (a.positional.size() != 1) return usage_error("check", "give one index file");
  IndexOptions o;
  o.allow_outdated = true;
  if (!parse_wait(a, "check", o.busy_timeout_ms)) return 2;
  // FTS5's integrity-check is an INSERT in form, so it needs a writable connection; a read-only
  // file gets every other check.
  bool repair = a.has("--reindex") || a.has("--upgrade");
  o.writable = true;
  auto ix = CorpusIndex::open(a.positional[0], o);
  if (!ix.ok() && ix.error().code == "read_only" && !repair) {
    o.writable = false;
    ix = CorpusIndex::open(a.positional[0], o);
  }
  if (!ix.ok()) return fail("check", ix.error().message);
  if (a.has("--upgrade") && (*ix)->info().schema_version < kIndexSchemaVersion) {
    auto u = (*ix)->upgrade();
    if (!u.ok()) return fail("check", u.error().message);
    std::cerr << "upgraded to index schema " << kIndexSchemaVersion << "\n";
  }
  if (a.has("--reindex")) {
    auto r = (*ix)->reindex();
    if (!r.ok()) return fail("check", r.error().message);
    std::cerr << "full-text index rebuilt\n";
  }
  auto rep = (*ix)->check();
  if (!rep.ok()) return fail("check", rep.error().message);
  const IndexInfo& in = rep->info;
  if (a.has("--json")) {
    nlohmann::ordered_json j;
    j["index"] = in.path;
    j["schema_version"] = in.schema_version;
    j["tokenizer"] = std::string(kTokenizerName);
    j["tokenizer_version"] = in.tokenizer_version;
    j["lexicon_version"] = in.lexicon_version;
    j["analysis_schema"] = in.analysis_schema;
    j["sqlite"] = in.sqlite_version;
    j["documents"] = rep->documents;
    j["errors"] = rep->errors;
    j["text_bytes"] = rep->text_bytes;
    nlohmann::ordered_json t = nlohmann::ordered_json::object();
    for (const auto& c : rep->types) t[c.value] = c.count;
    j["types"] = t;
    j["last_ingest"] = rep->last_run;
    j["last_ingest_finished"] = rep->last_run_finished;
    j["ok"] = rep->problems.empty();
    j["problems"] = rep->problems;
    j["notes"] = rep->notes;
    std::cout << dump(j) << "\n";
  } else {
    std::string types;
    for (const auto& c : rep->types) types += (types.empty() ? "" : ", ") + c.value + " " + std::to_string(c.count);
    card_line("index", in.path);
    card_line("schema", std::to_string(in.schema_version) + " (this build: " + std::to_string(kIndexSchemaVersion) + ")");
    card_line("tokenizer", std::string(kTokenizerName) + " " + std::to_string(in.tokenizer_version) +
                               " (this build: " + std::to_string(kTokenizerVersion) + ")");
    card_line("lexicons", in.lexicon_version.empty() ? "-" : in.lexicon_version);
    card_line("analysis", in.analysis_schema);
    card_line("sqlite", in.sqlite_version);
    char docs[96];
    std::snprintf(docs, sizeof docs, "%lld (%lld unreadable), %.1f MB of text", static_cast<long long>(rep->documents),
                  static_cast<long long>(rep->errors), rep->text_bytes / 1e6);
    card_line("documents", docs);
    card_line("types", types);
    card_line("last ingest", rep->last_run);
    card_line("integrity", rep->problems.empty() ? "ok" : "FAILED");
    for (const auto& p : rep->problems) std::cout << "  " << p << "\n";
    for (const auto& p : rep->notes) std::cout << "  note: " << p << "\n";
  }
  if (!rep->problems.empty()) {
    std::cerr << "sagsindeks check: " << a.positional[0] << ": the index is damaged (" << rep->problems.size()
              << " problem(s) above); restore it from a backup, or ingest the folders again into a new index\n";
    return 2;
  }
  return 0;
}

}  // namespace

std::vector<Command> index_commands() {
  return {
      {"ingest", "load files into a searchable index (SQLite), incrementally", cmd_ingest},
      {"search", "search an index: Danish full text, filters, facets", cmd_search},
      {"show", "print one indexed document: card and text", cmd_show},
      {"export", "write an index's cards as CSV or its records as JSON Lines", cmd_export},
      {"check", "verify an index: integrity, versions, counts", cmd_check},
  };
}

}  // namespace sagsindeks::cli
