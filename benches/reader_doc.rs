//! Opening an article in the reader: `cargo bench --bench reader_doc`.
//!
//! Times `Document::with_options` (Markdown/HTML → lines) plus the first layout at 100
//! columns, which is what the reader does on its own thread when an article opens, on:
//! - `200_code_blocks`: 200 fenced blocks of 8–30 lines in 10 languages between paragraphs of
//!   Chinese prose (~330 KB), the issue's bound: under 50 ms;
//! - `html_export`: the same article as a blog export's HTML (`<pre><code class=language-x>`);
//! - `hostile`: a 5,000-line block, a 10,000-column line, a 300-column table and 10,000 links.
//!
//! Then `highlight/200_code_blocks`: syntect colouring the same article's blocks, which the
//! reader's highlight worker does afterwards (colours appear when it is done; the reader
//! never waits for it). The syntax set is loaded before timing (the worker loads it at
//! start); the one-off load is printed first. Under `cargo test --benches` each case runs once.

use std::fmt::Write as _;
use std::time::Instant;

use criterion::Criterion;
use zhiku::doc::{Document, RenderOptions};

const LANGS: &[(&str, &str)] = &[
    (
        "rust",
        "fn handle(req: &Request) -> Result<Response, Error> { let id = req.param(\"id\")?; Ok(Response::json(&lookup(id)?)) }",
    ),
    (
        "java",
        "public List<Order> findOrders(Long userId) { return orderMapper.selectList(new QueryWrapper<Order>().eq(\"user_id\", userId)); }",
    ),
    (
        "go",
        "func (s *Server) Handle(w http.ResponseWriter, r *http.Request) { if err := s.db.PingContext(r.Context()); err != nil { http.Error(w, err.Error(), 500) } }",
    ),
    (
        "python",
        "def backup(path: str, keep: int = 7) -> None:  # 保留最近 7 份\n    files = sorted(glob.glob(f\"{path}/*.tar.gz\"))[:-keep]",
    ),
    (
        "sql",
        "SELECT u.id, count(o.id) AS 订单数 FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE o.created_at > now() - interval '7 day' GROUP BY u.id;",
    ),
    (
        "bash",
        "kubectl -n prod rollout restart deployment/api && kubectl -n prod rollout status deployment/api --timeout=120s | tee -a /var/log/deploy.log",
    ),
    (
        "yaml",
        "spec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2",
    ),
    (
        "javascript",
        "export async function fetchList(page = 1) { const res = await fetch(`/api/list?page=${page}`); return (await res.json()).items.map(x => x.title); }",
    ),
    (
        "toml",
        "[server]\nport = 8080\nworkers = 4\n[database]\nurl = \"postgres://app@localhost/app\"",
    ),
    (
        "dockerfile",
        "FROM rust:1.85 AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nFROM debian:bookworm-slim\nCOPY --from=build /src/target/release/app /usr/local/bin/",
    ),
];

const PROSE: &str = "线上环境的数据库连接池在高峰期被打满，接口超时率从 0.1% 升到了 12%。排查下来是慢查询拖住了连接，\
而重试逻辑又在客户端放大了请求量。下面的代码是修复后的版本，关键在于给每次查询设置超时，并把重试改成带抖动的指数退避。";

fn article(blocks: usize) -> String {
    let mut s = String::from("# 一次连接池打满的排查\n\n");
    for i in 0..blocks {
        let (lang, line) = LANGS[i % LANGS.len()];
        let _ = write!(s, "## 第 {} 步\n\n{PROSE}\n\n```{lang}\n", i + 1);
        for k in 0..(8 + (i * 7) % 23) {
            let _ = writeln!(s, "{line} // {k}");
        }
        s.push_str("```\n\n");
    }
    s
}

fn html_article(blocks: usize) -> String {
    let mut s = String::from("<h1>一次连接池打满的排查</h1>");
    for i in 0..blocks {
        let (lang, line) = LANGS[i % LANGS.len()];
        let _ = write!(
            s,
            "<h2>第 {} 步</h2><p>{PROSE}</p><pre><code class=\"language-{lang}\">",
            i + 1
        );
        for k in 0..(8 + (i * 7) % 23) {
            let esc = line
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            let _ = writeln!(s, "{esc} // {k}");
        }
        s.push_str("</code></pre>");
    }
    s
}

fn hostile() -> String {
    let mut s = String::from("```rust\n");
    for i in 0..5_000 {
        let _ = writeln!(s, "let x{i} = {i};");
    }
    s.push_str("```\n\n");
    s.push_str(&"很长".repeat(5_000));
    s.push_str("\n\n|");
    s.push_str(&" h |".repeat(300));
    s.push_str("\n|");
    s.push_str(&"---|".repeat(300));
    s.push_str("\n|");
    s.push_str(&" 值 |".repeat(300));
    s.push_str("\n\n");
    for i in 0..10_000 {
        let _ = write!(s, "[链接{i}](https://example.com/{i}) ");
    }
    s
}

fn open(body: &str, opts: &RenderOptions) -> usize {
    let mut d = Document::with_options(body, &[], opts);
    d.layout(100);
    d.visual.len()
}

fn main() {
    let t = Instant::now();
    zhiku::doc::warm_up();
    println!(
        "syntax set load (once per process): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let opts = RenderOptions::default();
    let md = article(200);
    let html = html_article(200);
    let bad = hostile();
    println!(
        "article sizes: markdown {} KB, html {} KB, hostile {} KB",
        md.len() / 1024,
        html.len() / 1024,
        bad.len() / 1024
    );
    let mut c = Criterion::default().configure_from_args().sample_size(20);
    // What the reader does on its own thread when an article opens (render + first layout).
    c.bench_function("open/200_code_blocks", |b| b.iter(|| open(&md, &opts)));
    c.bench_function("open/html_export", |b| b.iter(|| open(&html, &opts)));
    c.bench_function("open/hostile", |b| b.iter(|| open(&bad, &opts)));
    // What the highlight worker does afterwards, off the reader's thread (bounded by a
    // budget of highlighted bytes per article).
    let theme = zhiku::doc::default_theme(true);
    let doc = Document::with_options(&md, &[], &opts);
    c.bench_function("highlight/200_code_blocks", |b| {
        b.iter(|| zhiku::doc::colour_blocks(&doc.blocks, theme).len())
    });
    c.final_summary();
}
