//! Colours and styles. Tag chips get a colour hashed from the tag's name: stable, meaningless.

use ratatui::style::{Color, Modifier, Style};

use crate::doc::Kind;

#[derive(Debug, Clone)]
pub struct Theme {
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub selected: Style,
    pub highlight: Style,
    /// The match `n`/`N` is on.
    pub current_match: Style,
    pub dim: Style,
    pub read: Style,
    pub meta: Style,
    pub key: Style,
    pub notice: Style,
    pub error: Style,
    pub code: Style,
    pub heading: Style,
    pub quote: Style,
    chips: [Color; 8],
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            border: Style::new().fg(Color::DarkGray),
            border_focused: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            title: Style::new().add_modifier(Modifier::BOLD),
            selected: Style::new()
                .bg(Color::Indexed(236))
                .add_modifier(Modifier::BOLD),
            highlight: Style::new().fg(Color::Black).bg(Color::Yellow),
            current_match: Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            dim: Style::new().fg(Color::DarkGray),
            read: Style::new().fg(Color::Gray),
            meta: Style::new().fg(Color::Indexed(244)),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            notice: Style::new().fg(Color::Green),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            code: Style::new().fg(Color::Indexed(180)),
            heading: Style::new()
                .fg(Color::Indexed(75))
                .add_modifier(Modifier::BOLD),
            quote: Style::new()
                .fg(Color::Indexed(250))
                .add_modifier(Modifier::ITALIC),
            chips: [
                Color::Indexed(31),
                Color::Indexed(64),
                Color::Indexed(130),
                Color::Indexed(97),
                Color::Indexed(25),
                Color::Indexed(131),
                Color::Indexed(29),
                Color::Indexed(94),
            ],
        }
    }
}

impl Theme {
    /// Colours for terminals with a light background.
    pub fn light() -> Self {
        Theme {
            border: Style::new().fg(Color::Gray),
            border_focused: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            selected: Style::new()
                .bg(Color::Indexed(254))
                .add_modifier(Modifier::BOLD),
            dim: Style::new().fg(Color::Indexed(245)),
            read: Style::new().fg(Color::Indexed(243)),
            meta: Style::new().fg(Color::Indexed(241)),
            key: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            notice: Style::new().fg(Color::Indexed(28)),
            code: Style::new().fg(Color::Indexed(94)),
            heading: Style::new()
                .fg(Color::Indexed(25))
                .add_modifier(Modifier::BOLD),
            quote: Style::new()
                .fg(Color::Indexed(240))
                .add_modifier(Modifier::ITALIC),
            ..Theme::default()
        }
    }
    /// The style of a kind of body text.
    pub fn kind(&self, k: Kind) -> Style {
        match k {
            Kind::Text => Style::new(),
            Kind::Strong => Style::new().add_modifier(Modifier::BOLD),
            Kind::Emphasis => Style::new().add_modifier(Modifier::ITALIC),
            Kind::Code => self.code,
            Kind::Link => Style::new()
                .fg(Color::Cyan)
                .add_modifier(Modifier::UNDERLINED),
            Kind::Url => Style::new().fg(Color::Indexed(67)),
            Kind::Heading => self.heading,
            Kind::Quote => self.quote,
            Kind::Marker | Kind::Dim => self.dim,
            Kind::Syntax(c) => Style::new().fg(Color::Rgb(c.0, c.1, c.2)),
        }
    }

    /// A tag chip's style: white on a colour hashed from the name (FNV-1a).
    pub fn chip(&self, tag: &str) -> Style {
        let mut h: u32 = 0x811c_9dc5;
        for b in tag.bytes() {
            h = (h ^ b as u32).wrapping_mul(0x0100_0193);
        }
        Style::new()
            .fg(Color::White)
            .bg(self.chips[(h % self.chips.len() as u32) as usize])
    }
}
