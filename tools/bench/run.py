#!/usr/bin/env python3
"""Whole-program benchmark of sagsindeks (issue 5): prints a table and writes JSON.

    tools/bench/run.py                       # 200 000 documents (~600 MB), the issue's figures
    tools/bench/run.py --n 20000             # a quick run (~60 MB)
    tools/bench/run.py --n 20000 --no-stages --no-big

Measures on a generated scale corpus (tools/gen_corpus.cpp, deterministic from --seed):
  * analyze --jsonl end to end with -j 1 and -j 2: MB/s and documents/s (wall clock, and per CPU
    second so that a busy machine does not hide a regression), the -j 2 / -j 1 speed-up, peak
    resident memory (getrusage of the child) on one folder and on the whole corpus;
  * one 5 MB and one 50 MB document: MB/s of each and their ratio (the algorithmic shape);
  * ingest into SQLite (-j 1 when the command has --jobs): MB/s and documents/s by wall clock and
    per CPU second, peak memory; with --ingest-folders K on the first K folders only, the search
    index then built from the whole corpus with --index-jobs (or reused: --reuse-index);
  * search over the fixed query set tools/bench/queries.txt with --facets: p50/p95 latency of
    the whole command (process start, open, query, facets, output);
  * the Google Benchmark stage benchmarks (bench_stages) on a sample of the same corpus.
ingest and search are skipped with a message when the binary has no such command yet.
Standard library only.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time

import search_cli  # the search timing (warm page cache, wall and CPU of each command)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

TARGETS = {
    "analyze_j1_mb_s": 25.0,      # MB/s on one core, end to end, every extractor and the classifier
    "scaling_j2": 1.8,            # -j 2 throughput / -j 1 throughput
    "analyze_peak_rss_mb": 150.0,  # and independent of the number of files
    "ingest_j1_mb_s": 10.0,
    "search_p95_ms": 20.0,
    "big_doc_ratio": 2.0,         # seconds per MB of the 50 MB document / of the 5 MB one
}


def run_rusage(cmd, stdout=subprocess.DEVNULL, timeout=None):
    """Runs cmd; returns wall seconds and the child's own CPU seconds and peak RSS (os.wait4)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL)
    deadline = None if timeout is None else t0 + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if deadline and time.perf_counter() > deadline:
            p.kill()
            os.wait4(p.pid, 0)
            return {"rc": None, "wall": time.perf_counter() - t0, "cpu": 0.0, "rss_mb": 0.0, "timeout": True}
        time.sleep(0.005)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"rc": p.returncode, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024.0,
            "timeout": False}


def corpus_bytes(path, warm=False):
    """Bytes and documents of the corpus; with warm, every file is read once as well, so that
    the timed runs find it in the page cache (this machine's kernel reclaims cold file pages in
    the background: a first `analyze` of 690 MB read back from disk ran at half the speed)."""
    total, n = 0, 0
    for d, _, files in os.walk(path):
        for f in files:
            if not f.startswith("."):
                p = os.path.join(d, f)
                total += os.path.getsize(p)
                n += 1
                if warm:
                    with open(p, "rb", buffering=0) as fh:
                        while fh.read(1 << 20):
                            pass
    return total, n


