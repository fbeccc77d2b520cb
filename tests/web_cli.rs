//! `zhiku add`, `feed`, `fetch` and `import` of saved pages, run as the binary against a
//! server on 127.0.0.1 (cases 49–56 from the command line).

mod common;

use common::cli::{Env, Out, run};
use common::web::{Reply, Server, fixture, read_fixture};

/// `zhiku --db DB ARGS…` with no proxy from the environment.
fn z(env: &Env, args: &[&str]) -> Out {
    let mut c = env.zhiku();
    for k in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        c.env_remove(k);
    }
    run(c.args(args))
}

#[test]
fn add_stores_a_page_and_adding_again_updates_it_in_place() {
    let srv = Server::start();
    srv.page("/gbk.html", "text/html", read_fixture("gbk-article.html"));
    let env = Env::new();
    let u = srv.url("/gbk.html");
    let out = z(&env, &["add", &u, "--tag", "MySQL", "--category", "数据库"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.starts_with("新增 added  u-"), "{out:#?}");
    assert!(
        out.stdout.contains("MySQL 索引下推详解") && out.stdout.contains(" B)"),
        "{}",
        out.stdout
    );
    let id = out.stdout.split_whitespace().nth(2).unwrap().to_owned();
    let show = z(&env, &["show", &id, "--width", "100"]);
    assert!(
        show.stdout.contains("索引下推（Index Condition Pushdown"),
        "{show:#?}"
    );
    assert!(
        show.stdout.contains(&format!("原文: {u}")),
        "{}",
        show.stdout
    );
    let search = z(&env, &["search", "回表"]);
    assert!(search.stdout.contains(&id), "{search:#?}");
    // A read mark survives adding the page again.
    let db = zhiku::store::Store::open(&env.db(), zhiku::store::Access::Write).unwrap();
    let a = db.article_by_ext_id(&id).unwrap().unwrap();
    db.mark_read(a.meta.id).unwrap();
    drop(db);
    let again = z(&env, &["add", &u]);
    assert!(
        again.stdout.starts_with(&format!("更新 updated  {id}")),
        "{again:#?}"
    );
    let db = zhiku::store::Store::open_read_only(&env.db()).unwrap();
    assert_eq!(db.article_count().unwrap(), 1);
    assert_eq!(db.user_state(a.meta.id).unwrap().read_count, 1);
}

#[test]
fn add_reports_each_failure_and_stores_the_rest() {
    let srv = Server::start();
    srv.page(
        "/ok.html",
        "text/html; charset=utf-8",
        read_fixture("code-table.html"),
    );
    srv.route("/hang", Reply::Hang);
    let env = Env::new();
    let out = z(
        &env,
        &[
            "add",
            "--timeout",
            "1",
            "file:///etc/passwd",
            &srv.url("/missing"),
            &srv.url("/hang"),
            &srv.url("/ok.html"),
        ],
    );
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stderr.contains("file:///etc/passwd: not a web address"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("/missing: HTTP 404 Not Found"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("/hang: timed out"), "{}", out.stderr);
    assert!(out.stdout.contains("Rust 错误处理速查"), "{out:#?}");
    assert_eq!(common::cli::count(&env.db()), 1);
}

#[test]
fn a_title_full_of_escape_sequences_prints_inert() {
    let srv = Server::start();
    let page = "<html><head><title>\u{1b}]0;pwned\u{7}标题\u{1b}[31m红\u{1b}[0m&#27;[2J\u{202e}</title></head><body><article><p>正文足够长，让可读性算法认为这里有文章内容。正文足够长，让可读性算法认为这里有文章内容。正文足够长。</p></article></body></html>";
    srv.page("/esc.html", "text/html; charset=utf-8", page);
    let env = Env::new();
    let out = z(&env, &["add", &srv.url("/esc.html")]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        !out.stdout.contains('\u{1b}')
            && !out.stdout.contains('\u{7}')
            && !out.stdout.contains('\u{202e}'),
        "{:?}",
        out.stdout
    );
    assert!(out.stdout.contains("标题"), "{:?}", out.stdout);
    let list = z(&env, &["search", "正文"]);
    assert!(!list.stdout.contains('\u{1b}'), "{:?}", list.stdout);
}

#[test]
fn saved_pages_import_with_their_original_url() {
    let env = Env::new();
    let dir = env.path("saved");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["csdn-saved.html", "gbk-article.html", "no-content.html"] {
        std::fs::copy(
            fixture(f),
            dir.join(f.replace("gbk-article.html", "gbk.htm")),
        )
        .unwrap();
    }
    let out = env.import(&[&dir]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stderr.contains("no-content.html: no readable content"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("imported 2 new"), "{}", out.stderr);
    let export = env.export_text_of(&env.db());
    assert!(
        export.contains("\"url\":\"https://blog.csdn.net/demo/article/details/135000001\""),
        "{export}"
    );
    assert!(
        export.contains("```dockerfile\\nFROM golang:1.22 AS build"),
        "{export}"
    );
    assert!(
        export.contains("\"title\":\"MySQL 索引下推详解\""),
        "{export}"
    );
    assert!(
        export.contains("\"title\":\"Docker 镜像瘦身实践\""),
        "{export}"
    );
    assert!(!export.contains("推荐文章"));
    // Imported again: updated in place.
    let again = env.import(&[&dir]);
    assert!(
        again.stderr.contains("imported 0 new, 2 updated"),
        "{}",
        again.stderr
    );
}

#[test]
fn feeds_from_opml_fetch_list_and_export() {
    let srv = Server::start();
    let rss = String::from_utf8(read_fixture("rss2-cdata.xml"))
        .unwrap()
        .replace("http://HOST", &srv.url(""));
    srv.route(
        "/rss.xml",
        Reply::Conditional {
            etag: "\"e1\"".into(),
            content_type: "application/rss+xml".into(),
            body: rss.into_bytes(),
        },
    );
    srv.route("/down.xml", Reply::Fixed(500, vec![], vec![]));
    let env = Env::new();
    let opml = format!(
        "<?xml version=\"1.0\"?><opml version=\"1.0\"><head><title>newsboat - Exported Feeds</title></head><body>\
         <outline type=\"rss\" xmlUrl=\"{}\" title=\"博客\"/><outline title=\"坏\"><outline type=\"rss\" xmlUrl=\"{}\"/></outline>\
         <outline xmlUrl=\"javascript:alert(1)\"/></body></opml>",
        srv.url("/rss.xml"),
        srv.url("/down.xml")
    );
    let file = env.write("feeds.opml", opml);
    let out = z(&env, &["feed", "import", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("2 new feeds followed"), "{out:#?}");
    assert!(
        out.stderr
            .contains("skipped javascript:alert(1): not a web address"),
        "{}",
        out.stderr
    );

    let out = z(&env, &["fetch"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stderr
            .contains("fetched 2 feeds: 2 new, 0 updated, 1 failed"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("down.xml: HTTP 500"), "{}", out.stderr);
    let out = z(&env, &["fetch"]);
    assert!(
        out.stderr.contains("304") && out.stderr.contains("0 new"),
        "{}",
        out.stderr
    );

    let list = z(&env, &["feed", "list"]);
    assert!(
        list.stdout.contains("某某的技术博客") && list.stdout.contains("items 2"),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout.contains("last error: ") && list.stdout.contains("HTTP 500"),
        "{}",
        list.stdout
    );
    let search = z(&env, &["search", "积压"]);
    assert!(
        search.stdout.contains("Kafka 消息积压怎么办"),
        "{search:#?}"
    );

    let export = z(&env, &["feed", "export"]);
    assert!(
        export
            .stdout
            .contains(&format!("xmlUrl=\"{}\"", srv.url("/rss.xml"))),
        "{}",
        export.stdout
    );
    assert!(
        export.stdout.contains("<outline text=\"坏\">"),
        "{}",
        export.stdout
    );
    let rm = z(&env, &["feed", "rm", "2"]);
    assert!(
        rm.stdout.contains("no longer following") && rm.stdout.contains("down.xml"),
        "{rm:#?}"
    );
    assert_eq!(common::cli::count(&env.db()), 2, "articles stay");
    let bad = z(&env, &["feed", "add", "file:///etc/passwd"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a web address"), "{}", bad.stderr);
}

// 56. OPML with 10,000 feeds or nesting 1,000 deep: a clear error, nothing followed.
#[test]
fn huge_or_deep_opml_is_refused() {
    let env = Env::new();
    let many: String = (0..10_000)
        .map(|i| format!("<outline xmlUrl=\"https://x.example/{i}\"/>"))
        .collect();
    let f = env.write("many.opml", format!("<opml><body>{many}</body></opml>"));
    let out = z(&env, &["feed", "import", f.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains("more than 5000 feeds"),
        "{}",
        out.stderr
    );
    let deep = format!(
        "<opml><body>{}{}</body></opml>",
        "<outline text=\"d\">".repeat(1000),
        "</outline>".repeat(1000)
    );
    let f = env.write("deep.opml", deep);
    let out = z(&env, &["feed", "import", f.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("nested more than 32 deep"),
        "{}",
        out.stderr
    );
    assert!(!env.db().exists(), "nothing was written");
}

/// (category, tags, inferred tags) of the article titled `title` in the store at `db`.
fn filed(db: &std::path::Path, title: &str) -> (String, Vec<String>, Vec<String>) {
    let s = zhiku::store::Store::open_read_only(db).unwrap();
    let mut found = None;
    s.for_each_article(|a| {
        if a.meta.title == title {
            found = Some((a.meta.category, a.meta.tags, a.meta.inferred));
        }
        Ok(())
    })
    .unwrap();
    found.unwrap_or_else(|| panic!("no article {title}"))
}

#[test]
fn pages_feeds_and_saved_html_get_inferred_tags_beside_the_given_ones() {
    let srv = Server::start();
    srv.page("/gbk.html", "text/html", read_fixture("gbk-article.html"));
    srv.page("/code.html", "text/html", read_fixture("code-table.html"));
    let rss = String::from_utf8(read_fixture("rss2-cdata.xml"))
        .unwrap()
        .replace("http://HOST", &srv.url(""));
    srv.page("/rss.xml", "application/rss+xml", rss);
    let u = srv.url("/gbk.html");

    // `add` with nothing given: MySQL inferred from the title, filed under 数据库.
    let env = Env::new();
    let out = z(&env, &["add", &u]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout.contains("分类 数据库  [~MySQL]"),
        "{}",
        out.stdout
    );
    // A page nothing classifies: 其他, and no blank left at the end of the line.
    let out = z(&env, &["add", &srv.url("/code.html")]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("    分类 其他\n"), "{:?}", out.stdout);
    let title = "MySQL 索引下推详解";
    assert_eq!(
        filed(&env.db(), title),
        ("数据库".into(), vec!["MySQL".into()], vec!["MySQL".into()])
    );
    // Given labels stay as given; inference adds beside a tag the taxonomy does not know and
    // never moves the category given.
    let env = Env::new();
    let out = z(
        &env,
        &["add", &u, "--tag", "收藏", "--category", "面试指南"],
    );
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        filed(&env.db(), title),
        (
            "面试指南".into(),
            vec!["收藏".into(), "MySQL".into()],
            vec!["MySQL".into()]
        )
    );
    // A taxonomy tag given: nothing is inferred (as for every import).
    let env = Env::new();
    let out = z(&env, &["add", &u, "--tag", "redis"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("[Redis]"), "{}", out.stdout);
    assert_eq!(
        filed(&env.db(), title),
        ("中间件与web容器".into(), vec!["Redis".into()], vec![])
    );

    // A feed's items: the feed's tag kept, Kafka inferred from the item's title.
    let env = Env::new();
    let out = z(
        &env,
        &["feed", "add", &srv.url("/rss.xml"), "--tag", "订阅"],
    );
    assert_eq!(out.code, 0, "{out:#?}");
    let out = z(&env, &["fetch"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        filed(&env.db(), "Kafka 消息积压怎么办"),
        (
            "中间件与web容器".into(),
            vec!["订阅".into(), "Kafka".into()],
            vec!["Kafka".into()]
        )
    );

    // Saved HTML: the same inference (Docker from the CSDN page's title and text).
    let env = Env::new();
    let out = env.import(&[fixture("csdn-saved.html")]);
    assert_eq!(out.code, 0, "{out:#?}");
    let (cat, tags, inferred) = filed(&env.db(), "Docker 镜像瘦身实践");
    assert_eq!(cat, "系统与容器");
    assert!(tags.contains(&"Docker".to_owned()), "{tags:?}");
    assert!(inferred.contains(&"Docker".to_owned()), "{inferred:?}");
}
