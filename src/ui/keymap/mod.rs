//! Keys to actions, in layers: one per context (the panes, the search box, the tag palette,
//! pickers, the help). Each layer is a table of `{keys, action, desc}` ([`defaults`]) that drives
//! the mapping, the configuration file (`[keys]` for the panes, `[keys.search_box]`, `[keys.palette]`,
//! `[keys.picker]`, `[keys.help]`), the `?` help and the footer's hints ([`hints`]).

pub mod defaults;
pub mod hints;

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Which way a step goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dir {
    Back,
    Forward,
}

impl Dir {
    pub fn sign(self) -> isize {
        match self {
            Dir::Back => -1,
            Dir::Forward => 1,
        }
    }
}

/// How far a move goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Amount {
    Line,
    HalfPage,
    Page,
    /// To the top or the bottom.
    All,
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    FocusSearch,
    /// The next or previous pane, round.
    Focus(Dir),
    /// The pane to the left or right, stopping at the edge.
    Side(Dir),
    Move(Dir, Amount),
    Open,
    Fold,
    Match(Dir),
    Tag(Dir),
    TagPalette,
    Back,
    Help,
    Zoom,
    Sort,
    Bookmark,
    Bookmarks,
    History,
    Archive,
    Random,
    RandomList,
    Related,
    OpenUrl,
    CopyUrl,
    CopyMarkdown,
    Outline,
    NextTip,
    FollowLink,
    Links,
    /// Code and tables sideways.
    Shift(Dir),
    FetchFeeds,
    /// Enter in the search box, the palette, a picker.
    Submit,
    /// Esc in the search box, the palette, a picker, the help.
    Cancel,
    /// Clear the search box to the start of the line.
    ClearLine,
    /// Delete the palette's last character.
    DeleteBack,
}

/// A context with keys of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    Main,
    Search,
    Palette,
    Picker,
    Help,
}

impl Layer {
    pub const ALL: [Layer; 5] = [
        Layer::Main,
        Layer::Search,
        Layer::Palette,
        Layer::Picker,
        Layer::Help,
    ];

    /// The table of the layer in `config.toml`.
    pub fn section(self) -> &'static str {
        match self {
            Layer::Main => "[keys]",
            Layer::Search => "[keys.search_box]",
            Layer::Palette => "[keys.palette]",
            Layer::Picker => "[keys.picker]",
            Layer::Help => "[keys.help]",
        }
    }

    /// The layer `[keys.NAME]` names.
    pub fn by_name(name: &str) -> Option<Layer> {
        Layer::ALL
            .into_iter()
            .find(|l| l.section() == format!("[keys.{name}]"))
    }

    /// The default bindings of the layer.
    pub fn bindings(self) -> &'static [Binding] {
        match self {
            Layer::Main => defaults::MAIN,
            Layer::Search => defaults::SEARCH,
            Layer::Palette => defaults::PALETTE,
            Layer::Picker => defaults::PICKER,
            Layer::Help => defaults::HELP,
        }
    }

    /// The binding of the action called `name` in this layer.
    pub fn by_action_name(self, name: &str) -> Option<&'static Binding> {
        self.bindings().iter().find(|b| b.name == name)
    }

    /// The name of `action` in this layer's table.
    pub fn name_of(self, action: Action) -> &'static str {
        self.bindings()
            .iter()
            .find(|b| b.action == action)
            .map_or("?", |b| b.name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// An action's name in the configuration file, default keys and help text.
pub struct Binding {
    pub action: Action,
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub desc: &'static str,
}

/// A key as written in the configuration: `j`, `G`, `Ctrl-d`, `Enter`, `Shift-Tab`, `F5` …
pub fn parse_key(spec: &str) -> Result<KeyEvent, String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = spec.trim();
    loop {
        let lower = rest.to_ascii_lowercase();
        if let Some(r) = lower
            .strip_prefix("ctrl-")
            .or_else(|| lower.strip_prefix("c-"))
        {
            mods |= KeyModifiers::CONTROL;
            rest = &rest[rest.len() - r.len()..];
        } else if let Some(r) = lower.strip_prefix("alt-") {
            mods |= KeyModifiers::ALT;
            rest = &rest[rest.len() - r.len()..];
        } else {
            break;
        }
    }
    let code = match rest.to_ascii_lowercase().as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "delete" | "del" => KeyCode::Delete,
        f if f.len() > 1
            && f.starts_with('f')
            && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
        {
            KeyCode::F(f[1..].parse().unwrap_or(1))
        }
        _ => {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => {
                    KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    })
                }
                _ => {
                    return Err(format!(
                        "unknown key {spec:?} (e.g. \"j\", \"G\", \"Ctrl-d\", \"Enter\", \"PgDn\")"
                    ));
                }
            }
        }
    };
    Ok(KeyEvent::new(code, mods))
}

fn normalize(key: KeyEvent) -> (KeyCode, KeyModifiers) {
    let mods = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
    let code = match key.code {
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
            KeyCode::Char(c.to_ascii_lowercase())
        }
        c => c,
    };
    (code, mods)
}

/// The keys of one layer.
#[derive(Debug, Clone, Default)]
struct Keys {
    map: HashMap<(KeyCode, KeyModifiers), Action>,
    shown: HashMap<Action, Vec<String>>,
}

