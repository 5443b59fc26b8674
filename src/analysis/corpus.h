// Running the pipeline over many inputs: file discovery, one-file analysis with its error, and
// an ordered parallel map (N analysis threads, results delivered in input order).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/pipeline.h"

namespace sagsindeks {

struct InputList {
  std::vector<std::string> files;                              // sorted within each folder
  std::vector<std::pair<std::string, Error>> problems;         // paths that cannot be listed
};

// Expands folders recursively (symlinked folders are not followed, so loops cannot happen);
// files are taken as given; "-" is standard input. Each folder's files come in the byte order of
// their paths. Holds every path at once (~100 bytes a file): InputWalker streams the same list.
InputList collect_inputs(const std::vector<std::string>& paths);

// The inputs collect_inputs lists, in the same order, one at a time: a folder is listed when the
// walk reaches it, so memory is bounded by the depth of the tree and the size of its folders, not
// by the number of files (collect_inputs held ~20 MB of paths at 200 000 files). A folder's
// entries are sorted with a '/' after each subfolder's name, which makes the depth-first walk
// yield exactly the order of sorting all paths ("a-b" before the contents of "a/", as '-' < '/').
// A folder that cannot be listed (or stops listing part-way) is a problem naming that folder; the
// walk goes on with the rest. Hidden files (".name") are skipped, hidden folders are walked.
// Not thread-safe: one caller at a time (analyze_ordered calls it under its lock).
class InputWalker {
 public:
  explicit InputWalker(std::vector<std::string> paths);
  // The next input, or nullopt when the walk is over.
  std::optional<std::string> next();
  // The listing problems found since the last call, in the order found.
  std::vector<std::pair<std::string, Error>> take_problems();
  // Entries listed and not yet yielded or walked into: the walk's memory, in paths.
  size_t pending() const { return pending_; }

 private:
  struct Level {
    std::vector<std::string> entries;  // sorted descending, so the next is at the back; a
                                       // subfolder's path ends in '/' (taken off to walk it)
  };
  void push_folder(const std::string& folder);
  std::vector<std::string> roots_;
  size_t next_root_ = 0;
  std::vector<Level> stack_;
  size_t pending_ = 0;
  std::vector<std::pair<std::string, Error>> problems_;
};

// One file's record, and the records of the documents it carries (an e-mail's attachments; an
// attached message's own attachments follow it, depth first). A plain file has no parts.
struct FileResult {
  SourceInfo source;
  std::optional<Error> error;
  Document doc;
  Analysis analysis;
  std::vector<FileResult> parts;  // each with source.part set; never nested further
  std::string rendered;           // the record as the caller's worker hook wrote it (e.g. a JSON line)
  std::string prepared;           // what else the hook made for the caller (ingest: the document's
                                  // terms and token tapes, prepare_terms in index/postings.h)
};

struct AnalyzeOptions {
  ReadLimits limits;
  PrepareOptions prepare;
  bool classify = true;
  bool ocr = true;  // scanned PDF pages and TIFF/PNG/JPEG read by tesseract; off: they are "no_text"
};

// Reads and analyses one file. Every attachment of an e-mail in a format sagsindeks reads becomes
// a part record, read by the full pipeline; attachments of other formats are a warning on the
// message. Parts share the file's deadline; attached messages count against --max-nesting.
FileResult analyze_file(const std::string& path, const Resources& r, const AnalyzeOptions& o);

// Calls `sink(index, result)` for every path in input order while `jobs` threads (the calling
// thread one of them) analyse. The calls never overlap and each happens-before the next, but they
// may come from any of the threads: the worker that finishes the next result in order sinks it
// (and those queued behind it) itself, so -j N runs N threads, not N + 1. Memory is bounded:
// 4 × jobs results wait to be sunk, or up to 64 × jobs while they hold less than 16 MiB of text
// and records (each with its parts: at most kMaxEmbeddedParts of them, together within
// --max-bytes). `in_worker`, when given, runs on each result in the analysing
// thread before it is queued: the place for per-record work such as rendering JSON, so sinking
// only writes and -j N scales (memory the hook releases is also freed by the thread that
// allocated it).
void analyze_ordered(const std::vector<std::string>& paths, const Resources& r, const AnalyzeOptions& o, int jobs,
                     const std::function<void(size_t, FileResult&&)>& sink,
                     const std::function<void(FileResult&)>& in_worker = nullptr);

// The same over inputs drawn one at a time from `next` (nullopt: no more), e.g. an InputWalker:
// `next` is called in order, one call at a time (under the map's lock, so it should be cheap:
// listing one folder at most), and only as the window has room, so no more paths are held than
// results waiting. The sink's index counts the inputs drawn.
void analyze_ordered(const std::function<std::optional<std::string>()>& next, const Resources& r,
                     const AnalyzeOptions& o, int jobs, const std::function<void(size_t, FileResult&&)>& sink,
                     const std::function<void(FileResult&)>& in_worker = nullptr);

}  // namespace sagsindeks