def has_command(binary, name):
    try:
        r = subprocess.run([binary, name, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False, ""
    return r.returncode == 0, r.stdout.decode(errors="replace")


percentile = search_cli.percentile


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"), help="build folder with sagsindeks, gen_corpus, bench_stages")
    ap.add_argument("--n", type=int, default=200000, help="documents in the scale corpus (default 200000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(ROOT, "out", "bench"), help="corpora, index and results go here")
    ap.add_argument("--json", default=None, help="results file (default WORK/results-N.json)")
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.txt"))
    ap.add_argument("--search-reps", type=int, default=5, help="timed runs per query (after one warm-up)")
    ap.add_argument("--no-stages", action="store_true", help="skip the Google Benchmark stage benchmarks")
    ap.add_argument("--no-big", action="store_true", help="skip the 5 MB / 50 MB single-document runs")
    ap.add_argument("--no-index", action="store_true", help="skip ingest and search")
    ap.add_argument("--timeout", type=float, default=600, help="seconds allowed for any one command")
    ap.add_argument("--ingest-folders", type=int, default=0,
                    help="time ingest -j 1 on the first K folders of the corpus (default: all of it)")
    ap.add_argument("--index-jobs", type=int, default=2, help="threads for building the search index when it is not the timed ingest")
    ap.add_argument("--reuse-index", action="store_true", help="search an existing index of this corpus instead of building it")
    a = ap.parse_args()

    binary = os.path.join(a.build, "sagsindeks")
    gen = os.path.join(a.build, "gen_corpus")
    stages = os.path.join(a.build, "bench_stages")
    for b in (binary, gen):
        if not os.access(b, os.X_OK):
            sys.exit(f"run.py: {b} not found; build first: cmake -S {ROOT} -B {a.build} -DCMAKE_BUILD_TYPE=Release && cmake --build {a.build} -j2")
    os.makedirs(a.work, exist_ok=True)
    results = {"n": a.n, "seed": a.seed, "cores": os.cpu_count(), "targets": TARGETS, "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    t_start = time.perf_counter()
    rows = []  # (stage, MB/s, docs/s, extra, status)

    def log(msg):
        print(f"[{time.perf_counter() - t_start:6.1f}s] {msg}", file=sys.stderr, flush=True)

    # 1. The scale corpus (kept between runs: a marker names N and seed).
    corpus = os.path.join(a.work, f"scale-{a.n}-s{a.seed}")
    marker = os.path.join(corpus, ".complete")
    if not os.path.exists(marker):
        shutil.rmtree(corpus, ignore_errors=True)
        log(f"generating {a.n} documents into {corpus}")
        t0 = time.perf_counter()
        subprocess.run([gen, "--out", corpus, "--n", str(a.n), "--seed", str(a.seed)], check=True, stdout=subprocess.DEVNULL)
        results["generate_s"] = time.perf_counter() - t0
        open(marker, "w").write(f"{a.n} {a.seed}\n")
    log("reading the corpus once (page cache)")
    nbytes, ndocs = corpus_bytes(corpus, warm=True)
    mb = nbytes / 1e6
    results["corpus"] = {"path": corpus, "bytes": nbytes, "documents": ndocs}
    log(f"corpus: {ndocs} documents, {mb:.1f} MB")

    # 2. analyze --jsonl, -j 1 and -j 2, whole corpus; then one folder for the memory comparison.
    an = {}
    for j in (1, 2):
        log(f"analyze --jsonl -j {j}")
        r = run_rusage([binary, "analyze", "--jsonl", "-j", str(j), corpus], timeout=a.timeout)
        r.update(mb_s=mb / r["wall"], docs_s=ndocs / r["wall"], mb_per_cpu_s=mb / r["cpu"] if r["cpu"] else 0.0)
        an[f"j{j}"] = r
        rows.append((f"analyze --jsonl -j {j}", r["mb_s"], r["docs_s"],
                     f"cpu {r['cpu']:.1f}s = {r['mb_per_cpu_s']:.1f} MB/cpu-s, rss {r['rss_mb']:.0f} MB, wall {r['wall']:.1f}s",
                     "rc=%s" % r["rc"]))
    an["scaling_j2"] = an["j2"]["mb_s"] / an["j1"]["mb_s"]
    first = os.path.join(corpus, "000")
    r = run_rusage([binary, "analyze", "--jsonl", "-j", "2", first], timeout=a.timeout)
    an["rss_one_folder_mb"] = r["rss_mb"]
    an["rss_whole_corpus_mb"] = max(an["j1"]["rss_mb"], an["j2"]["rss_mb"])
    # Start-up (resources: Hunspell, patterns) measured on one small file, to separate fixed cost.
    one = os.path.join(first, "0000000.txt")
    r = run_rusage([binary, "analyze", "--jsonl", "-j", "1", one])
    an["startup_s"] = r["wall"]
    results["analyze"] = an
    rows.append(("  -j 2 / -j 1 speed-up", None, None, f"{an['scaling_j2']:.2f}x", ""))
    rows.append(("  peak RSS: 1 folder vs all", None, None,
                 f"{an['rss_one_folder_mb']:.0f} MB vs {an['rss_whole_corpus_mb']:.0f} MB", ""))
    rows.append(("  start-up (resources)", None, None, f"{an['startup_s']:.2f}s", ""))

    # 3. One large document: 5 MB vs 50 MB (the shape test, here with figures).
    if not a.no_big:
        big = {}
        for size in (5, 50):
            path = os.path.join(a.work, f"big-{size}mb-s{a.seed}.txt")
            if not os.path.exists(path):
                subprocess.run([gen, "--one-file", path, "--bytes", str(size * 1000 * 1000), "--seed", str(a.seed)],
                               check=True, stdout=subprocess.DEVNULL)
            sz = os.path.getsize(path) / 1e6
            log(f"analyze one {sz:.0f} MB document")
            cmd = [binary, "analyze", "--jsonl", "-j", "1", "--max-bytes", str(200 << 20)]
            _, help_an = has_command(binary, "analyze")
            if "--max-mentions" in help_an:
                cmd += ["--max-mentions", str(10 ** 9)]  # a 50 MB letter has more than the default
            if "--timeout" in help_an:
                cmd += ["--timeout", "0"]
            # Linear work gets 3x the 5 MB cost per MB (twice, for a busy machine) plus 30 s; a
            # quadratic stage is cut off there instead of eating the run's 10 minutes.
            limit = a.timeout
            if size == 50 and big.get("5mb", {}).get("mb_s"):
                limit = min(a.timeout, 2 * 3.0 * 10 * (big["5mb"]["wall"] - an["startup_s"]) + an["startup_s"] + 30)
            r = run_rusage(cmd + [path], timeout=limit)
            net = max(r["wall"] - an["startup_s"], 1e-3)
            r.update(mb=sz, mb_s=sz / net if not r["timeout"] else 0.0)
            big[f"{size}mb"] = r
            rows.append((f"analyze one {size} MB document", r["mb_s"], None,
                         f"stopped after {r['wall']:.0f}s (over 3x per MB: not linear)" if r["timeout"]
                         else f"rss {r['rss_mb']:.0f} MB, wall {r['wall']:.1f}s", "rc=%s" % r["rc"]))
        if big["5mb"]["mb_s"] and big["50mb"]["mb_s"]:
            big["ratio_s_per_mb"] = big["5mb"]["mb_s"] / big["50mb"]["mb_s"]
            rows.append(("  s/MB 50 MB / s/MB 5 MB", None, None, f"{big['ratio_s_per_mb']:.2f}x", ""))
        results["big"] = big

    # 4. ingest and search, through the CLI, once the index commands exist.
    if not a.no_index:
        ok_ingest, help_ingest = has_command(binary, "ingest")
        ok_search, _ = has_command(binary, "search")
        if not ok_ingest:
            log("ingest: the binary has no ingest command yet; skipped")
            results["ingest"] = {"skipped": "no ingest command"}
            rows.append(("ingest", None, None, "skipped: no ingest command", ""))
        else:
            db = os.path.join(a.work, f"index-{a.n}-s{a.seed}.db")
            folders = sorted(d for d in os.listdir(corpus) if os.path.isdir(os.path.join(corpus, d)))
            subset = a.ingest_folders and a.ingest_folders < len(folders)
            timed_db = os.path.join(a.work, f"index-{a.n}-s{a.seed}-ingest.db") if subset else db
            if subset or not (a.reuse_index and os.path.exists(db)):
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(timed_db + suffix):
                        os.remove(timed_db + suffix)
            inputs = [os.path.join(corpus, d) for d in folders[:a.ingest_folders]] if subset else [corpus]
            in_mb, in_docs = mb, ndocs
            if subset:
                in_mb = in_docs = 0
                for d in inputs:
                    b_, n_ = corpus_bytes(d)
                    in_mb, in_docs = in_mb + b_ / 1e6, in_docs + n_
            r = {"skipped": "reused"}
            if subset or not (a.reuse_index and os.path.exists(db)):
                cmd = [binary, "ingest"]
                if "--jobs" in help_ingest:
                    cmd += ["--jobs", "1"]
                cmd += [timed_db] + inputs
                log(f"ingest -j 1: {in_docs} documents, {in_mb:.1f} MB")
                r = run_rusage(cmd, timeout=a.timeout)
                r.update(mb=in_mb, documents=in_docs, mb_s=in_mb / r["wall"], docs_s=in_docs / r["wall"],
                         mb_per_cpu_s=in_mb / r["cpu"] if r["cpu"] else 0.0,
                         db_mb=os.path.getsize(timed_db) / 1e6 if os.path.exists(timed_db) else 0)
                rows.append(("ingest (SQLite)" + (" -j 1" if "--jobs" in help_ingest else ""), r["mb_s"], r["docs_s"],
                             f"cpu {r['cpu']:.1f}s = {r['mb_per_cpu_s']:.1f} MB/cpu-s, rss {r['rss_mb']:.0f} MB, "
                             f"db {r['db_mb']:.0f} MB, wall {r['wall']:.1f}s", "rc=%s" % r["rc"]))
            results["ingest"] = r
            if subset and not (a.reuse_index and os.path.exists(db)):
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(db + suffix):
                        os.remove(db + suffix)
                log(f"building the search index with -j {a.index_jobs}")
                rb = run_rusage([binary, "ingest", "--jobs", str(a.index_jobs), db, corpus], timeout=a.timeout * 3)
                results["index_build"] = rb
                rows.append((f"  search index, ingest -j {a.index_jobs}", mb / rb["wall"], ndocs / rb["wall"],
                             f"cpu {rb['cpu']:.1f}s, wall {rb['wall']:.1f}s", "rc=%s" % rb["rc"]))
                r = rb
            if not ok_search:
                results["search"] = {"skipped": "no search command"}
                rows.append(("search", None, None, "skipped: no search command", ""))
            elif r.get("rc", 0) != 0:
                results["search"] = {"skipped": "ingest failed"}
                rows.append(("search", None, None, "skipped: ingest failed", ""))
            else:
                queries = [q.strip() for q in open(a.queries, encoding="utf-8") if q.strip() and not q.startswith("#")]
                # Each query twice: the hits (first page, jsonl) and the facets of all hits.
                lat, per, fails = [], {"hits": [], "facets": []}, 0
                log(f"search: {len(queries)} queries x 2 forms x {a.search_reps} runs")
                search_cli.warm(db)  # the index in the page cache, as a search service has it
                for q in queries:
                    for form, extra in (("hits", []), ("facets", ["--facets"])):
                        cmd = [binary, "search", db, q, "--format", "jsonl"] + extra
                        search_cli.run(cmd)  # warm-up
                        for _ in range(a.search_reps):
                            rc, ms, _ = search_cli.run(cmd)
                            lat.append(ms)
                            per[form].append(ms)
                            fails += rc not in (0, 1)  # 1: no hits
                s = {"queries": len(queries), "runs": len(lat), "failed": fails,
                     "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95), "max_ms": max(lat)}
                for form, xs in per.items():
                    s[form] = {"p50_ms": percentile(xs, 50), "p95_ms": percentile(xs, 95), "max_ms": max(xs)}
                results["search"] = s
                for form in ("hits", "facets"):
                    f = s[form]
                    rows.append((f"search {form} (whole command)", None, None,
                                 f"p50 {f['p50_ms']:.1f} ms, p95 {f['p95_ms']:.1f} ms, max {f['max_ms']:.1f} ms", ""))
                rows.append(("search, all runs", None, None,
                             f"p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms", f"failed={fails}"))

    # 5. Stage benchmarks on a sample of the same corpus.
    if not a.no_stages and os.access(stages, os.X_OK):
        log("stage benchmarks (bench_stages)")
        r = subprocess.run([stages, "--corpus", corpus, "--max-docs", "1000", "--benchmark_format=json",
                            "--benchmark_min_time=0.3"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            bj = json.loads(r.stdout)
            st = []
            for b in bj["benchmarks"]:
                name = b["name"] + (f" ({b['label']})" if b.get("label") else "")
                st.append({"name": name, "mb_s": b.get("bytes_per_second", 0) / 1e6,
                           "docs_s": b.get("docs_per_second", 0), "cpu_ms": b.get("cpu_time"), "real_ms": b.get("real_time")})
                rows.append(("stage " + name, st[-1]["mb_s"], st[-1]["docs_s"], f"cpu {b.get('cpu_time', 0):.1f} ms/sample", ""))
            results["stages"] = st
        except (ValueError, KeyError):
            results["stages"] = {"error": "bench_stages output unreadable"}

    results["elapsed_s"] = time.perf_counter() - t_start
    # Verdicts against the targets.
    v = {}
    v["analyze_j1_mb_s"] = an["j1"]["mb_s"] >= TARGETS["analyze_j1_mb_s"]
    v["scaling_j2"] = an["scaling_j2"] >= TARGETS["scaling_j2"]
    v["analyze_peak_rss_mb"] = an["rss_whole_corpus_mb"] <= TARGETS["analyze_peak_rss_mb"]
    if isinstance(results.get("ingest"), dict) and "mb_s" in results["ingest"]:
        # Per CPU second: "on one core" on a machine other jobs share.
        v["ingest_j1_mb_s"] = results["ingest"]["mb_per_cpu_s"] >= TARGETS["ingest_j1_mb_s"]
    if isinstance(results.get("search"), dict) and "p95_ms" in results["search"]:
        v["search_p95_ms"] = results["search"]["p95_ms"] <= TARGETS["search_p95_ms"]
    if "big" in results and "ratio_s_per_mb" in results["big"]:
        v["big_doc_ratio"] = results["big"]["ratio_s_per_mb"] <= TARGETS["big_doc_ratio"]
    elif "big" in results:
        v["big_doc_ratio"] = False  # the 50 MB run was stopped
    v["under_10_minutes"] = results["elapsed_s"] < 600
    results["verdicts"] = v

    out = a.json or os.path.join(a.work, f"results-{a.n}.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=2)

    print(f"\nsagsindeks benchmark: {ndocs} documents, {mb:.1f} MB, seed {a.seed}, {os.cpu_count()} cores\n")
    print(f"| {'what':<44} | {'MB/s':>8} | {'docs/s':>9} | notes")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 11}|{'-' * 50}")
    for name, mbs, dps, extra, status in rows:
        m = f"{mbs:8.1f}" if mbs is not None else " " * 8
        d = f"{dps:9.0f}" if dps is not None else " " * 9
        print(f"| {name:<44} | {m} | {d} | {extra} {status}".rstrip())
    print("\ntargets:")
    for k, ok in v.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {k}" + (f" (target {TARGETS[k]})" if k in TARGETS else ""))
    print(f"\nresults: {out}  (total {results['elapsed_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
