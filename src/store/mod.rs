//! The SQLite article store: opening (and refusing what is not ours), schema, articles, tree.

pub(crate) mod articles;
pub mod classify;
pub mod feeds;
mod schema;
mod tree;
pub mod unread;
pub mod user;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

pub use articles::{
    Article, ArticleId, ArticleMeta, NewArticle, Upserted, article_from_row, tokenize_tags,
};
pub use classify::RetagReport;
pub use schema::{APPLICATION_ID, SCHEMA_VERSION};
pub use tree::{CategoryKind, CategoryNode, TagNode, Tree};
pub use user::UserState;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// Page size of new stores.
const PAGE_SIZE: u32 = 16384;

/// What can go wrong with a store; every message names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "no store at {0}: check the path (a store is created by `zhiku --db PATH import FILE`)"
    )]
    NotFound(PathBuf),
    #[error("{0} is not a zhiku store (not an SQLite database); it was left untouched")]
    NotSqlite(PathBuf),
    #[error(
        "{0} is an SQLite database of another program, not a zhiku store; it was left untouched"
    )]
    Foreign(PathBuf),
    #[error(
        "{path} was written by a newer zhiku (schema {found}, this build reads up to {known}); \
         upgrade zhiku to open it"
    )]
    TooNew {
        path: PathBuf,
        found: i32,
        known: i32,
    },
    #[error(
        "the store {path} is damaged ({detail}); move it aside and rebuild it by importing your \
         articles again (or an earlier `zhiku export`) into a new store"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error("the store {0} is read-only: {1} needs write access to it and its folder")]
    ReadOnly(PathBuf, &'static str),
    #[error(
        "the disk is full (or the store reached its size limit) while writing {0}; nothing of this run was saved"
    )]
    Full(PathBuf),
    #[error(
        "the store {0} is locked by another writer (another `zhiku import`?); try again when it has finished"
    )]
    Busy(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error in {path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// Classifies an SQLite error on the store at `path`.
    pub fn from_sqlite(path: &Path, e: rusqlite::Error) -> Self {
        let path = path.to_path_buf();
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Corrupt {
                path,
                detail: e.to_string(),
            },
            Some(ErrorCode::DiskFull) => StoreError::Full(path),
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                StoreError::ReadOnly(path, "this command")
            }
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy(path),
            _ => StoreError::Sqlite { path, source: e },
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Browse: never creates a file; falls back to read-only when the file cannot be written.
    Read,
    /// Write (import, bookmarks): creates a new store when the path does not exist.
    Write,
}

/// An open zhiku store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
}

