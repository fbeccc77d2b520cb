//! An article body as the reader and `zhiku show` present it: Markdown (and the raw HTML blog
//! exports carry) rendered into logical lines with style runs, then wrapped to a width once and
//! cached. Pure: no terminal; the reader turns runs into styles (`ui::panes::reader`).

mod code;
pub mod html;
mod markdown;

pub use code::{LineColours, default_theme, find_theme, theme_names, warm_up};

/// Colours of every code block of a document, per block and line (empty: plain).
pub type Colours = Vec<Vec<LineColours>>;

/// Highlights `blocks` with `theme`: the slow part of showing code, done once per article
/// on a worker thread (the reader) so that opening never waits for it. Bounded by a budget
/// of highlighted bytes per article; past it, blocks stay plain.
pub fn colour_blocks(blocks: &[CodeBlock], theme: CodeTheme) -> Colours {
    let mut budget = code::BUDGET;
    blocks
        .iter()
        .map(|b| {
            let lines: Vec<&str> = b.text.split('\n').collect();
            code::highlight(&b.lang, &lines, theme, &mut budget).unwrap_or_default()
        })
        .collect()
}
pub use two_face::theme::EmbeddedThemeName as CodeTheme;

use std::ops::Range;

use crate::search::highlight::{Needle, find_matches};
use crate::text::wrap::wrap_line;
use crate::text::{sanitize, str_width, truncate_to_width};
use markdown::render_markdown;

/// What kind of text a run is; the theme turns kinds into styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Highlighted code: the colour the code theme gives this token.
    Syntax(Rgb),
}

/// A 24-bit colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// How a body is rendered: the reader passes its settings, `zhiku show` the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// Code theme; `None` draws code in one colour.
    pub code_theme: Option<CodeTheme>,
    /// ASCII rules and table borders instead of box drawing.
    pub ascii: bool,
    /// A space between Chinese and Latin letters or digits (`使用Redis` → `使用 Redis`).
    pub cjk_spacing: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            code_theme: Some(default_theme(true)),
            ascii: false,
            cjk_spacing: true,
        }
    }
}

/// A link or image, numbered in reading order (`[3]`, `[图 3: alt]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub n: usize,
    pub text: String,
    pub url: String,
    pub image: bool,
}

/// A code block's language and text (for copying one block).
#[derive(Debug, Clone, PartialEq)]
pub struct CodeBlock {
    pub lang: String,
    pub text: String,
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
    /// The code block this line belongs to (its label line included).
    pub block: Option<usize>,
    /// The line's index inside its code block (`None` for the label line).
    pub code_line: Option<usize>,
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
            block: None,
            code_line: None,
        }
    }
}

/// One display line after wrapping: byte range into a logical line.
#[derive(Debug, Clone, PartialEq)]
pub struct Visual {
    pub logical: usize,
    pub range: Range<usize>,
    pub first: bool,
    /// A clipped line (code, tables): text goes on past the right edge (drawn as `›`:
    /// neutral width, where `→` is drawn two cells wide by terminals set to CJK widths).
    pub clipped: bool,
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
    /// Links and images in reading order; `[n]` in the text is `links[n - 1]`.
    pub links: Vec<Link>,
    /// Code blocks in reading order.
    pub blocks: Vec<CodeBlock>,
    /// Columns clipped lines are shifted left by (horizontal scroll of code and tables).
    pub shift: usize,
    /// The match `n`/`N` went to: (logical line, byte where it starts).
    pub current: Option<(usize, usize)>,
    /// About how long the article takes to read, in minutes.
    pub reading_minutes: usize,
    /// Some line is clipped at this layout (the footer then names `<` `>`).
    pub any_clipped: bool,
}

