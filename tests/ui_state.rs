//! Keys, mouse and worker replies against the reader's state, without a terminal.

mod common;

use common::{app, ctrl, key, pump, sample_store, terminal, typed};
use ratatui::crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use zhiku::search::Scope;
use zhiku::ui::app::Focus;
use zhiku::ui::app::Outgoing;
use zhiku::ui::overlays::Overlay;
use zhiku::ui::worker::{Job, Reply};

#[test]
fn esc_after_a_fresh_edit_restores_the_previous_results() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, "Kafka");
    key(&mut a, &store, KeyCode::Enter);
    let kafka_total = a.results.total;
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, " 积压");
    assert_ne!(a.results.total, kafka_total);
    key(&mut a, &store, KeyCode::Esc);
    assert_eq!(a.query(), "Kafka");
    assert_eq!(a.results.total, kafka_total);
    assert_eq!(a.focus, Focus::Results);
}

#[test]
fn tab_h_l_move_between_panes_and_z_zooms() {
    let store = sample_store();
    let mut a = app(&store);
    assert_eq!(a.focus, Focus::Results);
    key(&mut a, &store, KeyCode::Tab);
    assert_eq!(a.focus, Focus::Reader);
    key(&mut a, &store, KeyCode::Tab);
    assert_eq!(a.focus, Focus::Tree);
    key(&mut a, &store, KeyCode::BackTab);
    assert_eq!(a.focus, Focus::Reader);
    key(&mut a, &store, KeyCode::Char('h'));
    assert_eq!(a.focus, Focus::Results);
    key(&mut a, &store, KeyCode::Char('l'));
    assert_eq!(a.focus, Focus::Reader);
    key(&mut a, &store, KeyCode::Char('z'));
    assert!(a.zoom);
    key(&mut a, &store, KeyCode::Esc);
    assert!(!a.zoom);
}

#[test]
fn the_tree_folds_and_scopes() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Tab);
    key(&mut a, &store, KeyCode::Tab);
    assert_eq!(a.focus, Focus::Tree);
    key(&mut a, &store, KeyCode::Char('j'));
    key(&mut a, &store, KeyCode::Char(' '));
    assert!(a.tree().is_expanded(0), "前端技术 unfolded");
    let rows = a.tree().rows().len();
    key(&mut a, &store, KeyCode::Char(' '));
    assert!(a.tree().rows().len() < rows);
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.scope, Scope::Category("前端技术".into()));
    assert!(a.results.hits.iter().all(|h| {
        h.meta.category == "前端技术"
            || h.meta
                .tags
                .iter()
                .any(|t| ["HTML", "CSS", "Javascript"].contains(&t.as_str()))
    }));
    key(&mut a, &store, KeyCode::Esc);
    assert_eq!(a.scope, Scope::All);
}

#[test]
fn brackets_select_tags_and_enter_searches_the_tag() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Enter);
    let tags = a.article.as_ref().unwrap().meta.tags.clone();
    assert!(!tags.is_empty());
    key(&mut a, &store, KeyCode::Char(']'));
    assert_eq!(a.tag_sel, Some(0));
    key(&mut a, &store, KeyCode::Char('['));
    assert_eq!(a.tag_sel, Some(tags.len() - 1));
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.scope, Scope::Tag(tags[tags.len() - 1].clone()));
    assert!(
        a.results
            .hits
            .iter()
            .all(|h| h.meta.tags.contains(&tags[tags.len() - 1]))
    );
}

