//! Regional vocabulary: the same thing called differently in mainland China and in Taiwan or
//! Hong Kong (软件 / 軟體, 内存 / 記憶體, 服务器 / 伺服器). Character folding
//! ([`super::search_fold_str`]) turns 軟體 into 软体, not 软件; this table says the two are
//! one word, so a query for either also finds the other (search ranks such matches below
//! literal ones).
//!
//! The pairs come from OpenCC's phrase tables (`assets/opencc/`, Apache-2.0), filtered by how
//! often the Taiwan/Hong Kong word is used in mainland text with a meaning of its own: 串行 /
//! 序列 is dropped because mainland writers say 序列 (sequence) 25 times as often as 串行,
//! so a query for 串行 would mostly find articles about something else. The measure is the
//! variant's share of the pair's frequency in jieba's dictionary (frequencies from a large
//! mainland corpus): a pair is kept when the variant's share is below [`MAX_SHARE`].
//! `cargo run --example regional_table` rebuilds `assets/regional.tsv` and prints what it
//! kept and dropped; a test checks that the committed table is what the rule gives.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::search_fold_str;

/// The table, as committed: `word<TAB>variant<TAB>share` per line, both folded.
const TABLE: &str = include_str!("../../assets/regional.tsv");

/// A pair is kept when the variant's share of the pair's mainland frequency is below this.
pub const MAX_SHARE: f64 = 0.1;

/// Most variants of one word (a word with more is cut, in table order).
pub const MAX_VARIANTS: usize = 4;

/// The other regional spellings of a word folded with [`search_fold_str`] (`软件` → `软体`,
/// `软体` → `软件`); empty for most words.
pub fn variants(folded: &str) -> &'static [&'static str] {
    static MAP: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for (a, b) in pairs(TABLE) {
            for (x, y) in [(a, b), (b, a)] {
                let v = m.entry(x).or_default();
                if v.len() < MAX_VARIANTS && !v.contains(&y) {
                    v.push(y);
                }
            }
        }
        m
    })
    .get(folded)
    .map_or(&[], Vec::as_slice)
}

/// The pairs of a table in the committed format (comment lines start with `#`).
fn pairs(table: &str) -> impl Iterator<Item = (&str, &str)> {
    table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            match (f.next(), f.next()) {
                (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => Some((a, b)),
                _ => None,
            }
        })
}

/// One pair the rule looked at.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub word: String,
    pub variant: String,
    /// The variant's share of the pair's frequency in mainland text.
    pub share: f64,
    pub kept: bool,
}

/// Applies the rule to OpenCC phrase tables (`key<TAB>value value…`, `#` comments) with a
/// mainland frequency for every folded word (0 when unknown). Pairs whose two sides fold to
/// the same text (a difference of characters only, which folding already covers) are left
/// out. Sorted by word, then variant; each unordered pair once.
pub fn judge(tables: &[&str], freq: impl Fn(&str) -> u64) -> Vec<Judged> {
    let mut seen = std::collections::BTreeMap::new();
    for t in tables {
        for line in t.lines().filter(|l| !l.starts_with('#')) {
            let Some((key, values)) = line.split_once('\t') else {
                continue;
            };
            let word = search_fold_str(key.trim());
            for v in values.split(' ').map(str::trim).filter(|v| !v.is_empty()) {
                let variant = search_fold_str(v);
                if variant == word || word.is_empty() || variant.is_empty() {
                    continue;
                }
                let (fw, fv) = (freq(&word) as f64, freq(&variant) as f64);
                let share = if fw + fv == 0.0 { 0.0 } else { fv / (fw + fv) };
                seen.entry((word.clone(), variant.clone()))
                    .or_insert(Judged {
                        word: word.clone(),
                        variant,
                        share,
                        kept: share < MAX_SHARE,
                    });
            }
        }
    }
    seen.into_values().collect()
}

/// The committed table's text for the judged pairs (kept ones only, a header saying how).
pub fn table_text(judged: &[Judged]) -> String {
    let kept = judged.iter().filter(|j| j.kept).count();
    let mut s = format!(
        "# Regional vocabulary (mainland word, Taiwan/Hong Kong variant, variant's share of\n\
         # mainland usage), folded. Built by `cargo run --example regional_table` from\n\
         # assets/opencc/{{TWPhrases,HKPhrases}}.txt (OpenCC, Apache-2.0) and jieba's word\n\
         # frequencies: {kept} of {} pairs kept (share < {MAX_SHARE}).\n",
        judged.len()
    );
    for j in judged.iter().filter(|j| j.kept) {
        s.push_str(&format!("{}\t{}\t{:.3}\n", j.word, j.variant, j.share));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions_and_unknown_words() {
        assert!(variants("软件").contains(&"软体"));
        assert!(variants("软体").contains(&"软件"));
        assert!(variants("内存").contains(&"记忆体"));
        assert!(variants("服务器").contains(&"伺服器"));
        assert!(variants("数据库").contains(&"资料库"));
        assert!(variants("不存在的词").is_empty());
        assert!(variants("").is_empty());
    }

    #[test]
    fn words_with_a_mainland_meaning_of_their_own_are_dropped() {
        // 序列 (sequence) and 互动 are everyday mainland words: no 串行 ↔ 序列, 交互 ↔ 互动.
        assert!(!variants("串行").contains(&"序列"));
        assert!(!variants("序列").contains(&"串行"));
        assert!(!variants("交互").contains(&"互动"));
    }

    #[test]
    fn the_rule() {
        let t = "# c\n軟件\t軟體\n串行\t序列\n數據\t數據 数据\n代碼\t程式碼 代碼\n";
        let f = |w: &str| match w {
            "软件" => 4601,
            "软体" => 30,
            "串行" => 32,
            "序列" => 803,
            _ => 0,
        };
        let j = judge(&[t], f);
        let got: Vec<_> = j
            .iter()
            .map(|j| (j.word.as_str(), j.variant.as_str(), j.kept))
            .collect();
        assert_eq!(
            got,
            [
                ("串行", "序列", false),
                ("代码", "程式码", true),
                ("软件", "软体", true)
            ]
        );
        let text = table_text(&j);
        assert!(text.contains("2 of 3 pairs kept"));
        assert!(text.contains("软件\t软体\t0.006\n"), "{text}");
        assert_eq!(pairs(&text).count(), 2);
    }
}
