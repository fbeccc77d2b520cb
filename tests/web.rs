//! The web against a server on 127.0.0.1 the tests start (tests/common/web.rs): the network
//! rules (cases 49–52), charsets (53), feeds (54), extraction (55). No test touches the
//! internet.

mod common;

use std::time::Duration;

use common::web::{Reply, Server, read_fixture};
use url::Url;
use zhiku::store::Store;
use zhiku::web::fetch::{Event, fetch_all};
use zhiku::web::net::{Client, FetchError, NetConfig, ProxyEnv};
use zhiku::web::{Labels, PageError, fetch_page, page_article};

fn client() -> Client {
    client_with(NetConfig::default())
}

fn client_with(cfg: NetConfig) -> Client {
    // Never a proxy from the environment: the server is on loopback.
    Client::with_proxies(cfg, ProxyEnv::default())
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn with_host(name: &str, srv: &Server) -> Vec<u8> {
    String::from_utf8(read_fixture(name))
        .unwrap()
        .replace("http://HOST", &srv.url(""))
        .into_bytes()
}

// 49. Only http and https.
#[test]
fn other_schemes_are_refused_and_so_are_redirects_to_them() {
    let c = client();
    for bad in [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<p>x",
    ] {
        let e = zhiku::web::net::web_url(bad).unwrap_err();
        assert!(matches!(e, FetchError::Scheme { .. }), "{bad}: {e}");
        assert!(e.to_string().contains("only http and https"), "{e}");
    }
    let srv = Server::start();
    srv.route(
        "/to-file",
        Reply::Redirect(302, "file:///etc/passwd".into()),
    );
    let e = c.get(&url(&srv.url("/to-file")), None).unwrap_err();
    assert!(matches!(e, FetchError::Scheme { .. }), "{e}");
}

// 50. A server that accepts and never answers: the fetch ends at the timeout.
#[test]
fn a_server_that_never_answers_times_out() {
    let srv = Server::start();
    srv.route("/hang", Reply::Hang);
    let c = client_with(NetConfig {
        timeout: Duration::from_secs(1),
        ..NetConfig::default()
    });
    let e = c.get(&url(&srv.url("/hang")), None).unwrap_err();
    assert!(matches!(e, FetchError::Timeout { .. }), "{e}");
    assert!(e.to_string().contains("/hang: timed out"), "{e}");
}

// 51. Redirects: followed up to 5, loops detected, 404/500 name URL and status.
#[test]
fn redirects_loops_and_statuses() {
    let srv = Server::start();
    for i in 0..6 {
        srv.route(
            &format!("/r{i}"),
            Reply::Redirect(301, format!("/r{}", i + 1)),
        );
    }
    srv.page("/r6", "text/html", "<p>end</p>");
    srv.page("/r5-ok", "text/html", "<p>ok</p>");
    let c = client();
    // Five hops are fine.
    let r = c.get(&url(&srv.url("/r1")), None).unwrap();
    assert_eq!(r.url.path(), "/r6");
    // Six are not.
    let e = c.get(&url(&srv.url("/r0")), None).unwrap_err();
    assert!(
        matches!(e, FetchError::TooManyRedirects { limit: 5, .. }),
        "{e}"
    );

    srv.route("/a", Reply::Redirect(302, "/b".into()));
    srv.route("/b", Reply::Redirect(307, srv.url("/a")));
    let e = c.get(&url(&srv.url("/a")), None).unwrap_err();
    assert!(matches!(e, FetchError::RedirectLoop { .. }), "{e}");
    assert!(e.to_string().contains("redirect loop"), "{e}");

    srv.route("/boom", Reply::Fixed(500, vec![], b"oops".to_vec()));
    let e = c.get(&url(&srv.url("/boom")), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: HTTP 500 Internal Server Error", srv.url("/boom"))
    );
    let e = c.get(&url(&srv.url("/missing")), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: HTTP 404 Not Found", srv.url("/missing"))
    );
}

#[test]
fn the_request_names_zhiku() {
    let srv = Server::start();
    srv.page("/", "text/html", "<p>x</p>");
    client().get(&url(&srv.url("/")), None).unwrap();
    let ua = srv.seen()[0].header("user-agent").unwrap_or("").to_owned();
    assert!(
        ua.starts_with(&format!("zhiku/{}", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );
}

// 52. The body limit counts decompressed bytes: a 1 GiB body and a 1 GiB gzip bomb (about
// 1 MiB on the wire) are both refused at 10 MiB, and neither is ever held in memory.
#[test]
fn a_huge_body_is_refused_at_the_limit() {
    let srv = Server::start();
    srv.route("/huge", Reply::Zeros(1 << 30));
    let e = client().get(&url(&srv.url("/huge")), None).unwrap_err();
    assert!(
        matches!(e, FetchError::TooLarge { limit, .. } if limit == 10 << 20),
        "{e}"
    );
    assert!(e.to_string().contains("larger than 10 MiB"), "{e}");
}

#[test]
fn a_gzip_bomb_is_refused_after_decompression() {
    let srv = Server::start();
    srv.route("/bomb", Reply::GzipBomb(1024));
    let e = client().get(&url(&srv.url("/bomb")), None).unwrap_err();
    assert!(matches!(e, FetchError::TooLarge { .. }), "{e}");
    // A small gzip body under the limit is decoded.
    srv.route("/small", Reply::GzipBomb(2));
    let r = client().get(&url(&srv.url("/small")), None).unwrap();
    assert_eq!(r.body.len(), 2 << 20);
}

// 53. Charsets.
#[test]
fn a_gbk_page_is_stored_as_chinese() {
    let srv = Server::start();
    srv.page("/gbk", "text/html", read_fixture("gbk-article.html"));
    let (page, _) = fetch_page(&client(), &url(&srv.url("/gbk"))).unwrap();
    assert_eq!(page.title, "MySQL 索引下推详解", "the site's suffix is cut");
    assert!(
        page.markdown.contains("索引下推（Index Condition Pushdown"),
        "{}",
        page.markdown
    );
    assert!(
        page.markdown
            .contains("```sql\nSELECT * FROM tuser WHERE name LIKE '张%'")
    );
    assert_eq!(page.author.as_deref(), Some("李四"));
    assert!(!page.markdown.contains('\u{fffd}'));
    for chrome in ["随笔分类", "楼主写得真清楚", "博问"] {
        assert!(!page.markdown.contains(chrome), "{chrome}");
    }
}

#[test]
fn gbk_declared_as_utf8_is_not_stored_as_mojibake() {
    let srv = Server::start();
    let text = String::from_utf8(read_fixture("code-table.html")).unwrap();
    let gbk = encoding_rs::GBK.encode(&text).0.into_owned();
    srv.page("/liar", "text/html; charset=utf-8", gbk);
    let (page, _) = fetch_page(&client(), &url(&srv.url("/liar"))).unwrap();
    assert_eq!(page.title, "Rust 错误处理速查");
    assert!(page.markdown.contains("可恢复的错误"), "{}", page.markdown);
    assert!(!page.markdown.contains('\u{fffd}'));
}

// 55. Extraction: code with its language, a GFM table, absolute links and images; nothing
// active, no navigation, sidebar or comments.
#[test]
fn a_utf8_page_with_code_and_a_table() {
    let srv = Server::start();
    srv.page(
        "/post",
        "text/html; charset=utf-8",
        read_fixture("code-table.html"),
    );
    let (page, got) = fetch_page(&client(), &url(&srv.url("/post"))).unwrap();
    let md = &page.markdown;
    assert!(
        md.contains("```rust\nfn read_config(path: &str) -> Result<String, std::io::Error> {"),
        "{md}"
    );
    assert!(
        md.contains(
            "| crate | 用途 | 适合 |\n| --- | --- | --- |\n| thiserror | 定义错误类型 | 库 |"
        ),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "![错误传播流程图]({})",
            srv.url("/images/error-flow.png")
        )),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "[上一篇]({})",
            srv.url("/post/7300000000000000000")
        )),
        "{md}"
    );
    assert!(
        md.contains(
            "[The Book 第九章](https://doc.rust-lang.org/book/ch09-00-error-handling.html)"
        )
    );
    assert!(md.contains("`Result<T, E>`"), "{md}");
    for never in [
        "tracker",
        "cookie",
        "alert",
        "onerror",
        "color: red",
        "ads.example",
        "相关推荐",
        "Go 错误处理",
        "学到了",
        "沸点",
        "© 掘金",
    ] {
        assert!(!md.contains(never), "{never:?} in {md}");
    }
    assert_eq!(page.author.as_deref(), Some("王五"));
    assert_eq!(
        page.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-06-01T08:00:00+08:00")
    );
    // The canonical URL names another host: the page's own URL stays its identity.
    let a = page_article(
        &page,
        Some(&got),
        &Labels::default(),
        "x",
        zhiku::import::record::china_offset(),
    )
    .unwrap();
    assert_eq!(a.url.as_deref(), Some(srv.url("/post").as_str()));
    assert_eq!(
        a.summary.as_deref(),
        Some("Result、? 运算符和 thiserror 一览。")
    );
}