#[test]
fn n_and_shift_n_jump_between_matches_in_the_article() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, "ZooKeeper");
    key(&mut a, &store, KeyCode::Enter);
    key(&mut a, &store, KeyCode::Enter);
    // A frame lays the article out for the reader pane: zoomed, 60x20.
    key(&mut a, &store, KeyCode::Char('z'));
    common::frame(&mut a, &store, 60, 20);
    let lines = a.doc.as_ref().unwrap().match_lines.clone();
    assert!(lines.len() >= 3);
    let said = |a: &zhiku::ui::App| a.status.clone().map(|s| s.0).unwrap_or_default();
    key(&mut a, &store, KeyCode::Char('n'));
    let first = a.scroll;
    assert!(said(&a).starts_with("匹配 1/"), "{}", said(&a));
    key(&mut a, &store, KeyCode::Char('n'));
    assert!(said(&a).starts_with("匹配 2/"), "{}", said(&a));
    assert!(a.scroll >= first);
    // Press on until the view moves to a later line.
    for _ in 0..lines.len() {
        if a.scroll > first {
            break;
        }
        key(&mut a, &store, KeyCode::Char('n'));
    }
    assert!(a.scroll > first);
    // N steps back one match, and the view back up.
    let nth = |a: &zhiku::ui::App| -> usize {
        let s = said(a);
        s["匹配 ".len()..s.find('/').unwrap()].parse().unwrap()
    };
    let (k, at) = (nth(&a), a.scroll);
    key(&mut a, &store, KeyCode::Char('N'));
    assert_eq!(nth(&a), k - 1);
    assert!(a.scroll <= at);
    while nth(&a) > 1 {
        key(&mut a, &store, KeyCode::Char('N'));
    }
    assert_eq!(a.scroll, first);
}

#[test]
fn reader_scrolls_with_paging_keys_and_never_past_the_end() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Enter);
    // The reader's page is what the last frame showed of it: 60x20, zoomed.
    key(&mut a, &store, KeyCode::Char('z'));
    common::frame(&mut a, &store, 60, 20);
    let rows = a.reader_rows();
    assert!(rows >= 6, "{rows}");
    assert!(a.doc.as_ref().unwrap().visual.len() > 3 * rows);
    ctrl(&mut a, &store, 'd');
    assert_eq!(a.scroll, rows / 2);
    key(&mut a, &store, KeyCode::PageDown);
    assert_eq!(a.scroll, rows / 2 + rows - 1);
    key(&mut a, &store, KeyCode::Char('G'));
    let end = a.doc.as_ref().unwrap().visual.len() - rows;
    assert_eq!(a.scroll, end);
    key(&mut a, &store, KeyCode::Char('j'));
    assert_eq!(a.scroll, end);
    key(&mut a, &store, KeyCode::Char('g'));
    assert_eq!(a.scroll, 0);
}

#[test]
fn the_help_overlay_and_tag_palette_open_and_close() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('?'));
    assert!(matches!(&a.overlay, Overlay::Help(h) if h.offset() == 0));
    key(&mut a, &store, KeyCode::Char('x'));
    assert!(matches!(a.overlay, Overlay::None));
    key(&mut a, &store, KeyCode::Char('t'));
    typed(&mut a, &store, "redis");
    let Overlay::Palette(p) = &a.overlay else {
        panic!("palette")
    };
    assert_eq!(p.shown().first(), Some(&"Redis"));
    key(&mut a, &store, KeyCode::Esc);
    assert!(matches!(a.overlay, Overlay::None));
}

#[test]
fn stale_results_never_overwrite_fresh_ones() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('/'));
    a.on_key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('库'),
        KeyModifiers::NONE,
    ));
    let stale = a.take_outbox();
    typed(&mut a, &store, "存");
    let fresh_total = a.results.total;
    for o in stale {
        if let zhiku::ui::app::Outgoing::Search(t, req) = o {
            a.on_reply(zhiku::ui::worker::serve_search(&store, t, &req));
        }
    }
    assert_eq!(a.results.total, fresh_total, "the reply to 库 was dropped");
    a.on_reply(Reply::Results {
        ticket: 999,
        res: Err("late".into()),
    });
    assert!(a.status.is_none());
}

#[test]
fn paste_goes_to_the_search_box_as_one_clean_line() {
    let store = sample_store();
    let mut a = app(&store);
    a.on_paste("故障\n恢复\u{1b}[2J");
    pump(&mut a, &store);
    assert_eq!(a.focus, Focus::Search);
    assert_eq!(a.query(), "故障 恢复");
}

