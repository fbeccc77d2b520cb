//! Classification in the store: filing an article (import) and filing every article again
//! (`retag`, and the schema step that introduced it), with the taxonomy's categories and tags
//! kept in step with the tables.

use rusqlite::{Connection, OptionalExtension, params};

use super::articles::{IndexBatch, IndexRow, TagRow};
use super::schema::OTHER_TAG_POSITION;
use super::{Result, Store};
use crate::taxonomy::classify::{CategoryChoice, Classified, TagKind, classify};
use crate::taxonomy::{OTHER, Taxonomy, taxonomy};

/// `categories.kind`: a taxonomy category, the library's own, or 其他.
pub const CAT_TAXONOMY: i64 = 0;
pub const CAT_OWN: i64 = 1;
pub const CAT_OTHER: i64 = 2;
/// `tags.kind`: a taxonomy tag, another tag, a meta tag.
pub const TAG_TAXONOMY: i64 = 0;
pub const TAG_OTHER: i64 = 1;
pub const TAG_META: i64 = 2;
/// Position of 其他 among categories: after all others.
const OTHER_POSITION: i64 = 1_000_000;
/// Position of the library's own categories (the tree sorts them by pinyin).
const OWN_POSITION: i64 = 100_000;
/// The setting holding the hash of the taxonomy the store was classified with.
pub const TAXONOMY_HASH: &str = "taxonomy_hash";
/// Longest category name kept from a source (a path of nested lists included), in characters.
pub const MAX_SOURCE_CATEGORY: usize = 80;

/// What a source said about an article's place, kept for `retag`.
pub(crate) fn encode_tags(tags: &[String]) -> Option<String> {
    (!tags.is_empty()).then(|| tags.join("\u{1f}"))
}

fn decode_tags(s: Option<String>) -> Vec<String> {
    s.filter(|s| !s.is_empty())
        .map(|s| s.split('\u{1f}').map(str::to_owned).collect())
        .unwrap_or_default()
}

fn other_id(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT id FROM categories WHERE kind = 2")?
        .query_row([], |r| r.get(0))
}

/// The id of a category, created as the library's own when it does not exist yet.
fn category_id(conn: &Connection, t: &Taxonomy, c: &Classified) -> rusqlite::Result<i64> {
    let name = c.category_name(t);
    if c.category == CategoryChoice::Other {
        return other_id(conn);
    }
    if let Some(id) = conn
        .prepare_cached("SELECT id FROM categories WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?
    {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO categories(name, position, kind) VALUES (?1, ?2, ?3)")?
        .execute(params![name, OWN_POSITION, CAT_OWN])?;
    Ok(conn.last_insert_rowid())
}

/// The id and category of a tag, created (in 其他) when it is not yet known.
fn tag_id(conn: &Connection, name: &str, kind: TagKind) -> rusqlite::Result<(i64, i64)> {
    let fold = crate::text::fold_str(name.trim());
    if let Some(found) = conn
        .prepare_cached("SELECT id, category_id FROM tags WHERE fold = ?1")?
        .query_row([&fold], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
    {
        return Ok(found);
    }
    let other = other_id(conn)?;
    let kind = if kind == TagKind::Meta {
        TAG_META
    } else {
        TAG_OTHER
    };
    conn.prepare_cached(
        "INSERT INTO tags(name, fold, category_id, position, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![name.trim(), fold, other, OTHER_TAG_POSITION, kind])?;
    Ok((conn.last_insert_rowid(), other))
}

/// Files article `id` as `c` says: its category and its tags (the old tags are removed).
/// Returns the category id and the tag rows for the search index.
pub(crate) fn file_article(
    conn: &Connection,
    t: &Taxonomy,
    id: i64,
    c: &Classified,
) -> rusqlite::Result<(i64, Vec<TagRow>)> {
    let cat = category_id(conn, t, c)?;
    conn.prepare_cached("UPDATE articles SET category_id = ?2 WHERE id = ?1")?
        .execute([id, cat])?;
    conn.prepare_cached("DELETE FROM article_tags WHERE article_id = ?1")?
        .execute([id])?;
    let mut rows = Vec::with_capacity(c.tags.len());
    for (pos, tag) in c.tags.iter().enumerate() {
        let (tag_id, tag_cat) = tag_id(conn, &tag.name, tag.kind)?;
        let n = conn
            .prepare_cached(
                "INSERT OR IGNORE INTO article_tags(article_id, tag_id, position, inferred) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id, tag_id, pos as i64, tag.inferred])?;
        if n > 0 {
            rows.push((tag.name.clone(), tag_id, tag_cat));
        }
    }
    Ok((cat, rows))
}

/// Classifies an article being imported with the taxonomy in force.
pub(crate) fn classify_new(a: &super::NewArticle) -> (std::sync::Arc<Taxonomy>, Classified) {
    let t = taxonomy();
    let c = classify(&t, a.category.as_deref(), &a.tags, &a.title, &a.body);
    (t, c)
}

/// Brings the categories and tags tables in step with `t`: its categories first in its
/// order, then the library's own, then 其他; its tags in its order, meta tags marked, every
/// other tag in 其他 (the tree shows it under the category most of its articles are in).
fn sync_taxonomy(conn: &Connection, t: &Taxonomy) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO categories(name, position, kind) VALUES (?1, ?2, ?3) \
         ON CONFLICT(name) DO UPDATE SET position = ?2, kind = ?3",
        params![OTHER, OTHER_POSITION, CAT_OTHER],
    )?;
    conn.execute(
        "UPDATE categories SET kind = ?1, position = ?2 WHERE kind = ?3",
        params![CAT_OWN, OWN_POSITION, CAT_TAXONOMY],
    )?;
    let mut cat = conn.prepare(
        "INSERT INTO categories(name, position, kind) VALUES (?1, ?2, ?3) \
         ON CONFLICT(name) DO UPDATE SET position = ?2, kind = ?3 RETURNING id",
    )?;
    let mut ids = Vec::with_capacity(t.categories.len());
    for (ci, c) in t.categories.iter().enumerate() {
        ids.push(
            cat.query_row(params![c.name, ci as i64 + 1, CAT_TAXONOMY], |r| {
                r.get::<_, i64>(0)
            })?,
        );
    }
    let other = other_id(conn)?;
    conn.execute(
        "UPDATE tags SET kind = ?1, category_id = ?2, position = ?3 WHERE kind != ?1 OR category_id != ?2",
        params![TAG_OTHER, other, OTHER_TAG_POSITION],
    )?;
    let mut tag = conn.prepare(
        "INSERT INTO tags(name, fold, category_id, position, kind) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT(fold) DO UPDATE SET name = ?1, category_id = ?3, position = ?4, kind = ?5",
    )?;
    for (pos, (ci, tg)) in t.tags().enumerate() {
        tag.execute(params![
            tg.name,
            crate::text::fold_str(tg.name.trim()),
            ids[ci],
            pos as i64,
            TAG_TAXONOMY
        ])?;
    }
    for m in &t.meta {
        tag.execute(params![
            m,
            crate::text::fold_str(m.trim()),
            other,
            OTHER_TAG_POSITION,
            TAG_META
        ])?;
    }
    Ok(())
}

/// What a retag changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RetagReport {
    pub articles: usize,
    /// Articles whose category changed.
    pub moved: usize,
    /// Articles with at least one inferred tag.
    pub inferred: usize,
}

/// Files every article again with `t`, inside the caller's transaction; user state (read
/// marks, bookmarks, positions) lives in its own table and is not touched.
pub(crate) fn retag_in(conn: &Connection, t: &Taxonomy) -> rusqlite::Result<RetagReport> {
    sync_taxonomy(conn, t)?;
    conn.execute("INSERT INTO fts(fts) VALUES ('delete-all')", [])?;
    let mut report = RetagReport::default();
    let mut st = conn.prepare(
        "SELECT id, title, author, body, source_category, source_tags, category_id FROM articles ORDER BY id",
    )?;
    let mut rows = st.query([])?;
    let mut index = IndexBatch::default();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let (title, author, body): (String, Option<String>, String) =
            (r.get(1)?, r.get(2)?, r.get(3)?);
        let source_category: Option<String> = r.get(4)?;
        let source_tags = decode_tags(r.get(5)?);
        let before: i64 = r.get(6)?;
        let c = classify(t, source_category.as_deref(), &source_tags, &title, &body);
        let (cat, tags) = file_article(conn, t, id, &c)?;
        report.articles += 1;
        report.moved += usize::from(cat != before);
        report.inferred += usize::from(c.tags.iter().any(|x| x.inferred));
        index.push(
            conn,
            IndexRow::new(id, &title, author.as_deref(), &body, cat, &tags),
        )?;
    }
    index.flush(conn)?;
    // Categories of the library and tags no article carries any more go.
    conn.execute_batch(
        "DELETE FROM categories WHERE kind = 1 AND id NOT IN (SELECT category_id FROM articles); \
         DELETE FROM tags WHERE kind = 1 AND id NOT IN (SELECT tag_id FROM article_tags);",
    )?;
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
        [TAXONOMY_HASH, t.hash()],
    )?;
    Ok(report)
}