#[test]
fn a_page_with_nothing_readable_is_a_clear_error() {
    let srv = Server::start();
    srv.page("/login", "text/html", read_fixture("no-content.html"));
    let e = fetch_page(&client(), &url(&srv.url("/login"))).unwrap_err();
    assert!(matches!(e, PageError::Extract { .. }), "{e}");
    assert!(e.to_string().contains("no readable content"), "{e}");
    srv.page("/img", "image/png", vec![0x89, b'P', b'N', b'G']);
    let e = fetch_page(&client(), &url(&srv.url("/img"))).unwrap_err();
    assert!(
        e.to_string().contains("not an HTML page (image/png)"),
        "{e}"
    );
}

// 54. Feeds.
fn follow(store: &Store, srv: &Server, path: &str) {
    store
        .add_feed(&srv.url(path), None, None, &[], false)
        .unwrap();
}

fn run(store: &mut Store) -> zhiku::web::fetch::Summary {
    let mut events = Vec::new();
    let s = fetch_all(store, &client(), 3, &mut |e| events.push(e.clone())).unwrap();
    assert_eq!(
        events.first(),
        Some(&Event::Start(store.feeds().unwrap().len()))
    );
    assert_eq!(events.len(), s.feeds.len() + 1);
    s
}

fn article_by_title(store: &Store, title: &str) -> zhiku::store::Article {
    let id: i64 = store
        .conn()
        .query_row("SELECT id FROM articles WHERE title = ?1", [title], |r| {
            r.get(0)
        })
        .unwrap_or_else(|e| panic!("{title}: {e}"));
    store.article(zhiku::store::ArticleId(id)).unwrap().unwrap()
}

