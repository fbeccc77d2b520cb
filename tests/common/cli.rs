//! Running the `zhiku` command in a temporary folder: what the import and store-fault tests
//! share.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;
use zhiku::store::Store;

use super::pty::{BIN, isolate};

/// A fixture file under `tests/fixtures/import`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(rel)
}

/// What a finished command did.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// What a finished command did; it must have exited (not been killed), printed UTF-8 and
    /// not panicked.
    pub fn from_output(o: Output) -> Out {
        let out = Out {
            code: o
                .status
                .code()
                .unwrap_or_else(|| panic!("zhiku was killed by a signal: {o:?}")),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        };
        assert!(
            !out.stderr.contains("panicked") && out.code != 101,
            "zhiku panicked: {out:#?}"
        );
        out
    }
}

/// Runs a command to its end (see [`Out::from_output`]).
pub fn run(cmd: &mut Command) -> Out {
    Out::from_output(cmd.output().expect("run zhiku"))
}

/// The number of articles in the store at `db`.
pub fn count(db: &Path) -> i64 {
    Store::open_read_only(db).unwrap().article_count().unwrap()
}

/// A temporary folder with a store path in it.
pub struct Env {
    pub dir: TempDir,
}

impl Env {
    pub fn new() -> Self {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("store.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, data: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, data).unwrap();
        p
    }

    /// `zhiku` isolated from the user's environment in this folder ([`isolate`]).
    pub fn isolated(&self) -> std::process::Command {
        let mut c = std::process::Command::new(BIN);
        isolate(&mut c, self.dir.path());
        c
    }

    /// `zhiku --db DB`, isolated from the user's environment (HOME, XDG folders, ZHIKU_DB).
    pub fn zhiku_db(&self, db: &Path) -> Command {
        let mut c = Command::from_std(self.isolated());
        c.env("NO_COLOR", "1").arg("--db").arg(db);
        c
    }

    /// `zhiku --db DB` on this folder's store.
    pub fn zhiku(&self) -> Command {
        self.zhiku_db(&self.db())
    }

    /// Runs `zhiku --db DB ARGS…`.
    pub fn cmd(&self, db: &Path, args: &[&str]) -> Out {
        run(self.zhiku_db(db).args(args))
    }

    /// Runs `zhiku ARGS…` on this folder's store.
    pub fn run(&self, args: &[&str]) -> Out {
        self.cmd(&self.db(), args)
    }

    /// Runs `zhiku --db DB import PATHS…`.
    pub fn import_into<P: AsRef<OsStr>>(&self, db: &Path, paths: &[P]) -> Out {
        let mut c = self.zhiku_db(db);
        c.arg("import");
        for p in paths {
            c.arg(p.as_ref());
        }
        run(&mut c)
    }

    /// Runs `zhiku import PATHS…` on this folder's store.
    pub fn import<P: AsRef<OsStr>>(&self, paths: &[P]) -> Out {
        self.import_into(&self.db(), paths)
    }

    /// What `zhiku --db DB export` prints; it must succeed.
    pub fn export_text_of(&self, db: &Path) -> String {
        let out = self.cmd(db, &["export"]);
        assert_eq!(out.code, 0, "export failed: {out:#?}");
        out.stdout
    }

    /// What `zhiku export` prints for this folder's store; it must succeed.
    pub fn export_text(&self) -> String {
        self.export_text_of(&self.db())
    }

    /// The number of articles in this folder's store.
    pub fn count(&self) -> i64 {
        count(&self.db())
    }
}
