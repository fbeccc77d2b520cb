//! How data is shown, for the command line and the reader alike: meta lines, tag labels,
//! counts, dates, sort names and excerpts fitted to a width. Pure: no terminal, no database;
//! every string that came from an article is sanitised here.

use std::ops::Range;

use crate::search::{BROAD, COUNT_CAP, Results, Sort};
use crate::store::ArticleMeta;
use crate::text::width::{ellipsize, suffix_start_for_width};
use crate::text::{sanitize_line, str_width};

/// The mark before a bookmarked article's title (U+2726: neutral width, one column in every
/// terminal, where ★ is East-Asian ambiguous and takes two in many Chinese setups).
pub const BOOKMARK_MARK: &str = "✦";

/// The import progress bar (indicatif's template language).
pub const IMPORT_PROGRESS: &str = "{spinner} 导入 {bytes}/{total_bytes} [{bar:30}] {eta}";

/// The bar of a schema migration that builds the search index again (articles done/all).
pub const REINDEX_PROGRESS: &str = "{spinner} 重建搜索索引 {pos}/{len} 篇 [{bar:30}] {eta}";

/// `1,284`: a count with thousands separators.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1,234" or "10,000+": how many articles results answer, capped as search counts them.
pub fn total(res: &Results) -> String {
    if res.total >= COUNT_CAP {
        format!("{}+", count(BROAD))
    } else {
        count(res.total)
    }
}

/// `2024-07-28`: the day of a stored timestamp.
pub fn date(stamp: &str) -> String {
    sanitize_line(&stamp.chars().take(10).collect::<String>())
}

/// `2024-07-28 ⋅ 431 阅读 ⋅ 山涧溪流`, sanitised: the line under a title everywhere.
pub fn meta_line(m: &ArticleMeta) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &m.published {
        parts.push(date(p));
    }
    parts.push(format!("{} 阅读", m.views));
    if let Some(a) = &m.author {
        parts.push(sanitize_line(a));
    }
    parts.join(" ⋅ ")
}

/// `[Redis]`: one tag as a sanitised chip label.
pub fn tag_label(tag: &str) -> String {
    format!("[{}]", sanitize_line(tag))
}

/// `[Redis][转载文章][~Java]`: an article's tags as the command line prints them, inferred
/// ones marked with `~`.
pub fn tag_labels(m: &ArticleMeta) -> String {
    m.tags
        .iter()
        .map(|t| {
            if m.inferred.contains(t) {
                tag_label(&format!("~{t}"))
            } else {
                tag_label(t)
            }
        })
        .collect()
}

/// Why a URL is not handed to the clipboard or the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRefusal {
    /// A whitespace, control, bidi or zero-width character inside it: pasted into a shell,
    /// a newline would run what follows it.
    Unsafe,
    /// Not an `http://` or `https://` URL with a host.
    NotWeb,
}

/// The URL an article links to, fit for the clipboard (OSC 52) and the browser: it must parse
/// as http(s) with a host and hold no whitespace or control character (nor bidi or
/// zero-width ones). The answer is the parsed URL written out, so anything outside ASCII is
/// percent-encoded (or punycode in the host) and the text is plain ASCII without spaces.
pub fn web_url(raw: &str) -> Result<String, UrlRefusal> {
    use crate::text::sanitize::{is_bidi, is_zero_width};
    if raw.is_empty()
        || raw
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_bidi(c) || is_zero_width(c))
    {
        return Err(if raw.is_empty() {
            UrlRefusal::NotWeb
        } else {
            UrlRefusal::Unsafe
        });
    }
    let url = url::Url::parse(raw).map_err(|_| UrlRefusal::NotWeb)?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(UrlRefusal::NotWeb);
    }
    let out = url.as_str();
    if !out.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(UrlRefusal::Unsafe);
    }
    Ok(out.to_owned())
}

/// One tag as its chip label, `~` before an inferred tag (as [`tag_labels`] marks it).
pub fn tag_chip(m: &ArticleMeta, tag: &str) -> String {
    if m.inferred.iter().any(|t| t == tag) {
        tag_label(&format!("~{tag}"))
    } else {
        tag_label(tag)
    }
}

/// The tag chips that fit in `width` columns, in order, each with its tag, and `+N` for the
/// ones left out (its width reserved whenever some are left out). A chip is never cut.
pub fn fit_tags(m: &ArticleMeta, width: usize) -> (Vec<(String, String)>, Option<String>) {
    let n = m.tags.len();
    let mut shown = Vec::new();
    let mut used = 0;
    for (i, t) in m.tags.iter().enumerate() {
        let label = tag_chip(m, t);
        let left = n - i - 1;
        let more_w = if left > 0 {
            str_width(&format!("+{left}"))
        } else {
            0
        };
        if used + str_width(&label) + more_w > width {
            break;
        }
        used += str_width(&label);
        shown.push((label, t.clone()));
    }
    let left = n - shown.len();
    let more = format!("+{left}");
    let more = (left > 0 && used + str_width(&more) <= width).then_some(more);
    (shown, more)
}

