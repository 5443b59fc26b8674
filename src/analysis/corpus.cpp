// Batch analysis: discovery, per-file errors, ordered parallelism.
#include "analysis/corpus.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "ingest/formats/sniff.h"
#include "ingest/reader.h"

namespace sagsindeks {

namespace fs = std::filesystem;

InputWalker::InputWalker(std::vector<std::string> paths) : roots_(std::move(paths)) {}

void InputWalker::push_folder(const std::string& folder) {
  Level level;
  std::error_code ec;
  // Permission denied is skipped, as recursive_directory_iterator's skip_permission_denied did.
  fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    // The type from the directory entry (d_type) where the file system gives it: no stat per
    // file. A symlinked folder is not walked (loops); a symlinked file is read like a file.
    std::error_code e2;
    fs::file_type t = it->symlink_status(e2).type();
    if (t == fs::file_type::directory) {
      level.entries.push_back(it->path().string() + '/');
    } else if ((t == fs::file_type::regular || (t == fs::file_type::symlink && it->is_regular_file(e2))) &&
               it->path().filename().string()[0] != '.') {
      level.entries.push_back(it->path().string());
    }
  }
  // The entries listed before an error are still walked: as collect_inputs kept what it had.
  if (ec) problems_.push_back({folder, Error{"io", "cannot list folder: " + ec.message()}});
  if (level.entries.empty()) return;
  // Descending: the walk takes from the back. Whole paths share the folder's prefix, so this is
  // the order of the names, a subfolder's with its '/'.
  std::sort(level.entries.begin(), level.entries.end(), std::greater<>());
  pending_ += level.entries.size();
  stack_.push_back(std::move(level));
}

std::optional<std::string> InputWalker::next() {
  while (true) {
    if (stack_.empty()) {
      if (next_root_ == roots_.size()) return std::nullopt;
      std::string p = std::move(roots_[next_root_++]);
      std::error_code ec;
      if (p != "-" && fs::is_directory(p, ec)) {
        push_folder(p);
        continue;
      }
      return p;  // a file, "-", or a path that does not exist (read_input reports it)
    }
    auto& entries = stack_.back().entries;
    std::string p = std::move(entries.back());
    entries.pop_back();
    --pending_;
    if (entries.empty()) stack_.pop_back();
    if (p.back() != '/') return p;
    p.pop_back();
    push_folder(p);
  }
}

std::vector<std::pair<std::string, Error>> InputWalker::take_problems() { return std::exchange(problems_, {}); }

InputList collect_inputs(const std::vector<std::string>& paths) {
  InputList out;
  InputWalker walk(paths);
  while (auto p = walk.next()) out.files.push_back(std::move(*p));
  out.problems = walk.take_problems();
  return out;
}

