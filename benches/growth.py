#!/usr/bin/env python3
"""Growth of import and whole-process search with the library's size, as a table and a chart.

Usage: benches/growth.py WORKDIR N [N ...] [--runs R] [--zhiku BIN] [--gen BIN]

For each article count N (e.g. 10000 100000): generates WORKDIR/corpus-N.jsonl with the
realistic corpus generator (`gen_corpus --count N`, default seed) unless it exists, imports it
into WORKDIR/store-N.db with `zhiku import` unless that store exists (the import's wall time
is kept in WORKDIR/import-N.json, so a store is built once and reused), then runs
benches/process.py's queries against it (one `zhiku search Q --json --limit 50` process per
call). Writes WORKDIR/growth.json (every figure, the machine's load average) and
benches/growth.svg (the chart benches/README.md shows). Build first:

    cargo build --release --locked --bin zhiku --example gen_corpus

BIN defaults to target/release/zhiku and target/release/examples/gen_corpus. No packages
beyond Python's standard library.
"""
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import process  # noqa: E402  (benches/process.py: the queries and one process per search)


def opt(args, name, default):
    if name in args:
        i = args.index(name)
        v = args[i + 1]
        del args[i : i + 2]
        return v
    return default


def text_bytes(corpus):
    """Title + body bytes (UTF-8), as the importer's report counts them."""
    total = 0
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            total += len(d.get("title", "").encode()) + len(d.get("body", "").encode())
    return total


