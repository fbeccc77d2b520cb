//! User state: bookmarks, read history, reading position. It lives in a file of its own beside
//! the store (`zhiku.db` → `zhiku.user.db`), attached to every connection as schema `user`, so
//! that an import, which holds the store's write lock for as long as it runs, never locks it: a
//! bookmark or read mark made in the reader meanwhile is written at once. Rows are keyed by the
//! article's external id, so they survive a store rebuilt from the same sources. Re-import
//! never touches any of it.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, params};

use super::articles::now_string;
use super::{APPLICATION_ID, ArticleId, Result, Store, StoreError};

/// `PRAGMA user_version` of the user-state file this build writes and reads.
pub const USER_SCHEMA_VERSION: i32 = 1;

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

/// The tables of the user-state file (created in schema `user` when it is attached, in `temp`
/// as an empty stand-in when a read-only store has no such file).
pub(super) fn user_tables(schema: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {schema}.user_state(
    ext_id TEXT PRIMARY KEY,
    read_count INTEGER NOT NULL DEFAULT 0,
    last_read_at TEXT,
    bookmarked_at TEXT,
    scroll INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS {schema}.reader_settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    )
}

/// Reader settings (`reader.` keys: last article, its scroll) are user state and live in the
/// user-state file; every other setting belongs to the store.
pub(super) fn settings_table(key: &str) -> &'static str {
    if key.starts_with("reader.") {
        "reader_settings"
    } else {
        "settings"
    }
}

/// Creates the user-state file beside a writable store, or checks the one that is there (a file
/// that is not ours, or from a newer zhiku, is refused and left untouched).
pub(super) fn prepare(main: &Path) -> Result<()> {
    let path = user_db_path(main);
    if !is_new(&path)? {
        super::check_identity_of(&path, USER_SCHEMA_VERSION)?;
        if header_version(&path) == Some(USER_SCHEMA_VERSION) {
            // Current: nothing to set up (and nothing opened twice).
            return Ok(());
        }
    }
    let err = |e| super::write_error(&path, e);
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )
    .map_err(err)?;
    let conn = super::refuse_if_read_only(conn).map_err(err)?;
    conn.busy_timeout(super::BUSY_TIMEOUT).map_err(err)?;
    let version: i32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(err)?;
    if version >= USER_SCHEMA_VERSION {
        return Ok(());
    }
    super::set_wal(&conn).map_err(err)?;
    conn.execute_batch(&format!(
        "BEGIN IMMEDIATE; {} PRAGMA application_id = {APPLICATION_ID}; \
         PRAGMA user_version = {USER_SCHEMA_VERSION}; COMMIT;",
        user_tables("main")
    ))
    .map_err(err)
}

/// The user version in the file's header, when no WAL beside it may hold a newer one.
fn header_version(path: &Path) -> Option<i32> {
    use std::io::Read;
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return None;
    }
    let mut head = [0u8; 64];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    Some(i32::from_be_bytes([head[60], head[61], head[62], head[63]]))
}

/// Whether the user-state file is missing or empty (nothing to check, everything to create).
fn is_new(path: &Path) -> Result<bool> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(m.len() == 0),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

/// Reads the store's schema before attaching (which reads every schema), so that a damaged
/// store is reported as the store, not as its user-state file.
fn load_main_schema(conn: &Connection, main: &Path) -> Result<()> {
    conn.query_row("SELECT count(*) FROM main.sqlite_schema", [], |_| Ok(()))
        .map_err(|e| StoreError::from_sqlite(main, e))
}

/// Attaches the (prepared) user-state file of a writable store as schema `user`.
pub(super) fn attach(conn: &Connection, main: &Path) -> Result<()> {
    load_main_schema(conn, main)?;
    let path = user_db_path(main);
    conn.execute("ATTACH DATABASE ?1 AS user", [path.to_string_lossy()])
        .map_err(|e| super::write_error(&path, e))?;
    Ok(())
}

