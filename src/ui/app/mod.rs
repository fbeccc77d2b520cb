//! The reader's state and how keys, mouse and worker replies change it. Pure: requests for
//! the database are queued in `outbox` and sent by the event loop, so tests drive it directly.

use ratatui::layout::Rect;

use super::keymap::Keymap;
use super::overlays::Overlay;
use super::panes::results::View;
use super::panes::search_box::SearchBox;
use super::panes::tree::TreePane;
use super::theme::Theme;
use super::worker::{Job, Reply};
use crate::doc::Document;
use crate::search::{Request, Results, Scope, Sort};
use crate::store::Article;

/// Results fetched at a time.
mod actions;
mod input;

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

/// A side effect only the event loop can perform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Open a URL in the system browser.
    OpenUrl(String),
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
}

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}
