//! Articles: the record the importer hands in, upsert by stable id, and reading back.

use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{OptionalExtension, Row, Transaction, params};
use sha2::{Digest, Sha256};

use super::{Result, Store, StoreError};

/// Row id of an article in one store (not stable across stores: use `ext_id` for that).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleId(pub i64);

/// An article as the importer produced it, already validated and normalised.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewArticle {
    pub id: Option<String>,
    pub title: String,
    pub body: String,
    pub summary: Option<String>,
    pub author: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub views: u64,
    pub url: Option<String>,
    pub source_path: Option<String>,
    /// Read marks and bookmark from `export --user-state` (written to the user-state file after
    /// the import commits); `None` leaves the ones saved as they are.
    pub user_state: Option<super::UserState>,
}

impl NewArticle {
    /// The stable external id: the given id, else one derived from the url, else from title
    /// and date.
    pub fn ext_id(&self) -> String {
        if let Some(id) = &self.id {
            return id.clone();
        }
        let (prefix, basis) = match &self.url {
            Some(url) => ("u", url.clone()),
            None => {
                let date = self.published.map(|d| d.to_rfc3339()).unwrap_or_default();
                (
                    "t",
                    format!("{}\u{1f}{}", crate::text::fold_str(&self.title), date),
                )
            }
        };
        let hash = Sha256::digest(basis.as_bytes());
        let hex: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
        format!("{prefix}-{hex}")
    }
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Inserted,
    Updated,
}

/// Article metadata as lists show it (no body).
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleMeta {
    pub id: ArticleId,
    pub ext_id: String,
    pub title: String,
    pub author: Option<String>,
    pub category: String,
    /// Every tag: the source's, then the inferred ones.
    pub tags: Vec<String>,
    /// Those of `tags` that were inferred from title and body, not given by the source.
    pub inferred: Vec<String>,
    pub published: Option<String>,
    pub views: i64,
    pub read_count: i64,
    pub bookmarked: bool,
}

impl ArticleMeta {
    /// The tags the source gave (not inferred).
    pub fn source_tags(&self) -> Vec<String> {
        self.tags
            .iter()
            .filter(|t| !self.inferred.contains(t))
            .cloned()
            .collect()
    }
}

/// A whole article.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub meta: ArticleMeta,
    pub body: String,
    pub summary: Option<String>,
    pub url: Option<String>,
    pub source_path: Option<String>,
    pub source_updated: Option<String>,
    pub imported_at: String,
    pub updated_at: String,
}

