//! The one sanitiser: turns untrusted text into text that is safe to hand to a widget or print.
//!
//! Removed: C0/C1 controls (but `\n` in multi-line text), whole ANSI/OSC/DCS escape sequences,
//! bidi controls, zero-width and soft-hyphen characters, and combining marks beyond
//! [`MAX_MARKS`] per base character. Tabs become spaces at 4-column stops.
//!
//! Emoji joiners (ZWJ), presentation selectors (VS15, VS16) and skin-tone modifiers are removed
//! too, and flags (regional-indicator pairs) become their two letters (🇨🇳 → CN): they make one
//! grapheme out of several characters that each take columns, and terminals disagree on how to
//! draw that (a family emoji takes 2 columns where the terminal joins it, 6 where it draws
//! character by character, as xterm and the vt100 crate do), so a pane border after one would
//! move and scrolling would leave residue. Without them every grapheme we output is one
//! character that takes columns, plus zero-width marks: one cell in ratatui's buffer and in
//! every terminal.

use unicode_normalization::char::is_combining_mark;
use unicode_width::UnicodeWidthChar;

/// Combining marks kept on one base character; the rest are dropped (Zalgo text).
pub const MAX_MARKS: usize = 8;
const TAB_STOP: usize = 4;

/// Sanitises multi-line text: newlines are kept, everything unsafe is removed.
pub fn sanitize(s: &str) -> String {
    clean(s, true)
}

/// Sanitises text meant for one line: newlines and other line breaks become spaces.
pub fn sanitize_line(s: &str) -> String {
    clean(s, false)
}

/// Escapes text printed outside the TUI (errors, import reports): like [`sanitize_line`], but
/// every removed control is shown as a visible `\u{..}` escape so nothing is silently hidden.
pub fn escape_for_terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\t' || c == ' ' || !(c.is_control() || is_bidi(c) || is_zero_width(c)) {
            out.push(c);
        } else {
            out.extend(c.escape_unicode());
        }
    }
    out
}

/// Characters that need no look: printable ASCII, CJK punctuation and ideographs, full-width
/// forms (the bulk of a Chinese article and of code). Text made only of them is returned as is.
fn plain_char(c: char, multiline: bool) -> bool {
    matches!(c, ' '..='~' | '\u{3000}'..='\u{3029}' | '\u{3030}'..='\u{3098}' | '\u{309B}'..='\u{9FFF}' | '\u{FF01}'..='\u{FFEF}')
        || (multiline && c == '\n')
}

fn clean(s: &str, multiline: bool) -> String {
    if s.chars().all(|c| plain_char(c, multiline)) {
        return s.to_owned();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut col = 0usize;
    let mut marks = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' => {
                if multiline {
                    out.push('\n');
                    col = 0;
                } else {
                    out.push(' ');
                    col += 1;
                }
                marks = 0;
            }
            '\t' => {
                let n = TAB_STOP - col % TAB_STOP;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\u{1b}' => i = skip_escape(&chars, i),
            '\u{9b}' => i = skip_csi(&chars, i),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => i = skip_string(&chars, i),
            c if is_width_changing(c) => {}
            c @ '\u{1F1E6}'..='\u{1F1FF}' => {
                out.push(char::from(b'A' + (c as u32 - 0x1F1E6) as u8));
                col += 1;
                marks = 0;
            }
            c if c.is_control() || is_bidi(c) || is_zero_width(c) => {}
            c if is_combining_mark(c) => {
                if marks < MAX_MARKS && !out.is_empty() && !out.ends_with('\n') {
                    out.push(c);
                    marks += 1;
                }
            }
            c => {
                out.push(c);
                col += c.width().unwrap_or(0);
                marks = 0;
            }
        }
    }
    out
}

/// Skips the escape sequence whose ESC was just consumed; returns the index after it.
fn skip_escape(chars: &[char], i: usize) -> usize {
    match chars.get(i) {
        Some('[') => skip_csi(chars, i + 1),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars, i + 1),
        Some(c) if (' '..='~').contains(c) => i + 1,
        _ => i,
    }
}

/// CSI: parameter and intermediate bytes, then one final byte. A broken sequence ends where
/// the first character that cannot belong to it stands.
fn skip_csi(chars: &[char], mut i: usize) -> usize {
    while let Some(&c) = chars.get(i) {
        match c {
            '\u{20}'..='\u{3f}' => i += 1,
            '\u{40}'..='\u{7e}' => return i + 1,
            _ => return i,
        }
    }
    i
}

/// OSC/DCS/APC/PM/SOS: a string ended by BEL or ST. Without a terminator only the introducer is
/// dropped, so an unterminated sequence cannot swallow the text after it.
fn skip_string(chars: &[char], start: usize) -> usize {
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        match c {
            '\u{7}' | '\u{9c}' => return i + 1,
            '\u{1b}' if chars.get(i + 1) == Some(&'\\') => return i + 2,
            '\n' => return start,
            _ => i += 1,
        }
    }
    start
}

