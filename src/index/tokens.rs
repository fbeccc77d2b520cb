//! The tokeniser behind the index: Han runs as overlapping bigrams plus the final character
//! (so every character starts exactly one token), Latin/digit runs as folded words.
//!
//! The tokens are written space-separated into a contentless FTS5 table whose own tokenizer is
//! `ascii`, which keeps every token we emit intact (non-ASCII is always a token character).

use crate::text::{is_cjk, search_fold_char};

/// One run of the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// Latin letters and digits (and other alphabetic scripts), folded.
    Word(String),
    /// CJK characters, folded.
    Cjk(Vec<char>),
}

/// Splits text into folded runs; everything that is neither a word character nor CJK separates.
/// NFC first, so a query typed or pasted in NFD (`cafe` + U+0301) meets the stored NFC text.
pub fn runs(s: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut cjk: Vec<char> = Vec::new();
    let flush = |out: &mut Vec<Run>, word: &mut String, cjk: &mut Vec<char>| {
        if !word.is_empty() {
            out.push(Run::Word(std::mem::take(word)));
        }
        if !cjk.is_empty() {
            out.push(Run::Cjk(std::mem::take(cjk)));
        }
    };
    for c in crate::text::fold::nfc(s)
        .chars()
        .filter_map(search_fold_char)
    {
        if is_cjk(c) {
            if !word.is_empty() {
                flush(&mut out, &mut word, &mut cjk);
            }
            cjk.push(c);
        } else if c.is_alphanumeric() {
            if !cjk.is_empty() {
                flush(&mut out, &mut word, &mut cjk);
            }
            word.push(c);
        } else {
            flush(&mut out, &mut word, &mut cjk);
        }
    }
    flush(&mut out, &mut word, &mut cjk);
    out
}

/// The tokens of `s` as an index column receives them, space-separated.
pub fn index_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for run in runs(s) {
        match run {
            Run::Word(w) => {
                out.push_str(&w);
                out.push(' ');
            }
            Run::Cjk(chars) => {
                for w in chars.windows(2) {
                    out.push(w[0]);
                    out.push(w[1]);
                    out.push(' ');
                }
                if let Some(&last) = chars.last() {
                    out.push(last);
                    out.push(' ');
                }
            }
        }
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_runs_become_bigrams_plus_last() {
        assert_eq!(index_text("学习中文"), "学习 习中 中文 文");
        assert_eq!(index_text("库"), "库");
    }

    #[test]
    fn latin_is_folded_and_split_from_han() {
        assert_eq!(index_text("DorisDB数据同步"), "dorisdb 数据 据同 同步 步");
        assert_eq!(index_text("Ｋａｆｋａ，消息"), "kafka 消息 息");
        assert_eq!(index_text("c++ e-mail don't"), "c e mail don t");
    }

    #[test]
    fn nfd_and_nfc_give_the_same_tokens() {
        assert_eq!(
            index_text("Cafe\u{301} re\u{301}sume\u{301}"),
            "café résumé"
        );
        assert_eq!(index_text("\u{1112}\u{1161}\u{11ab}"), index_text("한"));
    }

    #[test]
    fn punctuation_separates() {
        assert_eq!(index_text("故障。恢复"), "故障 障 恢复 复");
        assert_eq!(index_text(""), "");
    }
}
