//! The quick-open overlay: every title, filtered as you type by the title, its full pinyin
//! or its initials (`crate::quickopen`), Enter opens the selected article.
//!
//! Self-contained: it owns its input, ranked list, selection and scroll, and takes keys and
//! pastes; the app decides when it shows ([`QuickOpen::on_key`] says when it closes or what
//! to open). Matching runs in `on_key`, on the index built off the UI thread; drawing only
//! reads (and computes the highlights of the rows it draws).

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use nucleo_matcher::{Config, Matcher};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthChar;

use super::theme::Theme;
use crate::quickopen::{Hit, Index, Search};
use crate::store::ArticleId;
use crate::text::width::{ellipsize, suffix_start_for_width};
use crate::text::{sanitize_line, str_width};

/// Characters the input keeps (a longer paste is cut; the matcher reads fewer still).
pub const MAX_INPUT_CHARS: usize = 256;

const TITLE: &str = "快速打开";
const LOADING: &str = "正在载入标题⋯";
const NO_MATCH: &str = "没有匹配的标题";
const PROMPT: &str = "› ";
const MARK: &str = "▸ ";

/// What a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Handled (or ignored); the overlay stays.
    None,
    /// Esc: close the overlay.
    Close,
    /// Enter on a title: close the overlay and open this article.
    Open(ArticleId),
}

/// The overlay's state.
pub struct QuickOpen {
    index: Option<Arc<Index>>,
    search: Search,
    input: String,
    selected: usize,
    /// First row drawn; kept so the selection stays in view.
    scroll: Cell<usize>,
    /// Rows of the list at the last draw (PageUp/PageDown move by it).
    page: Cell<usize>,
    highlighter: RefCell<Matcher>,
    /// Draw the box with ASCII borders (the app's setting).
    pub ascii_borders: bool,
}

impl std::fmt::Debug for QuickOpen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuickOpen")
            .field("input", &self.input)
            .field("shown", &self.search.hits().len())
            .field("selected", &self.selected)
            .finish()
    }
}

impl QuickOpen {
    /// The overlay over `index`; `None` while the index is still being built (typing is kept
    /// and matched once [`QuickOpen::set_index`] hands it over).
    pub fn new(index: Option<Arc<Index>>) -> QuickOpen {
        let mut q = QuickOpen {
            index: None,
            search: Search::new(),
            input: String::new(),
            selected: 0,
            scroll: Cell::new(0),
            page: Cell::new(10),
            highlighter: RefCell::new(Matcher::new(Config::DEFAULT)),
            ascii_borders: false,
        };
        if let Some(ix) = index {
            q.set_index(ix);
        }
        q
    }

    /// Hands over a (new) index: the current input is matched on it.
    pub fn set_index(&mut self, index: Arc<Index>) {
        self.index = Some(index);
        self.refresh();
    }

    pub fn input(&self) -> &str {
        &self.input
    }

    /// (titles shown, titles in the index); `None` while loading.
    pub fn count(&self) -> Option<(usize, usize)> {
        self.index.as_ref().map(|ix| (self.search.len(), ix.len()))
    }

    /// The selected article.
    pub fn selected(&self) -> Option<ArticleId> {
        let ix = self.index.as_ref()?;
        let h = self.search.hits().get(self.selected)?;
        Some(ix.items()[h.item as usize].id)
    }

    /// The selected row's index in the ranked list.
    pub fn selected_row(&self) -> usize {
        self.selected
    }

    fn refresh(&mut self) {
        if let Some(ix) = &self.index {
            self.search.update(ix, &self.input);
        }
        self.selected = 0;
        self.scroll.set(0);
    }

    /// Scores the hits down to two pages past the selection (the matcher ranks the best
    /// ones first and the rest when they are looked at).
    fn rank_around_selection(&mut self) {
        if let Some(ix) = &self.index {
            let want = self.selected + 2 * self.page.get().max(1) + 1;
            self.search.rank_upto(ix, want);
        }
    }

    fn push_text(&mut self, text: &str) {
        let room = MAX_INPUT_CHARS.saturating_sub(self.input.chars().count());
        let clean = sanitize_line(text);
        let before = self.input.len();
        self.input.extend(clean.chars().take(room));
        if self.input.len() != before {
            self.refresh();
        }
    }

