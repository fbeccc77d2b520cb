//! Reading a technical article (issue 15): highlighted code drawn as a block, wide code and
//! tables scrolled sideways, numbered links followed by number or from the link list, `Y`
//! copying the code block in view, HTML bodies through the parser. TestBackend + insta.

mod common;

use common::{frame, key, text_of, typed};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use serde_json::json;
use zhiku::store::Store;
use zhiku::ui::App;
use zhiku::ui::app::Effect;

const BODY: &str = "部署前先看[官方文档](https://docs.example.com/k8s)和[本站旧文](/archives/42)，\
架构见下图。\n\n![集群架构](https://img.example.com/arch.png)\n\n\
```rust\nfn main() { let s = \"很长的一行代码, 比窗格宽得多, 需要左右滚动才能看完\"; println!(\"{s}\"); }\n```\n\n\
| 参数 | 默认值 | 说明 |\n|---|---|---|\n| replicas | 3 | 副本数 |\n| storage | 10Gi | 每个节点的存储 |\n\n\
最后一段使用Redis缓存。\n";

fn article_store() -> Store {
    common::store_of(&[
        json!({"id": "k8s-1", "title": "在 K8s 上部署", "body": BODY, "tags": ["Kubernetes"],
               "url": "https://blog.example.com/post/k8s-1/", "date": "2025-01-02"}),
        json!({"id": "html-1", "title": "HTML 导出的文章",
               "body": "<h2>小节</h2><p>正文&nbsp;&amp;说明</p><pre><code class=\"language-python\">print('你好')\n</code></pre><table><tr><th>键</th><th>值</th></tr><tr><td>a</td><td>1</td></tr></table><p><img src=\"/x.png\" alt=\"示意图\"></p>",
               "date": "2025-01-03"}),
    ])
}

/// Searches `word` and opens the first result in the reader.
fn open(a: &mut App, store: &Store, word: &str) {
    key(a, store, KeyCode::Char('/'));
    typed(a, store, word);
    key(a, store, KeyCode::Enter);
    key(a, store, KeyCode::Enter);
    assert!(a.article.is_some(), "an article is open");
}

/// Zooms the reader in or out with its key (`z`), from the pane that has the keyboard.
fn zoom(a: &mut App, store: &Store, on: bool) {
    if a.zoomed() != on {
        key(a, store, KeyCode::Char('z'));
    }
    assert_eq!(a.zoomed(), on);
}

/// The screen's text without spaces (a wide character's second cell reads as a space).
fn flat(buf: &ratatui::buffer::Buffer) -> String {
    text_of(buf).replace(' ', "")
}

fn opened(a: &mut App) -> Vec<String> {
    a.take_effects()
        .into_iter()
        .filter_map(|e| match e {
            Effect::OpenUrl(u) => Some(u),
            _ => None,
        })
        .collect()
}

#[test]
fn code_tables_and_links_in_the_reader() {
    let store = article_store();
    let mut a = common::app(&store);
    open(&mut a, &store, "部署");
    zoom(&mut a, &store, true);
    let buf = frame(&mut a, &store, 80, 24);
    insta::assert_snapshot!("reader_code_table_links_80x24", text_of(&buf));
    let shown = flat(&buf);
    assert!(
        shown.contains("官方文档[1]") && shown.contains("[图3:集群架构]"),
        "{shown}"
    );
    assert!(shown.contains("╎rust"), "{shown}");
    // The code line is highlighted: several true colours on it, from the code theme.
    let row = (0..buf.area.height)
        .find(|&y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_owned())
                .collect::<String>()
                .contains("fn main")
        })
        .expect("the code line is on screen");
    let colours: std::collections::HashSet<Color> = (0..buf.area.width)
        .map(|x| buf[(x, row)].fg)
        .filter(|c| matches!(c, Color::Rgb(..)))
        .collect();
    assert!(colours.len() >= 2, "{colours:?}");
    // Clipped at the edge with a mark; `>` brings the rest into view, prose stays; the
    // footer says so.
    assert!(shown.contains('›'), "{shown}");
    assert!(shown.contains("<>左右"), "{shown}");
    for _ in 0..4 {
        key(&mut a, &store, KeyCode::Char('>'));
    }
    let moved = flat(&frame(&mut a, &store, 80, 24));
    assert!(moved.contains("println!"), "{moved}");
    assert!(moved.contains("部署前先看官方文档[1]"), "{moved}");
    key(&mut a, &store, KeyCode::Char('<'));
    let shift = a.doc.as_ref().unwrap().shift;
    assert!(shift > 0);
    // The same article answered again (opened once more from the results) keeps its place.
    zoom(&mut a, &store, false);
    key(&mut a, &store, KeyCode::Char('h'));
    assert_eq!(a.focus, zhiku::ui::app::Focus::Results);
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.doc.as_ref().unwrap().shift, shift);
}

