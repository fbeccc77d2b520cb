//! The library's own shape: the taxonomy, classification, inferred tags, `retag`, the tree
//! and `cat:`/`tag:` on a user's blog (tests/fixtures/hexo_blog), and recommendations by
//! topic.

mod common;

use std::collections::HashSet;

use zhiku::import::{Options, Source, import};
use zhiku::search::{Request, Scope, search};
use zhiku::store::{Store, Tree};
use zhiku::taxonomy::classify::classify;
use zhiku::taxonomy::{OTHER, builtin};

fn sample() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    import(&mut s, zhiku::sample::sources(), Options::default()).unwrap();
    s
}

fn hexo_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hexo_blog")
}

fn hexo() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    let r = import(&mut s, vec![Source::Path(hexo_dir())], Options::default()).unwrap();
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    s
}

fn count(s: &Store, q: &str) -> usize {
    let mut req = Request::new(q);
    req.limit = 10_000;
    search(s.conn(), &req).unwrap().hits.len()
}

fn scoped(s: &Store, scope: Scope) -> usize {
    let mut req = Request::new("");
    req.limit = 10_000;
    req.scope = scope;
    search(s.conn(), &req).unwrap().hits.len()
}

/// Every category's count is what `cat:` and the tree's scope find; every tag's count what
/// `tag:` finds; the counts add up to the total.
fn assert_tree_agrees(s: &Store, tree: &Tree) {
    assert_eq!(
        tree.categories.iter().map(|c| c.count).sum::<i64>(),
        tree.total,
        "category counts add up to the total"
    );
    let mut seen = HashSet::new();
    for c in &tree.categories {
        assert_eq!(
            scoped(s, Scope::Category(c.name.clone())) as i64,
            c.count,
            "scope {}",
            c.name
        );
        if !c.name.contains(' ') {
            assert_eq!(
                count(s, &format!("cat:{}", c.name)) as i64,
                c.count,
                "cat:{}",
                c.name
            );
        }
        for t in &c.tags {
            assert!(seen.insert(t.name.clone()), "{} shown twice", t.name);
            assert_eq!(
                scoped(s, Scope::Tag(t.name.clone())) as i64,
                t.count,
                "tag {}",
                t.name
            );
        }
    }
}

#[test]
fn inferred_tags_on_the_sample_with_its_tags_stripped() {
    // The sample's articles carry their true tags; classify each with its tags and category
    // stripped and compare what inference finds.
    let s = sample();
    let t = builtin();
    let (mut inferred, mut correct, mut articles, mut main_found, mut none) = (0, 0, 0, 0, 0);
    s.for_each_article(|a| {
        let truth: Vec<&String> = a.meta.tags.iter().filter(|x| t.tag(x).is_some()).collect();
        let Some(main) = truth.first() else {
            return Ok(());
        };
        articles += 1;
        let c = classify(&t, None, &[], &a.meta.title, &a.body);
        if c.tags.is_empty() {
            none += 1;
        }
        for tag in &c.tags {
            inferred += 1;
            if truth.contains(&&tag.name) {
                correct += 1;
            } else {
                eprintln!(
                    "wrong: {} on {:?} (true {:?})",
                    tag.name, a.meta.title, truth
                );
            }
        }
        if c.tags.iter().any(|x| &&x.name == main) {
            main_found += 1;
        }
        Ok(())
    })
    .unwrap();
    let precision = correct as f64 / inferred as f64;
    let recall = main_found as f64 / articles as f64;
    eprintln!(
        "sample: {articles} articles, {inferred} tags inferred, {correct} correct: precision {precision:.3}; \
         main tag found for {main_found}: recall {recall:.3}; {none} articles without any"
    );
    assert!(precision >= 0.9, "precision {precision:.3}");
    assert!(recall >= 0.8, "recall of the main tag {recall:.3}");
}