#[test]
fn the_mouse_scrolls_selects_and_clicks_tags() {
    let store = sample_store();
    let mut a = app(&store);
    terminal(&mut a, &store, 120, 40);
    let m = |kind, column, row| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    let reader: Rect = a.hit.reader;
    a.on_mouse(m(MouseEventKind::ScrollDown, reader.x + 5, reader.y + 10));
    assert_eq!(a.scroll, 3);
    let (_, _, second) = a.hit.result_items[1];
    let row = a.hit.result_items[1].0;
    a.on_mouse(m(
        MouseEventKind::Down(MouseButton::Left),
        a.hit.results.x + 30,
        row + 1,
    ));
    pump(&mut a, &store);
    assert_eq!(a.res_sel, second);
    assert_eq!(
        a.article.as_ref().unwrap().meta.id,
        a.results.hits[second].meta.id
    );
    let (chip, tag) = a.hit.chips[0].clone();
    a.on_mouse(m(MouseEventKind::Down(MouseButton::Left), chip.x, chip.y));
    pump(&mut a, &store);
    assert_eq!(a.scope, Scope::Tag(tag));
}

#[test]
fn quit_keys() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('q'));
    assert!(a.quit);
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, "q");
    assert!(!a.quit, "q is text in the search box");
    ctrl(&mut a, &store, 'c');
    assert!(a.quit);
}

#[test]
fn s_cycles_the_sort_order() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('s'));
    assert_eq!(a.sort, zhiku::search::Sort::Newest);
    let dates: Vec<String> = a
        .results
        .hits
        .iter()
        .filter_map(|h| h.meta.published.clone())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    key(&mut a, &store, KeyCode::Char('s'));
    assert_eq!(a.sort, zhiku::search::Sort::MostViewed);
    assert!(
        a.results
            .hits
            .windows(2)
            .all(|w| w[0].meta.views >= w[1].meta.views)
    );
    key(&mut a, &store, KeyCode::Char('s'));
    key(&mut a, &store, KeyCode::Char('s'));
    assert_eq!(a.sort, zhiku::search::Sort::Relevance);
}

#[test]
fn bookmarks_history_random_and_outline() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Enter);
    let id = a.article.as_ref().unwrap().meta.id;
    key(&mut a, &store, KeyCode::Char('b'));
    assert!(a.article.as_ref().unwrap().meta.bookmarked);
    key(&mut a, &store, KeyCode::Char('B'));
    assert_eq!(a.view, zhiku::ui::panes::results::View::Bookmarks);
    assert_eq!(
        a.results.hits.iter().map(|h| h.meta.id).collect::<Vec<_>>(),
        [id]
    );
    key(&mut a, &store, KeyCode::Char('H'));
    assert_eq!(
        a.results.hits[0].meta.id, id,
        "the article just read leads the history"
    );
    key(&mut a, &store, KeyCode::Esc);
    assert_eq!(a.view, zhiku::ui::panes::results::View::Search);
    key(&mut a, &store, KeyCode::Char('r'));
    assert!(a.article.is_some());
    assert_eq!(a.focus, Focus::Reader);
    key(&mut a, &store, KeyCode::Char('p'));
    assert_eq!(a.results.hits.len(), 10);
    common::frame(&mut a, &store, 80, 24);
    key(&mut a, &store, KeyCode::Char('O'));
    let Overlay::Picker(p) = a.overlay.clone() else {
        panic!("O opens the outline picker, got {:?}", a.overlay);
    };
    key(&mut a, &store, KeyCode::Char('j'));
    let target = match &p.rows()[1.min(p.rows().len() - 1)].1 {
        zhiku::ui::overlays::Target::Line(l) => *l,
        _ => panic!("outline rows lead to lines"),
    };
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.scroll, target);
}