/// The keys in force: every layer's defaults with the user's bindings over them.
#[derive(Debug, Clone)]
pub struct Keymap {
    layers: [Keys; 5],
}

impl Default for Keymap {
    fn default() -> Self {
        let mut k = Keymap {
            layers: Default::default(),
        };
        for layer in Layer::ALL {
            for b in layer.bindings() {
                let keys: Vec<String> = b.keys.iter().map(|s| s.to_string()).collect();
                k.bind_in(layer, b.action, &keys)
                    .expect("default keys parse");
            }
        }
        k
    }
}

impl Keymap {
    /// Binds `action` of the panes to exactly `keys` (its previous keys are dropped).
    pub fn bind(&mut self, action: Action, keys: &[String]) -> Result<(), String> {
        self.bind_in(Layer::Main, action, keys)
    }

    /// Binds `action` of `layer` to exactly `keys` (its previous keys are dropped).
    pub fn bind_in(&mut self, layer: Layer, action: Action, keys: &[String]) -> Result<(), String> {
        let parsed: Vec<KeyEvent> = keys
            .iter()
            .map(|k| parse_key(k))
            .collect::<Result<_, _>>()?;
        let l = &mut self.layers[layer.index()];
        l.map.retain(|_, a| *a != action);
        for k in parsed {
            l.map.insert(normalize(k), action);
        }
        l.shown.insert(action, keys.to_vec());
        Ok(())
    }

    /// The action for a key in the panes.
    pub fn action_for(&self, key: KeyEvent) -> Option<Action> {
        self.action_in(Layer::Main, key)
    }

    /// The action for a key in `layer`.
    pub fn action_in(&self, layer: Layer, key: KeyEvent) -> Option<Action> {
        self.layers[layer.index()].map.get(&normalize(key)).copied()
    }

    /// The keys bound to an action of the panes, as the help shows them.
    pub fn keys_of(&self, action: Action) -> String {
        self.keys_in(Layer::Main, action)
    }

    /// The keys bound to an action of `layer`: `j / Down`.
    pub fn keys_in(&self, layer: Layer, action: Action) -> String {
        self.layers[layer.index()]
            .shown
            .get(&action)
            .map(|k| k.join(" / "))
            .unwrap_or_default()
    }

    /// The first key of an action of `layer`, as hints show it.
    pub fn first_key(&self, layer: Layer, action: Action) -> Option<&str> {
        self.layers[layer.index()]
            .shown
            .get(&action)
            .and_then(|k| k.first())
            .map(String::as_str)
    }
}

/// The binding of the panes' action called `name` in the configuration file.
pub fn by_name(name: &str) -> Option<&'static Binding> {
    Layer::Main.by_action_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn defaults_map_vim_keys() {
        let m = Keymap::default();
        assert_eq!(
            m.action_for(k('j')),
            Some(Action::Move(Dir::Forward, Amount::Line))
        );
        assert_eq!(m.action_for(k(']')), Some(Action::Tag(Dir::Forward)));
        assert_eq!(
            m.action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            m.action_for(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Move(Dir::Forward, Amount::All))
        );
        assert_eq!(m.action_for(k('x')), None);
        assert_eq!(
            m.keys_of(Action::Move(Dir::Forward, Amount::Line)),
            "j / Down"
        );
    }

    #[test]
    fn every_action_has_a_default_binding() {
        let m = Keymap::default();
        for layer in Layer::ALL {
            for b in layer.bindings() {
                assert!(!m.keys_in(layer, b.action).is_empty(), "{}", b.name);
            }
            // Every layer has a way out.
            assert!(!m.keys_in(layer, Action::Quit).is_empty(), "{layer:?}");
        }
        assert!(by_name("bookmark").is_some());
    }

    #[test]
    fn rebinding_replaces_the_old_keys() {
        let mut m = Keymap::default();
        m.bind(
            Action::Move(Dir::Forward, Amount::Line),
            &["Ctrl-n".into(), "J".into()],
        )
        .unwrap();
        assert_eq!(m.action_for(k('j')), None);
        assert_eq!(
            m.action_for(k('J')),
            Some(Action::Move(Dir::Forward, Amount::Line))
        );
        assert_eq!(
            m.action_for(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            Some(Action::Move(Dir::Forward, Amount::Line))
        );
        assert!(
            m.bind(Action::Move(Dir::Back, Amount::Line), &["Hyper-x".into()])
                .is_err()
        );
        assert_eq!(parse_key("F5").unwrap().code, KeyCode::F(5));
        assert_eq!(parse_key("Shift-Tab").unwrap().code, KeyCode::BackTab);
    }

    #[test]
    fn layers_are_apart() {
        let m = Keymap::default();
        assert_eq!(m.action_in(Layer::Search, k('j')), None);
        assert_eq!(
            m.action_in(Layer::Picker, k('j')),
            Some(Action::Move(Dir::Forward, Amount::Line))
        );
        assert_eq!(m.action_in(Layer::Picker, k('q')), Some(Action::Cancel));
        assert_eq!(Layer::by_name("palette"), Some(Layer::Palette));
        assert_eq!(Layer::by_name("main"), None);
    }
}