#[test]
fn a_hexo_blog_keeps_its_own_categories_and_little_lands_in_other() {
    let s = hexo();
    let tree = s.tree_with(false).unwrap();
    assert_eq!(tree.total, 33, "the 33 posts, not the README");
    assert_tree_agrees(&s, &tree);
    let other = tree
        .categories
        .iter()
        .find(|c| c.name == OTHER)
        .map_or(0, |c| c.count);
    assert!(other * 5 <= tree.total, "{other} of {} in 其他", tree.total);
    let interview = tree
        .categories
        .iter()
        .find(|c| c.name == "面试指南")
        .unwrap();
    assert_eq!(interview.count, 4);
    assert!(tree.categories.iter().any(|c| c.name == "后端/Java"));
    assert_eq!(count(&s, "tag:k8s"), count(&s, "tag:Kubernetes"));
    assert!(count(&s, "tag:k8s") >= 3);
    assert!(count(&s, "cat:面试指南") == 4);
    // Inferred: the interview post on Java threads is tagged Java without a source tag.
    let a = s
        .article_by_ext_id(&{
            let mut req = Request::new("多线程");
            req.limit = 5;
            search(s.conn(), &req).unwrap().hits[0].meta.ext_id.clone()
        })
        .unwrap()
        .unwrap();
    assert_eq!(a.meta.category, "面试指南");
    assert_eq!(a.meta.inferred, ["Java"]);
}

#[test]
fn retag_keeps_user_state_and_the_tree_agrees() {
    let mut s = hexo();
    let id = search(s.conn(), &Request::new("Pinia")).unwrap().hits[0]
        .meta
        .ext_id
        .clone();
    let a = s.article_by_ext_id(&id).unwrap().unwrap();
    s.toggle_bookmark(a.meta.id).unwrap();
    s.mark_read(a.meta.id).unwrap();
    let before = s.tree_with(false).unwrap();
    let r = s.retag(&builtin()).unwrap();
    assert_eq!(r.articles as i64, before.total);
    let after = s.tree_with(false).unwrap();
    assert_eq!(before, after);
    let b = s.article(a.meta.id).unwrap().unwrap();
    assert!(b.meta.bookmarked);
    assert_eq!(b.meta.read_count, 1);
    assert_tree_agrees(&s, &after);
}

#[test]
fn recommendations_follow_the_topic_not_meta_tags() {
    // 转载文章 is a meta tag: the jQuery repost is not related to reposts about Hadoop,
    // Oracle, Kafka or Nginx because of it (they were eight of its ten recommendations).
    use zhiku::search::browse::{ListKind, list};
    let s = sample();
    let a = s.article_by_ext_id("s-009").unwrap().unwrap();
    assert!(a.meta.tags.iter().any(|t| t == "转载文章"));
    let r = list(&s, &ListKind::Related(a.meta.id, 10), 40).unwrap();
    assert_eq!(r.hits.len(), 10);
    // A repost filed elsewhere that shares no topical tag is there only for 转载文章.
    let off_topic: Vec<&str> = r
        .hits
        .iter()
        .filter(|h| {
            h.meta.tags.iter().any(|t| t == "转载文章")
                && h.meta.category != a.meta.category
                && !h
                    .meta
                    .tags
                    .iter()
                    .any(|t| t != "转载文章" && a.meta.tags.contains(t))
        })
        .map(|h| h.meta.title.as_str())
        .collect();
    assert!(off_topic.is_empty(), "off topic: {off_topic:?}");
    // Same category first (前端框架和UI库: Vue, React, Angular…).
    assert!(
        r.hits[..5]
            .iter()
            .all(|h| h.meta.category == a.meta.category),
        "{:?}",
        r.hits
            .iter()
            .map(|h| (&h.meta.title, &h.meta.category))
            .collect::<Vec<_>>()
    );
    // Articles sharing a topical tag come before those that only share the category.
    let b = s.article_by_ext_id("s-081").unwrap().unwrap();
    let r = list(&s, &ListKind::Related(b.meta.id, 10), 40).unwrap();
    let topical = |h: &zhiku::search::Hit| {
        h.meta
            .tags
            .iter()
            .any(|t| t != "转载文章" && b.meta.tags.contains(t))
    };
    let first_without = r
        .hits
        .iter()
        .position(|h| !topical(h))
        .unwrap_or(r.hits.len());
    assert!(r.hits[first_without..].iter().all(|h| !topical(h)));
}

