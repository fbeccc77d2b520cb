//! Markdown, and the HTML inside it, → logical lines with style runs. HTML blocks go through a
//! real parser (html5ever, via [`super::html`]) into Markdown first, so a blog export's
//! `<pre><code class=language-x>`, tables, images and links become the same blocks as
//! Markdown's own.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{CodeBlock, Kind, Link, Logical, RenderOptions};
use crate::text::wrap::wrap_line;
use crate::text::{is_cjk, sanitize_line, str_width};

/// HTML converted to Markdown is rendered by the same builder; its output holds no HTML, and
/// this bounds the recursion should it ever.
const MAX_HTML_DEPTH: usize = 2;
/// A table column is at most this wide; longer cells wrap inside their column.
const MAX_CELL: usize = 40;
/// A link or image URL is kept up to this many bytes (a 5 MB `data:` image is not copied).
const MAX_URL: usize = 2_048;

/// What rendering produced: lines, then the links and code blocks they number.
pub(super) struct Rendered {
    pub lines: Vec<Logical>,
    pub links: Vec<Link>,
    pub blocks: Vec<CodeBlock>,
}

/// Builds logical lines from Markdown.
struct Builder<'o> {
    opts: &'o RenderOptions,
    out: Vec<Logical>,
    cur: Logical,
    stack: Vec<Kind>,
    quote: usize,
    lists: Vec<Option<u64>>,
    item_prefix: Option<String>,
    code: Option<String>,
    code_lang: String,
    /// The open link: its URL and where its text starts (lines so far, byte in `cur`).
    link: Option<(String, usize, usize)>,
    /// The open image: its alt text so far, and its URL.
    image: Option<String>,
    link_image: Option<String>,
    links: Vec<Link>,
    /// Link numbers by (URL, is image): the same address keeps its number.
    numbers: std::collections::HashMap<(String, bool), usize>,
    blocks: Vec<CodeBlock>,
    table: Option<Vec<Vec<String>>>,
    cell: Option<String>,
    html: String,
    depth: usize,
}

pub(super) fn render_markdown(src: &str, opts: &RenderOptions) -> Rendered {
    let mut b = Builder {
        opts,
        out: Vec::new(),
        cur: Logical::blank(),
        stack: Vec::new(),
        quote: 0,
        lists: Vec::new(),
        item_prefix: None,
        code: None,
        code_lang: String::new(),
        link: None,
        image: None,
        link_image: None,
        links: Vec::new(),
        numbers: std::collections::HashMap::new(),
        blocks: Vec::new(),
        table: None,
        cell: None,
        html: String::new(),
        depth: 0,
    };
    b.run(&drop_toc(src));
    b.flush();
    while b.out.last().is_some_and(|l| l.text.is_empty()) {
        b.out.pop();
    }
    Rendered {
        lines: b.out,
        links: b.links,
        blocks: b.blocks,
    }
}

/// Hexo/Typora `[TOC]` markers (the outline `O` is the table of contents) are removed, except
/// inside fenced code.
fn drop_toc(src: &str) -> std::borrow::Cow<'_, str> {
    let is_toc = |l: &str| {
        let t = l.trim();
        t.eq_ignore_ascii_case("[toc]") || t.eq_ignore_ascii_case("@[toc]")
    };
    if !src.lines().any(is_toc) {
        return src.into();
    }
    let mut fence = false;
    let mut out = String::with_capacity(src.len());
    for line in src.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
        }
        if fence || !is_toc(line) {
            out.push_str(line);
        }
    }
    out.into()
}

fn clip_url(url: &str) -> String {
    let url = sanitize_line(url.trim());
    if url.len() <= MAX_URL {
        return url;
    }
    let mut end = MAX_URL;
    while !url.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}⋯", &url[..end])
}

/// Text that a thin space separates from Chinese (`使用Redis缓存` → `使用 Redis 缓存`).
fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

