//! Search on a known corpus (the sample library): exact recall for short Chinese queries,
//! the tiers of a long query, filters, prefixes, exclusion, and no SQL error for any input.

use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

use proptest::prelude::*;
use zhiku::import::{Options, import};
use zhiku::search::engine::scan_ids;
use zhiku::search::{Request, Scope, search};
use zhiku::store::Store;

fn store() -> &'static Mutex<Store> {
    static S: OnceLock<Mutex<Store>> = OnceLock::new();
    S.get_or_init(|| {
        let mut s = Store::open_in_memory().unwrap();
        import(&mut s, zhiku::sample::sources(), Options::default()).unwrap();
        Mutex::new(s)
    })
}

fn run(q: &str) -> zhiku::search::Results {
    let s = store().lock().unwrap_or_else(|e| e.into_inner());
    let mut r = Request::new(q);
    r.limit = 1000;
    search(s.conn(), &r).unwrap()
}

fn ids(q: &str) -> BTreeSet<i64> {
    run(q).hits.iter().map(|h| h.meta.id.0).collect()
}

fn has(h: &zhiku::search::Hit, text: &str) -> bool {
    let s = store().lock().unwrap_or_else(|e| e.into_inner());
    let a = s.article(h.meta.id).unwrap().unwrap();
    let all = format!(
        "{} {} {} {}",
        a.meta.title,
        a.meta.author.unwrap_or_default(),
        a.body,
        a.meta.tags.join(" ")
    );
    zhiku::text::search_fold_str(&all).contains(&zhiku::text::search_fold_str(text))
}

#[test]
fn one_and_two_character_queries_have_exact_recall() {
    for q in [
        "库",
        "备",
        "故",
        "备份",
        "数据",
        "故障",
        "恢复",
        "集群",
        "监控",
        "索引",
        "事务",
        "数据库",
        "故障恢复",
        "数据同步",
        "慢查询",
    ] {
        let scanned: BTreeSet<i64> = {
            let s = store().lock().unwrap_or_else(|e| e.into_inner());
            scan_ids(s.conn(), q)
                .unwrap()
                .into_iter()
                .map(|i| i.0)
                .collect()
        };
        let found = ids(q);
        assert!(!scanned.is_empty(), "{q} occurs in the sample");
        assert_eq!(found, scanned, "query {q}");
        assert_eq!(run(q).total, scanned.len(), "count of {q}");
    }
}

#[test]
fn latin_terms_are_folded_and_found() {
    for q in ["kafka", "KAFKA", "Ｋａｆｋａ"] {
        assert_eq!(ids(q), ids("Kafka"), "{q}");
    }
    let found = ids("Kafka");
    let s = store().lock().unwrap_or_else(|e| e.into_inner());
    let scanned: BTreeSet<i64> = scan_ids(s.conn(), "kafka")
        .unwrap()
        .into_iter()
        .map(|i| i.0)
        .collect();
    assert!(found.is_subset(&scanned));
    assert!(
        found.len() * 100 >= scanned.len() * 95,
        "{} of {}",
        found.len(),
        scanned.len()
    );
}

#[test]
fn a_long_unspaced_query_finds_partial_matches_in_tier_order() {
    let r = run("DorisDB数据同步监控与故障恢复");
    assert!(r.hits.len() > 10);
    assert_eq!(
        r.hits[0].meta.ext_id, "s-077",
        "the DorisDB sync and monitoring article first"
    );
    assert!(
        r.hits.windows(2).all(|w| w[0].tier <= w[1].tier),
        "tiers in order"
    );
    assert!(
        r.hits.iter().any(|h| h.tier == 3),
        "partial matches included"
    );
}

#[test]
fn multi_term_queries_rank_whole_phrase_then_all_terms() {
    // The sample library has the whole phrase once, both terms apart twice, and partial
    // matches (Kafka 消息积压 has no article with both terms: it checked nothing).
    let r = run("Kafka 消费者");
    assert!(r.hits.windows(2).all(|w| w[0].tier <= w[1].tier));
    let all_terms: Vec<_> = r.hits.iter().filter(|h| h.tier <= 1).collect();
    assert!(
        all_terms.iter().any(|h| h.tier == 0) && all_terms.iter().any(|h| h.tier == 1),
        "{:?}",
        r.hits.iter().map(|h| h.tier).collect::<Vec<_>>()
    );
    assert!(
        all_terms
            .iter()
            .all(|h| has(h, "kafka") && has(h, "消费者"))
    );
}