#[test]
fn the_command_line_takes_chinese_operators() {
    let env = common::cli::Env::new();
    let out = env.import(&[hexo_dir()]);
    assert_eq!(out.code, 0, "{out:#?}");
    for (zh, en, n) in [
        ("标签：k8s", "tag:k8s", 3),
        ("分类:面试指南 －Redis", "cat:面试指南 -Redis", 3),
        ("分类：数据库 “窗口函数”", "cat:数据库 \"窗口函数\"", 1),
        ("自：2024-11 至：2024-12", "since:2024-11 until:2024-12", 4),
    ] {
        let got = env.run(&["search", "--json", zh]);
        let want = env.run(&["search", "--json", en]);
        assert_eq!((got.code, want.code), (0, 0), "{got:#?}");
        assert_eq!(got.stdout, want.stdout, "{zh} is {en}");
        assert_eq!(got.stdout.lines().count(), n, "{en}: {}", want.stdout);
    }
}

#[test]
fn hexo_tags_are_shown_where_their_articles_are() {
    // Every tag outside the taxonomy is shown under a category one of its articles is filed
    // in, or under the category it names (中间件, 运维, 缓存 are names of 中间件与web容器 and
    // 系统与容器): never piled under 前端技术 because that category comes first.
    let s = hexo();
    let tree = s.tree_with(false).unwrap();
    let t = builtin();
    let home = |tag: &str| {
        let (ci, _) = tree.locate_tag(tag).unwrap();
        tree.categories[ci].name.clone()
    };
    assert_eq!(home("中间件"), "中间件与web容器");
    assert_eq!(home("运维"), "系统与容器");
    assert_eq!(home("缓存"), "中间件与web容器");
    assert_eq!(home("RAG"), "AI架构/RAG");
    assert_eq!(home("推理优化"), "AI架构/推理优化");
    assert_eq!(home("Java"), "服务端和客户端");
    let front = tree
        .categories
        .iter()
        .find(|c| c.name == "前端技术")
        .unwrap();
    let mut req = Request::new("");
    req.limit = 100;
    req.scope = Scope::Category("前端技术".into());
    let front_tags: HashSet<String> = search(s.conn(), &req)
        .unwrap()
        .hits
        .into_iter()
        .flat_map(|h| h.meta.tags)
        .collect();
    for tag in &front.tags {
        assert!(
            t.tag(&tag.name).is_some() || front_tags.contains(&tag.name),
            "{} under 前端技术 but on no front-end post",
            tag.name
        );
    }
}

/// (title, category, tags, inferred tags, bookmarked, read count) of one article.
type Filed = (String, String, Vec<String>, Vec<String>, bool, i64);

/// [`Filed`] for every article, by title.
fn filing(db: &std::path::Path) -> Vec<Filed> {
    let s = Store::open_read_only(db).unwrap();
    let mut out = Vec::new();
    s.for_each_article(|a| {
        out.push((
            a.meta.title.clone(),
            a.meta.category.clone(),
            a.meta.tags.clone(),
            a.meta.inferred.clone(),
            a.meta.bookmarked,
            a.meta.read_count,
        ));
        Ok(())
    })
    .unwrap();
    out.sort();
    out
}

#[test]
fn a_changed_taxonomy_refiles_the_library_once_keeping_user_state() {
    let env = common::cli::Env::new();
    let out = env.import(&[hexo_dir()]);
    assert_eq!(out.code, 0, "{out:#?}");
    let marked = ["OpenClaw 入门", "Java高级面试指南 - 多线程"];
    {
        let s = Store::open(&env.db(), zhiku::store::Access::Write).unwrap();
        for q in marked {
            let id = search(s.conn(), &Request::new(q)).unwrap().hits[0].meta.id;
            s.toggle_bookmark(id).unwrap();
            s.mark_read(id).unwrap();
        }
    }
    let before = filing(&env.db());
    let state = |f: &[Filed]| {
        f.iter()
            .filter(|a| a.4 || a.5 > 0)
            .map(|a| (a.0.clone(), a.4, a.5))
            .collect::<Vec<_>>()
    };
    assert_eq!(state(&before).len(), 2);
    // A taxonomy that knows the blog's AI tags: the next command (the reader too) re-files.
    env.write(
        "xdg-config/zhiku/taxonomy.toml",
        "[[category]]\nname = \"人工智能\"\naliases = [\"AI架构\"]\ntags = [\"OpenClaw\", \"智能体\", \"RAG\"]\n\n\
         [aliases]\n\"智能体\" = [\"agent\"]\n",
    );
    let tree = env.run(&["tree"]);
    assert_eq!(tree.code, 0, "{tree:#?}");
    assert!(tree.stdout.contains("人工智能"), "{}", tree.stdout);
    let after = filing(&env.db());
    assert_ne!(after, before, "re-filed");
    assert_eq!(
        state(&after),
        state(&before),
        "bookmarks and read marks kept"
    );
    let intro = after
        .iter()
        .find(|a| a.0.starts_with("OpenClaw 入门"))
        .unwrap();
    assert_eq!(intro.1, "人工智能");
    // Once: the store remembers the taxonomy it was filed with.
    let s = Store::open_read_only(&env.db()).unwrap();
    let t = zhiku::taxonomy::load_user(&env.path("xdg-config/zhiku/taxonomy.toml"))
        .unwrap()
        .unwrap();
    assert!(!s.taxonomy_changed(&t).unwrap());
    drop(s);
    // `zhiku retag` files everything again, the same way, keeping user state.
    let r = env.run(&["retag"]);
    assert_eq!(r.code, 0, "{r:#?}");
    assert!(r.stderr.contains("retagged 33 articles: 0 moved"), "{r:#?}");
    assert_eq!(filing(&env.db()), after);
}

