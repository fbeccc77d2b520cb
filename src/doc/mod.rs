//! An article body as the reader and `zhiku show` present it: Markdown (and the raw HTML blog
//! exports carry) rendered into logical lines with style runs, then wrapped to a width once and
//! cached. Pure: no terminal; the reader turns runs into styles (`ui::panes::reader`).

mod markdown;

use std::ops::Range;

use crate::search::highlight::{Needle, find_matches};
use crate::text::wrap::wrap_line;
use crate::text::{sanitize, str_width, truncate_to_width};
use markdown::render_markdown;

/// What kind of text a run is; the theme turns kinds into styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Strong,
    Emphasis,
    Code,
    Link,
    Url,
    Heading,
    Quote,
    Marker,
    Dim,
}

/// A logical line: text plus style runs covering it; `prefix` is repeated on wrapped lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Logical {
    pub text: String,
    pub runs: Vec<(Range<usize>, Kind)>,
    pub prefix: String,
    /// Prefix of wrapped continuation lines (a list item's hanging indent).
    pub cont: String,
    /// Code and tables are clipped, never re-wrapped.
    pub nowrap: bool,
    /// Heading lines and the first line of each code block: the outline's label.
    pub outline: Option<String>,
}

impl Logical {
    pub(crate) fn blank() -> Self {
        Logical {
            text: String::new(),
            runs: Vec::new(),
            prefix: String::new(),
            cont: String::new(),
            nowrap: false,
            outline: None,
        }
    }
}

/// One display line after wrapping: byte range into a logical line.
#[derive(Debug, Clone, PartialEq)]
pub struct Visual {
    pub logical: usize,
    pub range: Range<usize>,
    pub first: bool,
}

/// A rendered body, wrapped for one width.
#[derive(Debug, Default)]
pub struct Document {
    pub lines: Vec<Logical>,
    pub width: usize,
    pub visual: Vec<Visual>,
    /// Query matches per logical line.
    pub matches: Vec<Vec<Range<usize>>>,
    /// Visual line indices holding a match, for n/N.
    pub match_lines: Vec<usize>,
    /// What the matches were found for.
    pub needles: Vec<Needle>,
}

impl Document {
    /// Renders a Markdown body. The text is sanitised first: nothing unsafe reaches a widget.
    pub fn new(body: &str, needles: &[Needle]) -> Self {
        let mut d = Document {
            lines: render_markdown(&sanitize(body)),
            ..Document::default()
        };
        d.set_needles(needles);
        d
    }

    /// Highlights the matches of other needles (a new query over the same article): the
    /// body is not rendered or wrapped again.
    pub fn set_needles(&mut self, needles: &[Needle]) {
        self.matches = self
            .lines
            .iter()
            .map(|l| find_matches(&l.text, needles))
            .collect();
        self.needles = needles.to_vec();
        self.index_matches();
    }

    /// Wraps for `width` columns, unless already wrapped for it.
    pub fn layout(&mut self, width: usize) {
        if width == self.width && !self.visual.is_empty() {
            return;
        }
        self.width = width;
        self.visual.clear();
        for (i, l) in self.lines.iter().enumerate() {
            let room = width
                .saturating_sub(str_width(&l.prefix).max(str_width(&l.cont)))
                .max(1);
            let ranges: Vec<Range<usize>> = if l.nowrap {
                std::iter::once(0..truncate_to_width(&l.text, room).len()).collect()
            } else {
                wrap_line(&l.text, room)
            };
            self.visual
                .extend(ranges.into_iter().enumerate().map(|(k, r)| Visual {
                    logical: i,
                    range: r,
                    first: k == 0,
                }));
        }
        self.index_matches();
    }

    /// The visual lines holding a match, for n/N.
    fn index_matches(&mut self) {
        self.match_lines.clear();
        // Per logical line, visual ranges and matches both ascend: one pass over each (a 2 MB
        // line may hold tens of thousands of matches).
        let mut m = 0;
        for (v, vis) in self.visual.iter().enumerate() {
            if vis.first {
                m = 0;
            }
            let matches = &self.matches[vis.logical];
            while m < matches.len() && matches[m].end <= vis.range.start {
                m += 1;
            }
            if m < matches.len() && matches[m].start < vis.range.end {
                self.match_lines.push(v);
            }
        }
    }

