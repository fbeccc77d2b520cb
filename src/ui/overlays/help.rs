//! The key help (`?`): the panes' keys as they are in force, scrolled with its own keys; any
//! other key closes it.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::Outcome;
use crate::text::str_width;
use crate::ui::draw::{Chrome, centered, fit, unstraddle};
use crate::ui::keymap::{Action, Amount, Dir, Keymap, Layer, hints};
use crate::ui::strings as s;

/// The help's state: how far it is scrolled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    offset: usize,
}

impl Help {
    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn on_key(&mut self, km: &Keymap, key: KeyEvent) -> Outcome {
        match km.action_in(Layer::Help, key) {
            Some(Action::Move(d, _)) => {
                self.offset = self.offset.saturating_add_signed(d.sign());
                Outcome::Stay
            }
            Some(Action::Quit) => Outcome::Quit,
            _ => Outcome::Close,
        }
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, c: &Chrome) {
        let bindings = Layer::Main.bindings();
        let r = centered(area, 66, bindings.len() as u16 + 2);
        unstraddle(f.buffer_mut(), r);
        f.render_widget(Clear, r);
        let scroll = hints::line(
            c.keymap,
            Layer::Help,
            &[(
                &[
                    Action::Move(Dir::Forward, Amount::Line),
                    Action::Move(Dir::Back, Amount::Line),
                ],
                "/",
                s::HINT_SCROLL,
            )],
            "",
        );
        let block = c.overlay(&s::help_title(&scroll));
        let inner = block.inner(r);
        f.render_widget(block, r);
        let w = inner.width as usize;
        let lines: Vec<Line> = bindings
            .iter()
            .skip(
                self.offset
                    .min(bindings.len().saturating_sub(inner.height as usize)),
            )
            .map(|b| {
                let keys = c.keymap.keys_of(b.action);
                let pad = 16usize.saturating_sub(str_width(&keys));
                fit(
                    vec![
                        (format!("{keys}{} ", " ".repeat(pad)), c.theme.key),
                        (b.desc.to_owned(), Style::new()),
                    ],
                    w,
                )
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }
}