#[test]
fn links_are_followed_by_number_and_from_the_list() {
    let store = article_store();
    let mut a = common::app(&store);
    open(&mut a, &store, "部署");
    key(&mut a, &store, KeyCode::Char('f'));
    key(&mut a, &store, KeyCode::Char('1'));
    assert_eq!(opened(&mut a), ["https://docs.example.com/k8s"]);
    // A relative permalink resolves against the article's own address.
    key(&mut a, &store, KeyCode::Char('f'));
    key(&mut a, &store, KeyCode::Char('2'));
    assert_eq!(opened(&mut a), ["https://blog.example.com/archives/42"]);
    // A number that is not there: said, nothing opened.
    key(&mut a, &store, KeyCode::Char('f'));
    key(&mut a, &store, KeyCode::Char('9'));
    assert!(opened(&mut a).is_empty());
    assert!(a.status.as_ref().unwrap().0.contains("没有第 9 个链接"));
    // The list: every link and image with its URL; Enter opens the selected one.
    key(&mut a, &store, KeyCode::Char('L'));
    let shown = flat(&frame(&mut a, &store, 100, 30));
    assert!(
        shown.contains("[1]官方文档https://docs.example.com/k8s")
            && shown.contains("[图3]集群架构https://img.example.com/arch.png"),
        "{shown}"
    );
    key(&mut a, &store, KeyCode::Char('j'));
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(opened(&mut a), ["https://blog.example.com/archives/42"]);
    // Esc abandons a number.
    key(&mut a, &store, KeyCode::Char('f'));
    key(&mut a, &store, KeyCode::Esc);
    key(&mut a, &store, KeyCode::Char('1'));
    assert!(opened(&mut a).is_empty());
}

#[test]
fn y_copies_the_code_block_in_view() {
    let store = article_store();
    let mut a = common::app(&store);
    open(&mut a, &store, "部署");
    frame(&mut a, &store, 120, 40);
    key(&mut a, &store, KeyCode::Char('Y'));
    let copied: Vec<String> = a
        .effects
        .drain(..)
        .filter_map(|e| match e {
            Effect::Copy(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(copied.len(), 1);
    assert!(
        copied[0].starts_with("fn main()") && !copied[0].contains("部署前"),
        "{copied:?}"
    );
    assert!(a.status.as_ref().unwrap().0.contains("rust"));
}

#[test]
fn html_bodies_read_like_markdown() {
    let store = article_store();
    let mut a = common::app(&store);
    open(&mut a, &store, "HTML");
    zoom(&mut a, &store, true);
    let buf = frame(&mut a, &store, 80, 24);
    insta::assert_snapshot!("reader_html_body_80x24", text_of(&buf));
    let shown = flat(&buf);
    for expected in ["##小节", "正文&说明", "╎python", "│键│值│", "[图1:示意图]"]
    {
        assert!(shown.contains(expected), "{expected:?} in\n{shown}");
    }
    assert!(
        !shown.contains("<p>") && !shown.contains("&nbsp;"),
        "{shown}"
    );
}

#[test]
fn n_shows_where_you_are_and_marks_the_current_match() {
    let store = common::store_of(&[json!({"id": "m-1", "title": "故障复盘",
        "body": "第一次故障。\n\n中间的段落。\n\n第二次故障，第三次故障。\n\n结尾。"})]);
    let mut a = common::app(&store);
    open(&mut a, &store, "故障");
    key(&mut a, &store, KeyCode::Char('n'));
    key(&mut a, &store, KeyCode::Char('n'));
    let buf = frame(&mut a, &store, 100, 30);
    let shown = flat(&buf);
    assert!(shown.contains("匹配2/3"), "{shown}");
    // Two kinds of highlight on screen: the other matches, and the current one.
    let theme = zhiku::ui::theme::Theme::default();
    let bgs: std::collections::HashSet<Color> = buf
        .content()
        .iter()
        .filter(|c| c.symbol() == "故")
        .map(|c| c.bg)
        .collect();
    assert!(
        bgs.contains(&theme.current_match.bg.unwrap())
            && bgs.contains(&theme.highlight.bg.unwrap()),
        "{bgs:?}"
    );
    key(&mut a, &store, KeyCode::Char('n'));
    key(&mut a, &store, KeyCode::Char('n'));
    assert!(
        a.status.as_ref().unwrap().0.contains("回到第一处匹配"),
        "{:?}",
        a.status
    );
}

#[test]
fn each_article_reopens_where_it_was_left() {
    let long: String = (1..=80)
        .map(|i| format!("第 {i} 段，部署与回滚的细节。\n\n"))
        .collect();
    let store = common::store_of(&[
        json!({"id": "p-1", "title": "长文一 部署", "body": long, "date": "2025-01-02"}),
        json!({"id": "p-2", "title": "短文二 部署", "body": "很短。", "date": "2025-01-01"}),
    ]);
    let mut a = common::app(&store);
    open(&mut a, &store, "长文一");
    frame(&mut a, &store, 100, 30);
    for _ in 0..30 {
        key(&mut a, &store, KeyCode::Char('j'));
    }
    let left_at = a.scroll;
    assert!(left_at > 0);
    // Another article, then the first again: back at its place, and said so.
    open(&mut a, &store, "短文二");
    assert_eq!(a.scroll, 0);
    // Searching shows it in the reader (the preview of the first result): already at its
    // place (the status line says so until the next key); opening it keeps the place.
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, "长文一");
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.article.as_ref().unwrap().meta.ext_id, "p-1");
    assert_eq!(a.scroll, left_at);
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.scroll, left_at);
}

