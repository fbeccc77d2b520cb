//! Quick-open on 100,000 titles: `cargo bench --bench quick_open`.
//!
//! The titles are those of the benchmark corpus (`examples/corpus`, the same generator and
//! seed as the bench store, newest first as `Store::titles` gives them). Measured: building
//! the index, and every keystroke of several queries typed character by character (pinyin
//! initials, full pinyin, Chinese, Latin, mixed), each query typed into a fresh
//! [`Search`] as the overlay does, so the first key scans all titles and the next ones
//! narrow. Criterion reports the build and whole typed queries; at the end a table gives
//! per-query p50/p95 over its keystrokes and the p50/p95 over all keystrokes, from every
//! timed keystroke. Also: the same keystrokes deleted back (Backspace: a full scan each).
//!
//! `ZHIKU_BENCH_N` picks another corpus size. Under `cargo test --benches` (criterion's
//! test mode) 300 titles are used and each query runs once.

#[path = "../examples/corpus/mod.rs"]
mod corpus;

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use zhiku::import::{Options, Source, import};
use zhiku::quickopen::{Index, Search};
use zhiku::store::titles::TitleRow;
use zhiku::store::{ArticleId, Store};

use common::{bench_n, benchmarking, ms};

/// The target: p95 per keystroke on 100k titles.
const TARGET_P95_MS: f64 = 16.0;

/// Queries typed key by key, with what they are.
const TYPED: &[(&str, &str)] = &[
    ("initials", "sjtbjk"),
    ("initials", "gzhf"),
    ("initials", "xxjy"),
    ("full pinyin", "shujutongbu"),
    ("full pinyin", "guzhanghuifu"),
    ("full pinyin", "chonggou"),
    ("chinese", "数据同步"),
    ("chinese", "故障恢复"),
    ("chinese", "消息积压排查"),
    ("latin", "kafka"),
    ("latin", "DorisDB"),
    ("latin", "spring boot"),
    ("mixed", "redis hc"),
    ("mixed", "kafka xiaoxi"),
    ("mixed", "Flink 状态"),
    ("mixed", "mysql sy"),
];

fn titles(n: usize) -> Vec<TitleRow> {
    let mut rows: Vec<TitleRow> = corpus::Generator::new(corpus::DEFAULT_SEED, n)
        .enumerate()
        .map(|(i, a)| TitleRow {
            id: ArticleId(i as i64 + 1),
            title: a.title,
            published: Some(a.published),
        })
        .collect();
    // Newest first, as Store::titles orders them (the generator's are chronological).
    rows.reverse();
    rows
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k]
}

/// The CPU time this thread has used: unlike the wall clock, not inflated when the
/// machine's other builds take the cores.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec we own.
    #[allow(unsafe_code)]
    unsafe {
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts);
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Types `q` key by key into a fresh search; the wall and CPU time of each keystroke, and
/// the final number of hits.
fn type_query(ix: &Index, q: &str) -> (Vec<Duration>, Vec<Duration>, usize) {
    let chars: Vec<char> = q.chars().collect();
    let mut s = Search::new();
    let mut wall = Vec::with_capacity(chars.len());
    let mut cpu = Vec::with_capacity(chars.len());
    for n in 1..=chars.len() {
        let prefix: String = chars[..n].iter().collect();
        let (t, c) = (Instant::now(), thread_cpu());
        black_box(s.update(ix, &prefix));
        cpu.push(thread_cpu() - c);
        wall.push(t.elapsed());
    }
    (wall, cpu, s.len())
}

/// Deletes `q` key by key (each Backspace is a full scan).
fn delete_query(ix: &Index, q: &str) -> Vec<Duration> {
    let chars: Vec<char> = q.chars().collect();
    let mut s = Search::new();
    s.update(ix, q);
    let mut out = Vec::new();
    for n in (1..chars.len()).rev() {
        let prefix: String = chars[..n].iter().collect();
        let t = Instant::now();
        black_box(s.update(ix, &prefix));
        out.push(t.elapsed());
    }
    out
}

