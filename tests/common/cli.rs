//! Running the `zhiku` command in a temporary folder: what the import and store-fault tests
//! share.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

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

/// Runs a command to its end; it must exit (not be killed), print UTF-8 and not panic.
pub fn run(cmd: &mut Command) -> Out {
    let o = cmd.output().expect("run zhiku");
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

    /// `zhiku --db DB`, isolated from the user's environment (HOME, XDG folders, ZHIKU_DB).
    pub fn zhiku_db(&self, db: &Path) -> Command {
        let mut c = Command::cargo_bin("zhiku").expect("the zhiku binary");
        c.env_remove("ZHIKU_DB")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("xdg-data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg-config"))
            .env("NO_COLOR", "1")
            .arg("--db")
            .arg(db);
        c
    }
}
