// `analyze`, `train` and `evaluate`: the analysis core's commands.
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <thread>

#include "analysis/corpus.h"
#include "analysis/evaluate.h"
#include "analysis/training.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/lexicon.h"

namespace sagsindeks::cli {

namespace {

int default_jobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
}

const char* kAnalyzeHelp =
    "usage: sagsindeks analyze [options] PATH...\n"
    "\n"
    "Analyses Danish correspondence: each file (folders are read recursively; - is standard\n"
    "input) becomes one analysis record (schema sagsindeks.analysis/1); each attachment of an\n"
    "e-mail in a format sagsindeks reads becomes a record of its own, after its message's. One\n"
    "file prints pretty JSON; several, or --jsonl, print one record per line in input order.\n"
    "\n"
    "options:\n"
    "  --jsonl             one JSON record per line\n"
    "  --with-text         add the normalised text that every span points into\n"
    "  --encoding NAME     read input as NAME (UTF-8, UTF-16LE, windows-1252, ISO-8859-1, ...)\n"
    "  --no-ocr            no OCR: scanned PDF pages are skipped, TIFF/PNG/JPEG files get error\n"
    "                      no_text (OCR is on by default: tesseract, Danish, 300 dpi)\n"
    "  --max-bytes N       refuse inputs larger than N bytes (default 104857600, at most 1 GiB)\n"
    "  --max-line N        refuse inputs with a line longer than N bytes (default 1048576)\n"
    "  --max-mentions N    refuse documents with more than N mentions (default 50000)\n"
    "  --max-nesting N     nesting bound for structured formats (default 100)\n"
    "  --max-ratio N       decompression ratio bound for compressed formats (default 100)\n"
    "  --max-ocr-pages N   OCR at most N pages of a document; further pages are skipped with a\n"
    "                      warning (default 50)\n"
    "  --timeout SECONDS   stop the analysis of one document after SECONDS (default 60; 0: none)\n"
    "  -j, --jobs N        analysis threads (default: number of cores)\n";

}  // namespace

