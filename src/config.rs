//! `config.toml`: where it lives and its settings as written, each checked for its type with
//! errors naming the line. What the settings mean for the reader (themes, keys) is
//! `ui::config`'s business; the taxonomy reads `hide_empty_categories` from here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

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

/// Keys as written: `name = [..]` under `[keys]` binds an action of the panes, a table
/// `[keys.LAYER]` (`search_box`, `palette`, `picker`, `help`) holds the bindings of another layer.
#[derive(Debug)]
pub enum KeyEntry {
    Keys(Vec<String>),
    Layer(BTreeMap<Spanned<String>, Spanned<Vec<String>>>),
}

impl<'de> Deserialize<'de> for KeyEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = KeyEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of keys, or a table of a layer's keys")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, a: A) -> Result<KeyEntry, A::Error> {
                Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(a))
                    .map(KeyEntry::Keys)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, a: A) -> Result<KeyEntry, A::Error> {
                Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(a))
                    .map(KeyEntry::Layer)
            }
        }
        d.deserialize_any(V)
    }
}

/// The settings of `config.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    #[serde(default)]
    pub theme: ThemeName,
    #[serde(default)]
    pub ascii_borders: bool,
    #[serde(default)]
    pub default_sort: SortName,
    #[serde(default = "yes")]
    pub show_tip: bool,
    /// Leave built-in categories without articles out of the tree (read by the taxonomy).
    #[serde(default)]
    pub hide_empty_categories: bool,
    #[serde(default)]
    pub code_theme: Option<Spanned<String>>,
    #[serde(default = "yes")]
    pub cjk_spacing: bool,
    #[serde(default)]
    pub opener: Option<String>,
    #[serde(default)]
    pub keys: BTreeMap<Spanned<String>, Spanned<KeyEntry>>,
}

fn yes() -> bool {
    true
}

/// Where the configuration file lives.
pub fn path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "zhiku").map(|d| d.config_dir().join("config.toml"))
}

/// The line (from 1) of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Parses configuration text; errors read `NAME:LINE: reason`.
pub fn parse(text: &str, name: &str) -> Result<File, String> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        format!("{name}:{line}: {}", e.message().trim())
    })
}

/// The text of the configuration file at `path`; `None` when there is none.
pub fn read(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: cannot read: {e}", path.display())),
    }
}

/// The settings of the user's file (defaults when there is none, or it does not parse: the
/// reader and `zhiku config` report that).
pub fn user() -> File {
    path()
        .and_then(|p| read(&p).ok().flatten().map(|t| (p, t)))
        .and_then(|(p, t)| parse(&t, &p.display().to_string()).ok())
        .unwrap_or_else(|| parse("", "").expect("empty config parses"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_and_keys_are_told_apart() {
        let f = parse(
            "hide_empty_categories = true\n[keys]\nsearch = [\"/\"]\n[keys.search_box]\ncancel = [\"Ctrl-g\"]\n",
            "c",
        )
        .unwrap();
        assert!(f.hide_empty_categories);
        let kinds: Vec<(&str, bool)> = f
            .keys
            .iter()
            .map(|(k, v)| {
                (
                    k.get_ref().as_str(),
                    matches!(v.get_ref(), KeyEntry::Keys(_)),
                )
            })
            .collect();
        assert_eq!(kinds, [("search", true), ("search_box", false)]);
        assert!(
            parse("[keys]\ndown = 3\n", "c")
                .unwrap_err()
                .starts_with("c:2:")
        );
    }
}