    /// The pieces of visual line `v`: its prefix (drawn as a marker), then runs of text with
    /// their kind and whether they are a query match.
    pub fn segments(&self, v: &Visual) -> (&str, Vec<(&str, Kind, bool)>) {
        let l = &self.lines[v.logical];
        let prefix = if v.first || l.cont.is_empty() {
            &l.prefix
        } else {
            &l.cont
        };
        // Only the style runs and matches that reach into this line (found by binary search).
        let (start, end) = (v.range.start, v.range.end);
        let from = l.runs.partition_point(|x| x.0.end <= start);
        let to = l.runs.partition_point(|x| x.0.start < end).max(from);
        let runs = &l.runs[from..to];
        let all = &self.matches[v.logical];
        let from = all.partition_point(|m| m.end <= start);
        let to = all.partition_point(|m| m.start < end).max(from);
        let matches = &all[from..to];
        let mut cuts: Vec<usize> = vec![start, end];
        for r in runs.iter().map(|x| &x.0).chain(matches) {
            cuts.extend([r.start, r.end]);
        }
        cuts.retain(|&c| c >= start && c <= end);
        cuts.sort_unstable();
        cuts.dedup();
        let pieces = cuts
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1]);
                let kind = runs
                    .iter()
                    .find(|(r, _)| r.start <= a && a < r.end)
                    .map_or(Kind::Text, |x| x.1);
                let hit = matches.iter().any(|m| m.start <= a && a < m.end);
                (&l.text[a..b], kind, hit)
            })
            .collect();
        (prefix.as_str(), pieces)
    }

    /// The laid-out lines as plain text (for `zhiku show`).
    pub fn plain_lines(&self) -> Vec<String> {
        self.visual
            .iter()
            .map(|v| {
                let l = &self.lines[v.logical];
                let prefix = if v.first || l.cont.is_empty() {
                    &l.prefix
                } else {
                    &l.cont
                };
                format!("{prefix}{}", &l.text[v.range.clone()])
            })
            .collect()
    }

    /// Headings and code blocks: (visual line, label), for the outline.
    pub fn outline(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (vi, v) in self.visual.iter().enumerate() {
            let l = &self.lines[v.logical];
            if let (true, Some(label)) = (v.first, &l.outline) {
                out.push((vi, label.clone()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<String> {
        render_markdown(md)
            .into_iter()
            .map(|l| format!("{}{}", l.prefix, l.text))
            .collect()
    }

    #[test]
    fn blocks_render_as_readable_lines() {
        let md = "## 标题\n\n段落 **粗体** 和 `code`，[链接](https://x.y/z)。\n\n- 一\n- 二\n\n> 引用\n\n```bash\nls -l\n\techo\n```\n";
        assert_eq!(
            texts(md),
            [
                "## 标题",
                "",
                "段落 粗体 和 code，链接 (https://x.y/z)。",
                "",
                "- 一",
                "- 二",
                "",
                "> 引用",
                "",
                "bash",
                "  ls -l",
                "      echo",
            ]
        );
    }

    #[test]
    fn html_becomes_text() {
        let md = "<div class=\"note\"><p>注意&nbsp;&lt;b&gt;</p></div>\n\n<table><tr><td>a</td><td>b</td></tr></table>\n";
        let t = texts(md);
        assert!(t.contains(&"注意 <b>".to_owned()), "{t:?}");
        assert!(t.iter().any(|l| l.contains("a | b")), "{t:?}");
    }

    #[test]
    fn tables_align_by_display_width() {
        let t = texts("| 名称 | v |\n|---|---|\n| Kafka | 3 |\n");
        assert_eq!(t, ["名称  | v", "------+--", "Kafka | 3"]);
    }

    #[test]
    fn code_is_clipped_not_wrapped_and_prose_wraps() {
        let mut d = Document::new(
            "```\nabcdefghijklmnopqrstuvwxyz\n```\n\n数据备份与恢复是运维的基本功。",
            &[],
        );
        d.layout(12);
        let lines: Vec<String> = d
            .visual
            .iter()
            .map(|v| d.lines[v.logical].text[v.range.clone()].to_owned())
            .collect();
        assert_eq!(lines[0], "abcdefghij");
        assert_eq!(&lines[2..], ["数据备份与恢", "复是运维的基", "本功。"]);
    }

    #[test]
    fn outline_lists_headings_and_code_blocks() {
        let mut d = Document::new(
            "## 安装\n\n文字\n\n```bash\nkubectl apply -f x.yaml\n```\n\n### 验证\n",
            &[],
        );
        d.layout(40);
        let o: Vec<String> = d.outline().into_iter().map(|x| x.1).collect();
        assert_eq!(o, ["安装", "代码 bash: kubectl apply -f x.yaml", "验证"]);
    }

    #[test]
    fn hostile_text_is_sanitised() {
        let d = Document::new("a\u{1b}]0;PWN\u{7}b \u{202e}c", &[]);
        assert_eq!(d.lines[0].text, "ab c");
    }

    #[test]
    fn matches_are_found_per_line() {
        let n: Vec<Needle> = vec!["故障".chars().collect()];
        let mut d = Document::new("第一行\n\n这里有故障\n\n再来故障", &n);
        d.layout(40);
        assert_eq!(d.match_lines, [2, 4]);
    }

    #[test]
    fn new_needles_match_a_fresh_render() {
        let body = format!(
            "第一行\n\n这里有故障{}\n\n再来恢复",
            "很长的一段文字".repeat(20)
        );
        let old: Vec<Needle> = vec!["故障".chars().collect()];
        let new: Vec<Needle> = vec!["恢复".chars().collect(), "文字".chars().collect()];
        let mut d = Document::new(&body, &old);
        d.layout(30);
        d.set_needles(&new);
        let mut fresh = Document::new(&body, &new);
        fresh.layout(30);
        assert_eq!(
            (&d.matches, &d.match_lines, &d.visual),
            (&fresh.matches, &fresh.match_lines, &fresh.visual)
        );
        assert!(d.match_lines.len() > 3);
    }
}
