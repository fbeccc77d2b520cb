//! Drawing the reader: search line, category tree, result list, article, footer, overlays.
//! Every string drawn is sanitised and fitted to its area in display columns, so wide
//! characters never straddle a border. Drawing never touches the database.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Block, Paragraph};

use super::app::{App, Focus};
use super::draw::{Chrome, fit};
use super::keymap::hints::{self, Context};
use super::strings as s;
use crate::text::width::ellipsize;
use crate::text::{sanitize_line, str_width};

/// Smallest usable window.
pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 15;

pub(crate) fn chrome(app: &App) -> Chrome<'_> {
    Chrome {
        theme: &app.theme,
        ascii: app.ascii_borders,
        keymap: &app.keymap,
    }
}

pub(crate) fn pane(app: &App, title: String, focus: Focus) -> Block<'static> {
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
        super::panes::reader::draw(app, f, main);
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
        let unread_view = app.view == super::panes::results::View::Unread;
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
            super::panes::results::draw(app, f, list);
            super::panes::reader::draw(app, f, reader);
        } else {
            let [list, reader] =
                Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)])
                    .areas(rest);
            super::panes::results::draw(app, f, list);
            super::panes::reader::draw(app, f, reader);
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