impl Store {
    /// Opens the store at `path`, refusing files that are not zhiku stores without modifying them.
    pub fn open(path: &Path, access: Access) -> Result<Store> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if access == Access::Read {
                    return Err(StoreError::NotFound(path.to_path_buf()));
                }
                return Self::create(path);
            }
            Err(e) => {
                return Err(StoreError::Io {
                    path: path.to_path_buf(),
                    source: e,
                });
            }
            // An empty file is what another `zhiku import` creating this store leaves for a
            // moment (and what `touch` makes): nothing to refuse and nothing to lose.
            Ok(m) if m.len() == 0 && access == Access::Write => return Self::create(path),
            Ok(_) => {}
        }
        check_header(path)?;
        let probe = open_ro(path).map_err(|e| StoreError::from_sqlite(path, e))?;
        if access == Access::Write && is_blank(&probe) {
            // Likewise a database without a single table: a store whose creation is still
            // under way in another process (`create` waits for it and finds it done).
            drop(probe);
            return Self::create(path);
        }
        check_identity(&probe, path)?;
        drop(probe);
        let (conn, read_only) =
            match Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
                .and_then(|c| configure(&c, false).map(|_| c))
                .and_then(refuse_if_read_only)
            {
                Ok(c) => (c, false),
                Err(e) if access == Access::Write => return Err(write_error(path, e)),
                Err(_) => {
                    let c = open_ro(path).map_err(|e| StoreError::from_sqlite(path, e))?;
                    configure(&c, true).map_err(|e| StoreError::from_sqlite(path, e))?;
                    (c, true)
                }
            };
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            read_only,
        };
        if !read_only {
            schema::migrate(&mut store.conn).map_err(|e| store.err(e))?;
        }
        Ok(store)
    }

    /// Opens a store read-only (`SQLITE_OPEN_READ_ONLY`), as a worker thread or a test does.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::NotFound(path.to_path_buf()));
        }
        check_header(path)?;
        let conn = open_ro(path).map_err(|e| StoreError::from_sqlite(path, e))?;
        check_identity(&conn, path)?;
        configure(&conn, true).map_err(|e| StoreError::from_sqlite(path, e))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            read_only: true,
        })
    }

    fn create(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
                path: dir.to_path_buf(),
                source: e,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let mut conn =
            Connection::open_with_flags(path, flags).map_err(|e| write_error(path, e))?;
        // Before the first table: bodies of a few KiB fit in one page instead of spilling into
        // mostly empty overflow pages (100k generated articles: store 2.42× → 2.34× the text,
        // import 28 → 22 s). Incremental auto-vacuum: the pages FTS5 frees when it merges index
        // segments go back to the file system after each import (`Store::reclaim`).
        conn.execute_batch(&format!(
            "PRAGMA page_size = {PAGE_SIZE}; PRAGMA auto_vacuum = INCREMENTAL;"
        ))
        .map_err(|e| write_error(path, e))?;
        configure(&conn, false).map_err(|e| write_error(path, e))?;
        schema::migrate(&mut conn).map_err(|e| write_error(path, e))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            read_only: false,
        })
    }

    /// A store in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let path = PathBuf::from(":memory:");
        let mut conn =
            Connection::open_in_memory().map_err(|e| StoreError::from_sqlite(&path, e))?;
        configure(&conn, false).map_err(|e| StoreError::from_sqlite(&path, e))?;
        schema::migrate(&mut conn).map_err(|e| StoreError::from_sqlite(&path, e))?;
        Ok(Store {
            conn,
            path,
            read_only: false,
        })
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Fails with [`StoreError::ReadOnly`] naming `what` when the store cannot be written.
    pub fn require_writable(&self, what: &'static str) -> Result<()> {
        if self.read_only {
            return Err(StoreError::ReadOnly(self.path.clone(), what));
        }
        Ok(())
    }

    /// Classifies an SQLite error on this store.
    pub fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(&self.path, e)
    }

    /// Every file that belongs to this store: the main file, its `-wal` and `-shm`, and the
    /// same for the user-state file beside it. What an export must never overwrite.
    pub fn files(&self) -> Vec<PathBuf> {
        companions(&self.path)
    }

    /// Removes this store's files if it holds no article (a store created by a run that
    /// imported nothing). The check and the removal happen under the write lock, so a store
    /// another process has just imported into is never removed. Returns whether it was removed.
    pub fn remove_if_empty(&mut self) -> bool {
        if self.read_only {
            return false;
        }
        let empty = self.conn.execute_batch("BEGIN IMMEDIATE").and_then(|_| {
            self.conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM articles)", [], |r| {
                    r.get::<_, bool>(0)
                })
        });
        if !matches!(empty, Ok(true)) {
            let _ = self.conn.execute_batch("ROLLBACK");
            return false;
        }
        // The main file and its companions only: a user-state file beside it may hold
        // bookmarks of an earlier store of the same name.
        for f in self.files().into_iter().take(4) {
            let _ = std::fs::remove_file(f);
        }
        let _ = self.conn.execute_batch("ROLLBACK");
        true
    }

    /// Size of the store on disk (main file plus WAL), in bytes.
    pub fn size_on_disk(&self) -> u64 {
        let wal = PathBuf::from(format!("{}-wal", self.path.display()));
        [self.path.as_path(), wal.as_path()]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }

    /// Verifies the whole file (`PRAGMA quick_check`); reads every page, so only for commands
    /// that read everything anyway (export).
    pub fn check_integrity(&self) -> Result<()> {
        let mut st = self
            .conn
            .prepare("PRAGMA quick_check")
            .map_err(|e| self.err(e))?;
        let problems: Vec<String> = st
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        match problems.first() {
            Some(ok) if ok == "ok" => Ok(()),
            first => Err(StoreError::Corrupt {
                path: self.path.clone(),
                detail: first
                    .cloned()
                    .unwrap_or_else(|| "integrity check gave no answer".into()),
            }),
        }
    }

    /// Gives the free pages back to the file system (stores created with incremental
    /// auto-vacuum; a no-op for others).
    pub fn reclaim(&self) -> Result<()> {
        // The pragma frees one page per step (each step returns a row): step to the end.
        let mut st = self
            .conn
            .prepare("PRAGMA incremental_vacuum")
            .map_err(|e| self.err(e))?;
        let mut rows = st.raw_query();
        while rows.next().map_err(|e| self.err(e))?.is_some() {}
        Ok(())
    }

    /// Reads a user setting (last article, scroll, ...).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Writes a user setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.require_writable("saving reader state")?;
        self.conn
            .execute("INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2", [key, value])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}

