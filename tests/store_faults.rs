//! Store faults, BAD_INPUTS sections F (30–36) and G (37–38): files that are not stores,
//! damaged stores, mistyped paths, read-only stores, a full disk, a newer schema, a killed
//! importer, and readers and writers at the same time.
//!
//! Every command gets `--db` inside a temporary folder (and HOME and the XDG folders pointing
//! there), so no test can touch the user's default store.

mod common;

use common::cli::{Env, Out, count, fixture, run};
use common::pty::{BIN, isolate};
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use rusqlite::{Connection, OpenFlags};
use serde_json::json;
use sha2::{Digest, Sha256};
use zhiku::import::{ImportError, Options, Source, import};
use zhiku::store::{Access, Store, StoreError};

// ---------------------------------------------------------------------------------------------
// Helpers

impl Env {
    /// A real store: the sample library plus the format fixtures (140 articles, ~1.2 MiB).
    fn real_store(&self) -> PathBuf {
        let db = self.db();
        let mut c = self.zhiku_db(&db);
        c.args(["import", "--sample"]).arg(fixture("formats"));
        let out = run(&mut c);
        assert_eq!(out.code, 0, "{out:#?}");
        db
    }

    /// The names of the files in the folder.
    fn listing(&self) -> BTreeSet<String> {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }
}

