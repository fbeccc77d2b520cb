//! End-to-end: the real binary in a pseudo-terminal, its output parsed by vt100, keys typed
//! as a person would. Slow-ish, so only a few journeys.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_zhiku");

struct Tui {
    parser: vt100::Parser,
    rx: Receiver<Vec<u8>>,
    raw: Vec<u8>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

impl Tui {
    fn start(db: &Path, cols: u16, rows: u16) -> Tui {
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
        cmd.env("HOME", db.parent().unwrap());
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Tui {
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            rx,
            raw: Vec::new(),
            writer,
            master: pair.master,
            child,
        }
    }

    fn pump(&mut self, wait: Duration) {
        if let Ok(bytes) = self.rx.recv_timeout(wait) {
            self.parser.process(&bytes);
            self.raw.extend_from_slice(&bytes);
        }
        while let Ok(bytes) = self.rx.try_recv() {
            self.parser.process(&bytes);
            self.raw.extend_from_slice(&bytes);
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen satisfies `cond`, or fails with the screen shown.
    fn wait(&mut self, what: &str, cond: impl Fn(&vt100::Screen) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            self.pump(Duration::from_millis(50));
            if cond(self.parser.screen()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{}",
                self.screen()
            );
        }
    }

    fn wait_text(&mut self, text: &str) {
        let t = text.to_owned();
        self.wait(text, move |s| s.contents().contains(&t));
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.parser.screen_mut().set_size(nz(rows), nz(cols));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
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

    fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }
}

fn sample_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("lib.db");
    let out = std::process::Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .args(["import", "--sample"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// Every row's last column is a border character: nothing wide pushed a border out of line.
fn borders_in_line(s: &vt100::Screen, cols: u16, rows: u16) -> bool {
    (0..rows - 1).all(|r| {
        let c: String = s
            .cell(r, cols - 1)
            .map(|c| c.contents().to_string())
            .unwrap_or_default();
        ["┐", "│", "┘"].iter().any(|b| *b == c)
    })
}

#[test]
fn search_read_jump_tags_resize_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let mut t = Tui::start(&db, 120, 40);
    t.wait_text("全部 (126)");

    t.send("/");
    t.send("故障恢复");
    t.wait_text("3 条结果");
    // The terminal cursor is at the caret: border + space + four wide characters.
    t.wait("the cursor at the caret", |s| {
        s.cursor_position() == (1, 10) && !s.hide_cursor()
    });

    t.send("\r");
    t.send("\r");
    t.wait_text("ZooKeeper 选举机制与故障恢复：从 Leader 宕机说起");
    t.wait("the reader's scroll position", |s| {
        s.contents().contains("阅读 ⋅")
    });

    // ] selects the article's tag (drawn reversed); Enter searches that tag.
    t.send("]");
    t.wait("a selected tag chip", |s| {
        (0..40).any(|r| {
            (67..119).any(|c| {
                s.cell(r, c)
                    .is_some_and(|cell| cell.contents() == "[" && cell.inverse())
            })
        })
    });
    t.send("\r");
    t.wait_text("范围: 大数据技术 › ZooKeeper");
    assert!(
        borders_in_line(t.parser.screen(), 120, 40),
        "{}",
        t.screen()
    );

    t.resize(80, 24);
    t.wait("a stacked layout at 80x24", |s| {
        s.contents().lines().count() <= 24 && borders_in_line(s, 80, 24)
    });

    t.send("q");
    let status = t.wait_exit();
    assert!(status.success());
    let raw = t.raw_text();
    assert!(raw.contains("\u{1b}[?1049l"), "left the alternate screen");
    assert!(raw.contains("\u{1b}[?1000l"), "mouse reporting turned off");
}

#[test]
fn too_small_window_shows_a_notice_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let mut t = Tui::start(&db, 40, 10);
    t.wait_text("窗口太小");
    for (c, r) in [(20, 5), (2, 1), (1, 1), (100, 30), (30, 8), (90, 28)] {
        t.resize(c, r);
    }
    t.wait_text("全部 (126)");
    t.send("\u{3}");
    assert!(t.wait_exit().success());
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let mut t = Tui::start(&db, 100, 30);
    t.wait_text("全部 (126)");
    let pid = t.child.process_id().unwrap();
    let ok = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(ok.success());
    t.wait_exit();
    let raw = t.raw_text();
    let after = raw.rfind("\u{1b}[?1049l").expect("alternate screen left");
    assert!(after > raw.rfind("\u{1b}[?1049h").unwrap());
}

/// The reader pane's text on screen row `row` (right of the tree and result panes at 120 columns).
fn reader_row(s: &vt100::Screen, row: u16) -> String {
    s.contents_between(row, 68, row, 119)
}

#[test]
fn last_article_is_restored_on_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let title = "Netty 堆外内存泄漏排查";
    let mut t = Tui::start(&db, 120, 40);
    t.wait_text("全部 (126)");
    t.send("/");
    t.send("Netty 堆外内存");
    t.wait_text("条结果");
    t.send("\r\r");
    t.wait("the Netty article in the reader", |s| {
        reader_row(s, 4).contains(title)
    });
    t.send("q");
    assert!(t.wait_exit().success());

    let mut t = Tui::start(&db, 120, 40);
    t.wait("the restored article", |s| reader_row(s, 4).contains(title));
    t.send("q");
    assert!(t.wait_exit().success());
}

#[test]
fn archive_month_article_related_bookmark_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let mut t = Tui::start(&db, 120, 40);
    t.wait_text("全部 (126)");
    t.send("a");
    t.wait_text("历史内容 ⋅ 全部");
    t.wait_text("2025-06  (4 篇)");
    t.send("j\r");
    t.wait_text("历史内容 ⋅ 2025-05");
    t.send("\r");
    t.wait("an article of May 2025 in the reader", |s| {
        (4..8).any(|r| reader_row(s, r).contains("2025-05-"))
    });
    t.send("m");
    t.wait_text("推荐内容 ⋅");
    t.send("\r");
    t.wait("a related article opened", |s| {
        s.contents().contains("阅读 ⋅")
    });
    let title = t
        .parser
        .screen()
        .contents_between(4, 68, 4, 119)
        .trim()
        .trim_end_matches('│')
        .trim()
        .to_owned();
    t.send("b");
    t.wait_text("已收藏");
    t.send("q");
    assert!(t.wait_exit().success());

    let mut t = Tui::start(&db, 120, 40);
    t.wait_text("全部 (126)");
    t.send("B");
    t.wait_text("收藏 ─");
    let want: String = title.chars().take(8).collect();
    t.wait(&format!("the bookmark {want:?} listed"), |s| {
        s.contents_between(4, 24, 4, 67).contains(&want)
    });
    t.send("q");
    assert!(t.wait_exit().success());
}
