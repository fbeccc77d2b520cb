//! Unread articles from the web: fetched from a feed or saved from a page (`zhiku add`,
//! whose identity is its URL), and never opened. Read-only queries; table names unqualified
//! so they work wherever the user-state tables live.

use super::{ArticleId, Result, Store};

/// Articles from the web (a feed item, or an `http(s)` page stored under its URL) that have
/// no read mark.
const UNREAD: &str = "FROM articles a \
     WHERE (a.id IN (SELECT article_id FROM feed_items WHERE article_id IS NOT NULL) \
            OR (a.ext_id LIKE 'u-%' AND a.url LIKE 'http%')) \
       AND NOT EXISTS (SELECT 1 FROM user_state u WHERE u.ext_id = a.ext_id AND u.read_count > 0)";

impl Store {
    /// How many articles from the web are unread.
    pub fn unread_count(&self) -> Result<usize> {
        self.conn()
            .query_row(&format!("SELECT count(*) {UNREAD}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as usize)
            .map_err(|e| self.err(e))
    }

    /// Unread articles from the web, newest first.
    pub fn unread(&self, limit: usize) -> Result<Vec<ArticleId>> {
        let sql = format!("SELECT a.id {UNREAD} ORDER BY a.published_ts DESC, a.id DESC LIMIT ?1");
        let mut st = self.conn().prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map([limit as i64], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        rows.map(|r| r.map(ArticleId))
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }
}
