//! A list to pick from: the archive's months (`a`), the article's links (`L`), its outline
//! (`O`, beside a wide reader).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph};

use super::Outcome;
use crate::ui::draw::{Chrome, centered, unstraddle};
use crate::ui::keymap::{Action, Amount, Keymap, Layer};

/// Where a picked row leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Month(String),
    Line(usize),
    /// A link of the open article, by its number.
    Link(usize),
}

/// The picker's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    title: String,
    rows: Vec<(String, Target)>,
    selected: usize,
    side: bool,
}

impl Picker {
    /// A picker titled `title` over `rows`, `selected` chosen; `side`: drawn beside the reader
    /// when the reader is wide, else over the panes.
    pub fn new(title: String, rows: Vec<(String, Target)>, selected: usize, side: bool) -> Self {
        Picker {
            title,
            selected: selected.min(rows.len().saturating_sub(1)),
            rows,
            side,
        }
    }

    pub fn rows(&self) -> &[(String, Target)] {
        &self.rows
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn side(&self) -> bool {
        self.side
    }

    pub fn on_key(&mut self, km: &Keymap, key: KeyEvent) -> Outcome {
        let n = self.rows.len();
        match km.action_in(Layer::Picker, key) {
            Some(Action::Cancel) => Outcome::Close,
            Some(Action::Quit) => Outcome::Quit,
            Some(Action::Move(d, amount)) => {
                let step = if amount == Amount::Line { 1 } else { n };
                self.selected = self
                    .selected
                    .saturating_add_signed(d.sign() * step as isize)
                    .min(n.saturating_sub(1));
                Outcome::Stay
            }
            Some(Action::Submit) => match self.rows.get(self.selected) {
                Some((_, t)) => Outcome::Pick(t.clone()),
                None => Outcome::Close,
            },
            _ => Outcome::Stay,
        }
    }

    /// Draws the picker centred over `area`, or in `side` (the panel a wide reader left free,
    /// full height) when it is an outline.
    pub fn draw(&self, f: &mut Frame, area: Rect, side: Option<Rect>, c: &Chrome) {
        let r = side.filter(|_| self.side).unwrap_or_else(|| {
            centered(
                area,
                60,
                (self.rows.len() as u16 + 2).min(area.height.saturating_sub(2)),
            )
        });
        unstraddle(f.buffer_mut(), r);
        f.render_widget(Clear, r);
        let block = c.overlay(&self.title);
        let inner = block.inner(r);
        f.render_widget(block, r);
        let labels: Vec<&str> = self.rows.iter().map(|r| r.0.as_str()).collect();
        let lines = c.list_lines(
            &labels,
            self.selected,
            inner.height as usize,
            inner.width as usize,
        );
        f.render_widget(Paragraph::new(lines), inner);
    }
}
