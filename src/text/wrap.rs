//! Line wrapping by display width and grapheme, with the Chinese line-breaking rules.
//!
//! A break may fall after a space, or between two graphemes when either is wide (CJK, emoji),
//! but never before closing punctuation (，。）」 …) nor after opening punctuation (（「 …).
//! Latin words and URLs stay whole unless longer than the line.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::width::grapheme_width;

struct Unit {
    start: usize,
    width: usize,
    space: bool,
    wide: bool,
    open: bool,
    close: bool,
}

impl Unit {
    fn new(start: usize, g: &str) -> Self {
        let c = g.chars().next().unwrap_or(' ');
        let width = grapheme_width(g);
        Unit {
            start,
            width,
            space: g.chars().all(char::is_whitespace),
            wide: width >= 2 || crate::text::is_cjk(c),
            open: is_opening(c),
            close: is_closing(c),
        }
    }
}

/// Closing punctuation that must not begin a line.
pub fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '」'
            | '』'
            | '》'
            | '】'
            | '〕'
            | '〉'
            | '〗'
            | '〙'
            | '〛'
            | '”'
            | '’'
            | '…'
            | '⋯'
            | '·'
            | '・'
            | '％'
            | '～'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
            | '}'
            | '%'
    )
}

/// Opening punctuation that must not end a line.
pub fn is_opening(c: char) -> bool {
    matches!(
        c,
        '（' | '「'
            | '『'
            | '《'
            | '【'
            | '〔'
            | '〈'
            | '〖'
            | '〘'
            | '〚'
            | '“'
            | '‘'
            | '('
            | '['
            | '{'
    )
}

fn can_break_between(prev: &Unit, cur: &Unit) -> bool {
    if cur.space || cur.close || prev.open {
        return false;
    }
    prev.space || prev.wide || cur.wide
}

/// Wraps one line (no `\n`) to `width` columns; returns the byte range of each output line.
///
/// Spaces at a break are dropped. A grapheme wider than `width` gets a line of its own.
pub fn wrap_line(s: &str, width: usize) -> Vec<Range<usize>> {
    let units: Vec<Unit> = s
        .grapheme_indices(true)
        .map(|(i, g)| Unit::new(i, g))
        .collect();
    let end_of = |j: usize| units.get(j).map_or(s.len(), |u| u.start);
    let mut lines = Vec::new();
    let mut start = 0usize;
    let mut used = 0usize;
    let mut last_break: Option<usize> = None;
    let mut j = 0usize;
    while j < units.len() {
        if j > start && can_break_between(&units[j - 1], &units[j]) {
            last_break = Some(j);
        }
        if used + units[j].width > width && j > start {
            let cut = if units[j].space {
                j
            } else if let Some(b) = last_break.filter(|&b| b > start) {
                b
            } else {
                // A word longer than the line is cut where it overflows; never just before
                // closing punctuation (a long URL followed by `)，`): borrow characters from
                // the end of this line so the punctuation does not begin the next.
                let mut c = j;
                while c > start + 1 && units[c].close {
                    c -= 1;
                }
                c
            };
            lines.push(end_of(start)..end_of(cut));
            start = cut;
            while start < units.len() && units[start].space {
                start += 1;
            }
            used = units[start..j.max(start)].iter().map(|u| u.width).sum();
            last_break = None;
            if j < start {
                j = start;
            }
            continue;
        }
        used += units[j].width;
        j += 1;
    }
    if start < units.len() || lines.is_empty() {
        lines.push(end_of(start)..s.len());
    }
    lines
}

/// Wraps multi-line text; each `\n` starts a new line. Returns owned lines (for tests and CLI).
pub fn wrap_text(s: &str, width: usize) -> Vec<String> {
    s.split('\n')
        .flat_map(|line| {
            wrap_line(line, width)
                .into_iter()
                .map(move |r| line[r].to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::str_width;
    use proptest::prelude::*;

    fn lines(s: &str, w: usize) -> Vec<&str> {
        wrap_line(s, w).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn chinese_breaks_between_any_two_characters() {
        assert_eq!(
            lines("在分布式系统中复制", 6),
            ["在分布", "式系统", "中复制"]
        );
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // 。 would land at the start of line 2: the character before it moves down too.
        assert_eq!(lines("数据备份。完成", 8), ["数据备", "份。完成"]);
        assert_eq!(lines("一二三，四五", 6), ["一二", "三，四", "五"]);
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        assert_eq!(lines("一二（三四）", 6), ["一二", "（三", "四）"]);
    }

    #[test]
    fn latin_words_stay_whole() {
        assert_eq!(lines("使用Kafka消息", 8), ["使用", "Kafka消", "息"]);
        assert_eq!(lines("hello world foo", 11), ["hello world", "foo"]);
    }

    #[test]
    fn a_long_url_never_leaves_closing_punctuation_at_a_line_start() {
        let s = "见(https://example.com/a/b/c/d)，然后";
        for w in 8..40 {
            for (i, l) in lines(s, w).into_iter().enumerate() {
                let first = l.chars().next().unwrap_or(' ');
                assert!(i == 0 || !is_closing(first), "width {w}: {l:?}");
            }
        }
    }

    #[test]
    fn long_words_are_split() {
        assert_eq!(lines("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn wide_char_never_lands_on_last_column() {
        assert_eq!(lines("abc数据", 4), ["abc", "数据"]);
    }

    #[test]
    fn empty_line_gives_one_empty_line() {
        assert_eq!(lines("", 10), [""]);
    }

    proptest! {
        #[test]
        fn no_line_is_wider_than_the_width(s in "\\PC{0,200}", w in 2usize..60) {
            for line in lines(&s, w) {
                let single = unicode_segmentation::UnicodeSegmentation::graphemes(line, true).count() == 1;
                prop_assert!(single || str_width(line) <= w, "{:?} wider than {}", line, w);
            }
        }

        #[test]
        fn no_text_is_lost(s in "[a-z 数据备份，。（）]{0,120}", w in 2usize..30) {
            let joined: String = lines(&s, w).concat();
            let strip = |t: &str| t.chars().filter(|c| *c != ' ').collect::<String>();
            prop_assert_eq!(strip(&joined), strip(&s));
        }
    }
}
