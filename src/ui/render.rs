//! Drawing the reader: search line, category tree, result list, article, footer, overlays.
//! Every string drawn is sanitised and fitted to its area in display columns, so wide
//! characters never straddle a border. Drawing never touches the database.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::app::{App, Focus};
use super::draw::{Chrome, fit, marked, pad_line};
use super::keymap::hints::{self, Context};
use super::strings as s;
use crate::text::width::ellipsize;
use crate::text::{sanitize_line, str_width};

/// Smallest usable window.
pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 15;

fn chrome(app: &App) -> Chrome<'_> {
    Chrome {
        theme: &app.theme,
        ascii: app.ascii_borders,
        keymap: &app.keymap,
    }
}

fn pane(app: &App, title: String, focus: Focus) -> Block<'static> {
    chrome(app).pane(&title, app.focus == focus)
}

/// Draws the whole screen.
pub fn draw(app: &mut App, f: &mut Frame) {
    let area = f.area();
    app.hit = Default::default();
    if area.width < MIN_W || area.height < MIN_H {
        if area.width > 0 && area.height > 0 {
            let y = area.y + area.height / 2;
            let msg = ellipsize(s::TOO_SMALL, area.width as usize);
            let line = Rect::new(area.x, y, area.width, 1);
            f.render_widget(Paragraph::new(msg).centered(), line);
        }
        return;
    }
    let [top, main, footer] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(5),
        Constraint::Length(1),
    ])
    .areas(area);
    let info = search_info(app, top.width >= 100);
    let c = Chrome {
        theme: &app.theme,
        ascii: app.ascii_borders,
        keymap: &app.keymap,
    };
    app.search
        .draw(f, top, &c, app.focus == Focus::Search, &info);
    if app.zoom {
        draw_reader(app, f, main);
    } else {
        let tree_w = if main.width >= 110 {
            24
        } else if main.width >= 80 {
            22
        } else {
            18
        };
        let [tree, rest] =
            Layout::horizontal([Constraint::Length(tree_w), Constraint::Min(10)]).areas(main);
        let c = Chrome {
            theme: &app.theme,
            ascii: app.ascii_borders,
            keymap: &app.keymap,
        };
        let unread_view = app.view == super::site::View::Unread;
        app.tree.draw(
            f,
            tree,
            &c,
            app.focus == Focus::Tree,
            &app.scope,
            unread_view,
        );
        if main.width >= 110 {
            let [list, reader] =
                Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                    .areas(rest);
            draw_results(app, f, list);
            draw_reader(app, f, reader);
        } else {
            let [list, reader] =
                Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)])
                    .areas(rest);
            draw_results(app, f, list);
            draw_reader(app, f, reader);
        }
    }
    draw_footer(app, f, footer);
    app.overlay
        .draw(f, area, app.hit.outline_side, &chrome(app));
}

/// The line beside the query: scope, count, time, order, read-only.
fn search_info(app: &App, wide: bool) -> String {
    let sep = if wide { "  ⋅  " } else { " ⋅ " };
    let mut info = if wide {
        format!("{}{}", s::SCOPE, app.scope_label())
    } else {
        app.scope_label()
    };
    if app.results_pending {
        info.push_str(&format!("{sep}{}", s::SEARCHING));
    } else {
        info.push_str(&format!(
            "{sep}{} {}",
            crate::present::total(&app.results),
            s::RESULTS_UNIT
        ));
        if wide {
            info.push_str(&format!(
                "{sep}{:.1} ms",
                app.results.elapsed.as_secs_f64() * 1000.0
            ));
        }
    }
    if app.sort != crate::search::Sort::Relevance {
        info.push_str(&format!("{sep}{}", crate::present::sort_label(app.sort)));
    }
    if app.read_only {
        info.push_str(&format!("{sep}{}", s::READ_ONLY));
    }
    info
}

fn chips(app: &App, tags: &[String], selected: Option<usize>) -> Vec<(String, Style)> {
    tags.iter()
        .enumerate()
        .map(|(i, t)| {
            let mut st = app.theme.chip(t);
            if selected == Some(i) {
                st = st.add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED);
            }
            (crate::present::tag_label(t), st)
        })
        .collect()
}

