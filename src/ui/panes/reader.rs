//! The reader: the open article laid out for the pane, scrolled, with its tags and links.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::doc::Document;
use crate::store::Article;
use crate::text::{sanitize_line, str_width};
use crate::ui::app::Outgoing;
use crate::ui::app::{App, Focus};
use crate::ui::draw::fit;
use crate::ui::keymap::Layer;
use crate::ui::overlays::{Overlay, Picker, Target};
use crate::ui::render::pane;
use crate::ui::strings as s;
use crate::ui::worker::Job;

pub(crate) fn chips(app: &App, tags: &[String], selected: Option<usize>) -> Vec<(String, Style)> {
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
pub(crate) fn chip_hits(hits: &mut Vec<(Rect, String)>, tags: &[String], row: Rect, gap: u16) {
    let mut x = row.x;
    for t in tags {
        let cw = str_width(&crate::present::tag_label(t)) as u16;
        if x + cw <= row.x + row.width {
            hits.push((Rect::new(x, row.y, cw, 1), t.clone()));
        }
        x += cw + gap;
    }
}

/// A reader at least this wide shows the outline beside the text instead of over it.
const OUTLINE_SIDE_MIN: u16 = 90;
const OUTLINE_SIDE_WIDTH: u16 = 32;

/// Draws the reader: title, meta line, source, tag chips, the laid-out body from the scroll
/// position, related articles below when tall, the outline's panel beside it when wide.
pub fn draw(app: &mut App, f: &mut Frame, area: Rect) {
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
    let lines = crate::ui::docview::lines(doc, app.scroll, body.height as usize, &app.theme);
    f.render_widget(Paragraph::new(lines), body);
}

impl App {
    /// Renders the open article for the current query's matches, laid out at the width of the
    /// previous rendering so keys handled before the next frame scroll the new text.
    pub(crate) fn rebuild_doc(&mut self) {
        let width = self.doc.as_ref().map_or(0, |d| d.width);
        let shift = self.doc.as_ref().map_or(0, |d| d.shift);
        if let Some((_, s)) = &mut self.doc_of {
            *s = shift;
        }
        self.doc = self.article.as_ref().map(|a| {
            let opts = crate::doc::RenderOptions {
                ascii: self.ascii_borders,
                ..self.render.clone()
            };
            let mut d = Document::with_options(&a.body, &self.results.needles, &opts);
            match self.doc_of {
                Some((id, shift)) if id == a.meta.id => d.shift = shift,
                _ => self.doc_of = Some((a.meta.id, 0)),
            }
            match (&self.colours, opts.code_theme) {
                (Some((id, Some(c))), _) if *id == a.meta.id => d.apply_colours(c),
                (Some((id, None)), _) if *id == a.meta.id => {}
                (_, Some(theme)) if !d.blocks.is_empty() => {
                    self.colours = Some((a.meta.id, None));
                    self.outbox.push(Outgoing::Job(Job::Highlight {
                        id: a.meta.id,
                        blocks: d.blocks.clone(),
                        theme,
                    }));
                }
                _ => {}
            }
            if width > 0 {
                d.layout(width);
            }
            d
        });
    }

    /// Restores the article read last time.
    pub fn restore(&mut self, ext_id: &str, scroll: usize) {
        self.article_ticket += 1;
        self.restoring = Some(self.article_ticket);
        self.pinned = self
            .last_sent
            .as_ref()
            .map(|r| (r.text.clone(), r.scope.clone(), r.sort));
        self.outbox.push(Outgoing::Job(Job::OpenExt {
            ticket: self.article_ticket,
            ext_id: ext_id.to_owned(),
            scroll,
        }));
    }

    pub(crate) fn select_tag(&mut self, next: bool) {
        let n = self.article.as_ref().map_or(0, |a| a.meta.tags.len());
        if n == 0 {
            return;
        }
        self.tag_sel = Some(match (self.tag_sel, next) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        });
    }

    pub(crate) fn jump_match(&mut self, next: bool) {
        let Some(doc) = &mut self.doc else { return };
        let offset = 3;
        match doc.step_match(self.scroll, next) {
            Some((l, wrapped)) => {
                let (k, n) = doc.match_position().unwrap_or((0, 0));
                self.scroll = l.saturating_sub(offset);
                self.status = Some(if wrapped && next {
                    (format!("已到文末, 回到第一处匹配 ({k}/{n})"), false)
                } else if wrapped {
                    (format!("已到文首, 回到最后一处匹配 ({k}/{n})"), false)
                } else {
                    (format!("匹配 {k}/{n}"), false)
                });
            }
            None => self.status = Some(("文中没有匹配".into(), false)),
        }
        self.focus = Focus::Reader;
    }

    /// The article asked for last; a stale one is dropped.
    pub(crate) fn on_article(
        &mut self,
        ticket: u64,
        res: Result<Option<Box<Article>>, String>,
        scroll: usize,
    ) {
        if ticket != self.article_ticket {
            return;
        }
        // A restored article that is gone (or unreadable) leaves the reader to the
        // preview of the selected result.
        let restored = self.restoring.take() == Some(ticket);
        if restored && !matches!(res, Ok(Some(_))) {
            self.pinned = None;
            if !self.results.hits.is_empty() {
                self.open_selected(false);
            }
        }
        match res {
            Ok(Some(a)) => {
                // Opening may have marked an unread article from the web read.
                if self.tree.unread() > 0 {
                    self.outbox.push(Outgoing::Job(Job::UnreadCount));
                }
                let same = self
                    .article
                    .as_ref()
                    .is_some_and(|old| old.meta.id == a.meta.id);
                let left = self
                    .article
                    .as_ref()
                    .filter(|_| !same)
                    .map(|old| (old.meta.id, self.scroll));
                self.article = Some(*a);
                self.rebuild_doc();
                if restored {
                    self.select_shown();
                }
                if !same {
                    if let Some((id, at)) = left {
                        self.outbox
                            .push(Outgoing::Job(Job::SavePosition { id, scroll: at }));
                    }
                    if scroll > 0 && !restored {
                        self.status = Some((
                            format!("回到上次读到的位置 (第 {} 行, g 回到开头)", scroll + 1),
                            false,
                        ));
                    }
                    self.scroll = scroll;
                    self.tag_sel = None;
                    let id = self.article.as_ref().map(|a| a.meta.id);
                    if let Some(id) = id {
                        self.outbox.push(Outgoing::Job(Job::Related { id }));
                    }
                }
            }
            Ok(None) => {}
            Err(e) => self.status = Some((e, true)),
        }
    }

    pub(in crate::ui) fn outline(&mut self) {
        let Some(doc) = &self.doc else {
            return self.say("先打开一篇文章");
        };
        let rows: Vec<(String, Target)> = doc
            .outline()
            .into_iter()
            .map(|(line, label)| (label, Target::Line(line)))
            .collect();
        if rows.is_empty() {
            return self.say("这篇文章没有标题或代码块");
        }
        // The section being read is selected: the last heading at or above the top line.
        let top = self.scroll + 1;
        let selected = rows
            .iter()
            .rposition(|r| matches!(r.1, Target::Line(l) if l <= top))
            .unwrap_or(0);
        let title = crate::ui::strings::outline_title(&crate::ui::keymap::hints::submit_cancel(
            &self.keymap,
            Layer::Picker,
            crate::ui::strings::HINT_JUMP,
        ));
        self.overlay = Overlay::Picker(Picker::new(title, rows, selected, true));
    }
}
