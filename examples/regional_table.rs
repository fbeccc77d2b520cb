//! Rebuilds `assets/regional.tsv`, the regional vocabulary search expands (软件 ↔ 軟體), from
//! OpenCC's phrase tables and jieba's mainland word frequencies, and prints what the rule
//! dropped (the false hits it avoids) and kept. See `zhiku::text::regional`.
//!
//! ```sh
//! cargo run --example regional_table            # writes assets/regional.tsv
//! cargo run --example regional_table -- --check # exit 1 when the committed table differs
//! ```

#[path = "corpus/mod.rs"]
mod corpus;

use zhiku::text::regional::{Judged, judge, table_text};

fn main() {
    let check = std::env::args().any(|a| a == "--check");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let judged = match judged(root) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("regional_table: {e}");
            std::process::exit(2);
        }
    };
    let text = table_text(&judged);
    let out = root.join("assets").join("regional.tsv");
    if check {
        let now = std::fs::read_to_string(&out).unwrap_or_default();
        if now != text {
            eprintln!(
                "{} is not what the rule gives: run `cargo run --example regional_table`",
                out.display()
            );
            std::process::exit(1);
        }
        return;
    }
    let dropped: Vec<&Judged> = judged.iter().filter(|j| !j.kept).collect();
    println!(
        "{} pairs, {} kept, {} dropped",
        judged.len(),
        judged.len() - dropped.len(),
        dropped.len()
    );
    let mut by_share = dropped.clone();
    by_share.sort_by(|a, b| b.share.total_cmp(&a.share));
    println!(
        "dropped, by the variant's share of mainland usage (the false hits they would bring):"
    );
    for j in by_share {
        println!("  {:.3}  {} ↔ {}", j.share, j.word, j.variant);
    }
    std::fs::write(&out, text).expect("write assets/regional.tsv");
    println!("wrote {}", out.display());
}

/// The judged pairs of the committed OpenCC tables.
pub fn judged(root: &std::path::Path) -> Result<Vec<Judged>, String> {
    let dir = root.join("assets").join("opencc");
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).map_err(|e| format!("{n}: {e}"));
    let (tw, hk) = (read("TWPhrases.txt")?, read("HKPhrases.txt")?);
    let dict = corpus::lexicon::dict_path()?;
    let text = std::fs::read_to_string(&dict).map_err(|e| format!("{}: {e}", dict.display()))?;
    let mut freq = std::collections::HashMap::new();
    for line in text.lines() {
        let mut f = line.split(' ');
        if let (Some(w), Some(n)) = (f.next(), f.next())
            && let Ok(n) = n.parse::<u64>()
        {
            *freq.entry(zhiku::text::search_fold_str(w)).or_insert(0) += n;
        }
    }
    Ok(judge(&[&tw, &hk], |w| freq.get(w).copied().unwrap_or(0)))
}
