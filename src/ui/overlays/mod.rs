//! Overlays above the panes: the tag palette, pickers (archive, links, outline) and the key
//! help. Each owns its state, reads its own layer of keys and draws itself; what a key decides
//! comes back as an [`Outcome`] for the app to carry out. A new overlay is one variant here and
//! one file beside this one.

pub mod help;
pub mod palette;
pub mod picker;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

pub use help::Help;
pub use palette::Palette;
pub use picker::{Picker, Target};

use super::draw::Chrome;
use super::keymap::Keymap;

/// An overlay above the panes.
#[derive(Debug, Clone, Default)]
pub enum Overlay {
    #[default]
    None,
    Help(Help),
    Palette(Palette),
    /// A list to pick from: the archive's months, the article's links, its outline.
    Picker(Picker),
}

/// What a key in an overlay asks the app for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The overlay handled it and stays.
    Stay,
    Close,
    Quit,
    /// Close, and scope the results to this tag (the palette).
    Tag(String),
    /// Close, and go where the picked row leads.
    Pick(Target),
}

impl Overlay {
    pub fn is_open(&self) -> bool {
        !matches!(self, Overlay::None)
    }

    /// Hands a key to the open overlay.
    pub fn on_key(&mut self, km: &Keymap, key: KeyEvent) -> Outcome {
        match self {
            Overlay::None => Outcome::Close,
            Overlay::Help(h) => h.on_key(km, key),
            Overlay::Palette(p) => p.on_key(km, key),
            Overlay::Picker(p) => p.on_key(km, key),
        }
    }

    /// Pasted text; `false` when the overlay takes no text.
    pub fn on_paste(&mut self, text: &str) -> bool {
        match self {
            Overlay::Palette(p) => {
                p.type_str(text);
                true
            }
            _ => false,
        }
    }

    /// The overlay wants a panel beside the reader (the outline, when the reader is wide).
    pub fn wants_side(&self) -> bool {
        matches!(self, Overlay::Picker(p) if p.side())
    }

    /// Draws the overlay over `area`; `side` is the panel the reader left free for it.
    pub fn draw(&self, f: &mut Frame, area: Rect, side: Option<Rect>, c: &Chrome) {
        match self {
            Overlay::None => {}
            Overlay::Help(h) => h.draw(f, area, c),
            Overlay::Palette(p) => p.draw(f, area, c),
            Overlay::Picker(p) => p.draw(f, area, side, c),
        }
    }
}