#[test]
fn the_outline_sits_beside_a_wide_reader_and_marks_the_section_being_read() {
    let mut body = String::new();
    for i in 1..=6 {
        body.push_str(&format!("## 第 {i} 节 部署要点\n\n"));
        for k in 0..8 {
            body.push_str(&format!("第 {i} 节的第 {k} 段说明文字。\n\n"));
        }
    }
    let store = common::store_of(&[json!({"id": "o-1", "title": "大纲测试 部署", "body": body})]);
    let mut a = common::app(&store);
    open(&mut a, &store, "大纲测试");
    zoom(&mut a, &store, true);
    frame(&mut a, &store, 120, 40);
    for _ in 0..40 {
        key(&mut a, &store, KeyCode::Char('j'));
    }
    key(&mut a, &store, KeyCode::Char('O'));
    let buf = frame(&mut a, &store, 120, 40);
    insta::assert_snapshot!("reader_outline_side_120x40", text_of(&buf));
    let panel = a.hit.outline_side.expect("a side panel at 120 columns");
    assert!(panel.x > 60 && panel.height > 30, "{panel:?}");
    // The text stays readable to its left, and the section being read is selected.
    let shown = flat(&buf);
    assert!(
        shown.contains("大纲(Enter跳转,Esc关闭)") && shown.contains("段说明文字"),
        "{shown}"
    );
    let selected_row = (panel.y..panel.y + panel.height)
        .find(|&y| {
            let sel = zhiku::ui::theme::Theme::default().selected.bg.unwrap();
            (panel.x + 1..panel.x + panel.width - 1).any(|x| buf[(x, y)].bg == sel)
        })
        .expect("a selected row");
    let label: String = (panel.x..panel.x + panel.width)
        .map(|x| buf[(x, selected_row)].symbol().to_owned())
        .collect::<String>()
        .replace(' ', "");
    assert!(
        label.contains("第3节") || label.contains("第4节"),
        "{label}"
    );
    // Enter jumps and closes; narrow, the outline is an overlay again.
    key(&mut a, &store, KeyCode::Enter);
    assert!(matches!(a.overlay, zhiku::ui::overlays::Overlay::None));
    zoom(&mut a, &store, false);
    key(&mut a, &store, KeyCode::Char('O'));
    frame(&mut a, &store, 80, 24);
    assert!(a.hit.outline_side.is_none());
}

#[test]
fn the_linux_tip_is_shortened_to_fit_and_t_always_shows_it() {
    let store = article_store();
    let mut a = common::app(&store);
    a.set_tips(
        vec![(
            "du -sh * | sort -h",
            "删除当前目录下七天前的日志文件，清理磁盘空间时常用，执行前先去掉 -delete 看看会删哪些",
        )],
        0,
    );
    // At 120 columns the whole tip does not fit (it used to vanish): the command is shown
    // whole, its text cut.
    let shown = text_of(&frame(&mut a, &store, 120, 40));
    let footer = shown.lines().last().unwrap().to_owned();
    assert!(footer.contains("du -sh * | sort -h"), "{footer}");
    assert!(footer.contains('⋯'), "{footer}");
    // T says it whole on the status line, whatever the width (at 80 columns the footer has
    // no room for the command).
    key(&mut a, &store, KeyCode::Char('T'));
    assert!(
        a.status
            .as_ref()
            .is_some_and(|s| s.0.contains("看看会删哪些")),
        "{:?}",
        a.status
    );
}
