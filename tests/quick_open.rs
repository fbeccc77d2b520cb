//! Quick-open (issue 17 item 3) from the store to the screen: titles read by
//! `Store::titles`, indexed, typed into the overlay, drawn into ratatui's TestBackend at
//! 120×40 and 60×15 (insta snapshots: CJK titles, a polyphone match), with the highlighted
//! cells, the count and the borders checked on the buffer itself.

mod common;

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use serde_json::json;
use zhiku::quickopen::Index;
use zhiku::store::Store;
use zhiku::ui::quick_open::{Outcome, QuickOpen};
use zhiku::ui::theme::Theme;

fn library() -> Store {
    let titles = [
        (
            "a1",
            "数据同步监控方案：从 Canal 到 Flink CDC",
            "2025-03-01",
        ),
        ("a2", "代码重构的十个原则", "2025-02-20"),
        ("a3", "银行核心系统迁移实录", "2025-02-11"),
        ("a4", "用户行为分析平台的数据仓库设计", "2025-01-30"),
        ("a5", "Redis 缓存穿透排查实录", "2024-12-24"),
        ("a6", "深入理解 Redis 的持久化：RDB 与 AOF", "2024-11-02"),
        (
            "a7",
            "Kafka 消息积压处理：一次线上故障的复盘与重放",
            "2024-10-15",
        ),
        ("a8", "重要的事情说三遍：重试、重放与幂等", "2024-09-09"),
        ("a9", "數據庫備份與恢復", "2024-08-18"),
        (
            "a10",
            "\u{1b}[31m带控制字符的\u{7}标题\u{202e}",
            "2024-07-07",
        ),
        ("a11", "MySQL 索引失效的 12 种情况", "2024-06-06"),
        ("a12", "ZooKeeper 选举与故障恢复", "2024-05-05"),
    ];
    let records: Vec<serde_json::Value> = titles
        .iter()
        .map(|(id, t, d)| json!({"id": id, "title": t, "body": "正文", "date": d}))
        .collect();
    common::store_of(&records)
}

fn overlay(store: &Store) -> QuickOpen {
    let index = Index::new(store.titles().unwrap());
    QuickOpen::new(Some(Arc::new(index)))
}

fn typed(q: &mut QuickOpen, s: &str) {
    for c in s.chars() {
        assert_eq!(
            q.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            Outcome::None
        );
    }
}

fn draw(q: &QuickOpen, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = Theme::default();
    t.draw(|f| q.draw(f, f.area(), &theme)).unwrap();
    t
}

/// The highlighted characters of row `y`.
fn highlighted_on_row(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width)
        .filter(|&x| buf[(x, y)].bg == Color::Yellow)
        .map(|x| buf[(x, y)].symbol().to_owned())
        .collect()
}

/// The row whose text contains `s` (blanks ignored: the cell after a wide char is one).
fn row_of(buf: &Buffer, s: &str) -> u16 {
    (0..buf.area.height)
        .find(|&y| {
            let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            line.replace(' ', "").contains(&s.replace(' ', ""))
        })
        .unwrap_or_else(|| panic!("no row with {s:?}:\n{}", common::text_of(buf)))
}

/// Every row of the box starts and ends with a border glyph in the same columns.
fn assert_box(buf: &Buffer) {
    let text = common::text_of(buf);
    let rows: Vec<u16> = (0..buf.area.height)
        .filter(|&y| (0..buf.area.width).any(|x| buf[(x, y)].symbol() != " "))
        .collect();
    let (top, bottom) = (rows[0], *rows.last().unwrap());
    let left = (0..buf.area.width)
        .find(|&x| buf[(x, top)].symbol() == "┌")
        .unwrap();
    let right = (0..buf.area.width)
        .find(|&x| buf[(x, top)].symbol() == "┐")
        .unwrap();
    for y in top + 1..bottom {
        assert_eq!(buf[(left, y)].symbol(), "│", "row {y}\n{text}");
        assert_eq!(buf[(right, y)].symbol(), "│", "row {y}\n{text}");
    }
    assert_eq!(buf[(left, bottom)].symbol(), "└", "{text}");
    assert_eq!(buf[(right, bottom)].symbol(), "┘", "{text}");
}