namespace {
size_t count_mentions(const Analysis& a) {
  size_t n = a.dates.size() + a.case_numbers.size() + a.document_numbers.size() + a.mayors.size() +
             a.exemptions.size() + a.signatories.size();
  for (const auto& m : a.municipalities) n += m.mentions.size();
  return n;
}

// Formats a part may have to become a record: the ones sagsindeks reads. Sniffed from the part's
// bytes like a file's; a part sniffed as plain text counts only when it was sent as text/plain
// (an unknown binary attachment is not a letter, and would only fail as "binary").
bool readable_part(const std::string& format, const std::string& content_type) {
  if (format == "zip") return false;
  if (format == "text") return content_type == "text/plain";
  return true;
}

// Reads `bytes` (of `format`; sniffed when empty) into fr: its text, analysis, or error. The parts
// it carries that sagsindeks reads are returned, each with its format in content_type's stead
// decided; the others become a warning on fr.
std::vector<std::pair<std::string, EmbeddedPart>> analyze_content(FileResult& fr, std::string bytes, std::string format,
                                                                   const Resources& r, const AnalyzeOptions& o) {
  std::vector<std::pair<std::string, EmbeddedPart>> parts;  // format, part
  // Formats other than plain text become UTF-8 text first (ingest/formats), then take the same path.
  PrepareOptions prep = o.prepare;
  // --encoding is about the files given; a text attachment is detected on its own.
  if (fr.source.part) prep.encoding.clear();
  if (format.empty()) format = sniff_format(bytes);
  std::string encoding;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<std::string> format_warnings;
  bool ocr = false;
  double ocr_confidence = 0;
  if (format != "text") {
    fr.source.format = format;
    auto ex = extract_format(format, bytes, o.limits, o.ocr);
    if (!ex.ok()) {
      fr.error = ex.error();
      return parts;
    }
    bytes = std::move(ex->text);
    encoding = std::move(ex->encoding);
    metadata = std::move(ex->metadata);
    ocr = ex->ocr;
    ocr_confidence = ex->ocr_confidence;
    format_warnings = std::move(ex->warnings);
    for (auto& p : ex->parts) {
      std::string f = p.message ? "eml" : sniff_format(p.bytes);
      if (readable_part(f, p.content_type)) {
        parts.emplace_back(std::move(f), std::move(p));
        continue;
      }
      format_warnings.push_back("attachment " + p.id + " (" + (p.name.empty() ? "" : p.name + ", ") + p.content_type +
                                ") not analysed: not a format sagsindeks reads");
    }
    prep.encoding.clear();  // the reader decided the source encoding; its output is UTF-8
  }
  SourceInfo source = fr.source;
  source.ocr = ocr;
  source.ocr_confidence = ocr_confidence;
  auto doc = [&]() -> Result<Document> {
    if (format == "eml" && !parts.empty() && blank(bytes)) {
      // A message that only carries attachments still has a record: its headers, and its parts'
      // records name it as their parent.
      Document d;
      d.source = source;
      d.source.encoding = encoding;
      d.warnings.push_back("the message has no text of its own");
      return d;
    }
    auto d = prepare(bytes, source, r, prep);
    if (d.ok() && !encoding.empty()) d->source.encoding = encoding;
    return d;
  }();
  std::string().swap(bytes);  // the raw bytes are not needed during analysis: free them now
  if (deadline_expired()) {
    fr.error = timeout_error("decoding and normalising", o.limits);
    return parts;
  }
  if (!doc.ok()) {
    fr.error = doc.error();
    return parts;
  }
  fr.doc = std::move(doc.value());
  fr.doc.warnings.insert(fr.doc.warnings.end(), format_warnings.begin(), format_warnings.end());
  fr.source = fr.doc.source;
  if (format == "eml") {
    EmailHeaders h;
    for (auto& [k, v] : metadata) {
      if (k == "from") h.from = v;
      else if (k == "to") h.to = v;
      else if (k == "date") h.date = v;
      else if (k == "subject") h.subject = v;
    }
    fr.doc.email = std::move(h);
  }
  fr.analysis = o.classify ? analyze(fr.doc, r) : extract_all(fr.doc, r);
  std::optional<Error> bound;
  if (deadline_expired()) bound = timeout_error("extracting", o.limits);
  else if (size_t n = count_mentions(fr.analysis); n > o.limits.max_mentions) bound = too_many_mentions_error(n, o.limits);
  if (bound) {
    fr.error = std::move(bound);
    fr.analysis = Analysis{};
  }
  return parts;
}

// Appends a record for each part to `out`, depth first: a part's own parts follow it. `parent`
// is the part id of the container ("" for the file). A message attached `depth` deep counts
// against --max-nesting like any nesting.
void analyze_parts(std::vector<std::pair<std::string, EmbeddedPart>> parts, const SourceInfo& file,
                   const std::string& parent, uint32_t depth, const Resources& r, const AnalyzeOptions& o,
                   std::vector<FileResult>& out) {
  int position = 0;
  for (auto& [format, p] : parts) {
    FileResult fr;
    fr.source.path = file.path;
    fr.source.sha256 = sha256_hex(p.bytes);
    fr.source.bytes = p.bytes.size();
    fr.source.format = format;
    PartInfo info;
    info.id = parent.empty() ? p.id : parent + "." + p.id;
    info.parent = parent;
    info.position = ++position;
    info.name = p.name;
    info.content_type = p.content_type;
    info.file_sha256 = file.sha256;
    fr.source.part = info;
    std::vector<std::pair<std::string, EmbeddedPart>> inner;
    if (!nesting_ok(depth + 1, o.limits)) fr.error = too_deep_error(depth + 1, o.limits);
    else inner = analyze_content(fr, std::move(p.bytes), format, r, o);
    fr.source.part = std::move(info);  // analyze_content rebuilt source from the document
    std::string id = fr.source.part->id;
    out.push_back(std::move(fr));
    if (!inner.empty()) analyze_parts(std::move(inner), file, id, depth + 1, r, o, out);
  }
}

}  // namespace

FileResult analyze_file(const std::string& path, const Resources& r, const AnalyzeOptions& o) {
  FileResult fr;
  fr.source.path = path;
  ScopedDeadline deadline(o.limits.max_seconds);  // stages check it cooperatively (core/limits.h)
  auto raw = read_input(path, o.limits);
  if (!raw.ok()) {
    fr.error = raw.error();
    return fr;
  }
  fr.source = raw->source;
  auto parts = analyze_content(fr, std::move(raw->bytes), "", r, o);
  // The parts share the file's deadline: one file, however many documents it carries.
  if (!parts.empty()) analyze_parts(std::move(parts), fr.source, "", 0, r, o, fr.parts);
  return fr;
}

