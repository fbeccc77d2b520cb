#!/usr/bin/env python3
"""Whole-process search latency: `zhiku --db STORE search Q --json --limit 50`, one process per
call, as a user (or a script) runs it.

Usage: benches/process.py ZHIKU_BINARY STORE [--runs N] [--json OUT]

The queries are benches/search.rs's QUERIES (the same text; sorted ones are left out, the CLI
has no order option) and every prefix of its TYPED queries. Each query runs once to warm the
page cache, then N times (default 7); the table gives each query's median, and the summary the
median and p95 over every query's median (every query weighs the same), plus a query that
matches nothing. Prints one line per query and a summary; --json writes the summary.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def queries():
    src = open(os.path.join(HERE, "search.rs"), encoding="utf-8").read()
    body = src[src.index("const QUERIES"):src.index("const TYPED")]
    out = []
    for m in re.finditer(r'\b(q|typed)\((?:"[a-z]+",\s*)?"((?:[^"\\]|\\.)*)"\)', body):
        out.append(m.group(2).replace('\\"', '"'))
    typed = re.search(r"const TYPED: &\[&str\] = &\[(.*?)\];", src, re.S).group(1)
    for t in re.findall(r'"([^"]*)"', typed):
        for i in range(1, len(t) + 1):
            p = t[:i]
            if p.strip() and p == p.rstrip():
                out.append(p)
    seen, uniq = set(), []
    for q in out:
        if q not in seen:
            seen.add(q)
            uniq.append(q)
    return uniq


def run(binary, store, q):
    t = time.perf_counter()
    r = subprocess.run(
        [binary, "--db", store, "search", "--json", "--limit", "50", "--", *q.split(" ")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    dt = (time.perf_counter() - t) * 1e3
    if r.returncode != 0:
        sys.exit(f"{q!r}: exit {r.returncode}: {r.stderr.decode(errors='replace')}")
    return dt, r.stdout.count(b"\n")


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    binary, store = args[0], args[1]
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 7
    out_json = args[args.index("--json") + 1] if "--json" in args else None
    medians = {}
    for q in queries():
        run(binary, store, q)
        times = [run(binary, store, q)[0] for _ in range(runs)]
        hits = run(binary, store, q)[1]
        medians[q] = statistics.median(times)
        print(f"{medians[q]:8.2f} ms  {hits:3} hits  {q}")
    none = "zzqqxxnomatchzz"
    run(binary, store, none)
    nomatch = statistics.median(run(binary, store, none)[0] for _ in range(runs))
    vals = list(medians.values())
    # The machine is shared: the load average over the run says how far to trust the figures.
    load = os.getloadavg()
    summary = {
        "store": store,
        "queries": len(vals),
        "median_ms": round(statistics.median(vals), 2),
        "p95_ms": round(pct(vals, 0.95), 2),
        "max_ms": round(max(vals), 2),
        "nomatch_ms": round(nomatch, 2),
        "runs": runs,
        "loadavg_1_5_15": [round(x, 2) for x in load],
    }
    print(
        f"{len(vals)} queries, one process each: median {summary['median_ms']} ms, "
        f"p95 {summary['p95_ms']} ms, max {summary['max_ms']} ms; no match {summary['nomatch_ms']} ms; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    if out_json:
        with open(out_json, "w") as f:
            json.dump(summary, f)


if __name__ == "__main__":
    main()