fn main() {
    let bench = benchmarking();
    let n = if bench { bench_n(100_000) } else { 300 };
    let t = Instant::now();
    let rows = titles(n);
    let generate = t.elapsed();
    let chars: usize = rows.iter().map(|r| r.title.chars().count()).sum();
    println!(
        "quick_open bench: {n} titles from the corpus generator (seed {}, {}), {:.1} chars \
         per title, generated in {:.1} s",
        corpus::DEFAULT_SEED,
        corpus::VERSION,
        chars as f64 / n.max(1) as f64,
        generate.as_secs_f64()
    );

    let mut c = Criterion::default().configure_from_args();
    if bench {
        c = c
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(5));
    }
    c.bench_function("index build", |b| {
        b.iter_with_large_drop(|| Index::new(rows.iter().cloned()))
    });
    let t = Instant::now();
    let ix = Index::new(rows.iter().cloned());
    let build = t.elapsed();
    assert_eq!(ix.len(), n);
    let (symbols, polyphones) = ix.symbol_stats();
    let distinct: std::collections::HashSet<&str> = rows.iter().map(|r| r.title.as_str()).collect();
    for (kind, q) in TYPED {
        c.bench_function(&format!("type {kind}: {q}"), |b| {
            b.iter(|| type_query(&ix, q))
        });
    }
    c.final_summary();

    // The same titles through a store: the one statement the worker will run, and the
    // index built from its rows (bodies are one word: only the titles matter here).
    let text: String = rows
        .iter()
        .rev()
        .enumerate()
        .map(|(i, r)| {
            serde_json::json!({"id": format!("t{i}"), "title": r.title, "body": "正文",
                "published": r.published})
            .to_string()
                + "\n"
        })
        .collect();
    let mut store = Store::open_in_memory().expect("in-memory store");
    let t = Instant::now();
    let src = Source::Memory {
        name: "titles.jsonl".into(),
        data: Box::leak(text.into_boxed_str()).as_bytes(),
    };
    import(&mut store, vec![src], Options::default()).expect("import the titles");
    let imported = t.elapsed();
    let mut loads = Vec::new();
    let mut from_store = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        from_store = store.titles().expect("Store::titles");
        loads.push(t.elapsed());
    }
    loads.sort();
    assert_eq!(from_store.len(), n);
    let t = Instant::now();
    let ix2 = Index::new(from_store);
    let build2 = t.elapsed();
    assert_eq!(ix2.len(), n);

    // Every keystroke, timed on its own, several rounds (the first round warms caches).
    let rounds = if bench { 6 } else { 1 };
    let mut all: Vec<Duration> = Vec::new();
    let mut all_cpu: Vec<Duration> = Vec::new();
    let mut deleting: Vec<Duration> = Vec::new();
    println!();
    println!(
        "index build: {:.0} ms for {n} titles (one run, after criterion's); {} distinct \
         titles, {symbols} distinct characters, {polyphones} of them Han with 2-3 readings",
        ms(build),
        distinct.len()
    );
    println!(
        "Store::titles: {:.0} ms (median of 3) for {n} rows from an in-memory store (import \
         {:.1} s); Index::new on them {:.0} ms: {:.0} ms from the statement to the index",
        ms(loads[1]),
        imported.as_secs_f64(),
        ms(build2),
        ms(loads[1] + build2)
    );
    println!();
    println!(
        "{:<12} {:<16} {:>5} {:>8} {:>9} {:>9} {:>9}",
        "kind", "query", "keys", "hits", "p50 ms", "p95 ms", "p95 cpu"
    );
    for (kind, q) in TYPED {
        let mut mine: Vec<Duration> = Vec::new();
        let mut mine_cpu: Vec<Duration> = Vec::new();
        let mut hits = 0;
        for round in 0..rounds {
            let (d, c, h) = type_query(&ix, q);
            hits = h;
            if round > 0 || rounds == 1 {
                mine.extend(d);
                mine_cpu.extend(c);
            }
            deleting.extend(delete_query(&ix, q));
        }
        mine.sort();
        mine_cpu.sort();
        println!(
            "{:<12} {:<16} {:>5} {:>8} {:>9.2} {:>9.2} {:>9.2}",
            kind,
            q,
            q.chars().count(),
            hits,
            ms(percentile(&mine, 0.5)),
            ms(percentile(&mine, 0.95)),
            ms(percentile(&mine_cpu, 0.95))
        );
        all.extend(mine);
        all_cpu.extend(mine_cpu);
    }
    all.sort();
    all_cpu.sort();
    deleting.sort();
    let p95 = ms(percentile(&all, 0.95));
    println!();
    println!(
        "all keystrokes typed: {} timed, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (target p95 ≤ {TARGET_P95_MS} ms: {})",
        all.len(),
        ms(percentile(&all, 0.5)),
        p95,
        ms(*all.last().unwrap_or(&Duration::ZERO)),
        if p95 <= TARGET_P95_MS {
            "met"
        } else {
            "MISSED"
        }
    );
    println!(
        "the same keystrokes in CPU time (this thread): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(percentile(&all_cpu, 0.5)),
        ms(percentile(&all_cpu, 0.95)),
        ms(*all_cpu.last().unwrap_or(&Duration::ZERO))
    );
    if let Ok(l) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average at the end: {}", l.trim());
    }
    println!(
        "backspace (full scans): {} timed, p50 {:.2} ms, p95 {:.2} ms",
        deleting.len(),
        ms(percentile(&deleting, 0.5)),
        ms(percentile(&deleting, 0.95))
    );
}