int cmd_analyze(const std::vector<std::string>& argv) {
  Args a = parse(argv, {"--encoding", "--max-bytes", "--max-line", "--max-mentions", "--max-nesting", "--max-ratio",
                        "--max-ocr-pages", "--timeout", "--jobs", "--lexicons", "--dictionary"},
                 {"--jsonl", "--with-text", "--no-ocr", "--help"});
  if (a.has("--help")) {
    std::cout << kAnalyzeHelp << kResourceHelp;
    return 0;
  }
  if (!a.error.empty() || a.positional.empty()) {
    std::cerr << "sagsindeks analyze: " << (a.error.empty() ? "no input given" : a.error)
              << "\nTry 'sagsindeks analyze --help'.\n";
    return 2;
  }
  AnalyzeOptions o;
  o.prepare.encoding = a.get("--encoding");
  o.ocr = !a.has("--no-ocr");
  long v = 0;
  // The limits (core/limits.h): each a whole number in a range, or the command refuses to start.
  struct Bound {
    const char* flag;
    long lo, hi;
    std::function<void(long)> set;
  };
  const Bound bounds[] = {
      {"--max-bytes", 1, static_cast<long>(kMaxBytesCeiling), [&](long x) { o.limits.max_bytes = x; }},
      {"--max-line", 1, static_cast<long>(kMaxBytesCeiling), [&](long x) { o.limits.max_line = x; }},
      {"--max-mentions", 0, 1L << 32, [&](long x) { o.limits.max_mentions = x; }},
      {"--max-nesting", 1, 1L << 20, [&](long x) { o.limits.max_nesting = static_cast<uint32_t>(x); }},
      {"--max-ratio", 1, 1L << 20, [&](long x) { o.limits.max_ratio = static_cast<uint32_t>(x); }},
      {"--max-ocr-pages", 0, 1L << 20, [&](long x) { o.limits.max_ocr_pages = static_cast<uint32_t>(x); }},
      {"--timeout", 0, 1L << 20, [&](long x) { o.limits.max_seconds = static_cast<double>(x); }},
  };
  for (const auto& b : bounds) {
    if (!a.options.count(b.flag)) continue;
    if (!parse_int(a.get(b.flag), b.lo, b.hi, v)) {
      std::cerr << "sagsindeks analyze: " << b.flag << " takes a whole number from " << b.lo << " to " << b.hi << "\n";
      return 2;
    }
    b.set(v);
  }
  int jobs = default_jobs();
  if (a.options.count("--jobs")) {
    if (!parse_int(a.get("--jobs"), 1, 256, v)) {
      std::cerr << "sagsindeks analyze: --jobs takes a whole number from 1 to 256\n";
      return 2;
    }
    jobs = static_cast<int>(v);
  }
  // The folders are walked as the analysis goes (InputWalker: memory bounded by the folders on
  // the current path, not the number of files). The first two inputs are drawn while the
  // resources load, the serial start before any analysis thread works: whether there is one
  // input (pretty JSON) or several is known before the first record.
  InputWalker walker(a.positional);
  auto listing = std::async(std::launch::async, [&] {
    std::vector<std::string> head;
    for (int k = 0; k < 2; ++k)
      if (auto p = walker.next()) head.push_back(std::move(*p));
    return head;
  });
  auto res = load_resources(a);
  if (!res) return 2;
  std::vector<std::string> head = listing.get();
  int status = 0;
  auto report_problems = [&] {
    for (const auto& [p, e] : walker.take_problems()) {
      std::cerr << p << ": " << e.message << "\n";
      status = 2;
    }
  };
  report_problems();  // folders given that cannot be listed: before any record, as they are found
  bool pretty = !a.has("--jsonl") && head.size() == 1;
  bool with_text = a.has("--with-text");
  size_t failed = 0;  // a count: a list of the failed paths grew with the number of files
  size_t records = 0, inputs = 0;
  Progress progress("analysed");
  // Records go out in ~64 KiB writes: through std::cout's 8 KiB buffer a 3 KiB record made a
  // writev() every two or three records (~18 000 system calls for 20 000 letters).
  std::string out;
  constexpr size_t kOutBatch = 64 * 1024;
  auto flush_out = [&] {
    std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
    out.clear();
  };
  // Each record is rendered in the thread that analysed it, which then drops the text and the
  // analysis; the ordered sink below only reports and writes.
  auto render = [&](FileResult& fr) {
    if (fr.error) {
      nlohmann::ordered_json j = error_json(fr.source, *fr.error);
      fr.rendered = pretty ? j.dump(2) : j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      fr.rendered = render_json(fr.doc, fr.analysis, with_text, pretty);
    }
    fr.doc = Document{};
    fr.analysis = Analysis{};
  };
  auto render_all = [&](FileResult& file) {
    render(file);
    for (auto& part : file.parts) render(part);
  };
  size_t from_head = 0;
  auto next_input = [&]() -> std::optional<std::string> {
    if (from_head < head.size()) return std::move(head[from_head++]);
    return walker.next();
  };
  analyze_ordered(
      next_input, *res, o, jobs,
      [&](size_t i, FileResult&& file) {
        // The file's record, then one per part it carries (e-mail attachments), in that order.
        auto write = [&](const FileResult& fr) {
          if (fr.error) {
            std::cerr << (progress.finish(), "") << source_key(fr.source) << ": " << fr.error->message << "\n";
            ++failed;
            status = 2;
          }
          out += fr.rendered;
          out += '\n';
        };
        ++inputs;
        records += 1 + file.parts.size();
        write(file);
        for (const auto& part : file.parts) write(part);
        if (out.size() >= kOutBatch) flush_out();
        progress.tick(i + 1);
      },
      render_all);
  progress.finish();
  flush_out();
  std::cout.flush();
  report_problems();  // subfolders that could not be listed, found during the walk
  if (failed) {
    if (records > inputs)  // attachments made more records than there were files
      std::cerr << "sagsindeks analyze: " << failed << " of " << records << " records (" << inputs
                << " inputs) failed\n";
    else
      std::cerr << "sagsindeks analyze: " << failed << " of " << inputs << " inputs failed\n";
  }
  return status;
}

