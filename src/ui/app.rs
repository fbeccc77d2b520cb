//! The reader's state and how keys, mouse and worker replies change it. Pure: requests for
//! the database are queued in `outbox` and sent by the event loop, so tests drive it directly.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::keymap::{Action, Amount, Dir, Keymap};
use super::overlays::palette::Entry;
use super::overlays::{Help, Outcome, Overlay, Palette};
use super::panes::search_box::{Edit, SearchBox};
use super::panes::tree::{Chosen, TreePane};
use super::site::{Effect, View};
use super::theme::Theme;
use super::worker::{Job, Reply};
use crate::doc::Document;
use crate::search::{Request, Results, Scope, Sort};
use crate::store::Article;

/// Results fetched at a time.
pub const PAGE: usize = 50;

/// Columns of the excerpt window search returns: three times the widest sensible results
/// pane, so the pane fits it to its width at draw time and a resize never asks again.
pub const EXCERPT_WINDOW: usize = 360;

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Search,
    Tree,
    Results,
    Reader,
}

/// A request for the workers.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    Search(u64, Request),
    Job(Job),
}

/// Where the mouse can click, from the last frame.
#[derive(Debug, Clone, Default)]
pub struct Hitmap {
    pub results: Rect,
    pub reader: Rect,
    /// Visible result items: (first row, last row, index).
    pub result_items: Vec<(u16, u16, usize)>,
    /// Tag chips: (area, tag name).
    pub chips: Vec<(Rect, String)>,
    /// The outline is drawn as a side panel of the reader (wide enough) this frame.
    pub outline_side: Option<Rect>,
}

pub struct App {
    pub theme: Theme,
    pub keymap: Keymap,
    /// What the list pane shows.
    pub view: View,
    /// Related articles of the open article, for the box under the reader.
    pub related: Option<(
        crate::store::ArticleId,
        Vec<(crate::store::ArticleId, String)>,
    )>,
    /// Terminal side effects for the event loop (clipboard, browser).
    pub effects: Vec<Effect>,
    /// Linux command tips: (command, what it does); the footer shows the one at `tip_index`.
    pub tips: Vec<(&'static str, &'static str)>,
    pub tip_index: usize,
    pub ascii_borders: bool,
    /// How bodies are rendered (code theme, ASCII rules, spacing), from the configuration.
    pub(in crate::ui) render: crate::doc::RenderOptions,
    /// Digits typed after `f` (follow link number …).
    pub(in crate::ui) link_input: Option<String>,
    /// The article the document was rendered from, and its sideways scroll (kept when the
    /// same article is rendered again: a new query, the same article answered twice).
    pub(in crate::ui) doc_of: Option<(crate::store::ArticleId, usize)>,
    /// Code colours of the open article: asked for (`None`) or arrived.
    pub(in crate::ui) colours: Option<(
        crate::store::ArticleId,
        Option<std::sync::Arc<crate::doc::Colours>>,
    )>,
    /// The configured opener for links, if any.
    pub opener: Option<String>,
    pub show_tip: bool,
    pub focus: Focus,
    /// The pane the search box returns to.
    pub last_pane: Focus,
    pub overlay: Overlay,
    pub(in crate::ui) search: SearchBox,
    /// Results and selection before the current edit, restored by Esc.
    pub(in crate::ui) pre_edit: Option<(Results, usize)>,
    pub scope: Scope,
    pub sort: Sort,
    pub(in crate::ui) tree: TreePane,
    pub results: Results,
    pub results_pending: bool,
    pub res_sel: usize,
    pub article: Option<Article>,
    pub doc: Option<Document>,
    pub scroll: usize,
    /// Lines the reader shows (set by the last frame), for paging.
    pub reader_rows: usize,
    pub list_rows: usize,
    pub tag_sel: Option<usize>,
    pub zoom: bool,
    pub status: Option<(String, bool)>,
    pub verse: Option<String>,
    pub quit: bool,
    pub read_only: bool,
    /// A feed run (`R`) is under way.
    pub fetching: bool,
    pub(in crate::ui) outbox: Vec<Outgoing>,
    pub hit: Hitmap,
    pub(in crate::ui) search_ticket: u64,
    pub(in crate::ui) article_ticket: u64,
    /// The ticket of the article restored at start, while it is on its way.
    pub(in crate::ui) restoring: Option<u64>,
    /// The question asked at start, while an article is restored: its results (however often
    /// they arrive, e.g. again for the first frame's width) do not replace the restored article
    /// with a preview of their first hit. The next question does.
    pub(in crate::ui) pinned: Option<(String, Scope, Sort)>,
    /// The last request sent, so an identical one is not sent again.
    pub(in crate::ui) last_sent: Option<Request>,
    /// The question (text, scope, order) the results on screen answer.
    pub(in crate::ui) shown_question: Option<(String, Scope, Sort)>,
    /// Results asked for; grows by a page as the selection nears the end of the list.
    pub(in crate::ui) limit: usize,
    /// Enter was pressed on a list still being fetched.
    pub(in crate::ui) open_on_arrival: bool,
    pub dirty: bool,
}