#[test]
fn copy_and_open_are_effects_with_a_message() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Enter);
    key(&mut a, &store, KeyCode::Char('Y'));
    assert!(
        matches!(&a.effects[..], [zhiku::ui::app::Effect::Copy(md)] if md.starts_with("---\nid: "))
    );
    assert!(a.status.as_ref().unwrap().0.contains("已复制"));
    a.take_effects();
    key(&mut a, &store, KeyCode::Char('o'));
    // The sample articles have no URL: say so, open nothing.
    assert!(a.effects.is_empty());
    assert!(a.status.as_ref().unwrap().0.contains("没有原文链接"));
}

#[test]
fn ctrl_u_clears_the_query_to_its_start() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, "数据备份");
    ctrl(&mut a, &store, 'u');
    assert_eq!(a.query(), "");
    assert_eq!(a.focus, Focus::Search);
}

#[test]
fn the_article_restored_at_start_is_not_replaced_by_the_first_results() {
    let store = sample_store();
    let netty = zhiku::search::search(
        store.conn(),
        &zhiku::search::Request::new("Netty 堆外内存泄漏排查"),
    )
    .unwrap()
    .hits[0]
        .meta
        .clone();
    // As at start: the first search is queued before the restore, and its results come back
    // first (they used to open a preview of their first hit over the restored article).
    let mut a = zhiku::ui::App::new();
    a.restore(&netty.ext_id, 3);
    pump(&mut a, &store);
    assert_ne!(a.results.hits[0].meta.id, netty.id);
    assert_eq!(a.article.as_ref().map(|x| x.meta.id), Some(netty.id));
    assert_eq!(a.scroll, 3);
    // The restored article is the selected row (issue 13 item 7: it was row 0, another
    // article), so the next row previews the article after it.
    let at = a
        .results
        .hits
        .iter()
        .position(|h| h.meta.id == netty.id)
        .expect("the restored article is in the first page of 全部");
    assert_eq!(a.res_sel, at);
    key(&mut a, &store, KeyCode::Char('j'));
    assert_eq!(
        a.article.as_ref().map(|x| x.meta.id),
        a.results.hits.get(at + 1).map(|h| h.meta.id)
    );

    // The restored article arrives first, and the results twice (the first frame asks again
    // for its own excerpt width): it stays until the next question.
    let mut a = zhiku::ui::App::new();
    a.restore(&netty.ext_id, 0);
    let mut out = a.take_outbox();
    let i = out
        .iter()
        .position(|o| matches!(o, Outgoing::Job(Job::OpenExt { .. })))
        .unwrap();
    let job = out.remove(i);
    out.insert(0, job);
    common::deliver(&mut a, &store, out);
    pump(&mut a, &store);
    assert_eq!(a.article.as_ref().map(|x| x.meta.id), Some(netty.id));
    // The same question answered again (another process changed the store).
    a.on_reply(Reply::StoreChanged);
    pump(&mut a, &store);
    assert_eq!(a.article.as_ref().map(|x| x.meta.id), Some(netty.id));
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, "Redis");
    assert_eq!(
        a.article.as_ref().map(|x| x.meta.id),
        Some(a.results.hits[0].meta.id)
    );

    // A restored article that no longer exists leaves the reader to the first result.
    let mut a = zhiku::ui::App::new();
    a.restore("no-such-article", 0);
    pump(&mut a, &store);
    assert_eq!(
        a.article.as_ref().map(|x| x.meta.id),
        Some(a.results.hits[0].meta.id)
    );
}

