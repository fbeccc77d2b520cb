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

// ---------------------------------------------------------------------------------------------
// Every title is sanitised (issue 11 item 6, BAD_INPUTS A1, A4, A6, A7, B12)

/// The controls a hostile record carries: bidi, zero-width, soft hyphen, ESC and OSC, C1, and
/// 300 combining marks on one character.
fn nasty(word: &str) -> String {
    format!(
        "样本{word}\u{202e}反转\u{2066}隔离\u{2069}零\u{200b}宽\u{2060}\u{feff}软\u{ad}连\u{200e}\u{61c}\
         \u{1b}]0;PWNED\u{7}\u{1b}[2J\u{9b}31m\u{9d}0;x\u{9c}a{}",
        "\u{301}".repeat(300)
    )
}

fn hostile_store() -> zhiku::store::Store {
    use zhiku::import::{Options, Source, import};
    let mut text = String::new();
    for word in ["alpha", "bravo", "charlie"] {
        let rec = serde_json::json!({
            "id": format!("h-{word}"),
            "title": nasty(word),
            "author": nasty("作者"),
            "category": nasty("分类"),
            "tags": ["Redis", nasty("标签")],
            "published": "2024-03-05",
            "url": "https://example.com/a\nrm -rf ~/important #\u{1b}]0;PWN\u{7}",
            "body": format!("# {}\n\nRedis 缓存 {}\n\n## 小节\n\n正文 Redis。\n", nasty("标题"), nasty("正文")),
        });
        text.push_str(&rec.to_string());
        text.push('\n');
    }
    let mut s = zhiku::store::Store::open_in_memory().unwrap();
    let src = Source::Memory {
        name: "h.jsonl".into(),
        data: Box::leak(text.into_boxed_str()).as_bytes(),
    };
    let r = import(&mut s, vec![src], Options::default()).unwrap();
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    s
}

/// No cell holds a control, bidi, zero-width or soft-hyphen character or more than the
/// sanitiser's combining marks.
fn assert_clean(buf: &ratatui::buffer::Buffer, what: &str) {
    use zhiku::text::sanitize::{MAX_MARKS, is_bidi, is_width_changing, is_zero_width};
    for (i, cell) in buf.content().iter().enumerate() {
        let sym = cell.symbol();
        let at = (i as u16 % buf.area.width, i as u16 / buf.area.width);
        for c in sym.chars() {
            assert!(
                !c.is_control()
                    && !is_bidi(c)
                    && !is_zero_width(c)
                    && !is_width_changing(c)
                    && c != '\u{ad}',
                "{what}: {c:?} drawn at {at:?}\n{}",
                text_of(buf)
            );
        }
        let marks = sym
            .chars()
            .filter(|&c| unicode_normalization::char::is_combining_mark(c))
            .count();
        assert!(marks <= MAX_MARKS, "{what}: {marks} marks at {at:?}");
    }
    assert!(!text_of(buf).contains("PWN"), "{what}\n{}", text_of(buf));
}

#[test]
fn every_pane_and_overlay_title_is_sanitised() {
    let store = hostile_store();
    let sizes = [(60, 15), (80, 24), (120, 40)];
    let check = |a: &mut zhiku::ui::App, what: &str| {
        for (w, h) in sizes {
            assert_clean(&frame(a, &store, w, h), &format!("{what} at {w}x{h}"));
        }
    };
    let mut a = app(&store);
    check(&mut a, "start");
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, "样本");
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.results.total, 3);
    check(&mut a, "results");
    key(&mut a, &store, KeyCode::Enter);
    assert!(a.article.is_some());
    check(&mut a, "reader");
    // 推荐内容: the list pane's title carries the article's title.
    key(&mut a, &store, KeyCode::Char('m'));
    let shown = text_of(&frame(&mut a, &store, 120, 40)).replace(' ', "");
    assert!(shown.contains("推荐内容⋅样本"), "{shown}");
    check(&mut a, "related");
    key(&mut a, &store, KeyCode::Enter);
    key(&mut a, &store, KeyCode::Char('b'));
    check(&mut a, "bookmarked");
    key(&mut a, &store, KeyCode::Char('B'));
    check(&mut a, "bookmarks");
    key(&mut a, &store, KeyCode::Char('H'));
    check(&mut a, "history");
    key(&mut a, &store, KeyCode::Enter);
    key(&mut a, &store, KeyCode::Char('O'));
    assert!(matches!(a.overlay, zhiku::ui::overlays::Overlay::Picker(_)));
    check(&mut a, "outline");
    key(&mut a, &store, KeyCode::Esc);
    // Scoped to the hostile tag: the search box, the archive picker and the month list show
    // the scope's name.
    key(&mut a, &store, KeyCode::Char('t'));
    typed(&mut a, &store, "样本标签");
    check(&mut a, "tag palette");
    key(&mut a, &store, KeyCode::Enter);
    assert_ne!(a.scope, zhiku::search::Scope::All);
    check(&mut a, "scoped");
    key(&mut a, &store, KeyCode::Char('a'));
    assert!(matches!(a.overlay, zhiku::ui::overlays::Overlay::Picker(_)));
    check(&mut a, "archive");
    key(&mut a, &store, KeyCode::Enter);
    check(&mut a, "month list");
    key(&mut a, &store, KeyCode::Enter);
    key(&mut a, &store, KeyCode::Char('y'));
    check(&mut a, "copy status");
    key(&mut a, &store, KeyCode::Char('o'));
    check(&mut a, "open status");
    key(&mut a, &store, KeyCode::Char('?'));
    check(&mut a, "help");
}