/// The files of the store at `path` (see [`Store::files`]).
pub fn companions(path: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for base in [path.to_path_buf(), user::user_db_path(path)] {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            out.push(PathBuf::from(format!("{}{suffix}", base.display())));
        }
    }
    out
}

fn write_error(path: &Path, e: rusqlite::Error) -> StoreError {
    match StoreError::from_sqlite(path, e) {
        StoreError::ReadOnly(p, _) => StoreError::ReadOnly(p, "writing"),
        other => other,
    }
}

/// SQLite quietly opens a file it cannot write read-only even when asked for read-write; this
/// turns that into the `SQLITE_READONLY` error a write would meet later.
fn refuse_if_read_only(conn: Connection) -> rusqlite::Result<Connection> {
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            Some("the file cannot be written".into()),
        ));
    }
    Ok(conn)
}

/// Opens `path` with `SQLITE_OPEN_READ_ONLY`. A WAL store in a folder this user cannot write
/// (and without `-shm`/`-wal` files) cannot be read that way: SQLite needs to create the shared
/// memory file. Then, and only then, it is opened `immutable`: nobody without write access to
/// the folder can be writing it, and there is no WAL whose contents would be missed.
fn open_ro(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let wal_empty = std::fs::metadata(&wal).map_or(true, |m| m.len() == 0);
    match conn.query_row("PRAGMA application_id", [], |_| Ok(())) {
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::ReadOnly) && wal_empty => {
            let Some(uri) = immutable_uri(path) else {
                return Err(e);
            };
            drop(conn);
            Connection::open_with_flags(
                uri,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
            )
        }
        _ => Ok(conn),
    }
}

/// `file:/abs/path?immutable=1`, with the characters URIs reserve escaped.
fn immutable_uri(path: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(path).ok()?;
    let mut uri = String::from("file:");
    for c in abs.to_str()?.chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", c as u32)),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    Some(uri)
}

/// How long a connection waits for another one's lock before giving up as [`StoreError::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

fn configure(conn: &Connection, read_only: bool) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    if !read_only {
        set_wal(conn)?;
        conn.execute_batch("PRAGMA synchronous = NORMAL;")?;
    }
    crate::search::rank::register(conn)?;
    Ok(())
}

/// `PRAGMA journal_mode = WAL` fails with SQLITE_BUSY at once, without the busy handler, while
/// another connection holds a lock on a store that is not yet in WAL mode (two importers
/// creating the same new store): retry it for as long as the busy timeout.
fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    let start = std::time::Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())) {
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            r => return r,
        }
    }
}

fn check_header(path: &Path) -> Result<()> {
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let n = f.read(&mut head).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if n < 16 || &head != SQLITE_MAGIC {
        return Err(StoreError::NotSqlite(path.to_path_buf()));
    }
    Ok(())
}

/// An SQLite database with no tables, application id or version: nothing in it to protect.
fn is_blank(conn: &Connection) -> bool {
    conn.query_row(
        "SELECT (SELECT count(*) FROM sqlite_schema) = 0 \
           AND (SELECT application_id FROM pragma_application_id) = 0 \
           AND (SELECT user_version FROM pragma_user_version) = 0",
        [],
        |r| r.get(0),
    )
    .unwrap_or(false)
}

fn check_identity(conn: &Connection, path: &Path) -> Result<()> {
    let app: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| StoreError::from_sqlite(path, e))?;
    if app != APPLICATION_ID {
        return Err(StoreError::Foreign(path.to_path_buf()));
    }
    let version: i32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| StoreError::from_sqlite(path, e))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}