impl Store {
    /// Files every article again with `t` (`zhiku retag`), in one transaction, keeping user
    /// state. Called while the connection is in a transaction already, it becomes part of
    /// that one (a savepoint) instead of failing to start a second.
    pub fn retag(&mut self, t: &Taxonomy) -> Result<RetagReport> {
        self.require_writable("retag")?;
        let path = self.path().to_path_buf();
        let e = |e| super::StoreError::from_sqlite(&path, e);
        if !self.conn().is_autocommit() {
            let sp = self.conn_mut().savepoint().map_err(e)?;
            let report = retag_in(&sp, t).map_err(e)?;
            sp.commit().map_err(e)?;
            return Ok(report);
        }
        let tx = super::begin_store_write(self.conn_mut()).map_err(e)?;
        let report = retag_in(&tx, t).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(report)
    }

    /// Whether the store was classified with a taxonomy other than `t`.
    pub fn taxonomy_changed(&self, t: &Taxonomy) -> Result<bool> {
        Ok(self.setting(TAXONOMY_HASH)?.as_deref() != Some(t.hash()))
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;
    use crate::taxonomy::builtin;

    #[test]
    fn retag_inside_an_open_transaction_joins_it() {
        let mut s = Store::open_in_memory().unwrap();
        crate::import::import(
            &mut s,
            crate::sample::sources(),
            crate::import::Options::default(),
        )
        .unwrap();
        let user = crate::taxonomy::parse_user(
            "[[category]]\nname = \"协调服务\"\ntags = [\"分布式锁\"]\n[aliases]\n\"分布式锁\" = [\"分布式锁实现\"]\n",
            "t",
        )
        .unwrap();
        s.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
        let r = s.retag(&user).unwrap();
        assert_eq!(r.articles, 126);
        assert!(
            !s.conn().is_autocommit(),
            "the caller's transaction is still open"
        );
        s.conn().execute_batch("ROLLBACK").unwrap();
        assert!(s.taxonomy_changed(&user).unwrap(), "rolled back with it");
        assert!(!s.taxonomy_changed(&builtin()).unwrap());
        // Outside a transaction it is its own.
        s.retag(&user).unwrap();
        assert!(s.conn().is_autocommit());
        assert!(!s.taxonomy_changed(&user).unwrap());
    }
}