/// Tags come joined by U+001F in query results (`META_SELECT`); this splits them again.
fn decode_tags(s: Option<String>) -> Vec<String> {
    s.filter(|s| !s.is_empty())
        .map(|s| s.split('\u{1f}').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The text indexed for an article's tags ([`crate::index::tags_text`]).
pub fn tokenize_tags(tags: &[String]) -> String {
    crate::index::tags_text(tags)
}

/// SQL selecting the [`ArticleMeta`] columns for `articles a`; append a WHERE/ORDER clause.
pub const META_SELECT: &str = "SELECT a.id, a.ext_id, a.title, a.author, c.name, \
    (SELECT group_concat(t.name, char(31)) FROM (SELECT t.name FROM article_tags at \
       JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id ORDER BY at.position) t), \
    a.published, a.views, coalesce(u.read_count, 0), u.bookmarked_at IS NOT NULL, \
    (SELECT group_concat(t.name, char(31)) FROM (SELECT t.name FROM article_tags at \
       JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id AND at.inferred \
       ORDER BY at.position) t) \
    FROM articles a JOIN categories c ON c.id = a.category_id \
    LEFT JOIN user_state u ON u.ext_id = a.ext_id";

/// Builds an [`ArticleMeta`] from a row selected with `META_SELECT`.
pub fn article_from_row(r: &Row) -> rusqlite::Result<ArticleMeta> {
    Ok(ArticleMeta {
        id: ArticleId(r.get(0)?),
        ext_id: r.get(1)?,
        title: r.get(2)?,
        author: r.get(3)?,
        category: r.get(4)?,
        tags: decode_tags(r.get(5)?),
        published: r.get(6)?,
        views: r.get(7)?,
        read_count: r.get(8)?,
        bookmarked: r.get(9)?,
        inferred: decode_tags(r.get(10)?),
    })
}

/// Inserts or updates `a` (identity: its external id) inside an import transaction.
/// User state (read marks, bookmarks, position) is never touched.
pub fn upsert(
    tx: &Transaction,
    a: &NewArticle,
    now: &str,
) -> rusqlite::Result<(ArticleId, Upserted)> {
    let mut batch = IndexBatch::default();
    let r = upsert_changed(tx, a, now, &mut batch, None)?;
    batch.flush(tx)?;
    Ok((r.0, r.1))
}

/// [`upsert`], also telling whether anything was written: an article met again with every
/// stored field the same is left as it is (no row, tag or index entry rewritten; updating
/// the index is what made re-importing 20,000 articles 3× slower than importing them new).
/// Its filing cannot differ either: a store classified with another taxonomy is filed again
/// when it is opened (`taxonomy::cli::ensure_current`).
pub(crate) fn upsert_changed(
    tx: &Transaction,
    a: &NewArticle,
    now: &str,
    batch: &mut IndexBatch,
    tokens: Option<Tokens>,
) -> rusqlite::Result<(ArticleId, Upserted, bool)> {
    let ext_id = a.ext_id();
    let (taxonomy, classified) = super::classify::classify_new(a);
    // Filed under 其他 until `file_article` below puts it in its place.
    let category_id: i64 =
        tx.query_row("SELECT id FROM categories WHERE kind = 2", [], |r| r.get(0))?;
    let source_tags = super::classify::encode_tags(&a.tags);
    let existing: Option<i64> = tx
        .prepare_cached("SELECT id FROM articles WHERE ext_id = ?1")?
        .query_row([&ext_id], |r| r.get(0))
        .optional()?;
    let published = a.published.map(|d| d.to_rfc3339());
    let published_ts = a.published.map(|d| d.timestamp());
    let updated = a.updated.map(|d| d.to_rfc3339());
    let (id, what) = match existing {
        Some(id)
            if tx
                .prepare_cached(
                    "SELECT title IS ?2 AND body IS ?3 AND summary IS ?4 AND author IS ?5 \
                     AND published IS ?6 AND published_ts IS ?7 AND source_updated IS ?8 \
                     AND views IS ?9 AND url IS ?10 AND source_path IS ?11 \
                     AND source_category IS ?12 AND source_tags IS ?13 \
                     FROM articles WHERE id = ?1",
                )?
                .query_row(
                    params![
                        id,
                        a.title,
                        a.body,
                        a.summary,
                        a.author,
                        published,
                        published_ts,
                        updated,
                        a.views as i64,
                        a.url,
                        a.source_path,
                        a.category,
                        source_tags
                    ],
                    |r| r.get::<_, bool>(0),
                )? =>
        {
            return Ok((ArticleId(id), Upserted::Updated, false));
        }
        Some(id) => {
            tx.prepare_cached(
                "UPDATE articles SET title=?2, body=?3, summary=?4, author=?5, category_id=?6, \
                 published=?7, published_ts=?8, source_updated=?9, views=?10, url=?11, \
                 source_path=?12, updated_at=?13, source_category=?14, source_tags=?15 WHERE id=?1",
            )?
            .execute(params![
                id,
                a.title,
                a.body,
                a.summary,
                a.author,
                category_id,
                published,
                published_ts,
                updated,
                a.views as i64,
                a.url,
                a.source_path,
                now,
                a.category,
                source_tags
            ])?;
            // Met earlier in this run: its row is still in the batch, not in the index.
            if !batch.discard(id) {
                crate::index::delete_row(tx, id)?;
            }
            (id, Upserted::Updated)
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO articles(ext_id, title, body, summary, author, category_id, published, \
                 published_ts, source_updated, views, url, source_path, imported_at, updated_at, \
                 source_category, source_tags) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15)",
            )?
            .execute(params![
                ext_id, a.title, a.body, a.summary, a.author, category_id, published, published_ts,
                updated, a.views as i64, a.url, a.source_path, now, a.category, source_tags
            ])?;
            (tx.last_insert_rowid(), Upserted::Inserted)
        }
    };
    let (category_id, tags) = super::classify::file_article(tx, &taxonomy, id, &classified)?;
    let tokens = tokens.unwrap_or_else(|| tokens_of(a));
    batch.push(
        tx,
        IndexRow::of_tokens(id, tokens, a.author.as_deref(), category_id, &tags),
    )?;
    Ok((ArticleId(id), what, true))
}

