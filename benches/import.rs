//! Import throughput and store size: `cargo bench --bench import`.
//!
//! Generates `ZHIKU_BENCH_N` (default 100,000) articles with `examples/corpus`, imports them with
//! `zhiku::import::import` into a fresh store at `target/bench-100k.db` (kept for
//! `benches/search.rs`) and prints articles/s, seconds, text bytes, store bytes and their ratio.
//! A plain `main` (harness = false): under `cargo test --benches` it only says it was skipped.

#[path = "../examples/corpus/mod.rs"]
mod corpus;

mod common;

use common::{bench_n, benchmarking, build_store, mb, space_by_object};

/// Targets from the issue.
const TARGET_SECONDS_PER_100K: f64 = 20.0;
const TARGET_RATIO: f64 = 2.5;

fn main() {
    if !benchmarking() {
        println!("import bench: skipped (run `cargo bench --bench import`)");
        return;
    }
    let n = bench_n(100_000);
    println!(
        "import bench: {n} articles (ZHIKU_BENCH_N), seed {}",
        corpus::DEFAULT_SEED
    );
    let b = build_store(n);
    let secs = b.report.elapsed.as_secs_f64();
    let text = b.report.text_bytes;
    let ratio = b.store_bytes as f64 / text as f64;
    println!(
        "generated   {} of JSON Lines in {:.2} s (not part of the import)",
        mb(b.corpus_bytes),
        b.generate.as_secs_f64()
    );
    println!(
        "import      {n} articles in {secs:.2} s = {:.0} articles/s ({:.1} MB/s of text)",
        n as f64 / secs,
        text as f64 / 1e6 / secs
    );
    println!(
        "text        {} (title + body, UTF-8), {} bytes/article",
        mb(text),
        text / n.max(1) as u64
    );
    println!(
        "store       {} after wal_checkpoint(TRUNCATE) ({:.2} s)",
        mb(b.store_bytes),
        b.checkpoint.as_secs_f64()
    );
    println!("ratio       store/text = {ratio:.2}");
    println!("space by table/index:");
    for (name, bytes) in space_by_object(&b.path).iter().take(8) {
        println!(
            "  {name:<28} {:>10}  ({:.2}× text)",
            mb(*bytes),
            *bytes as f64 / text as f64
        );
    }
    let scaled = secs * 100_000.0 / n.max(1) as f64;
    println!(
        "targets     100k in < {TARGET_SECONDS_PER_100K} s: {} ({scaled:.1} s per 100k); store < {TARGET_RATIO}× text: {}",
        if scaled < TARGET_SECONDS_PER_100K {
            "met"
        } else {
            "MISSED"
        },
        if ratio < TARGET_RATIO {
            "met"
        } else {
            "MISSED"
        }
    );
    println!("store kept at {}", b.path.display());
}
