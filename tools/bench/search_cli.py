#!/usr/bin/env python3
"""Whole-command search latency on an existing index: `sagsindeks search DB QUERY --format jsonl`
and the same with `--facets`, for every line of tools/bench/queries.txt, each after one warm-up
run. Reports p50/p95 per form and over all runs, by wall clock and by the child's own CPU time
(os.wait4 rusage: what a loaded, shared machine does not inflate), and the slowest queries.
The index file is read through once first, so the figures are those of an index in the page
cache (a search service's steady state), not of the disk: on this machine the kernel reclaims
cold file pages in the background, and a 1.9 GB index read back in by page faults added 5-25 ms
to the queries that happened to touch evicted pages.

    tools/bench/search_cli.py --index /work/data/scale-200000.db [--binary build/sagsindeks] [--reps 5]
    tools/bench/search_cli.py --index DB --binary NEW --baseline OLD   # A/B, runs interleaved

With --baseline the two binaries run turn about (A B A B ...) on every query, so that a change of
machine load (other jobs on a shared machine) falls on both alike; each is reported as above.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def percentile(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def warm(index):
    """Reads the index file (and its WAL) once, so its pages are in the page cache."""
    for path in (index, index + "-wal"):
        try:
            with open(path, "rb", buffering=0) as f:
                while f.read(1 << 20):
                    pass
        except FileNotFoundError:
            pass


def run(cmd):
    """Wall ms (blocking wait: no polling granularity) and the child's CPU ms."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - t0) * 1000
    return os.waitstatus_to_exitcode(status), wall, (ru.ru_utime + ru.ru_stime) * 1000


def report(name, per, by_query, fails, a):
    out = {"binary": name, "queries": len(by_query) // 2, "reps": a.reps, "failed": fails}
    allw = per["hits"]["wall"] + per["facets"]["wall"]
    allc = per["hits"]["cpu"] + per["facets"]["cpu"]
    print(f"== {name}")
    for form, (w, c) in {"hits": (per["hits"]["wall"], per["hits"]["cpu"]),
                         "facets": (per["facets"]["wall"], per["facets"]["cpu"]), "all": (allw, allc)}.items():
        out[form] = {"wall_p50_ms": percentile(w, 50), "wall_p95_ms": percentile(w, 95),
                     "cpu_p50_ms": percentile(c, 50), "cpu_p95_ms": percentile(c, 95)}
        print(f"{form:7s} wall p50 {percentile(w, 50):6.1f} ms  p95 {percentile(w, 95):6.1f} ms   "
              f"CPU p50 {percentile(c, 50):6.1f} ms  p95 {percentile(c, 95):6.1f} ms")
    print(f"failed runs: {fails}")
    print("slowest (median CPU ms, wall ms):")
    for c, w, form, q in sorted(by_query, reverse=True)[:8]:
        print(f"  {c:6.1f} {w:6.1f}  {form:6s} {q}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "sagsindeks"))
    ap.add_argument("--baseline", default=None, help="a second binary, run interleaved with --binary")
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.txt"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json", default=None, help="write the figures here too")
    a = ap.parse_args()
    queries = [q.strip() for q in open(a.queries, encoding="utf-8") if q.strip() and not q.startswith("#")]
    binaries = [a.binary] + ([a.baseline] if a.baseline else [])
    warm(a.index)
    per = {b: {"hits": {"wall": [], "cpu": []}, "facets": {"wall": [], "cpu": []}} for b in binaries}
    by_query = {b: [] for b in binaries}
    fails = {b: 0 for b in binaries}
    for q in queries:
        for form, extra in (("hits", []), ("facets", ["--facets"])):
            cmds = {b: [b, "search", a.index, q, "--format", "jsonl"] + extra for b in binaries}
            for b in binaries:
                run(cmds[b])  # warm-up
            w = {b: [] for b in binaries}
            c = {b: [] for b in binaries}
            for _ in range(a.reps):
                for b in binaries:
                    rc, wall, cpu = run(cmds[b])
                    fails[b] += rc not in (0, 1)
                    w[b].append(wall)
                    c[b].append(cpu)
            for b in binaries:
                per[b][form]["wall"] += w[b]
                per[b][form]["cpu"] += c[b]
                by_query[b].append((percentile(c[b], 50), percentile(w[b], 50), form, q))
    outs = [report(b, per[b], by_query[b], fails[b], a) for b in binaries]
    if a.json:
        with open(a.json, "w") as f:
            json.dump(outs if a.baseline else outs[0], f, indent=1)
    return 0 if sum(fails.values()) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