/// The sort order's name.
pub fn sort_label(s: Sort) -> &'static str {
    match s {
        Sort::Relevance => "相关度",
        Sort::Newest => "最新",
        Sort::MostViewed => "最多阅读",
        Sort::Oldest => "最早",
    }
}

/// A line of `width` columns: `left`, cut first, and `right`, which is never cut unless it
/// alone is wider than the line (ids, counts).
pub fn keep_right(left: &str, right: &str, width: usize) -> String {
    let rw = str_width(right);
    if rw >= width {
        return ellipsize(right, width);
    }
    format!("{}{right}", ellipsize(left, width - rw))
}

/// An excerpt window (as search returns it, wider than any pane) cut to `width` columns the
/// way search cuts excerpts: a quarter of the width before the first match, `⋯` where text
/// was cut. Returns the text and the matches inside it.
pub fn fit_excerpt(
    text: &str,
    matches: &[Range<usize>],
    width: usize,
) -> (String, Vec<Range<usize>>) {
    let first = matches.first().map_or(0, |m| m.start).min(text.len());
    let (lead, body_from) = if text.starts_with('⋯') {
        ("⋯", '⋯'.len_utf8())
    } else {
        ("", 0)
    };
    let before = &text[body_from..first.max(body_from)];
    let cut = body_from + suffix_start_for_width(before, width / 4);
    let front = if cut > body_from || (!lead.is_empty() && width > 1) {
        "⋯"
    } else {
        ""
    };
    let room = width.saturating_sub(str_width(front));
    let rest = ellipsize(&text[cut..], room);
    let out = format!("{front}{rest}");
    let shift = front.len() as isize - cut as isize;
    let kept = rest.trim_end_matches('⋯').len().min(rest.len());
    let ranges = matches
        .iter()
        .filter(|m| m.start >= cut && m.end <= cut + kept)
        .map(|m| {
            let s = (m.start as isize + shift) as usize;
            s..s + m.len()
        })
        .collect();
    (out, ranges)
}