#[test]
fn a_new_query_starts_at_its_best_hit_even_if_the_previewed_article_matches() {
    let store = sample_store();
    let mut a = app(&store);
    let previewed = a.results.hits[0].meta.id;
    assert_eq!(a.article.as_ref().map(|x| x.meta.id), Some(previewed));
    // Typed faster than the searches come back: only the last one's results arrive.
    key(&mut a, &store, KeyCode::Char('/'));
    for c in "Netty 堆外内存".chars() {
        a.on_key(ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        ));
    }
    pump(&mut a, &store);
    assert!(a.results.hits.iter().any(|h| h.meta.id == previewed));
    assert_eq!(a.res_sel, 0);
    assert!(a.results.hits[0].meta.title.starts_with("Netty 堆外内存"));
    assert_eq!(
        a.article.as_ref().map(|x| x.meta.id),
        Some(a.results.hits[0].meta.id)
    );
    // The same question answered again keeps the selection.
    key(&mut a, &store, KeyCode::Enter);
    key(&mut a, &store, KeyCode::Char('j'));
    let chosen = a.results.hits[1].meta.id;
    a.requery(false);
    pump(&mut a, &store);
    assert_eq!(a.results.hits[a.res_sel].meta.id, chosen);
}

#[test]
fn y_copies_only_a_plain_web_url_and_says_why_not() {
    use zhiku::ui::app::Effect;
    let evil = "https://example.com/a\nrm -rf ~/important #\u{1b}]0;PWN\u{7}";
    let store = common::store_of(&[
        serde_json::json!({"id": "u1", "title": "链接一 evil", "body": "正文", "url": evil}),
        serde_json::json!({"id": "u2", "title": "链接二 good", "body": "正文",
                           "url": "https://example.com/数据库?q=1"}),
        serde_json::json!({"id": "u3", "title": "链接三 script", "body": "正文",
                           "url": "javascript:alert(1)"}),
    ]);
    let open = |a: &mut zhiku::ui::App, word: &str| {
        key(a, &store, KeyCode::Char('/'));
        for _ in 0..a.query().chars().count() {
            key(a, &store, KeyCode::Backspace);
        }
        typed(a, &store, word);
        key(a, &store, KeyCode::Enter);
        key(a, &store, KeyCode::Enter);
        assert!(a.article.as_ref().unwrap().meta.title.contains(word));
        a.take_effects();
    };
    let mut a = app(&store);
    open(&mut a, "evil");
    for k in ['y', 'o'] {
        key(&mut a, &store, KeyCode::Char(k));
        assert!(a.effects.is_empty(), "{k}: {:?}", a.effects);
        let (msg, error) = a.status.clone().unwrap();
        assert!(error && msg.contains("控制字符"), "{k}: {msg}");
    }
    assert!(a.status.clone().unwrap().0.contains("没有打开"));
    open(&mut a, "script");
    key(&mut a, &store, KeyCode::Char('y'));
    assert!(a.effects.is_empty());
    assert!(a.status.clone().unwrap().0.contains("没有复制"));
    open(&mut a, "good");
    key(&mut a, &store, KeyCode::Char('y'));
    assert_eq!(
        a.effects,
        vec![Effect::Copy(
            "https://example.com/%E6%95%B0%E6%8D%AE%E5%BA%93?q=1".into()
        )]
    );
    assert!(a.status.clone().unwrap().0.contains("已复制"));
}

#[test]
fn another_process_changing_the_store_refreshes_tree_and_results() {
    use std::sync::mpsc::channel;
    use zhiku::import::{Options, Source, import};
    use zhiku::store::{Access, Store};
    use zhiku::ui::worker::Workers;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    let add = |id: &str| {
        let mut s = Store::open(&path, Access::Write).unwrap();
        let rec =
            serde_json::json!({"id": id, "title": format!("新文章 {id}"), "body": "正文 Redis"});
        let src = Source::Memory {
            name: "n.jsonl".into(),
            data: Box::leak(format!("{rec}\n").into_boxed_str()).as_bytes(),
        };
        import(&mut s, vec![src], Options::default()).unwrap();
    };
    add("n1");
    // The data worker notices a commit by another connection on an idle tick.
    let (tx, rx) = channel::<Reply>();
    let workers = Workers::start(path.clone(), tx, |r| r);
    workers.job(Job::Tree);
    assert!(matches!(rx.recv().unwrap(), Reply::Tree(Ok(t)) if t.total == 1));
    add("n2");
    // A generous bound so a missing notice fails instead of hanging (not a speed check).
    let changed = std::iter::from_fn(|| rx.recv_timeout(std::time::Duration::from_secs(60)).ok())
        .any(|r| matches!(r, Reply::StoreChanged));
    assert!(
        changed,
        "no StoreChanged after another connection committed"
    );
    workers.shutdown(std::time::Duration::from_secs(5));
    // The app asks for fresh counts and the same question again, and keeps its selection.
    let store = Store::open(&path, Access::Read).unwrap();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('j'));
    let selected = a.results.hits[a.res_sel].meta.id;
    add("n3");
    a.on_reply(Reply::StoreChanged);
    let out = a.take_outbox();
    assert!(out.iter().any(|o| matches!(o, Outgoing::Job(Job::Tree))));
    assert!(out.iter().any(|o| matches!(o, Outgoing::Search(..))));
    common::deliver(&mut a, &store, out);
    pump(&mut a, &store);
    assert_eq!(a.tree().tree().total, 3);
    assert_eq!(a.results.total, 3);
    assert_eq!(a.results.hits[a.res_sel].meta.id, selected);
}

