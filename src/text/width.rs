//! Display width by grapheme, as ratatui measures it.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display width of a string in terminal columns.
pub fn str_width(s: &str) -> usize {
    s.graphemes(true).map(grapheme_width).sum()
}

/// Width of one grapheme cluster.
pub fn grapheme_width(g: &str) -> usize {
    UnicodeWidthStr::width(g)
}

/// The longest prefix of `s` that fits in `max` columns, cut on a grapheme boundary.
pub fn truncate_to_width(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, g) in s.grapheme_indices(true) {
        let w = grapheme_width(g);
        if used + w > max {
            return &s[..i];
        }
        used += w;
    }
    s
}

/// Fits `s` into `max` columns, ending with `⋯` when it had to be cut.
pub fn ellipsize(s: &str, max: usize) -> String {
    if str_width(s) <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = truncate_to_width(s, max - 1).to_owned();
    out.push('⋯');
    out
}

/// The shortest suffix start so that `s[start..]` fits in `max` columns.
pub fn suffix_start_for_width(s: &str, max: usize) -> usize {
    let mut used = 0;
    for (i, g) in s.grapheme_indices(true).rev() {
        let w = grapheme_width(g);
        if used + w > max {
            return i + g.len();
        }
        used += w;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_of_mixed_text() {
        assert_eq!(str_width("故障恢复"), 8);
        assert_eq!(str_width("Kafka 消息"), 10);
        assert_eq!(str_width("👩\u{200d}💻"), 2);
    }

    #[test]
    fn truncation_never_splits_a_wide_char() {
        assert_eq!(truncate_to_width("数据备份", 5), "数据");
        assert_eq!(truncate_to_width("ab数据", 3), "ab");
        assert_eq!(ellipsize("数据备份", 5), "数据⋯");
        assert_eq!(ellipsize("abc", 3), "abc");
    }

    #[test]
    fn suffix_fits() {
        let s = "一二三四";
        assert_eq!(&s[suffix_start_for_width(s, 5)..], "三四");
    }
}
