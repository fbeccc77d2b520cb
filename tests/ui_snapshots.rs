//! Screen tests: the reader drawn into ratatui's TestBackend with the sample library, at
//! 120×40, 80×24 and 60×15, compared with committed insta snapshots (CJK included).

mod common;

use common::{
    app, assert_borders_in_line, frame, key, pump, sample_store, terminal, text_of, typed,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use zhiku::ui::render::draw;

fn snap(name: &str, t: &Terminal<TestBackend>) {
    insta::assert_snapshot!(name, t.backend());
}

#[test]
fn start_screen_at_three_sizes() {
    let store = sample_store();
    for (w, h) in [(120, 40), (80, 24), (60, 15)] {
        let mut a = app(&store);
        let t = terminal(&mut a, &store, w, h);
        snap(&format!("start_{w}x{h}"), &t);
    }
}

#[test]
fn chinese_query_and_open_article() {
    let store = sample_store();
    for (w, h) in [(120, 40), (80, 24), (60, 15)] {
        let mut a = app(&store);
        terminal(&mut a, &store, w, h);
        key(&mut a, &store, KeyCode::Char('/'));
        typed(&mut a, &store, "故障恢复");
        key(&mut a, &store, KeyCode::Enter);
        key(&mut a, &store, KeyCode::Enter);
        key(&mut a, &store, KeyCode::Char(']'));
        let t = terminal(&mut a, &store, w, h);
        snap(&format!("query_open_{w}x{h}"), &t);
        // The cell after a wide character holds a blank: compare without blanks.
        let text = text_of(t.backend().buffer()).replace([' ', '\n'], "");
        assert!(text.contains("故障恢复"), "the query is shown");
    }
}

#[test]
fn search_cursor_sits_at_the_caret_display_column() {
    let store = sample_store();
    let mut a = app(&store);
    terminal(&mut a, &store, 120, 40);
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, "Kafka 消息积压");
    let mut t = terminal(&mut a, &store, 120, 40);
    // Border (1) + padding (1) + "Kafka " (6) + 4 wide characters (8) = column 16.
    assert_eq!(t.get_cursor_position().unwrap(), (16, 1).into());
    key(&mut a, &store, KeyCode::Left);
    key(&mut a, &store, KeyCode::Left);
    t.draw(|f| draw(&mut a, f)).unwrap();
    assert_eq!(t.get_cursor_position().unwrap(), (12, 1).into());
}

#[test]
fn tag_palette_finds_pinyin_initials() {
    let store = sample_store();
    let mut a = app(&store);
    terminal(&mut a, &store, 80, 24);
    key(&mut a, &store, KeyCode::Char('t'));
    typed(&mut a, &store, "zzwz");
    let t = terminal(&mut a, &store, 80, 24);
    snap("palette_80x24", &t);
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.scope_label(), "其他 › 转载文章");
    assert!(
        a.results
            .hits
            .iter()
            .all(|h| h.meta.tags.iter().any(|t| t == "转载文章"))
    );
    assert!(!a.results.hits.is_empty());
}

#[test]
fn help_overlay_lists_the_keys() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('?'));
    let t = terminal(&mut a, &store, 80, 24);
    snap("help_80x24", &t);
}

#[test]
fn tiny_windows_show_a_notice_and_never_panic() {
    let store = sample_store();
    let mut a = app(&store);
    for (w, h) in [
        (0, 0),
        (1, 1),
        (2, 1),
        (20, 5),
        (59, 15),
        (60, 14),
        (300, 100),
    ] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| draw(&mut a, f)).unwrap();
    }
    let t = terminal(&mut a, &store, 40, 10);
    snap("too_small_40x10", &t);
}

#[test]
fn borders_stay_in_line_with_wide_text_at_every_width() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, "emoji 👩‍💻 ✅");
    key(&mut a, &store, KeyCode::Enter);
    key(&mut a, &store, KeyCode::Enter);
    for w in 60..=130 {
        // The right border of the screen-wide search box is on the last column of rows 0-2,
        // and every pane's right border is a box character: no wide glyph pushed it away.
        assert_borders_in_line(&frame(&mut a, &store, w, 30), &format!("width {w}"));
    }
}

#[test]
fn archive_picker_and_month_list() {
    let store = sample_store();
    let mut a = app(&store);
    terminal(&mut a, &store, 80, 24);
    key(&mut a, &store, KeyCode::Char('a'));
    let t = terminal(&mut a, &store, 80, 24);
    snap("archive_80x24", &t);
    key(&mut a, &store, KeyCode::Enter);
    let t = terminal(&mut a, &store, 80, 24);
    snap("month_list_80x24", &t);
}

#[test]
fn ascii_borders_and_light_theme_from_the_config() {
    let store = sample_store();
    let mut a = app(&store);
    let cfg = zhiku::ui::config::parse("theme = \"light\"\nascii_borders = true\n", "config.toml")
        .unwrap();
    a.configure(cfg);
    pump(&mut a, &store);
    let t = terminal(&mut a, &store, 80, 24);
    snap("ascii_80x24", &t);
    let text = text_of(t.backend().buffer());
    assert!(
        !text.contains('│') && !text.contains('─') && !text.contains('┌'),
        "no box drawing"
    );
}