pub use crate::index::TagRow;
pub(crate) use crate::index::{IndexBatch, IndexRow, Tokens};

/// The index tokens of an article about to be stored.
pub(crate) fn tokens_of(a: &NewArticle) -> Tokens {
    Tokens::of(&a.title, a.author.as_deref(), &a.body)
}

/// Rebuilds the whole search index from the articles ([`crate::index::reindex_all`]).
pub(crate) fn reindex_all(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    crate::index::reindex_all(conn)
}

/// The current time as stored in `imported_at`/`updated_at`.
pub fn now_string() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Store {
    /// Reads one article by its external id.
    pub fn article_by_ext_id(&self, ext_id: &str) -> Result<Option<Article>> {
        self.article_where(
            "a.ext_id = ?1",
            rusqlite::types::Value::Text(ext_id.to_owned()),
        )
    }

    /// Reads one article by row id.
    pub fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        self.article_where("a.id = ?1", rusqlite::types::Value::Integer(id.0))
    }

    fn article_where(&self, cond: &str, key: rusqlite::types::Value) -> Result<Option<Article>> {
        let sql = format!(
            "SELECT m.*, a2.body, a2.summary, a2.url, a2.source_path, a2.source_updated, \
             a2.imported_at, a2.updated_at FROM ({META_SELECT} WHERE {cond}) m \
             JOIN articles a2 ON a2.id = m.id"
        );
        // Cached: an export asks once per article.
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut st| {
                st.query_row([key], |r| {
                    Ok(Article {
                        meta: article_from_row(r)?,
                        body: r.get(11)?,
                        summary: r.get(12)?,
                        url: r.get(13)?,
                        source_path: r.get(14)?,
                        source_updated: r.get(15)?,
                        imported_at: r.get(16)?,
                        updated_at: r.get(17)?,
                    })
                })
                .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// Every article in id order; calls `f` for each (a failure of `f` is reported as
    /// [`StoreError::Io`] on "(output)"; [`Store::try_for_each_article`] keeps its error).
    pub fn for_each_article(
        &self,
        mut f: impl FnMut(Article) -> std::io::Result<()>,
    ) -> Result<()> {
        self.try_for_each_article(|a| {
            f(a).map_err(|e| StoreError::Io {
                path: "(output)".into(),
                source: e,
            })
        })
    }

    /// Every article in id order, for export: stops at the first error of the store or of `f`
    /// and hands back that error as it is (a write error stays a write error).
    pub fn try_for_each_article<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(Article) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let ids: Vec<i64> = {
            let mut st = self
                .conn
                .prepare("SELECT id FROM articles ORDER BY id")
                .map_err(|e| self.err(e))?;
            st.query_map([], |r| r.get(0))
                .and_then(|m| m.collect())
                .map_err(|e| self.err(e))?
        };
        for id in ids {
            if let Some(a) = self.article(ArticleId(id))? {
                f(a)?;
            }
        }
        Ok(())
    }

    /// Every article that can still be read from a damaged store, for `export --salvage`:
    /// ids are gathered from the table and from each index over it (a damaged page of one
    /// is read past through the others), and an article that cannot be read is counted, not
    /// an error. Returns how many could not be read.
    pub fn salvage_each_article<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(Article) -> std::result::Result<(), E>,
    ) -> std::result::Result<usize, E> {
        let mut ids = std::collections::BTreeSet::new();
        for sql in [
            "SELECT id FROM articles ORDER BY id",
            "SELECT id FROM articles INDEXED BY articles_cover ORDER BY id",
            "SELECT id FROM articles INDEXED BY articles_published",
            "SELECT id FROM articles INDEXED BY articles_category_published",
        ] {
            let Ok(mut st) = self.conn.prepare(sql) else {
                continue;
            };
            let Ok(mut rows) = st.query([]) else {
                continue;
            };
            // Up to the first damaged page.
            while let Ok(Some(r)) = rows.next() {
                if let Ok(id) = r.get::<_, i64>(0) {
                    ids.insert(id);
                }
            }
        }
        let mut lost = 0;
        for id in ids {
            match self.article(ArticleId(id)) {
                Ok(Some(a)) => f(a)?,
                Ok(None) => {}
                Err(StoreError::Corrupt { .. }) => lost += 1,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(lost)
    }

    /// Number of articles.
    pub fn article_count(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::OTHER;

    fn art(title: &str, tags: &[&str]) -> NewArticle {
        NewArticle {
            title: title.into(),
            body: "正文".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        }
    }

    fn import(store: &mut Store, a: &NewArticle) -> (ArticleId, Upserted) {
        let tx = store.conn_mut().transaction().unwrap();
        let r = upsert(&tx, a, "2025-01-01T00:00:00Z").unwrap();
        tx.commit().unwrap();
        r
    }

    #[test]
    fn category_comes_from_first_taxonomy_tag() {
        let mut s = Store::open_in_memory().unwrap();
        let (id, _) = import(&mut s, &art("a", &["转载文章", "redis", "MySQL"]));
        let a = s.article(id).unwrap().unwrap();
        assert_eq!(a.meta.category, "中间件与web容器");
        assert_eq!(a.meta.tags, ["转载文章", "Redis", "MySQL"]);
    }

    #[test]
    fn explicit_category_wins_and_unknown_is_other() {
        let mut s = Store::open_in_memory().unwrap();
        let mut a = art("a", &["Redis"]);
        a.category = Some("数据库".into());
        let (id, _) = import(&mut s, &a);
        assert_eq!(s.article(id).unwrap().unwrap().meta.category, "数据库");
        let (id, _) = import(&mut s, &art("b", &["随笔"]));
        assert_eq!(s.article(id).unwrap().unwrap().meta.category, OTHER);
    }

    #[test]
    fn reimport_updates_in_place_and_keeps_user_state() {
        let mut s = Store::open_in_memory().unwrap();
        let mut a = art("a", &["Redis"]);
        a.id = Some("x1".into());
        let (id, what) = import(&mut s, &a);
        assert_eq!(what, Upserted::Inserted);
        s.mark_read(id).unwrap();
        a.title = "新标题".into();
        let (id2, what) = import(&mut s, &a);
        assert_eq!((id2, what), (id, Upserted::Updated));
        let got = s.article(id).unwrap().unwrap();
        assert_eq!(got.meta.title, "新标题");
        assert_eq!(got.meta.read_count, 1);
        assert_eq!(s.article_count().unwrap(), 1);
    }

    #[test]
    fn derived_ids_are_stable() {
        let mut a = art("标题", &[]);
        let t = a.ext_id();
        assert!(t.starts_with("t-") && t.len() == 14);
        assert_eq!(t, art("标题", &[]).ext_id());
        a.url = Some("https://example.com/p/1".into());
        assert!(a.ext_id().starts_with("u-"));
    }
}
