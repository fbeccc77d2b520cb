//! The feeds `zhiku feed add` follows (tables `feeds` and `feed_items`, schema version 7).

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Transaction, params};

use super::{ArticleId, Result, Store};

/// One followed feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feed {
    pub id: i64,
    pub url: String,
    pub title: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub full_text: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_fetch: Option<String>,
    pub last_error: Option<String>,
    /// Items stored from it so far.
    pub items: i64,
}

/// A feed's tags in one column, separated by U+001F (which no sanitised tag contains).
fn join_tags(tags: &[String]) -> String {
    tags.join("\u{1f}")
}

fn split_tags(s: &str) -> Vec<String> {
    s.split('\u{1f}')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Store {
    /// Every feed, in the order they were added.
    pub fn feeds(&self) -> Result<Vec<Feed>> {
        let mut st = self
            .conn()
            .prepare(
                "SELECT f.id, f.url, f.title, f.category, f.tags, f.full_text, f.etag, \
                 f.last_modified, f.last_fetch, f.last_error, \
                 (SELECT count(*) FROM feed_items i WHERE i.feed_id = f.id) \
                 FROM feeds f ORDER BY f.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok(Feed {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    title: r.get(2)?,
                    category: r.get(3)?,
                    tags: split_tags(&r.get::<_, String>(4)?),
                    full_text: r.get(5)?,
                    etag: r.get(6)?,
                    last_modified: r.get(7)?,
                    last_fetch: r.get(8)?,
                    last_error: r.get(9)?,
                    items: r.get(10)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Follows a feed, or updates the labels of one already followed; true when it is new.
    pub fn add_feed(
        &self,
        url: &str,
        title: Option<&str>,
        category: Option<&str>,
        tags: &[String],
        full_text: bool,
    ) -> Result<bool> {
        self.require_writable("feed add")?;
        let now = super::articles::now_string();
        let existed: Option<i64> = self
            .conn()
            .query_row("SELECT id FROM feeds WHERE url = ?1", [url], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        self.conn()
            .execute(
                "INSERT INTO feeds(url, title, category, tags, full_text, added_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(url) DO UPDATE SET \
                 title = coalesce(excluded.title, title), category = excluded.category, \
                 tags = excluded.tags, full_text = excluded.full_text",
                params![url, title, category, join_tags(tags), full_text, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(existed.is_none())
    }

    /// Follows many feeds in one transaction (an OPML import); returns how many were new.
    pub fn add_feeds(
        &mut self,
        feeds: &[(String, Option<String>, Option<String>)],
    ) -> Result<usize> {
        self.require_writable("feed import")?;
        let path = self.path().to_path_buf();
        let now = super::articles::now_string();
        let tx = self
            .conn_mut()
            .transaction()
            .map_err(|e| super::StoreError::from_sqlite(&path, e))?;
        let mut n = 0;
        {
            let mut st = tx
                .prepare(
                    "INSERT INTO feeds(url, title, category, added_at) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT(url) DO NOTHING",
                )
                .map_err(|e| super::StoreError::from_sqlite(&path, e))?;
            for (url, title, category) in feeds {
                n += st
                    .execute(params![url, title, category, now])
                    .map_err(|e| super::StoreError::from_sqlite(&path, e))?;
            }
        }
        tx.commit()
            .map_err(|e| super::StoreError::from_sqlite(&path, e))?;
        Ok(n)
    }

    /// Stops following the feed with this URL or list number (1-based, as `feed list` shows);
    /// its articles stay. Returns the URL removed.
    pub fn remove_feed(&self, which: &str) -> Result<Option<String>> {
        self.require_writable("feed rm")?;
        let feeds = self.feeds()?;
        let found = which
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| feeds.get(i))
            .or_else(|| feeds.iter().find(|f| f.url == which.trim()));
        let Some(f) = found else { return Ok(None) };
        self.conn()
            .execute("DELETE FROM feed_items WHERE feed_id = ?1", [f.id])
            .and_then(|_| {
                self.conn()
                    .execute("DELETE FROM feeds WHERE id = ?1", [f.id])
            })
            .map_err(|e| self.err(e))?;
        Ok(Some(f.url.clone()))
    }

    /// The stored items of a feed: key → content hash.
    pub fn feed_items(&self, feed_id: i64) -> Result<HashMap<String, String>> {
        let mut st = self
            .conn()
            .prepare("SELECT key, hash FROM feed_items WHERE feed_id = ?1")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([feed_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<HashMap<_, _>>>()
            .map_err(|e| self.err(e))
    }
}

/// Records that an item of a feed is stored as `article`.
pub fn record_item(
    tx: &Transaction,
    feed_id: i64,
    key: &str,
    article: ArticleId,
    hash: &str,
    now: &str,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO feed_items(feed_id, key, article_id, hash, seen_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT(feed_id, key) DO UPDATE SET article_id = ?3, hash = ?4, seen_at = ?5",
    )?
    .execute(params![feed_id, key, article.0, hash, now])?;
    Ok(())
}

/// A successful fetch: the feed's title and its validators (ETag, Last-Modified).
pub type FetchedMeta<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// Records the outcome of fetching a feed: when, its title and validators (on success), or
/// the error (on failure; the validators stay so the next fetch is still conditional).
pub fn record_fetch(
    tx: &Transaction,
    feed_id: i64,
    now: &str,
    outcome: Result<FetchedMeta, &str>,
) -> rusqlite::Result<()> {
    match outcome {
        Ok((title, etag, last_modified)) => tx.execute(
            "UPDATE feeds SET last_fetch = ?2, last_error = NULL, title = coalesce(?3, title), \
             etag = coalesce(?4, etag), last_modified = coalesce(?5, last_modified) WHERE id = ?1",
            params![feed_id, now, title, etag, last_modified],
        )?,
        Err(e) => tx.execute(
            "UPDATE feeds SET last_fetch = ?2, last_error = ?3 WHERE id = ?1",
            params![feed_id, now, e],
        )?,
    };
    Ok(())
}
