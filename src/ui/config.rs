//! What `config.toml` means for the reader: theme, borders, sort, the tip, code colours and the
//! keys of every layer. The file itself (where it lives, its settings as written) is
//! [`crate::config`]; unknown keys and bad values are errors that name the line.

use crate::doc::RenderOptions;
use std::path::Path;

use toml::Spanned;

use super::keymap::{Keymap, Layer};
use super::theme::Theme;
use crate::config::{KeyEntry, SortName, ThemeName, line_of};
use crate::search::Sort;

pub use crate::config::path;

/// The configuration in force.
#[derive(Debug, Clone)]
pub struct Config {
    pub theme: Theme,
    pub ascii_borders: bool,
    pub sort: Sort,
    pub show_tip: bool,
    /// Leave built-in categories without articles out of the tree (read by the taxonomy).
    pub hide_empty_categories: bool,
    /// How article bodies are drawn: code theme, ASCII rules, Chinese/Latin spacing.
    pub render: RenderOptions,
    /// The program links open with (`o`, `f`): unset means $BROWSER, then xdg-open / open.
    pub opener: Option<String>,
    pub keymap: Keymap,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            theme: Theme::default(),
            ascii_borders: false,
            sort: Sort::Relevance,
            show_tip: true,
            hide_empty_categories: false,
            render: RenderOptions::default(),
            opener: None,
            keymap: Keymap::default(),
        }
    }
}

/// Parses configuration text; errors read `NAME:LINE: reason`.
pub fn parse(text: &str, name: &str) -> Result<Config, String> {
    let file = crate::config::parse(text, name)?;
    let mut keymap = Keymap::default();
    let mut main = Vec::new();
    for (action, entry) in &file.keys {
        match entry.get_ref() {
            KeyEntry::Keys(keys) => {
                let keys = Spanned::new(entry.span(), keys.clone());
                main.push((action.clone(), keys));
            }
            KeyEntry::Layer(table) => {
                let line = line_of(text, action.span().start);
                let layer = Layer::by_name(action.get_ref())
                    .filter(|l| *l != Layer::Main)
                    .ok_or_else(|| {
                        format!(
                            "{name}:{line}: unknown key layer {:?}; layers are: search_box, palette, picker, help",
                            crate::text::sanitize_line(action.get_ref())
                        )
                    })?;
                let entries: Vec<_> = table.iter().map(|(a, k)| (a.clone(), k.clone())).collect();
                bind_layer(&mut keymap, layer, &entries, text, name)?;
            }
        }
    }
    bind_layer(&mut keymap, Layer::Main, &main, text, name)?;
    let dark = file.theme == ThemeName::Dark;
    let code_theme = match &file.code_theme {
        None => Some(crate::doc::default_theme(dark)),
        Some(t) if t.get_ref() == "none" => None,
        Some(t) => Some(crate::doc::find_theme(t.get_ref()).ok_or_else(|| {
            format!(
                "{name}:{}: unknown code_theme {:?}; themes are: none, {}",
                line_of(text, t.span().start),
                crate::text::sanitize_line(t.get_ref()),
                crate::doc::theme_names().join(", ")
            )
        })?),
    };
    Ok(Config {
        render: RenderOptions {
            code_theme,
            ascii: file.ascii_borders,
            cjk_spacing: file.cjk_spacing,
        },
        opener: file
            .opener
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty()),
        theme: match file.theme {
            ThemeName::Dark => Theme::default(),
            ThemeName::Light => Theme::light(),
        },
        ascii_borders: file.ascii_borders,
        sort: match file.default_sort {
            SortName::Relevance => Sort::Relevance,
            SortName::Newest => Sort::Newest,
            SortName::MostViewed => Sort::MostViewed,
            SortName::Oldest => Sort::Oldest,
        },
        show_tip: file.show_tip,
        hide_empty_categories: file.hide_empty_categories,
        keymap,
    })
}

/// Loads the configuration file at `path`; a missing file means the defaults.
pub fn load(path: &Path) -> Result<Config, String> {
    match crate::config::read(path)? {
        Some(text) => parse(&text, &path.display().to_string()),
        None => Ok(Config::default()),
    }
}