/// Reading time: Chinese at about 400 characters a minute, other text at about 200 words a
/// minute; code counts like other text. At least one minute.
pub fn reading_minutes(body: &str) -> usize {
    let mut han = 0usize;
    let mut words = 0usize;
    let mut in_word = false;
    for c in body.chars() {
        if crate::text::is_cjk(c) {
            han += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    // Minutes = han / 400 + words / 200, rounded up, in one division.
    (han + 2 * words).div_ceil(400).max(1)
}

/// Whether a piece of text is a query match, and the one `n`/`N` is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    No,
    Match,
    Current,
}

impl Document {
    /// Renders a Markdown body with the default options.
    pub fn new(body: &str, needles: &[Needle]) -> Self {
        Document::with_options(body, needles, &RenderOptions::default())
    }

    /// Renders a Markdown (or HTML) body. The text is sanitised first: nothing unsafe reaches
    /// a widget.
    pub fn with_options(body: &str, needles: &[Needle], opts: &RenderOptions) -> Self {
        let r = render_markdown(&sanitize(body), opts);
        let mut d = Document {
            reading_minutes: reading_minutes(body),
            lines: r.lines,
            links: r.links,
            blocks: r.blocks,
            ..Document::default()
        };
        d.set_needles(needles);
        d
    }

    /// Highlights the code blocks now (tests, benchmarks; the reader uses [`colour_blocks`] on
    /// a worker and [`Document::apply_colours`]).
    pub fn highlight(&mut self, theme: CodeTheme) {
        let c = colour_blocks(&self.blocks, theme);
        self.apply_colours(&c);
    }

    /// Gives code lines the colours computed for this document's blocks; colours that do not
    /// fit a line (another article's) are ignored.
    pub fn apply_colours(&mut self, colours: &Colours) {
        for l in &mut self.lines {
            let (Some(b), Some(k)) = (l.block, l.code_line) else {
                continue;
            };
            let Some(runs) = colours.get(b).and_then(|c| c.get(k)) else {
                continue;
            };
            let fits = runs.last().is_some_and(|r| r.0.end == l.text.len())
                && runs.iter().all(|r| {
                    l.text.is_char_boundary(r.0.start) && l.text.is_char_boundary(r.0.end)
                });
            if fits {
                l.runs = runs
                    .iter()
                    .map(|(r, c)| (r.clone(), Kind::Syntax(*c)))
                    .collect();
            }
        }
    }

    /// The code block drawn on visual line `v`, if any.
    pub fn block_at(&self, v: usize) -> Option<&CodeBlock> {
        let l = self.lines.get(self.visual.get(v)?.logical)?;
        self.blocks.get(l.block?)
    }

    /// The widest clipped line, in columns (how far a horizontal scroll can go).
    pub fn clipped_width(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.nowrap)
            .map(|l| str_width(&l.text))
            .max()
            .unwrap_or(0)
    }

    /// Shifts clipped lines (code, tables) left by `cols` columns and lays out again.
    pub fn set_shift(&mut self, cols: usize) {
        if cols != self.shift {
            self.shift = cols;
            let w = self.width;
            self.visual.clear();
            self.layout(w);
        }
    }

    /// The link list: `[n] text  url`, for `zhiku show` and the link overlay.
    pub fn link_lines(&self) -> Vec<String> {
        self.links
            .iter()
            .map(|l| {
                let mut s = if l.image {
                    format!("[图 {}]", l.n)
                } else {
                    format!("[{}]", l.n)
                };
                if !l.text.is_empty() {
                    s.push(' ');
                    s.push_str(&l.text);
                }
                s.push_str("  ");
                s.push_str(&l.url);
                s
            })
            .collect()
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
        self.current = None;
        self.index_matches();
    }

    /// Wraps for `width` columns, unless already wrapped for it.
    pub fn layout(&mut self, width: usize) {
        if width == self.width && !self.visual.is_empty() {
            return;
        }
        self.width = width;
        self.visual.clear();
        self.any_clipped = false;
        for (i, l) in self.lines.iter().enumerate() {
            let room = width
                .saturating_sub(str_width(&l.prefix).max(str_width(&l.cont)))
                .max(1);
            if l.nowrap {
                // Clipped: the window [shift, shift + room) of the line, `›` when more follows
                // (the mark takes the last column).
                let from = skip_columns(&l.text, self.shift);
                let rest = &l.text[from..];
                let clipped = str_width(rest) > room;
                self.any_clipped |= clipped;
                let keep = if clipped {
                    truncate_to_width(rest, room.saturating_sub(1)).len()
                } else {
                    rest.len()
                };
                self.visual.push(Visual {
                    logical: i,
                    range: from..from + keep,
                    first: true,
                    clipped,
                });
                continue;
            }
            let ranges = wrap_line(&l.text, room);
            self.visual
                .extend(ranges.into_iter().enumerate().map(|(k, r)| Visual {
                    logical: i,
                    range: r,
                    first: k == 0,
                    clipped: false,
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
    pub fn segments(&self, v: &Visual) -> (&str, Vec<(&str, Kind, Hit)>) {
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
                let hit = match matches.iter().find(|m| m.start <= a && a < m.end) {
                    None => Hit::No,
                    Some(m) if self.current == Some((v.logical, m.start)) => Hit::Current,
                    Some(_) => Hit::Match,
                };
                (&l.text[a..b], kind, hit)
            })
            .collect::<Vec<_>>();
        let mut pieces = pieces;
        if v.clipped {
            pieces.push(("›", Kind::Marker, Hit::No));
        }
        (prefix.as_str(), pieces)
    }

    /// How many matches the body has.
    pub fn match_count(&self) -> usize {
        self.matches.iter().map(Vec::len).sum()
    }

    /// The current match's place: (1-based position, count).
    pub fn match_position(&self) -> Option<(usize, usize)> {
        let (l, start) = self.current?;
        let before: usize = self.matches[..l].iter().map(Vec::len).sum();
        let k = self.matches[l].iter().position(|m| m.start == start)?;
        Some((before + k + 1, self.match_count()))
    }

    /// The visual line showing byte `at` of logical line `l`.
    pub fn visual_of(&self, l: usize, at: usize) -> usize {
        let first = self.visual.partition_point(|v| v.logical < l);
        let end = self.visual.partition_point(|v| v.logical <= l);
        (first..end)
            .find(|&i| self.visual[i].range.end > at || i + 1 == end)
            .unwrap_or(first)
    }

    /// Moves to the next (or previous) match: after the current one, or from visual line
    /// `from` when there is none. Returns the match's visual line and whether the search
    /// went round the end of the article.
    pub fn step_match(&mut self, from: usize, forward: bool) -> Option<(usize, bool)> {
        let all: Vec<(usize, usize)> = self
            .matches
            .iter()
            .enumerate()
            .flat_map(|(l, ms)| ms.iter().map(move |m| (l, m.start)))
            .collect();
        if all.is_empty() {
            return None;
        }
        let (i, wrapped) = match self.current.and_then(|c| all.iter().position(|&m| m == c)) {
            Some(i) if forward => {
                if i + 1 < all.len() {
                    (i + 1, false)
                } else {
                    (0, true)
                }
            }
            Some(i) => {
                if i > 0 {
                    (i - 1, false)
                } else {
                    (all.len() - 1, true)
                }
            }
            None => {
                let vis: Vec<usize> = all.iter().map(|&(l, s)| self.visual_of(l, s)).collect();
                if forward {
                    vis.iter()
                        .position(|&v| v >= from)
                        .map_or((0, true), |i| (i, false))
                } else {
                    vis.iter()
                        .rposition(|&v| v <= from)
                        .map_or((all.len() - 1, true), |i| (i, false))
                }
            }
        };
        self.current = Some(all[i]);
        Some((self.visual_of(all[i].0, all[i].1), wrapped))
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
                let more = if v.clipped { "›" } else { "" };
                format!("{prefix}{}{more}", &l.text[v.range.clone()])
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

/// The byte offset after the first `cols` display columns of `s` (a wide character straddling
/// the edge is skipped whole).
fn skip_columns(s: &str, cols: usize) -> usize {
    if cols == 0 {
        return 0;
    }
    let mut used = 0;
    for (i, g) in unicode_segmentation::UnicodeSegmentation::grapheme_indices(s, true) {
        if used >= cols {
            return i;
        }
        used += crate::text::width::grapheme_width(g);
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<String> {
        render_markdown(md, &RenderOptions::default())
            .lines
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
                "段落 粗体 和 code，链接[1]。",
                "",
                "- 一",
                "- 二",
                "",
                "> 引用",
                "",
                "╎ bash",
                "╎ ls -l",
                "╎     echo",
            ]
        );
    }

    #[test]
    fn html_goes_through_the_parser() {
        let md = "<div class=\"note\"><p>注意&nbsp;&lt;b&gt; &amp; &#x4e2d;</p></div>\n\n<table><tr><th>名称</th><th>v</th></tr><tr><td>Kafka</td><td>3</td></tr></table>\n\n<pre><code class=\"language-sql\">SELECT 1;\n\nSELECT 2;</code></pre>\n";
        let t = texts(md);
        assert!(
            t.iter()
                .any(|l| l.contains("注意") && l.contains("<b> & 中")),
            "{t:?}"
        );
        assert!(t.contains(&"│ 名称  │ v │".to_owned()), "{t:?}");
        assert!(t.contains(&"╎ sql".to_owned()), "{t:?}");
        assert!(t.contains(&"╎ SELECT 2;".to_owned()), "{t:?}");
        // Broken markup is still read.
        let t = texts("<p>未闭合 <b>粗<i>体</p><div>下一段");
        assert!(t.iter().any(|l| l.contains("未闭合")), "{t:?}");
        assert!(t.iter().any(|l| l.contains("下一段")), "{t:?}");
    }

    #[test]
    fn tables_are_framed_and_aligned_by_display_width() {
        let t = texts("| 名称 | v |\n|---|---|\n| Kafka | 3 |\n");
        assert_eq!(
            t,
            [
                "┌───────┬───┐",
                "│ 名称  │ v │",
                "├───────┼───┤",
                "│ Kafka │ 3 │",
                "└───────┴───┘",
            ]
        );
        let ascii = RenderOptions {
            ascii: true,
            ..RenderOptions::default()
        };
        let t: Vec<String> = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n", &ascii)
            .lines
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            t,
            [
                "+---+---+",
                "| a | b |",
                "+---+---+",
                "| 1 | 2 |",
                "+---+---+"
            ]
        );
    }

    #[test]
    fn long_cells_wrap_inside_their_column() {
        let long = "很长的单元格".repeat(10);
        let t = texts(&format!("| k | v |\n|---|---|\n| a | {long} |\n"));
        let rows: Vec<&String> = t
            .iter()
            .filter(|l| l.starts_with("│ a") || l.starts_with("│  "))
            .collect();
        assert!(rows.len() >= 2, "{t:?}");
        let w = str_width(&t[0]);
        assert!(t.iter().all(|l| str_width(l) == w), "{t:?}");
    }

    #[test]
    fn links_and_images_are_numbered_in_reading_order() {
        let md = "看[文档](https://a.example/doc)和![架构图](img/arch.png)，再看[文档](https://a.example/doc)与[目录](#overview)。\n\n<p><img src=\"x.png\" alt=\"流程\"></p>\n\n![](data:image/png;base64,AAAA)";
        let d = Document::new(md, &[]);
        let t: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(t[0], "看文档[1]和[图 2: 架构图]，再看文档[1]与目录。");
        assert!(t.contains(&"[图 3: 流程]"), "{t:?}");
        assert!(t.contains(&"[图 4]"), "{t:?}");
        assert_eq!(d.links.len(), 4);
        assert_eq!(d.links[0].url, "https://a.example/doc");
        assert_eq!(d.links[0].text, "文档");
        assert!(d.links[1].image && d.links[1].url == "img/arch.png");
        assert_eq!(d.link_lines()[1], "[图 2] 架构图  img/arch.png");
    }

    #[test]
    fn a_huge_data_uri_is_not_copied() {
        let md = format!("![图](data:image/png;base64,{})", "A".repeat(5_000_000));
        let d = Document::new(&md, &[]);
        assert!(d.links[0].url.len() < 4_000);
    }

    #[test]
    fn toc_markers_vanish_outside_code() {
        let t = texts("[TOC]\n\n## 一\n\n```\n[TOC]\n```\n");
        assert_eq!(t, ["## 一", "", "╎ 代码", "╎ [TOC]"]);
    }

    #[test]
    fn chinese_and_latin_are_spaced_but_never_inside_code() {
        let t = texts("使用Redis缓存3个key，调用`redis-cli`命令和`数据`。\n\n```\n中文abc\n```");
        assert_eq!(
            t[0],
            "使用 Redis 缓存 3 个 key，调用 redis-cli 命令和 数据。"
        );
        assert_eq!(t[3], "╎ 中文abc");
        let off = RenderOptions {
            cjk_spacing: false,
            ..RenderOptions::default()
        };
        let r = render_markdown("使用Redis缓存", &off);
        assert_eq!(r.lines[0].text, "使用Redis缓存");
    }

    #[test]
    fn code_is_highlighted_by_language() {
        let mut d = Document::new("```rust\nfn main() { let s = \"中文\"; }\n```", &[]);
        // Rendering never highlights (that is a worker's job): plain until colours arrive.
        assert!(d.lines[1].runs.iter().all(|r| r.1 == Kind::Code));
        d.highlight(default_theme(true));
        let code = &d.lines[1];
        let colours: std::collections::HashSet<Kind> = code.runs.iter().map(|r| r.1).collect();
        assert!(colours.len() >= 2, "{:?}", code.runs);
        assert!(colours.iter().all(|k| matches!(k, Kind::Syntax(_))));
        assert_eq!(d.blocks[0].lang, "rust");
        // Unknown, junk or missing language: plain code, no error.
        for fence in ["```nosuchlang", &format!("```{}", "x".repeat(1024)), "```"] {
            let mut d = Document::new(&format!("{fence}\nfn main() {{}}\n```"), &[]);
            d.highlight(default_theme(true));
            assert!(d.lines[1].runs.iter().all(|r| r.1 == Kind::Code), "{fence}");
        }
        // Colours computed for another article do not fit this one's lines: ignored.
        let other = Document::new("```rust\nlet a_much_longer_line = 1;\n```", &[]);
        let c = colour_blocks(&other.blocks, default_theme(true));
        let mut d = Document::new("```rust\nfn f() {}\n```", &[]);
        d.apply_colours(&c);
        assert!(d.lines[1].runs.iter().all(|r| r.1 == Kind::Code));
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
        assert_eq!(lines[0], "代码");
        // 12 columns less the rule "╎ ": 9 of code and the mark.
        assert_eq!(lines[1], "abcdefghi");
        assert!(d.visual[1].clipped);
        assert_eq!(d.plain_lines()[1], "╎ abcdefghi›");
        // The marks the document adds take one cell in every terminal (East Asian width
        // neutral, unlike `→`).
        for mark in ["›", "╎"] {
            assert_eq!(unicode_width::UnicodeWidthStr::width_cjk(mark), 1, "{mark}");
        }
        assert_eq!(&lines[3..], ["数据备份与恢", "复是运维的基", "本功。"]);
        // Shifted: the rest of the code line comes into view; prose does not move.
        d.set_shift(8);
        assert_eq!(&d.lines[1].text[d.visual[1].range.clone()], "ijklmnopq");
        assert_eq!(&d.lines[3].text[d.visual[3].range.clone()], "数据备份与恢");
        assert_eq!(d.clipped_width(), 26);
        assert_eq!(d.block_at(1).unwrap().text, "abcdefghijklmnopqrstuvwxyz");
        assert!(d.block_at(3).is_none());
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
    fn reading_time_counts_chinese_characters_and_words() {
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes(&"数".repeat(400)), 1);
        assert_eq!(reading_minutes(&"数".repeat(1_201)), 4);
        assert_eq!(reading_minutes(&"word ".repeat(600)), 3);
        assert_eq!(
            reading_minutes(&format!("{}{}", "数".repeat(400), " go".repeat(200))),
            2
        );
    }

    #[test]
    fn huge_and_hostile_bodies_open_bounded() {
        // A 5,000-line block, a 10,000-column line, a 300-column table, 10,000 links, a
        // language label of 1 KB of junk and a <pre> nested in a table cell.
        let mut s = format!("```{}\n", "x<>\"'".repeat(200));
        for i in 0..5_000 {
            s.push_str(&format!("let v{i} = {i};\n"));
        }
        s.push_str("```\n\n");
        s.push_str(&"宽".repeat(10_000));
        s.push_str("\n\n|");
        s.push_str(&" h |".repeat(300));
        s.push_str("\n|");
        s.push_str(&"---|".repeat(300));
        s.push_str("\n|");
        s.push_str(&" 值 |".repeat(300));
        s.push_str("\n\n");
        for i in 0..10_000 {
            s.push_str(&format!("[l{i}](https://e.example/{i}) "));
        }
        s.push_str("\n\n<table><tr><td><pre><code>inner</code></pre></td></tr></table>\n");
        let mut d = Document::new(&s, &[]);
        d.layout(80);
        assert_eq!(d.links.len(), 10_000);
        assert_eq!(d.links[9_999].n, 10_000);
        assert_eq!(d.blocks[0].text.lines().count(), 5_000);
        assert!(d.blocks[0].lang.chars().count() <= 24);
        // Every visual line fits the width: clipped lines are clipped, prose wraps.
        for v in &d.visual {
            let l = &d.lines[v.logical];
            let prefix = if v.first || l.cont.is_empty() {
                &l.prefix
            } else {
                &l.cont
            };
            let w =
                str_width(prefix) + str_width(&l.text[v.range.clone()]) + usize::from(v.clipped);
            assert!(w <= 80, "{w}");
        }
        assert!(d.plain_lines().iter().any(|l| l.contains("inner")));
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
    fn n_and_n_step_through_matches_and_wrap_round() {
        let n: Vec<Needle> = vec!["故障".chars().collect()];
        let mut d = Document::new("故障一\n\n二\n\n故障三故障\n\n四", &n);
        d.layout(40);
        assert_eq!(d.match_count(), 3);
        assert_eq!(d.match_position(), None);
        assert_eq!(d.step_match(0, true), Some((0, false)));
        assert_eq!(d.match_position(), Some((1, 3)));
        assert_eq!(d.step_match(0, true), Some((4, false)));
        assert_eq!(d.step_match(0, true), Some((4, false)));
        assert_eq!(d.match_position(), Some((3, 3)));
        // Past the last: round to the first, and said so.
        assert_eq!(d.step_match(0, true), Some((0, true)));
        assert_eq!(d.step_match(0, false), Some((4, true)));
        assert_eq!(d.match_position(), Some((3, 3)));
        // Only the current match is marked current.
        let v = d.visual[4].clone();
        let hits: Vec<Hit> = d
            .segments(&v)
            .1
            .iter()
            .map(|p| p.2)
            .filter(|h| *h != Hit::No)
            .collect();
        assert_eq!(hits, [Hit::Match, Hit::Current]);
        // From the middle of the article without a current match: the next one below.
        d.set_needles(&n);
        assert_eq!(d.step_match(3, true), Some((4, false)));
        let mut none = Document::new("没有", &n);
        none.layout(40);
        assert_eq!(none.step_match(0, true), None);
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