/// The article as Markdown with its front matter, as `Y` copies it; sanitised like everything
/// shown, so no escape sequence travels to wherever it is pasted.
pub fn article_markdown(a: &crate::store::Article) -> String {
    let q = |s: &str| serde_json::to_string(&crate::text::sanitize_line(s)).unwrap_or_default();
    let mut fm = vec![
        format!("id: {}", q(&a.meta.ext_id)),
        format!("title: {}", q(&a.meta.title)),
    ];
    if let Some(p) = &a.meta.published {
        fm.push(format!("date: {}", q(p)));
    }
    if let Some(au) = &a.meta.author {
        fm.push(format!("author: {}", q(au)));
    }
    fm.push(format!("category: {}", q(&a.meta.category)));
    let tags: Vec<String> = a.meta.tags.iter().map(|t| q(t)).collect();
    fm.push(format!("tags: [{}]", tags.join(", ")));
    fm.push(format!("views: {}", a.meta.views));
    if let Some(u) = &a.url {
        fm.push(format!("url: {}", q(u)));
    }
    format!(
        "---\n{}\n---\n\n{}",
        fm.join("\n"),
        crate::text::sanitize(&a.body)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ArticleId;

    fn meta() -> ArticleMeta {
        ArticleMeta {
            id: ArticleId(1),
            ext_id: "s-001".into(),
            title: "标题".into(),
            author: Some("山涧\u{202e}溪流".into()),
            category: "数据库".into(),
            tags: vec!["Redis".into(), "转载\u{1b}[31m文章".into()],
            published: Some("2024-07-28T10:00:00+08:00".into()),
            views: 431,
            read_count: 0,
            bookmarked: false,
            inferred: Vec::new(),
        }
    }

    #[test]
    fn counts_group_and_cap() {
        assert_eq!(count(1284), "1,284");
        assert_eq!(count(12), "12");
        assert_eq!(count(1_000_000), "1,000,000");
        let r = Results {
            total: COUNT_CAP,
            ..Default::default()
        };
        assert_eq!(total(&r), "10,000+");
    }

    #[test]
    fn meta_line_and_tags_are_sanitised() {
        let m = meta();
        assert_eq!(meta_line(&m), "2024-07-28 ⋅ 431 阅读 ⋅ 山涧溪流");
        assert_eq!(tag_labels(&m), "[Redis][转载文章]");
    }

    #[test]
    fn only_plain_web_urls_pass() {
        assert_eq!(
            web_url("https://example.com/a?b=1#c").as_deref(),
            Ok("https://example.com/a?b=1#c")
        );
        assert_eq!(
            web_url("http://例子.cn/路径 ").unwrap_err(),
            UrlRefusal::Unsafe
        );
        // Chinese paths and hosts are percent-encoded / punycode: plain ASCII, no spaces.
        let u = web_url("https://例子.cn/数据库").unwrap();
        assert_eq!(u, "https://xn--fsqu00a.cn/%E6%95%B0%E6%8D%AE%E5%BA%93");
        for evil in [
            "https://example.com/a\nrm -rf ~/important #\u{1b}]0;PWN\u{7}",
            "https://example.com/a\rb",
            "https://example.com/\tb",
            "https://example.com/a b",
            "https://example.com/\u{202e}txt.exe",
            "https://example.com/\u{200b}",
            "https://example.com/\u{9b}2J",
            "https://example.com/\u{1b}[2J",
            "https://exa\u{3000}mple.com/",
        ] {
            assert_eq!(web_url(evil), Err(UrlRefusal::Unsafe), "{evil:?}");
        }
        for other in [
            "",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "/archives/2024/x.html",
            "ftp://example.com/x",
            "https://",
            "mailto:a@b.c",
        ] {
            assert_eq!(web_url(other), Err(UrlRefusal::NotWeb), "{other:?}");
        }
    }

    #[test]
    fn tags_fit_whole_with_a_count_of_the_rest() {
        let mut m = meta();
        m.tags = (1..=8).map(|i| format!("标签{i}")).collect();
        m.inferred = vec!["标签1".into()];
        let (shown, more) = fit_tags(&m, 22);
        let labels: Vec<&str> = shown.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(labels, ["[~标签1]", "[标签2]"]);
        assert_eq!(more.as_deref(), Some("+6"));
        let (shown, more) = fit_tags(&m, 200);
        assert_eq!((shown.len(), more), (8, None));
        let (shown, more) = fit_tags(&m, 3);
        assert_eq!((shown.len(), more.as_deref()), (0, Some("+8")));
        let (shown, more) = fit_tags(&m, 1);
        assert_eq!((shown.len(), more), (0, None));
        for w in 0..80 {
            let (shown, more) = fit_tags(&m, w);
            let used: usize = shown.iter().map(|s| str_width(&s.0)).sum::<usize>()
                + more.as_deref().map_or(0, str_width);
            assert!(used <= w, "{w}");
        }
    }

    #[test]
    fn keep_right_never_cuts_the_right_part() {
        let l = keep_right("2023-01-05  一个很长很长很长的标题  ", "[s-0042]", 30);
        assert!(l.ends_with("[s-0042]"), "{l}");
        assert!(str_width(&l) <= 30);
        assert_eq!(keep_right("ab", "[x]", 10), "ab[x]");
    }

    #[test]
    fn an_excerpt_window_fits_any_width_and_keeps_its_match() {
        let text = format!("{}故障恢复{}", "前文".repeat(40), "后文".repeat(60));
        let m = text.find("故障恢复").unwrap();
        let ranges: Vec<Range<usize>> = std::iter::once(m..m + "故障恢复".len()).collect();
        for w in [12, 20, 37, 60, 200] {
            let (out, r) = fit_excerpt(&text, &ranges, w);
            assert!(str_width(&out) <= w, "{w}: {out}");
            assert_eq!(r.len(), 1, "{w}: {out}");
            assert_eq!(&out[r[0].clone()], "故障恢复");
            assert!(out.starts_with('⋯'));
        }
        let (out, r) = fit_excerpt("短文本", &[], 40);
        assert_eq!((out.as_str(), r.len()), ("短文本", 0));
    }

    #[test]
    fn markdown_copy_has_front_matter_that_parses_back() {
        let mut s = crate::store::Store::open_in_memory().unwrap();
        crate::import::import(&mut s, crate::sample::sources(), Default::default()).unwrap();
        let a = s.article_by_ext_id("s-081").unwrap().unwrap();
        let md = article_markdown(&a);
        let back = crate::import::markdown::parse(&md, "x", crate::import::record::china_offset())
            .unwrap();
        assert_eq!(back.title, a.meta.title);
        assert_eq!(back.tags, a.meta.tags);
        assert_eq!(back.id.as_deref(), Some("s-081"));
        assert_eq!(back.body.trim(), a.body.trim());
    }
}