fn sha256(p: &Path) -> String {
    let bytes = std::fs::read(p).unwrap();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn integrity_ok(db: &Path) {
    let c = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let r: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(r, "ok", "{} is damaged", db.display());
}

fn wal_len(db: &Path) -> u64 {
    std::fs::metadata(format!("{}-wal", db.display())).map_or(0, |m| m.len())
}

/// Deterministic pseudo-random bytes (xorshift64*).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// `n` articles as JSON Lines, ids `{prefix}-0…`, ~1 KiB of Chinese text each.
fn articles_jsonl(prefix: &str, n: usize) -> String {
    let mut s = String::with_capacity(n * 1200);
    for i in 0..n {
        let v = json!({
            "id": format!("{prefix}-{i}"),
            "title": format!("{prefix} 第 {i} 篇：数据库备份与恢复"),
            "body": format!("{}{i}", "这是正文，关于 MySQL 备份、恢复与校验。".repeat(16)),
            "tags": ["MySQL", "备份"],
            "views": i,
        });
        s.push_str(&v.to_string());
        s.push('\n');
    }
    s
}

fn spawn_import(env: &Env, db: &Path, file: &Path) -> Child {
    env.isolated()
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn zhiku import")
}

/// Waits until the importer has written at least `bytes` of its (uncommitted) transaction to
/// the WAL, i.e. it is certainly mid-run holding the write lock.
fn wait_mid_import(child: &mut Child, db: &Path, bytes: u64) {
    let start = Instant::now();
    assert!(
        wal_len(db) < bytes / 2,
        "the WAL is already large before the import"
    );
    while wal_len(db) < bytes {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the import finished ({status}) before the test could act mid-run");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the import never started writing"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Waits for a spawned command to end (see [`Out::from_output`]).
fn finish(child: Child) -> Out {
    Out::from_output(child.wait_with_output().unwrap())
}

/// Every command that opens a store, for the tests that must refuse a file.
fn every_command(env: &Env) -> Vec<Vec<String>> {
    let good = env.write("good.jsonl", r#"{"id":"g","title":"好","body":"正文"}"#);
    vec![
        vec!["import".into(), good.display().to_string()],
        vec!["stats".into()],
        vec!["export".into()],
        vec!["search".into(), "备份".into()],
        vec!["show".into(), "g".into()],
    ]
}

/// Runs every command against `bad`: each must exit 2 with a message naming the file that
/// contains `what`, and leave the file's bytes as they were.
fn assert_refused_untouched(env: &Env, bad: &Path, what: &str) {
    let before = sha256(bad);
    for args in every_command(env) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = env.cmd(bad, &args);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(
            out.stderr.contains(&bad.display().to_string()) && out.stderr.contains(what),
            "{args:?}: expected a message naming {} with `{what}`: {out:#?}",
            bad.display()
        );
        assert!(out.stdout.is_empty(), "{args:?}: {out:#?}");
        assert_eq!(sha256(bad), before, "{args:?} modified {}", bad.display());
    }
}

// ---------------------------------------------------------------------------------------------
// F 30: files that are not zhiku stores

#[test]
fn jsonl_file_as_db_is_refused_and_left_untouched() {
    let env = Env::new();
    let bad = env.write(
        "articles.jsonl",
        std::fs::read(fixture("formats/articles.jsonl")).unwrap(),
    );
    let files = env.listing();
    assert_refused_untouched(&env, &bad, "is not a zhiku store");
    let mut want = files.clone();
    want.insert("good.jsonl".into());
    assert_eq!(env.listing(), want, "files were created next to it");
    assert!(matches!(
        Store::open(&bad, Access::Write),
        Err(StoreError::NotSqlite(_))
    ));
}

#[test]
fn random_bytes_as_db_are_refused_and_left_untouched() {
    let env = Env::new();
    let bad = env.write("random.db", noise(256 * 1024, 0x5eed));
    assert_refused_untouched(&env, &bad, "is not a zhiku store");
    // Random pages behind a valid SQLite magic: refused too (as foreign or damaged).
    let mut data = b"SQLite format 3\0".to_vec();
    data.extend(noise(64 * 1024 - 16, 42));
    let magic = env.write("magic.db", data);
    let before = sha256(&magic);
    for args in [&["stats"][..], &["export"], &["search", "x"]] {
        let out = env.cmd(&magic, args);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(
            out.stderr.contains(&magic.display().to_string()),
            "{out:#?}"
        );
    }
    let good = env.write("g.jsonl", r#"{"id":"g","title":"好","body":"正文"}"#);
    let out = env.import_into(&magic, &[&good]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(sha256(&magic), before, "magic.db was modified");
}

fn other_app_db(path: &Path, wal: bool) {
    let c = Connection::open(path).unwrap();
    if wal {
        c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
    }
    c.execute_batch(
        "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT);
         INSERT INTO notes(text) VALUES ('别的程序的数据'), ('second');
         PRAGMA user_version = 7;",
    )
    .unwrap();
}

#[test]
fn another_apps_sqlite_file_is_refused_and_left_untouched() {
    let env = Env::new();
    let other = env.path("other.sqlite");
    other_app_db(&other, false);
    let files = env.listing();
    assert_refused_untouched(&env, &other, "SQLite database of another program");
    let mut want = files.clone();
    want.insert("good.jsonl".into());
    assert_eq!(env.listing(), want, "files were created next to it");
    assert!(matches!(
        Store::open(&other, Access::Write),
        Err(StoreError::Foreign(_))
    ));
    assert!(matches!(
        Store::open_read_only(&other),
        Err(StoreError::Foreign(_))
    ));
}

#[test]
fn another_apps_wal_mode_sqlite_file_is_refused_and_its_data_kept() {
    let env = Env::new();
    let other = env.path("other-wal.sqlite");
    other_app_db(&other, true);
    let files = env.listing();
    assert_refused_untouched(&env, &other, "SQLite database of another program");
    for r in [
        Store::open(&other, Access::Write),
        Store::open(&other, Access::Read),
        Store::open_read_only(&other),
    ] {
        assert!(matches!(r, Err(StoreError::Foreign(_))));
    }
    // Refused from its header: no `-wal`/`-shm` (and no user-state file) left beside it.
    let mut want = files.clone();
    want.insert("good.jsonl".into());
    assert_eq!(env.listing(), want, "files were created next to it");
    let c = Connection::open(&other).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM notes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
    let tables: i64 = c
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 1, "zhiku tables were added to another app's file");
}

// ---------------------------------------------------------------------------------------------
// F 31: damaged stores

fn assert_damaged_message(env: &Env, db: &Path, args: &[&str]) {
    let out = env.cmd(db, args);
    assert_eq!(out.code, 2, "{args:?}: {out:#?}");
    for want in [db.display().to_string().as_str(), "damaged", "rebuild"] {
        assert!(
            out.stderr.contains(want),
            "{args:?}: `{want}` missing: {out:#?}"
        );
    }
}

#[test]
fn truncated_store_gives_a_clear_message_naming_the_file() {
    let env = Env::new();
    let db = env.real_store();
    let full = std::fs::read(&db).unwrap();
    assert!(full.len() > 512 * 1024, "store too small to truncate");
    let good = env.write("good.jsonl", r#"{"id":"g","title":"好","body":"正文"}"#);
    for (i, len) in [full.len() / 2, full.len() / 4, 5 * 4096 + 100, 4096, 100]
        .into_iter()
        .enumerate()
    {
        let cut = env.path(&format!("cut-{i}.db"));
        std::fs::write(&cut, &full[..len]).unwrap();
        for args in [&["stats"][..], &["export"], &["search", "备份"]] {
            assert_damaged_message(&env, &cut, args);
        }
        assert_damaged_message(&env, &cut, &["import", good.to_str().unwrap()]);
    }
}

#[test]
fn store_with_overwritten_pages_gives_a_clear_message_naming_the_file() {
    let env = Env::new();
    let db = env.real_store();
    let mut data = std::fs::read(&db).unwrap();
    // The page size is stored big-endian at offset 16 of the header.
    let page = u16::from_be_bytes([data[16], data[17]]) as usize;
    let pages = data.len() / page;
    // Every seventh page after the first (the header page stays valid): garbage or zeros.
    for (k, p) in (2..pages).step_by(7).enumerate() {
        let fill = if k % 2 == 0 {
            noise(page, p as u64)
        } else {
            vec![0; page]
        };
        data[p * page..(p + 1) * page].copy_from_slice(&fill);
    }
    let bad = env.path("overwritten.db");
    std::fs::write(&bad, &data).unwrap();
    let good = env.write("good.jsonl", r#"{"id":"g","title":"好","body":"正文"}"#);
    for args in [
        &["stats"][..],
        &["export"],
        &["search", "备份"],
        &["import", good.to_str().unwrap()],
    ] {
        assert_damaged_message(&env, &bad, args);
    }
}

#[test]
fn export_refuses_a_store_damaged_inside_its_pages() {
    let env = Env::new();
    let db = env.real_store();
    let mut data = std::fs::read(&db).unwrap();
    // Zero 4 KiB in the middle of a few pages: damage SQLite may read past without an error.
    let page = u16::from_be_bytes([data[16], data[17]]) as usize;
    for p in (3..data.len() / page).step_by(5) {
        let at = p * page + page / 2;
        data[at..at + 4096.min(page / 2)].fill(0);
    }
    let bad = env.path("half-pages.db");
    std::fs::write(&bad, &data).unwrap();
    let out = env.cmd(&bad, &["export"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stdout.is_empty(), "nothing half-exported: {out:#?}");
    assert!(out.stderr.contains("damaged"), "{out:#?}");
}

// ---------------------------------------------------------------------------------------------
// F 32: a mistyped path for reading

#[test]
fn mistyped_db_path_for_reading_is_an_error_and_creates_nothing() {
    let env = Env::new();
    let typo = env.path("stroe.db");
    let in_missing_dir = env.path("no-such-dir/store.db");
    let out_file = env.path("out.jsonl");
    let out_arg = out_file.to_str().unwrap();
    for db in [&typo, &in_missing_dir] {
        for args in [
            &["stats"][..],
            &["search", "备份"],
            &["export"],
            &["export", "-o", out_arg],
            &["show", "x"],
        ] {
            let out = env.cmd(db, args);
            assert_eq!(out.code, 2, "{args:?}: {out:#?}");
            assert!(
                out.stderr.contains("no store at") && out.stderr.contains(db.to_str().unwrap()),
                "{args:?}: {out:#?}"
            );
        }
    }
    // Also through ZHIKU_DB.
    let out = run(Command::from_std(env.isolated())
        .env("ZHIKU_DB", &typo)
        .arg("stats"));
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("no store at"), "{out:#?}");
    assert!(env.listing().is_empty(), "created {:?}", env.listing());
    assert!(matches!(
        Store::open(&typo, Access::Read),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        Store::open_read_only(&typo),
        Err(StoreError::NotFound(_))
    ));
    assert!(!typo.exists());
}

// ---------------------------------------------------------------------------------------------
// F 33: read-only stores

#[test]
fn read_only_store_reads_but_refuses_every_write() {
    let env = Env::new();
    let db = env.real_store();
    let before = env.export_text_of(&db);
    let n = count(&db);
    let mut store = Store::open_read_only(&db).unwrap();
    assert!(store.is_read_only());
    assert_eq!(store.article_count().unwrap(), n);
    let a = store.article_by_ext_id("jl-1").unwrap().unwrap();

    let good = env.write("good.jsonl", r#"{"id":"new","title":"新","body":"正文"}"#);
    let err = import(&mut store, vec![Source::Path(good)], Options::default()).unwrap_err();
    match &err {
        ImportError::Store(StoreError::ReadOnly(p, what)) => {
            assert_eq!(p, &db);
            assert_eq!(*what, "import");
        }
        other => panic!("expected ReadOnly, got {other:?}"),
    }
    assert!(err.to_string().contains("read-only"), "{err}");
    assert!(matches!(
        store.mark_read(a.meta.id),
        Err(StoreError::ReadOnly(..))
    ));
    assert!(matches!(
        store.set_setting("k", "v"),
        Err(StoreError::ReadOnly(..))
    ));
    drop(store);
    assert_eq!(env.export_text_of(&db), before);
}

/// Restores permissions so the temporary folder can be removed, even after a failure.
struct Restore(Vec<(PathBuf, u32)>);

impl Drop for Restore {
    fn drop(&mut self) {
        for (p, mode) in &self.0 {
            let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(*mode));
        }
    }
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The prefix that runs a program as an unprivileged user when this test runs as root (where
/// file permissions do not bind): `setpriv …`; empty when we are unprivileged already; `None`
/// when neither is possible.
fn unprivileged(env: &Env, probe: &Path) -> Option<Vec<String>> {
    let root = std::fs::OpenOptions::new().append(true).open(probe).is_ok();
    if !root {
        return Some(Vec::new());
    }
    let prefix: Vec<String> = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--",
    ]
    .map(String::from)
    .to_vec();
    let ok = isolate(&mut command_as(&prefix, Path::new(BIN)), env.dir.path())
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(prefix)
}

fn command_as(prefix: &[String], program: &Path) -> std::process::Command {
    match prefix.split_first() {
        None => std::process::Command::new(program),
        Some((first, rest)) => {
            let mut c = std::process::Command::new(first);
            c.args(rest).arg(program);
            c
        }
    }
}

fn run_as(prefix: &[String], env: &Env, db: &Path, args: &[&str]) -> Out {
    let mut c = command_as(prefix, Path::new(BIN));
    isolate(&mut c, env.dir.path())
        .arg("--db")
        .arg(db)
        .args(args);
    run(&mut c.into())
}

/// Runs [`read_only_store_as_seen_by_the_library`] (this test binary) as the unprivileged user.
fn library_as(prefix: &[String], db: &Path) {
    let exe = std::env::current_exe().unwrap();
    let o = command_as(prefix, &exe)
        .env("ZHIKU_TEST_READ_ONLY_DB", db)
        .args([
            "--exact",
            "read_only_store_as_seen_by_the_library",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && stdout.contains("1 passed"),
        "the library check failed as an unprivileged user:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Not run on its own: [`read_only_file_and_folder_browse_works_and_import_explains`] runs it
/// as an unprivileged user against a store it cannot write.
#[test]
#[ignore = "run by read_only_file_and_folder_browse_works_and_import_explains as another user"]
fn read_only_store_as_seen_by_the_library() {
    let Some(db) = std::env::var_os("ZHIKU_TEST_READ_ONLY_DB").map(PathBuf::from) else {
        eprintln!("nothing to do without ZHIKU_TEST_READ_ONLY_DB");
        return;
    };
    let mut store = Store::open(&db, Access::Read).expect("browse a read-only store");
    assert!(
        store.is_read_only(),
        "a store we cannot write claims to be writable"
    );
    assert_eq!(store.article_count().unwrap(), 14);
    let a = store.article_by_ext_id("jl-1").unwrap().unwrap();
    assert!(a.meta.bookmarked, "the user-state file was not read");
    assert_eq!(store.bookmarks(10).unwrap(), [a.meta.id]);
    assert!(matches!(
        store.toggle_bookmark(a.meta.id),
        Err(StoreError::ReadOnly(..))
    ));
    assert!(matches!(
        store.mark_read(a.meta.id),
        Err(StoreError::ReadOnly(..))
    ));
    let err = import(&mut store, Vec::new(), Options::default()).unwrap_err();
    assert!(
        matches!(err, ImportError::Store(StoreError::ReadOnly(..))),
        "{err:?}"
    );
    match Store::open(&db, Access::Write) {
        Err(StoreError::ReadOnly(p, _)) => assert_eq!(p, db),
        Err(e) => panic!("expected ReadOnly, got {e:?}"),
        Ok(_) => panic!("opened a read-only store for writing"),
    }
    assert!(Store::open_read_only(&db).unwrap().is_read_only());
}

#[test]
fn read_only_file_and_folder_browse_works_and_import_explains() {
    let env = Env::new();
    chmod(env.dir.path(), 0o755);
    let sub = env.path("ro");
    std::fs::create_dir(&sub).unwrap();
    let db = sub.join("store.db");
    let mut c = env.zhiku_db(&db);
    c.arg("import").arg(fixture("formats"));
    assert_eq!(run(&mut c).code, 0);
    let before = env.export_text_of(&db);
    let good = env.write("good.jsonl", r#"{"id":"new","title":"新","body":"正文"}"#);
    chmod(&good, 0o644);
    {
        // A bookmark in the user-state file, which the read-only store must still show.
        let s = Store::open(&db, Access::Write).unwrap();
        let a = s.article_by_ext_id("jl-1").unwrap().unwrap();
        assert!(s.toggle_bookmark(a.meta.id).unwrap());
    }
    let user = zhiku::store::user::user_db_path(&db);

    let _restore = Restore(vec![
        (sub.clone(), 0o755),
        (db.clone(), 0o644),
        (user.clone(), 0o644),
    ]);
    chmod(&db, 0o444);
    chmod(&user, 0o444);
    chmod(&sub, 0o555);
    let hash = sha256(&db);
    let listing = || {
        std::fs::read_dir(&sub)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect::<BTreeSet<_>>()
    };
    let files = listing();

    // As root (CI) permissions do not bind: the checks run as user 65534 through setpriv
    // (util-linux). Not being able to is a failure, never a silent pass.
    let prefix = unprivileged(&env, &db).expect(
        "running as root and `setpriv --reuid=65534 --regid=65534 --clear-groups` cannot run \
         zhiku: install util-linux or run the tests as an ordinary user",
    );
    let out = run_as(&prefix, &env, &db, &["stats"]);
    assert_eq!(out.code, 0, "browsing a read-only store failed: {out:#?}");
    assert!(out.stdout.contains("articles  14"), "{out:#?}");
    let out = run_as(&prefix, &env, &db, &["search", "Redis", "--json"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("\"jl-1\""), "{out:#?}");
    let out = run_as(&prefix, &env, &db, &["export"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stdout, before);

    let out = run_as(&prefix, &env, &db, &["import", good.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains("read-only") && out.stderr.contains(db.to_str().unwrap()),
        "{out:#?}"
    );
    assert_eq!(sha256(&db), hash, "the read-only store was modified");
    library_as(&prefix, &db);
    assert_eq!(
        listing(),
        files,
        "files were created in the read-only folder"
    );

    // A read-only file in a writable folder: the same.
    chmod(&sub, 0o777);
    let out = run_as(&prefix, &env, &db, &["stats"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("articles  14"), "{out:#?}");
    let out = run_as(&prefix, &env, &db, &["import", good.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("read-only"), "{out:#?}");
    library_as(&prefix, &db);
    assert_eq!(sha256(&db), hash, "the read-only store was modified");
    chmod(&sub, 0o755);
    chmod(&db, 0o644);
    chmod(&user, 0o644);
    assert_eq!(env.export_text_of(&db), before);
}

// ---------------------------------------------------------------------------------------------
// F 34: disk full

#[test]
fn disk_full_mid_import_rolls_back_and_keeps_earlier_contents() {
    let env = Env::new();
    let db = env.db();
    let mut c = env.zhiku_db(&db);
    c.arg("import").arg(fixture("formats"));
    assert_eq!(run(&mut c).code, 0);
    let before = env.export_text_of(&db);

    let big = env.write("big.jsonl", articles_jsonl("full", 2_000));
    let mut store = Store::open(&db, Access::Write).unwrap();
    let pages: i64 = store
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    let max: i64 = store
        .conn()
        .query_row(
            &format!("PRAGMA max_page_count = {}", pages + 30),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(max, pages + 30);

    let err = import(
        &mut store,
        vec![Source::Path(big.clone())],
        Options::default(),
    )
    .expect_err("the import should have filled the store");
    match &err {
        ImportError::Store(StoreError::Full(p)) => assert_eq!(p, &db),
        other => panic!("expected StoreError::Full, got {other:?}"),
    }
    assert!(err.to_string().contains("disk is full"), "{err}");
    assert_eq!(store.article_count().unwrap(), 14);
    assert!(store.article_by_ext_id("full-0").unwrap().is_none());
    drop(store);
    assert_eq!(
        env.export_text_of(&db),
        before,
        "the failed run left changes"
    );
    integrity_ok(&db);

    // The store still works once there is room again.
    let out = env.import_into(&db, &[&big]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(count(&db), 14 + 2_000);
}

// ---------------------------------------------------------------------------------------------
// F 35: schema newer than the program

#[test]
fn schema_newer_than_the_program_is_refused() {
    let env = Env::new();
    let db = env.real_store();
    let newer = env.path("newer.db");
    std::fs::copy(&db, &newer).unwrap();
    {
        let c = Connection::open(&newer).unwrap();
        c.execute_batch("PRAGMA user_version = 99;").unwrap();
    }
    assert!(!Path::new(&format!("{}-wal", newer.display())).exists());
    let hash = sha256(&newer);
    let files = env.listing();
    for args in every_command(&env) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = env.cmd(&newer, &args);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        for want in [newer.to_str().unwrap(), "newer zhiku", "schema 99"] {
            assert!(out.stderr.contains(want), "{args:?}: {out:#?}");
        }
        assert_eq!(sha256(&newer), hash, "{args:?} modified the newer store");
    }
    for r in [
        Store::open(&newer, Access::Write),
        Store::open(&newer, Access::Read),
        Store::open_read_only(&newer),
    ] {
        match r {
            Err(StoreError::TooNew { found: 99, .. }) => {}
            Err(e) => panic!("expected TooNew, got {e:?}"),
            Ok(_) => panic!("a store from a newer zhiku was opened"),
        }
    }
    assert_eq!(sha256(&newer), hash);
    // Refused from its header (case 46): nothing created beside it.
    let mut want = files;
    want.insert("good.jsonl".into());
    assert_eq!(
        env.listing(),
        want,
        "files were created next to the refused store"
    );
    // A user-state file from a newer zhiku is refused the same way, naming it.
    let db2 = env.path("two.db");
    std::fs::copy(&db, &db2).unwrap();
    let user = zhiku::store::user::user_db_path(&db2);
    {
        let c = Connection::open(&user).unwrap();
        c.execute_batch(&format!(
            "PRAGMA application_id = {}; PRAGMA user_version = 42;",
            zhiku::store::APPLICATION_ID
        ))
        .unwrap();
    }
    let out = env.cmd(&db2, &["stats"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains(user.to_str().unwrap()) && out.stderr.contains("schema 42"),
        "{out:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 40: a current store marked with an older schema version

#[test]
fn store_marked_with_an_older_schema_version_migrates_again_without_sql_errors() {
    let env = Env::new();
    let db = env.real_store();
    let before = count(&db);
    for version in [0, 1, 2, 4, 6] {
        {
            let c = Connection::open(&db).unwrap();
            c.execute_batch(&format!("PRAGMA user_version = {version};"))
                .unwrap();
        }
        for args in [
            vec!["stats"],
            vec!["search", "缓存"],
            vec!["import", fixture("formats").to_str().unwrap()],
        ] {
            let out = env.cmd(&db, &args);
            assert_eq!(out.code, 0, "version {version}, {args:?}: {out:#?}");
            assert!(!out.stderr.contains("already exists"), "{out:#?}");
        }
        assert_eq!(count(&db), before, "version {version}");
        let c = Connection::open(&db).unwrap();
        let v: i32 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, zhiku::store::SCHEMA_VERSION);
    }
    integrity_ok(&db);
    // Something of another program in the way of a step: a clear message, the store as it was.
    {
        let c = Connection::open(&db).unwrap();
        c.execute_batch(
            "DROP INDEX articles_views; CREATE TABLE articles_views(x); PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let out = env.cmd(&db, &["stats"]);
    assert_eq!(out.code, 2, "{out:#?}");
    for want in [
        db.to_str().unwrap(),
        "could not be brought to schema",
        "left as it was",
    ] {
        assert!(out.stderr.contains(want), "`{want}` missing: {out:#?}");
    }
    assert!(!out.stderr.contains("database error"), "{out:#?}");
}

// ---------------------------------------------------------------------------------------------
// F 36: importer killed mid-import

#[test]
fn sigkill_mid_import_leaves_the_store_exactly_as_before() {
    let env = Env::new();
    let db = env.real_store();
    let before = env.export_text_of(&db);
    let n = count(&db);
    let big = env.write("big.jsonl", articles_jsonl("kill", 20_000));

    let mut child = spawn_import(&env, &db, &big);
    wait_mid_import(&mut child, &db, 4 << 20);
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "zhiku was not killed: {status}");

    assert_eq!(count(&db), n, "the killed import left articles behind");
    let after = env.export_text_of(&db);
    assert_eq!(
        format!("{:x}", Sha256::digest(after.as_bytes())),
        format!("{:x}", Sha256::digest(before.as_bytes())),
        "the store's export changed"
    );
    integrity_ok(&db);
    // And the next import works.
    let good = env.write(
        "good.jsonl",
        r#"{"id":"after","title":"之后","body":"正文"}"#,
    );
    let out = env.import_into(&db, &[&good]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(count(&db), n + 1);
}

// ---------------------------------------------------------------------------------------------
// G 37: a reader while an import writes

#[test]
fn open_reader_keeps_working_during_an_import_and_then_sees_the_new_articles() {
    let env = Env::new();
    let db = env.real_store();
    let n = count(&db);
    let new = env.write("new.jsonl", articles_jsonl("g37", 50));
    for reader in [
        Store::open(&db, Access::Read).unwrap(),
        Store::open_read_only(&db).unwrap(),
    ] {
        let base = reader.article_count().unwrap();
        // Hold a read transaction open across the whole import: with a rollback journal the
        // importer could not commit; with WAL it must.
        reader.conn().execute_batch("BEGIN").unwrap();
        assert_eq!(reader.article_count().unwrap(), base);
        let start = Instant::now();
        let out = env.import_into(&db, &[&new]);
        assert_eq!(out.code, 0, "import blocked by a reader: {out:#?}");
        assert!(start.elapsed() < Duration::from_secs(4), "import waited");
        // Inside its transaction the reader still sees its snapshot...
        assert_eq!(reader.article_count().unwrap(), base);
        reader.conn().execute_batch("COMMIT").unwrap();
        // ...and its next query sees the import.
        assert_eq!(reader.article_count().unwrap(), n + 50);
        let a = reader.article_by_ext_id("g37-49").unwrap().unwrap();
        assert_eq!(a.meta.title, "g37 第 49 篇：数据库备份与恢复");
    }
}

/// Regression: opening a store (even to read) started a write transaction for the schema
/// check, so `zhiku stats` or the reader waited for a running import to finish, and failed
/// as "locked" once the import took longer than the 5 s busy timeout.
#[test]
fn reader_opened_while_an_import_runs_does_not_wait_for_it() {
    let env = Env::new();
    let db = env.real_store();
    let n = count(&db);
    let big = env.write("big.jsonl", articles_jsonl("g37b", 20_000));
    let mut child = spawn_import(&env, &db, &big);
    wait_mid_import(&mut child, &db, 2 << 20);

    let out = env.cmd(&db, &["stats"]);
    let store = Store::open(&db, Access::Read).unwrap();
    let seen = store.article_count().unwrap();
    let still_running = child.try_wait().unwrap().is_none();
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        still_running,
        "`zhiku stats` waited for the import to finish"
    );
    assert!(out.stdout.contains(&format!("articles  {n}\n")), "{out:#?}");
    assert_eq!(seen, n, "a reader saw uncommitted articles");

    let out = finish(child);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(store.article_count().unwrap(), n + 20_000);
}

// ---------------------------------------------------------------------------------------------
// G 38: two writers

fn assert_finished_or_locked(out: &Out) -> bool {
    match out.code {
        0 => true,
        2 if out.stderr.contains("locked") => false,
        _ => panic!("an importer neither finished nor failed as locked: {out:#?}"),
    }
}

#[test]
fn two_importers_at_once_both_finish_or_one_fails_clearly_never_corrupt() {
    let env = Env::new();
    let a = env.write("a.jsonl", articles_jsonl("two-a", 3_000));
    let b = env.write("b.jsonl", articles_jsonl("two-b", 3_000));
    // On an existing store, and racing to create a new one.
    let existing = env.real_store();
    let fresh = env.path("fresh.db");
    for (db, base) in [(existing.clone(), count(&existing)), (fresh, 0)] {
        let ca = spawn_import(&env, &db, &a);
        let cb = spawn_import(&env, &db, &b);
        let (oa, ob) = (finish(ca), finish(cb));
        let ok_a = assert_finished_or_locked(&oa);
        let ok_b = assert_finished_or_locked(&ob);
        integrity_ok(&db);
        let store = Store::open_read_only(&db).unwrap();
        let want = base + 3_000 * (ok_a as i64 + ok_b as i64);
        assert_eq!(store.article_count().unwrap(), want, "{oa:#?} {ob:#?}");
        for (prefix, ok) in [("two-a", ok_a), ("two-b", ok_b)] {
            for i in [0, 2_999] {
                let found = store
                    .article_by_ext_id(&format!("{prefix}-{i}"))
                    .unwrap()
                    .is_some();
                assert_eq!(found, ok, "{prefix}-{i}");
            }
        }
    }
}

/// Regression: an importer that found the file another importer had just created (still
/// empty, or with the SQLite header but no schema yet) refused it as "not a zhiku store", or
/// failed at once as "locked" because switching a new store to WAL ignored the busy timeout.
/// These imports take milliseconds: every one must wait its turn and succeed.
#[test]
fn importers_racing_to_create_a_new_store_all_succeed() {
    let env = Env::new();
    let files: Vec<PathBuf> = (0..4)
        .map(|k| {
            env.write(
                &format!("r{k}.jsonl"),
                articles_jsonl(&format!("race{k}"), 20),
            )
        })
        .collect();
    for round in 0..30 {
        let db = env.path(&format!("race-{round}.db"));
        let children: Vec<Child> = files.iter().map(|f| spawn_import(&env, &db, f)).collect();
        for c in children {
            let out = finish(c);
            assert_eq!(out.code, 0, "round {round}: {out:#?}");
        }
        integrity_ok(&db);
        assert_eq!(count(&db), 80, "round {round}");
    }
}

#[test]
fn empty_file_becomes_a_store_on_import_but_is_not_read_as_one() {
    let env = Env::new();
    let empty = env.write("empty.db", b"");
    for args in [&["stats"][..], &["export"], &["search", "x"]] {
        let out = env.cmd(&empty, args);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(out.stderr.contains("not a zhiku store"), "{out:#?}");
        assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
    }
    let good = env.write("good.jsonl", r#"{"id":"g","title":"好","body":"正文"}"#);
    let out = env.import_into(&empty, &[&good]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(count(&empty), 1);
}

#[test]
fn importer_waits_for_a_short_write_lock_then_succeeds() {
    let env = Env::new();
    let db = env.real_store();
    let n = count(&db);
    let f = env.write("f.jsonl", articles_jsonl("wait", 10));
    let lock = Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let start = Instant::now();
    let child = spawn_import(&env, &db, &f);
    std::thread::sleep(Duration::from_millis(1_000));
    lock.execute_batch("COMMIT").unwrap();
    let out = finish(child);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(start.elapsed() >= Duration::from_millis(1_000));
    assert_eq!(count(&db), n + 10);
}

#[test]
fn importer_blocked_by_another_writer_fails_with_a_locked_message() {
    let env = Env::new();
    let db = env.real_store();
    let before = env.export_text_of(&db);
    let f = env.write("f.jsonl", articles_jsonl("busy", 10));
    let lock = Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();

    // Library: a short busy timeout gives StoreError::Busy.
    let mut store = Store::open(&db, Access::Write).unwrap();
    store
        .conn()
        .busy_timeout(Duration::from_millis(200))
        .unwrap();
    let err = import(
        &mut store,
        vec![Source::Path(f.clone())],
        Options::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ImportError::Store(StoreError::Busy(p)) if p == &db),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("locked") && msg.contains(db.to_str().unwrap()),
        "{msg}"
    );
    drop(store);

    // Command line: gives up after its busy timeout with the same message, exit 2.
    let start = Instant::now();
    let out = env.import_into(&db, &[&f]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("locked by another writer"), "{out:#?}");
    assert!(start.elapsed() >= Duration::from_secs(4), "did not wait");
    lock.execute_batch("ROLLBACK").unwrap();
    drop(lock);
    assert_eq!(env.export_text_of(&db), before);
    integrity_ok(&db);
}

// ---------------------------------------------------------------------------------------------
// H 39–40: exports that would overwrite the store, exports killed or failing midway

#[test]
fn export_onto_the_store_or_its_companions_is_refused_by_inode_and_the_store_kept() {
    let env = Env::new();
    let db = env.real_store();
    let n = count(&db);
    let before = sha256(&db);
    // Another spelling, a symlink, a hard link, and the WAL/SHM companions (a reader open).
    let sub = env.path("sub");
    std::fs::create_dir(&sub).unwrap();
    let spelled = env.dir.path().join("sub/../store.db");
    let link = env.path("link.jsonl");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    let hard = env.path("hard.jsonl");
    std::fs::hard_link(&db, &hard).unwrap();
    let reader = Store::open(&db, Access::Read).unwrap();
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let shm = PathBuf::from(format!("{}-shm", db.display()));
    assert!(shm.exists(), "a reader open leaves a -shm beside the store");
    for out in [&db, &spelled, &link, &hard, &wal, &shm] {
        let o = env.run(&["export", "--out", &out.display().to_string()]);
        assert_eq!(o.code, 2, "{}: {o:#?}", out.display());
        assert!(
            o.stderr.contains("store's own file") && o.stderr.contains("nothing was written"),
            "{}: {o:#?}",
            out.display()
        );
    }
    drop(reader);
    assert_eq!(sha256(&db), before, "the store changed");
    integrity_ok(&db);
    assert_eq!(count(&db), n);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // No temporary file left behind either.
    assert!(
        !env.listing().iter().any(|f| f.contains("zhiku-tmp")),
        "{:?}",
        env.listing()
    );
}

/// `zhiku export --out OUT` under `prlimit --fsize=BYTES`: the kernel stops the process
/// (SIGXFSZ) at the first write past BYTES, i.e. midway through the export. With `ignore`, the
/// signal is ignored and the write fails with EFBIG instead, as on a full disk.
fn export_with_file_limit(
    env: &Env,
    db: &Path,
    out: &Path,
    bytes: u64,
    ignore: bool,
) -> std::process::Output {
    let mut c = env.isolated();
    let zhiku = c.get_program().to_owned();
    let mut sh = std::process::Command::new("sh");
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    c = sh;
    let trap = if ignore { "trap '' XFSZ; " } else { "" };
    c.arg("-c")
        .arg(format!(
            "{trap}exec prlimit --fsize={bytes} \"$0\" --db \"$1\" export --out \"$2\""
        ))
        .arg(zhiku)
        .arg(db)
        .arg(out);
    c.output().expect("run sh/prlimit (util-linux)")
}

#[test]
fn export_killed_midway_leaves_the_previous_file_intact() {
    use std::os::unix::process::ExitStatusExt;
    let env = Env::new();
    let db = env.real_store();
    let out = env.path("backup.jsonl");
    std::fs::write(&out, "the previous backup\n").unwrap();
    let o = export_with_file_limit(&env, &db, &out, 64 * 1024, false);
    assert_eq!(
        o.status.signal(),
        Some(25),
        "expected SIGXFSZ midway: {o:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "the previous backup\n"
    );
    // The killed run's partial file is a hidden temporary, never the output.
    let full = env.run(&["export", "--out", &out.display().to_string()]);
    assert_eq!(full.code, 0, "{full:#?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), env.export_text());
}

#[test]
fn export_failing_midway_says_cannot_write_and_keeps_the_previous_file() {
    let env = Env::new();
    let db = env.real_store();
    let out = env.path("backup.jsonl");
    std::fs::write(&out, "the previous backup\n").unwrap();
    let o = Out::from_output(export_with_file_limit(&env, &db, &out, 64 * 1024, true));
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(
        o.stderr.contains("cannot write") && o.stderr.contains("backup.jsonl"),
        "{o:#?}"
    );
    assert!(!o.stderr.contains("cannot read"), "{o:#?}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "the previous backup\n"
    );
    assert!(
        !env.listing().iter().any(|f| f.contains("zhiku-tmp")),
        "the partial file was left: {:?}",
        env.listing()
    );
}

#[test]
fn export_to_a_closed_pipe_ends_quietly_and_to_a_full_device_says_cannot_write() {
    let env = Env::new();
    env.real_store();
    // `zhiku export | head -1`
    let mut child = env
        .isolated()
        .arg("--db")
        .arg(env.db())
        .arg("export")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let o = Out::from_output(child.wait_with_output().unwrap());
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(o.stderr.is_empty(), "{o:#?}");
    for args in [&["export"][..], &["search", "的"], &["stats"], &["archive"]] {
        let full = std::fs::File::create("/dev/full").unwrap();
        let o = Out::from_output(
            env.isolated()
                .arg("--db")
                .arg(env.db())
                .args(args)
                .stdout(full)
                .output()
                .unwrap(),
        );
        assert_eq!(o.code, 2, "{args:?}: {o:#?}");
        assert!(
            o.stderr.contains("cannot write") && !o.stderr.contains("cannot read"),
            "{args:?}: {o:#?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// H 43: bookmarks, read marks and the reading position while an import holds the write lock

/// Whether another connection can take the store's write lock now (it does not wait).
fn store_write_lock_free(db: &Path) -> bool {
    let c = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap();
    match c.execute_batch("BEGIN IMMEDIATE") {
        Ok(()) => {
            c.execute_batch("ROLLBACK").unwrap();
            true
        }
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => false,
        Err(e) => panic!("{e}"),
    }
}

/// A store with articles `h43-0…2` and a reader's connection to it.
fn store_with_three(env: &Env) -> (PathBuf, Store, [zhiku::store::ArticleId; 3]) {
    let db = env.real_store();
    let few = env.write("few.jsonl", articles_jsonl("h43", 3));
    assert_eq!(env.import_into(&db, &[&few]).code, 0);
    let reader = Store::open(&db, Access::Read).unwrap();
    assert!(!reader.is_read_only());
    let id = |i: usize| {
        reader
            .article_by_ext_id(&format!("h43-{i}"))
            .unwrap()
            .unwrap()
            .meta
            .id
    };
    let ids = [id(0), id(1), id(2)];
    (db, reader, ids)
}

/// What the reader does, each call must succeed (before the fix each failed as "locked" after
/// the 5 s busy timeout, and the position was lost on quitting).
fn user_actions(reader: &Store, ids: &[zhiku::store::ArticleId; 3]) {
    assert!(reader.toggle_bookmark(ids[0]).unwrap());
    reader.mark_read(ids[1]).unwrap();
    reader.mark_read(ids[1]).unwrap();
    reader.set_setting("reader.last_article", "h43-2").unwrap();
    reader.set_setting("reader.last_scroll", "17").unwrap();
}

fn assert_user_actions_kept(db: &Path, ids: &[zhiku::store::ArticleId; 3]) {
    for s in [
        Store::open(db, Access::Read).unwrap(),
        Store::open_read_only(db).unwrap(),
    ] {
        assert_eq!(s.bookmarks(10).unwrap(), [ids[0]]);
        assert_eq!(s.recent(10).unwrap(), [ids[1]]);
        assert_eq!(s.user_state(ids[1]).unwrap().read_count, 2);
        assert_eq!(
            s.setting("reader.last_article").unwrap().as_deref(),
            Some("h43-2")
        );
        assert_eq!(
            s.setting("reader.last_scroll").unwrap().as_deref(),
            Some("17")
        );
        let a = s.article(ids[0]).unwrap().unwrap();
        assert!(a.meta.bookmarked);
    }
}

#[test]
fn user_actions_are_written_while_another_connection_holds_a_long_write_transaction() {
    let env = Env::new();
    let (db, reader, ids) = store_with_three(&env);
    // The importer's side: the store's write lock, articles changed and not yet committed.
    let mut writer = Store::open(&db, Access::Write).unwrap();
    let tx = zhiku::store::begin_store_write(writer.conn_mut()).unwrap();
    tx.execute("UPDATE articles SET views = views + 1000", [])
        .unwrap();
    assert!(!store_write_lock_free(&db), "the writer holds no lock");
    user_actions(&reader, &ids);
    // Still held: the actions were written beside the writer's transaction, not after it.
    assert!(!store_write_lock_free(&db));
    tx.commit().unwrap();
    assert_user_actions_kept(&db, &ids);
    assert!(reader.article(ids[2]).unwrap().unwrap().meta.views >= 1000);
}

#[test]
fn user_actions_made_during_a_long_import_are_kept() {
    let env = Env::new();
    let (db, reader, ids) = store_with_three(&env);
    let big = env.write("big.jsonl", articles_jsonl("h43b", 20_000));
    let mut child = spawn_import(&env, &db, &big);
    wait_mid_import(&mut child, &db, 2 << 20);
    user_actions(&reader, &ids);
    let still_running = child.try_wait().unwrap().is_none();
    assert!(
        still_running,
        "the import ended before the test was done: it did not run alongside"
    );
    let out = finish(child);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_user_actions_kept(&db, &ids);
    // Re-importing the same articles keeps them too.
    let few = env.path("few.jsonl");
    assert_eq!(env.import_into(&db, &[&few]).code, 0);
    assert_user_actions_kept(&db, &ids);
}

/// Schema step 8: a store of schema 7 kept user state in its own file; opening it moves the
/// state to the user-state file by external id, and a store that cannot be written shows it.
#[test]
fn user_state_of_a_schema_7_store_moves_to_the_user_file() {
    let env = Env::new();
    let (db, reader, ids) = store_with_three(&env);
    drop(reader);
    let user = zhiku::store::user::user_db_path(&db);
    {
        // What schema 7 looked like.
        let c = Connection::open(&db).unwrap();
        c.execute_batch(&format!(
            "CREATE TABLE user_state(
                article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
                read_count INTEGER NOT NULL DEFAULT 0, last_read_at TEXT, bookmarked_at TEXT,
                scroll INTEGER NOT NULL DEFAULT 0);
             INSERT INTO user_state VALUES ({}, 0, NULL, '2024-01-01T00:00:00Z', 0),
               ({}, 2, '2024-01-02T00:00:00Z', NULL, 0);
             INSERT INTO settings VALUES ('reader.last_article', 'h43-2'),
               ('reader.last_scroll', '17');
             PRAGMA user_version = 7;",
            ids[0].0, ids[1].0
        ))
        .unwrap();
    }
    for f in zhiku::store::companions(&db).into_iter().skip(4) {
        let _ = std::fs::remove_file(f);
    }
    // Read-only, not migrated: shown from the old table.
    assert_user_actions_kept_ro(&db, &ids);
    assert!(!user.exists());
    let s = Store::open(&db, Access::Write).unwrap();
    drop(s);
    assert!(user.exists());
    assert_user_actions_kept(&db, &ids);
    let c = Connection::open(&db).unwrap();
    let old: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'user_state'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0, "the old table stayed in the store");
}

fn assert_user_actions_kept_ro(db: &Path, ids: &[zhiku::store::ArticleId; 3]) {
    let s = Store::open_read_only(db).unwrap();
    assert_eq!(s.bookmarks(10).unwrap(), [ids[0]]);
    assert_eq!(s.user_state(ids[1]).unwrap().read_count, 2);
    assert_eq!(
        s.setting("reader.last_article").unwrap().as_deref(),
        Some("h43-2")
    );
}

// ---------------------------------------------------------------------------------------------
// H 46: a disk that is already full

/// Runs zhiku with `args` under a file size limit of `bytes` (SIGXFSZ ignored, so writes past
/// it fail with EFBIG as writes to a full disk fail with ENOSPC).
fn zhiku_with_file_limit(env: &Env, db: &Path, bytes: u64, args: &[&str]) -> Out {
    let c = env.isolated();
    let mut sh = std::process::Command::new("sh");
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    sh.arg("-c")
        .arg(format!(
            "trap '' XFSZ; exec prlimit --fsize={bytes} \"$0\" --db \"$@\""
        ))
        .arg(c.get_program())
        .arg(db)
        .args(args);
    Out::from_output(sh.output().expect("run sh/prlimit (util-linux)"))
}

#[test]
fn a_full_disk_says_the_disk_is_full_and_reads_still_work() {
    let env = Env::new();
    let db = env.real_store();
    let n = count(&db);
    let before = env.export_text_of(&db);
    let hash = sha256(&db);
    let good = env.write("good.jsonl", r#"{"id":"full","title":"满","body":"正文"}"#);
    let out = zhiku_with_file_limit(&env, &db, 1024, &["import", good.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains("disk is full") && !out.stderr.contains("I/O error"),
        "{out:#?}"
    );
    assert_eq!(sha256(&db), hash, "a write reached the store");
    let out = zhiku_with_file_limit(&env, &db, 1024, &["stats"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains(&format!("articles  {n}\n")), "{out:#?}");
    let out = zhiku_with_file_limit(&env, &db, 1024, &["search", "Redis", "--json"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("\"jl-1\""), "{out:#?}");
    let out = zhiku_with_file_limit(&env, &db, 1024, &["export"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stdout, before);
    // Room again: the store works as before.
    assert_eq!(env.import_into(&db, &[&good]).code, 0);
    assert_eq!(count(&db), n + 1);
    integrity_ok(&db);
}

// ---------------------------------------------------------------------------------------------
// H 46: a damaged page is never written into; readers say how to recover

#[test]
fn a_store_with_damaged_pages_is_not_written_into_and_stats_says_how_to_recover() {
    let env = Env::new();
    let db = env.real_store();
    let n = count(&db);
    let mut data = std::fs::read(&db).unwrap();
    // Zero 4 KiB in the middle of a few pages: damage SQLite may read past without an error.
    let page = u16::from_be_bytes([data[16], data[17]]) as usize;
    for p in (3..data.len() / page).step_by(5) {
        let at = p * page + page / 2;
        data[at..at + 4096.min(page / 2)].fill(0);
    }
    let bad = env.path("damaged.db");
    std::fs::write(&bad, &data).unwrap();
    let hash = sha256(&bad);
    let good = env.write("good.jsonl", r#"{"id":"dmg","title":"新","body":"正文"}"#);

    let out = env.import_into(&bad, &[&good]);
    assert_eq!(
        out.code, 2,
        "an import wrote into a damaged store: {out:#?}"
    );
    assert!(out.stderr.contains("damaged"), "{out:#?}");
    assert_eq!(sha256(&bad), hash, "the damaged store was written");
    let mut store = Store::open(&bad, Access::Write).unwrap();
    let r = import(
        &mut store,
        vec![Source::Path(good.clone())],
        Options::default(),
    );
    assert!(
        matches!(r, Err(ImportError::Store(StoreError::Corrupt { .. }))),
        "{r:?}"
    );
    drop(store);

    let out = env.cmd(&bad, &["stats"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stdout.is_empty(), "half printed: {out:#?}");
    for want in ["damaged", bad.to_str().unwrap(), "export --salvage"] {
        assert!(out.stderr.contains(want), "`{want}` missing: {out:#?}");
    }

    // What can still be read is saved, and becomes a new store.
    let saved = env.path("saved.jsonl");
    let out = env.cmd(
        &bad,
        &["export", "--salvage", "--out", saved.to_str().unwrap()],
    );
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("articles written"), "{out:#?}");
    let lines = std::fs::read_to_string(&saved).unwrap().lines().count();
    assert!(lines > 0 && lines as i64 <= n, "{lines} of {n}: {out:#?}");
    let fresh = env.path("fresh.db");
    let out = env.import_into(&fresh, &[&saved]);
    assert!(out.code <= 1, "{out:#?}");
    assert!(count(&fresh) > 0);
    integrity_ok(&fresh);
    assert_eq!(sha256(&bad), hash, "reading changed the damaged store");
}
