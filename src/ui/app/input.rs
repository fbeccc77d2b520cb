//! How keys, pasted text and the mouse reach the app: overlays first, then a link number being
//! typed, the search box, and the panes' layer of the keymap; the mouse by where it is.

use crate::search::Scope;
use crate::ui::keymap::{Action, Amount, Dir};
use crate::ui::overlays::palette::Entry;
use crate::ui::overlays::{Help, Outcome, Overlay, Palette};
use crate::ui::panes::results::View;
use crate::ui::panes::search_box::Edit;
use crate::ui::panes::tree::Chosen;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Position;

use super::{App, Focus};

impl App {
    /// Handles a key press.
    pub fn on_key(&mut self, key: KeyEvent) {
        self.dirty = true;
        // A message lasts until the next key: then the key hints come back.
        self.status = None;
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            // Ctrl-C quits from anywhere, whatever the layers say.
            self.quit = true;
            return;
        }
        if self.overlay.is_open() {
            let out = self.overlay.on_key(&self.keymap, key);
            if out != Outcome::Stay {
                self.overlay = Overlay::None;
            }
            match out {
                Outcome::Stay | Outcome::Close => {}
                Outcome::Quit => self.quit = true,
                Outcome::Tag(t) => self.scope_to_tag(&t),
                Outcome::Pick(t) => self.pick(t),
            }
            return;
        }
        if self.link_input.is_some() {
            return self.link_key(key);
        }
        if self.focus == Focus::Search {
            return self.search_key(key);
        }
        if let Some(a) = self.keymap.action_for(key) {
            self.act(a);
        }
    }

    /// Text pasted into the terminal: goes to the search box (or palette) as one line.
    pub fn on_paste(&mut self, text: &str) {
        let line = crate::text::sanitize_line(text);
        if self.overlay.on_paste(&line) {
            self.dirty = true;
            return;
        }
        if self.focus != Focus::Search {
            self.begin_search();
        }
        self.search.paste(&line);
        self.requery(true);
        self.dirty = true;
    }

    pub(super) fn begin_search(&mut self) {
        if self.focus != Focus::Search {
            self.last_pane = self.focus;
        }
        self.search.begin();
        self.pre_edit = Some((self.results.clone(), self.res_sel));
        self.focus = Focus::Search;
    }

    pub(super) fn search_key(&mut self, key: KeyEvent) {
        match self.search.on_key(&self.keymap, key) {
            Edit::None => {}
            Edit::Changed => self.requery(true),
            Edit::Submit => {
                self.pre_edit = None;
                self.focus = Focus::Results;
                self.requery(false);
            }
            Edit::Cancel(back) => {
                if let (Some(_), Some((res, sel))) = (back, self.pre_edit.take()) {
                    self.results = res;
                    self.res_sel = sel;
                    self.search_ticket += 1;
                    self.results_pending = false;
                }
                self.pre_edit = None;
                self.focus = self.last_pane;
            }
            Edit::Select(d) => self.move_results(d.sign()),
            Edit::Leave => {
                self.pre_edit = None;
                self.focus = Focus::Tree;
            }
            Edit::Quit => self.quit = true,
        }
    }

    pub(super) fn panes(&self) -> &'static [Focus] {
        if self.zoom {
            &[Focus::Reader]
        } else {
            &[Focus::Tree, Focus::Results, Focus::Reader]
        }
    }

    pub(super) fn cycle(&mut self, delta: isize) {
        let panes = self.panes();
        let i = panes.iter().position(|p| *p == self.focus).unwrap_or(0) as isize;
        let n = panes.len() as isize;
        self.focus = panes[((i + delta).rem_euclid(n)) as usize];
    }

    pub(super) fn act(&mut self, a: Action) {
        match a {
            Action::Quit => self.quit = true,
            Action::FocusSearch => self.begin_search(),
            Action::Focus(d) => self.cycle(d.sign()),
            Action::Side(Dir::Back) => {
                if self.focus != Focus::Tree && !self.zoom {
                    self.cycle(-1)
                }
            }
            Action::Side(Dir::Forward) => {
                if self.focus != Focus::Reader {
                    self.cycle(1)
                }
            }
            Action::Help => self.overlay = Overlay::Help(Help::default()),
            Action::TagPalette => {
                let entries = self
                    .tree
                    .tree()
                    .all_tags()
                    .map(|t| Entry::new(&t.name, t.count))
                    .collect();
                self.overlay = Overlay::Palette(Palette::new(entries));
            }
            Action::Zoom => {
                self.zoom = !self.zoom;
                if self.zoom {
                    self.focus = Focus::Reader;
                }
            }
            Action::Back => self.back(),
            Action::Tag(d) => self.select_tag(d == Dir::Forward),
            Action::Match(d) => self.jump_match(d == Dir::Forward),
            Action::Open => self.open(),
            Action::Fold => {
                if self.focus == Focus::Tree {
                    self.tree.fold()
                }
            }
            Action::Move(d, n) => self.motion(d, n),
            _ => self.site_action(a),
        }
    }

    pub(super) fn back(&mut self) {
        if self.view != View::Search && self.focus == Focus::Results {
            self.view = View::Search;
            self.last_sent = None;
            self.requery(false);
        } else if self.tag_sel.is_some() {
            self.tag_sel = None;
        } else if self.zoom {
            self.zoom = false;
        } else if self.focus == Focus::Reader {
            self.focus = Focus::Results;
        } else if self.scope != Scope::All && self.focus == Focus::Tree {
            self.scope = Scope::All;
            self.tree.select_all();
            self.requery(false);
        } else if !self.query().is_empty() && self.focus == Focus::Results {
            self.set_query("");
            self.requery(false);
        } else if self.scope != Scope::All && self.focus == Focus::Results {
            // With the query gone, Esc steps out of the category or tag scope.
            self.scope = Scope::All;
            self.requery(false);
        }
    }

    pub(super) fn open(&mut self) {
        match self.focus {
            Focus::Tree => {
                let chosen = self.tree.open();
                self.choose(chosen);
            }
            Focus::Results | Focus::Reader => {
                if let Some(i) = self.tag_sel {
                    let tag = self
                        .article
                        .as_ref()
                        .and_then(|a| a.meta.tags.get(i).cloned());
                    if let Some(t) = tag {
                        self.scope_to_tag(&t);
                    }
                    return;
                }
                if self.focus == Focus::Results {
                    // Enter pressed before the list arrived opens its first article on arrival.
                    self.open_on_arrival = self.results_pending;
                    if !self.results_pending {
                        self.open_selected(true);
                    }
                    self.focus = Focus::Reader;
                }
            }
            Focus::Search => {}
        }
    }

    /// Carries out what a row of the tree chose.
    pub(super) fn choose(&mut self, chosen: Option<Chosen>) {
        match chosen {
            Some(Chosen::Unread) => self.list_unread(),
            Some(Chosen::Scope(scope)) => {
                self.scope = scope;
                self.requery(false);
            }
            None => {}
        }
    }

    pub(super) fn motion(&mut self, dir: Dir, amount: Amount) {
        let sign = dir.sign();
        let page = |rows: usize| rows.max(2) as isize;
        match self.focus {
            Focus::Tree => self.tree.motion(dir, amount),
            Focus::Results => {
                let per = (self.list_rows / 4).max(1) as isize;
                let n = self.results.hits.len() as isize;
                let d = match amount {
                    Amount::Line => 1,
                    Amount::All => n,
                    Amount::HalfPage => per / 2 + 1,
                    Amount::Page => per,
                };
                self.move_results(sign * d);
            }
            Focus::Reader => {
                let total = self.doc.as_ref().map_or(0, |d| d.visual.len());
                let max = total.saturating_sub(self.reader_rows.max(1)) as isize;
                let d = match amount {
                    Amount::Line => 1,
                    Amount::All => total as isize,
                    Amount::HalfPage => page(self.reader_rows) / 2,
                    Amount::Page => page(self.reader_rows) - 1,
                };
                self.scroll = (self.scroll as isize + sign * d).clamp(0, max.max(0)) as usize;
            }
            Focus::Search => {}
        }
    }

    /// Handles the mouse: wheel scrolls the pane under it, click selects, a chip searches its tag.
    pub fn on_mouse(&mut self, m: MouseEvent) {
        let pos = Position::new(m.column, m.row);
        let over = if self.tree.area().contains(pos) {
            Some(Focus::Tree)
        } else if self.hit.results.contains(pos) {
            Some(Focus::Results)
        } else if self.hit.reader.contains(pos) {
            Some(Focus::Reader)
        } else if self.search.area().contains(pos) {
            Some(Focus::Search)
        } else {
            None
        };
        match m.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let Some(pane) = over.filter(|p| *p != Focus::Search) else {
                    return;
                };
                let saved = self.focus;
                self.focus = pane;
                let d = if m.kind == MouseEventKind::ScrollDown {
                    Dir::Forward
                } else {
                    Dir::Back
                };
                for _ in 0..3 {
                    self.motion(d, Amount::Line);
                }
                self.focus = saved;
                self.dirty = true;
            }
            MouseEventKind::Down(MouseButton::Left) => {
                self.dirty = true;
                if let Some((_, tag)) = self
                    .hit
                    .chips
                    .iter()
                    .find(|(r, _)| r.contains(pos))
                    .cloned()
                {
                    self.scope_to_tag(&tag);
                    return;
                }
                match over {
                    Some(Focus::Search) => self.begin_search(),
                    Some(Focus::Tree) => {
                        self.focus = Focus::Tree;
                        let chosen = self.tree.click(m.row);
                        self.choose(chosen);
                    }
                    Some(Focus::Results) => {
                        self.focus = Focus::Results;
                        if let Some(&(_, _, i)) = self
                            .hit
                            .result_items
                            .iter()
                            .find(|(a, b, _)| (*a..=*b).contains(&m.row))
                        {
                            self.res_sel = i;
                            self.open_selected(true);
                        }
                    }
                    Some(Focus::Reader) => self.focus = Focus::Reader,
                    None => {}
                }
            }
            _ => {}
        }
    }
}