/// Records where the chips of `tags` land in the one-row `row` (`gap` columns between chips),
/// so a click on a chip finds its tag.
fn chip_hits(hits: &mut Vec<(Rect, String)>, tags: &[String], row: Rect, gap: u16) {
    let mut x = row.x;
    for t in tags {
        let cw = str_width(&crate::present::tag_label(t)) as u16;
        if x + cw <= row.x + row.width {
            hits.push((Rect::new(x, row.y, cw, 1), t.clone()));
        }
        x += cw + gap;
    }
}

/// Tag chips that fit a line (label, tag) and the `+N` of the rest.
type TagFit = (Vec<(String, String)>, Option<String>);

fn draw_results(app: &mut App, f: &mut Frame, area: Rect) {
    app.hit.results = area;
    let title = if app.results_pending {
        format!("{}⋅ {} ", app.view.title(), s::SEARCHING)
    } else {
        app.view.title()
    };
    let block = pane(app, title, Focus::Results);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    app.list_rows = inner.height as usize;
    if app.results.hits.is_empty() {
        let empty = match app.view {
            _ if app.results_pending => s::SEARCHING,
            super::site::View::Bookmarks => s::NO_BOOKMARKS,
            super::site::View::Recent => s::NO_HISTORY,
            super::site::View::Unread => s::NO_UNREAD,
            _ => s::NO_RESULTS,
        };
        let mut lines = vec![fit(vec![(empty.into(), Style::new())], w)];
        if let Some(v) = &app.verse {
            lines.push(Line::raw(""));
            lines.push(fit(vec![(sanitize_line(v), app.theme.dim)], w));
        }
        f.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let per = 4usize;
    let visible = (inner.height as usize / per).max(1);
    let offset = app.res_sel.saturating_sub(visible - 1);
    let mut lines: Vec<Line> = Vec::new();
    for (i, h) in app
        .results
        .hits
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible + 1)
    {
        let selected = i == app.res_sel;
        let bg = if selected && app.focus == Focus::Results {
            app.theme.selected
        } else if selected {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        let row0 = inner.y + lines.len() as u16;
        let title_style = if h.meta.read_count > 0 {
            bg.patch(app.theme.read)
        } else {
            bg.add_modifier(Modifier::BOLD)
        };
        // The title leads the row; the tags follow it where it leaves room, else the meta
        // line, whole chips only and `+N` for the rest, so no tag ever cuts a title.
        let mut first = Vec::new();
        if h.meta.bookmarked {
            let mark = format!("{} ", crate::present::BOOKMARK_MARK);
            first.push((mark, bg.patch(app.theme.key)));
        }
        first.extend(marked(
            &h.meta.title,
            &h.title_matches,
            title_style,
            app.theme.highlight,
        ));
        let title_w: usize = first.iter().map(|(t, _)| str_width(t)).sum();
        let after = |used: usize| {
            (!h.meta.tags.is_empty() && used + 2 < w)
                .then(|| crate::present::fit_tags(&h.meta, w - used - 2))
        };
        let shown = |t: &Option<TagFit>| t.as_ref().map_or(0, |(s, _)| s.len());
        let mut meta = crate::present::meta_line(&h.meta);
        let mut on_meta = after(str_width(&meta));
        if shown(&on_meta) == 0 && h.meta.author.is_some() {
            // No chip fits beside the author: the reader shows the author, the row a tag.
            let mut short = h.meta.clone();
            short.author = None;
            let m = crate::present::meta_line(&short);
            if shown(&after(str_width(&m))) > 0 {
                on_meta = after(str_width(&m));
                meta = m;
            }
        }
        let meta_w = str_width(&meta);
        let mut third = vec![(meta, bg.patch(app.theme.meta))];
        let on_title = after(title_w);
        let title_side = on_title.is_some() && shown(&on_title) >= shown(&on_meta);
        let (tags, used, dy) = if title_side {
            (on_title, title_w, 0)
        } else {
            (on_meta, meta_w, 2)
        };
        if let Some((chips, more)) = tags {
            let line = if title_side { &mut first } else { &mut third };
            line.push(("  ".into(), bg));
            let mut x = inner.x + (used + 2) as u16;
            for (label, tag) in chips {
                let cw = str_width(&label) as u16;
                app.hit
                    .chips
                    .push((Rect::new(x, row0 + dy, cw, 1), tag.clone()));
                x += cw;
                line.push((label, app.theme.chip(&tag)));
            }
            if let Some(more) = more {
                line.push((more, bg.patch(app.theme.dim)));
            }
        }
        lines.push(pad_line(fit(first, w), w, bg));
        lines.push(pad_line(
            {
                let (text, ranges) = crate::present::fit_excerpt(&h.excerpt, &h.excerpt_matches, w);
                fit(marked(&text, &ranges, bg, app.theme.highlight), w)
            },
            w,
            bg,
        ));
        lines.push(pad_line(fit(third, w), w, bg));
        lines.push(Line::raw(""));
        app.hit.result_items.push((row0, row0 + 2, i));
    }
    lines.truncate(inner.height as usize);
    f.render_widget(Paragraph::new(lines), inner);
}

/// A reader at least this wide shows the outline beside the text instead of over it.
const OUTLINE_SIDE_MIN: u16 = 90;
const OUTLINE_SIDE_WIDTH: u16 = 32;

fn draw_reader(app: &mut App, f: &mut Frame, area: Rect) {
    let side = app.overlay.wants_side() && area.width >= OUTLINE_SIDE_MIN;
    let area = if side {
        let [text, panel] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(OUTLINE_SIDE_WIDTH)])
                .areas(area);
        app.hit.outline_side = Some(panel);
        text
    } else {
        app.hit.outline_side = None;
        area
    };
    app.hit.reader = area;
    if let Some(doc) = app.doc.as_mut() {
        doc.layout(area.width.saturating_sub(2).max(1) as usize);
    }
    // The block's title says how far the body is read, which the body's height decides:
    // the block is drawn last, around what is inside it.
    let inner = pane(app, String::new(), Focus::Reader).inner(area);
    let w = inner.width as usize;
    let Some(a) = &app.article else {
        f.render_widget(pane(app, s::READER.to_owned(), Focus::Reader), area);
        f.render_widget(
            Paragraph::new(fit(vec![(s::NO_ARTICLE.into(), app.theme.dim)], w)),
            inner,
        );
        return;
    };
    let roomy = inner.height >= 12;
    let title_style = app.theme.title.add_modifier(Modifier::BOLD);
    let title = if a.meta.bookmarked {
        format!(
            "{} {}",
            crate::present::BOOKMARK_MARK,
            sanitize_line(&a.meta.title)
        )
    } else {
        sanitize_line(&a.meta.title)
    };
    let mut header: Vec<Line> = if roomy {
        crate::text::wrap::wrap_text(&title, w.max(1))
            .into_iter()
            .take(3)
            .map(|l| Line::styled(l, title_style))
            .collect()
    } else {
        vec![fit(vec![(title, title_style)], w)]
    };
    // The reading time goes after the meta line when it fits whole; never cut.
    let mut meta = crate::present::meta_line(&a.meta);
    if let Some(d) = &app.doc {
        let minutes = format!(" ⋅ 约 {} 分钟", d.reading_minutes);
        if crate::text::str_width(&meta) + crate::text::str_width(&minutes) <= w {
            meta.push_str(&minutes);
        }
    }
    header.push(fit(vec![(meta, app.theme.meta)], w));
    // Where an article from the web came from (`o` opens it).
    if let Some(u) = &a.url {
        header.push(fit(
            vec![
                (s::SOURCE.into(), app.theme.dim),
                (sanitize_line(u), app.theme.meta),
            ],
            w,
        ));
    }
    let tag_row = inner.y + header.len() as u16;
    let tag_pieces = chips(app, &a.meta.tags, app.tag_sel);
    chip_hits(
        &mut app.hit.chips,
        &a.meta.tags,
        Rect::new(inner.x, tag_row, inner.width, 1),
        1,
    );
    let mut spaced = Vec::new();
    for p in tag_pieces {
        spaced.push(p);
        spaced.push((" ".into(), Style::new()));
    }
    header.push(fit(spaced, w));
    if roomy {
        header.push(Line::raw(""));
    }
    let head_h = (header.len() as u16).min(inner.height);
    f.render_widget(
        Paragraph::new(header),
        Rect::new(inner.x, inner.y, inner.width, head_h),
    );
    let mut body = Rect::new(
        inner.x,
        inner.y + head_h,
        inner.width,
        inner.height - head_h,
    );
    // 推荐内容 under the article when the pane is tall enough.
    let related: Vec<String> = match (&app.related, &app.article) {
        (Some((id, list)), Some(a)) if *id == a.meta.id && body.height >= 30 => {
            list.iter().take(5).map(|(_, t)| sanitize_line(t)).collect()
        }
        _ => Vec::new(),
    };
    if !related.is_empty() {
        let h = related.len() as u16 + 1;
        body.height -= h;
        let area = Rect::new(body.x, body.y + body.height, body.width, h);
        let mut lines = vec![fit(
            vec![(format!("{} (m 查看更多)", s::RELATED), app.theme.key)],
            w,
        )];
        lines.extend(
            related
                .into_iter()
                .map(|t| fit(vec![("› ".into(), app.theme.dim), (t, Style::new())], w)),
        );
        f.render_widget(Paragraph::new(lines), area);
    }
    app.reader_rows = body.height as usize;
    let total = app.doc.as_ref().map_or(0, |d| d.visual.len());
    app.scroll = app.scroll.min(total.saturating_sub(body.height as usize));
    let pct = (app.scroll.saturating_add(app.reader_rows).min(total) * 100)
        .checked_div(total)
        .unwrap_or(0);
    let place = app
        .doc
        .as_ref()
        .and_then(|d| d.match_position())
        .map(|(k, n)| format!("⋅ 匹配 {k}/{n} "))
        .unwrap_or_default();
    f.render_widget(
        pane(app, format!("{}⋅ {pct}% {place}", s::READER), Focus::Reader),
        area,
    );
    let Some(doc) = app.doc.as_ref() else { return };
    let lines = super::docview::lines(doc, app.scroll, body.height as usize, &app.theme);
    f.render_widget(Paragraph::new(lines), body);
}

