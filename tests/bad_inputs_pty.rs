//! BAD_INPUTS sections A–C end to end: hostile articles imported with `zhiku import`, read in
//! the real binary in a pseudo-terminal, and what it wrote checked byte by byte (nothing
//! hostile reaches the terminal) and as a parsed vt100 screen (borders in line, no residue).
//! Also tiny sizes, a resize storm, SIGHUP, and how quickly a 2 MB one-line article answers.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use serde_json::json;

mod common;

use common::big_line;
use common::pty::{borders_in_line, import_db, reader_row, results_row};

/// The terminal harness, watching for titles, clipboard and window requests.
type Tui = common::pty::Tui<Watch>;

fn start(db: &Path, cols: u16, rows: u16) -> Tui {
    Tui::start_with(db, cols, rows, Watch::default())
}

/// Everything the terminal was asked to do besides drawing text.
#[derive(Default, Debug)]
struct Watch {
    titles: Vec<Vec<u8>>,
    clipboard: Vec<Vec<u8>>,
    resizes: Vec<(u16, u16)>,
    osc: Vec<String>,
    window_ops: Vec<String>,
    bells: usize,
}

impl vt100::Callbacks for Watch {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn resize(&mut self, _: &mut vt100::Screen, request: (u16, u16)) {
        self.resizes.push(request);
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(name.to_vec());
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8]) {
        self.clipboard.push(ty.to_vec());
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        self.osc.push(format!("{params:?}"));
    }
    fn unhandled_csi(
        &mut self,
        _: &mut vt100::Screen,
        _i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        if c == 't' {
            self.window_ops.push(format!("{params:?}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The hostile library

const ZALGO_MARKS: usize = 10_000;

/// One hostile article per theme; each title carries a unique Latin word to search for.
fn hostile_records() -> Vec<serde_json::Value> {
    let escapes = "终端\u{1b}]0;PWNED\u{7}标题\u{1b}[21t序列";
    let mut records = vec![
        json!({
            "id": "bad-alpha",
            "title": format!("攻击样本 alpha {escapes}"),
            "tags": ["攻击\u{1b}]0;PWNED\u{7}标签", "Redis"],
            "author": "作者\u{1b}]52;c;cm0gLXJmIH4=\u{7}甲",
            "body": concat!(
                "第一段 \u{1b}]0;PWNED\u{7}标题被改了吗\u{1b}[21t 窗口报告。\n\n",
                "链接 \u{1b}]8;;https://evil.example/steal\u{7}https://bank.example\u{1b}]8;;\u{7} 文字。\n\n",
                "剪贴板 \u{1b}]52;c;cm0gLXJmIH4=\u{7} 与 \u{1b}]52;c;?\u{7} 结束。\n\n",
                "清屏前\u{1b}[2J清屏后，上移\u{1b}[2A两行。\n\n",
                "覆盖\r写入，退格\u{8}\u{8}XY。\n\n",
                "C1 控制\u{90}DCS\u{9c} CSI\u{9b}31m红 OSC\u{9d}0;C1TITLE\u{9c}完。\n",
            ),
        }),
        json!({
            "id": "bad-bravo",
            "title": "攻击样本 bravo 双向\u{202e}文本\u{2066}隔离\u{2069} 零宽\u{200b}字\u{2060}符\u{feff}软\u{ad}连字",
            "tags": ["\u{202e}反转标签", "零\u{200b}宽"],
            "body": concat!(
                "// Trojan Source: 检查\u{202e} \u{2066}if (isAdmin)\u{2069} \u{2066}{\n\n",
                "访问\u{200e}控制\u{200f}与\u{61c}阿拉伯标记\u{202a}\u{202b}\u{202c}\u{202d}。\n\n",
                "零\u{200b}宽\u{2060}空\u{feff}格\u{ad}与软连字符。\n",
            ),
        }),
        json!({
            "id": "bad-charlie",
            "title": "攻击样本 charlie 表情 👨‍👩‍👧 🇨🇳 👍🏽 ❤️",
            "tags": ["表情😀", "Kafka"],
            "body": emoji_body(),
        }),
        json!({
            "id": "bad-delta",
            "title": format!("攻击样本 delta Zalgo {}", zalgo()),
            "body": format!("{}\n\n扎尔戈 Z{}a{}l{}g{}o 之后的文字。\n", zalgo(), "\u{301}".repeat(200),
                "\u{308}\u{302}".repeat(100), "\u{334}".repeat(300), "\u{35c}".repeat(50)),
        }),
        json!({
            "id": "bad-echo",
            "title": "攻击样本 echo <b>粗</b> 制表\t符",
            "tags": ["HTML"],
            "body": concat!(
                "代码块里的制表符：\n\n```go\nfunc main() {\n\tif x {\n\t\treturn\t// 注释\n\t}\n}\n```\n\n",
                "<script>alert(\"xss\")</script>\n<div onclick=\"steal()\"><p>块&nbsp;内&lt;b&gt;</p></div>\n",
                "<a href=\"javascript:alert(1)\">点我</a> <img src=x onerror=alert(1)>\n\n",
                "<table><tr><td>单元</td><td>格</td></tr></table>\n",
            ),
        }),
        json!({
            "id": "bad-foxtrot",
            "title": "攻击样本 foxtrot 两兆单行",
            "tags": ["大文件"],
            "body": big_line(2 * 1024 * 1024),
        }),
        json!({
            "id": "bad-golf",
            "title": "攻击样本 golf Cafe\u{301} 분해 NFD",
            "body": "re\u{301}sume\u{301} 和 nai\u{308}ve 与 한국어 \u{1112}\u{1161}\u{11ab}\u{1100}\u{116e}\u{11a8}\u{110b}\u{1165}。\n",
        }),
    ];
    for r in &mut records {
        r["date"] = json!("2024-05-01");
    }
    records
}

fn zalgo() -> String {
    format!("a{}", "\u{301}".repeat(ZALGO_MARKS))
}

/// Lines of emoji, flags, skin tones and VS16 between CJK, at every offset from the border.
fn emoji_body() -> String {
    let units = ["👨‍👩‍👧", "🇨🇳", "🇯🇵", "👍🏽", "❤️", "👩‍💻", "✅", "中", "a"];
    let mut body = String::new();
    for i in 0..60 {
        let mut line = "x".repeat(i % 7);
        for k in 0..40 {
            line.push_str(units[(i + k) % units.len()]);
        }
        body.push_str(&line);
        body.push_str("\n\n");
    }
    body
}

/// A store holding the hostile library: imported once per run by the binary itself (`zhiku
/// --db X import FILE.jsonl`), copied for each test (the reader writes its position back).
fn hostile_db(dir: &Path) -> PathBuf {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
        // Templates of earlier runs whose process is gone.
        for e in std::fs::read_dir(root).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("bad_inputs_pty-")
                && !Path::new("/proc").join(pid).exists()
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        let dir = root.join(format!("bad_inputs_pty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("hostile.jsonl");
        let text: String = hostile_records()
            .iter()
            .map(|r| r.to_string() + "\n")
            .collect();
        std::fs::write(&file, text).unwrap();
        let db = dir.join("hostile.db");
        let _ = std::fs::remove_file(&db);
        import_db(&dir, &db, &[file.as_os_str()]);
        db
    });
    let db = dir.join("hostile.db");
    std::fs::copy(template, &db).unwrap();
    db
}

/// One reader at a time: they are CPU-bound (a 2 MB article each), and the timings of
/// `a_2_mb_line_answers_every_key` mean little on a machine busy with the others.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------------------------
// What reached the terminal

/// Fails unless every byte the program wrote is plain UTF-8 text or one of the few CSI
/// sequences a TUI needs (move, colour, modes, clear), and the terminal was never asked to
/// change its title, clipboard or size, ring, or open a hyperlink.
fn assert_nothing_hostile_written(raw: &[u8], watch: &Watch) {
    let text = match std::str::from_utf8(raw) {
        Ok(t) => t,
        Err(e) => panic!(
            "output is not UTF-8 at byte {}: {:?}",
            e.valid_up_to(),
            String::from_utf8_lossy(&raw[e.valid_up_to()..(e.valid_up_to() + 16).min(raw.len())])
        ),
    };
    let b = raw;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == 0x1b {
            assert_eq!(
                b.get(i + 1),
                Some(&b'['),
                "an escape other than CSI at byte {i}: {:?}",
                String::from_utf8_lossy(&b[i..(i + 12).min(b.len())])
            );
            let mut j = i + 2;
            while j < b.len() && (0x20..0x40).contains(&b[j]) {
                j += 1;
            }
            let seq = String::from_utf8_lossy(&b[i..=j.min(b.len() - 1)]).into_owned();
            let fin = b.get(j).copied().unwrap_or(0) as char;
            assert!(
                "HmhlJK".contains(fin),
                "unexpected CSI sequence {seq:?} at byte {i}"
            );
            if fin == 'J' {
                assert_eq!(
                    b.get(j + 1),
                    Some(&0x1b),
                    "text right after a clear at byte {i}: hostile {seq:?}"
                );
            }
            i = j + 1;
            continue;
        }
        assert!(
            c >= 0x20 && c != 0x7f,
            "control byte {c:#04x} written at byte {i}: {:?}",
            String::from_utf8_lossy(&b[i.saturating_sub(12)..(i + 12).min(b.len())])
        );
        i += 1;
    }
    let mut marks = 0;
    for ch in text.chars() {
        assert!(
            !('\u{80}'..='\u{9f}').contains(&ch),
            "C1 control {ch:?} written"
        );
        assert!(
            !zhiku::text::sanitize::is_bidi(ch) && !zhiku::text::sanitize::is_zero_width(ch),
            "invisible format character {ch:?} written"
        );
        assert!(
            !matches!(ch, '\u{2028}' | '\u{2029}'),
            "line separator written"
        );
        if unicode_normalization::char::is_combining_mark(ch) {
            marks += 1;
            assert!(
                marks <= zhiku::text::sanitize::MAX_MARKS,
                "more than {} combining marks in a row",
                zhiku::text::sanitize::MAX_MARKS
            );
        } else {
            marks = 0;
        }
    }
    assert!(
        watch.titles.is_empty(),
        "window title set: {:?}",
        watch.titles
    );
    assert!(
        watch.clipboard.is_empty(),
        "clipboard used: {:?}",
        watch.clipboard
    );
    assert!(
        watch.resizes.is_empty(),
        "resize asked: {:?}",
        watch.resizes
    );
    assert!(
        watch.window_ops.is_empty(),
        "window ops: {:?}",
        watch.window_ops
    );
    assert!(watch.osc.is_empty(), "OSC sequences: {:?}", watch.osc);
    assert_eq!(watch.bells, 0, "the bell rang");
}

// ---------------------------------------------------------------------------------------------
// Journeys

/// Searches `"query"`, waits for its single result `marker` to show in the reader, and moves
/// the focus there. Quoted, the query is the same typed or finished, so Enter does not run it
/// again; and `l` does not reload the article: no reply can replace the article while the keys
/// that follow are handled (see tests/README.md, case 15, on keys dropped during a reload).
fn open(t: &mut Tui, query: &str, marker: &str) {
    t.send("/\"");
    t.send(query);
    t.send("\"");
    let m = marker.to_owned();
    t.wait(
        &format!("{marker} in the results and the reader"),
        move |s| {
            s.contents().contains("1 条结果")
                && (4..20).any(|r| results_row(s, r).contains(&m))
                && reader_row(s, 4).contains(&m)
        },
    );
    t.send("\r");
    t.wait("the results focused", |s| s.contents().contains("▸结果"));
    t.send("l");
    t.wait("the reader focused", |s| s.contents().contains("▸阅读"));
    t.settle(Duration::from_millis(60));
    assert!(t.borders_ok(), "{}", t.screen());
}

/// Back to the whole library.
fn close(t: &mut Tui) {
    t.send("\x1b");
    t.wait("the results focused", |s| s.contents().contains("▸结果"));
    t.send("\x1b");
    t.wait("the whole library", |s| s.contents().contains("7 条结果"));
}

/// Sends each key, lets the frame arrive and checks the borders after each.
fn scroll(t: &mut Tui, keys: &[&str]) {
    for k in keys {
        t.send(k);
        t.settle(Duration::from_millis(60));
        assert!(
            t.borders_ok(),
            "after {k:?} a border moved:\n{}",
            t.screen()
        );
    }
}

fn cells(t: &Tui) -> Vec<String> {
    let (cols, rows) = t.size;
    let s = t.parser.screen();
    (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (r, c)))
        .map(|(r, c)| {
            let cell = s.cell(r, c).map(|x| x.contents()).unwrap_or_default();
            if cell.is_empty() { " " } else { cell }.to_owned()
        })
        .collect()
}

/// The screen built by incremental updates equals the one a full redraw gives: no residue
/// of wide or combining glyphs after scrolling.
fn assert_no_residue(t: &mut Tui) {
    t.quiesce();
    let before = cells(t);
    let shown = t.screen();
    let (cols, rows) = t.size;
    t.resize(cols + 1, rows);
    t.wait("a redraw one column wider", |s| {
        borders_in_line(s, cols + 1, rows)
    });
    t.resize(cols, rows);
    t.wait("the redraw at the old size", |s| {
        borders_in_line(s, cols, rows)
    });
    t.quiesce();
    let after = cells(t);
    // Row 1 shows the query's time, and a resize runs the query again (excerpts follow the
    // pane's width): it may differ.
    let diff: Vec<usize> = (0..before.len())
        .filter(|&i| i / cols as usize != 1 && before[i] != after[i])
        .collect();
    assert!(
        diff.is_empty(),
        "residue at cells {:?} (row, col): before\n{shown}\nafter a full redraw\n{}",
        diff.iter()
            .take(10)
            .map(|&i| (
                i / cols as usize,
                i % cols as usize,
                before[i].clone(),
                after[i].clone()
            ))
            .collect::<Vec<_>>(),
        t.screen()
    );
}

fn body_rows(s: &vt100::Screen) -> String {
    (8..39)
        .map(|r| reader_row(s, r))
        .collect::<Vec<_>>()
        .join("\n")
}

const J: &str = "j";
const K: &str = "k";
const PGDN: &str = "\x1b[6~";
const PGUP: &str = "\x1b[5~";
const CTRL_D: &str = "\x04";
const CTRL_U: &str = "\x15";

#[test]
fn hostile_articles_reach_the_terminal_inert() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_db(dir.path());
    let mut t = start(&db, 120, 40);
    t.wait_text("全部 (7)");

    // A: escapes, OSC 8/52, C1, CR, BS, CSI 2J/2A.
    open(&mut t, "alpha", "alpha");
    let s = t.screen();
    for shown in [
        "攻击样本 alpha 终端标题序列",
        "第一段 标题被改了吗 窗口报告。",
        "链接 https://bank.example 文字。",
        "清屏前清屏后，上移两行。",
        // cjk_spacing: a space between Chinese and Latin.
        "退格 XY。",
        "C1 控制 CSI 红 OSC 完。",
    ] {
        assert!(s.contains(shown), "{shown:?} not shown inert:\n{s}");
    }
    assert!(!s.contains("evil.example") && !s.contains("C1TITLE"), "{s}");
    scroll(&mut t, &[J, PGDN, G_KEY, K, "g"]);
    close(&mut t);

    // Bidi and zero-width characters.
    open(&mut t, "bravo", "bravo");
    let s = t.screen();
    assert!(s.contains("双向文本隔离 零宽字符软连字"), "{s}");
    assert!(s.contains("访问控制与阿拉伯标记。"), "{s}");
    close(&mut t);

    // Emoji: scrolled a line at a time past every offset from the border.
    open(&mut t, "charlie", "charlie");
    let mut keys = vec![J; 24];
    keys.extend([PGDN, CTRL_D, K, K, K]);
    scroll(&mut t, &keys);
    assert_no_residue(&mut t);
    scroll(&mut t, &[G_KEY, PGUP, CTRL_U]);
    assert_no_residue(&mut t);
    close(&mut t);

    // Zalgo.
    open(&mut t, "delta", "delta");
    scroll(&mut t, &[J, J, G_KEY]);
    assert!(t.screen().contains("之后的文字"), "{}", t.screen());
    assert_no_residue(&mut t);
    close(&mut t);

    // Tabs in code keep their indentation; raw HTML is text.
    open(&mut t, "echo", "echo");
    let s = t.screen();
    let rows: Vec<String> = (4..39).map(|r| reader_row(t.parser.screen(), r)).collect();
    let code = |needle: &str| {
        rows.iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not shown:\n{s}"))
            .clone()
    };
    let (if_row, return_row) = (code("if x {"), code("return"));
    // Code is drawn behind a left rule: "╎ " then the code's own indentation.
    assert!(if_row.starts_with("╎     if x {"), "{if_row:?}");
    assert!(
        return_row.starts_with("╎         return  // 注释"),
        "{return_row:?}"
    );
    // The HTML parser drops a script's text; the rest of the markup is plain text.
    assert!(
        !s.contains("alert(\"xss\")") && s.contains("块 内<b>"),
        "{s}"
    );
    assert!(!s.contains("<script>") && !s.contains("onclick"), "{s}");
    close(&mut t);

    // 2 MB on one line.
    open(&mut t, "foxtrot", "foxtrot");
    scroll(&mut t, &[J, PGDN, CTRL_D, G_KEY, K, "g"]);
    assert_no_residue(&mut t);
    close(&mut t);

    // NFD stored as NFC: the NFC spelling finds it.
    open(&mut t, "café", "golf");
    assert!(
        t.screen().contains("résumé 和 naïve 与 한국어 한국어"),
        "{}",
        t.screen()
    );
    close(&mut t);

    // Every tag, hostile ones included, in the palette; and the help overlay.
    t.send("t");
    t.wait_text("表情😀");
    t.settle(Duration::from_millis(60));
    t.send("\x1b");
    t.wait("the palette closed", |s| !s.contents().contains("Esc 关闭"));
    t.send("?");
    t.wait_text("帮助");
    t.send("x");
    t.settle(Duration::from_millis(60));

    t.quit();
    assert_nothing_hostile_written(&t.raw, t.parser.callbacks());
}

const G_KEY: &str = "G";

/// The byte check above fails on each thing it looks for (and passes a plain frame).
#[test]
fn the_output_check_catches_what_it_looks_for() {
    let clean = Watch::default();
    assert_nothing_hostile_written(
        b"\x1b[1;1H\x1b[38;5;31m\xe4\xb8\xad\x1b[0m\x1b[?25l",
        &clean,
    );
    for bad in [
        &b"\x1b]0;PWNED\x07"[..],
        b"\x1b]52;c;eA==\x07",
        b"\x1b]8;;http://x\x07a",
        b"\x1b[21t",
        b"\x1b[2A",
        b"a\x1b[2Jb",
        b"a\rb",
        b"a\x08b",
        "\u{9b}31m".as_bytes(),
        "a\u{202e}b".as_bytes(),
        "a\u{200b}b".as_bytes(),
        b"\xff",
    ] {
        let r = std::panic::catch_unwind(|| assert_nothing_hostile_written(bad, &clean));
        assert!(
            r.is_err(),
            "{:?} passed the check",
            String::from_utf8_lossy(bad)
        );
    }
    let titled = Watch {
        titles: vec![b"PWNED".to_vec()],
        ..Watch::default()
    };
    assert!(std::panic::catch_unwind(|| assert_nothing_hostile_written(b"", &titled)).is_err());
}

#[test]
fn tiny_sizes_and_a_resize_storm_with_a_2_mb_article_open() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_db(dir.path());
    let mut t = start(&db, 120, 40);
    t.wait_text("全部 (7)");
    open(&mut t, "foxtrot", "foxtrot");
    t.send(PGDN);

    for (c, r) in [(1, 1), (2, 1), (20, 5)] {
        t.resize(c, r);
        t.settle(Duration::from_millis(150));
        assert!(t.alive(), "died at {c}x{r}");
    }
    t.wait_text("窗口太小");
    // A pty can be 0x0; the emulator cannot, so it stays 1x1.
    t.resize(0, 0);
    t.settle(Duration::from_millis(150));
    assert!(t.alive(), "died at 0x0");

    // Dozens of resizes in a row, keys in between, nothing waited for.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..60 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let cols = 1 + (seed % 200) as u16;
        let rows = 1 + ((seed >> 16) % 60) as u16;
        t.resize(cols, rows);
        if i % 5 == 0 {
            t.send(["j", PGDN, "G", "k", "g"][i / 5 % 5]);
        }
        t.pump(Duration::ZERO);
    }
    assert!(t.alive(), "died in the resize storm");
    t.resize(120, 40);
    t.wait("the layout back at 120x40", |s| {
        borders_in_line(s, 120, 40) && reader_row(s, 4).contains("foxtrot")
    });
    t.quit();
    assert_nothing_hostile_written(&t.raw, t.parser.callbacks());
}

