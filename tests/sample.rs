//! The bundled sample library: complete, in range, and imported with no rejections.

use std::collections::{HashMap, HashSet};

use zhiku::import::{Options, import};
use zhiku::store::Store;
use zhiku::taxonomy::taxonomy;

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    let r = import(&mut s, zhiku::sample::sources(), Options::default()).unwrap();
    assert!(r.rejected.is_empty(), "sample rejections: {:?}", r.rejected);
    assert!(r.inserted >= 120, "only {} articles", r.inserted);
    s
}

#[test]
fn every_taxonomy_tag_has_articles_and_the_big_ones_three() {
    let s = store();
    let tree = s.tree().unwrap();
    let counts: HashMap<String, i64> = tree.all_tags().map(|t| (t.name.clone(), t.count)).collect();
    for c in &taxonomy().categories {
        for t in &c.tags {
            assert!(
                counts.get(&t.name).copied().unwrap_or(0) >= 1,
                "tag {} has no article",
                t.name
            );
        }
    }
    for big in [
        "MySQL",
        "Redis",
        "Kafka",
        "Docker",
        "Kubernetes",
        "Flink",
        "Spark",
        "ClickHouse",
        "DorisDB",
        "ElasticSearch",
        "SpringBoot",
        "Linux",
        "ZooKeeper",
    ] {
        assert!(counts[big] >= 3, "{big} has {} articles", counts[big]);
    }
    assert!(
        counts.get("转载文章").copied().unwrap_or(0) >= 2,
        "a few reposts"
    );
    // Every sample article has a taxonomy tag: each taxonomy category has articles and 其他
    // has none (it only lists the meta tag 转载文章).
    let (other, taxonomy_cats) = tree.categories.split_last().unwrap();
    assert!(
        taxonomy_cats.iter().all(|c| c.count > 0),
        "every taxonomy category has articles"
    );
    assert_eq!((other.name.as_str(), other.count), ("其他", 0));
    assert_eq!(
        other
            .tags
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["转载文章"]
    );
    assert_eq!(
        tree.categories.iter().map(|c| c.count).sum::<i64>(),
        tree.total
    );
}

#[test]
fn lengths_and_metadata_are_in_range() {
    let s = store();
    let mut ids = HashSet::new();
    let mut months = HashSet::new();
    let mut with_code = 0;
    let n = s.article_count().unwrap();
    s.for_each_article(|a| {
        assert!(
            ids.insert(a.meta.ext_id.clone()),
            "duplicate id {}",
            a.meta.ext_id
        );
        let chars = a.body.chars().count();
        assert!(
            (600..=3000).contains(&chars),
            "{}: body of {chars} characters",
            a.meta.ext_id
        );
        assert!(
            (1..=3).contains(&a.meta.tags.len()),
            "{}: {} tags",
            a.meta.ext_id,
            a.meta.tags.len()
        );
        assert!(
            (20..=600).contains(&a.meta.views),
            "{}: {} views",
            a.meta.ext_id,
            a.meta.views
        );
        let date = a.meta.published.clone().expect("dated");
        assert!(
            ("2023-01".."2025-07").contains(&&date[..7]),
            "{}: {date}",
            a.meta.ext_id
        );
        months.insert(date[..7].to_owned());
        assert!(a.meta.author.as_deref().is_some_and(|x| !x.is_empty()));
        if a.body.contains("```") {
            with_code += 1;
        }
        Ok(())
    })
    .unwrap();
    assert!(
        months.len() >= 24,
        "the archive has depth: {} months",
        months.len()
    );
    assert!(
        with_code * 3 >= n as usize,
        "code blocks in at least a third: {with_code} of {n}"
    );
}

#[test]
fn edge_cases_are_present() {
    let s = store();
    let mut long_title = false;
    let mut emoji = false;
    let mut long_url = false;
    let mut wide_code = false;
    let mut html = false;
    s.for_each_article(|a| {
        long_title |= a.meta.title.chars().count() > 60;
        emoji |= a.body.contains('\u{200d}') || a.meta.title.chars().any(|c| c as u32 >= 0x1F300);
        long_url |= a
            .body
            .split_whitespace()
            .any(|w| w.starts_with("http") && w.len() > 150);
        wide_code |= a
            .body
            .lines()
            .any(|l| zhiku::text::str_width(l) >= 180 && l.starts_with("docker"));
        html |= a.body.contains("<p>") || a.body.contains("<div");
        Ok(())
    })
    .unwrap();
    assert!(
        long_title && emoji && long_url && wide_code && html,
        "{long_title} {emoji} {long_url} {wide_code} {html}"
    );
}

#[test]
fn tips_and_verses() {
    let tips = zhiku::sample::tips();
    assert!(tips.len() >= 100);
    let mut seen = HashSet::new();
    for (cmd, what) in &tips {
        assert!(!cmd.trim().is_empty() && !what.trim().is_empty());
        assert!(seen.insert(*cmd), "duplicate tip {cmd}");
    }
    assert!(zhiku::sample::verses().len() >= 12);
}

#[test]
fn common_searches_find_several() {
    let s = store();
    for q in ["故障", "备份", "Kafka"] {
        let r = zhiku::search::search(s.conn(), &zhiku::search::Request::new(q)).unwrap();
        assert!(r.total >= 3, "{q}: {}", r.total);
    }
}
