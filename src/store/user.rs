//! User state: bookmarks, read history, months for the archive, random picks. Re-import never
//! touches any of it.

use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, params};

use super::articles::now_string;
use super::{ArticleId, Result, Store};

/// The user-state file beside the store at `path`: `zhiku.db` → `zhiku.user.db`,
/// `library` → `library.user`.
pub fn user_db_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.user.{ext}"),
        _ => format!("{name}.user"),
    };
    path.with_file_name(file)
}

/// Saved user state of one article, as `export --user-state` writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserState {
    pub read_count: i64,
    pub last_read_at: Option<String>,
    pub bookmarked_at: Option<String>,
}

impl Store {
    /// Adds or removes a bookmark; returns whether the article is bookmarked now.
    pub fn toggle_bookmark(&self, id: ArticleId) -> Result<bool> {
        self.require_writable("bookmarking")?;
        let now: Option<String> = self
            .conn()
            .query_row(
                "SELECT bookmarked_at FROM user_state WHERE article_id = ?1",
                [id.0],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .flatten();
        let new = if now.is_some() {
            None
        } else {
            Some(now_string())
        };
        self.conn()
            .execute(
                "INSERT INTO user_state(article_id, bookmarked_at) VALUES (?1, ?2) \
                 ON CONFLICT(article_id) DO UPDATE SET bookmarked_at = ?2",
                params![id.0, new],
            )
            .map_err(|e| self.err(e))?;
        Ok(new.is_some())
    }

    fn ids(&self, sql: &str, p: impl rusqlite::Params) -> Result<Vec<ArticleId>> {
        let mut st = self.conn().prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = st.query_map(p, |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.map(|r| r.map(ArticleId))
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Bookmarked articles, most recently bookmarked first.
    pub fn bookmarks(&self, limit: usize) -> Result<Vec<ArticleId>> {
        self.ids(
            "SELECT article_id FROM user_state WHERE bookmarked_at IS NOT NULL \
             ORDER BY bookmarked_at DESC, article_id DESC LIMIT ?1",
            [limit as i64],
        )
    }

    /// Articles read, most recently read first.
    pub fn recent(&self, limit: usize) -> Result<Vec<ArticleId>> {
        self.ids(
            "SELECT article_id FROM user_state WHERE last_read_at IS NOT NULL \
             ORDER BY last_read_at DESC, article_id DESC LIMIT ?1",
            [limit as i64],
        )
    }

    /// The user state of one article.
    pub fn user_state(&self, id: ArticleId) -> Result<UserState> {
        self.conn()
            .query_row(
                "SELECT read_count, last_read_at, bookmarked_at FROM user_state WHERE article_id = ?1",
                [id.0],
                |r| Ok(UserState { read_count: r.get(0)?, last_read_at: r.get(1)?, bookmarked_at: r.get(2)? }),
            )
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(|e| self.err(e))
    }
}

/// Replaces the user state of an article (import of `export --user-state`).
pub fn restore_user_state(
    tx: &rusqlite::Transaction,
    id: ArticleId,
    s: &UserState,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO user_state(article_id, read_count, last_read_at, bookmarked_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(article_id) DO UPDATE SET read_count = ?2, last_read_at = ?3, bookmarked_at = ?4",
    )?
    .execute(params![id.0, s.read_count, s.last_read_at, s.bookmarked_at])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewArticle, articles::upsert};

    fn store_with(n: usize) -> (Store, Vec<ArticleId>) {
        let mut s = Store::open_in_memory().unwrap();
        let tx = s.conn_mut().transaction().unwrap();
        let ids = (0..n)
            .map(|i| {
                let a = NewArticle {
                    title: format!("t{i}"),
                    body: "b".into(),
                    ..Default::default()
                };
                upsert(&tx, &a, "now").unwrap().0
            })
            .collect();
        tx.commit().unwrap();
        (s, ids)
    }

    #[test]
    fn bookmarks_toggle_and_list_newest_first() {
        let (s, ids) = store_with(3);
        assert!(s.toggle_bookmark(ids[0]).unwrap());
        assert!(s.toggle_bookmark(ids[2]).unwrap());
        assert_eq!(s.bookmarks(10).unwrap(), [ids[2], ids[0]]);
        assert!(!s.toggle_bookmark(ids[2]).unwrap());
        assert_eq!(s.bookmarks(10).unwrap(), [ids[0]]);
        assert!(s.user_state(ids[0]).unwrap().bookmarked_at.is_some());
    }

    #[test]
    fn recent_lists_read_articles() {
        let (s, ids) = store_with(3);
        s.mark_read(ids[1]).unwrap();
        assert_eq!(s.recent(10).unwrap(), [ids[1]]);
        assert_eq!(s.user_state(ids[1]).unwrap().read_count, 1);
    }
}