#[test]
fn sighup_mid_scroll_restores_the_terminal() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_db(dir.path());
    let mut t = start(&db, 100, 30);
    t.wait_text("全部 (7)");
    assert!(!t.canonical(), "the reader runs in raw mode");
    t.send("/\"foxtrot\"");
    t.wait("the 2 MB article", |s| s.contents().contains("第0段"));
    t.send("jjjj");
    t.send(PGDN);
    t.send("G");
    t.signal("HUP");
    t.wait_exit();
    assert!(t.canonical(), "raw mode left on after SIGHUP");
    let raw = String::from_utf8_lossy(&t.raw).into_owned();
    for (on, off, what) in [
        ("\x1b[?1049h", "\x1b[?1049l", "alternate screen"),
        ("\x1b[?1000h", "\x1b[?1000l", "mouse reporting"),
        ("\x1b[?2004h", "\x1b[?2004l", "bracketed paste"),
        ("\x1b[?25l", "\x1b[?25h", "hidden cursor"),
    ] {
        let last_on = raw
            .rfind(on)
            .unwrap_or_else(|| panic!("{what} never entered"));
        let last_off = raw
            .rfind(off)
            .unwrap_or_else(|| panic!("{what} never left"));
        assert!(last_off > last_on, "{what} not restored");
    }
    assert!(
        !t.parser.screen().alternate_screen(),
        "still on the alternate screen"
    );
}