namespace {

}  // namespace

int cmd_train(const std::vector<std::string>& argv) {
  Args a = parse(argv, {"--out", "--folds", "--repeats", "--lexicons", "--dictionary", "--l2", "--iterations", "--prior",
                        "--also-weight"},
                 {"--help"});
  TrainOptions o;
  if (a.has("--help")) {
    std::cout << "usage: sagsindeks train [--out FILE] [--folds K] [--repeats R] [--l2 X] [--iterations N]\n"
                 "                        [--prior W] [--also-weight A] GOLD.jsonl...\n\n"
                 "Learns the type classifier's weights from labelled documents (docs/ beside each gold\n"
                 "file), reports K-fold cross-validated accuracy (never accuracy on the documents trained\n"
                 "on) for R shuffles of the documents and their mean, lists the documents the first\n"
                 "shuffle misses with the features that pushed them wrong, then trains on all and writes\n"
                 "the model (default: LEXICONS/type_model.tsv).\n\n"
                 "  --folds K           folds (default 10)\n"
                 "  --repeats R         shuffles of the documents, each cross-validated (default 5)\n"
                 "  --l2 X              weight decay (default 0.003)\n"
                 "  --iterations N      gradient steps (default 800)\n"
                 "  --prior W           weight a request_/reply_/invite_/pq_/other_ cue starts from, and\n"
                 "                      is pulled towards, for its own type (default 1)\n"
                 "  --also-weight A     share of a document's target given to its type_also labels\n"
                 "                      (default 0.35)\n"
              << kResourceHelp;
    return 0;
  }
  if (!a.error.empty() || a.positional.empty()) {
    std::cerr << "sagsindeks train: " << (a.error.empty() ? "no gold file given" : a.error) << "\n";
    return 2;
  }
  long folds = 10, repeats = 5, iterations = o.iterations;
  if (a.options.count("--folds") && !parse_int(a.get("--folds"), 2, 1000, folds)) {
    std::cerr << "sagsindeks train: --folds takes a whole number from 2\n";
    return 2;
  }
  if (a.options.count("--repeats") && !parse_int(a.get("--repeats"), 1, 1000, repeats)) {
    std::cerr << "sagsindeks train: --repeats takes a whole number from 1\n";
    return 2;
  }
  if (a.options.count("--l2") && (!parse_double(a.get("--l2"), o.l2) || o.l2 < 0)) {
    std::cerr << "sagsindeks train: --l2 takes a number >= 0\n";
    return 2;
  }
  if (a.options.count("--iterations") && !parse_int(a.get("--iterations"), 1, 100000, iterations)) {
    std::cerr << "sagsindeks train: --iterations takes a positive whole number\n";
    return 2;
  }
  o.iterations = static_cast<int>(iterations);
  if (a.options.count("--prior") && !parse_double(a.get("--prior"), o.prior)) {
    std::cerr << "sagsindeks train: --prior takes a number\n";
    return 2;
  }
  if (a.options.count("--also-weight") &&
      (!parse_double(a.get("--also-weight"), o.also_weight) || o.also_weight < 0 || o.also_weight > 1)) {
    std::cerr << "sagsindeks train: --also-weight takes a number from 0 to 1\n";
    return 2;
  }
  auto res = load_resources(a, /*need_model=*/false);
  if (!res) return 2;
  auto loaded = load_labelled(a.positional, *res);
  if (!loaded.ok()) {
    std::cerr << "sagsindeks train: " << loaded.error().message << "\n";
    return 2;
  }
  const std::vector<Labelled>& data = *loaded;
  const auto& names = res->classifier->feature_names();
  auto cvs = repeated_cross_validation(data, names, static_cast<int>(folds), o, static_cast<int>(repeats));
  double mean = 0;
  std::string each;
  for (const auto& cv : cvs) {
    mean += cv.accuracy() / cvs.size();
    each += (each.empty() ? "" : " ") + std::to_string(cv.correct);
  }
  std::printf("documents %zu  features %zu  folds %ld  shuffles %zu\n"
              "cross-validated type accuracy %.3f (mean of %zu shuffles; correct of %d: %s; type_also accepted)\n"
              "first shuffle %.3f (%d/%d), its misses:\n",
              data.size(), names.size(), folds, cvs.size(), mean, cvs.size(), cvs[0].total, each.c_str(),
              cvs[0].accuracy(), cvs[0].correct, cvs[0].total);
  for (const auto& miss : cvs[0].misses) std::printf("  %s\n", miss.c_str());
  TypeModel m = train_all(data, names, o);
  std::string out = a.get("--out", res->lexicon_dir + "/type_model.tsv");
  std::ofstream f(out);
  char header[640];
  std::snprintf(header, sizeof header,
                "# source: learned by `sagsindeks train` from %zu labelled documents (corpus/seeds, corpus/dev);\n"
                "# %ld-fold cross-validated accuracy %.3f, mean of %zu shuffles (l2 %g, %d iterations, prior %g,\n"
                "# type_also weight %g). Weights per feature (type_cues.tsv; NAME@early: within the first\n"
                "# 600 bytes; structural) and type.\n",
                data.size(), folds, mean, cvs.size(), o.l2, o.iterations, o.prior, o.also_weight);
  f << TypeClassifier::serialize(m, header);
  if (!f) {
    std::cerr << out << ": cannot write the model\n";
    return 2;
  }
  std::printf("model written to %s\n", out.c_str());
  return 0;
}