impl App {
    pub fn new() -> Self {
        let mut app = App {
            theme: Theme::default(),
            keymap: Keymap::default(),
            view: View::Search,
            related: None,
            effects: Vec::new(),
            tips: Vec::new(),
            tip_index: 0,
            ascii_borders: false,
            render: crate::doc::RenderOptions::default(),
            link_input: None,
            colours: None,
            doc_of: None,
            opener: None,
            show_tip: true,
            focus: Focus::Results,
            last_pane: Focus::Results,
            overlay: Overlay::None,
            search: SearchBox::default(),
            pre_edit: None,
            scope: Scope::All,
            sort: Sort::Relevance,
            tree: TreePane::default(),
            results: Results::default(),
            results_pending: true,
            res_sel: 0,
            article: None,
            doc: None,
            scroll: 0,
            reader_rows: 20,
            list_rows: 20,
            tag_sel: None,
            zoom: false,
            status: None,
            verse: None,
            quit: false,
            read_only: false,
            outbox: Vec::new(),
            hit: Hitmap::default(),
            search_ticket: 0,
            article_ticket: 0,
            restoring: None,
            pinned: None,
            last_sent: None,
            shown_question: None,
            limit: PAGE,
            open_on_arrival: false,
            dirty: true,
            fetching: false,
        };
        app.outbox.push(Outgoing::Job(Job::Tree));
        app.outbox.push(Outgoing::Job(Job::UnreadCount));
        app.requery(false);
        app
    }

    /// Applies the configuration file (before the first query is answered).
    pub fn configure(&mut self, c: super::config::Config) {
        self.theme = c.theme;
        self.keymap = c.keymap;
        self.ascii_borders = c.ascii_borders;
        self.render = c.render;
        self.opener = c.opener;
        if self.article.is_some() {
            self.rebuild_doc();
        }
        self.show_tip = c.show_tip;
        if c.sort != self.sort {
            self.sort = c.sort;
            self.requery(false);
        }
    }

    /// The requests for the workers queued since the last call, in order (the event loop sends
    /// them; tests serve them).
    pub fn take_outbox(&mut self) -> Vec<Outgoing> {
        std::mem::take(&mut self.outbox)
    }

    /// The terminal side effects queued since the last call (clipboard, browser).
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// The Linux command tips the footer cycles through, starting at `first`.
    pub fn set_tips(&mut self, tips: Vec<(&'static str, &'static str)>, first: usize) {
        self.tip_index = first % tips.len().max(1);
        self.tips = tips;
        self.dirty = true;
    }

    /// Lines of the body the reader showed in the last frame (what a page is).
    pub fn reader_rows(&self) -> usize {
        self.reader_rows
    }

    /// The reader fills the screen (`z`).
    pub fn zoomed(&self) -> bool {
        self.zoom
    }

    /// The tip the footer shows, if any.
    pub fn tip(&self) -> Option<(&'static str, &'static str)> {
        self.tips
            .get(self.tip_index)
            .copied()
            .filter(|_| self.show_tip)
    }

    /// The query text in the search box.
    pub fn query(&self) -> String {
        self.search.query()
    }

    pub(super) fn set_query(&mut self, q: &str) {
        self.search.set_query(q);
    }

    /// The category tree.
    pub fn tree(&self) -> &TreePane {
        &self.tree
    }

    /// "全部", "大数据技术", "大数据技术 › ZooKeeper".
    pub fn scope_label(&self) -> String {
        self.tree.scope_label(&self.scope)
    }

    /// Scopes the results to a tag (clicked chip, palette, `Enter` on a selected tag).
    pub fn scope_to_tag(&mut self, tag: &str) {
        self.scope = Scope::Tag(tag.to_owned());
        self.tree.reveal_tag(tag);
        self.set_query("");
        self.tag_sel = None;
        self.focus = Focus::Results;
        self.requery(false);
    }

    /// Handles a worker reply; stale ones are dropped.
    pub fn on_reply(&mut self, r: Reply) {
        self.dirty = true;
        match r {
            Reply::Colours { id, colours } => {
                if self.article.as_ref().is_some_and(|a| a.meta.id == id) {
                    if let Some(d) = &mut self.doc {
                        d.apply_colours(&colours);
                    }
                    self.colours = Some((id, Some(colours)));
                }
            }
            Reply::Results { ticket, res } => self.on_results(ticket, res),
            Reply::Tree(Ok(t)) => {
                self.tree.set_tree(*t);
            }
            Reply::Tree(Err(e)) => self.status = Some((e, true)),
            Reply::StoreChanged => self.refresh(),
            Reply::Unread(Ok(n)) => {
                self.tree.set_unread(n);
            }
            Reply::Unread(Err(e)) => self.status = Some((e, true)),
            Reply::Article {
                ticket,
                res,
                scroll,
            } => self.on_article(ticket, res, scroll),
            other => self.on_site_reply(other),
        }
    }

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

    fn begin_search(&mut self) {
        if self.focus != Focus::Search {
            self.last_pane = self.focus;
        }
        self.search.begin();
        self.pre_edit = Some((self.results.clone(), self.res_sel));
        self.focus = Focus::Search;
    }

    fn search_key(&mut self, key: KeyEvent) {
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

    fn panes(&self) -> &'static [Focus] {
        if self.zoom {
            &[Focus::Reader]
        } else {
            &[Focus::Tree, Focus::Results, Focus::Reader]
        }
    }

    fn cycle(&mut self, delta: isize) {
        let panes = self.panes();
        let i = panes.iter().position(|p| *p == self.focus).unwrap_or(0) as isize;
        let n = panes.len() as isize;
        self.focus = panes[((i + delta).rem_euclid(n)) as usize];
    }

    fn act(&mut self, a: Action) {
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

    fn back(&mut self) {
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

    fn open(&mut self) {
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
    fn choose(&mut self, chosen: Option<Chosen>) {
        match chosen {
            Some(Chosen::Unread) => self.list_unread(),
            Some(Chosen::Scope(scope)) => {
                self.scope = scope;
                self.requery(false);
            }
            None => {}
        }
    }

    fn motion(&mut self, dir: Dir, amount: Amount) {
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

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}