/// Opening, scrolling and re-wrapping a 2 MB one-line article: each key is answered within
/// 2 s even in a debug build (it takes well under 0.1 s in release; timings belong in
/// benches, this only catches a reader that hangs).
#[test]
fn a_2_mb_line_answers_every_key() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_db(dir.path());
    let mut t = start(&db, 120, 40);
    t.wait_text("全部 (7)");
    let limit = Duration::from_secs(2);
    let mut times = Vec::new();

    let start = Instant::now();
    open(&mut t, "foxtrot", "foxtrot");
    times.push(("search and open", start.elapsed()));
    for (name, key) in [
        ("j", J),
        ("PgDn", PGDN),
        ("Ctrl-D", CTRL_D),
        ("G", G_KEY),
        ("k", K),
        ("PgUp", PGUP),
        ("Ctrl-U", CTRL_U),
        ("g", "g"),
    ] {
        t.settle(Duration::from_millis(30));
        let before = body_rows(t.parser.screen());
        t.send(key);
        times.push((
            name,
            t.wait_for(&format!("an answer to {name}"), limit, move |s| {
                body_rows(s) != before
            }),
        ));
    }
    // A new width: one re-wrap of 2 MB.
    t.resize(100, 40);
    times.push((
        "resize",
        t.wait_for("the re-wrapped article", limit, |s| {
            borders_in_line(s, 100, 40) && s.contents().contains("第0段")
        }),
    ));
    println!("{times:?}");
    t.send("\x1b");
    t.settle(Duration::from_millis(60));
    t.quit();
}