fn draw_footer(app: &App, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let (left, style) = match &app.status {
        Some((msg, true)) => (sanitize_line(msg), app.theme.error),
        Some((msg, false)) => (sanitize_line(msg), app.theme.notice),
        // Code or a table wider than the reader: say how to see the rest.
        None if app.focus == Focus::Reader
            && app
                .doc
                .as_ref()
                .is_some_and(|d| d.any_clipped || d.shift > 0) =>
        {
            (
                hints::footer(&app.keymap, Context::ReaderWide),
                app.theme.dim,
            )
        }
        None => {
            let ctx = match app.focus {
                Focus::Search => Context::Search,
                Focus::Tree => Context::Tree,
                Focus::Results => Context::Results,
                Focus::Reader => Context::Reader,
            };
            (hints::footer(&app.keymap, ctx), app.theme.dim)
        }
    };
    let left_w = str_width(&left).min(w);
    let mut pieces = vec![(format!(" {left}"), style)];
    if let Some((cmd, what)) = app.tip().filter(|_| app.status.is_none()) {
        // The command whole, and as much of what it does as fits (at least a few columns);
        // when even that does not fit, no tip (`T` also says it on the status line).
        let room = w.saturating_sub(left_w + 4);
        if str_width(cmd) < room {
            let for_what = room.saturating_sub(str_width(cmd) + 3);
            let what = if for_what >= 4 {
                format!("  {} ", crate::text::width::ellipsize(what, for_what))
            } else {
                " ".to_owned()
            };
            let pad = room.saturating_sub(str_width(cmd) + str_width(&what)) + 2;
            pieces.push((" ".repeat(pad), Style::new()));
            pieces.push((cmd.to_owned(), app.theme.key));
            pieces.push((what, app.theme.meta));
        }
    }
    f.render_widget(Paragraph::new(fit(pieces, w)), area);
}
