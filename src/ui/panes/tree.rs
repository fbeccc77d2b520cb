//! The category tree: 全部, 未读 (when the web brought unread articles), categories and the
//! tags of unfolded ones, each with its count. Owns the tree, what is unfolded, the selection
//! and where its rows were drawn; answers Enter and clicks with the scope they choose.

use std::collections::HashSet;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Paragraph;

use crate::search::Scope;
use crate::store::Tree;
use crate::text::{sanitize_line, str_width};
use crate::ui::draw::{Chrome, fit};
use crate::ui::keymap::{Amount, Dir};
use crate::ui::strings as s;

/// A row of the category tree.
#[derive(Debug, Clone, PartialEq)]
pub enum TreeRow {
    All,
    /// 未读: unread articles from the web (shown when there are some).
    Unread,
    Category(usize),
    Tag(usize, usize),
}

/// What choosing a row asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Chosen {
    Scope(Scope),
    Unread,
}

/// The tree pane's state.
#[derive(Debug, Clone, Default)]
pub struct TreePane {
    tree: Tree,
    expanded: HashSet<usize>,
    sel: usize,
    unread: usize,
    /// Where the last frame drew the pane and its rows (screen row, row index).
    area: Rect,
    drawn: Vec<(u16, usize)>,
}

impl TreePane {
    /// The tree with its counts.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn selected(&self) -> usize {
        self.sel
    }

    pub fn is_expanded(&self, category: usize) -> bool {
        self.expanded.contains(&category)
    }

    pub fn unread(&self) -> usize {
        self.unread
    }

    /// Where the last frame drew the pane.
    pub fn area(&self) -> Rect {
        self.area
    }

    pub fn set_tree(&mut self, tree: Tree) {
        self.tree = tree;
        self.clamp();
    }

    pub fn set_unread(&mut self, n: usize) {
        self.unread = n;
        self.clamp();
    }

    fn clamp(&mut self) {
        self.sel = self.sel.min(self.rows().len().saturating_sub(1));
    }

    /// Rows of the tree as shown (categories, and the tags of expanded ones).
    pub fn rows(&self) -> Vec<TreeRow> {
        let mut rows = vec![TreeRow::All];
        if self.unread > 0 {
            rows.push(TreeRow::Unread);
        }
        for (ci, c) in self.tree.categories.iter().enumerate() {
            rows.push(TreeRow::Category(ci));
            if self.expanded.contains(&ci) {
                rows.extend((0..c.tags.len()).map(|ti| TreeRow::Tag(ci, ti)));
            }
        }
        rows
    }

    fn row_scope(&self, row: &TreeRow) -> Scope {
        match *row {
            TreeRow::All | TreeRow::Unread => Scope::All,
            TreeRow::Category(c) => Scope::Category(self.tree.categories[c].name.clone()),
            TreeRow::Tag(c, t) => Scope::Tag(self.tree.categories[c].tags[t].name.clone()),
        }
    }

    /// "全部", "大数据技术", "大数据技术 › ZooKeeper".
    pub fn scope_label(&self, scope: &Scope) -> String {
        match scope {
            Scope::All => s::ALL.to_owned(),
            Scope::Category(c) => c.clone(),
            Scope::Tag(t) => match self.tree.locate_tag(t) {
                Some((ci, _)) => format!("{} › {t}", self.tree.categories[ci].name),
                None => t.clone(),
            },
        }
    }

    /// Unfolds the category of `tag` and selects the tag's row.
    pub fn reveal_tag(&mut self, tag: &str) {
        if let Some((ci, ti)) = self.tree.locate_tag(tag) {
            self.expanded.insert(ci);
            self.sel = self
                .rows()
                .iter()
                .position(|r| *r == TreeRow::Tag(ci, ti))
                .unwrap_or(0);
        }
    }

    /// Selects 全部.
    pub fn select_all(&mut self) {
        self.sel = 0;
    }

    pub fn motion(&mut self, dir: Dir, amount: Amount) {
        let n = self.rows().len() as isize;
        let d = match amount {
            Amount::Line => 1,
            Amount::All => n,
            Amount::HalfPage | Amount::Page => 10,
        };
        self.sel = (self.sel as isize + dir.sign() * d).clamp(0, (n - 1).max(0)) as usize;
    }

    /// Enter: the selected row's scope (a category unfolds too), or the unread list.
    pub fn open(&mut self) -> Option<Chosen> {
        let row = self.rows().get(self.sel).cloned()?;
        if row == TreeRow::Unread {
            return Some(Chosen::Unread);
        }
        if let TreeRow::Category(c) = row {
            self.expanded.insert(c);
        }
        Some(Chosen::Scope(self.row_scope(&row)))
    }

    /// Space: unfolds or folds the category of the selected row.
    pub fn fold(&mut self) {
        let c = match self.rows().get(self.sel) {
            Some(TreeRow::Category(c)) | Some(TreeRow::Tag(c, _)) => *c,
            _ => return,
        };
        if !self.expanded.remove(&c) {
            self.expanded.insert(c);
        }
        self.sel = self
            .rows()
            .iter()
            .position(|r| *r == TreeRow::Category(c))
            .unwrap_or(0);
    }

    /// A click on screen row `y`: selects and opens the row drawn there.
    pub fn click(&mut self, y: u16) -> Option<Chosen> {
        let &(_, i) = self.drawn.iter().find(|(row, _)| *row == y)?;
        self.sel = i;
        self.open()
    }

    /// Draws the tree; `scope` and `unread_view` mark the row the results answer.
    pub fn draw(
        &mut self,
        f: &mut Frame,
        area: Rect,
        c: &Chrome,
        focused: bool,
        scope: &Scope,
        unread_view: bool,
    ) {
        self.area = area;
        self.drawn.clear();
        let block = c.pane(s::TREE, focused);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let rows = self.rows();
        let h = inner.height as usize;
        let offset = self.sel.saturating_sub(h.saturating_sub(1));
        let w = inner.width as usize;
        let mut lines = Vec::new();
        for (i, row) in rows.iter().enumerate().skip(offset).take(h) {
            let (label, count, depth) = match *row {
                TreeRow::All => (s::ALL, self.tree.total, 0),
                TreeRow::Unread => (s::UNREAD, self.unread as i64, 0),
                TreeRow::Category(ci) => {
                    let cat = &self.tree.categories[ci];
                    (cat.name.as_str(), cat.count, 0)
                }
                TreeRow::Tag(ci, t) => {
                    let tag = &self.tree.categories[ci].tags[t];
                    (tag.name.as_str(), tag.count, 1)
                }
            };
            let current = match row {
                TreeRow::Unread => unread_view,
                TreeRow::All => *scope == self.row_scope(row) && !unread_view,
                _ => *scope == self.row_scope(row),
            };
            let marker = match row {
                TreeRow::Category(ci) if self.expanded.contains(ci) => "▾ ",
                TreeRow::Tag(..) if current => "  ► ",
                TreeRow::Tag(..) => "    ",
                _ if current => "► ",
                _ => "▸ ",
            };
            let mut style = if depth == 1 && count == 0 {
                c.theme.dim
            } else {
                Style::new()
            };
            if current {
                style = style.add_modifier(Modifier::BOLD);
            }
            if i == self.sel && focused {
                style = style.patch(c.theme.selected);
            }
            // The name is shortened, never the count.
            let text = crate::present::keep_right(
                &format!("{marker}{}", sanitize_line(label)),
                &format!(" ({})", crate::present::count(count as usize)),
                w,
            );
            let pad = w.saturating_sub(str_width(&text));
            lines.push(fit(vec![(format!("{text}{}", " ".repeat(pad)), style)], w));
            self.drawn.push((inner.y + (i - offset) as u16, i));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}
