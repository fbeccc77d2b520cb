//! Chinese-first search (issue 17.1): simplified and traditional characters find each other in
//! search, excerpts and the reader's highlights; the article's own characters are shown; an
//! existing store is re-indexed by the schema migration.

use zhiku::doc::Document;
use zhiku::import::{Options, Source, import};
use zhiku::search::{Request, search};
use zhiku::store::{Access, Store};

fn records() -> String {
    [
        serde_json::json!({"id": "tw-1", "title": "資料庫備份與還原",
            "body": "在生產環境中，資料庫的備份策略決定了故障時能否快速還原。數據庫管理員每天檢查備份檔案。"}),
        serde_json::json!({"id": "cn-1", "title": "资料整理", "body": "简体中文的资料整理方法。"}),
        serde_json::json!({"id": "x-1", "title": "无关", "body": "Kafka 消息积压的处理。"}),
    ]
    .iter()
    .map(|r| r.to_string() + "\n")
    .collect()
}

fn fill(s: &mut Store) {
    let data: &'static [u8] = Box::leak(records().into_boxed_str()).as_bytes();
    let src = Source::Memory {
        name: "t.jsonl".into(),
        data,
    };
    let r = import(s, vec![src], Options::default()).unwrap();
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
}

fn ids(s: &Store, q: &str) -> Vec<String> {
    let mut req = Request::new(q);
    req.limit = 100;
    let mut v: Vec<String> = search(s.conn(), &req)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.meta.ext_id)
        .collect();
    v.sort();
    v
}

#[test]
fn simplified_finds_traditional_and_back() {
    let mut s = Store::open_in_memory().unwrap();
    fill(&mut s);
    assert_eq!(ids(&s, "数据库"), ["tw-1"]);
    assert_eq!(ids(&s, "备份"), ["tw-1"]);
    assert_eq!(ids(&s, "資料"), ["cn-1", "tw-1"]);
    assert_eq!(ids(&s, "资料"), ["cn-1", "tw-1"]);
    assert_eq!(ids(&s, "数据库 -还原"), Vec::<String>::new());
    // The excerpt shows the article's own characters, with the match marked on them.
    let mut req = Request::new("备份");
    req.excerpt_width = 60;
    let hits = search(s.conn(), &req).unwrap().hits;
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert!(h.meta.title.contains("資料庫備份"), "{}", h.meta.title);
    assert!(!h.excerpt_matches.is_empty(), "{h:?}");
    for m in &h.excerpt_matches {
        assert_eq!(&h.excerpt[m.clone()], "備份", "{h:?}");
    }
    // The reader's n/N highlights the traditional text for a simplified query.
    let needles: Vec<Vec<char>> = vec!["备份".chars().collect()];
    let mut d = Document::new("資料庫的備份策略，每天檢查備份。", &needles);
    d.layout(80);
    assert_eq!(d.match_count(), 2);
}

#[test]
fn an_existing_store_is_indexed_again_by_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut s = Store::open(&path, Access::Write).unwrap();
        fill(&mut s);
    }
    // A store of schema 7 whose index was built with the old folding: stand in for it with
    // an emptied index, which only the migration's re-index can fill again.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("INSERT INTO fts(fts) VALUES ('delete-all'); PRAGMA user_version = 7;")
            .unwrap();
    }
    let s = Store::open(&path, Access::Write).unwrap();
    assert_eq!(ids(&s, "数据库"), ["tw-1"]);
    assert_eq!(ids(&s, "Kafka"), ["x-1"]);
}

#[test]
fn regional_vocabulary_finds_the_other_word_below_literal_matches() {
    // 软件 (mainland) is 軟體 in Taiwan, 内存 is 記憶體; 序列 and 串行 are two words in mainland
    // text and must not meet (assets/regional.tsv drops that pair).
    let recs = [
        serde_json::json!({"id": "tw", "title": "軟體測試入門", "body": "記憶體洩漏與單元測試。"}),
        serde_json::json!({"id": "cn", "title": "软件测试入门", "body": "内存泄漏与单元测试。"}),
        serde_json::json!({"id": "seq", "title": "序列化", "body": "Java 对象的序列化。"}),
        serde_json::json!({"id": "ser", "title": "串行通信", "body": "串行端口。"}),
    ];
    let text: String = recs.iter().map(|r| r.to_string() + "\n").collect();
    let mut s = Store::open_in_memory().unwrap();
    let src = Source::Memory {
        name: "r.jsonl".into(),
        data: Box::leak(text.into_boxed_str()).as_bytes(),
    };
    import(&mut s, vec![src], Options::default()).unwrap();
    let order = |q: &str| -> Vec<String> {
        search(s.conn(), &Request::new(q))
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.meta.ext_id)
            .collect()
    };
    assert_eq!(order("软件"), ["cn", "tw"]);
    assert_eq!(order("軟體"), ["tw", "cn"]);
    assert_eq!(order("内存"), ["cn", "tw"]);
    assert_eq!(order("記憶體"), ["tw", "cn"]);
    assert_eq!(order("序列"), ["seq"]);
    assert_eq!(order("串行"), ["ser"]);
    // The variant is highlighted where it matched.
    let hit = search(s.conn(), &Request::new("内存"))
        .unwrap()
        .hits
        .into_iter()
        .find(|h| h.meta.ext_id == "tw")
        .unwrap();
    assert!(
        hit.excerpt_matches
            .iter()
            .any(|m| &hit.excerpt[m.clone()] == "記憶體"),
        "{hit:?}"
    );
}