#[test]
fn r_fetches_feeds_in_the_background_and_shows_progress_and_new_articles() {
    use common::web::{Server, read_fixture};
    use zhiku::store::{Access, Store};
    use zhiku::web::net::{Client, NetConfig, ProxyEnv};
    let srv = Server::start();
    let rss = String::from_utf8(read_fixture("rss2-cdata.xml"))
        .unwrap()
        .replace("http://HOST", &srv.url(""));
    srv.page("/rss.xml", "application/rss+xml", rss);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    {
        let s = Store::open(&path, Access::Write).unwrap();
        s.add_feed(&srv.url("/rss.xml"), None, None, &[], false)
            .unwrap();
    }
    let store = Store::open(&path, Access::Read).unwrap();
    let mut a = app(&store);
    assert_eq!(a.tree().tree().total, 0);
    // R asks the feed worker, says so, and does not block: the app goes on answering keys.
    key(&mut a, &store, KeyCode::Char('R'));
    assert!(a.fetching);
    assert!(a.status.clone().unwrap().0.contains("正在更新订阅源"));
    key(&mut a, &store, KeyCode::Char('R'));
    assert!(a.status.clone().unwrap().0.contains("请稍候"));
    // What the feed worker does, with a client that never uses a proxy (loopback server).
    let client = Client::with_proxies(NetConfig::default(), ProxyEnv::default());
    let mut replies = Vec::new();
    zhiku::ui::worker::fetch_feeds(&path, &client, &mut |r| replies.push(r));
    assert!(matches!(
        replies.first(),
        Some(Reply::FetchProgress {
            done: 0,
            total: 1,
            new: 0
        })
    ));
    let Some(Reply::Fetched(Ok((new, _, 0)))) = replies.last() else {
        panic!("{replies:?}")
    };
    let new = *new;
    assert!(new > 0);
    for r in replies {
        a.on_reply(r);
        if a.fetching {
            assert!(a.status.clone().unwrap().0.contains("/1"));
        }
    }
    assert!(!a.fetching);
    let msg = a.status.clone().unwrap().0;
    assert!(msg.contains(&format!("新文章 {new}")), "{msg}");
    pump(&mut a, &store);
    assert_eq!(a.tree().tree().total, new as i64);
    assert_eq!(a.results.total, new);
    // The 未读 node lists the new articles; reading one takes it off.
    assert_eq!(a.tree().unread(), new);
    let text = common::text_of(&common::frame(&mut a, &store, 120, 40)).replace(' ', "");
    assert!(text.contains(&format!("未读({new})")), "{text}");
    key(&mut a, &store, KeyCode::Tab);
    key(&mut a, &store, KeyCode::Tab);
    assert_eq!(a.focus, Focus::Tree);
    key(&mut a, &store, KeyCode::Char('g'));
    key(&mut a, &store, KeyCode::Char('j'));
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.view, zhiku::ui::panes::results::View::Unread);
    assert_eq!(a.results.total, new);
    assert_eq!(a.focus, Focus::Results);
    // An article from the web shows its source link, and o opens it.
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.tree().unread(), new - 1);
    let url = a.article.as_ref().unwrap().url.clone().unwrap();
    let text = common::text_of(&common::frame(&mut a, &store, 120, 40)).replace(' ', "");
    assert!(text.contains("原文:"), "{text}");
    a.take_effects();
    key(&mut a, &store, KeyCode::Char('o'));
    assert_eq!(a.effects, vec![zhiku::ui::app::Effect::OpenUrl(url)]);
}

