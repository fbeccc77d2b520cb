//! `config.toml`: theme, ASCII borders, default sort, the tip, and key bindings. Unknown keys and
//! bad values are errors that name the line; nothing is silently ignored.

use crate::doc::RenderOptions;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::keymap::{BINDINGS, Keymap, by_name};
use super::theme::Theme;
use crate::search::Sort;

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SortName {
    #[default]
    Relevance,
    Newest,
    MostViewed,
    Oldest,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    theme: ThemeName,
    #[serde(default)]
    ascii_borders: bool,
    #[serde(default)]
    default_sort: SortName,
    #[serde(default = "yes")]
    show_tip: bool,
    #[serde(default)]
    hide_empty_categories: bool,
    #[serde(default)]
    code_theme: Option<Spanned<String>>,
    #[serde(default = "yes")]
    cjk_spacing: bool,
    #[serde(default)]
    opener: Option<String>,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, Spanned<Vec<String>>>,
}

fn yes() -> bool {
    true
}

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

/// Where the configuration file lives.
pub fn path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "zhiku").map(|d| d.config_dir().join("config.toml"))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Parses configuration text; errors read `NAME:LINE: reason`.
pub fn parse(text: &str, name: &str) -> Result<Config, String> {
    let file: File = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        format!("{name}:{line}: {}", e.message().trim())
    })?;
    let mut keymap = Keymap::default();
    let mut entries = Vec::new();
    for (action, keys) in &file.keys {
        let line = line_of(text, action.span().start);
        let Some(b) = by_name(action.get_ref()) else {
            let names: Vec<&str> = BINDINGS.iter().map(|b| b.name).collect();
            return Err(format!(
                "{name}:{line}: unknown action {:?} in [keys]; actions are: {}",
                action.get_ref(),
                names.join(", ")
            ));
        };
        if keys.get_ref().is_empty() {
            return Err(format!("{name}:{line}: {} needs at least one key", b.name));
        }
        keymap
            .bind(b.action, keys.get_ref())
            .map_err(|e| format!("{name}:{}: {e}", line_of(text, keys.span().start)))?;
        entries.push((b.action, keys.get_ref(), line_of(text, keys.span().start)));
    }
    // A key means one thing: not two rebound actions, and not an action this file leaves
    // alone (`down = ["q"]` would leave quit with no key while the footer still says q).
    let defaults = Keymap::default();
    let name_of = |a| {
        BINDINGS
            .iter()
            .find(|b| b.action == a)
            .map_or("?", |b| b.name)
    };
    for &(action, keys, line) in &entries {
        for k in keys {
            let Ok(ev) = super::keymap::parse_key(k) else {
                continue;
            };
            if let Some(other) = keymap.action_for(ev).filter(|&o| o != action) {
                return Err(format!(
                    "{name}:{line}: key {k:?} is bound twice: to {} and to {}",
                    name_of(action),
                    name_of(other)
                ));
            }
            if let Some(owner) = defaults
                .action_for(ev)
                .filter(|&o| o != action && !entries.iter().any(|e| e.0 == o))
            {
                return Err(format!(
                    "{name}:{line}: key {k:?} is already {}'s key; give {} other keys in [keys] too",
                    name_of(owner),
                    name_of(owner)
                ));
            }
        }
    }
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
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(format!("{}: cannot read: {e}", path.display())),
    }
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
         # \"PgUp\", \"PgDn\", \"F1\"…\"F12\". Uncomment a line to change it.\n\
         [keys]\n",
    );
    for b in BINDINGS {
        let keys: Vec<String> = b.keys.iter().map(|k| format!("{k:?}")).collect();
        s.push_str(&format!(
            "# {} = [{}]    # {}\n",
            b.name,
            keys.join(", "),
            b.desc
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::keymap::Action;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn the_default_text_parses_to_the_defaults() {
        let c = parse(&default_text(), "config.toml").unwrap();
        assert!(!c.ascii_borders && c.show_tip && c.sort == Sort::Relevance);
        assert_eq!(c.keymap.keys_of(Action::Down), "j / Down");
    }

    #[test]
    fn settings_and_keys_apply() {
        let c = parse("theme = \"light\"\nascii_borders = true\ndefault_sort = \"newest\"\nshow_tip = false\n[keys]\ndown = [\"J\", \"Ctrl-n\"]\n", "c").unwrap();
        assert!(c.ascii_borders && !c.show_tip && c.sort == Sort::Newest);
        let k = KeyEvent::new(KeyCode::Char('J'), KeyModifiers::SHIFT);
        assert_eq!(c.keymap.action_for(k), Some(Action::Down));
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
    fn a_missing_file_means_defaults() {
        let c = load(Path::new("/nonexistent/zhiku/config.toml")).unwrap();
        assert!(c.show_tip);
    }
}
