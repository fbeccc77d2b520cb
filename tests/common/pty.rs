//! The real `zhiku` binary, run apart from the user's environment, and in a pseudo-terminal
//! with its output parsed by vt100: what the end-to-end tests, the bad-input tests, the
//! command-line tests and the UI benchmark share.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const BIN: &str = env!("CARGO_BIN_EXE_zhiku");

/// The variables that point the program at the user's configuration and default store, all
/// set inside `home`.
fn isolated_env(home: &Path) -> [(&'static str, PathBuf); 3] {
    [
        ("HOME", home.to_path_buf()),
        ("XDG_CONFIG_HOME", home.join("xdg-config")),
        ("XDG_DATA_HOME", home.join("xdg-data")),
    ]
}

/// Runs `cmd` apart from the user's environment: HOME and the XDG config and data folders
/// inside `home` (which need not exist), ZHIKU_DB unset. Set a variable again after this call
/// to run it otherwise.
pub fn isolate<'a>(
    cmd: &'a mut std::process::Command,
    home: &Path,
) -> &'a mut std::process::Command {
    cmd.envs(isolated_env(home)).env_remove("ZHIKU_DB")
}

/// [`isolate`] for a command started in a pseudo-terminal.
pub fn isolate_pty(cmd: &mut CommandBuilder, home: &Path) {
    for (k, v) in isolated_env(home) {
        cmd.env(k, v);
    }
    cmd.env_remove("ZHIKU_DB");
}

/// Runs `zhiku --db DB import ARGS…` isolated in `home`; it must succeed.
pub fn import_db(home: &Path, db: &Path, args: &[&std::ffi::OsStr]) {
    let out = isolate(&mut std::process::Command::new(BIN), home)
        .arg("--db")
        .arg(db)
        .arg("import")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// How long a wait may take before it fails (generous: the machines are shared).
const PATIENCE: Duration = Duration::from_secs(30);

/// The program in a terminal; `CB` watches what the terminal is asked to do besides drawing.
pub struct Tui<CB: vt100::Callbacks = ()> {
    pub parser: vt100::Parser<CB>,
    rx: Receiver<Vec<u8>>,
    /// Every byte the program wrote.
    pub raw: Vec<u8>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    /// (columns, rows).
    pub size: (u16, u16),
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n.max(1)).unwrap()
}

impl Tui {
    /// Starts `zhiku --db DB` in a `cols`×`rows` terminal.
    pub fn start(db: &Path, cols: u16, rows: u16) -> Tui {
        Tui::start_with(db, cols, rows, ())
    }
}

impl<CB: vt100::Callbacks> Tui<CB> {
    /// Starts `zhiku --db DB` in a `cols`×`rows` terminal watched by `callbacks`, isolated in
    /// the store's folder ([`isolate`]), so the user's configuration and default store are
    /// never touched.
    pub fn start_with(db: &Path, cols: u16, rows: u16, callbacks: CB) -> Tui<CB> {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env("TERM", "xterm-256color");
        isolate_pty(&mut cmd, db.parent().unwrap());
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        // Kept until the child exits: dropping it sends Enter and Ctrl-D.
        let writer = pair.master.take_writer().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Tui {
            parser: vt100::Parser::new_with_callbacks(nz(rows), nz(cols), 0, callbacks),
            rx,
            raw: Vec::new(),
            writer,
            master: pair.master,
            child,
            size: (cols, rows),
        }
    }

    /// Feeds what the program wrote so far (waiting up to `wait` for the first bytes).
    pub fn pump(&mut self, wait: Duration) {
        if let Ok(bytes) = self.rx.recv_timeout(wait) {
            self.parser.process(&bytes);
            self.raw.extend_from_slice(&bytes);
        }
        while let Ok(bytes) = self.rx.try_recv() {
            self.parser.process(&bytes);
            self.raw.extend_from_slice(&bytes);
        }
    }

    /// The screen's text.
    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits up to `limit` until the screen satisfies `cond`; returns how long that took, or
    /// fails with the screen shown.
    pub fn wait_for(
        &mut self,
        what: &str,
        limit: Duration,
        cond: impl Fn(&vt100::Screen) -> bool,
    ) -> Duration {
        let start = Instant::now();
        loop {
            if cond(self.parser.screen()) {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < limit,
                "timed out ({limit:?}) waiting for {what}; screen:\n{}",
                self.screen()
            );
            self.pump(Duration::from_millis(5));
        }
    }