void analyze_ordered(const std::vector<std::string>& paths, const Resources& r, const AnalyzeOptions& o, int jobs,
                     const std::function<void(size_t, FileResult&&)>& sink,
                     const std::function<void(FileResult&)>& in_worker) {
  size_t k = 0;
  analyze_ordered([&]() -> std::optional<std::string> { return k < paths.size() ? std::optional(paths[k++]) : std::nullopt; },
                  r, o, paths.size() <= 1 ? 1 : jobs, sink, in_worker);
}

void analyze_ordered(const std::function<std::optional<std::string>()>& next, const Resources& r,
                     const AnalyzeOptions& o, int jobs, const std::function<void(size_t, FileResult&&)>& sink,
                     const std::function<void(FileResult&)>& in_worker) {
  auto produce = [&](const std::string& path) {
    FileResult fr = analyze_file(path, r, o);
    if (in_worker) in_worker(fr);
    return fr;
  };
  if (jobs <= 1) {
    for (size_t i = 0; auto p = next(); ++i) sink(i, produce(*p));
    return;
  }
  // No sinking thread: the worker that finishes the next result in order sinks it, then the
  // results queued behind it, and goes back to analysing. A separate sinking thread was a third
  // thread on N cores, woken per batch (a context switch each, and ~10 % more CPU at -j 2); here a
  // worker only sleeps when it is a whole window ahead of the result holding up the order.
  // Invariant (kept under mu): the result numbered next_to_sink is never left in `ready` without
  // a thread sinking — whoever advances next_to_sink takes it out, or its worker sinks it itself.
  std::mutex mu;
  std::condition_variable space_cv;
  std::map<size_t, FileResult> ready;
  size_t next_to_take = 0, next_to_sink = 0;
  bool drawn_all = false;  // next() said there are no more inputs
  size_t waiting = 0;  // workers asleep on space_cv: notify only then (a futex call otherwise)
  // How far the workers may run ahead of the result holding up the order: always 4 × jobs
  // results; up to 64 × jobs while the queued results hold less than kQueuedBytes. On a loaded
  // machine a preempted worker holds up the order for a time slice (~3 ms, 15 letters) while its
  // peer runs: with 8 results it slept at every such stall (~2 000 context switches for 20 000
  // letters at -j 2). Memory stays bounded: 4 × jobs results, or kQueuedBytes plus one result.
  constexpr size_t kQueuedBytes = 16u << 20;
  const size_t window = static_cast<size_t>(jobs) * 4, far_window = static_cast<size_t>(jobs) * 64;
  size_t queued_bytes = 0;
  auto bytes_of = [](const FileResult& fr) {
    size_t n = fr.rendered.size() + fr.prepared.size() + fr.doc.text.size();
    for (const auto& p : fr.parts) n += p.rendered.size() + p.prepared.size() + p.doc.text.size();
    return n;
  };
  auto room = [&] {
    size_t ahead = next_to_take - next_to_sink;
    return ahead < window || (ahead < far_window && queued_bytes < kQueuedBytes);
  };
  auto worker = [&] {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      if (drawn_all) return;
      if (!room()) {
        ++waiting;
        space_cv.wait(lock, [&] { return drawn_all || room(); });
        --waiting;
        continue;
      }
      std::optional<std::string> path = next();
      if (!path) {
        drawn_all = true;
        if (waiting) space_cv.notify_all();
        return;
      }
      size_t i = next_to_take++;
      lock.unlock();
      FileResult fr = produce(*path);
      path.reset();
      lock.lock();
      if (i != next_to_sink) {
        queued_bytes += bytes_of(fr);
        ready.emplace(i, std::move(fr));
        continue;
      }
      // This thread holds the next result: it sinks it and every result ready behind it, with
      // the lock released while sink() runs (the others go on analysing and queueing).
      while (true) {
        lock.unlock();
        sink(i, std::move(fr));
        fr = FileResult{};  // freed here, outside the lock
        lock.lock();
        i = ++next_to_sink;
        auto it = ready.find(i);
        if (it == ready.end()) break;
        fr = std::move(it->second);
        ready.erase(it);
        queued_bytes -= bytes_of(fr);
      }
      if (waiting) space_cv.notify_all();
    }
  };
  // The calling thread is one of the workers: jobs threads in all.
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
}

}  // namespace sagsindeks