int cmd_evaluate(const std::vector<std::string>& argv) {
  Args a = parse(argv, {"--lexicons", "--dictionary", "--show"}, {"--help", "--json"});
  if (a.has("--help") || a.positional.size() != 2) {
    (a.has("--help") ? std::cout : std::cerr)
        << "usage: sagsindeks evaluate [--json] [--show FIELD|all] GOLD.jsonl PRED.jsonl\n\n"
           "Scores analysis records against gold annotations per field (precision, recall, F1;\n"
           "type and document-date accuracy), with the definitions of the shared score.py.\n";
    return a.has("--help") ? 0 : 2;
  }
  ResourceOptions ro;
  ro.lexicon_dir = a.get("--lexicons");
  const char* env = std::getenv("SAGSINDEKS_LEXICONS");
  std::string lexdir = !ro.lexicon_dir.empty() ? ro.lexicon_dir : env ? env : SAGSINDEKS_LEXICON_DIR_CLI;
  auto g = Gazetteer::load(lexdir);
  if (!g.ok()) {
    std::cerr << "sagsindeks evaluate: " << g.error().message << "\n";
    return 2;
  }
  std::vector<nlohmann::json> gold;
  std::map<std::string, nlohmann::json> pred;
  for (int k = 0; k < 2; ++k) {
    std::ifstream in(a.positional[k]);
    if (!in) {
      std::cerr << a.positional[k] << ": cannot open\n";
      return 2;
    }
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) {
        std::cerr << a.positional[k] << ":" << n << ": not JSON\n";
        return 2;
      }
      if (k == 0) {
        gold.push_back(j);
      } else {
        // Gold annotates files: the records of attachments are not scored against them.
        if (j.contains("source") && j["source"].contains("part")) continue;
        std::string p = j.contains("source") ? j["source"].value("path", "") : "";
        pred[p.substr(p.find_last_of('/') == std::string::npos ? 0 : p.find_last_of('/') + 1)] = j;
      }
    }
  }
  Evaluation e = evaluate(gold, pred, **g);
  if (a.has("--json")) {
    std::cout << evaluation_json(e).dump() << "\n";
  } else {
    std::cout << format_evaluation(e);
    std::string show = a.get("--show");
    if (!show.empty())
      for (const auto& d : e.differences)
        if (show == "all" || d.find(": " + show + " ") != std::string::npos) std::cout << "  " << d << "\n";
  }
  return 0;
}

}  // namespace sagsindeks::cli
