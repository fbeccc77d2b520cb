//! Markdown and the raw HTML inside it → logical lines with style runs.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{Kind, Logical};
use crate::text::plain::{collapse_spaces, decode_entities};
use crate::text::{sanitize_line, str_width};

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

pub(super) fn render_markdown(src: &str) -> Vec<Logical> {
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