    /// Pasted text: appended to the input as one line.
    pub fn on_paste(&mut self, text: &str) {
        self.push_text(text);
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Outcome {
        if key.kind == KeyEventKind::Release {
            return Outcome::None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let last = self.search.len().saturating_sub(1);
        let page = self.page.get().max(1);
        match key.code {
            KeyCode::Esc => return Outcome::Close,
            KeyCode::Char('c' | 'g') if ctrl => return Outcome::Close,
            KeyCode::Enter => {
                return match self.selected() {
                    Some(id) => Outcome::Open(id),
                    None => Outcome::None,
                };
            }
            KeyCode::Up | KeyCode::BackTab => self.selected = self.selected.saturating_sub(1),
            KeyCode::Char('p') if ctrl => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Tab => self.selected = (self.selected + 1).min(last),
            KeyCode::Char('n') if ctrl => self.selected = (self.selected + 1).min(last),
            KeyCode::PageUp => self.selected = self.selected.saturating_sub(page),
            KeyCode::PageDown => self.selected = (self.selected + page).min(last),
            KeyCode::Backspace if ctrl || alt => self.delete_word(),
            KeyCode::Backspace if self.input.pop().is_some() => self.refresh(),
            KeyCode::Char('u') if ctrl && !self.input.is_empty() => {
                self.input.clear();
                self.refresh();
            }
            KeyCode::Char('w') if ctrl => self.delete_word(),
            KeyCode::Char(c) if !ctrl && !alt => {
                let mut b = [0; 4];
                self.push_text(c.encode_utf8(&mut b));
            }
            _ => {}
        }
        self.rank_around_selection();
        Outcome::None
    }

    /// Ctrl-W: the last word and the whitespace after it.
    fn delete_word(&mut self) {
        let kept = self.input.trim_end().len();
        let start = self.input[..kept]
            .rfind(char::is_whitespace)
            .map_or(0, |i| {
                i + self.input[i..].chars().next().map_or(1, char::len_utf8)
            });
        if start != self.input.len() {
            self.input.truncate(start);
            self.refresh();
        }
    }

    /// Draws the box centred in `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let w = area.width.saturating_sub(4).min(100);
        let h = area.height.saturating_sub(2).min(24);
        let r = centered(area, w, h);
        if r.width < 3 || r.height < 3 {
            return;
        }
        unstraddle(f.buffer_mut(), r);
        f.render_widget(Clear, r);
        let mut block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focused)
            .title(format!(" {TITLE} "));
        if self.ascii_borders {
            block = block.border_set(ASCII);
        }
        let inner = block.inner(r);
        f.render_widget(block, r);
        if inner.height == 0 || inner.width == 0 {
            return;
        }
        let width = inner.width as usize;

        // The input line, the count on its right.
        let count = match self.count() {
            Some((shown, total)) => format!("{} / {}", grouped(shown), grouped(total)),
            None => LOADING.to_owned(),
        };
        let count_w = str_width(&count);
        let room = width.saturating_sub(str_width(PROMPT) + count_w + 2);
        let shown_input = &self.input[suffix_start_for_width(&self.input, room.max(1))..];
        let used = str_width(PROMPT) + str_width(shown_input);
        let mut spans = vec![
            Span::styled(PROMPT, theme.key),
            Span::raw(shown_input.to_owned()),
        ];
        if used + count_w < width {
            spans.push(Span::raw(" ".repeat(width - used - count_w)));
            spans.push(Span::styled(count, theme.meta));
        }
        f.render_widget(
            Paragraph::new(Line::from(spans)),
            Rect::new(inner.x, inner.y, inner.width, 1),
        );
        let col = used.min(width.saturating_sub(1)) as u16;
        f.set_cursor_position(Position::new(inner.x + col, inner.y));

        let rows = inner.height.saturating_sub(1) as usize;
        self.page.set(rows.max(1));
        if rows == 0 {
            return;
        }
        let list = Rect::new(inner.x, inner.y + 1, inner.width, rows as u16);
        let Some(ix) = &self.index else {
            return;
        };
        let hits = self.search.hits();
        if hits.is_empty() {
            let msg = if ix.is_empty() { "" } else { NO_MATCH };
            f.render_widget(
                Paragraph::new(Line::styled(ellipsize(msg, width), theme.dim)),
                list,
            );
            return;
        }
        // Keep the selection in view.
        let mut top = self.scroll.get().min(hits.len().saturating_sub(1));
        if self.selected < top {
            top = self.selected;
        } else if self.selected >= top + rows {
            top = self.selected + 1 - rows;
        }
        self.scroll.set(top);
        let mut m = self.highlighter.borrow_mut();
        let lines: Vec<Line> = hits
            .iter()
            .enumerate()
            .skip(top)
            .take(rows)
            .map(|(row, hit)| self.row(ix, hit, row == self.selected, width, theme, &mut m))
            .collect();
        f.render_widget(Paragraph::new(lines), list);
    }