/// Bidirectional formatting characters (Trojan Source).
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Invisible characters that would hide or join text.
pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}' | '\u{200C}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// Characters that change the width of the emoji before them (see the module comment): ZWJ,
/// VS15, VS16 and the five skin-tone modifiers.
pub fn is_width_changing(c: char) -> bool {
    matches!(
        c,
        '\u{200D}' | '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn osc_title_and_clipboard_are_removed() {
        assert_eq!(sanitize("a\u{1b}]0;PWNED\u{7}b"), "ab");
        assert_eq!(sanitize("a\u{1b}]52;c;aGVsbG8=\u{1b}\\b"), "ab");
        assert_eq!(
            sanitize("x\u{1b}]8;;http://evil\u{7}link\u{1b}]8;;\u{7}"),
            "xlink"
        );
    }

    #[test]
    fn csi_and_cursor_moves_are_removed() {
        assert_eq!(sanitize("a\u{1b}[2Jb\u{1b}[2Ac\u{1b}[21t"), "abc");
        assert_eq!(sanitize("a\u{9b}31mb"), "ab");
        assert_eq!(sanitize("over\rwrite\u{8}x"), "overwritex");
    }

    #[test]
    fn unterminated_osc_does_not_hide_text() {
        assert_eq!(sanitize("\u{1b}]0;visible text"), "0;visible text");
    }

    #[test]
    fn c1_bidi_and_zero_width_are_removed() {
        assert_eq!(sanitize("a\u{90}b\u{9d}c"), "abc");
        assert_eq!(sanitize("a\u{202E}b\u{2066}c\u{200F}d\u{61C}e"), "abcde");
        assert_eq!(sanitize("备\u{200B}份\u{2060}\u{FEFF}\u{AD}"), "备份");
    }

    #[test]
    fn emoji_keep_their_parts_but_lose_what_changes_their_width() {
        assert_eq!(sanitize("👨\u{200d}👩\u{200d}👧"), "👨👩👧");
        assert_eq!(sanitize("❤\u{fe0f} ☺\u{fe0e} 💻\u{fe0e}"), "❤ ☺ 💻");
        assert_eq!(sanitize("👍\u{1f3fd}"), "👍");
        assert_eq!(
            sanitize("🏳\u{fe0f}\u{200d}🌈 1\u{fe0f}\u{20e3}"),
            "🏳🌈 1\u{20e3}"
        );
        assert_eq!(sanitize("🇨🇳 🇯🇵 🇿"), "CN JP Z");
        assert_eq!(sanitize("a\u{200d}b\u{fe0f}"), "ab");
    }

    #[test]
    fn tabs_expand_to_stops() {
        assert_eq!(sanitize("\tx"), "    x");
        assert_eq!(sanitize("ab\tx\n\ty"), "ab  x\n    y");
        assert_eq!(sanitize("中\tx"), "中  x");
    }

    #[test]
    fn zalgo_is_capped() {
        let s = format!("a{}", "\u{301}".repeat(10_000));
        assert_eq!(sanitize(&s).chars().count(), 1 + MAX_MARKS);
    }

    #[test]
    fn line_mode_flattens_newlines() {
        assert_eq!(sanitize_line("a\nb\u{2028}c"), "a b c");
    }

    #[test]
    fn terminal_escape_shows_controls() {
        assert_eq!(escape_for_terminal("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    }

    proptest! {
        #[test]
        fn output_never_carries_controls(s in any::<String>()) {
            for c in sanitize(&s).chars() {
                prop_assert!(c == '\n' || !c.is_control(), "control {:?}", c);
                prop_assert!(!is_bidi(c) && !is_zero_width(c));
            }
            for c in sanitize_line(&s).chars() {
                prop_assert!(!c.is_control());
            }
        }

        /// Terminals that draw character by character (xterm, VTE, vt100) and those that
        /// cluster graphemes (kitty, WezTerm) then agree with ratatui's buffer cell by cell.
        /// Not covered: graphemes of several letters that NFC leaves apart (Indic conjuncts,
        /// archaic Hangul jamo sequences, Arabic prepended marks); see tests/README.md, case 11.
        #[test]
        fn every_grapheme_is_one_cell_as_wide_as_its_characters(
            s in "[a-z中，\t\n \u{0300}-\u{036f}\u{20e3}\u{1f1e6}-\u{1f1ff}\u{fe00}-\u{fe0f}\u{200b}-\u{200f}\u{2600}-\u{27bf}\u{1f300}-\u{1faff}\u{e0020}-\u{e007f}\u{e0100}-\u{e01ef}\u{ac00}-\u{d7a3}\u{3040}-\u{30ff}\u{ff01}-\u{ff60}\u{0620}-\u{065f}]{0,40}"
        ) {
            use unicode_segmentation::UnicodeSegmentation;
            use unicode_width::UnicodeWidthStr;
            for g in sanitize(&s).split('\n').flat_map(|l| l.graphemes(true)) {
                let widths: Vec<usize> = g.chars().map(|c| c.width().unwrap_or(0)).collect();
                prop_assert!(widths.iter().filter(|w| **w > 0).count() <= 1, "{:?}", g);
                prop_assert_eq!(UnicodeWidthStr::width(g), widths.iter().sum::<usize>(), "{:?}", g);
            }
        }
    }
}