#[test]
fn export_then_import_keeps_inferred_tags_inferred() {
    let env = common::cli::Env::new();
    let out = env.import(&[hexo_dir()]);
    assert_eq!(out.code, 0, "{out:#?}");
    let text = env.export_text();
    assert!(text.contains("\"inferred_tags\":[\"Java\"]"), "{text}");
    let file = env.write("export.jsonl", &text);
    let copy = env.path("copy.db");
    let out = env.import_into(&copy, &[&file]);
    assert_eq!(out.code, 0, "{out:#?}");
    let (a, b) = (filing(&env.db()), filing(&copy));
    assert_eq!(a, b);
    assert!(b.iter().any(|x| x.3 == ["Java"] && !x.2.is_empty()));
    // The copy exports the same lines: the inferred tag is listed apart, not made a source tag.
    assert_eq!(env.export_text_of(&copy), text);
}

#[test]
fn user_synonyms_search_both_ways_loops_and_huge_groups_are_bounded_bad_lines_named() {
    let env = common::cli::Env::new();
    let data = [
        r#"{"id":"mesh","title":"服务网格入门","body":"控制面与数据面。"}"#,
        r#"{"id":"istio","title":"Istio in practice","body":"Sidecars everywhere."}"#,
        r#"{"id":"w","title":"w3 report","body":"nothing else"}"#,
    ]
    .join("\n");
    let src = env.write("a.jsonl", data);
    // A loop (服务网格 ↔ istio ↔ 服务网格) and one word to 10,000.
    let big: Vec<String> = (0..10_000).map(|i| format!("\"w{i}\"")).collect();
    env.write(
        "xdg-config/zhiku/taxonomy.toml",
        format!(
            "[synonyms]\n\"服务网格\" = [\"service mesh\", \"istio\"]\nistio = [\"服务网格\"]\n\
             \"大表\" = [{}]\n",
            big.join(", ")
        ),
    );
    let out = env.import(&[&src]);
    assert_eq!(out.code, 0, "{out:#?}");
    let ids = |q: &str| -> Vec<String> {
        let out = env.run(&["search", q, "--json"]);
        assert_eq!(out.code, 0, "{out:#?}");
        out.stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
            .collect()
    };
    assert_eq!(ids("istio"), ["\"istio\"", "\"mesh\""]);
    assert_eq!(ids("服务网格"), ["\"mesh\"", "\"istio\""]);
    // 大表 expands to its first words only (w3 among them), and answers at once.
    assert_eq!(ids("大表"), ["\"w\""]);
    let config = env.run(&["config"]);
    assert_eq!(config.code, 0, "{config:#?}");
    let groups = format!("{} synonym groups", builtin().synonyms.len() + 3);
    assert!(config.stdout.contains(&groups), "{config:#?}");
    // A bad line is named.
    env.write(
        "xdg-config/zhiku/taxonomy.toml",
        "[synonyms]\n\"服务网格\" = [\"istio\"]\n\"坏\" = [\"***\"]\n",
    );
    let config = env.run(&["config"]);
    assert_ne!(config.code, 0, "{config:#?}");
    assert!(
        config
            .stderr
            .contains("taxonomy.toml:3: the synonym \"***\" has no letter, digit or Han character"),
        "{config:#?}"
    );
}
