//! The general Chinese vocabulary of the corpus: jieba-rs's dictionary (349k words with their
//! frequencies in a large real corpus, MIT licence), read from the crate's source that cargo has
//! downloaded as a dev-dependency (`jieba-rs`, pinned in Cargo.toml; nothing of it is compiled
//! into zhiku). Only words written wholly in Han characters are kept, by part of speech.
//!
//! With these words the corpus has a real long tail: ~140k distinct Han bigrams after the first
//! 1.5M bigram tokens, as real technical blog text has, where the built-in word lists alone
//! reach ~26k.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::Rng;

/// The jieba-rs version whose dictionary is read (Cargo.toml pins it with `=`).
pub const JIEBA_VERSION: &str = "0.11.0";

/// Words of one class with cumulative weights (frequency^`exponent`).
pub struct Class {
    pub words: Vec<&'static str>,
    cum: Vec<f64>,
}

impl Class {
    fn new(mut entries: Vec<(&'static str, f64)>, exponent: f64) -> Class {
        // Most frequent first, ties by word: the order never depends on the file's order.
        entries.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        let mut total = 0.0;
        let mut cum = Vec::with_capacity(entries.len());
        for (_, f) in &entries {
            total += f.powf(exponent);
            cum.push(total);
        }
        for c in &mut cum {
            *c /= total;
        }
        Class {
            words: entries.into_iter().map(|(w, _)| w).collect(),
            cum,
        }
    }

    pub fn draw(&self, rng: &mut Rng) -> &'static str {
        let u = rng.unit();
        let i = self.cum.partition_point(|&c| c <= u);
        self.words[i.min(self.words.len() - 1)]
    }
}

/// The dictionary split by part of speech.
pub struct Lexicon {
    /// Nouns of every kind except person names (n, vn, nz, ns, nt, an, ng).
    pub nouns: Class,
    /// Verbs (v, vd, vg).
    pub verbs: Class,
    /// Idioms and set phrases (i, l).
    pub phrases: Class,
    /// Everything short that glues a sentence: adverbs, pronouns, particles, prepositions,
    /// conjunctions, adjectives, measure words (d, r, u*, p, c, a, ad, q, m, f, t).
    pub glue: Class,
}

/// Where the dictionary is: `ZHIKU_CORPUS_DICT`, else the crate's source in cargo's registry
/// (`$CARGO_HOME`, default `~/.cargo`), else wherever `cargo metadata` says the crate is.
pub fn dict_path() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("ZHIKU_CORPUS_DICT") {
        return Ok(PathBuf::from(p));
    }
    let rel = Path::new("src").join("data").join("dict.txt");
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(home) = home
        && let Ok(dirs) = std::fs::read_dir(home.join("registry").join("src"))
    {
        let mut found: Vec<PathBuf> = dirs
            .flatten()
            .map(|d| {
                d.path()
                    .join(format!("jieba-rs-{JIEBA_VERSION}"))
                    .join(&rel)
            })
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        if let Some(p) = found.into_iter().next() {
            return Ok(p);
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cannot read cargo metadata: {e}"))?;
    meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "jieba-rs" && p["version"] == JIEBA_VERSION)
        .and_then(|p| p["manifest_path"].as_str())
        .map(|m| Path::new(m).parent().unwrap_or(Path::new("")).join(&rel))
        .filter(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "jieba-rs {JIEBA_VERSION}'s dictionary not found: run `cargo fetch`, or set ZHIKU_CORPUS_DICT to its src/data/dict.txt"
            )
        })
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

fn load() -> Result<Lexicon, String> {
    let path = dict_path()?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text: &'static str = Box::leak(text.into_boxed_str());
    let (mut nouns, mut verbs, mut phrases, mut glue) = (vec![], vec![], vec![], vec![]);
    for line in text.lines() {
        let mut f = line.split(' ');
        let (Some(word), Some(freq), Some(pos)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let Ok(freq) = freq.parse::<f64>() else {
            continue;
        };
        if freq < 1.0 || !word.chars().all(is_han) {
            continue;
        }
        let chars = word.chars().count();
        let class = match pos {
            "n" | "vn" | "nz" | "ns" | "nt" | "an" | "ng" if chars >= 2 => &mut nouns,
            "v" | "vd" | "vg" => &mut verbs,
            "i" | "l" => &mut phrases,
            "d" | "r" | "p" | "c" | "a" | "ad" | "q" | "m" | "f" | "t" | "u" | "ul" | "uj"
            | "uz" | "ug" | "uv" | "ud" | "y" | "e"
                if chars <= 3 =>
            {
                &mut glue
            }
            _ => continue,
        };
        class.push((word, freq));
    }
    if nouns.len() < 1000 || verbs.len() < 1000 {
        return Err(format!(
            "{} does not look like jieba's dictionary",
            path.display()
        ));
    }
    Ok(Lexicon {
        // Content words flatter than their raw frequencies: a technical library uses many
        // more distinct words than the news text jieba was trained on gives weight to.
        nouns: Class::new(nouns, 0.8),
        verbs: Class::new(verbs, 0.85),
        phrases: Class::new(phrases, 0.7),
        glue: Class::new(glue, 1.0),
    })
}

/// The lexicon, loaded once per process (~0.3 s).
pub fn lexicon() -> Result<&'static Lexicon, String> {
    static LEX: OnceLock<Result<Lexicon, String>> = OnceLock::new();
    LEX.get_or_init(load).as_ref().map_err(Clone::clone)
}