/// Binds what one layer's table of `config.toml` says. A key means one thing in a layer: not
/// two rebound actions, and not an action this table leaves alone (`down = ["q"]` would leave
/// quit with no key while the footer still says q).
fn bind_layer(
    keymap: &mut Keymap,
    layer: Layer,
    entries: &[(Spanned<String>, Spanned<Vec<String>>)],
    text: &str,
    name: &str,
) -> Result<(), String> {
    let section = layer.section();
    let mut bound = Vec::new();
    for (action, keys) in entries {
        let line = line_of(text, action.span().start);
        let Some(b) = layer.by_action_name(action.get_ref()) else {
            let names: Vec<&str> = layer.bindings().iter().map(|b| b.name).collect();
            return Err(format!(
                "{name}:{line}: unknown action {:?} in {section}; actions are: {}",
                crate::text::sanitize_line(action.get_ref()),
                names.join(", ")
            ));
        };
        if keys.get_ref().is_empty() {
            return Err(format!("{name}:{line}: {} needs at least one key", b.name));
        }
        let at = line_of(text, keys.span().start);
        keymap
            .bind_in(layer, b.action, keys.get_ref())
            .map_err(|e| format!("{name}:{at}: {e}"))?;
        bound.push((b.action, keys.get_ref(), at));
    }
    let defaults = Keymap::default();
    for &(action, keys, line) in &bound {
        for k in keys {
            let Ok(ev) = super::keymap::parse_key(k) else {
                continue;
            };
            if let Some(other) = keymap.action_in(layer, ev).filter(|&o| o != action) {
                return Err(format!(
                    "{name}:{line}: key {k:?} is bound twice in {section}: to {} and to {}",
                    layer.name_of(action),
                    layer.name_of(other)
                ));
            }
            if let Some(owner) = defaults
                .action_in(layer, ev)
                .filter(|&o| o != action && !bound.iter().any(|e| e.0 == o))
            {
                let owner = layer.name_of(owner);
                return Err(format!(
                    "{name}:{line}: key {k:?} is already {owner}'s key in {section}; give {owner} other keys there too"
                ));
            }
        }
    }
    Ok(())
}