#[test]
fn title_hits_rank_above_body_hits() {
    let r = run("ZooKeeper");
    let first_body_only = r
        .hits
        .iter()
        .position(|h| !zhiku::text::fold_str(&h.meta.title).contains("zookeeper"));
    let last_title = r
        .hits
        .iter()
        .rposition(|h| zhiku::text::fold_str(&h.meta.title).contains("zookeeper"));
    let (Some(b), Some(t)) = (first_body_only, last_title) else {
        panic!("both title and body-only hits expected: {first_body_only:?}, {last_title:?}");
    };
    assert!(
        t < b + 3,
        "title matches lead: last title hit {t}, first body-only {b}"
    );
}

#[test]
fn filters_scope_and_exclusion() {
    let r = run("tag:Redis");
    assert!(
        !r.hits.is_empty()
            && r.hits
                .iter()
                .all(|h| h.meta.tags.iter().any(|t| t == "Redis"))
    );
    let r = run("tag:redis 缓存");
    assert!(
        !r.hits.is_empty()
            && r.hits
                .iter()
                .all(|h| h.meta.tags.iter().any(|t| t == "Redis") && has(h, "缓存"))
    );
    let r = run("cat:数据库");
    assert!(!r.hits.is_empty());
    assert!(r.hits.iter().all(|h| {
        h.meta.category == "数据库"
            || h.meta
                .tags
                .iter()
                .any(|t| ["MySQL", "Oracle", "Mongo"].contains(&t.as_str()))
    }));
    let r = run("since:2024-01 until:2024-06-30");
    assert!(!r.hits.is_empty());
    assert!(r.hits.iter().all(|h| {
        let d = h.meta.published.as_deref().unwrap();
        ("2024-01-01".."2024-07-01").contains(&&d[..10])
    }));
    let with = ids("恢复");
    let without = ids("恢复 -备份");
    assert!(without.len() < with.len());
    assert!(!without.is_empty());
    assert!(run("恢复 -备份").hits.iter().all(|h| !has(h, "备份")));
    let r = run("author:运维小刘");
    assert!(
        !r.hits.is_empty()
            && r.hits
                .iter()
                .all(|h| h.meta.author.as_deref() == Some("运维小刘"))
    );
    let r = run("\"滚动发布\"");
    assert!(!r.hits.is_empty());
    assert!(r.hits.iter().all(|h| has(h, "滚动发布")));
    let s = store().lock().unwrap_or_else(|e| e.into_inner());
    let mut req = Request::new("故障");
    req.scope = Scope::Tag("ZooKeeper".into());
    let r = search(s.conn(), &req).unwrap();
    assert!(
        !r.hits.is_empty()
            && r.hits
                .iter()
                .all(|h| h.meta.tags.iter().any(|t| t == "ZooKeeper"))
    );
}

#[test]
fn the_last_latin_word_is_a_prefix_while_typing() {
    let s = store().lock().unwrap_or_else(|e| e.into_inner());
    let mut req = Request::new("Dor");
    req.typing = true;
    let r = search(s.conn(), &req).unwrap();
    assert!(
        r.hits.len() >= 3
            && r.hits
                .iter()
                .all(|h| h.title_matches.len() + h.excerpt_matches.len() > 0)
    );
    assert!(
        r.hits
            .iter()
            .any(|h| h.meta.tags.iter().any(|t| t == "DorisDB"))
    );
}

#[test]
fn excerpts_fit_and_mark_their_matches() {
    let s = store().lock().unwrap_or_else(|e| e.into_inner());
    let mut req = Request::new("备份");
    req.excerpt_width = 40;
    let hits = search(s.conn(), &req).unwrap().hits;
    assert!(!hits.is_empty());
    assert!(hits.iter().any(|h| !h.excerpt_matches.is_empty()));
    for h in hits {
        assert!(zhiku::text::str_width(&h.excerpt) <= 40, "{}", h.excerpt);
        for m in &h.excerpt_matches {
            assert_eq!(&h.excerpt[m.clone()], "备份");
        }
    }
}

