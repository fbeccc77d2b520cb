//! A laid-out [`Document`] as ratatui lines: the document's kinds through the theme.

use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::doc::{Document, Hit, Kind};

/// Visual lines `[from, from + n)` of `doc`, styled.
pub fn lines<'a>(doc: &'a Document, from: usize, n: usize, theme: &Theme) -> Vec<Line<'a>> {
    doc.visual
        .iter()
        .skip(from)
        .take(n)
        .map(|v| {
            let (prefix, pieces) = doc.segments(v);
            let mut spans = Vec::with_capacity(pieces.len() + 1);
            if !prefix.is_empty() {
                spans.push(Span::styled(prefix, theme.kind(Kind::Marker)));
            }
            for (text, kind, hit) in pieces {
                let mut style = theme.kind(kind);
                match hit {
                    Hit::No => {}
                    Hit::Match => style = style.patch(theme.highlight),
                    Hit::Current => style = style.patch(theme.current_match),
                }
                spans.push(Span::styled(text, style));
            }
            Line::from(spans)
        })
        .collect()
}
