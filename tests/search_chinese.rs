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