#[test]
fn a_status_message_gives_way_to_the_hints_at_the_next_key() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('s'));
    assert!(a.status.clone().unwrap().0.contains("排序"));
    let text = common::text_of(&common::frame(&mut a, &store, 120, 40));
    let footer = text.lines().last().unwrap().replace(' ', "");
    assert!(footer.contains("排序"), "{footer}");
    key(&mut a, &store, KeyCode::Char('j'));
    assert_eq!(a.status, None);
    let text = common::text_of(&common::frame(&mut a, &store, 120, 40));
    let footer = text.lines().last().unwrap().replace(' ', "");
    assert!(
        footer.contains("?帮助") && !footer.contains("排序"),
        "{footer}"
    );
}

#[test]
fn an_empty_bookmark_list_says_there_are_no_bookmarks_yet() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Char('B'));
    assert!(a.results.hits.is_empty());
    let text = common::text_of(&common::frame(&mut a, &store, 80, 24)).replace(' ', "");
    assert!(text.contains("还没有收藏"), "{text}");
    assert!(!text.contains("没有找到匹配的文章"), "{text}");
}

#[test]
fn esc_in_the_results_clears_the_query_then_steps_out_of_the_scope() {
    let store = sample_store();
    let mut a = app(&store);
    key(&mut a, &store, KeyCode::Tab);
    key(&mut a, &store, KeyCode::Tab);
    assert_eq!(a.focus, Focus::Tree);
    key(&mut a, &store, KeyCode::Char('j'));
    key(&mut a, &store, KeyCode::Enter);
    let scoped = a.scope.clone();
    assert!(matches!(scoped, Scope::Category(_)));
    let in_scope = a.results.total;
    key(&mut a, &store, KeyCode::Char('/'));
    typed(&mut a, &store, "Redis");
    key(&mut a, &store, KeyCode::Enter);
    assert_eq!(a.focus, Focus::Results);
    key(&mut a, &store, KeyCode::Esc);
    assert_eq!((a.query().as_str(), &a.scope), ("", &scoped));
    assert_eq!(a.results.total, in_scope);
    key(&mut a, &store, KeyCode::Esc);
    assert_eq!(a.scope, Scope::All);
    assert_eq!(a.results.total, 126);
}

#[test]
fn a_bookmarked_article_is_marked_in_the_results_and_the_reader() {
    let store = sample_store();
    let mut a = app(&store);
    let mark = zhiku::present::BOOKMARK_MARK;
    let text = common::text_of(&common::frame(&mut a, &store, 120, 40));
    assert!(!text.contains(mark));
    key(&mut a, &store, KeyCode::Char('b'));
    assert!(a.results.hits[a.res_sel].meta.bookmarked);
    let buf = common::frame(&mut a, &store, 120, 40);
    let (list, reader) = (a.hit.results, a.hit.reader);
    let row = |r: ratatui::layout::Rect, y: u16| -> String {
        (r.x..r.right()).map(|x| buf[(x, y)].symbol()).collect()
    };
    assert!(
        row(list, list.y + 1).contains(mark),
        "{}",
        row(list, list.y + 1)
    );
    assert!(
        row(reader, reader.y + 1).contains(mark),
        "{}",
        row(reader, reader.y + 1)
    );
    assert_eq!(unicode_width::UnicodeWidthStr::width_cjk(mark), 1);
}
