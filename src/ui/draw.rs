//! Drawing helpers every pane and overlay shares: fitting styled text to a width, match
//! highlights, padded list rows, borders, and overlays' frames. Every title passes the one
//! sanitiser here.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::keymap::Keymap;
use super::theme::Theme;
use crate::text::{sanitize_line, str_width, truncate_to_width};

/// What every drawing reads besides its own state: colours, border style, the keys in force.
#[derive(Clone, Copy)]
pub struct Chrome<'a> {
    pub theme: &'a Theme,
    pub ascii: bool,
    pub keymap: &'a Keymap,
}

impl Chrome<'_> {
    /// A bordered block titled `title` (sanitised), highlighted when `focused`; a focused
    /// pane's title starts with `▸`.
    pub fn pane(&self, title: &str, focused: bool) -> Block<'static> {
        let title = title_text(title);
        let style = if focused {
            self.theme.border_focused
        } else {
            self.theme.border
        };
        let title = if focused {
            format!("▸{}", title.trim_start())
        } else {
            title
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(style)
            .title(Span::styled(
                title,
                if focused { style } else { self.theme.title },
            ));
        self.bordered(block)
    }

    /// An overlay's frame.
    pub fn overlay(&self, title: &str) -> Block<'static> {
        let b = Block::default()
            .borders(Borders::ALL)
            .border_style(self.theme.border_focused)
            .title(title_text(title));
        self.bordered(b)
    }

    fn bordered(&self, b: Block<'static>) -> Block<'static> {
        if self.ascii { b.border_set(ASCII) } else { b }
    }

    /// The `rows` rows of a list around `selected` (highlighted), sanitised and padded to `w`.
    pub fn list_lines(
        &self,
        labels: &[&str],
        selected: usize,
        rows: usize,
        w: usize,
    ) -> Vec<Line<'static>> {
        let offset = selected.saturating_sub(rows.saturating_sub(1));
        labels
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .map(|(i, label)| {
                let st = if i == selected {
                    self.theme.selected
                } else {
                    Style::new()
                };
                pad_line(fit(vec![(sanitize_line(label), st)], w), w, st)
            })
            .collect()
    }
}

/// Fits styled pieces into `width` columns, ending with `⋯` when cut.
pub fn fit(pieces: Vec<(String, Style)>, width: usize) -> Line<'static> {
    let total: usize = pieces.iter().map(|(t, _)| str_width(t)).sum();
    let mut room = if total > width {
        width.saturating_sub(1)
    } else {
        width
    };
    let mut spans = Vec::new();
    for (t, st) in pieces {
        if room == 0 {
            break;
        }
        let cut = truncate_to_width(&t, room);
        room -= str_width(cut);
        spans.push(Span::styled(cut.to_owned(), st));
        if cut.len() < t.len() {
            break;
        }
    }
    if total > width && width > 0 {
        spans.push(Span::raw("⋯"));
    }
    Line::from(spans)
}

/// Splits `text` into pieces, with `hl` patched over the byte ranges in `ranges`.
pub fn marked(
    text: &str,
    ranges: &[std::ops::Range<usize>],
    base: Style,
    hl: Style,
) -> Vec<(String, Style)> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in ranges {
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        if r.start > at {
            out.push((sanitize_line(&text[at..r.start]), base));
        }
        out.push((sanitize_line(&text[r.clone()]), base.patch(hl)));
        at = r.end;
    }
    if at < text.len() {
        out.push((sanitize_line(&text[at..]), base));
    }
    out
}

/// A widget title: every title passes the one sanitiser here, whatever it is built from
/// (article titles, scope names, tags), so no pane or overlay title can carry an escape.
fn title_text(title: &str) -> String {
    sanitize_line(title)
}

/// Borders for terminals that draw box-drawing characters two cells wide.
pub const ASCII: ratatui::symbols::border::Set = ratatui::symbols::border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

pub fn pad_line(mut line: Line<'static>, w: usize, style: Style) -> Line<'static> {
    let used = line.width();
    if used < w {
        line.spans.push(Span::styled(" ".repeat(w - used), style));
    }
    line
}

/// Blanks wide characters that straddle the edge of an overlay about to be drawn at `r`, so no
/// half of a wide character is left under or beside the overlay's border.
pub fn unstraddle(buf: &mut ratatui::buffer::Buffer, r: Rect) {
    let area = buf.area;
    for y in r.top()..r.bottom().min(area.bottom()) {
        let mut x = area.left();
        while x < area.right() {
            let w = (crate::text::str_width(buf[(x, y)].symbol()) as u16).max(1);
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

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
