//! HTML → the Markdown the reader renders: headings, paragraphs, lists, quotes, code blocks
//! with their language (`class="language-x"`, `lang-x`, `brush: x`), GFM tables, images
//! `![alt](src)` and links `[text](href)` with URLs made absolute against the page. Scripts,
//! styles, frames, forms, navigation and sidebars are dropped; attributes other than a link's
//! `href`, an image's `src`/`alt` and a code block's class are never looked at, so event
//! handlers cannot survive. A pure function over html5ever's tree (through dom_query).

use dom_query::{Document, NodeRef};
use url::Url;

/// Elements below this depth are flattened to their text (a page nested 100,000 deep must
/// not exhaust the stack).
const MAX_DEPTH: usize = 64;

/// Converts an HTML document or fragment to Markdown; relative URLs are resolved against `base`.
pub fn to_markdown(html: &str, base: Option<&Url>) -> String {
    let doc = Document::from(html);
    let root = doc.body().unwrap_or_else(|| doc.root());
    node_to_markdown(&root, base)
}

/// Converts the children of `node` to Markdown.
pub fn node_to_markdown(node: &NodeRef, base: Option<&Url>) -> String {
    let mut c = Conv {
        base,
        blocks: Vec::new(),
        para: String::new(),
    };
    c.walk(node, 0);
    c.flush();
    c.blocks.join("\n\n")
}

/// A URL as a Markdown link destination, which ends at a space or an unbalanced parenthesis.
fn markdown_dest(u: &str) -> String {
    u.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}

/// Elements whose content is never part of an article.
fn dropped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "frame"
            | "frameset"
            | "object"
            | "embed"
            | "applet"
            | "svg"
            | "math"
            | "canvas"
            | "audio"
            | "video"
            | "form"
            | "button"
            | "input"
            | "select"
            | "textarea"
            | "nav"
            | "aside"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "base"
            | "dialog"
    )
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "figure"
            | "figcaption"
            | "dl"
            | "dt"
            | "dd"
            | "address"
            | "center"
            | "details"
            | "summary"
            | "body"
            | "html"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "blockquote"
            | "ul"
            | "ol"
            | "li"
            | "table"
            | "hr"
    )
}

struct Conv<'u> {
    base: Option<&'u Url>,
    blocks: Vec<String>,
    para: String,
}

fn name_of(n: &NodeRef) -> String {
    n.node_name().map(|t| t.to_string()).unwrap_or_default()
}

