//! Finding query matches in display text (folded, so ＫＡＦＫＡ matches kafka) and cutting
//! excerpts around the best match.

use std::ops::Range;

use crate::text::plain::{strip_markup, strip_markup_inline};
use crate::text::search_fold_char;
use crate::text::width::{ellipsize, suffix_start_for_width};

/// A folded needle to look for.
pub type Needle = Vec<char>;

/// Byte ranges of every occurrence of any needle in `text`, sorted and merged.
pub fn find_matches(text: &str, needles: &[Needle]) -> Vec<Range<usize>> {
    let folded: Vec<(usize, char, usize)> = text
        .char_indices()
        .filter_map(|(i, c)| search_fold_char(c).map(|f| (i, f, c.len_utf8())))
        .collect();
    let mut out: Vec<Range<usize>> = Vec::new();
    for start in 0..folded.len() {
        let mut best = 0;
        for n in needles.iter().filter(|n| !n.is_empty()) {
            if n.len() > best
                && folded.len() - start >= n.len()
                && folded[start..start + n.len()]
                    .iter()
                    .map(|p| p.1)
                    .eq(n.iter().copied())
            {
                best = n.len();
            }
        }
        if best > 0 {
            let s = folded[start].0;
            let (li, _, len) = folded[start + best - 1];
            push_merged(&mut out, s..li + len);
        }
    }
    out
}

/// Byte offset of the first occurrence of any needle in `text`: folds only as far as it reads.
pub fn first_match(text: &str, needles: &[Needle]) -> Option<usize> {
    let longest = needles.iter().map(Vec::len).max().filter(|&n| n > 0)?;
    let mut chars = text
        .char_indices()
        .filter_map(|(i, c)| search_fold_char(c).map(|f| (i, f)));
    let mut window: std::collections::VecDeque<(usize, char)> =
        std::collections::VecDeque::with_capacity(longest);
    loop {
        while window.len() < longest {
            match chars.next() {
                Some(x) => window.push_back(x),
                None => break,
            }
        }
        let &(at, _) = window.front()?;
        let found = needles.iter().any(|n| {
            !n.is_empty()
                && n.len() <= window.len()
                && window
                    .iter()
                    .take(n.len())
                    .map(|p| p.1)
                    .eq(n.iter().copied())
        });
        if found {
            return Some(at);
        }
        window.pop_front();
    }
}

fn push_merged(out: &mut Vec<Range<usize>>, r: Range<usize>) {
    if let Some(last) = out.last_mut()
        && r.start <= last.end
    {
        last.end = last.end.max(r.end);
        return;
    }
    out.push(r);
}

/// Where excerpts look for a match: the start of the body (a huge body is not scanned whole).
const EXCERPT_SCAN: usize = 64 * 1024;

/// A one-line excerpt of `body` at most `width` columns wide around the first match, with `⋯`
/// where it was cut, and the byte ranges of matches inside it.
pub fn excerpt(body: &str, needles: &[Needle], width: usize) -> (String, Vec<Range<usize>>) {
    let scan = &body[..floor_boundary(body, EXCERPT_SCAN)];
    let first = first_match(scan, needles);
    let (text, cut_front) = match first {
        None => (
            strip_markup(&body[..floor_boundary(body, 4 * width + 64)]),
            false,
        ),
        Some(m) => {
            let line_start = scan[..m].rfind('\n').map_or(0, |i| i + 1);
            let from = if m - line_start > 400 {
                floor_boundary(scan, m - 300)
            } else {
                line_start
            };
            let to = floor_boundary(body, m + 8 * width + 64);
            let before = if from == line_start {
                strip_markup(&body[from..m])
            } else {
                strip_markup_inline(&body[from..m])
            };
            let after = if m == line_start {
                strip_markup(&body[m..to])
            } else {
                strip_markup_inline(&body[m..to])
            };
            let lead = width / 4;
            let cut = suffix_start_for_width(&before, lead);
            let sep = if before.is_empty() || after.is_empty() {
                ""
            } else {
                " "
            };
            let joined_before = &before[cut..];
            let space_before = sep == " " && needs_space(&body[from..m]);
            let mut t = joined_before.to_owned();
            if space_before {
                t.push(' ');
            }
            t.push_str(&after);
            (t, cut > 0 || from > 0)
        }
    };
    let mut out = String::new();
    let mut room = width;
    if cut_front && width > 1 {
        out.push('⋯');
        room -= 1;
    }
    out.push_str(&ellipsize(&text, room));
    let matches = find_matches(&out, needles);
    (out, matches)
}

fn needs_space(raw_before: &str) -> bool {
    raw_before.ends_with(char::is_whitespace)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Needle {
        crate::text::search_fold_str(s).chars().collect()
    }

    #[test]
    fn matches_are_folded_and_merged() {
        let t = "用ＫＡＦＫＡ和Kafka做故障恢复";
        let m = find_matches(t, &[n("kafka"), n("故障"), n("障恢")]);
        let got: Vec<&str> = m.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(got, ["ＫＡＦＫＡ", "Kafka", "故障恢"]);
    }

    #[test]
    fn first_match_is_the_earliest_start() {
        let t = "前言ＫＡＦＫＡ和故障恢复";
        assert_eq!(first_match(t, &[n("故障"), n("kafka")]), t.find('Ｋ'));
        assert_eq!(first_match(t, &[n("障恢")]), t.find('障'));
        assert_eq!(first_match(t, &[n("恢复x")]), None);
        assert_eq!(first_match(t, &[]), None);
        assert_eq!(first_match("", &[n("a")]), None);
    }

    #[test]
    fn excerpt_cuts_around_the_match() {
        let body = format!(
            "{}Apache 软件基金会开发。后面还有很多很多内容{}",
            "前文".repeat(50),
            "尾".repeat(100)
        );
        let (e, m) = excerpt(&body, &[n("基金会")], 30);
        assert!(e.starts_with('⋯') && e.ends_with('⋯'), "{e}");
        assert!(crate::text::str_width(&e) <= 30);
        assert_eq!(&e[m[0].clone()], "基金会");
    }

    #[test]
    fn excerpt_strips_markup_and_falls_back_to_the_start() {
        let (e, m) = excerpt("## 标题\n**粗体**正文", &[n("不存在")], 40);
        assert_eq!((e.as_str(), m.len()), ("标题 粗体正文", 0));
    }
}
