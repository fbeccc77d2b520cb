//! The schema and its migrations, versioned with `PRAGMA user_version`.

use rusqlite::{Connection, TransactionBehavior};

use crate::taxonomy::{OTHER, taxonomy};

/// `PRAGMA application_id` of a zhiku store: "ZHKU".
pub const APPLICATION_ID: i32 = 0x5A48_4B55;
/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i32 = 7;
/// Position given to tags that are not in the taxonomy (sorted after it, by name).
pub const OTHER_TAG_POSITION: i64 = 10_000;

const V1: &str = r#"
CREATE TABLE categories(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL
);
CREATE TABLE tags(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    fold TEXT NOT NULL UNIQUE,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    position INTEGER NOT NULL
);
CREATE TABLE articles(
    id INTEGER PRIMARY KEY,
    ext_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    summary TEXT,
    author TEXT,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    published TEXT,
    published_ts INTEGER,
    source_updated TEXT,
    views INTEGER NOT NULL DEFAULT 0 CHECK (views >= 0),
    url TEXT,
    source_path TEXT,
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX articles_category_published ON articles(category_id, published_ts DESC);
CREATE INDEX articles_published ON articles(published_ts DESC);
CREATE INDEX articles_author ON articles(author);
CREATE TABLE article_tags(
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    position INTEGER NOT NULL,
    PRIMARY KEY(article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);
CREATE TABLE user_state(
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    read_count INTEGER NOT NULL DEFAULT 0,
    last_read_at TEXT,
    bookmarked_at TEXT,
    scroll INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(
    title, tags, author, body,
    content = '', contentless_delete = 1, tokenize = 'ascii'
);
"#;

/// Version 2: a narrow index covering the columns filters read (a search with a filter reads it
/// instead of every matching article's page), and one for "most viewed" order.
const V2: &str = r#"
DROP INDEX IF EXISTS articles_author;
CREATE INDEX articles_cover ON articles(id, category_id, published_ts, views, author);
CREATE INDEX articles_views ON articles(views DESC, published_ts DESC);
"#;

/// Brings a store to [`SCHEMA_VERSION`] in one immediate transaction: all or nothing.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    // A store that is already current needs no write lock: a reader opened while an import
    // holds the lock must not wait for it (and must not write the header on every open).
    let current: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version < 1 {
        tx.execute_batch(V1)?;
        seed_taxonomy(&tx)?;
        tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID};"))?;
    }
    if version < 2 {
        tx.execute_batch(V2)?;
    }
    if (1..3).contains(&version) {
        // Version 3 adds tag and category markers to the index's tags column: a store of an
        // earlier version is indexed again (a new store has nothing to index yet).
        super::articles::reindex_all(&tx)?;
    }
    if version < 5 {
        v5_persisted_lengths(&tx)?;
    }
    if version < 7 {
        v7_feeds(&tx)?;
    }
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION};"))?;
    tx.commit()
}

/// Version 5 (4 is left to another change): document lengths for ranking kept in one row
/// ([`crate::index::lengths`]) instead of read from the index's 100,000 rows by every process.
/// Computed here for an existing store (one pass over `fts_docsize`, ~50 ms for 100,000
/// articles); import keeps them current.
fn v5_persisted_lengths(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(crate::index::lengths::TABLE_SQL)?;
    crate::index::lengths::save(tx)
}

/// Version 7: the feeds `zhiku feed add` follows, and which of their items have been stored
/// (the key is the item's guid, else its link, else a hash of its content; `hash` tells an
/// item changed since it was stored). Removing a feed forgets its items, never the articles.
fn v7_feeds(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        r#"
CREATE TABLE IF NOT EXISTS feeds(
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    category TEXT,
    tags TEXT NOT NULL DEFAULT '',
    full_text INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    added_at TEXT NOT NULL,
    last_fetch TEXT,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS feed_items(
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    hash TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY(feed_id, key)
) WITHOUT ROWID;
"#,
    )
}

fn seed_taxonomy(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let t = taxonomy();
    let mut cat = tx.prepare("INSERT INTO categories(id, name, position) VALUES (?1, ?2, ?1)")?;
    let mut tag =
        tx.prepare("INSERT INTO tags(name, fold, category_id, position) VALUES (?1, ?2, ?3, ?4)")?;
    let mut pos = 0i64;
    for (ci, c) in t.categories.iter().enumerate() {
        cat.execute(rusqlite::params![ci as i64 + 1, c.name])?;
        for name in &c.tags {
            tag.execute(rusqlite::params![
                name,
                crate::text::fold_str(name),
                ci as i64 + 1,
                pos
            ])?;
            pos += 1;
        }
    }
    cat.execute(rusqlite::params![t.categories.len() as i64 + 1, OTHER])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::import::{Options, Source, import};
    use crate::search::{Request, Scope, search};
    use crate::store::{Access, Store};

    #[test]
    fn a_version_2_store_is_indexed_again_with_markers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut s = Store::open(&path, Access::Write).unwrap();
            let data = "{\"id\":\"a\",\"title\":\"Redis 缓存穿透\",\"body\":\"布隆过滤器挡住缓存穿透\",\"tags\":[\"Redis\"]}\n";
            import(
                &mut s,
                vec![Source::Memory {
                    name: "a.jsonl".into(),
                    data: data.as_bytes(),
                }],
                Options::default(),
            )
            .unwrap();
            // What a version-2 store looked like: the index without markers.
            s.conn()
                .execute_batch(
                    "INSERT INTO fts(fts) VALUES ('delete-all'); PRAGMA user_version = 2;",
                )
                .unwrap();
        }
        let s = Store::open(&path, Access::Write).unwrap();
        let v: i32 = s
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, super::SCHEMA_VERSION);
        let mut req = Request::new("缓存");
        req.scope = Scope::Category("中间件与web容器".into());
        assert_eq!(search(s.conn(), &req).unwrap().hits.len(), 1);
        req.scope = Scope::Tag("redis".into());
        assert_eq!(search(s.conn(), &req).unwrap().hits.len(), 1);
        req.scope = Scope::Tag("Kafka".into());
        assert_eq!(search(s.conn(), &req).unwrap().hits.len(), 0);
    }

    #[test]
    fn a_version_3_store_gets_its_lengths_saved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut s = Store::open(&path, Access::Write).unwrap();
            let data = "{\"id\":\"a\",\"title\":\"Redis 缓存穿透\",\"body\":\"布隆过滤器\"}\n";
            import(
                &mut s,
                vec![Source::Memory {
                    name: "a.jsonl".into(),
                    data: data.as_bytes(),
                }],
                Options::default(),
            )
            .unwrap();
            // What a version-3 store looked like: no saved lengths.
            s.conn()
                .execute_batch("DROP TABLE search_lengths; PRAGMA user_version = 3;")
                .unwrap();
            assert_eq!(crate::index::lengths::load(s.conn()).unwrap(), None);
        }
        let s = Store::open(&path, Access::Write).unwrap();
        let saved = crate::index::lengths::load(s.conn()).unwrap();
        assert!(saved.is_some_and(|(_, l)| l.len() == 1));
        assert_eq!(
            search(s.conn(), &Request::new("缓存")).unwrap().hits.len(),
            1
        );
    }
}