#[test]
fn hostile_inputs_are_searched_as_text() {
    let long = "数据".repeat(50_000);
    for q in [
        "\"abc",
        "a\"b",
        "a AND",
        "(",
        "NEAR(",
        "^",
        "-x",
        "e-mail",
        "c++",
        "don't",
        "*",
        ":",
        " ",
        "\0",
        "\u{1b}",
        "a\nb",
        "OR",
        "NOT x",
        "{title}: x",
        "x:y",
        &long,
    ] {
        let s = store().lock().unwrap_or_else(|e| e.into_inner());
        search(s.conn(), &Request::new(q)).unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn no_input_produces_an_sql_error(q in "(\\PC|[\"*:^(){}+\\-]){0,40}", typing in any::<bool>()) {
        let s = store().lock().unwrap_or_else(|e| e.into_inner());
        let mut req = Request::new(&q);
        req.typing = typing;
        prop_assert!(search(s.conn(), &req).is_ok(), "query {:?}", q);
    }

    #[test]
    fn arbitrary_unicode_never_errors(q in any::<String>()) {
        let s = store().lock().unwrap_or_else(|e| e.into_inner());
        prop_assert!(search(s.conn(), &Request::new(&q)).is_ok(), "query {:?}", q);
    }
}

#[test]
fn broad_queries_rank_title_hits_first_then_newest() {
    let mut s = Store::open_in_memory().unwrap();
    let mut lines = String::new();
    for i in 0..10_100 {
        let title = if i % 20 == 0 {
            format!("第{i}篇 数据治理")
        } else {
            format!("第{i}篇 随笔")
        };
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        lines.push_str(&format!(
            "{{\"id\":\"b{i}\",\"title\":\"{title}\",\"body\":\"今天整理数据，顺便记录。\",\"date\":\"2024-{month:02}-{day:02}\"}}\n"
        ));
    }
    let data: &'static str = Box::leak(lines.into_boxed_str());
    let src = zhiku::import::Source::Memory {
        name: "broad.jsonl".into(),
        data: data.as_bytes(),
    };
    let r = import(&mut s, vec![src], Options::default()).unwrap();
    assert_eq!(r.inserted, 10_100);
    let res = search(s.conn(), &Request::new("数据")).unwrap();
    assert_eq!(zhiku::present::total(&res), "10,000+");
    assert_eq!(res.hits.len(), 50);
    let title_hits = res
        .hits
        .iter()
        .take_while(|h| h.meta.title.contains("数据"))
        .count();
    assert!(title_hits >= 20, "title hits first: {title_hits}");
    assert!(
        res.hits[title_hits..]
            .iter()
            .all(|h| !h.meta.title.contains("数据"))
    );
    let dates: Vec<&str> = res.hits[..title_hits]
        .iter()
        .map(|h| h.meta.published.as_deref().unwrap())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first within the title hits"
    );
}

#[test]
fn a_four_character_term_nobody_wrote_falls_back_to_its_words() {
    // No sample article contains 数据备份, but many contain 数据 and 备份.
    assert!(ids("数据备份").len() >= 3);
    let r = run("数据备份");
    assert!(r.hits.iter().all(|h| has(h, "数据") || has(h, "备份")));
    assert!(r.hits.iter().any(|h| h.tier >= 2));
    // Where the whole run exists, recall stays exact (see the recall test): 故障恢复.
    let r = run("故障恢复");
    assert!(!r.hits.is_empty());
    assert!(r.hits.iter().all(|h| has(h, "故障恢复")));
}

