//! What the matcher keeps per title: the folded characters (for the title match) and the
//! pinyin units (for the pinyin match), built once when the index is.

use std::collections::HashMap;

use pinyin::ToPinyinMulti;

use crate::text::search_fold_char;

/// Distinct plain spellings kept per Han character (重: zhong, chong, tong; 数: shu, shuo),
/// in the pinyin data's order, commonest first. The data lists up to six or so, the last
/// ones rare (积 zhi, 还 fu); the cap bounds the work per character and the stray matches.
pub const MAX_READINGS: usize = 3;

/// A character as the pinyin match sees it: itself (folded), and for a Han character its
/// readings without tones.
#[derive(Debug, Clone)]
pub struct Sym {
    pub ch: char,
    /// `(start, len)` of each reading in [`Syms::bytes`].
    pub readings: Vec<(u32, u8)>,
}

/// The table of symbols: one per distinct folded character of all titles.
#[derive(Debug, Default)]
pub struct Syms {
    pub list: Vec<Sym>,
    pub bytes: Vec<u8>,
    of: HashMap<char, u32>,
}

impl Syms {
    /// The symbol of `c` (folded already), added on first sight.
    pub fn intern(&mut self, c: char) -> u32 {
        if let Some(&id) = self.of.get(&c) {
            return id;
        }
        let mut readings: Vec<(u32, u8)> = Vec::new();
        if let Some(multi) = c.to_pinyin_multi() {
            let mut seen: Vec<&'static str> = Vec::new();
            for p in multi {
                let plain = p.plain();
                // ü is spelt v in every pinyin input method (lv → 绿).
                if plain.is_empty() || seen.contains(&plain) || seen.len() == MAX_READINGS {
                    continue;
                }
                seen.push(plain);
                let start = self.bytes.len() as u32;
                self.bytes
                    .extend(plain.chars().map(|c| if c == 'ü' { b'v' } else { c as u8 }));
                readings.push((start, (self.bytes.len() as u32 - start) as u8));
            }
        }
        let id = self.list.len() as u32;
        self.list.push(Sym { ch: c, readings });
        self.of.insert(c, id);
        id
    }

    pub fn reading(&self, r: (u32, u8)) -> &[u8] {
        &self.bytes[r.0 as usize..r.0 as usize + r.1 as usize]
    }
}

/// One character of a title the pinyin match can use (separators are not units).
#[derive(Debug, Clone, Copy)]
pub struct Unit {
    pub sym: u32,
    /// Its index among the title's characters (for highlighting).
    pub pos: u16,
    /// Starts a word: the first unit, or after a separator, or where Latin meets Han.
    pub boundary: bool,
}

/// A title's keys.
#[derive(Debug, Clone)]
pub struct Keys {
    /// The folded title (case, width, traditional → simplified), one char per kept char.
    pub folded: Box<str>,
    /// `folded` as chars when it is not ASCII (nucleo's UTF-32 haystack), else empty.
    pub chars: Box<[char]>,
    /// For each folded char, its index among the title's characters.
    pub pos: Box<[u16]>,
    /// `folded` without whitespace, for the exact / prefix / substring tiers.
    pub compact: Box<str>,
}

/// Whether `c` separates words for the pinyin match (it is skipped, never matched).
pub fn is_separator(c: char) -> bool {
    !(c.is_alphanumeric() || crate::text::is_cjk(c))
}

/// A 64-bit set of characters: a–z and 0–9 one bit each, anything else hashed into the
/// remaining 28. A query whose set is not inside a title's cannot match it.
pub fn char_bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
        _ => 1 << (36 + (c as u32).wrapping_mul(0x9E37_79B1) % 28),
    }
}

impl Keys {
    /// The keys of `title` (sanitised already), interning its characters in `syms` and
    /// appending its pinyin units to `units` (one arena for all titles: matching streams
    /// through it); also the title's two character sets: of the folded title, and of every
    /// spelling.
    pub fn new(title: &str, syms: &mut Syms, units: &mut Vec<Unit>) -> (Keys, u64, u64) {
        let mut folded = String::with_capacity(title.len());
        let mut pos = Vec::new();
        let first_unit = units.len();
        let mut tmask = 0u64;
        let mut pmask = 0u64;
        let mut prev_sep = true;
        let mut prev_han = false;
        for (i, c) in title.chars().enumerate() {
            let Some(f) = search_fold_char(c) else {
                continue;
            };
            folded.push(f);
            pos.push(i as u16);
            if !f.is_whitespace() {
                tmask |= char_bit(f);
            }
            if is_separator(f) {
                prev_sep = true;
                continue;
            }
            let sym = syms.intern(f);
            let s = &syms.list[sym as usize];
            let han = !s.readings.is_empty();
            pmask |= char_bit(f);
            for &r in &s.readings {
                for &b in syms.reading(r) {
                    pmask |= char_bit(b as char);
                }
            }
            units.push(Unit {
                sym,
                pos: i as u16,
                boundary: prev_sep || units.len() == first_unit || han != prev_han,
            });
            prev_sep = false;
            prev_han = han;
        }
        let chars: Box<[char]> = if folded.is_ascii() {
            Box::new([])
        } else {
            folded.chars().collect()
        };
        let compact: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
        (
            Keys {
                folded: folded.into(),
                chars,
                pos: pos.into(),
                compact: compact.into(),
            },
            tmask,
            pmask,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spellings(c: char) -> Vec<String> {
        let mut s = Syms::default();
        let id = s.intern(c);
        s.list[id as usize]
            .readings
            .iter()
            .map(|&r| String::from_utf8(s.reading(r).to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn polyphones_have_every_reading_once() {
        let zhong = spellings('重');
        assert!(zhong.contains(&"zhong".into()) && zhong.contains(&"chong".into()));
        let xing = spellings('行');
        assert!(xing.contains(&"xing".into()) && xing.contains(&"hang".into()));
        let shu = spellings('数');
        assert!(shu.contains(&"shu".into()) && shu.contains(&"shuo".into()));
        // 数 has shǔ and shù: one plain spelling.
        assert_eq!(shu.iter().filter(|s| *s == "shu").count(), 1);
        assert_eq!(spellings('绿'), ["lv", "lu"].map(String::from));
        assert!(spellings('r').is_empty());
    }

    #[test]
    fn latin_kept_separators_skipped_positions_kept() {
        let mut syms = Syms::default();
        let mut units = vec![Unit {
            sym: 0,
            pos: 0,
            boundary: false,
        }];
        let (k, _, _) = Keys::new("Redis 缓存：穿透", &mut syms, &mut units);
        let units = &units[1..];
        assert_eq!(&*k.folded, "redis 缓存:穿透");
        assert_eq!(&*k.compact, "redis缓存:穿透");
        let pos: Vec<u16> = units.iter().map(|u| u.pos).collect();
        assert_eq!(pos, [0, 1, 2, 3, 4, 6, 7, 9, 10]);
        let bounds: Vec<bool> = units.iter().map(|u| u.boundary).collect();
        assert_eq!(
            bounds,
            [true, false, false, false, false, true, false, true, false]
        );
    }
}