#[test]
fn rss_atom_and_json_feed_with_a_304_the_second_time() {
    let srv = Server::start();
    srv.route(
        "/rss.xml",
        Reply::Conditional {
            etag: "\"v1\"".into(),
            content_type: "application/rss+xml".into(),
            body: with_host("rss2-cdata.xml", &srv),
        },
    );
    srv.page(
        "/atom.xml",
        "application/atom+xml",
        with_host("atom.xml", &srv),
    );
    srv.page(
        "/feed.json",
        "application/feed+json",
        with_host("feed.json", &srv),
    );
    let mut store = Store::open_in_memory().unwrap();
    follow(&store, &srv, "/rss.xml");
    follow(&store, &srv, "/atom.xml");
    follow(&store, &srv, "/feed.json");
    let s = run(&mut store);
    assert_eq!((s.new, s.updated, s.failed), (5, 0, 0), "{s:#?}");

    let k = article_by_title(&store, "Kafka 消息积压怎么办");
    assert!(
        k.body.contains("**broker**") && k.body.contains("```bash\nkafka-consumer-groups.sh"),
        "{}",
        k.body
    );
    assert!(!k.body.contains("alert"));
    assert_eq!(
        k.url.as_deref(),
        Some(srv.url("/posts/kafka.html").as_str())
    );
    assert_eq!(
        k.meta.published.as_deref(),
        Some("2024-03-04T09:00:00+08:00")
    );
    let g = article_by_title(&store, "Go 的 context 用法");
    assert_eq!(g.url.as_deref(), Some(srv.url("/go/context.html").as_str()));
    assert_eq!(g.meta.author.as_deref(), Some("钱七"));
    let j = article_by_title(&store, "只有纯文本");
    assert!(
        j.body.contains("第一段 \\<不是标签>\n\n第二段"),
        "{}",
        j.body
    );
    assert_eq!(
        j.meta.published, None,
        "a broken date is left out, the item kept"
    );
    // New articles are unread.
    assert_eq!(store.user_state(k.meta.id).unwrap().read_count, 0);

    let feeds = store.feeds().unwrap();
    assert_eq!(feeds[0].title.as_deref(), Some("某某的技术博客"));
    assert_eq!(feeds[0].items, 2);
    assert_eq!(feeds[0].etag.as_deref(), Some("\"v1\""));
    assert!(feeds[0].last_fetch.is_some() && feeds[0].last_error.is_none());

    // Read one, fetch again: the RSS feed answers 304, the others are unchanged.
    store.mark_read(k.meta.id).unwrap();
    let s = run(&mut store);
    assert_eq!((s.new, s.updated, s.failed), (0, 0, 0));
    let rss = s
        .feeds
        .iter()
        .find(|f| f.url.ends_with("/rss.xml"))
        .unwrap();
    assert!(rss.not_modified);
    let second = srv
        .seen()
        .into_iter()
        .filter(|r| r.path == "/rss.xml")
        .nth(1)
        .unwrap();
    assert_eq!(second.header("if-none-match"), Some("\"v1\""));
    assert_eq!(store.article_count().unwrap(), 5);

    // The feed changes an item: updated in place, the read mark kept.
    let changed = String::from_utf8(with_host("rss2-cdata.xml", &srv))
        .unwrap()
        .replace("上积压。", "上积压，需要扩容。");
    srv.route(
        "/rss.xml",
        Reply::Conditional {
            etag: "\"v2\"".into(),
            content_type: "application/rss+xml".into(),
            body: changed.into_bytes(),
        },
    );
    let s = run(&mut store);
    assert_eq!((s.new, s.updated), (0, 1));
    let k2 = article_by_title(&store, "Kafka 消息积压怎么办");
    assert_eq!(k2.meta.id, k.meta.id);
    assert!(k2.body.contains("需要扩容"));
    assert_eq!(store.user_state(k.meta.id).unwrap().read_count, 1);
}

