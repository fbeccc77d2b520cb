//! Normalisation at import (NFC, LF line ends) and the folding that search and highlighting share.
//!
//! Folding maps a character to the form both the index and the query see: full-width ASCII to
//! half-width, the ideographic space to a space, letters to lower case. Combining marks left over
//! after NFC are dropped so that "Zalgo" text still matches its base letters.

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Text as it is stored: NFC, `\r\n` and lone `\r` turned into `\n`.
pub fn normalize_stored(s: &str) -> String {
    let nfc = nfc(s).into_owned();
    if nfc.contains('\r') {
        nfc.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        nfc
    }
}

/// `s` in NFC; borrowed, after a quick check, when it is already (as stored text always is).
/// The check skips what Chinese text is made of (ASCII, Latin below the combining marks, Han,
/// CJK and full-width punctuation: characters that are NFC and start no combining sequence)
/// before the general quick check takes the rest: that check was 40 % of tokenising an
/// article for the index.
pub fn nfc(s: &str) -> Cow<'_, str> {
    let rest = s
        .char_indices()
        .find(|&(_, c)| !surely_nfc_starter(c))
        .map_or("", |(i, _)| &s[i..]);
    if rest.is_empty() || is_nfc_quick(rest.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// Characters that are NFC whatever surrounds them and have canonical combining class 0, so
/// that the quick check may start after them (U+302A–U+302F, ideographic tone marks, are
/// combining and left out).
fn surely_nfc_starter(c: char) -> bool {
    (c as u32) < 0x300
        || matches!(c, '\u{3000}'..='\u{3029}' | '\u{3030}'..='\u{303F}' | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}' | '\u{FF01}'..='\u{FF5E}')
}

/// Folds one character; `None` means the character is dropped (combining marks, format chars).
pub fn fold_char(c: char) -> Option<char> {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    // Han (extension A and the unified block) and Hangul syllables: no case, no marks.
    if matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}') {
        return Some(c);
    }
    if is_combining_mark(c) || is_invisible_format(c) {
        return None;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => Some(l),
        _ => Some(c),
    }
}

/// Folds a whole string (see [`fold_char`]); NFC is applied first.
pub fn fold_str(s: &str) -> String {
    nfc(s).chars().filter_map(fold_char).collect()
}

/// The folding search uses on both sides (the index, queries, highlights, `n`/`N`): as
/// [`fold_char`], and traditional Chinese characters to simplified, one character for one
/// (數→数, 據→据, 資→资), so `数据库` finds `數據庫`. One for one keeps every byte offset of
/// the original text, so highlights land on the article's own characters. Names that are
/// identities (tags, article ids) keep [`fold_char`]: their folding never changes.
pub fn search_fold_char(c: char) -> Option<char> {
    let f = fold_char(c)?;
    Some(simplified(f))
}

/// [`search_fold_char`] over a string, NFC first.
pub fn search_fold_str(s: &str) -> String {
    nfc(s).chars().filter_map(search_fold_char).collect()
}

const HAN_FIRST: u32 = 0x3400;
const HAN_LAST: u32 = 0x9FFF;

/// The simplified form of a Han character (itself when it has none or several).
pub fn simplified(c: char) -> char {
    let u = c as u32;
    if !(HAN_FIRST..=HAN_LAST).contains(&u) {
        return c;
    }
    let table = t2s_table();
    match table[(u - HAN_FIRST) as usize] {
        0 => c,
        s => char::from_u32(s).unwrap_or(c),
    }
}

/// Traditional → simplified, one character for one, for the Han blocks (extension A and the
/// unified block): a lookup table filled from the committed pairs (`t2s.txt`, from
/// `character_converter`'s OpenCC data; see `examples/t2s_table.rs`) on first use, in about
/// 40 thousand instructions. Building it from the converter itself (deserialising its whole
/// dictionary) cost every search process 229 million.
fn t2s_table() -> &'static [u32] {
    static TABLE: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = vec![0u32; (HAN_LAST - HAN_FIRST + 1) as usize];
        for line in include_str!("t2s.txt").lines().skip(1) {
            let mut it = line.chars();
            while let (Some(c), Some(s)) = (it.next(), it.next()) {
                if (HAN_FIRST..=HAN_LAST).contains(&(c as u32)) {
                    t[(c as u32 - HAN_FIRST) as usize] = s as u32;
                }
            }
        }
        t
    })
}

/// Zero-width and bidi format characters that carry no searchable content.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}')
}

/// Characters indexed as CJK: Han ideographs (all planes), kana, hangul, bopomofo.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3100}'..='\u{312F}' | '\u{31A0}'..='\u{31BF}'
        | '\u{31F0}'..='\u{31FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{323AF}'
        | '\u{3005}' | '\u{3007}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_folds_to_simplified_one_for_one() {
        assert_eq!(
            search_fold_str("數據庫 資料 軟體 記憶體"),
            "数据库 资料 软体 记忆体"
        );
        assert_eq!(search_fold_str("数据库"), "数据库");
        assert_eq!(search_fold_str("Ｒｅｄｉｓ 叢集"), "redis 丛集");
        // Identities are not touched.
        assert_eq!(fold_str("數據庫"), "數據庫");
        for s in ["數據庫的備份與還原", "电脑網路"] {
            assert_eq!(search_fold_str(s).chars().count(), s.chars().count());
        }
    }

    #[test]
    fn full_width_and_case_fold() {
        assert_eq!(fold_str("ＡＢＣ，Ｒｅｄｉｓ"), "abc,redis");
        assert_eq!(fold_str("ÄÖ Straße"), "äö straße");
        assert_eq!(fold_str("中文\u{3000}数据"), "中文 数据");
    }

    #[test]
    fn the_fast_nfc_check_is_the_quick_check() {
        use unicode_normalization::char::canonical_combining_class;
        for u in 0..0x10000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            if surely_nfc_starter(c) {
                assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{u:X}");
                assert_eq!(canonical_combining_class(c), 0, "{u:X}");
            }
        }
        for s in [
            "数据库",
            "e\u{301}",
            "数据e\u{301}",
            "Å数",
            "数\u{302A}",
            "数\u{0341}",
        ] {
            let want: String = s.nfc().collect();
            assert_eq!(nfc(s), want, "{s:?}");
        }
    }

    #[test]
    fn nfd_input_folds_like_nfc() {
        assert_eq!(fold_str("cafe\u{301}"), fold_str("café"));
        assert_eq!(nfc("cafe\u{301}"), "café");
        assert!(matches!(nfc("café 数据"), Cow::Borrowed(_)));
    }

    #[test]
    fn zalgo_and_zero_width_dropped() {
        let zalgo = format!("a{}b", "\u{301}\u{302}".repeat(50));
        assert_eq!(fold_str(&zalgo), "áb".nfc().collect::<String>());
        assert_eq!(fold_str("备\u{200B}份"), "备份");
    }

    #[test]
    fn stored_text_is_nfc_with_lf() {
        assert_eq!(normalize_stored("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(normalize_stored("e\u{301}"), "é");
    }

    #[test]
    fn cjk_classes() {
        assert!(is_cjk('数'));
        assert!(is_cjk('カ'));
        assert!(!is_cjk('，'));
        assert!(!is_cjk('a'));
    }
}
