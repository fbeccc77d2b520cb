//! Writes a deterministic synthetic corpus in the JSON Lines import format.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --count 100000 --out corpus.jsonl [--seed 7]
//! zhiku --db bench.db import corpus.jsonl
//! ```
//!
//! `--stats` also prints the distinct Han bigrams after 375k/750k/1.5M bigram tokens (the
//! vocabulary check of `../shared/tools/vocab_stats.py`) and the share of articles containing a few probe words, to check that the
//! word frequencies are Zipf-like (数据 in almost every article, 消息积压 in few).

#[path = "corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Generate a synthetic corpus of Chinese technical articles (JSON Lines)")]
struct Args {
    /// Number of articles.
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Output file (.jsonl).
    #[arg(long)]
    out: PathBuf,
    /// PRNG seed: the same seed and count always give the same file.
    #[arg(long, default_value_t = corpus::DEFAULT_SEED)]
    seed: u64,
    /// Print document frequencies of probe words and length statistics.
    #[arg(long)]
    stats: bool,
}

/// Probe words for `--stats`: from everywhere to rare.
const PROBES: &[&str] = &[
    "数据",
    "库",
    "服务",
    "备份",
    "故障",
    "恢复",
    "消息",
    "积压",
    "集群",
    "监控",
    "同步",
    "索引",
    "缓存",
    "状态",
    "事务",
    "分布式",
    "故障恢复",
    "消息积压",
    "数据同步",
    "数据备份",
    "数据备份失败",
    "Kafka",
    "Flink",
    "Redis",
    "DorisDB",
    "ClickHouse",
    "SpringBoot",
    "NettyServer",
];

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    if let Err(e) = corpus::self_check() {
        eprintln!("gen_corpus: {e}");
        std::process::exit(2);
    }
    let start = Instant::now();
    let bytes = corpus::write_jsonl(&args.out, args.count, args.seed)?;
    eprintln!(
        "wrote {} articles ({:.1} MB) to {} in {:.2} s",
        args.count,
        bytes as f64 / 1e6,
        args.out.display(),
        start.elapsed().as_secs_f64()
    );
    if args.stats {
        stats(args.count, args.seed);
    }
    Ok(())
}

/// Marks of `--stats`'s vocabulary count, as `../shared/tools/vocab_stats.py` prints them.
const BIGRAM_MARKS: [usize; 3] = [375_000, 750_000, 1_500_000];

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

fn stats(count: usize, seed: u64) {
    // Distinct Han bigrams of the bodies after the first N bigram tokens (bigrams inside runs
    // of Han characters, as vocab_stats.py counts them).
    let mut seen = std::collections::HashSet::<(char, char)>::new();
    let mut tokens = 0usize;
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut df = vec![0usize; PROBES.len()];
    let mut chars: Vec<usize> = Vec::with_capacity(count);
    let mut tag_df = std::collections::HashMap::<String, usize>::new();
    let mut text_bytes = 0usize;
    for a in corpus::Generator::new(seed, count) {
        let text = format!("{}\n{}", a.title, a.body);
        text_bytes += a.title.len() + a.body.len();
        for (i, p) in PROBES.iter().enumerate() {
            if text.contains(p) {
                df[i] += 1;
            }
        }
        chars.push(a.body.chars().count());
        if marks.len() < BIGRAM_MARKS.len() {
            let mut prev: Option<char> = None;
            for c in a.body.chars() {
                if !is_han(c) {
                    prev = None;
                    continue;
                }
                if let Some(p) = prev {
                    seen.insert((p, c));
                    tokens += 1;
                    if marks.len() < BIGRAM_MARKS.len() && tokens == BIGRAM_MARKS[marks.len()] {
                        marks.push((tokens, seen.len()));
                    }
                }
                prev = Some(c);
            }
        }
        for t in a.tags {
            *tag_df.entry(t).or_default() += 1;
        }
    }
    chars.sort_unstable();
    let n = chars.len().max(1);
    println!(
        "body chars: min {} median {} mean {} max {}; text {:.1} MB ({} bytes/article)",
        chars.first().unwrap_or(&0),
        chars[n / 2],
        chars.iter().sum::<usize>() / n,
        chars.last().unwrap_or(&0),
        text_bytes as f64 / 1e6,
        text_bytes / n
    );
    for (i, m) in BIGRAM_MARKS.iter().enumerate() {
        match marks.get(i) {
            Some((_, d)) => println!("distinct Han bigrams after {m:>9} bigram tokens: {d:>8}"),
            None => println!(
                "distinct Han bigrams after {m:>9} bigram tokens: (corpus too small: {tokens} tokens, {} distinct)",
                seen.len()
            ),
        }
    }
    println!("(real technical blog text: 58k / 89k / 143k; benchmark acceptance: >= 120k at 1.5M)");
    println!("share of articles containing (title or body):");
    for (p, d) in PROBES.iter().zip(&df) {
        println!("  {p:<12} {:6.2}%", 100.0 * *d as f64 / n as f64);
    }
    let mut tags: Vec<(String, usize)> = tag_df.into_iter().collect();
    tags.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let show: Vec<String> = tags
        .iter()
        .take(12)
        .chain(tags.iter().rev().take(3))
        .map(|(t, c)| format!("{t} {:.1}%", 100.0 * *c as f64 / n as f64))
        .collect();
    println!("tags ({} distinct): {}", tags.len(), show.join(", "));
}
