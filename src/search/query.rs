//! The query language: free text, `"phrases"`, `-exclusions` and `tag:` `cat:` `author:`
//! `since:` `until:` filters. Parsing never fails: whatever cannot be a filter is text.
//!
//! As typed with a Chinese input method: the filters are also `标签:` `分类:` `作者:` `自:`
//! `至:`, and full-width punctuation works as its ASCII form: `：` for `:`, `“…”` for quotes,
//! `－` for the minus of an exclusion.

use chrono::{NaiveDate, TimeZone};

use crate::index::tokens::{Run, runs};

/// A search term: text that must occur (as a phrase of its tokens).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub text: String,
    /// The last Latin word is typed still: match it as a prefix.
    pub prefix: bool,
    /// Written in quotes: an exact phrase, never split into words.
    pub quoted: bool,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub terms: Vec<Term>,
    pub excluded: Vec<String>,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    pub authors: Vec<String>,
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    /// Unix seconds, exclusive.
    pub until: Option<i64>,
}

impl Query {
    /// True when the query has searchable text (not just filters).
    pub fn has_text(&self) -> bool {
        self.terms.iter().any(|t| !runs(&t.text).is_empty())
    }
}

/// Splits the input into words, keeping `"quoted parts"` (and `key:"quoted"`, `-"quoted"`)
/// together. A quote inside a word ends the word there (`a"b` is `a`, then `"b`). An unbalanced
/// quote runs to the end of the input.
fn words(input: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut in_quote = false;
    for c in input.chars() {
        match c {
            '"' | '“' | '”' => {
                let prefix = !in_quote && (cur.ends_with([':', FULL_COLON]) || is_minus(&cur));
                if !cur.is_empty() && !prefix {
                    out.push((std::mem::take(&mut cur), quoted));
                }
                in_quote = !in_quote;
                quoted = in_quote;
            }
            c if c.is_whitespace() && !in_quote => {
                if !cur.is_empty() {
                    out.push((std::mem::take(&mut cur), quoted));
                }
                quoted = false;
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push((cur, quoted));
    }
    out
}

/// The full-width colon a Chinese input method types (`标签：Redis`).
const FULL_COLON: char = '：';

fn is_minus(s: &str) -> bool {
    s == "-" || s == "－"
}

/// The filter a key names, in English or Chinese (`tag`, `标签`…), case-insensitive.
fn filter_key(key: &str) -> Option<&'static str> {
    Some(match key.to_ascii_lowercase().as_str() {
        "tag" | "标签" => "tag",
        "cat" | "category" | "分类" => "cat",
        "author" | "作者" => "author",
        "since" | "自" => "since",
        "until" | "至" => "until",
        _ => return None,
    })
}

/// A query is read up to this many characters; the rest is ignored (README: search). Planning
/// is then bounded whatever is pasted: at most [`MAX_TERMS`] terms of at most this much text.
pub const MAX_QUERY_CHARS: usize = 256;
/// Text terms beyond this many are ignored (filters and exclusions are bounded by the length).
pub const MAX_TERMS: usize = 16;

/// Parses a query; `typing` marks input still being typed (its last Latin word is a prefix).
/// Linear in the input's length, and only its first [`MAX_QUERY_CHARS`] characters count.
pub fn parse(input: &str, typing: bool) -> Query {
    let input: String = input
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut q = Query::default();
    for (word, quoted) in words(&input) {
        if let Some(rest) = word
            .strip_prefix(['-', '－'])
            .filter(|r| !runs(r).is_empty())
        {
            q.excluded.push(rest.to_owned());
            continue;
        }
        if let Some((key, value)) = word
            .split_once([':', FULL_COLON])
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .and_then(|(k, v)| Some((filter_key(k)?, v)))
        {
            let handled = match key {
                "tag" => {
                    q.tags.push(value.to_owned());
                    true
                }
                "cat" | "category" => {
                    q.categories.push(value.to_owned());
                    true
                }
                "author" => {
                    q.authors.push(value.to_owned());
                    true
                }
                "since" => parse_bound(value, false)
                    .map(|t| q.since = Some(t))
                    .is_some(),
                "until" => parse_bound(value, true)
                    .map(|t| q.until = Some(t))
                    .is_some(),
                _ => false,
            };
            if handled {
                continue;
            }
        }
        if q.terms.len() >= MAX_TERMS {
            continue;
        }
        q.terms.push(Term {
            text: word,
            prefix: false,
            quoted,
        });
    }
    // A finished Latin word of three letters or more also matches identifiers it begins
    // (Netty → NettyServer); a word still being typed does from two letters.
    let last = q.terms.len().saturating_sub(1);
    for (i, t) in q.terms.iter_mut().enumerate() {
        if t.quoted {
            continue;
        }
        let open = typing && i == last && !input.ends_with(char::is_whitespace);
        if let Some(Run::Word(w)) = runs(&t.text).last() {
            let n = w.chars().count();
            t.prefix = n >= 3 || (open && n >= 2);
        }
    }

    q
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as a bound in +08:00: `since` is the start of the period,
/// `until` the end of it (exclusive).
fn parse_bound(s: &str, end: bool) -> Option<i64> {
    let parts: Vec<&str> = s.split(['-', '/']).collect();
    let num = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
    let y = num(0)? as i32;
    let (start, next) = match parts.len() {
        1 => (
            NaiveDate::from_ymd_opt(y, 1, 1)?,
            NaiveDate::from_ymd_opt(y + 1, 1, 1)?,
        ),
        2 => {
            let m = num(1)?;
            let start = NaiveDate::from_ymd_opt(y, m, 1)?;
            (start, start.checked_add_months(chrono::Months::new(1))?)
        }
        3 => {
            let d = NaiveDate::from_ymd_opt(y, num(1)?, num(2)?)?;
            (d, d.succ_opt()?)
        }
        _ => return None,
    };
    let day = if end { next } else { start };
    let tz = crate::text::date::china_offset();
    Some(
        tz.from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
            .single()?
            .timestamp(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(q: &Query) -> Vec<&str> {
        q.terms.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn filters_phrases_and_exclusions() {
        let q = parse(
            r#"Flink 状态 tag:Redis cat:数据库 author:月影清风 "exact phrase" -备份 since:2024-01 until:2024-06-30"#,
            false,
        );
        assert_eq!(texts(&q), ["Flink", "状态", "exact phrase"]);
        assert_eq!(q.tags, ["Redis"]);
        assert_eq!(q.categories, ["数据库"]);
        assert_eq!(q.authors, ["月影清风"]);
        assert_eq!(q.excluded, ["备份"]);
        assert_eq!(q.since, Some(1704038400));
        assert_eq!(q.until, Some(1719763200));
    }

    #[test]
    fn chinese_operators_and_full_width_punctuation() {
        let q = parse(
            "Flink 标签：Redis 分类:数据库 作者：月影清风 “故障恢复” －备份 自：2024-01 至:2024-06-30",
            false,
        );
        let english = parse(
            r#"Flink tag:Redis cat:数据库 author:月影清风 "故障恢复" -备份 since:2024-01 until:2024-06-30"#,
            false,
        );
        assert_eq!(q, english);
        assert_eq!(texts(&q), ["Flink", "故障恢复"]);
        assert!(q.terms[1].quoted);
        assert_eq!(q.tags, ["Redis"]);
        assert_eq!(q.excluded, ["备份"]);
        assert_eq!(q.since, Some(1704038400));
        // Quoted values and exclusions, in full-width forms too.
        let q = parse("标签：“Go Gin” －“全量 备份” 路由", false);
        assert_eq!(q.tags, ["Go Gin"]);
        assert_eq!(q.excluded, ["全量 备份"]);
        assert_eq!(texts(&q), ["路由"]);
        // Not a filter: an unknown key, a bad date, a colon or minus alone stay text.
        let q = parse("注意：事项 自：从前 － 标签：", false);
        assert_eq!(texts(&q), ["注意：事项", "自：从前", "－", "标签："]);
        assert!(q.tags.is_empty() && q.since.is_none() && q.excluded.is_empty());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_text() {
        let q = parse("x:y since:never e-mail c++ -", false);
        assert_eq!(texts(&q), ["x:y", "since:never", "e-mail", "c++", "-"]);
    }

    #[test]
    fn quoted_filter_values() {
        let q = parse(r#"tag:"Go Gin" 路由"#, false);
        assert_eq!(q.tags, ["Go Gin"]);
        assert_eq!(texts(&q), ["路由"]);
        assert_eq!(parse(r#"-"foo bar" x"#, false).excluded, ["foo bar"]);
    }

    #[test]
    fn a_quote_inside_a_word_ends_it() {
        let q = parse(r#"a"b"#, false);
        assert_eq!(texts(&q), ["a", "b"]);
        assert_eq!((q.terms[0].quoted, q.terms[1].quoted), (false, true));
        let q = parse(r#""a"b c"#, false);
        assert_eq!(texts(&q), ["a", "b", "c"]);
        assert_eq!((q.terms[0].quoted, q.terms[1].quoted), (true, false));
        assert_eq!(texts(&parse(r#""""#, false)), [""; 0]);
    }

    #[test]
    fn last_latin_word_is_a_prefix_while_typing() {
        assert!(parse("Do", true).terms[0].prefix);
        assert!(!parse("Do ", true).terms[0].prefix);
        assert!(!parse("Do", false).terms[0].prefix);
        assert!(parse("Dor", false).terms[0].prefix);
        assert!(!parse("D", true).terms[0].prefix);
        assert!(!parse("数据", true).terms[0].prefix);
        assert!(!parse("\"Dor\"", true).terms[0].prefix);
    }

    #[test]
    fn hostile_input_parses() {
        for s in [
            "\"abc", "a\"b", "(", "NEAR(", "^", "*", ":", "：", "－", "“", " ", "\0", "\u{1b}",
            "a\nb",
        ] {
            let q = parse(s, true);
            // Every character that is not syntax stays text: nothing is lost or becomes SQL.
            let kept: String = q.terms.iter().map(|t| t.text.as_str()).collect();
            assert!(q.excluded.is_empty() && q.tags.is_empty(), "{s:?}: {q:?}");
            for c in s
                .chars()
                .filter(|c| !c.is_control() && !c.is_whitespace() && !"\"“”".contains(*c))
            {
                assert!(kept.contains(c), "{s:?} lost {c:?}: {q:?}");
            }
        }
    }

    #[test]
    fn long_queries_are_bounded() {
        // 10,000 characters of 数据 (the attack of issue 11.5): one term of the first 256.
        let q = parse(&"数据".repeat(5000), false);
        assert_eq!(q.terms.len(), 1);
        assert_eq!(q.terms[0].text.chars().count(), MAX_QUERY_CHARS);
        // 5,000 words: at most MAX_TERMS terms, from the first MAX_QUERY_CHARS characters.
        let q = parse(&"数据 ".repeat(5000), false);
        assert_eq!(q.terms.len(), MAX_TERMS);
        let q = parse(&"-备份 tag:x ".repeat(2000), false);
        let words = q.excluded.len() + q.tags.len();
        assert!(words <= MAX_QUERY_CHARS / 4, "{words}");
        let q = parse(&"－备份 标签：x ".repeat(2000), false);
        let words = q.excluded.len() + q.tags.len();
        assert!(words <= MAX_QUERY_CHARS / 4, "{words}");
    }
}