impl Conv<'_> {
    fn flush(&mut self) {
        let p = std::mem::take(&mut self.para);
        let p = p.trim_matches(|c: char| c.is_whitespace());
        if !p.is_empty() {
            self.blocks.push(p.to_owned());
        }
    }

    fn sub(&self, node: &NodeRef, depth: usize) -> String {
        let mut c = Conv {
            base: self.base,
            blocks: Vec::new(),
            para: String::new(),
        };
        c.walk(node, depth);
        c.flush();
        c.blocks.join("\n\n")
    }

    fn walk(&mut self, node: &NodeRef, depth: usize) {
        for child in node.children_it(false) {
            if child.is_text() {
                push_text(&mut self.para, &child.text());
                continue;
            }
            if !child.is_element() {
                continue;
            }
            let name = name_of(&child);
            if dropped(&name) {
                continue;
            }
            if depth > MAX_DEPTH {
                push_text(&mut self.para, &child.text());
                continue;
            }
            match name.as_str() {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                    self.flush();
                    let level = name[1..].parse::<usize>().unwrap_or(2);
                    let text = one_line(&self.inline(&child, depth + 1));
                    if !text.is_empty() {
                        self.blocks.push(format!("{} {text}", "#".repeat(level)));
                    }
                }
                "pre" => {
                    self.flush();
                    self.blocks.push(code_block(&child));
                }
                "blockquote" => {
                    self.flush();
                    let inner = self.sub(&child, depth + 1);
                    if !inner.is_empty() {
                        let q: Vec<String> = inner
                            .lines()
                            .map(|l| {
                                if l.is_empty() {
                                    ">".to_owned()
                                } else {
                                    format!("> {l}")
                                }
                            })
                            .collect();
                        self.blocks.push(q.join("\n"));
                    }
                }
                "ul" | "ol" => {
                    self.flush();
                    let list = self.list(&child, name == "ol", depth + 1);
                    if !list.is_empty() {
                        self.blocks.push(list);
                    }
                }
                "table" => {
                    self.flush();
                    let t = self.table(&child, depth + 1);
                    if !t.is_empty() {
                        self.blocks.push(t);
                    }
                }
                "hr" => {
                    self.flush();
                    self.blocks.push("---".into());
                }
                "br" => self.para.push_str("  \n"),
                "img" => {
                    let md = self.image(&child);
                    self.para.push_str(&md);
                }
                n if is_block(n) => {
                    self.flush();
                    self.walk(&child, depth + 1);
                    self.flush();
                }
                _ => {
                    let md = self.inline_element(&child, &name, depth + 1);
                    self.para.push_str(&md);
                }
            }
        }
    }

    /// The inline Markdown of `node`'s children (blocks inside are flattened).
    fn inline(&self, node: &NodeRef, depth: usize) -> String {
        let mut out = String::new();
        for child in node.children_it(false) {
            if child.is_text() {
                push_text(&mut out, &child.text());
            } else if child.is_element() {
                let name = name_of(&child);
                if dropped(&name) {
                    continue;
                }
                if depth > MAX_DEPTH {
                    push_text(&mut out, &child.text());
                    continue;
                }
                match name.as_str() {
                    "br" => out.push_str("  \n"),
                    "img" => out.push_str(&self.image(&child)),
                    _ => {
                        let md = self.inline_element(&child, &name, depth + 1);
                        if is_block(&name) && !out.ends_with(' ') && !out.is_empty() {
                            out.push(' ');
                        }
                        out.push_str(&md);
                    }
                }
            }
        }
        out
    }

    fn inline_element(&self, node: &NodeRef, name: &str, depth: usize) -> String {
        match name {
            "a" => {
                let text = self.inline(node, depth);
                let text = text.trim();
                match node.attr("href").and_then(|h| self.link(&h)) {
                    Some(href) if !text.is_empty() => format!("[{text}]({href})"),
                    _ => text.to_owned(),
                }
            }
            "code" | "kbd" | "samp" | "tt" => inline_code(&node.text()),
            "strong" | "b" => wrap_emphasis(&self.inline(node, depth), "**"),
            "em" | "i" | "cite" => wrap_emphasis(&self.inline(node, depth), "*"),
            "del" | "s" | "strike" => wrap_emphasis(&self.inline(node, depth), "~~"),
            _ => self.inline(node, depth),
        }
    }

    fn image(&self, node: &NodeRef) -> String {
        // Lazy-loading pages keep the real address in a data attribute.
        let src = ["data-src", "data-original", "src"]
            .iter()
            .find_map(|a| node.attr(a).filter(|v| !v.trim().is_empty()))
            .and_then(|s| self.link(&s));
        // An image with no address we keep (a data: URI) still shows as a placeholder.
        let src = src.unwrap_or_default();
        let alt = node
            .attr("alt")
            .map(|a| escape_text(&collapse(&a)))
            .unwrap_or_default();
        format!("![{}]({src})", alt.trim())
    }

    /// An absolute http(s) or mailto URL for `href`, or `None` (javascript:, data:, fragments).
    fn link(&self, href: &str) -> Option<String> {
        let href = href.trim();
        if href.is_empty() || href.starts_with('#') {
            return None;
        }
        let u = match self.base {
            Some(b) => b.join(href).ok()?,
            None => match Url::parse(href) {
                Ok(u) => u,
                // No page to resolve against (an HTML body in the library): a relative
                // address is kept as written; it is shown, never fetched.
                Err(url::ParseError::RelativeUrlWithoutBase) => {
                    return Some(markdown_dest(href));
                }
                Err(_) => return None,
            },
        };
        if !matches!(u.scheme(), "http" | "https" | "mailto") {
            return None;
        }
        Some(markdown_dest(u.as_str()))
    }

    fn list(&self, node: &NodeRef, ordered: bool, depth: usize) -> String {
        let mut out: Vec<String> = Vec::new();
        let mut n = 1;
        for li in node.children_it(false) {
            if !li.is_element() {
                continue;
            }
            let name = name_of(&li);
            let body = if name == "li" {
                self.sub(&li, depth + 1)
            } else if name == "ul" || name == "ol" {
                // A list directly inside a list (invalid but common): nest it in the last item.
                let inner = self.list(&li, name == "ol", depth + 1);
                if let Some(last) = out.last_mut() {
                    for l in inner.lines() {
                        last.push_str("\n   ");
                        last.push_str(l);
                    }
                    continue;
                }
                inner
            } else {
                continue;
            };
            let marker = if ordered {
                format!("{n}. ")
            } else {
                "- ".to_owned()
            };
            n += 1;
            let pad = " ".repeat(marker.len());
            let mut item = String::new();
            for (i, l) in body.lines().enumerate() {
                if i == 0 {
                    item.push_str(&marker);
                    item.push_str(l);
                } else {
                    item.push('\n');
                    if !l.is_empty() {
                        item.push_str(&pad);
                        item.push_str(l);
                    }
                }
            }
            if body.is_empty() {
                item.push_str(marker.trim_end());
            }
            out.push(item);
        }
        out.join("\n")
    }

    fn table(&self, node: &NodeRef, depth: usize) -> String {
        let mut rows: Vec<(bool, Vec<String>)> = Vec::new();
        self.rows(node, depth, &mut rows);
        let cols = rows.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
        if cols == 0 {
            return String::new();
        }
        let fmt = |r: &[String]| {
            let mut cells: Vec<String> = r.to_vec();
            cells.resize(cols, String::new());
            format!("| {} |", cells.join(" | "))
        };
        let mut out = Vec::new();
        // GFM tables need a header row: the first row serves (marked or not).
        let (_, first) = &rows[0];
        out.push(fmt(first));
        out.push(format!("|{}|", vec![" --- "; cols].join("|")));
        for (_, r) in &rows[1..] {
            out.push(fmt(r));
        }
        out.join("\n")
    }

    fn rows(&self, node: &NodeRef, depth: usize, rows: &mut Vec<(bool, Vec<String>)>) {
        for child in node.children_it(false) {
            match name_of(&child).as_str() {
                "thead" | "tbody" | "tfoot" => self.rows(&child, depth + 1, rows),
                "tr" => {
                    let mut cells = Vec::new();
                    let mut header = false;
                    for cell in child.children_it(false) {
                        let n = name_of(&cell);
                        if n == "td" || n == "th" {
                            header |= n == "th";
                            let text = one_line(&self.inline(&cell, depth + 2));
                            cells.push(text.replace('|', "\\|"));
                        }
                    }
                    if !cells.is_empty() {
                        rows.push((header, cells));
                    }
                }
                "caption" => {}
                _ => {}
            }
        }
    }
}

