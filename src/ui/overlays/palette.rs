//! The tag palette: every tag, filtered as you type by name, pinyin spelling or initials
//! (`zzwz` finds 转载文章).

use pinyin::ToPinyin;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Clear, Paragraph};

use super::Outcome;
use crate::text::{fold_str, sanitize_line, str_width};
use crate::ui::draw::{Chrome, centered, fit, unstraddle};
use crate::ui::keymap::{Action, Dir, Keymap, Layer, hints};
use crate::ui::strings as s;

/// A tag with its search keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub count: i64,
    keys: [String; 3],
}

impl Entry {
    pub fn new(name: &str, count: i64) -> Self {
        let mut full = String::new();
        let mut initials = String::new();
        for (c, p) in name.chars().zip(name.to_pinyin()) {
            match p {
                Some(p) => {
                    full.push_str(p.plain());
                    initials.push_str(p.first_letter());
                }
                None => {
                    let f = fold_str(&c.to_string());
                    full.push_str(&f);
                    initials.push_str(&f);
                }
            }
        }
        let strip = |s: String| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        Entry {
            name: name.to_owned(),
            count,
            keys: [strip(fold_str(name)), strip(full), strip(initials)],
        }
    }

    /// How well `q` (folded, no spaces) matches: lower is better; `None` when it does not.
    fn rank(&self, q: &str) -> Option<u8> {
        if q.is_empty() {
            return Some(3);
        }
        let mut best: Option<u8> = None;
        for key in &self.keys {
            let r = if key.starts_with(q) {
                Some(0)
            } else if key.contains(q) {
                Some(1)
            } else {
                None
            };
            best = match (best, r) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        best
    }
}

/// The palette's state.
#[derive(Debug, Clone, Default)]
pub struct Palette {
    input: String,
    entries: Vec<Entry>,
    shown: Vec<usize>,
    selected: usize,
}

impl Palette {
    pub fn new(entries: Vec<Entry>) -> Self {
        let mut p = Palette {
            entries,
            ..Default::default()
        };
        p.refilter();
        p
    }

    /// The names shown, best first.
    pub fn shown(&self) -> Vec<&str> {
        self.shown
            .iter()
            .map(|&i| self.entries[i].name.as_str())
            .collect()
    }

    /// Types `text` into the filter.
    pub fn type_str(&mut self, text: &str) {
        self.input.push_str(text);
        self.refilter();
    }

    pub fn on_key(&mut self, km: &Keymap, key: KeyEvent) -> Outcome {
        match km.action_in(Layer::Palette, key) {
            Some(Action::Cancel) => return Outcome::Close,
            Some(Action::Quit) => return Outcome::Quit,
            Some(Action::Submit) => {
                return match self.current() {
                    Some(e) => Outcome::Tag(e.name.clone()),
                    None => Outcome::Close,
                };
            }
            Some(Action::Move(Dir::Forward, _)) => {
                self.selected = (self.selected + 1).min(self.shown.len().saturating_sub(1))
            }
            Some(Action::Move(Dir::Back, _)) => self.selected = self.selected.saturating_sub(1),
            Some(Action::DeleteBack) => {
                self.input.pop();
                self.refilter();
            }
            _ => {
                if let KeyCode::Char(c) = key.code
                    && !key.modifiers.contains(KeyModifiers::CONTROL)
                {
                    self.input.push(c);
                    self.refilter();
                }
            }
        }
        Outcome::Stay
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, c: &Chrome) {
        let r = centered(area, 56, area.height.saturating_sub(4).min(24));
        unstraddle(f.buffer_mut(), r);
        f.render_widget(Clear, r);
        let keys = hints::submit_cancel(c.keymap, Layer::Palette, s::HINT_CHOOSE);
        let block = c.overlay(&s::palette_title(&keys));
        let inner = block.inner(r);
        f.render_widget(block, r);
        if inner.height == 0 {
            return;
        }
        let w = inner.width as usize;
        let input = sanitize_line(&self.input);
        let prompt = "› ";
        f.render_widget(
            Paragraph::new(fit(
                vec![(prompt.into(), c.theme.key), (input.clone(), Style::new())],
                w,
            )),
            Rect::new(inner.x, inner.y, inner.width, 1),
        );
        let col = (str_width(prompt) + str_width(&input)).min(w.saturating_sub(1)) as u16;
        f.set_cursor_position(Position::new(inner.x + col, inner.y));
        let rows = inner.height.saturating_sub(1) as usize;
        let labels: Vec<String> = self
            .shown
            .iter()
            .map(|&e| format!("{} ({})", self.entries[e].name, self.entries[e].count))
            .collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let lines = c.list_lines(&labels, self.selected, rows, w);
        f.render_widget(
            Paragraph::new(lines),
            Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1),
        );
    }

    fn refilter(&mut self) {
        let q: String = fold_str(&self.input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut ranked: Vec<(u8, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.rank(&q).map(|r| (r, i)))
            .collect();
        ranked.sort_by_key(|&(r, i)| (r, std::cmp::Reverse(self.entries[i].count), i));
        self.shown = ranked.into_iter().map(|x| x.1).collect();
        self.selected = 0;
    }

    fn current(&self) -> Option<&Entry> {
        self.shown.get(self.selected).map(|&i| &self.entries[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &Palette) -> Vec<&str> {
        p.shown
            .iter()
            .map(|&i| p.entries[i].name.as_str())
            .collect()
    }

    #[test]
    fn pinyin_initials_full_spelling_and_names() {
        let mut p = Palette::new(vec![
            Entry::new("转载文章", 3),
            Entry::new("Redis", 9),
            Entry::new("Go Gin", 1),
        ]);
        p.type_str("zzwz");
        assert_eq!(names(&p), ["转载文章"]);
        p.input.clear();
        p.type_str("zhuanzai");
        assert_eq!(names(&p), ["转载文章"]);
        p.input.clear();
        p.type_str("RED");
        assert_eq!(names(&p), ["Redis"]);
        p.input.clear();
        p.type_str("gogin");
        assert_eq!(names(&p), ["Go Gin"]);
        p.input.clear();
        p.refilter();
        assert_eq!(names(&p), ["Redis", "转载文章", "Go Gin"]);
    }
}