#[test]
fn all_titles_newest_first_at_both_sizes() {
    let store = library();
    let q = overlay(&store);
    for (w, h) in [(120, 40), (60, 15)] {
        let t = draw(&q, w, h);
        insta::assert_snapshot!(format!("quick_open_all_{w}x{h}"), t.backend());
        let buf = t.backend().buffer();
        assert_box(buf);
        row_of(buf, "12 / 12");
        // Newest first: the first row under the input is the newest title, selected.
        let first = row_of(buf, "数据同步监控方案");
        assert!(first < row_of(buf, "代码重构的十个原则"));
        // Controls and bidi overrides never reach the screen.
        let text = common::text_of(buf);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
    }
}

#[test]
fn polyphone_match_highlighted_at_both_sizes() {
    let store = library();
    let mut q = overlay(&store);
    // 重 read chong (重放): the title with 重放 in it, not only the ones with 重要/重构.
    typed(&mut q, "chongfang");
    for (w, h) in [(120, 40), (60, 15)] {
        let t = draw(&q, w, h);
        insta::assert_snapshot!(format!("quick_open_chongfang_{w}x{h}"), t.backend());
        let buf = t.backend().buffer();
        assert_box(buf);
        row_of(buf, "2 / 12");
        let y = row_of(buf, "重要的事情");
        assert_eq!(highlighted_on_row(buf, y), "重放");
        assert!(y < row_of(buf, "Kafka 消息积压"));
    }
    // Both are contiguous matches; where 重放 starts a word (after 、) ranks above the newer
    // title where it does not. Enter opens the selected one.
    let Outcome::Open(id) = q.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)) else {
        panic!("Enter opens");
    };
    let a = store.article(id).unwrap().unwrap();
    assert_eq!(a.meta.title, "重要的事情说三遍：重试、重放与幂等");
}

#[test]
fn initials_traditional_and_latin_mixes() {
    let store = library();
    let mut q = overlay(&store);
    typed(&mut q, "sjtbjk");
    let t = draw(&q, 120, 40);
    let buf = t.backend().buffer();
    row_of(buf, "1 / 12");
    let y = row_of(buf, "数据同步监控方案");
    assert_eq!(highlighted_on_row(buf, y), "数据同步监控");

    let mut q = overlay(&store);
    typed(&mut q, "数据库");
    let t = draw(&q, 60, 15);
    let buf = t.backend().buffer();
    let y = row_of(buf, "數據庫備份");
    assert_eq!(highlighted_on_row(buf, y), "數據庫");

    let mut q = overlay(&store);
    typed(&mut q, "redis hc");
    let t = draw(&q, 60, 15);
    insta::assert_snapshot!("quick_open_redis_hc_60x15", t.backend());
    let buf = t.backend().buffer();
    let y = row_of(buf, "Redis 缓存穿透");
    assert_eq!(highlighted_on_row(buf, y), "Redis缓存");
}

#[test]
fn long_titles_are_cut_to_the_box_and_no_match_is_said() {
    let store = library();
    let mut q = overlay(&store);
    typed(&mut q, "kafka");
    let t = draw(&q, 60, 15);
    let buf = t.backend().buffer();
    assert_box(buf);
    let y = row_of(buf, "Kafka 消息积压");
    let line: String = (0..60).map(|x| buf[(x, y)].symbol()).collect();
    assert!(line.contains('⋯'), "{line}");
    typed(&mut q, "qqq");
    let t = draw(&q, 60, 15);
    row_of(t.backend().buffer(), "没有匹配的标题");
    row_of(t.backend().buffer(), "0 / 12");
}

#[test]
fn the_cursor_sits_after_the_input() {
    let store = library();
    let mut q = overlay(&store);
    typed(&mut q, "数据");
    let mut t = draw(&q, 120, 40);
    // The box is 100 wide, centred in 120: x 10; border 1, "› " 2, 数据 4 columns: 17.
    assert_eq!(t.get_cursor_position().unwrap().x, 17);
}

#[test]
fn loading_until_the_index_arrives() {
    let store = library();
    let mut q = QuickOpen::new(None);
    typed(&mut q, "yh");
    let t = draw(&q, 60, 15);
    row_of(t.backend().buffer(), "正在载入标题");
    q.set_index(Arc::new(Index::new(store.titles().unwrap())));
    let t = draw(&q, 60, 15);
    let buf = t.backend().buffer();
    let y = row_of(buf, "银行核心系统迁移实录");
    assert_eq!(highlighted_on_row(buf, y), "银行");
}