/// A scroll position read back from the store that overflows the reader's arithmetic (case 18,
/// see tests/README.md): while that panics (debug builds), it shows the panic path of case 19;
/// once fixed, the reader simply opens. Either way the terminal must come back whole.
#[test]
fn a_panic_or_not_the_terminal_comes_back_and_the_message_is_readable() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_db(dir.path());
    {
        let s = zhiku::store::Store::open(&db, zhiku::store::Access::Write).unwrap();
        s.set_setting("reader.last_article", "bad-charlie").unwrap();
        s.set_setting("reader.last_scroll", &usize::MAX.to_string())
            .unwrap();
    }
    let mut t = start(&db, 120, 40);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        t.pump(Duration::from_millis(20));
        if !t.alive() {
            break;
        }
        if reader_row(t.parser.screen(), 4).contains("charlie") {
            t.send("q");
            break;
        }
        assert!(Instant::now() < deadline, "{}", t.screen());
    }
    let status = t.wait_exit();
    assert!(t.canonical(), "raw mode left on");
    let raw = String::from_utf8_lossy(&t.raw).into_owned();
    for (on, off) in [
        ("\x1b[?1049h", "\x1b[?1049l"),
        ("\x1b[?1000h", "\x1b[?1000l"),
    ] {
        if let Some(last_on) = raw.rfind(on) {
            assert!(
                raw.rfind(off).is_some_and(|o| o > last_on),
                "{on:?} left on"
            );
        }
    }
    assert!(!t.parser.screen().alternate_screen());
    if !status.success() {
        // After the alternate screen is left: the message, in cooked output (each newline a
        // CR LF, so every line starts at the left margin).
        let tail = &raw[raw.rfind("\x1b[?1049l").unwrap_or(0)..];
        assert!(tail.contains("panicked"), "no panic message: {tail:?}");
        assert!(
            tail.match_indices('\n')
                .all(|(i, _)| tail[..i].ends_with('\r')),
            "a bare LF: raw mode was still on when the message was printed"
        );
    }
}