def vocab(gen, n, workdir):
    """Distinct Han bigrams after 1.5M bigram tokens, as `gen_corpus --stats` prints them."""
    out = subprocess.run(
        [gen, "--count", "3000", "--out", os.path.join(workdir, "stats.jsonl"), "--stats"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=True,
    ).stdout.decode()
    for line in out.splitlines():
        if "after   1500000 bigram tokens" in line:
            return int(line.split(":")[-1])
    return None


def measure(zhiku, gen, workdir, n, runs):
    corpus = os.path.join(workdir, f"corpus-{n}.jsonl")
    store = os.path.join(workdir, f"store-{n}.db")
    meta = os.path.join(workdir, f"import-{n}.json")
    if not os.path.exists(corpus):
        subprocess.run([gen, "--count", str(n), "--out", corpus], check=True)
    if not os.path.exists(store):
        t = time.perf_counter()
        p = subprocess.Popen([zhiku, "--db", store, "import", corpus])
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        if status != 0:
            sys.exit(f"import of {corpus} failed ({status})")
        with open(meta, "w") as f:
            json.dump(
                {
                    "import_s": round(wall, 2),
                    "import_cpu_s": round(ru.ru_utime + ru.ru_stime, 2),
                    "import_peak_rss_mb": round(ru.ru_maxrss / 1024, 1),
                    "loadavg": os.getloadavg(),
                },
                f,
            )
    with open(meta) as f:
        imp = json.load(f)
    text = text_bytes(corpus)
    size = os.path.getsize(store) + (
        os.path.getsize(store + "-wal") if os.path.exists(store + "-wal") else 0
    )
    medians = []
    for q in process.queries():
        process.run(zhiku, store, q)
        medians.append(statistics.median(process.run(zhiku, store, q)[0] for _ in range(runs)))
    none = "zzqqxxnomatchzz"
    process.run(zhiku, store, none)
    nomatch = statistics.median(process.run(zhiku, store, none)[0] for _ in range(runs))
    row = {
        "articles": n,
        "text_mb": round(text / 1e6, 1),
        "import_s": imp["import_s"],
        "import_mb_s": round(text / 1e6 / imp["import_s"], 2),
        "import_cpu_s": imp.get("import_cpu_s"),
        "import_peak_rss_mb": imp.get("import_peak_rss_mb"),
        "import_loadavg": imp.get("loadavg"),
        "store_mb": round(size / 1e6, 1),
        "store_ratio": round(size / text, 3),
        "queries": len(medians),
        "search_median_ms": round(statistics.median(medians), 2),
        "search_p95_ms": round(process.pct(medians, 0.95), 2),
        "nomatch_ms": round(nomatch, 2),
        "search_loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(row, ensure_ascii=False))
    return row


def svg(rows, bigrams, path):
    """Two panels by hand: search median/p95/no-match (ms) and import MB/s, against articles."""
    w, h, pad = 720, 300, 56
    pw = (w - 3 * pad) / 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h + 40}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="{pad}" y="18">zhiku, whole process, realistic corpus ({bigrams:,} distinct '
        "Han bigrams at 1.5M tokens); shared 2-core machine: noisy</text>",
    ]
    ns = [r["articles"] for r in rows]
    import math

    lo, hi = math.log10(min(ns)), math.log10(max(ns))
    span = (hi - lo) or 1

    def panel(x0, title, series, unit, targets):
        top = max([v for _, vals, _ in series for v in vals] + [t for t, _ in targets]) * 1.15
        y0, ph = 40, h - 60
        out.append(f'<rect x="{x0}" y="{y0}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
        out.append(f'<text x="{x0}" y="{y0 - 6}">{title} ({unit})</text>')
        for k in range(5):
            v = top * k / 4
            y = y0 + ph - ph * v / top
            out.append(f'<text x="{x0 - 6}" y="{y + 4}" text-anchor="end">{v:.0f}</text>')
            out.append(f'<line x1="{x0}" x2="{x0 + pw}" y1="{y}" y2="{y}" stroke="#eee"/>')

        def px(n):
            return x0 + 20 + (pw - 40) * (math.log10(n) - lo) / span

        for n in ns:
            out.append(
                f'<text x="{px(n)}" y="{y0 + ph + 16}" text-anchor="middle">{n // 1000}k</text>'
            )
        for t, colour in targets:
            y = y0 + ph - ph * t / top
            out.append(
                f'<line x1="{x0}" x2="{x0 + pw}" y1="{y}" y2="{y}" stroke="{colour}" '
                'stroke-dasharray="4 3"/>'
            )
        for i, (name, vals, colour) in enumerate(series):
            pts = " ".join(f"{px(n):.1f},{y0 + ph - ph * v / top:.1f}" for n, v in zip(ns, vals))
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for n, v in zip(ns, vals):
                x, y = px(n), y0 + ph - ph * v / top
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
                out.append(f'<text x="{x + 5:.1f}" y="{y - 5:.1f}" fill="{colour}">{v:g}</text>')
            out.append(
                f'<text x="{x0 + 8}" y="{y0 + 16 + 14 * i}" fill="{colour}">{name}</text>'
            )

    panel(
        pad,
        "search, one process per query",
        [
            ("p95", [r["search_p95_ms"] for r in rows], "#c0392b"),
            ("median", [r["search_median_ms"] for r in rows], "#2c7fb8"),
            ("no match", [r["nomatch_ms"] for r in rows], "#27ae60"),
        ],
        "ms",
        [(25, "#c0392b"), (8, "#2c7fb8"), (5, "#27ae60")],
    )
    panel(
        2 * pad + pw,
        "import throughput",
        [("MB/s of text", [r["import_mb_s"] for r in rows], "#8e44ad")],
        "MB/s",
        [(20, "#8e44ad")],
    )
    out.append(
        f'<text x="{pad}" y="{h + 30}">dashed: targets (search p95 25, median 8, no match 5 ms; '
        "import 20 MB/s). Data: benches/growth.py</text>"
    )
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    args = sys.argv[1:]
    runs = int(opt(args, "--runs", "7"))
    zhiku = opt(args, "--zhiku", os.path.join(ROOT, "target/release/zhiku"))
    gen = opt(args, "--gen", os.path.join(ROOT, "target/release/examples/gen_corpus"))
    if len(args) < 2:
        sys.exit(__doc__)
    workdir, counts = args[0], sorted(int(a) for a in args[1:])
    os.makedirs(workdir, exist_ok=True)
    bigrams = vocab(gen, counts[0], workdir)
    rows = [measure(zhiku, gen, workdir, n, runs) for n in counts]
    with open(os.path.join(workdir, "growth.json"), "w") as f:
        json.dump({"bigrams_at_1_5m": bigrams, "rows": rows}, f, indent=1)
    svg(rows, bigrams or 0, os.path.join(HERE, "growth.svg"))
    print(f"wrote {os.path.join(workdir, 'growth.json')} and benches/growth.svg")


if __name__ == "__main__":
    main()
