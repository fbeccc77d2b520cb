//! The reader as a person meets it: `cargo bench --bench ui`.
//!
//! Runs the real binary in a pseudo-terminal (120×40) on the generated store of
//! `ZHIKU_BENCH_N` articles (default 100,000; built by `benches/common` when missing) and
//! reports: time from launch to the first frame and to the loaded category tree; for every
//! keystroke of typing `Kafka 消息积压` and `数据备份失败`, the time until the frame shows the
//! keystroke and until it shows that query's results (median, 95th percentile); and resident
//! memory (VmRSS, VmHWM) after browsing. Targets: first frame < 150 ms, keystroke p95 < 30 ms,
//! RSS < 80 MB. A plain `main` (harness = false): under `cargo test` it is skipped.

#[path = "../examples/corpus/mod.rs"]
mod corpus;

mod common;

#[path = "../tests/common/pty.rs"]
mod pty;

use std::time::{Duration, Instant};

use common::{bench_n, benchmarking, current_store, ms};
use pty::{BIN, Tui};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The query line of the search box (screen row 1) without the frame.
fn query_row(screen: &str) -> String {
    screen
        .lines()
        .nth(1)
        .unwrap_or("")
        .trim_start_matches('│')
        .trim()
        .to_owned()
}

fn main() {
    if !benchmarking() {
        println!("ui bench: skipped (run `cargo bench --bench ui`)");
        return;
    }
    let n = bench_n(100_000);
    let built = current_store(n, "ui bench");
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("ui.db");
    std::fs::copy(&built, &db).expect("copy the bench store");
    let total = zhiku::present::count(n);
    println!("ui bench: {n} articles, 120×40 pseudo-terminal, {}", BIN);

    let mut first = Vec::new();
    let mut tree = Vec::new();
    for _ in 0..10 {
        let t0 = Instant::now();
        let mut t = Tui::start(&db, 120, 40);
        let f = t.wait("the first frame", |s| s.contents().contains("分类"));
        let label = format!("全部 ({total})");
        let g = t.wait("the tree and list", |s| {
            s.contents().contains(&label) && s.contents().contains("条结果")
        });
        first.push(ms(f - t0));
        tree.push(ms(g - t0));
        t.quit();
    }
    first.sort_by(f64::total_cmp);
    tree.sort_by(f64::total_cmp);
    println!(
        "launch → first frame        median {:>6.1} ms   max {:>6.1} ms   (target < 150 ms)",
        percentile(&first, 0.5),
        first[first.len() - 1]
    );
    println!(
        "launch → tree and list      median {:>6.1} ms   max {:>6.1} ms",
        percentile(&tree, 0.5),
        tree[tree.len() - 1]
    );

    let mut t = Tui::start(&db, 120, 40);
    t.wait("the list", |s| s.contents().contains("条结果"));
    t.send("/");
    t.wait("the search box focused", |s| s.contents().contains("▸搜索"));
    let mut echo = Vec::new();
    let mut results = Vec::new();
    for _round in 0..5 {
        for phrase in ["Kafka 消息积压", "数据备份失败"] {
            let mut typed = String::new();
            for c in phrase.chars() {
                typed.push(c);
                let t0 = Instant::now();
                t.send(&c.to_string());
                let want = typed.clone();
                let e = t.wait("the keystroke", |s| {
                    query_row(&s.contents()).starts_with(want.trim_end())
                });
                let r = t.wait("its results", |s| {
                    let c = s.contents();
                    query_row(&c).starts_with(want.trim_end())
                        && !c.contains("搜索中")
                        && c.contains("条结果")
                });
                echo.push(ms(e - t0));
                results.push(ms(r - t0));
            }
            for _ in phrase.chars() {
                t.send("\u{7f}");
            }
            t.wait("the cleared box", |s| !s.contents().contains("搜索中"));
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    echo.sort_by(f64::total_cmp);
    results.sort_by(f64::total_cmp);
    println!(
        "keystroke → frame showing it   median {:>5.1} ms   p95 {:>5.1} ms   ({} keystrokes)",
        percentile(&echo, 0.5),
        percentile(&echo, 0.95),
        echo.len()
    );
    println!(
        "keystroke → its results shown  median {:>5.1} ms   p95 {:>5.1} ms   (target p95 < 30 ms)",
        percentile(&results, 0.5),
        percentile(&results, 0.95)
    );

    // Browse: open articles one after another, scroll each, then search something broad.
    t.send("\r");
    for _ in 0..30 {
        t.send("\r");
        t.send("jjjjjjjjjj\u{4}\u{4}G");
        t.send("\t\t");
        t.send("j");
        std::thread::sleep(Duration::from_millis(20));
    }
    t.send("/数据\r");
    t.wait("the broad query", |s| {
        s.contents().contains("条结果") && !s.contents().contains("搜索中")
    });
    std::thread::sleep(Duration::from_millis(200));
    let rss = t.status_kb("VmRSS:");
    let hwm = t.status_kb("VmHWM:");
    println!(
        "memory after browsing         VmRSS {:.1} MB   peak VmHWM {:.1} MB   (target < 80 MB)",
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    t.quit();
}
