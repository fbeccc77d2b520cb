//! The result list: the hits of the question (or a list: bookmarks, history, a month …).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::search::browse::ListKind;
use crate::search::{Request, Results};
use crate::text::{sanitize_line, str_width};
use crate::ui::app::Focus as PaneFocus;
use crate::ui::app::{App, Focus};
use crate::ui::app::{EXCERPT_WINDOW, Outgoing, PAGE};
use crate::ui::draw::{fit, marked, pad_line};
use crate::ui::render::pane;
use crate::ui::strings as s;
use crate::ui::worker::Job;

/// What the list pane shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Search,
    Bookmarks,
    Recent,
    Month(String),
    Random,
    Related(String),
    Unread,
}

impl View {
    /// The list pane's title.
    pub fn title(&self) -> String {
        match self {
            View::Search => crate::ui::strings::RESULTS.into(),
            View::Bookmarks => " 收藏 ".into(),
            View::Recent => " 最近阅读 ".into(),
            View::Random => " 随便看看 ".into(),
            View::Unread => format!(" {} ", crate::ui::strings::UNREAD),
            View::Related(t) => format!(
                " 推荐内容 ⋅ {} ",
                crate::text::width::ellipsize(&crate::text::sanitize_line(t), 24)
            ),
            View::Month(m) => format!(" 历史内容 ⋅ {} ", crate::text::sanitize_line(m)),
        }
    }
}

/// Tag chips that fit a line (label, tag) and the `+N` of the rest.
type TagFit = (Vec<(String, String)>, Option<String>);

/// Draws the result list: title, excerpt fitted to the pane with its matches, meta line and
/// tag chips for each hit, and where the rows and chips landed for clicks.
pub fn draw(app: &mut App, f: &mut Frame, area: Rect) {
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
            crate::ui::panes::results::View::Bookmarks => s::NO_BOOKMARKS,
            crate::ui::panes::results::View::Recent => s::NO_HISTORY,
            crate::ui::panes::results::View::Unread => s::NO_UNREAD,
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

impl App {
    /// Sends the current query and scope to the search worker.
    pub fn requery(&mut self, typing: bool) {
        let mut req = Request::new(&self.query());
        req.scope = self.scope.clone();
        req.sort = self.sort;
        let same_question = self
            .last_sent
            .as_ref()
            .is_some_and(|l| l.text == req.text && l.scope == req.scope && l.sort == req.sort);
        if !same_question {
            self.limit = PAGE;
        }
        req.limit = self.limit;
        req.excerpt_width = EXCERPT_WINDOW;
        // Finishing a query only re-runs it when that changes its meaning (a typed prefix).
        req.typing = typing
            || crate::search::query::parse(&req.text, true)
                == crate::search::query::parse(&req.text, false);
        if self.last_sent.as_ref() == Some(&req) && self.view == View::Search {
            return;
        }
        self.view = View::Search;
        self.last_sent = Some(req.clone());
        self.search_ticket += 1;
        self.results_pending = true;
        self.outbox.push(Outgoing::Search(self.search_ticket, req));
    }

    /// Fresh tree counts and results after the store changed; the same question keeps its
    /// selected article.
    pub(crate) fn refresh(&mut self) {
        self.outbox.push(Outgoing::Job(Job::Tree));
        self.outbox.push(Outgoing::Job(Job::UnreadCount));
        if self.view == View::Search {
            // The same question asked again (paging kept): only the limit differs from what
            // was sent, so requery does not drop it as a repeat.
            if let Some(l) = self.last_sent.as_mut() {
                l.limit = 0;
            }
            self.requery(false);
        }
    }

    /// Selects the result row of the article the reader shows, if the list holds it.
    pub(crate) fn select_shown(&mut self) {
        let shown = self.article.as_ref().map(|a| a.meta.id);
        if let Some(i) = self
            .results
            .hits
            .iter()
            .position(|h| Some(h.meta.id) == shown)
        {
            self.res_sel = i;
        }
    }

    pub(crate) fn open_selected(&mut self, mark_read: bool) {
        if let Some(hit) = self.results.hits.get(self.res_sel) {
            self.article_ticket += 1;
            let id = hit.meta.id;
            self.outbox.push(Outgoing::Job(Job::Open {
                ticket: self.article_ticket,
                id,
                mark_read,
            }));
            if mark_read && let Some(h) = self.results.hits.get_mut(self.res_sel) {
                h.meta.read_count += 1;
            }
        }
    }

    pub(crate) fn move_results(&mut self, delta: isize) {
        let n = self.results.hits.len();
        if n == 0 {
            return;
        }
        let sel = (self.res_sel as isize + delta).clamp(0, n as isize - 1) as usize;
        if sel != self.res_sel {
            self.res_sel = sel;
            self.open_selected(false);
        }
        if sel + 5 >= n && n < self.results.total && !self.results_pending {
            self.limit = n + PAGE;
            self.requery(false);
        }
    }

    /// The answer to a search or a list; a stale one (an older ticket) is dropped.
    pub(crate) fn on_results(&mut self, ticket: u64, res: Result<Box<Results>, String>) {
        if ticket != self.search_ticket && ticket != 0 {
            return;
        }
        self.results_pending = false;
        match res {
            Ok(res) => {
                // The same question answered again (more rows, a refreshed list)
                // keeps the selected article; a new one starts at its best hit.
                let question = self
                    .last_sent
                    .as_ref()
                    .map(|r| (r.text.clone(), r.scope.clone(), r.sort));
                let same = question == self.shown_question;
                let pinned = self.pinned.is_some() && self.pinned == question;
                if !pinned {
                    self.pinned = None;
                }
                self.shown_question = question;
                let keep = self
                    .results
                    .hits
                    .get(self.res_sel)
                    .map(|h| h.meta.id)
                    .filter(|_| same);
                self.results = *res;
                self.res_sel = keep
                    .and_then(|id| self.results.hits.iter().position(|h| h.meta.id == id))
                    .unwrap_or(0);
                if pinned {
                    // The article restored from last time is the selected row when
                    // the list holds it.
                    self.select_shown();
                }
                if let Some(d) = self.doc.as_mut()
                    && d.needles != self.results.needles
                {
                    d.set_needles(&self.results.needles);
                }
                // The reader previews the selected result, unless the user is reading in it.
                let shown = self.article.as_ref().map(|a| a.meta.id);
                let selected = self.results.hits.get(self.res_sel).map(|h| h.meta.id);
                if std::mem::take(&mut self.open_on_arrival) {
                    self.open_selected(true);
                } else if selected.is_some()
                    && selected != shown
                    && (self.focus != Focus::Reader || shown.is_none())
                    && !pinned
                {
                    self.open_selected(false);
                }
            }
            Err(e) => self.status = Some((e, true)),
        }
    }

    pub(in crate::ui) fn list(&mut self, view: View, kind: ListKind) {
        self.search_ticket += 1;
        self.last_sent = None;
        self.view = view;
        self.results_pending = true;
        self.res_sel = 0;
        self.focus = PaneFocus::Results;
        let job = Job::List {
            ticket: self.search_ticket,
            kind,
            width: EXCERPT_WINDOW,
        };
        self.outbox.push(Outgoing::Job(job));
    }

    pub(in crate::ui) fn list_unread(&mut self) {
        self.search_ticket += 1;
        self.last_sent = None;
        self.view = View::Unread;
        self.results_pending = true;
        self.res_sel = 0;
        self.focus = PaneFocus::Results;
        let job = Job::Unread {
            ticket: self.search_ticket,
            width: EXCERPT_WINDOW,
        };
        self.outbox.push(Outgoing::Job(job));
    }
}