#[test]
fn one_bad_feed_is_reported_and_the_others_fetched() {
    let srv = Server::start();
    srv.page(
        "/bad.xml",
        "application/rss+xml",
        "<rss><channel><title>x</title><item><title>a</channel></rss>",
    );
    srv.page(
        "/laughs.xml",
        "application/rss+xml",
        read_fixture("billion-laughs.xml"),
    );
    srv.route("/gone.xml", Reply::Fixed(500, vec![], vec![]));
    srv.page(
        "/atom.xml",
        "application/atom+xml",
        with_host("atom.xml", &srv),
    );
    let mut store = Store::open_in_memory().unwrap();
    for p in ["/bad.xml", "/laughs.xml", "/gone.xml", "/atom.xml"] {
        follow(&store, &srv, p);
    }
    let s = run(&mut store);
    let by = |p: &str| s.feeds.iter().find(|f| f.url.ends_with(p)).unwrap().clone();
    let bad = by("/bad.xml").error.unwrap_or_default();
    assert!(bad.contains("/bad.xml: invalid XML"), "{bad}");
    assert!(
        by("/gone.xml")
            .error
            .as_deref()
            .unwrap()
            .contains("HTTP 500")
    );
    assert_eq!(by("/atom.xml").new, 1);
    // The entity bomb is not expanded: its item is stored with the reference as text.
    assert_eq!((by("/laughs.xml").new, by("/laughs.xml").error), (1, None));
    let bomb = article_by_title(&store, "&lol9;");
    assert!(bomb.body.len() < 100, "{}", bomb.body);
    assert_eq!(s.failed, 2);
    let feeds = store.feeds().unwrap();
    assert!(
        feeds
            .iter()
            .find(|f| f.url.ends_with("/gone.xml"))
            .unwrap()
            .last_error
            .is_some()
    );
}

