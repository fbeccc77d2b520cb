//! The SQLite article store: opening (and refusing what is not ours), schema, articles, tree.

pub(crate) mod articles;
pub mod classify;
pub mod feeds;
mod schema;
pub mod titles;
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
        "the store {path} is damaged ({detail}); nothing is written into it. Move it aside and \
         rebuild it by importing your articles again (or an earlier `zhiku export`) into a new \
         store; `zhiku export --salvage` saves the articles that can still be read"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "the store {path} could not be brought to schema {known} ({detail}); it was left as it \
         was (the upgrade is one transaction): an object in the way was added by another \
         program, or rebuild the store from `zhiku export` of a zhiku that reads it"
    )]
    Migration {
        path: PathBuf,
        known: i32,
        detail: String,
    },
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
    /// A store that can be read but not written here (read-only media, a full disk): a
    /// command that only reads opens it read-only.
    fn is_no_write(&self) -> bool {
        matches!(self, StoreError::ReadOnly(..) | StoreError::Full(_))
    }

    /// Classifies an SQLite error on the store at `path`.
    pub fn from_sqlite(path: &Path, e: rusqlite::Error) -> Self {
        let path = path.to_path_buf();
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Corrupt {
                path,
                detail: e.to_string(),
            },
            Some(ErrorCode::DiskFull) => StoreError::Full(path),
            // What a write to a full disk (ENOSPC) or past the file size limit (EFBIG) gives
            // outside the page writes SQLite itself reports as full: "disk I/O error".
            Some(ErrorCode::SystemIoFailure) if no_space() => StoreError::Full(path),
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                StoreError::ReadOnly(path, "this command")
            }
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy(path),
            _ => StoreError::Sqlite { path, source: e },
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Whether an I/O error just met writing a store means there is no room: the errno of the
/// system call that failed (ENOSPC, EDQUOT, or EFBIG past the file size limit). Classifying
/// happens right after SQLite returns, before anything else sets errno.
fn no_space() -> bool {
    let errno = std::io::Error::last_os_error().raw_os_error();
    matches!(errno, Some(libc::ENOSPC | libc::EFBIG | libc::EDQUOT))
}

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
        match identify(path, SCHEMA_VERSION)? {
            // A database without a single table: a store whose creation is still under way in
            // another process (`create` waits for it and finds it done).
            Identity::Blank if access == Access::Write => return Self::create(path),
            Identity::Blank => return Err(StoreError::Foreign(path.to_path_buf())),
            Identity::Ours => {}
        }
        let writable = match Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .and_then(refuse_if_read_only)
        {
            Ok(c) => match user::prepare(path).and_then(|_| user::attach(&c, path)) {
                Ok(()) => Some(c),
                Err(e) if access == Access::Write || !e.is_no_write() => return Err(e),
                Err(_) => None,
            },
            Err(e) if access == Access::Write => return Err(write_error(path, e)),
            Err(_) => None,
        };
        let Some(conn) = writable else {
            return Self::open_read_only(path);
        };
        // Attached (above) before `configure`: attaching resets the connection's schemas,
        // which would make the temp tables it creates connect again on first use.
        if let Err(e) = configure(&conn, false) {
            if access == Access::Write {
                return Err(write_error(path, e));
            }
            drop(conn);
            return Self::open_read_only(path);
        }
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            read_only: false,
        };
        schema::migrate(&mut store.conn).map_err(|e| match store.err(e) {
            StoreError::Sqlite { path, source } => StoreError::Migration {
                path,
                known: SCHEMA_VERSION,
                detail: source.to_string(),
            },
            other => other,
        })?;
        Ok(store)
    }

    /// Opens a store read-only (`SQLITE_OPEN_READ_ONLY`), as a worker thread or a test does.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::NotFound(path.to_path_buf()));
        }
        if identify(path, SCHEMA_VERSION)? == Identity::Blank {
            return Err(StoreError::Foreign(path.to_path_buf()));
        }
        let (conn, immutable) = open_ro(path).map_err(|e| StoreError::from_sqlite(path, e))?;
        check_identity(&conn, path)?;
        user::attach_read_only(&conn, path, immutable)?;
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
        user::prepare(path)?;
        user::attach(&conn, path)?;
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
        conn.execute_batch(&format!(
            "ATTACH DATABASE ':memory:' AS user; {}",
            user::user_tables("user")
        ))
        .map_err(|e| StoreError::from_sqlite(&path, e))?;
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
        // The user-state file too when it holds nothing (it was created with the store); one
        // that holds bookmarks (of an earlier store of the same name) is kept.
        let user_empty = self
            .conn
            .query_row(
                "SELECT NOT EXISTS (SELECT 1 FROM user.user_state) \
                   AND NOT EXISTS (SELECT 1 FROM user.reader_settings)",
                [],
                |r| r.get::<_, bool>(0),
            )
            .unwrap_or(false);
        let n = if user_empty { 8 } else { 4 };
        for f in self.files().into_iter().take(n) {
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
        check_integrity(&self.conn, &self.path)
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
            .query_row(
                &format!(
                    "SELECT value FROM {} WHERE key = ?1",
                    user::settings_table(key)
                ),
                [key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Writes a user setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.require_writable("saving reader state")?;
        self.conn
            .execute(
                &format!(
                    "INSERT INTO {}(key, value) VALUES (?1, ?2) \
                     ON CONFLICT(key) DO UPDATE SET value = ?2",
                    user::settings_table(key)
                ),
                [key, value],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}

/// [`Store::check_integrity`] on a connection (inside a transaction: an import checks the
/// store it holds the write lock of before writing into it).
pub fn check_integrity(conn: &Connection, path: &Path) -> Result<()> {
    let e = |e| StoreError::from_sqlite(path, e);
    let mut st = conn.prepare("PRAGMA quick_check").map_err(e)?;
    let problems: Vec<String> = st
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(e)?;
    match problems.first() {
        Some(ok) if ok == "ok" => Ok(()),
        first => Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: first
                .cloned()
                .unwrap_or_else(|| "integrity check gave no answer".into()),
        }),
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
fn open_ro(path: &Path) -> rusqlite::Result<(Connection, bool)> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let wal_empty = std::fs::metadata(&wal).map_or(true, |m| m.len() == 0);
    match conn.query_row("PRAGMA application_id", [], |_| Ok(())) {
        // Read-only folder, or a full disk: the shared-memory file cannot be made.
        Err(e)
            if wal_empty
                && (e.sqlite_error_code() == Some(ErrorCode::ReadOnly)
                    || e.sqlite_error_code() == Some(ErrorCode::SystemIoFailure) && no_space()) =>
        {
            let Some(uri) = immutable_uri(path) else {
                return Err(e);
            };
            drop(conn);
            Connection::open_with_flags(
                uri,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
            )
            .map(|c| (c, true))
        }
        _ => Ok((conn, false)),
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

/// Starts a transaction holding the store's write lock and only that one: the user-state file
/// stays free for the reader's bookmarks, read marks and position however long it runs
/// (`BEGIN IMMEDIATE` would take the write lock of every attached file). The no-op write takes
/// the lock at once, waiting for another writer as long as the busy timeout.
pub fn begin_store_write(conn: &mut Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
    tx.execute_batch("UPDATE main.settings SET value = value WHERE 0")?;
    Ok(tx)
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
    crate::index::register(conn)?;
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

/// What a database file's header says it is.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// A zhiku file of a schema this build reads.
    Ours,
    /// An SQLite database without application id, version or a page beyond the first: nothing
    /// in it to protect.
    Blank,
}

/// Tells a zhiku file from anything else by its header (application id, user version), without
/// opening it with SQLite, so that refusing a file leaves no `-wal` or `-shm` beside it. Only
/// when a WAL beside it holds content (the header may be older than the database) is it asked
/// through SQLite, read-only.
fn identify(path: &Path, known: i32) -> Result<Identity> {
    check_header(path)?;
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        let (conn, _) = open_ro(path).map_err(|e| StoreError::from_sqlite(path, e))?;
        if is_blank(&conn) {
            return Ok(Identity::Blank);
        }
        check_identity_with(&conn, path, known)?;
        return Ok(Identity::Ours);
    }
    let io = |e| StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let mut head = [0u8; 100];
    let mut f = std::fs::File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    if f.read_exact(&mut head).is_err() {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: "the file ends inside its header".into(),
        });
    }
    let be = |at: usize| i32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    let (version, app) = (be(60), be(68));
    if app == 0 && version == 0 && len <= page_size {
        return Ok(Identity::Blank);
    }
    if app != APPLICATION_ID {
        return Err(StoreError::Foreign(path.to_path_buf()));
    }
    if version > known {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known,
        });
    }
    Ok(Identity::Ours)
}

/// [`identify`] for a file that must be ours: a blank one is too (it is set up as new).
fn check_identity_of(path: &Path, known: i32) -> Result<()> {
    identify(path, known).map(|_| ())
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
    check_identity_with(conn, path, SCHEMA_VERSION)
}

fn check_identity_with(conn: &Connection, path: &Path, known: i32) -> Result<()> {
    let app: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| StoreError::from_sqlite(path, e))?;
    if app != APPLICATION_ID {
        return Err(StoreError::Foreign(path.to_path_buf()));
    }
    let version: i32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| StoreError::from_sqlite(path, e))?;
    if version > known {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known,
        });
    }
    Ok(())
}