impl Builder<'_> {
    fn run(&mut self, src: &str) {
        let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
        for ev in Parser::new_ext(src, opts) {
            if !matches!(ev, Event::Html(_)) && !self.html.is_empty() {
                self.flush_html();
            }
            self.event(ev);
        }
        if !self.html.is_empty() {
            self.flush_html();
        }
    }

    /// Consecutive HTML blocks, parsed as one fragment and rendered as Markdown.
    fn flush_html(&mut self) {
        let html = std::mem::take(&mut self.html);
        if self.depth >= MAX_HTML_DEPTH {
            let k = self.kind();
            self.push(&crate::text::plain::collapse_spaces(&html), k);
            return;
        }
        // Entities decode to controls (`&#27;]0;…&#7;`): the converted text is sanitised whole,
        // so an escape sequence goes as one piece instead of leaving its text behind.
        let md = crate::text::sanitize(&super::html::to_markdown(&html, None));
        self.blank();
        self.depth += 1;
        self.run(&md);
        self.depth -= 1;
        self.blank();
    }

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
        if let Some(alt) = &mut self.image {
            alt.push_str(text);
            return;
        }
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
        if self.opts.cjk_spacing {
            self.push_spaced(text, kind);
        } else {
            self.push_raw(text, kind);
        }
    }

    /// Pushes prose with a space between Chinese and Latin letters or digits, also across the
    /// boundary with what came before; code spans are spaced from their neighbours, never
    /// inside.
    fn push_spaced(&mut self, text: &str, kind: Kind) {
        let text = sanitize_line(text);
        let needs = |a: char, b: char| (is_cjk(a) && is_latin(b)) || (is_latin(a) && is_cjk(b));
        let mut prev = self.cur.text.chars().next_back();
        if kind == Kind::Code || kind == Kind::Url {
            if let (Some(a), Some(b)) = (prev, text.chars().next())
                && (is_cjk(a) && !b.is_whitespace() || is_cjk(b) && !a.is_whitespace())
            {
                self.cur.text.push(' ');
            }
            self.push_raw(&text, kind);
            return;
        }
        let start = self.cur.text.len();
        let ends_code = self
            .cur
            .runs
            .last()
            .is_some_and(|r| r.1 == Kind::Code && r.0.end == start);
        let mut spaced = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            if let Some(a) = prev
                && (needs(a, c) || (spaced.is_empty() && ends_code && is_cjk(c)))
            {
                spaced.push(' ');
            }
            spaced.push(c);
            prev = Some(c);
        }
        self.push_raw(&spaced, kind);
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
            Event::Html(h) => {
                if self.code.is_none() {
                    self.html.push_str(&h);
                }
            }
            Event::InlineHtml(h) => self.inline_html(&h),
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

    /// An inline tag inside a paragraph: line breaks break, images become placeholders (their
    /// attributes read by the HTML parser), the rest of the tags vanish (their text arrives as
    /// text events).
    fn inline_html(&mut self, h: &str) {
        let name: String = h
            .trim_start_matches('<')
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "br" | "p" | "div" | "li" | "tr" => self.flush(),
            "img" => {
                let doc = dom_query::Document::from(h);
                let img = doc.select("img");
                let alt = img.attr("alt").map(|s| s.to_string()).unwrap_or_default();
                let src = img.attr("src").map(|s| s.to_string()).unwrap_or_default();
                self.image = Some(alt);
                self.end_image(src);
            }
            _ => {}
        }
    }

    /// Registers a link or image URL and returns its number (the same URL keeps its number).
    fn number(&mut self, url: &str, text: String, image: bool) -> usize {
        if let Some(&n) = self.numbers.get(&(url.to_owned(), image)) {
            return n;
        }
        let n = self.links.len() + 1;
        self.numbers.insert((url.to_owned(), image), n);
        self.links.push(Link {
            n,
            text,
            url: url.to_owned(),
            image,
        });
        n
    }

    fn end_image(&mut self, src: String) {
        let alt = self.image.take().unwrap_or_default();
        let alt = crate::text::plain::collapse_spaces(&sanitize_line(&alt));
        let url = clip_url(&src);
        let n = self.number(&url, alt.clone(), true);
        let label = if alt.is_empty() {
            format!("[图 {n}]")
        } else {
            format!("[图 {n}: {alt}]")
        };
        self.push(&label, Kind::Dim);
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
                if let CodeBlockKind::Fenced(lang) = kind {
                    // `rust,ignore`, `{.python}`, `language-go`: the first word is the language.
                    let first = lang
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{' || c == '}')
                        .find(|s| !s.is_empty())
                        .unwrap_or("");
                    let first = first.trim_start_matches('.');
                    let first = first.strip_prefix("language-").unwrap_or(first);
                    self.code_lang = crate::text::width::ellipsize(&sanitize_line(first), 24);
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
                self.link = Some((dest_url.to_string(), self.out.len(), self.cur.text.len()));
                self.stack.push(Kind::Link);
            }
            Tag::Image { dest_url, .. } => {
                // The alt text arrives as text events; collected, then shown as a placeholder.
                self.image = Some(String::new());
                self.link_image = Some(dest_url.to_string());
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
            TagEnd::CodeBlock => self.code_block(),
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
                if let Some((url, line, at)) = self.link.take() {
                    let url = url.trim();
                    // In-page anchors (`#overview`) go nowhere a reader can follow: text only.
                    if !url.is_empty() && !url.starts_with('#') {
                        let text = if line == self.out.len() && self.cell.is_none() {
                            self.cur.text.get(at..).unwrap_or("").trim().to_owned()
                        } else {
                            String::new()
                        };
                        let url = clip_url(url);
                        let n = self.number(&url, text, false);
                        self.push(&format!("[{n}]"), Kind::Dim);
                    }
                }
            }
            TagEnd::Image => {
                let src = self.link_image.take().unwrap_or_default();
                self.end_image(src);
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

    /// A code block: a label line with its language, then its lines behind a left rule,
    /// highlighted when the language is known; clipped, never re-wrapped.
    fn code_block(&mut self) {
        let code = self.code.take().unwrap_or_default();
        let code = code.trim_end_matches('\n');
        let lines: Vec<&str> = code.split('\n').collect();
        let index = self.blocks.len();
        let rule = if self.opts.ascii { "| " } else { "╎ " };
        let lang = std::mem::take(&mut self.code_lang);
        let label = if lang.is_empty() {
            "代码".to_owned()
        } else {
            lang.clone()
        };
        self.cur.prefix = format!("{}{rule}", self.prefix());
        self.push_raw(&label, Kind::Dim);
        self.cur.nowrap = true;
        self.cur.block = Some(index);
        self.cur.outline = Some(format!(
            "{}: {}",
            if lang.is_empty() {
                "代码".to_owned()
            } else {
                format!("代码 {lang}")
            },
            crate::text::width::ellipsize(lines.first().map_or("", |l| l.trim()), 40)
        ));
        let l = std::mem::replace(&mut self.cur, Logical::blank());
        self.out.push(l);
        for (i, line) in lines.iter().enumerate() {
            self.cur.prefix = format!("{}{rule}", self.prefix());
            self.push_raw(line, Kind::Code);
            self.cur.nowrap = true;
            self.cur.block = Some(index);
            self.cur.code_line = Some(i);
            let l = std::mem::replace(&mut self.cur, Logical::blank());
            self.out.push(l);
        }
        self.blocks.push(CodeBlock {
            lang,
            text: lines
                .iter()
                .map(|l| sanitize_line(l))
                .collect::<Vec<_>>()
                .join("\n"),
        });
        self.blank();
    }

    /// Table rows in a box-drawn frame (ASCII with `ascii_borders`), columns padded to a
    /// common display width, long cells wrapped inside their column; clipped, never wrapped.
    fn table_lines(&mut self, rows: Vec<Vec<String>>) {
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let mut widths = vec![1usize; cols];
        for row in &rows {
            for (i, c) in row.iter().enumerate() {
                widths[i] = widths[i].max(str_width(c).min(MAX_CELL));
            }
        }
        let (h, v, tl, tm, tr, ml, mm, mr, bl, bm, br) = if self.opts.ascii {
            ("-", "|", "+", "+", "+", "+", "+", "+", "+", "+", "+")
        } else {
            ("─", "│", "┌", "┬", "┐", "├", "┼", "┤", "└", "┴", "┘")
        };
        let border = |l: &str, m: &str, r: &str| -> String {
            let parts: Vec<String> = widths.iter().map(|w| h.repeat(w + 2)).collect();
            format!("{l}{}{r}", parts.join(m))
        };
        let top = border(tl, tm, tr);
        self.table_rule(&top);
        for (ri, row) in rows.iter().enumerate() {
            // Each cell wrapped to its column; the row is as tall as its tallest cell.
            let cells: Vec<Vec<&str>> = (0..cols)
                .map(|i| {
                    let c = row.get(i).map_or("", String::as_str);
                    wrap_line(c, widths[i]).into_iter().map(|r| &c[r]).collect()
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1);
            for k in 0..height {
                self.cur.prefix = self.prefix();
                self.push_raw(v, Kind::Marker);
                for (i, lines) in cells.iter().enumerate() {
                    let c = lines.get(k).copied().unwrap_or("");
                    let pad = widths[i].saturating_sub(str_width(c));
                    self.push_raw(
                        &format!(" {c}{} ", " ".repeat(pad)),
                        if ri == 0 { Kind::Strong } else { Kind::Text },
                    );
                    self.push_raw(v, Kind::Marker);
                }
                self.cur.nowrap = true;
                let l = std::mem::replace(&mut self.cur, Logical::blank());
                self.out.push(l);
            }
            if ri == 0 && rows.len() > 1 {
                let mid = border(ml, mm, mr);
                self.table_rule(&mid);
            }
        }
        let bottom = border(bl, bm, br);
        self.table_rule(&bottom);
    }

    fn table_rule(&mut self, s: &str) {
        self.cur.prefix = self.prefix();
        self.push_raw(s, Kind::Marker);
        self.cur.nowrap = true;
        let l = std::mem::replace(&mut self.cur, Logical::blank());
        self.out.push(l);
    }
}