    /// Waits until the screen satisfies `cond` and returns when it did.
    pub fn wait(&mut self, what: &str, cond: impl Fn(&vt100::Screen) -> bool) -> Instant {
        self.wait_for(what, PATIENCE, cond);
        Instant::now()
    }

    pub fn wait_text(&mut self, text: &str) -> Instant {
        let t = text.to_owned();
        self.wait(text, move |s| s.contents().contains(&t))
    }

    /// Lets output settle: returns once nothing has arrived for `quiet`.
    pub fn settle(&mut self, quiet: Duration) {
        let deadline = Instant::now() + PATIENCE;
        let mut last = self.raw.len();
        let mut since = Instant::now();
        while Instant::now() < deadline {
            self.pump(Duration::from_millis(10));
            if self.raw.len() != last {
                last = self.raw.len();
                since = Instant::now();
            } else if since.elapsed() >= quiet {
                return;
            }
        }
    }

    /// Lets the reader come to rest: no search running and nothing drawn for 300 ms.
    pub fn quiesce(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            self.settle(Duration::from_millis(300));
            if !self.screen().contains("搜索中") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "never came to rest:\n{}",
                self.screen()
            );
        }
    }

    pub fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.parser.screen_mut().set_size(nz(rows), nz(cols));
        self.size = (cols, rows);
    }

    /// Sends the program a signal (`"TERM"`, `"HUP"`), as `kill -SIG` would.
    pub fn signal(&self, sig: &str) {
        let pid = self.child.process_id().expect("pid");
        let ok = std::process::Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(pid.to_string())
            .status()
            .unwrap();
        assert!(ok.success(), "kill -{sig} {pid}");
    }

    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            self.pump(Duration::from_millis(20));
            if let Some(status) = self.child.try_wait().unwrap() {
                self.pump(Duration::from_millis(100));
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the program did not exit; screen:\n{}",
                self.screen()
            );
        }
    }

    /// Types `q` and waits for the program to end; it must exit successfully.
    pub fn quit(&mut self) {
        self.send("q");
        assert!(self.wait_exit().success());
    }

    /// Whether the terminal is in canonical (cooked) mode, from the pty's termios.
    pub fn canonical(&self) -> bool {
        let t = self.master.get_termios().expect("termios of the pty");
        format!("{:?}", t.local_flags).contains("ICANON")
    }

    /// Borders in line on the whole screen at its current size.
    pub fn borders_ok(&self) -> bool {
        let (cols, rows) = self.size;
        borders_in_line(self.parser.screen(), cols, rows)
    }

    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// A field of /proc/PID/status in kB (VmRSS, VmHWM).
    pub fn status_kb(&self, field: &str) -> u64 {
        let pid = self.child.process_id().expect("pid");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

/// Every row but the footer ends with a border glyph: nothing wide pushed a border away.
pub fn borders_in_line(s: &vt100::Screen, cols: u16, rows: u16) -> bool {
    let last = cols.saturating_sub(1);
    cols > 0
        && (0..rows.saturating_sub(1)).all(|r| {
            s.cell(r, last)
                .is_some_and(|c| ["┐", "│", "┘"].contains(&c.contents()))
        })
}

/// The text of columns `from..to` of screen row `row`; cells never written read as spaces.
pub fn row_text(s: &vt100::Screen, row: u16, from: u16, to: u16) -> String {
    (from..to)
        .filter_map(|c| s.cell(row, c))
        .filter(|c| !c.is_wide_continuation())
        .map(|c| match c.contents() {
            "" => " ",
            t => t,
        })
        .collect()
}

/// The results pane's text on screen row `row` at 120 columns: inside its borders (columns 24
/// and 66), between the tree (0-23) and the reader (67-119).
pub fn results_row(s: &vt100::Screen, row: u16) -> String {
    row_text(s, row, 25, 66)
}

/// The reader pane's text on screen row `row` at 120 columns: inside its borders (columns 67
/// and 119).
pub fn reader_row(s: &vt100::Screen, row: u16) -> String {
    row_text(s, row, 68, 119)
}