/// The commented default configuration (`zhiku config --default`).
pub fn default_text() -> String {
    let mut s = String::from(
        "# zhiku 配置文件 / configuration (zhiku config --path shows where it lives)\n\n\
         # \"dark\" or \"light\"\n\
         theme = \"dark\"\n\n\
         # Draw borders with + - | for terminals that show box-drawing characters two cells wide\n\
         ascii_borders = false\n\n\
         # Order of search results: \"relevance\", \"newest\", \"most_viewed\" or \"oldest\" (s cycles)\n\
         default_sort = \"relevance\"\n\n\
         # A random Linux command in the footer (T shows another)\n\
         show_tip = true\n\n\
         # Leave built-in categories that have no articles out of the category tree\n\
         hide_empty_categories = false\n\n\
         # Colours of code blocks: a theme name (\"OneHalfDark\", \"Dracula\", \"GitHub\", \"Nord\"…), or\n\
         # \"none\" for one colour. Unset: matched to the theme above.\n\
         # code_theme = \"OneHalfDark\"\n\n\
         # A space between Chinese and Latin letters or digits when reading (使用Redis → 使用 Redis)\n\
         cjk_spacing = true\n\n\
         # The program that opens links (o, f): the URL is its last argument. Unset: $BROWSER,\n\
         # then xdg-open (open on macOS).\n\
         # opener = \"firefox --new-tab\"\n\n\
         # Key bindings: action = [\"key\", ...]. Keys: \"j\", \"G\", \"Ctrl-d\", \"Alt-x\", \"Enter\", \"Esc\",\n\
         # \"Tab\", \"Shift-Tab\", \"Space\", \"Backspace\", \"Up\", \"Down\", \"Left\", \"Right\", \"Home\", \"End\",\n\
         # \"PgUp\", \"PgDn\", \"F1\"…\"F12\". Uncomment a line to change it. [keys] holds the panes'\n\
         # keys; the search box, the tag palette, pickers and the help have tables of their own.\n",
    );
    for layer in Layer::ALL {
        s.push_str(&format!("\n{}\n", layer.section()));
        for b in layer.bindings() {
            let keys: Vec<String> = b.keys.iter().map(|k| format!("{k:?}")).collect();
            s.push_str(&format!(
                "# {} = [{}]    # {}\n",
                b.name,
                keys.join(", "),
                b.desc
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::keymap::{Action, Amount, Dir};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn the_default_text_parses_to_the_defaults() {
        let c = parse(&default_text(), "config.toml").unwrap();
        assert!(!c.ascii_borders && c.show_tip && c.sort == Sort::Relevance);
        assert_eq!(
            c.keymap.keys_of(Action::Move(Dir::Forward, Amount::Line)),
            "j / Down"
        );
    }

    #[test]
    fn settings_and_keys_apply() {
        let c = parse("theme = \"light\"\nascii_borders = true\ndefault_sort = \"newest\"\nshow_tip = false\n[keys]\ndown = [\"J\", \"Ctrl-n\"]\n", "c").unwrap();
        assert!(c.ascii_borders && !c.show_tip && c.sort == Sort::Newest);
        let k = KeyEvent::new(KeyCode::Char('J'), KeyModifiers::SHIFT);
        assert_eq!(
            c.keymap.action_for(k),
            Some(Action::Move(Dir::Forward, Amount::Line))
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = |t: &str| parse(t, "config.toml").unwrap_err();
        assert!(
            e("theme = \"dark\"\ncolour = 3\n")
                .starts_with("config.toml:2: unknown field `colour`"),
            "{}",
            e("theme = \"dark\"\ncolour = 3\n")
        );
        assert!(
            e("\n\ntheme = \"blue\"\n").starts_with("config.toml:3: unknown variant `blue`"),
            "{}",
            e("\n\ntheme = \"blue\"\n")
        );
        assert!(e("show_tip = \"yes\"\n").starts_with("config.toml:1:"));
        assert!(e("[keys]\ndwn = [\"j\"]\n").starts_with("config.toml:2: unknown action \"dwn\""));
        assert!(e("[keys]\n\ndown = [\"Hyper-j\"]\n").starts_with("config.toml:3: unknown key"));
        assert!(e("[keys]\ndown = []\n").starts_with("config.toml:2: down needs at least one key"));
        // A key taken from an action left alone, or bound to two actions.
        let m = e("theme = \"dark\"\n[keys]\ndown = [\"q\"]\n");
        assert!(
            m.starts_with("config.toml:3: key \"q\" is already quit's key"),
            "{m}"
        );
        let m = e("[keys]\ndown = [\"x\"]\nup = [\"x\"]\n");
        assert!(
            m.starts_with("config.toml:2: key \"x\" is bound twice"),
            "{m}"
        );
        // Swapping keys between two rebound actions is fine.
        parse("[keys]\ndown = [\"k\"]\nup = [\"j\"]\n", "c").unwrap();
        parse("[keys]\nquit = [\"Q\"]\ndown = [\"q\"]\n", "c").unwrap();
    }

    #[test]
    fn every_layer_is_rebound_and_checked_on_its_own() {
        let c = parse(
            "[keys]\nquit = [\"Q\"]\n[keys.picker]\ncancel = [\"x\"]\n[keys.search_box]\nsubmit = [\"Ctrl-j\"]\n",
            "c",
        )
        .unwrap();
        let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(c.keymap.action_in(Layer::Picker, x), Some(Action::Cancel));
        assert_eq!(c.keymap.action_in(Layer::Main, x), None);
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(
            c.keymap.action_in(Layer::Picker, q),
            None,
            "q dropped from cancel"
        );
        // The same key in two layers is fine; twice in one layer is not.
        parse("[keys.palette]\ncancel = [\"q\"]\n", "c").unwrap();
        let e = |t: &str| parse(t, "config.toml").unwrap_err();
        let m = e("[keys.palette]\ndown = [\"Esc\"]\n");
        assert!(
            m.starts_with("config.toml:2: key \"Esc\" is already cancel's key in [keys.palette]"),
            "{m}"
        );
        let m = e("[keys.help]\ndown = [\"x\"]\nup = [\"x\"]\n");
        assert!(
            m.starts_with("config.toml:2: key \"x\" is bound twice in [keys.help]"),
            "{m}"
        );
        let m = e("[keys.pickr]\ncancel = [\"x\"]\n");
        assert!(
            m.starts_with("config.toml:1: unknown key layer \"pickr\""),
            "{m}"
        );
        let m = e("[keys.picker]\nzoom = [\"x\"]\n");
        assert!(
            m.starts_with("config.toml:2: unknown action \"zoom\" in [keys.picker]"),
            "{m}"
        );
    }

    #[test]
    fn a_missing_file_means_defaults() {
        let c = load(Path::new("/nonexistent/zhiku/config.toml")).unwrap();
        assert!(c.show_tip);
    }
}