    /// One list row: marker, title with its matched characters highlighted, date on the right
    /// when there is room.
    fn row(
        &self,
        ix: &Index,
        hit: &Hit,
        selected: bool,
        width: usize,
        theme: &Theme,
        m: &mut Matcher,
    ) -> Line<'static> {
        let item = &ix.items()[hit.item as usize];
        let base = if selected {
            theme.selected
        } else {
            Style::new()
        };
        let hl = base.patch(theme.highlight);
        let date = item
            .published
            .as_deref()
            .map(|d| sanitize_line(d).chars().take(10).collect::<String>())
            .unwrap_or_default();
        let mark_w = str_width(MARK);
        let show_date = !date.is_empty() && width >= 40;
        let date_w = if show_date { str_width(&date) + 2 } else { 0 };
        let title_room = width.saturating_sub(mark_w + date_w);
        let positions = ix.positions(hit, self.search.query(), m);
        let mut spans = vec![Span::styled(
            if selected { MARK } else { "  " },
            if selected {
                base.patch(theme.key)
            } else {
                base
            },
        )];
        let title_w = highlighted(&item.title, &positions, title_room, base, hl, &mut spans);
        let mut used = mark_w + title_w;
        if show_date {
            let pad = width - date_w - used + 2;
            spans.push(Span::styled(" ".repeat(pad), base));
            spans.push(Span::styled(date, base.patch(theme.meta)));
            used = width;
        }
        if used < width {
            spans.push(Span::styled(" ".repeat(width - used), base));
        }
        Line::from(spans)
    }
}

/// Pushes `title` as spans, the chars at `positions` in `hl`, cut to `room` columns with `⋯`;
/// returns the columns used.
fn highlighted(
    title: &str,
    positions: &[usize],
    room: usize,
    base: Style,
    hl: Style,
    spans: &mut Vec<Span<'static>>,
) -> usize {
    let total = str_width(title);
    let limit = if total > room {
        room.saturating_sub(1)
    } else {
        room
    };
    let mut used = 0;
    let mut run = String::new();
    let mut run_hl = false;
    let mut next = positions.iter().copied().peekable();
    for (i, c) in title.chars().enumerate() {
        let cw = c.width().unwrap_or(0);
        if used + cw > limit {
            break;
        }
        while next.peek().is_some_and(|&p| p < i) {
            next.next();
        }
        let is_hl = next.peek() == Some(&i);
        if is_hl != run_hl && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_hl { hl } else { base },
            ));
        }
        run_hl = is_hl;
        run.push(c);
        used += cw;
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hl { hl } else { base }));
    }
    if total > room && room > 0 {
        spans.push(Span::styled("⋯", base));
        used += 1;
    }
    used
}

/// `n` with a comma every three digits (100,000).
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Blanks wide characters of what is below that a border of `r` would cut in half.
fn unstraddle(buf: &mut ratatui::buffer::Buffer, r: Rect) {
    let area = buf.area;
    for y in r.top()..r.bottom().min(area.bottom()) {
        let mut x = area.left();
        while x < area.right() {
            let w = (str_width(buf[(x, y)].symbol()) as u16).max(1);
            let straddles = |edge: u16| x < edge && edge < x + w;
            if w > 1 && (straddles(r.left()) || straddles(r.right())) {
                for k in x..(x + w).min(area.right()) {
                    buf[(k, y)].set_symbol(" ");
                }
            }
            x += w;
        }
    }
}

