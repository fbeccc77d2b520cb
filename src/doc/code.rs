//! Code blocks highlighted by language: syntect with bat's syntaxes and themes (two-face).
//! Done once when an article is rendered, never while drawing. Bounded: very long lines,
//! very long blocks and whole articles past a budget fall back to plain code, so a 5,000-line
//! block or a 10,000-column line cannot stall the reader.

use std::ops::Range;
use std::sync::OnceLock;

use syntect::easy::HighlightLines;
use syntect::highlighting::Theme;
use syntect::parsing::{SyntaxReference, SyntaxSet};
use two_face::theme::{EmbeddedLazyThemeSet, EmbeddedThemeName};

use super::Rgb;

/// The colour runs of one line: byte ranges and their colour.
pub type LineColours = Vec<(Range<usize>, Rgb)>;

/// Lines longer than this (bytes) are not highlighted (syntect is slow on huge lines).
const MAX_LINE: usize = 2_000;
/// At most this many bytes of code per article are highlighted; the rest is plain.
pub(super) const BUDGET: usize = 128 * 1024;
/// A language label longer than this is junk, not a language.
const MAX_LANG: usize = 32;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

fn themes() -> &'static EmbeddedLazyThemeSet {
    static SET: OnceLock<EmbeddedLazyThemeSet> = OnceLock::new();
    SET.get_or_init(two_face::theme::extra)
}

/// Loads the syntaxes ahead of the first article (the reader calls it on a thread at start):
/// deserialising them is the slow part of the first highlight.
pub fn warm_up() {
    let _ = syntaxes().find_syntax_by_token("rust");
}

/// The themes a user may name in `code_theme`.
pub fn theme_names() -> Vec<&'static str> {
    EmbeddedLazyThemeSet::theme_names()
        .iter()
        .map(|t| t.as_name())
        .collect()
}

/// The theme called `name` (case and spaces ignored), if there is one.
pub fn find_theme(name: &str) -> Option<EmbeddedThemeName> {
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let want = key(name);
    EmbeddedLazyThemeSet::theme_names()
        .iter()
        .copied()
        .find(|t| key(t.as_name()) == want)
}

/// The default code theme for a dark or a light terminal.
pub fn default_theme(dark: bool) -> EmbeddedThemeName {
    if dark {
        EmbeddedThemeName::OneHalfDark
    } else {
        EmbeddedThemeName::OneHalfLight
    }
}

/// The syntax for a fence's language (`rust`, `rs`, `Dockerfile`, `yml`, `shell`…).
fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    let lang = lang.trim();
    if lang.is_empty() || lang.len() > MAX_LANG {
        return None;
    }
    let set = syntaxes();
    let alias = match lang.to_ascii_lowercase().as_str() {
        "shell" | "sh" | "zsh" | "console" | "shellscript" => "bash",
        "golang" => "go",
        "js" | "jsx" | "node" => "javascript",
        "ts" | "tsx" => "typescript",
        "yml" => "yaml",
        "py" | "python3" => "python",
        "c++" => "cpp",
        "c#" | "csharp" => "cs",
        "kt" => "kotlin",
        "conf" | "nginx.conf" => "nginx",
        "text" | "plain" | "plaintext" | "txt" | "none" => return None,
        other => {
            return set
                .find_syntax_by_token(other)
                .or_else(|| by_name(set, lang));
        }
    };
    set.find_syntax_by_token(alias)
}

fn by_name<'a>(set: &'a SyntaxSet, lang: &str) -> Option<&'a SyntaxReference> {
    set.syntaxes()
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(lang))
}

/// Colour runs for each line of `code` (lines split at '\n'), or `None` when the language is
/// unknown or missing: the block is then plain code. `budget` is decremented by what is
/// highlighted; lines past it (or too long) get no runs.
pub(super) fn highlight(
    lang: &str,
    code: &[&str],
    theme: EmbeddedThemeName,
    budget: &mut usize,
) -> Option<Vec<LineColours>> {
    let syntax = syntax_for(lang)?;
    if *budget == 0 {
        return None;
    }
    let theme: &Theme = themes().get(theme);
    let mut h = HighlightLines::new(syntax, theme);
    let set = syntaxes();
    let mut out = Vec::with_capacity(code.len());
    let mut line_buf = String::new();
    for line in code {
        if line.len() > MAX_LINE || line.len() >= *budget {
            // Past the budget, or a line too long to be worth it: the rest stays plain (the
            // parser's state would be wrong after a skipped line anyway).
            *budget = 0;
            out.resize(code.len(), Vec::new());
            return Some(out);
        }
        *budget -= line.len() + 1;
        line_buf.clear();
        line_buf.push_str(line);
        line_buf.push('\n');
        let Ok(spans) = h.highlight_line(&line_buf, set) else {
            out.resize(code.len(), Vec::new());
            return Some(out);
        };
        let mut runs = Vec::with_capacity(spans.len());
        let mut at = 0;
        for (style, piece) in spans {
            let end = (at + piece.len()).min(line.len());
            if end > at {
                let c = style.foreground;
                runs.push((at..end, Rgb(c.r, c.g, c.b)));
            }
            at += piece.len();
        }
        out.push(runs);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_colours_and_unknown_ones_none() {
        let mut budget = BUDGET;
        let t = default_theme(true);
        let rs = highlight("rust", &["fn main() { let x = 1; }"], t, &mut budget).unwrap();
        let colours: std::collections::HashSet<Rgb> = rs[0].iter().map(|r| r.1).collect();
        assert!(colours.len() >= 2, "{rs:?}");
        assert!(highlight("no-such-language", &["x"], t, &mut budget).is_none());
        assert!(highlight(&"x".repeat(1024), &["x"], t, &mut budget).is_none());
        assert!(highlight("", &["x"], t, &mut budget).is_none());
        for lang in [
            "sh",
            "golang",
            "yml",
            "Dockerfile",
            "toml",
            "sql",
            "java",
            "nginx",
        ] {
            assert!(syntax_for(lang).is_some(), "{lang}");
        }
    }

    #[test]
    fn runs_cover_the_line_without_overrun() {
        let mut budget = BUDGET;
        let line = "SELECT 名称, count(*) FROM t WHERE a = '中文';";
        let rs = highlight("sql", &[line], default_theme(false), &mut budget).unwrap();
        let mut at = 0;
        for (r, _) in &rs[0] {
            assert_eq!(r.start, at);
            assert!(line.is_char_boundary(r.end));
            at = r.end;
        }
        assert_eq!(at, line.len());
    }

    #[test]
    fn budget_bounds_the_work() {
        let mut budget = 100;
        let lines: Vec<&str> = std::iter::repeat_n("let x = 1;", 50).collect();
        let rs = highlight("rust", &lines, default_theme(true), &mut budget).unwrap();
        assert_eq!(rs.len(), 50);
        assert!(!rs[0].is_empty());
        assert!(rs[49].is_empty());
        assert_eq!(budget, 0);
        let long = "x".repeat(MAX_LINE + 1);
        let mut budget = BUDGET;
        let rs = highlight("rust", &[&long], default_theme(true), &mut budget).unwrap();
        assert!(rs[0].is_empty());
    }

    #[test]
    fn themes_are_found_by_loose_name() {
        assert_eq!(
            find_theme("one half dark"),
            Some(EmbeddedThemeName::OneHalfDark)
        );
        assert_eq!(find_theme("Dracula"), Some(EmbeddedThemeName::Dracula));
        assert_eq!(find_theme("nope"), None);
        assert!(theme_names().len() > 10);
    }
}