#[test]
fn a_feed_of_50000_items_is_capped_and_said_so() {
    let srv = Server::start();
    let mut rss = String::from("<rss version=\"2.0\"><channel><title>big</title>");
    for i in 0..50_000 {
        rss.push_str(&format!(
            "<item><title>t{i}</title><guid>g{i}</guid><description>b{i}</description></item>"
        ));
    }
    rss.push_str("</channel></rss>");
    srv.page("/big.xml", "application/rss+xml", rss);
    let mut store = Store::open_in_memory().unwrap();
    follow(&store, &srv, "/big.xml");
    let s = run(&mut store);
    assert_eq!(s.new, zhiku::web::feed::MAX_ITEMS);
    assert!(
        s.feeds[0]
            .notes
            .iter()
            .any(|n| n.contains("lists 50000 items")),
        "{:?}",
        s.feeds[0].notes
    );
}

#[test]
fn items_without_guid_or_link_and_duplicate_guids() {
    let srv = Server::start();
    let rss = "<rss version=\"2.0\"><channel><title>odd</title>\
        <item><title>甲</title><guid>same</guid><description>一</description></item>\
        <item><title>乙</title><guid>same</guid><description>二</description></item>\
        <item><title>丙</title><description>没有 guid 也没有链接</description><pubDate>yesterday-ish</pubDate></item>\
        <item><description>只有内容</description><pubDate>2024-13-45</pubDate></item>\
        <item></item></channel></rss>";
    srv.page("/odd.xml", "application/rss+xml", rss);
    let mut store = Store::open_in_memory().unwrap();
    follow(&store, &srv, "/odd.xml");
    let s = run(&mut store);
    assert_eq!(s.new, 3, "{s:#?}");
    let notes = s.feeds[0].notes.join("\n");
    assert!(notes.contains("repeat an earlier item's guid"), "{notes}");
    assert!(
        notes.contains("2 items have neither guid nor link"),
        "{notes}"
    );
    assert!(
        notes.contains("1 items have no guid, link, title or content"),
        "{notes}"
    );
    // Fetched again: the same three, nothing new.
    let s = run(&mut store);
    assert_eq!((s.new, s.updated), (0, 0));
    assert_eq!(store.article_count().unwrap(), 3);
}

#[test]
fn full_text_fetches_each_new_items_page() {
    let srv = Server::start();
    srv.page(
        "/rss.xml",
        "application/rss+xml",
        with_host("rss2-cdata.xml", &srv),
    );
    srv.page(
        "/posts/kafka.html",
        "text/html; charset=utf-8",
        read_fixture("code-table.html"),
    );
    // The other item's page is missing: its feed text is kept and the failure reported.
    let mut store = Store::open_in_memory().unwrap();
    store
        .add_feed(
            &srv.url("/rss.xml"),
            None,
            Some("编程语言"),
            &["博客".into()],
            true,
        )
        .unwrap();
    let s = run(&mut store);
    assert_eq!(s.new, 2);
    assert!(
        s.feeds[0]
            .notes
            .iter()
            .any(|n| n.contains("1 full-text pages could not be fetched")),
        "{:?}",
        s.feeds[0].notes
    );
    let k = article_by_title(&store, "Kafka 消息积压怎么办");
    assert!(k.body.contains("```rust\nfn read_config"), "{}", k.body);
    assert!(k.meta.tags.iter().any(|t| t == "博客"), "{:?}", k.meta.tags);
    let r = article_by_title(&store, "Redis 持久化：RDB 与 AOF");
    assert!(r.body.contains("RDB 是快照"));
    // Fetched again, nothing is new, so no page is fetched again.
    let before = srv.hits("/posts/kafka.html");
    run(&mut store);
    assert_eq!(srv.hits("/posts/kafka.html"), before);
}