/// Makes user state readable on a read-only connection: the user-state file attached read-only
/// (immutable when the main file is), else empty stand-ins, or a view of the user state an
/// older store kept in its own file.
pub(super) fn attach_read_only(conn: &Connection, main: &Path, immutable: bool) -> Result<()> {
    load_main_schema(conn, main)?;
    let path = user_db_path(main);
    if !is_new(&path)? {
        super::check_identity_of(&path, USER_SCHEMA_VERSION)?;
        // As it is, else (a WAL file in a folder this user cannot write, a full disk)
        // immutable when no WAL beside it holds content; else the store is still browsed,
        // without its user state.
        let plain = (!immutable).then(|| path.to_string_lossy().into_owned());
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        let wal_empty = std::fs::metadata(&wal).map_or(true, |m| m.len() == 0);
        let frozen = wal_empty.then(|| super::immutable_uri(&path)).flatten();
        for t in [plain, frozen].into_iter().flatten() {
            let ok = conn
                .execute("ATTACH DATABASE ?1 AS user", [t])
                .and_then(|_| {
                    conn.query_row("SELECT count(*) FROM user.user_state", [], |_| Ok(()))
                });
            match ok {
                Ok(()) => return Ok(()),
                Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseCorrupt) => {
                    return Err(StoreError::from_sqlite(&path, e));
                }
                Err(_) => {
                    let _ = conn.execute_batch("DETACH DATABASE user");
                }
            }
        }
    }
    let e = |e| StoreError::from_sqlite(main, e);
    let old: bool = conn
        .query_row(
            "SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name = 'user_state'",
            [],
            |r| r.get(0),
        )
        .map_err(e)?;
    if old {
        // A store of schema 7 or older, not migrated because it cannot be written.
        conn.execute_batch(
            "CREATE TEMP VIEW user_state AS SELECT a.ext_id AS ext_id, u.read_count AS read_count, \
               u.last_read_at AS last_read_at, u.bookmarked_at AS bookmarked_at, u.scroll AS scroll \
               FROM main.user_state u JOIN main.articles a ON a.id = u.article_id; \
             CREATE TEMP VIEW reader_settings AS SELECT key, value FROM main.settings \
               WHERE key LIKE 'reader.%';",
        )
        .map_err(e)
    } else {
        conn.execute_batch(&user_tables("temp")).map_err(e)
    }
}

/// Schema step 8: the user state an older store kept in its own file moves into the user-state
/// file (read marks and bookmarks by external id, the reader's settings), then goes from the
/// store. Checks what exists: run again it moves nothing twice.
pub(super) fn v8_move_user_state(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let old: bool = tx.query_row(
        "SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name = 'user_state'",
        [],
        |r| r.get(0),
    )?;
    if !old {
        return Ok(());
    }
    tx.execute_batch(
        "INSERT INTO user.user_state(ext_id, read_count, last_read_at, bookmarked_at, scroll) \
           SELECT a.ext_id, u.read_count, u.last_read_at, u.bookmarked_at, u.scroll \
           FROM main.user_state u JOIN main.articles a ON a.id = u.article_id WHERE true \
           ON CONFLICT(ext_id) DO NOTHING; \
         INSERT INTO user.reader_settings(key, value) \
           SELECT key, value FROM main.settings WHERE key LIKE 'reader.%' \
           ON CONFLICT(key) DO NOTHING; \
         DELETE FROM main.settings WHERE key LIKE 'reader.%'; \
         DROP TABLE main.user_state;",
    )
}

/// Saved user state of one article, as `export --user-state` writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserState {
    pub read_count: i64,
    pub last_read_at: Option<String>,
    pub bookmarked_at: Option<String>,
}

impl Store {
    /// Fails with [`StoreError::ReadOnly`] naming `what` when user state cannot be written.
    fn require_user_writable(&self, what: &'static str) -> Result<()> {
        self.require_writable(what)
    }