/// Borders for terminals that draw box-drawing characters two cells wide (as the other
/// overlays' ASCII set).
const ASCII: ratatui::symbols::border::Set = ratatui::symbols::border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::titles::TitleRow;
    use ratatui::crossterm::event::KeyEventState;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(q: &mut QuickOpen, s: &str) {
        for c in s.chars() {
            assert_eq!(q.on_key(key(KeyCode::Char(c))), Outcome::None);
        }
    }

    fn index(titles: &[&str]) -> Arc<Index> {
        Arc::new(Index::new(titles.iter().enumerate().map(|(i, t)| {
            TitleRow {
                id: ArticleId(100 + i as i64),
                title: (*t).to_owned(),
                published: Some(format!("2025-01-{:02}T08:00:00+08:00", 28 - i)),
            }
        })))
    }

    const TITLES: &[&str] = &[
        "数据同步监控方案",
        "代码重构的十个原则",
        "银行核心系统迁移",
        "Redis 缓存穿透",
    ];

    #[test]
    fn typing_filters_and_enter_opens_the_selected() {
        let mut q = QuickOpen::new(Some(index(TITLES)));
        assert_eq!(q.count(), Some((4, 4)));
        typed(&mut q, "cg");
        assert_eq!(q.count(), Some((1, 4)));
        assert_eq!(q.on_key(key(KeyCode::Enter)), Outcome::Open(ArticleId(101)));
        assert_eq!(q.on_key(key(KeyCode::Esc)), Outcome::Close);
        assert_eq!(q.on_key(ctrl('c')), Outcome::Close);
    }

    #[test]
    fn moving_the_selection() {
        let mut q = QuickOpen::new(Some(index(TITLES)));
        q.on_key(key(KeyCode::Down));
        q.on_key(ctrl('n'));
        assert_eq!(q.selected(), Some(ArticleId(102)));
        q.on_key(key(KeyCode::Up));
        assert_eq!(q.selected(), Some(ArticleId(101)));
        q.on_key(ctrl('p'));
        q.on_key(ctrl('p'));
        assert_eq!(q.selected_row(), 0);
        q.on_key(key(KeyCode::PageDown));
        assert_eq!(
            q.selected(),
            Some(ArticleId(103)),
            "clamped at the last row"
        );
        q.on_key(key(KeyCode::PageUp));
        assert_eq!(q.selected_row(), 0);
        // Typing resets the selection to the best match.
        q.on_key(key(KeyCode::Down));
        typed(&mut q, "r");
        assert_eq!(q.selected_row(), 0);
    }

    #[test]
    fn editing_the_input() {
        let mut q = QuickOpen::new(Some(index(TITLES)));
        typed(&mut q, "redis hc");
        assert_eq!(q.count(), Some((1, 4)));
        q.on_key(ctrl('w'));
        assert_eq!(q.input(), "redis ");
        q.on_key(ctrl('w'));
        assert_eq!(q.input(), "");
        typed(&mut q, "yinhangz");
        assert_eq!(q.count(), Some((0, 4)));
        assert_eq!(q.on_key(key(KeyCode::Enter)), Outcome::None);
        q.on_key(key(KeyCode::Backspace));
        assert_eq!(q.input(), "yinhang");
        assert_eq!(q.selected(), Some(ArticleId(102)));
        q.on_key(ctrl('u'));
        assert_eq!((q.input(), q.count()), ("", Some((4, 4))));
        // Backspace on nothing, Ctrl-W on nothing: nothing happens.
        q.on_key(key(KeyCode::Backspace));
        q.on_key(ctrl('w'));
        assert_eq!(q.input(), "");
    }

    #[test]
    fn key_releases_and_modified_chars_are_ignored() {
        let mut q = QuickOpen::new(Some(index(TITLES)));
        let mut release = key(KeyCode::Char('x'));
        release.kind = KeyEventKind::Release;
        release.state = KeyEventState::NONE;
        assert_eq!(q.on_key(release), Outcome::None);
        q.on_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT));
        assert_eq!(q.input(), "");
        q.on_key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT));
        assert_eq!(q.input(), "R");
    }

    #[test]
    fn pastes_are_sanitised_and_bounded() {
        let mut q = QuickOpen::new(Some(index(TITLES)));
        q.on_paste("\u{1b}[2Jcg\n\u{0}");
        assert_eq!(q.input(), "cg ");
        assert_eq!(q.selected(), Some(ArticleId(101)));
        q.on_paste(&"shujutongbu".repeat(500));
        assert_eq!(q.input().chars().count(), MAX_INPUT_CHARS);
        assert_eq!(q.count(), Some((0, 4)));
        typed(&mut q, "more");
        assert_eq!(q.input().chars().count(), MAX_INPUT_CHARS);
    }

    #[test]
    fn typing_before_the_index_arrives_is_kept() {
        let mut q = QuickOpen::new(None);
        typed(&mut q, "yh");
        assert_eq!((q.count(), q.selected()), (None, None));
        assert_eq!(q.on_key(key(KeyCode::Enter)), Outcome::None);
        q.set_index(index(TITLES));
        assert_eq!(q.count(), Some((1, 4)));
        assert_eq!(q.selected(), Some(ArticleId(102)));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(100_000), "100,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