/// Collapses HTML whitespace runs to one space.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space && !out.is_empty() {
        out.push(' ');
    }
    out
}

/// Appends a text node: whitespace collapsed (a leading space only after other text),
/// Markdown punctuation escaped.
fn push_text(out: &mut String, raw: &str) {
    // Entities decode to controls (`&#27;]0;x&#7;`): sanitised before escaping, so that an
    // escape sequence goes whole instead of being split by a backslash and leaving its text.
    let clean = crate::text::sanitize(raw);
    let raw = clean.as_str();
    let c = collapse(raw);
    if c.is_empty() {
        if raw.chars().any(char::is_whitespace) && !out.is_empty() && !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
        return;
    }
    let lead = raw.starts_with(|ch: char| ch.is_whitespace());
    if lead && !out.is_empty() && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
    out.push_str(&escape_text(&c));
}

/// Escapes the characters that would make text into Markdown syntax.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn one_line(s: &str) -> String {
    collapse(&s.replace("  \n", " ")).trim().to_owned()
}

fn wrap_emphasis(inner: &str, mark: &str) -> String {
    let t = inner.trim();
    if t.is_empty() {
        return inner.to_owned();
    }
    let lead = if inner.starts_with(' ') { " " } else { "" };
    let trail = if inner.ends_with(' ') { " " } else { "" };
    format!("{lead}{mark}{t}{mark}{trail}")
}

