//! The full-screen reader. Only this module depends on ratatui.
//!
//! One thread reads terminal events, two workers query the store; the main loop receives all
//! of them on one channel, updates the [`App`], and redraws when something changed.

pub mod app;
pub mod config;
pub mod docview;
pub mod draw;
pub mod keymap;
pub mod overlays;
pub mod panes;
pub mod quick_open;
pub mod render;
pub mod strings;
pub mod theme;
pub mod worker;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event,
};
use ratatui::crossterm::execute;
use ratatui::{DefaultTerminal, Terminal, backend::Backend};

pub use app::App;
use app::Outgoing;
use worker::{Reply, Workers};

use crate::store::{Access, Store};

/// Everything the main loop waits for.
pub enum Msg {
    Term(Event),
    Reply(Reply),
}

fn wrap_reply(r: Reply) -> Msg {
    Msg::Reply(r)
}

const LAST_ARTICLE: &str = "reader.last_article";
const LAST_SCROLL: &str = "reader.last_scroll";

/// Opens the reader on the store at `path` until the user quits or a signal arrives.
pub fn run(path: &Path) -> color_eyre::Result<()> {
    let cfg = match config::path() {
        Some(p) => config::load(&p).map_err(|e| color_eyre::eyre::eyre!(e))?,
        None => config::Config::default(),
    };
    let store = Store::open(path, Access::Read)?;
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
    let mut app = App::new();
    app.configure(cfg);
    app.read_only = store.is_read_only();
    let verses = crate::sample::verses();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as usize);
    app.set_tips(crate::sample::tips(), seed);
    if !verses.is_empty() {
        app.verse = Some(verses[seed / 7 % verses.len()].to_owned());
    }
    if let (Ok(Some(id)), Ok(scroll)) = (store.setting(LAST_ARTICLE), store.setting(LAST_SCROLL)) {
        app.restore(&id, scroll.and_then(|s| s.parse().ok()).unwrap_or(0));
    }

    let (tx, rx) = channel::<Msg>();
    let workers = Workers::start(path.to_path_buf(), tx.clone(), wrap_reply);
    let terminal = init_terminal()?;
    let input_stop = Arc::new(AtomicBool::new(false));
    spawn_input(tx, input_stop.clone());
    let result = main_loop(terminal, &mut app, &rx, &workers, &stop);
    input_stop.store(true, Ordering::Relaxed);
    restore_terminal();
    drop(rx);
    workers.shutdown(Duration::from_secs(2));
    if let Some(a) = &app.article
        && !store.is_read_only()
    {
        let _ = store.set_setting(LAST_ARTICLE, &a.meta.ext_id);
        let _ = store.set_setting(LAST_SCROLL, &app.scroll.to_string());
        let _ = store.set_position(a.meta.id, app.scroll);
    }
    result
}

fn init_terminal() -> std::io::Result<DefaultTerminal> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        hook(info);
    }));
    let terminal = ratatui::try_init()?;
    execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    Ok(terminal)
}

/// Leaves raw mode and the alternate screen, and turns mouse and paste modes off again.
pub fn restore_terminal() {
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    let _ = std::io::stdout().flush();
}

fn spawn_input(tx: Sender<Msg>, stop: Arc<AtomicBool>) {
    std::thread::Builder::new()
        .name("zhiku-input".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match event::poll(Duration::from_millis(100)) {
                    Ok(true) => match event::read() {
                        Ok(ev) => {
                            if tx.send(Msg::Term(ev)).is_err() {
                                return;
                            }
                        }
                        Err(_) => return,
                    },
                    Ok(false) => {}
                    Err(_) => return,
                }
            }
        })
        .expect("spawn input thread");
}

/// Standard base64 (RFC 4648, with padding), for OSC 52.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(T[(n >> shift & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Performs what only the terminal's owner can: the clipboard (OSC 52) and the browser.
fn run_effects(app: &mut App) {
    for e in app.take_effects() {
        match e {
            app::Effect::Copy(text) => {
                let mut out = std::io::stdout();
                let _ = write!(out, "\u{1b}]52;c;{}\u{7}", base64(text.as_bytes()));
                let _ = out.flush();
            }
            app::Effect::OpenUrl(url) => {
                let opener = opener_command(app.opener.as_deref());
                let (program, args) = opener.split_first().expect("opener has a program");
                let spawned = std::process::Command::new(program)
                    .args(args)
                    .arg(&url)
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn();
                app.status = Some(match spawned {
                    Ok(_) => (format!("已在浏览器中打开: {url}"), false),
                    Err(e) => (
                        format!("无法打开浏览器 ({program}: {e}); 按 y 复制链接"),
                        true,
                    ),
                });
                app.dirty = true;
            }
        }
    }
}

/// The command links open with: the configured opener, else the first of `$BROWSER`, else
/// the desktop's own (`xdg-open`, `open` on macOS). Words split at whitespace; the URL is
/// appended as the last argument, never passed through a shell.
fn opener_command(configured: Option<&str>) -> Vec<String> {
    let from_env = std::env::var("BROWSER").ok();
    let chosen = configured
        .map(str::to_owned)
        .or_else(|| from_env.and_then(|b| b.split(':').next().map(str::to_owned)));
    let words: Vec<String> = chosen
        .iter()
        .flat_map(|c| c.split_whitespace())
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        vec![
            if cfg!(target_os = "macos") {
                "open"
            } else {
                "xdg-open"
            }
            .to_owned(),
        ]
    } else {
        words
    }
}

/// Sends what the app queued to the workers.
fn flush_outbox(app: &mut App, workers: &Workers) {
    for out in app.take_outbox() {
        match out {
            Outgoing::Search(ticket, req) => workers.search(ticket, req),
            Outgoing::Job(job) => workers.job(job),
        }
    }
}

/// Applies one message to the app.
pub fn handle(app: &mut App, msg: Msg) {
    match msg {
        Msg::Term(Event::Key(k)) if k.kind != event::KeyEventKind::Release => app.on_key(k),
        Msg::Term(Event::Mouse(m)) => app.on_mouse(m),
        Msg::Term(Event::Paste(p)) => app.on_paste(&p),
        Msg::Term(Event::Resize(..)) => app.dirty = true,
        Msg::Term(_) => {}
        Msg::Reply(r) => app.on_reply(r),
    }
}

fn main_loop<B: Backend>(
    mut terminal: Terminal<B>,
    app: &mut App,
    rx: &Receiver<Msg>,
    workers: &Workers,
    stop: &AtomicBool,
) -> color_eyre::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    loop {
        run_effects(app);
        // The one flush of a turn: drawing never queues work.
        flush_outbox(app, workers);
        if app.dirty {
            terminal.draw(|f| render::draw(app, f))?;
            app.dirty = false;
        }
        if app.quit || stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(msg) => {
                handle(app, msg);
                while let Ok(more) = rx.try_recv() {
                    handle(app, more);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64("数据".as_bytes()), "5pWw5o2u");
    }
}
