//! An article body as the reader shows it: Markdown (and the raw HTML blog exports carry)
//! rendered into logical lines with style runs, then wrapped to a width once and cached.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::search::highlight::{Needle, find_matches};
use crate::text::plain::{collapse_spaces, decode_entities};
use crate::text::wrap::wrap_line;
use crate::text::{sanitize, sanitize_line, str_width, truncate_to_width};

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
    fn blank() -> Self {
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

    /// Visual lines `[from, from + n)` as ratatui lines.
    pub fn view(&self, from: usize, n: usize, theme: &Theme) -> Vec<Line<'_>> {
        self.visual
            .iter()
            .skip(from)
            .take(n)
            .map(|v| self.line(v, theme))
            .collect()
    }

    fn line(&self, v: &Visual, theme: &Theme) -> Line<'_> {
        let l = &self.lines[v.logical];
        let mut spans = Vec::new();
        let prefix = if v.first || l.cont.is_empty() {
            &l.prefix
        } else {
            &l.cont
        };
        if !prefix.is_empty() {
            spans.push(Span::styled(prefix.as_str(), theme.kind(Kind::Marker)));
        }
        // Only the style runs and matches that reach into this line (found by binary search).
        let (start, end) = (v.range.start, v.range.end);
        let from = l.runs.partition_point(|x| x.0.end <= start);
        let to = l.runs.partition_point(|x| x.0.start < end).max(from);
        let runs = &l.runs[from..to];
        let all = &self.matches[v.logical];
        let from = all.partition_point(|m| m.end <= start);
        let to = all.partition_point(|m| m.start < end).max(from);
        let matches = &all[from..to];
        let mut cuts: Vec<usize> = vec![v.range.start, v.range.end];
        for r in runs.iter().map(|x| &x.0).chain(matches) {
            cuts.extend([r.start, r.end]);
        }
        cuts.retain(|&c| c >= v.range.start && c <= v.range.end);
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let kind = runs
                .iter()
                .find(|(r, _)| r.start <= a && a < r.end)
                .map_or(Kind::Text, |x| x.1);
            let mut style = theme.kind(kind);
            if matches.iter().any(|m| m.start <= a && a < m.end) {
                style = style.patch(theme.highlight);
            }
            spans.push(Span::styled(&l.text[a..b], style));
        }
        Line::from(spans)
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

/// Builds logical lines from Markdown.
struct Builder {
    out: Vec<Logical>,
    cur: Logical,
    stack: Vec<Kind>,
    quote: usize,
    lists: Vec<Option<u64>>,
    item_prefix: Option<String>,
    code: Option<String>,
    code_lang: String,
    link: Option<String>,
    table: Option<Vec<Vec<String>>>,
    cell: Option<String>,
}

fn render_markdown(src: &str) -> Vec<Logical> {
    let mut b = Builder {
        out: Vec::new(),
        cur: Logical::blank(),
        stack: Vec::new(),
        quote: 0,
        lists: Vec::new(),
        item_prefix: None,
        code: None,
        code_lang: String::new(),
        link: None,
        table: None,
        cell: None,
    };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for ev in Parser::new_ext(src, opts) {
        b.event(ev);
    }
    b.flush();
    while b.out.last().is_some_and(|l| l.text.is_empty()) {
        b.out.pop();
    }
    b.out
}

impl Builder {
    fn kind(&self) -> Kind {
        self.stack.last().copied().unwrap_or(if self.quote > 0 {
            Kind::Quote
        } else {
            Kind::Text
        })
    }

    fn prefix(&self) -> String {
        let mut p = "> ".repeat(self.quote);
        p.push_str(&"   ".repeat(self.lists.len().saturating_sub(1)));
        p
    }

    fn push(&mut self, text: &str, kind: Kind) {
        if let Some(cell) = &mut self.cell {
            cell.push_str(text);
            return;
        }
        if self.cur.text.is_empty() && self.cur.runs.is_empty() {
            self.cur.prefix = self.prefix();
            if let Some(marker) = self.item_prefix.take() {
                self.cur.cont = format!("{}{}", self.cur.prefix, " ".repeat(str_width(&marker)));
                self.cur.prefix.push_str(&marker);
            }
        }
        self.push_raw(text, kind);
    }

