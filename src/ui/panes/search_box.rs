//! The search box: the query being typed (a one-line text area), what it was before this edit
//! (Esc puts it back), and the line beside it saying the scope, the count and the order.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Paragraph;
use ratatui_textarea::{CursorMove, TextArea};

use crate::text::{sanitize_line, str_width, truncate_to_width};
use crate::ui::draw::{Chrome, fit};
use crate::ui::keymap::{Action, Dir, Keymap, Layer};
use crate::ui::strings as s;

/// What a key in the search box asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Nothing for anyone else (a caret move, a key that changed nothing).
    None,
    /// The query changed while typing.
    Changed,
    /// Enter: done, to the results.
    Submit,
    /// Esc: the edit is undone; `Some(query)` when the query had changed (it is back now).
    Cancel(Option<String>),
    /// Up or Down: move the result selection.
    Select(Dir),
    /// Tab: to the tree.
    Leave,
    Quit,
}

/// The search box's state.
#[derive(Debug, Clone, Default)]
pub struct SearchBox {
    input: TextArea<'static>,
    /// The query before the current edit.
    before: Option<String>,
    area: Rect,
}

impl SearchBox {
    /// The query text.
    pub fn query(&self) -> String {
        self.input.lines().first().cloned().unwrap_or_default()
    }

    /// Replaces the query, caret at its end.
    pub fn set_query(&mut self, q: &str) {
        self.input = TextArea::new(vec![q.to_owned()]);
        self.input.move_cursor(CursorMove::End);
    }

    /// Where the last frame drew the box.
    pub fn area(&self) -> Rect {
        self.area
    }

    /// An edit starts: the query now is what Esc puts back.
    pub fn begin(&mut self) {
        self.before = Some(self.query());
    }

    /// The edit is kept (Enter, Tab, a tag chosen elsewhere).
    pub fn commit(&mut self) {
        self.before = None;
    }

    /// Text pasted: one line, at the caret.
    pub fn paste(&mut self, line: &str) {
        self.input.insert_str(line);
    }

    pub fn on_key(&mut self, km: &Keymap, key: KeyEvent) -> Edit {
        match km.action_in(Layer::Search, key) {
            Some(Action::Submit) => {
                self.commit();
                Edit::Submit
            }
            Some(Action::Cancel) => {
                let back = self.before.take().filter(|q| *q != self.query());
                if let Some(q) = &back {
                    self.set_query(q);
                }
                Edit::Cancel(back)
            }
            Some(Action::Move(d, _)) => Edit::Select(d),
            Some(Action::Focus(_)) => {
                self.commit();
                Edit::Leave
            }
            Some(Action::Quit) => Edit::Quit,
            other => {
                let before = self.query();
                let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                let changed = match key.code {
                    // Clears to the start of the line, as in a shell (the text area would undo).
                    _ if other == Some(Action::ClearLine) => self.input.delete_line_by_head(),
                    // Line breaks have no place in a one-line query.
                    KeyCode::Char('m' | 'j') if ctrl => false,
                    _ => self.input.input(key),
                };
                if !changed || self.query() == before {
                    return Edit::None;
                }
                let q = self.query();
                if q.contains('\n') {
                    self.set_query(&q.replace('\n', " "));
                }
                Edit::Changed
            }
        }
    }

    /// Draws the box with `info` (scope, count, order) on its right.
    pub fn draw(&mut self, f: &mut Frame, area: Rect, c: &Chrome, focused: bool, info: &str) {
        self.area = area;
        let block = c.pane(s::SEARCH, focused);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let info = sanitize_line(info);
        let w = inner.width as usize;
        let info_w = str_width(&info).min(w / 2);
        let input_w = w.saturating_sub(info_w + 2).max(1);
        let info_area = Rect::new(inner.x + (w - info_w) as u16, inner.y, info_w as u16, 1);
        f.render_widget(
            Paragraph::new(fit(vec![(info, c.theme.meta)], info_w)),
            info_area,
        );
        let query = sanitize_line(&self.query());
        let input_area = Rect::new(inner.x + 1, inner.y, input_w as u16, 1);
        if query.is_empty() && !focused {
            f.render_widget(
                Paragraph::new(fit(vec![(s::PLACEHOLDER.into(), c.theme.dim)], input_w)),
                input_area,
            );
            return;
        }
        let caret_chars = self.input.cursor().1;
        let before: String = self.query().chars().take(caret_chars).collect();
        let before = sanitize_line(&before);
        let limit = input_w.saturating_sub(1);
        let start = if str_width(&before) > limit {
            crate::text::width::suffix_start_for_width(&before, limit)
        } else {
            0
        };
        let shown = truncate_to_width(&query[start.min(query.len())..], input_w);
        f.render_widget(Paragraph::new(shown.to_owned()), input_area);
        if focused {
            let col = str_width(&before[start..]) as u16;
            f.set_cursor_position(Position::new(
                input_area.x + col.min(input_w as u16),
                input_area.y,
            ));
        }
    }
}