#[test]
fn chinese_operators_find_what_the_english_ones_find() {
    for (zh, en) in [
        ("标签：Redis 缓存", "tag:Redis 缓存"),
        ("分类:数据库", "cat:数据库"),
        ("作者：运维小刘", "author:运维小刘"),
        (
            "自：2024-01 至：2024-06-30",
            "since:2024-01 until:2024-06-30",
        ),
        ("恢复 －备份", "恢复 -备份"),
        ("“滚动发布”", "\"滚动发布\""),
        ("标签：“Go Gin”", "tag:\"Go Gin\""),
    ] {
        let want = ids(en);
        assert!(!want.is_empty(), "{en} finds something");
        assert_eq!(ids(zh), want, "{zh} is {en}");
    }
    // Excluding with the full-width minus really excludes.
    assert!(ids("恢复 －备份").len() < ids("恢复").len());
}

/// A store of these (id, title, body) records, tags inferred by the built-in taxonomy.
fn store_of(records: &[(&str, &str, &str)]) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    let mut lines = String::new();
    for (id, title, body) in records {
        lines.push_str(
            &serde_json::json!({"id": id, "title": title, "body": body, "date": "2024-05-01"})
                .to_string(),
        );
        lines.push('\n');
    }
    let data: &'static str = Box::leak(lines.into_boxed_str());
    let src = zhiku::import::Source::Memory {
        name: "a.jsonl".into(),
        data: data.as_bytes(),
    };
    import(&mut s, vec![src], Options::default()).unwrap();
    s
}

#[test]
fn an_alias_finds_its_tag_ranked_below_the_literal_matches() {
    let s = store_of(&[
        (
            "kube",
            "Kubernetes 集群扩容实践",
            "用 HPA 给 Kubernetes 工作负载扩容，节点不够时再扩容节点池。",
        ),
        (
            "k8s",
            "k8s 扩容笔记",
            "记录一次 k8s 扩容：先扩副本，再扩节点。",
        ),
        ("mysql", "MySQL 分库扩容", "分库分表之后的扩容方案。"),
    ]);
    let r = search(s.conn(), &Request::new("k8s 扩容")).unwrap();
    let order: Vec<&str> = r.hits.iter().map(|h| h.meta.ext_id.as_str()).collect();
    assert_eq!(order, ["k8s", "kube", "mysql"], "{:?}", r.hits);
    // The literal match is in the all-terms tier; the Kubernetes article matched all terms
    // through the alias, and is highlighted where it says Kubernetes.
    assert!(r.hits[0].tier <= 1 && r.hits[1].tier == 1, "{:?}", r.hits);
    let kube = &r.hits[1];
    let marked: Vec<&str> = kube
        .title_matches
        .iter()
        .map(|m| &kube.meta.title[m.clone()])
        .collect();
    assert!(marked.contains(&"Kubernetes"), "{marked:?}");
    let folded: Vec<char> = "kubernetes".chars().collect();
    assert!(r.needles.contains(&folded), "the reader's n/N find it too");
    // Written in quotes, the term is exact: no alias.
    let exact = search(s.conn(), &Request::new("\"k8s\" 扩容")).unwrap();
    assert_eq!(exact.hits[0].meta.ext_id, "k8s");
    assert!(exact.hits.iter().skip(1).all(|h| h.tier >= 2));
    // Without the alias in the query, nothing changes.
    let plain = search(s.conn(), &Request::new("扩容")).unwrap();
    assert_eq!(plain.total, 3);
    assert!(!plain.needles.contains(&folded));
}

#[test]
fn built_in_synonyms_match_both_ways_below_the_word_itself() {
    let s = store_of(&[
        (
            "en",
            "Container runtime notes",
            "How a container starts: namespaces, cgroups.",
        ),
        ("zh", "容器运行时笔记", "一个容器如何启动。"),
        ("other", "镜像仓库", "推送镜像。"),
    ]);
    let zh = search(s.conn(), &Request::new("容器")).unwrap();
    let order: Vec<&str> = zh.hits.iter().map(|h| h.meta.ext_id.as_str()).collect();
    assert_eq!(order, ["zh", "en"]);
    let en = search(s.conn(), &Request::new("container")).unwrap();
    let order: Vec<&str> = en.hits.iter().map(|h| h.meta.ext_id.as_str()).collect();
    assert_eq!(order, ["en", "zh"]);
    assert!(!en.hits[1].excerpt_matches.is_empty(), "容器 highlighted");
}
