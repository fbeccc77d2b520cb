//! The schema and its migrations, versioned with `PRAGMA user_version`.

use rusqlite::{Connection, TransactionBehavior};

use crate::taxonomy::taxonomy;

/// `PRAGMA application_id` of a zhiku store: "ZHKU".
pub const APPLICATION_ID: i32 = 0x5A48_4B55;
/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i32 = 11;
/// Position given to tags that are not in the taxonomy (sorted after it, by name).
pub const OTHER_TAG_POSITION: i64 = 10_000;

const V1: &str = r#"
CREATE TABLE IF NOT EXISTS categories(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tags(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    fold TEXT NOT NULL UNIQUE,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS articles(
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
CREATE INDEX IF NOT EXISTS articles_category_published ON articles(category_id, published_ts DESC);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published_ts DESC);
CREATE INDEX IF NOT EXISTS articles_author ON articles(author);
CREATE TABLE IF NOT EXISTS article_tags(
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    position INTEGER NOT NULL,
    PRIMARY KEY(article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_tags_tag ON article_tags(tag_id, article_id);
CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, tags, author, body,
    content = '', contentless_delete = 1, tokenize = 'ascii'
);
"#;

/// Version 2: a narrow index covering the columns filters read (a search with a filter reads it
/// instead of every matching article's page), and one for "most viewed" order.
const V2: &str = r#"
DROP INDEX IF EXISTS articles_author;
CREATE INDEX IF NOT EXISTS articles_cover ON articles(id, category_id, published_ts, views, author);
CREATE INDEX IF NOT EXISTS articles_views ON articles(views DESC, published_ts DESC);
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
    if version < 6 {
        v6_taxonomy(&tx, version)?;
    }
    if version < 7 {
        v7_feeds(&tx)?;
    }
    if version < 8 {
        // User state (read marks, bookmarks, the reader's position) moves to its own file,
        // which imports never lock (see `super::user`).
        super::user::v8_move_user_state(&tx)?;
    }
    // 9 and 10 are left to other changes.
    if (3..11).contains(&version) {
        // Version 11 folds traditional Chinese to simplified in the index (数据库 finds 數據庫):
        // the index is built again with the new folding (stores before 3 were just re-indexed).
        super::articles::reindex_all(&tx)?;
    }
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION};"))?;
    tx.commit()?;
    if (1..11).contains(&version) {
        // The index was built again: give the old index's pages back to the file system
        // (auto_vacuum is incremental), or the store keeps its old size on top of the new
        // index. A failure here loses nothing: the migration is committed.
        if let Ok(mut st) = conn.prepare("PRAGMA incremental_vacuum") {
            // One page per step: step to the end.
            let mut rows = st.raw_query();
            while let Ok(Some(_)) = rows.next() {}
        }
    }
    Ok(())
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

/// Version 6: the taxonomy is editable and tags can be inferred. Articles keep what their
/// source said (category path, tags as spelt) so that `retag` can classify them again; tags
/// given by the source and inferred ones are told apart; categories and tags know their kind
/// (taxonomy, the library's own or 其他; taxonomy, other or meta); aliases resolve `tag:`.
const V6: &str = r#"
ALTER TABLE articles ADD COLUMN source_category TEXT;
ALTER TABLE articles ADD COLUMN source_tags TEXT;
ALTER TABLE article_tags ADD COLUMN inferred INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tags ADD COLUMN kind INTEGER NOT NULL DEFAULT 1;
"#;

/// Migration step to version 6 (see [`V6`]). A store with articles keeps their tags as the
/// source tags and their category where no tag explains it, then is classified again.
fn v6_taxonomy(tx: &rusqlite::Transaction, from: i32) -> rusqlite::Result<()> {
    // A store that already has the columns (one marked older to be indexed again) keeps them.
    let has: bool = tx.query_row(
        "SELECT count(*) FROM pragma_table_info('articles') WHERE name = 'source_tags'",
        [],
        |r| r.get(0),
    )?;
    if !has {
        tx.execute_batch(V6)?;
    }
    if from >= 1 {
        tx.execute_batch(
            "UPDATE articles SET source_tags = (SELECT group_concat(name, char(31)) FROM \
               (SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id \
                WHERE x.article_id = articles.id ORDER BY x.position)); \
             UPDATE articles SET source_category = (SELECT c.name FROM categories c \
               WHERE c.id = articles.category_id) \
             WHERE category_id NOT IN (SELECT t.category_id FROM article_tags x \
               JOIN tags t ON t.id = x.tag_id WHERE x.article_id = articles.id);",
        )?;
    }
    super::classify::retag_in(tx, &taxonomy())?;
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
}