fn inline_code(text: &str) -> String {
    let t = text.replace('\n', " ");
    if t.trim().is_empty() {
        return String::new();
    }
    let longest = longest_run(&t, '`');
    let fence = "`".repeat(longest + 1);
    if t.starts_with('`') || t.ends_with('`') {
        format!("{fence} {t} {fence}")
    } else {
        format!("{fence}{t}{fence}")
    }
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        if c == ch {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// A fenced code block from `<pre>`: the text as written (lines from `<br>` and line
/// elements too), the language from the `pre`, its `code`, or the wrapper's class.
fn code_block(pre: &NodeRef) -> String {
    let mut text = String::new();
    pre_text(pre, &mut text, 0);
    let text = text.trim_matches('\n');
    let lang = language(pre)
        .or_else(|| {
            pre.children_it(false)
                .find(|c| name_of(c) == "code")
                .and_then(|c| language(&c))
        })
        .or_else(|| pre.parent().and_then(|p| language(&p)))
        .unwrap_or_default();
    let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
    format!("{fence}{lang}\n{text}\n{fence}")
}

fn pre_text(node: &NodeRef, out: &mut String, depth: usize) {
    for child in node.children_it(false) {
        if child.is_text() {
            out.push_str(&child.text());
        } else if child.is_element() {
            let name = name_of(&child);
            // Line-number gutters are not code.
            let class = child.class().map(|c| c.to_string()).unwrap_or_default();
            if dropped(&name) || class.contains("numbering") || class.contains("line-numbers-rows")
            {
                continue;
            }
            if name == "br" {
                out.push('\n');
            } else if depth > MAX_DEPTH {
                out.push_str(&child.text());
            } else {
                pre_text(&child, out, depth + 1);
                if matches!(name.as_str(), "li" | "div" | "p" | "tr") && !out.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
}

/// A code language named by a class: `language-x`, `lang-x`, `brush: x;`, `highlight-x`,
/// `hljs x` (or a `data-lang`/`lang` attribute).
fn language(node: &NodeRef) -> Option<String> {
    let clean = |s: &str| {
        let s: String = s
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '-' | '_' | '.'))
            .collect();
        let s = s.to_ascii_lowercase();
        (!s.is_empty() && s.len() <= 32).then_some(s)
    };
    if let Some(v) = node.attr("data-lang").or_else(|| node.attr("lang")) {
        if name_of(node) != "html" {
            if let Some(l) = clean(&v) {
                return Some(l);
            }
        }
    }
    let class = node.class()?.to_string();
    if let Some(i) = class.find("brush:") {
        return clean(class[i + 6..].trim_start());
    }
    for token in class.split_whitespace() {
        for p in ["language-", "lang-", "highlight-source-", "highlight-"] {
            if let Some(rest) = token.strip_prefix(p) {
                if let Some(l) = clean(rest) {
                    return Some(l);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        let base = Url::parse("https://blog.example.cn/a/b/post.html").unwrap();
        to_markdown(html, Some(&base))
    }

    #[test]
    fn headings_paragraphs_and_inline() {
        let m = md(
            "<h2>缓存 <em>穿透</em></h2><p>用 <strong>布隆过滤器</strong> 挡住,见 <a href=\"../x.html\">上一篇</a>。<br>第二行 <code>GET key</code></p>",
        );
        assert_eq!(
            m,
            "## 缓存 *穿透*\n\n用 **布隆过滤器** 挡住,见 [上一篇](https://blog.example.cn/a/x.html)。  \n第二行 `GET key`"
        );
    }

    #[test]
    fn code_blocks_keep_language_and_text() {
        let m = md(
            "<pre><code class=\"hljs language-rust\">fn main() {\n    println!(\"&lt;hi&gt;\");\n}\n</code></pre>",
        );
        assert_eq!(m, "```rust\nfn main() {\n    println!(\"<hi>\");\n}\n```");
        let m = md("<pre class=\"brush: java; gutter: false\">int a = 1;</pre>");
        assert_eq!(m, "```java\nint a = 1;\n```");
        let m = md("<div class=\"highlight-python\"><pre>x = 1<br>y = 2</pre></div>");
        assert_eq!(m, "```python\nx = 1\ny = 2\n```");
        let m = md("<pre><code class=\"lang-go\">a := \"```\"</code></pre>");
        assert_eq!(m, "````go\na := \"```\"\n````");
        let m = md(
            "<pre class=\"prettyprint\"><code><ul class=\"pre-numbering\"><li>1</li><li>2</li></ul>a\nb</code></pre>",
        );
        assert_eq!(m, "```\na\nb\n```");
    }

    #[test]
    fn tables_become_gfm() {
        let m = md(
            "<table><thead><tr><th>参数</th><th>默认</th></tr></thead><tbody><tr><td>maxmemory</td><td>0 | 无</td></tr><tr><td>only</td></tr></tbody></table>",
        );
        assert_eq!(
            m,
            "| 参数 | 默认 |\n| --- | --- |\n| maxmemory | 0 \\| 无 |\n| only |  |"
        );
    }

    #[test]
    fn images_lists_quotes() {
        let m = md(
            "<p><img src=\"/img/a.png\" alt=\"架构 图\"><img data-src=\"b.png\" src=\"data:image/gif;base64,R0\"></p><ul><li>一</li><li>二<ol><li>甲</li></ol></li></ul><blockquote><p>引用</p><p>两段</p></blockquote>",
        );
        assert_eq!(
            m,
            "![架构 图](https://blog.example.cn/img/a.png)![](https://blog.example.cn/a/b/b.png)\n\n- 一\n- 二\n\n  1. 甲\n\n> 引用\n>\n> 两段"
        );
    }

    #[test]
    fn active_content_and_chrome_never_kept() {
        let m = md(
            "<nav><a href=\"/\">首页</a></nav><p onclick=\"steal()\">正文<script>alert(1)</script><style>p{}</style></p><iframe src=\"https://evil\"></iframe><aside>侧栏</aside><a href=\"javascript:alert(1)\">点我</a><form><input value=x></form>",
        );
        assert_eq!(m, "正文\n\n点我");
        assert!(!m.contains("steal") && !m.contains("alert"));
    }

    #[test]
    fn markdown_in_text_is_escaped() {
        assert_eq!(
            md("<p>a*b*_c_ [x](y) &lt;b&gt;</p>"),
            "a\\*b\\*\\_c\\_ \\[x\\](y) \\<b>"
        );
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let html = format!(
            "{}深{}",
            "<div><span>".repeat(5_000),
            "</span></div>".repeat(5_000)
        );
        let m = md(&html);
        assert_eq!(m.trim(), "深");
    }
}