    /// Classifies an SQLite error met writing user state.
    fn user_err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(&user_db_path(self.path()), e)
    }

    /// Adds or removes a bookmark; returns whether the article is bookmarked now.
    pub fn toggle_bookmark(&self, id: ArticleId) -> Result<bool> {
        self.require_user_writable("bookmarking")?;
        let now: Option<String> = self
            .conn()
            .query_row(
                "SELECT u.bookmarked_at FROM user_state u JOIN articles a ON a.ext_id = u.ext_id \
                 WHERE a.id = ?1",
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
                "INSERT INTO user_state(ext_id, bookmarked_at) SELECT ext_id, ?2 FROM articles \
                 WHERE id = ?1 ON CONFLICT(ext_id) DO UPDATE SET bookmarked_at = ?2",
                params![id.0, new],
            )
            .map_err(|e| self.user_err(e))?;
        Ok(new.is_some())
    }

    /// Marks an article read: bumps the local view count and the read time.
    pub fn mark_read(&self, id: ArticleId) -> Result<()> {
        self.require_user_writable("marking articles read")?;
        self.conn()
            .execute(
                "INSERT INTO user_state(ext_id, read_count, last_read_at) \
                 SELECT ext_id, 1, ?2 FROM articles WHERE id = ?1 \
                 ON CONFLICT(ext_id) DO UPDATE SET read_count = read_count + 1, last_read_at = ?2",
                params![id.0, now_string()],
            )
            .map(|_| ())
            .map_err(|e| self.user_err(e))
    }

    /// Remembers where the reader left an article (its first visible line).
    pub fn set_position(&self, id: ArticleId, scroll: usize) -> Result<()> {
        self.require_user_writable("remembering the reading position")?;
        self.conn()
            .execute(
                "INSERT INTO user_state(ext_id, scroll) SELECT ext_id, ?2 FROM articles WHERE id = ?1 \
                 ON CONFLICT(ext_id) DO UPDATE SET scroll = ?2",
                params![id.0, scroll as i64],
            )
            .map(|_| ())
            .map_err(|e| self.user_err(e))
    }

    /// Where the reader left an article last time (0 when never).
    pub fn position(&self, id: ArticleId) -> Result<usize> {
        self.conn()
            .query_row(
                "SELECT u.scroll FROM user_state u JOIN articles a ON a.ext_id = u.ext_id \
                 WHERE a.id = ?1",
                [id.0],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map(|s| s.unwrap_or(0).max(0) as usize)
            .map_err(|e| self.err(e))
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
            "SELECT a.id FROM user_state u JOIN articles a ON a.ext_id = u.ext_id \
             WHERE u.bookmarked_at IS NOT NULL \
             ORDER BY u.bookmarked_at DESC, a.id DESC LIMIT ?1",
            [limit as i64],
        )
    }

    /// Articles read, most recently read first.
    pub fn recent(&self, limit: usize) -> Result<Vec<ArticleId>> {
        self.ids(
            "SELECT a.id FROM user_state u JOIN articles a ON a.ext_id = u.ext_id \
             WHERE u.last_read_at IS NOT NULL \
             ORDER BY u.last_read_at DESC, a.id DESC LIMIT ?1",
            [limit as i64],
        )
    }

    /// The user state of one article.
    pub fn user_state(&self, id: ArticleId) -> Result<UserState> {
        self.conn()
            .query_row(
                "SELECT u.read_count, u.last_read_at, u.bookmarked_at FROM user_state u \
                 JOIN articles a ON a.ext_id = u.ext_id WHERE a.id = ?1",
                [id.0],
                |r| {
                    Ok(UserState {
                        read_count: r.get(0)?,
                        last_read_at: r.get(1)?,
                        bookmarked_at: r.get(2)?,
                    })
                },
            )
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(|e| self.err(e))
    }

    /// Replaces the user state of articles by external id (import of `export --user-state`),
    /// in one short transaction of the user-state file only (after the import's commit).
    pub fn restore_user_states(&mut self, states: &[(String, UserState)]) -> Result<()> {
        if states.is_empty() {
            return Ok(());
        }
        self.require_user_writable("restoring user state")?;
        let path = user_db_path(self.path());
        let e = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn_mut().transaction().map_err(e)?;
        {
            let mut st = tx
                .prepare(
                    "INSERT INTO user_state(ext_id, read_count, last_read_at, bookmarked_at) \
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT(ext_id) DO UPDATE SET \
                     read_count = ?2, last_read_at = ?3, bookmarked_at = ?4",
                )
                .map_err(e)?;
            for (ext_id, s) in states {
                st.execute(params![
                    ext_id,
                    s.read_count,
                    s.last_read_at,
                    s.bookmarked_at
                ])
                .map_err(e)?;
            }
        }
        tx.commit().map_err(e)
    }
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
    fn every_article_keeps_its_own_position() {
        let (s, ids) = store_with(3);
        assert_eq!(s.position(ids[0]).unwrap(), 0);
        s.set_position(ids[0], 40).unwrap();
        s.set_position(ids[1], 7).unwrap();
        s.set_position(ids[0], 42).unwrap();
        assert_eq!(s.position(ids[0]).unwrap(), 42);
        assert_eq!(s.position(ids[1]).unwrap(), 7);
        assert_eq!(s.position(ids[2]).unwrap(), 0);
        // The position is user state: it does not count as a read.
        assert_eq!(s.user_state(ids[0]).unwrap().read_count, 0);
    }

    #[test]
    fn recent_lists_read_articles() {
        let (s, ids) = store_with(3);
        s.mark_read(ids[1]).unwrap();
        assert_eq!(s.recent(10).unwrap(), [ids[1]]);
        assert_eq!(s.user_state(ids[1]).unwrap().read_count, 1);
    }
}
