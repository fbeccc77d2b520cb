//! What the UI tests share: the sample store, a synchronous stand-in for the workers, and
//! frames drawn into ratatui's TestBackend.

#![allow(dead_code)]

pub mod cli;
pub mod pty;
pub mod web;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use zhiku::import::{Options, import};
use zhiku::store::Store;
use zhiku::ui::App;
use zhiku::ui::app::Outgoing;
use zhiku::ui::render::draw;
use zhiku::ui::worker::{Reply, serve_job, serve_search};

/// An in-memory store of the given JSON Lines records (each must import).
pub fn store_of(records: &[serde_json::Value]) -> Store {
    let text: String = records.iter().map(|r| r.to_string() + "\n").collect();
    let mut s = Store::open_in_memory().unwrap();
    let src = zhiku::import::Source::Memory {
        name: "t.jsonl".into(),
        data: Box::leak(text.into_boxed_str()).as_bytes(),
    };
    let r = import(&mut s, vec![src], Options::default()).unwrap();
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    s
}

pub fn sample_store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    let r = import(&mut s, zhiku::sample::sources(), Options::default()).unwrap();
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    s
}

/// Does what the workers would do with everything the app asked for.
pub fn pump(app: &mut App, store: &Store) {
    for _ in 0..10 {
        let out: Vec<Outgoing> = app.take_outbox();
        if out.is_empty() {
            return;
        }
        deliver(app, store, out);
    }
}

/// Serves `out` (requests taken from the app) in the given order and hands the replies back.
pub fn deliver(app: &mut App, store: &Store, out: Vec<Outgoing>) {
    {
        for o in out {
            let reply = match o {
                Outgoing::Search(t, req) => Some(serve_search(store, t, &req)),
                Outgoing::Job(j) => serve_job(store, j),
            };
            if let Some(mut r) = reply {
                // Query time varies from run to run; the snapshots show 0.0 ms.
                if let Reply::Results { res: Ok(res), .. } = &mut r {
                    res.elapsed = std::time::Duration::ZERO;
                }
                app.on_reply(r);
            }
        }
    }
}

pub fn app(store: &Store) -> App {
    let mut a = App::new();
    pump(&mut a, store);
    a
}

pub fn key(app: &mut App, store: &Store, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    pump(app, store);
}

pub fn ctrl(app: &mut App, store: &Store, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    pump(app, store);
}

pub fn typed(app: &mut App, store: &Store, text: &str) {
    for c in text.chars() {
        key(app, store, KeyCode::Char(c));
    }
}

/// A `w`×`h` terminal with the app drawn in it, once: drawing never asks for work, so
/// nothing is fetched for the frame.
pub fn terminal(app: &mut App, store: &Store, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(app, f)).unwrap();
    assert!(app.take_outbox().is_empty(), "drawing queued work");
    pump(app, store);
    t
}

/// The screen [`terminal`] draws.
pub fn frame(app: &mut App, store: &Store, w: u16, h: u16) -> Buffer {
    terminal(app, store, w, h).backend().buffer().clone()
}

/// The buffer's text, one line a row; the cell after a wide character reads as a space.
pub fn text_of(buf: &Buffer) -> String {
    let a = buf.area;
    (0..a.height)
        .map(|y| {
            (0..a.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The screen's last column is a border glyph on every row but the footer.
pub fn assert_borders_in_line(buf: &Buffer, what: &str) {
    let (w, h) = (buf.area.width, buf.area.height);
    for y in 0..h - 1 {
        let sym = buf[(w - 1, y)].symbol();
        assert!(
            ["┐", "│", "┘"].contains(&sym),
            "{what}: row {y} ends with {sym:?}\n{}",
            text_of(buf)
        );
    }
}

/// One line of about `bytes` bytes: numbered pieces of CJK, Latin and emoji, no newline.
pub fn big_line(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 64);
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!("第{i}段数据备份与恢复 backup{i} 👩‍💻，"));
        i += 1;
    }
    s
}