    fn push_raw(&mut self, text: &str, kind: Kind) {
        let text = sanitize_line(text);
        let start = self.cur.text.len();
        self.cur.text.push_str(&text);
        self.cur.runs.push((start..self.cur.text.len(), kind));
    }

    fn flush(&mut self) {
        if !self.cur.text.is_empty() || !self.cur.prefix.is_empty() || self.item_prefix.is_some() {
            if self.item_prefix.is_some() {
                self.push("", Kind::Text);
            }
            let line = std::mem::replace(&mut self.cur, Logical::blank());
            self.out.push(line);
        }
    }

    fn blank(&mut self) {
        self.flush();
        if self.out.last().is_some_and(|l| !l.text.is_empty()) {
            let mut l = Logical::blank();
            l.prefix = "> ".repeat(self.quote).trim_end().to_owned();
            self.out.push(l);
        }
    }

    fn event(&mut self, ev: Event) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some(code) = &mut self.code {
                    code.push_str(&t);
                } else {
                    let k = self.kind();
                    self.push(&t, k);
                }
            }
            Event::Code(t) => self.push(&t, Kind::Code),
            Event::Html(h) | Event::InlineHtml(h) => self.html(&h),
            Event::SoftBreak => self.push(" ", Kind::Text),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.blank();
                self.push("* * *", Kind::Dim);
                self.blank();
            }
            Event::TaskListMarker(done) => {
                self.push(if done { "[x] " } else { "[ ] " }, Kind::Marker)
            }
            Event::FootnoteReference(f) => self.push(&format!("[{f}]"), Kind::Dim),
            Event::InlineMath(m) | Event::DisplayMath(m) => self.push(&m, Kind::Code),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.blank();
                let hashes = match level {
                    HeadingLevel::H1 => "# ",
                    HeadingLevel::H2 => "## ",
                    _ => "### ",
                };
                self.push(hashes, Kind::Marker);
                self.cur.outline = Some(String::new());
                self.stack.push(Kind::Heading);
            }
            Tag::BlockQuote(_) => {
                self.blank();
                self.quote += 1;
            }
            Tag::CodeBlock(kind) => {
                self.blank();
                self.code_lang.clear();
                if let CodeBlockKind::Fenced(lang) = kind
                    && !lang.is_empty()
                {
                    self.code_lang = sanitize_line(&lang);
                    self.push(&lang, Kind::Dim);
                    self.flush();
                }
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.blank();
                } else {
                    self.flush();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_owned(),
                };
                self.item_prefix = Some(marker);
            }
            Tag::Emphasis => self.stack.push(Kind::Emphasis),
            Tag::Strong => self.stack.push(Kind::Strong),
            Tag::Strikethrough => self.stack.push(Kind::Dim),
            Tag::Link { dest_url, .. } => {
                self.link = Some(dest_url.to_string());
                self.stack.push(Kind::Link);
            }
            Tag::Image { dest_url, .. } => {
                self.push("[图片: ", Kind::Dim);
                self.link = Some(dest_url.to_string());
                self.stack.push(Kind::Dim);
            }
            Tag::Table(_) => {
                self.blank();
                self.table = Some(Vec::new());
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.push(Vec::new());
                }
            }
            Tag::TableCell => self.cell = Some(String::new()),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.blank(),
            TagEnd::Heading(_) => {
                self.stack.pop();
                self.cur.outline = Some(self.cur.text.trim_start_matches('#').trim().to_owned());
                self.blank();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                while self
                    .out
                    .last()
                    .is_some_and(|l| l.text.is_empty() && !l.prefix.is_empty())
                {
                    self.out.pop();
                }
                self.quote = self.quote.saturating_sub(1);
                self.blank();
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                for (i, line) in code.trim_end_matches('\n').split('\n').enumerate() {
                    self.cur.prefix = format!("{}  ", self.prefix());
                    self.push_raw(line, Kind::Code);
                    self.cur.nowrap = true;
                    if i == 0 {
                        let lang = if self.code_lang.is_empty() {
                            "代码".to_owned()
                        } else {
                            format!("代码 {}", self.code_lang)
                        };
                        self.cur.outline = Some(format!(
                            "{lang}: {}",
                            crate::text::width::ellipsize(line.trim(), 40)
                        ));
                    }
                    let l = std::mem::replace(&mut self.cur, Logical::blank());
                    self.out.push(l);
                }
                self.blank();
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Item => self.flush(),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.stack.pop();
            }
            TagEnd::Link => {
                self.stack.pop();
                if let Some(url) = self.link.take().filter(|u| !u.is_empty()) {
                    let shown = self.cur.text.ends_with(url.as_str());
                    if !shown {
                        self.push(&format!(" ({url})"), Kind::Url);
                    }
                }
            }
            TagEnd::Image => {
                self.stack.pop();
                let url = self.link.take().unwrap_or_default();
                self.push(&format!("] ({url})"), Kind::Dim);
            }
            TagEnd::TableCell => {
                let cell = self.cell.take().unwrap_or_default();
                if let Some(row) = self.table.as_mut().and_then(|t| t.last_mut()) {
                    row.push(sanitize_line(&cell));
                }
            }
            TagEnd::Table => {
                let rows = self.table.take().unwrap_or_default();
                self.table_lines(rows);
                self.blank();
            }
            _ => {}
        }
    }

    /// Table rows with columns padded to a common display width; clipped, never wrapped.
    fn table_lines(&mut self, rows: Vec<Vec<String>>) {
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0usize; cols];
        for row in &rows {
            for (i, c) in row.iter().enumerate() {
                widths[i] = widths[i].max(str_width(c));
            }
        }
        for (ri, row) in rows.iter().enumerate() {
            self.cur.prefix = self.prefix();
            for (i, c) in row.iter().enumerate() {
                if i > 0 {
                    self.push_raw(" | ", Kind::Marker);
                }
                let pad = widths[i].saturating_sub(str_width(c));
                self.push_raw(
                    &format!("{c}{}", " ".repeat(pad)),
                    if ri == 0 { Kind::Strong } else { Kind::Text },
                );
            }
            self.cur.nowrap = true;
            let l = std::mem::replace(&mut self.cur, Logical::blank());
            self.out.push(l);
            if ri == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                self.cur.prefix = self.prefix();
                self.push_raw(&rule.join("-+-"), Kind::Marker);
                self.cur.nowrap = true;
                let l = std::mem::replace(&mut self.cur, Logical::blank());
                self.out.push(l);
            }
        }
    }

    /// Raw HTML as readable text: block tags break lines, cells are separated, the rest of the
    /// tags vanish and entities are decoded.
    fn html(&mut self, h: &str) {
        let mut rest = h;
        while !rest.is_empty() {
            match rest.find('<') {
                Some(0) => {
                    let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                    let tag = rest[1..end.saturating_sub(1)]
                        .trim_start_matches('/')
                        .to_ascii_lowercase();
                    let name: String = tag
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                    match name.as_str() {
                        "br" | "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "h4" | "table"
                        | "pre" => self.flush(),
                        "td" | "th" if !rest.starts_with("</") => self.push(" | ", Kind::Marker),
                        _ => {}
                    }
                    rest = &rest[end..];
                }
                Some(i) => {
                    self.html_text(&rest[..i]);
                    rest = &rest[i..];
                }
                None => {
                    self.html_text(rest);
                    rest = "";
                }
            }
        }
    }

    fn html_text(&mut self, t: &str) {
        let t = decode_entities(t);
        let t = collapse_spaces(&t);
        if !t.is_empty() {
            let k = self.kind();
            self.push(&t, k);
        }
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