// ---------------------------------------------------------------------------------------------
// A result row leads with the title (issue 14 item 4)

#[test]
fn result_rows_lead_with_the_title_however_many_tags() {
    use serde_json::json;
    let long = "分布式系统中一致性协议的工程实践与故障恢复策略详解从理论推导到线上排障的完整记录与复盘总结报告";
    let title60: String = format!("{long}{long}").chars().take(60).collect();
    assert_eq!(title60.chars().count(), 60);
    let store = common::store_of(&[
        json!({"id": "t8", "title": "八个标签 OpenClaw 智能体的架构解析", "published": "2025-03-01",
               "author": "作者甲", "views": 10, "body": "正文 八个标签的文章。",
               "tags": ["OpenClaw", "AI架构", "智能体", "技术解析", "Kubernetes", "Redis", "Kafka", "MySQL"]}),
        json!({"id": "t5", "title": "五个标签 Redis 缓存与消息队列实战", "published": "2025-02-01",
               "author": "作者乙", "views": 20, "body": "正文 五个标签的文章。",
               "tags": ["Redis", "Kafka", "AI架构", "智能体", "技术解析"]}),
        json!({"id": "t60", "title": title60, "published": "2025-01-01", "author": "作者丙",
               "views": 30, "body": "正文 一篇标题很长的文章。", "tags": ["ZooKeeper", "分布式", "OpenClaw", "AI架构", "智能体"]}),
        json!({"id": "inf", "title": "Redis 持久化 RDB 与 AOF 的取舍", "published": "2024-12-01",
               "author": "作者丁", "views": 40, "body": "Redis 的 RDB 与 AOF。Redis 持久化。"}),
    ]);
    for (w, h) in [(120, 40), (80, 24), (60, 15)] {
        let mut a = app(&store);
        let t = terminal(&mut a, &store, w, h);
        snap(&format!("rows_title_first_{w}x{h}"), &t);
        let text = text_of(t.backend().buffer());
        // Every title's first 20 columns are on screen, whatever its tags.
        for hit in &a.results.hits {
            let head = zhiku::text::truncate_to_width(&hit.meta.title, 20);
            let head: String = head.chars().filter(|c| *c != ' ').collect();
            let shown = text.replace(' ', "");
            let pane_end = a.hit.results.bottom().saturating_sub(1);
            let on_screen = a
                .hit
                .result_items
                .iter()
                .any(|r| r.0 < pane_end && a.results.hits[r.2].meta.id == hit.meta.id);
            if on_screen {
                assert!(shown.contains(&head), "{w}x{h}: {head}\n{text}");
            }
        }
    }
}

#[test]
fn tree_counts_are_never_cut() {
    let store = sample_store();
    for (w, h) in [(60, 15), (100, 30), (120, 40)] {
        let mut a = app(&store);
        // Unfold the longest category names' tags too.
        key(&mut a, &store, KeyCode::Tab);
        key(&mut a, &store, KeyCode::Tab);
        for _ in 0..5 {
            key(&mut a, &store, KeyCode::Char('j'));
        }
        key(&mut a, &store, KeyCode::Char(' '));
        let buf = frame(&mut a, &store, w, h);
        let tree = a.tree().area();
        let rows: Vec<String> = (tree.y + 1..tree.bottom() - 1)
            .map(|y| {
                (tree.x + 1..tree.right() - 1)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
            })
            .filter(|r| !r.trim().is_empty())
            .collect();
        assert!(rows.len() >= 5, "{w}x{h}");
        for row in &rows {
            let row = row.trim_end();
            let open = row
                .rfind(" (")
                .unwrap_or_else(|| panic!("{w}x{h}: {row:?}"));
            let count = &row[open + 2..];
            assert!(
                count.ends_with(')')
                    && count[..count.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == ','),
                "{w}x{h}: count cut in {row:?}"
            );
        }
    }
}

#[test]
fn lists_refit_their_excerpts_on_resize_without_asking_again() {
    let store = sample_store();
    let mut a = app(&store);
    // Two bookmarks, then the bookmark list: fetched once, at no particular width.
    key(&mut a, &store, KeyCode::Char('b'));
    key(&mut a, &store, KeyCode::Char('j'));
    key(&mut a, &store, KeyCode::Char('b'));
    key(&mut a, &store, KeyCode::Char('B'));
    assert_eq!(a.results.hits.len(), 2);
    let mut seen = Vec::new();
    for (w, h) in [(120, 40), (80, 24), (60, 15), (120, 40)] {
        // `frame` fails when drawing queues work (a query for the new width).
        let buf = frame(&mut a, &store, w, h);
        let pane = a.hit.results;
        let inner = (pane.width - 2) as usize;
        let hit = &a.results.hits[0];
        let (want, _) = zhiku::present::fit_excerpt(&hit.excerpt, &hit.excerpt_matches, inner);
        let row: String = (pane.x + 1..pane.right() - 1)
            .map(|x| buf[(x, pane.y + 2)].symbol())
            .collect();
        let flat = |s: &str| s.replace(' ', "");
        assert_eq!(flat(&row), flat(&want), "{w}x{h}");
        assert!(zhiku::text::str_width(&want) <= inner, "{w}x{h}");
        seen.push(flat(&row));
    }
    assert_ne!(seen[0], seen[2], "the narrow pane shows a shorter excerpt");
    assert_eq!(seen[0], seen[3], "and the wide one again after");
}
