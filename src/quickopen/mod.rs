//! Quick-open: every title, matched as you type by the title itself and by its pinyin.
//!
//! Pure library code (no terminal, no SQLite): [`Index::new`] takes the titles (newest
//! first, as `Store::titles` gives them) and is built off the UI thread; a [`Search`] holds
//! the current query and its ranked [`Hit`]s and is updated on every keystroke.
//!
//! Two ways to match, the better one counts:
//! - **the title** (folded: case, full width, traditional → simplified): exact, then prefix,
//!   then substring (whitespace ignored), then fuzzy with `nucleo-matcher` (each
//!   whitespace-separated word of the query a subsequence of the title);
//! - **pinyin**: each character of the title is a *unit* spelt by itself or by a prefix of one
//!   of its readings (`重` by 重, z, zh, zhong, c, ch, chong…), Latin letters and digits by
//!   themselves, separators skipped. The query (its letters, digits and Han characters,
//!   whitespace dropped) must be the concatenation of such spellings of units in order, units
//!   may be skipped: `sjtbjk` → 数据同步监控, `chonggou`/`cg` → 重构, `redis hc` → Redis 缓存,
//!   `shujtb` → 数据同步. Polyphones are alternatives inside one unit, so the work is linear
//!   in the readings, never their combinations: a bit-parallel scan (one bit per query
//!   position) decides whether a title matches, a DP over (unit, query position) scores it
//!   (fewest gaps, then starting at the first unit, then bonuses) and gives the highlight.
//!
//! Ranking: tier ([`Tier`]) first, then score, then the index's own order (newest first).
//! An empty query lists every title in that order.
//!
//! Bounded for any input: the query is sanitised, folded and cut to [`MAX_QUERY_CHARS`];
//! titles to [`MAX_TITLE_CHARS`]. When a query extends the previous one only the previous
//! hits are matched again (matching is monotone: a title matching `ab` matches `a`).

mod keys;

use std::sync::atomic::{AtomicU64, Ordering};

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::store::ArticleId;
use crate::store::titles::TitleRow;
use crate::text::{sanitize_line, search_fold_char};
use keys::{Keys, Syms, Unit, char_bit};

/// Query characters kept (the rest of a 5,000-character paste is ignored). One bit per
/// pinyin position, and one for "all spelt", in a `u128`.
pub const MAX_QUERY_CHARS: usize = 120;
/// Title characters indexed and shown.
pub const MAX_TITLE_CHARS: usize = 240;

/// One title of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: ArticleId,
    /// Sanitised (one line) and cut to [`MAX_TITLE_CHARS`]: safe to draw as it is; the
    /// highlight positions are indices of its chars.
    pub title: String,
    pub published: Option<String>,
}

/// How a title matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// The whole title is the query (whitespace and case ignored).
    Exact = 0,
    /// The title starts with the query, or its pinyin does with no unit skipped.
    Prefix = 1,
    /// The query is a substring of the title, or of its pinyin spelling, no unit skipped.
    Contiguous = 2,
    /// Fuzzy: characters or units skipped.
    Fuzzy = 3,
}

/// Which key a hit matched on (for the highlight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    All,
    Title,
    Pinyin,
}

/// One ranked match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index into [`Index::items`].
    pub item: u32,
    pub tier: Tier,
    /// Higher is better within a tier.
    pub score: i32,
    pub via: Via,
}

static GENERATION: AtomicU64 = AtomicU64::new(1);

/// Per title: the first character of its whitespace-free folded form and how many it has,
/// and the character sets (`keys::char_bit`) of the first letters of its first unit's
/// spellings and of all its units' spellings.
#[derive(Debug, Clone, Copy)]
struct Head {
    first: char,
    len: u16,
    unit0: u64,
    initials: u64,
}

/// The titles with their keys.
pub struct Index {
    items: Vec<Item>,
    keys: Vec<Keys>,
    /// Every title's pinyin units, title after title: title `i`'s are
    /// `units[unit_start[i]..unit_start[i + 1]]`.
    units: Vec<Unit>,
    unit_start: Vec<u32>,
    /// Character sets (see `keys::char_bit`) of each folded title and of its spellings.
    tmask: Vec<u64>,
    pmask: Vec<u64>,
    /// What a one-character query needs, without touching the keys (the first keystroke
    /// scans every title).
    heads: Vec<Head>,
    syms: Syms,
    generation: u64,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("items", &self.items.len())
            .field("symbols", &self.syms.list.len())
            .finish()
    }
}

impl Index {
    /// Indexes `rows` in the order given (the empty query lists them so).
    pub fn new(rows: impl IntoIterator<Item = TitleRow>) -> Index {
        let mut ix = Index {
            items: Vec::new(),
            keys: Vec::new(),
            units: Vec::new(),
            unit_start: vec![0],
            tmask: Vec::new(),
            pmask: Vec::new(),
            heads: Vec::new(),
            syms: Syms::default(),
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
        };
        for r in rows {
            let clean = sanitize_line(&r.title);
            let title: String = clean.trim().chars().take(MAX_TITLE_CHARS).collect();
            let from = ix.units.len();
            let (k, t, p) = Keys::new(&title, &mut ix.syms, &mut ix.units);
            ix.unit_start.push(ix.units.len() as u32);
            let initials = |u: &Unit| {
                let s = &ix.syms.list[u.sym as usize];
                s.readings.iter().fold(char_bit(s.ch), |m, &r| {
                    m | char_bit(ix.syms.reading(r)[0] as char)
                })
            };
            ix.heads.push(Head {
                first: k.compact.chars().next().unwrap_or('\0'),
                len: k.compact.chars().count().min(u16::MAX as usize) as u16,
                unit0: ix.units.get(from).map_or(0, initials),
                initials: ix.units[from..].iter().fold(0, |m, u| m | initials(u)),
            });
            ix.items.push(Item {
                id: r.id,
                title,
                published: r.published,
            });
            ix.keys.push(k);
            ix.tmask.push(t);
            ix.pmask.push(p);
        }
        ix
    }

    fn units_of(&self, i: usize) -> &[Unit] {
        &self.units[self.unit_start[i] as usize..self.unit_start[i + 1] as usize]
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// (distinct characters in the titles, of which Han with more than one reading kept).
    pub fn symbol_stats(&self) -> (usize, usize) {
        let poly = self
            .syms
            .list
            .iter()
            .filter(|s| s.readings.len() > 1)
            .count();
        (self.syms.list.len(), poly)
    }

    /// How one title matches, cheaply (no scores): its tier and the key it matches on.
    /// The same (tier, key) as [`Index::match_item`] gives, which also scores.
    fn classify(&self, i: usize, q: &Query) -> Option<(Tier, Via)> {
        if let Some(c) = q.one_ascii {
            return self.classify_one(i, c);
        }
        let k = &self.keys[i];
        let title = if !q.atoms.is_empty() && q.tmask & !self.tmask[i] == 0 {
            title_tier(k, q)
        } else {
            None
        };
        if title.is_some_and(|t| t <= Tier::Prefix) {
            return title.map(|t| (t, Via::Title));
        }
        // The query's first character must begin a spelling of some unit.
        let pinyin = if !q.pin.is_empty()
            && q.pmask & !self.pmask[i] == 0
            && q.first_bit & self.heads[i].initials != 0
        {
            pinyin_tier(self.units_of(i), q)
        } else {
            None
        };
        match (title, pinyin) {
            (Some(t), Some(p)) if p < t => Some((p, Via::Pinyin)),
            (Some(t), _) => Some((t, Via::Title)),
            (None, Some(p)) => Some((p, Via::Pinyin)),
            (None, None) => None,
        }
    }

    /// [`Index::classify`] for a query of one ASCII letter or digit, from the masks alone
    /// (their bits for a–z and 0–9 are exact, not hashed).
    fn classify_one(&self, i: usize, c: char) -> Option<(Tier, Via)> {
        let h = &self.heads[i];
        let bit = char_bit(c);
        let title = if h.first == c {
            Some(if h.len == 1 {
                Tier::Exact
            } else {
                Tier::Prefix
            })
        } else if self.tmask[i] & bit != 0 {
            Some(Tier::Contiguous)
        } else {
            None
        };
        if title.is_some_and(|t| t <= Tier::Prefix) {
            return title.map(|t| (t, Via::Title));
        }
        let pinyin = if h.unit0 & bit != 0 {
            Some(Tier::Prefix)
        } else if h.initials & bit != 0 {
            Some(Tier::Contiguous)
        } else {
            None
        };
        match (title, pinyin) {
            (Some(t), Some(p)) if p < t => Some((p, Via::Pinyin)),
            (Some(t), _) => Some((t, Via::Title)),
            (None, Some(p)) => Some((p, Via::Pinyin)),
            (None, None) => None,
        }
    }

    /// Matches and scores one title; `None` when it does not match.
    fn match_item(&self, i: usize, q: &Query, m: &mut Matcher, dp: &mut Dp) -> Option<Hit> {
        let (tier, via) = self.classify(i, q)?;
        let score = match via {
            Via::Title => {
                let hay = haystack(&self.keys[i]);
                q.atoms
                    .iter()
                    .map(|a| a.score(hay, m).map_or(0, i32::from))
                    .sum()
            }
            _ => dp.score(self.units_of(i), q).map_or(0, |(_, s)| s),
        };
        Some(Hit {
            item: i as u32,
            tier,
            score,
            via,
        })
    }

    /// The title's characters the hit matched (indices of [`Item::title`]'s chars, sorted).
    pub fn positions(&self, hit: &Hit, q: &Query, m: &mut Matcher) -> Vec<usize> {
        let Some(k) = self.keys.get(hit.item as usize) else {
            return Vec::new();
        };
        match hit.via {
            Via::All => Vec::new(),
            Via::Title => {
                let mut ix = Vec::new();
                let hay = haystack(k);
                if let Some(start) = compact_substring(k, &q.compact) {
                    ix.extend(start);
                } else {
                    for a in &q.atoms {
                        a.indices(hay, m, &mut ix);
                    }
                }
                let mut out: Vec<usize> = ix
                    .into_iter()
                    .filter_map(|i| k.pos.get(i as usize).map(|&p| p as usize))
                    .collect();
                out.sort_unstable();
                out.dedup();
                out
            }
            Via::Pinyin if q.bound == self.generation => {
                Dp::default().path(self.units_of(hit.item as usize), q)
            }
            Via::Pinyin => {
                let mut q = q.clone();
                q.bind(self);
                Dp::default().path(self.units_of(hit.item as usize), &q)
            }
        }
    }
}

/// The title match's tier: exact, prefix or substring of the whitespace-free title, else
/// fuzzy when every word of the query is a subsequence of the title (what nucleo's fuzzy
/// atoms require; nucleo then only scores).
fn title_tier(k: &Keys, q: &Query) -> Option<Tier> {
    // A substring of the whitespace-free title has each word as a subsequence: test that
    // first, it rejects most titles without a substring search.
    if !q.words.iter().all(|w| is_subsequence(w, &k.folded)) {
        return None;
    }
    match k.compact.find(&*q.compact) {
        Some(0) if k.compact.len() == q.compact.len() => Some(Tier::Exact),
        Some(0) => Some(Tier::Prefix),
        Some(_) => Some(Tier::Contiguous),
        None => Some(Tier::Fuzzy),
    }
}

fn is_subsequence(needle: &[char], hay: &str) -> bool {
    let mut it = hay.chars();
    needle.iter().all(|&c| it.any(|h| h == c))
}

/// The pinyin match's tier, by three bit-parallel scans at once (bit `j`: `q[..j]` spelt):
/// `any` may skip units (fuzzy), `run` restarts at every unit but never skips
/// (contiguous), `head` starts at the first unit only (prefix). The DP's best path has the
/// same tier: it minimises gaps first, then prefers the first unit.
fn pinyin_tier(units: &[Unit], q: &Query) -> Option<Tier> {
    let done = 1u128 << q.pin.len();
    let (mut any, mut run, mut head) = (1u128, 0u128, 1u128);
    let mut contiguous = false;
    for u in units {
        let (mut a, mut r, mut h) = (0, 0, 0);
        let from_run = run | 1;
        for p in q.spellings(u.sym) {
            a |= (any & p.starts) << p.len;
            r |= (from_run & p.starts) << p.len;
            h |= (head & p.starts) << p.len;
        }
        any |= a;
        run = r;
        head = h;
        if head & done != 0 {
            return Some(Tier::Prefix);
        }
        contiguous |= run & done != 0;
        if contiguous && head == 0 {
            return Some(Tier::Contiguous);
        }
    }
    if contiguous {
        Some(Tier::Contiguous)
    } else if any & done != 0 {
        Some(Tier::Fuzzy)
    } else {
        None
    }
}

/// The folded-char indices of the first occurrence of `compact` (whitespace-free) in the
/// title, skipping the title's whitespace: the highlight of an exact/prefix/substring tier.
fn compact_substring(k: &Keys, compact: &str) -> Option<Vec<u32>> {
    let at = k.compact.find(compact)?;
    let first = k.compact[..at].chars().count();
    let len = compact.chars().count();
    let idx: Vec<u32> = k
        .folded
        .chars()
        .enumerate()
        .filter(|(_, c)| !c.is_whitespace())
        .skip(first)
        .take(len)
        .map(|(i, _)| i as u32)
        .collect();
    Some(idx)
}

fn haystack(k: &Keys) -> Utf32Str<'_> {
    if k.chars.is_empty() {
        Utf32Str::Ascii(k.folded.as_bytes())
    } else {
        Utf32Str::Unicode(&k.chars)
    }
}

/// A normalised query.
#[derive(Debug, Clone)]
pub struct Query {
    /// Sanitised, folded, whitespace collapsed, cut to [`MAX_QUERY_CHARS`].
    text: String,
    compact: String,
    atoms: Vec<Atom>,
    /// The words of `text`, as chars.
    words: Vec<Vec<char>>,
    /// The query when it is one ASCII letter or digit (the first keystroke's fast path).
    one_ascii: Option<char>,
    /// `char_bit` of `pin[0]`.
    first_bit: u64,
    tmask: u64,
    /// The characters the pinyin match spells: letters, digits, Han.
    pin: Vec<char>,
    pmask: u64,
    /// Bit `j` set when `pin[j]` is that ASCII character.
    ascii: Box<[u128; 128]>,
    other: Vec<(char, u128)>,
    /// For each symbol of the index it is bound to, its spellings that occur in `pin`:
    /// `spelt[range[s].0..range[s].1]`.
    range: Vec<(u32, u32)>,
    spelt: Vec<Spelling>,
    /// The generation of the index the table is for (0: none).
    bound: u64,
}

/// A spelling of a symbol (itself, or a prefix of a reading) and where in the query it
/// occurs: bit `j` of `starts` set when `pin[j..j + len]` is it.
#[derive(Debug, Clone, Copy)]
struct Spelling {
    starts: u128,
    len: u8,
    /// The whole reading (or the character itself), not a prefix.
    full: bool,
}

impl Query {
    pub fn new(raw: &str) -> Query {
        let clean = sanitize_line(raw);
        let mut text = String::new();
        let mut n = 0;
        for c in clean.chars().filter(|&c| c != '\u{FFFD}') {
            let Some(f) = search_fold_char(c) else {
                continue;
            };
            if n == MAX_QUERY_CHARS {
                break;
            }
            if f.is_whitespace() {
                if !text.is_empty() && !text.ends_with(' ') {
                    text.push(' ');
                    n += 1;
                }
            } else {
                text.push(f);
                n += 1;
            }
        }
        let compact: String = text.chars().filter(|c| *c != ' ').collect();
        let atoms = text
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| {
                Atom::new(
                    w,
                    CaseMatching::Ignore,
                    Normalization::Never,
                    AtomKind::Fuzzy,
                    false,
                )
            })
            .collect();
        let words = text
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().collect())
            .collect();
        let one_ascii = match compact.as_bytes() {
            [b] if b.is_ascii_alphanumeric() => Some(*b as char),
            _ => None,
        };
        let tmask = compact.chars().fold(0, |m, c| m | char_bit(c));
        let pin: Vec<char> = compact
            .chars()
            .filter(|&c| !keys::is_separator(c))
            .collect();
        let pmask = pin.iter().fold(0, |m, &c| m | char_bit(c));
        let first_bit = pin.first().map_or(0, |&c| char_bit(c));
        let mut ascii = Box::new([0u128; 128]);
        let mut other: Vec<(char, u128)> = Vec::new();
        for (j, &c) in pin.iter().enumerate() {
            if c.is_ascii() {
                ascii[c as usize] |= 1 << j;
            } else if let Some(o) = other.iter_mut().find(|o| o.0 == c) {
                o.1 |= 1 << j;
            } else {
                other.push((c, 1 << j));
            }
        }
        Query {
            text,
            compact,
            atoms,
            words,
            one_ascii,
            first_bit,
            tmask,
            pin,
            pmask,
            ascii,
            other,
            range: Vec::new(),
            spelt: Vec::new(),
            bound: 0,
        }
    }

    /// Builds the spelling table for `index`'s symbols (a few thousand: cheap, once per
    /// query), so that matching a title never looks at a reading the query cannot use.
    fn bind(&mut self, index: &Index) {
        self.range.clear();
        self.spelt.clear();
        self.bound = index.generation;
        if self.pin.is_empty() {
            return;
        }
        let syms = &index.syms;
        for s in &syms.list {
            let start = self.spelt.len() as u32;
            let own = self.positions(s.ch);
            if own != 0 {
                self.spelt.push(Spelling {
                    starts: own,
                    len: 1,
                    full: true,
                });
            }
            for &r in &s.readings {
                let spelt = syms.reading(r);
                let mut cand = u128::MAX;
                for (t, &b) in spelt.iter().enumerate() {
                    cand &= self.ascii[b as usize & 127] >> t;
                    if cand == 0 {
                        break;
                    }
                    self.spelt.push(Spelling {
                        starts: cand,
                        len: t as u8 + 1,
                        full: t + 1 == spelt.len(),
                    });
                }
            }
            self.range.push((start, self.spelt.len() as u32));
        }
    }

    fn spellings(&self, sym: u32) -> &[Spelling] {
        match self.range.get(sym as usize) {
            Some(&(a, b)) if a < b => self.spelt.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The normalised text (what extension is judged on).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn positions(&self, c: char) -> u128 {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else {
            self.other.iter().find(|o| o.0 == c).map_or(0, |o| o.1)
        }
    }
}

// Pinyin scores: a gap (a skipped unit between two used ones) outweighs everything, then
// starting at the first unit, then the small bonuses.
const GAP: i32 = 1 << 16;
const PREFIX: i32 = 1 << 14;
const CHAR: i32 = 16;
const CONSEC: i32 = 8;
const FULL: i32 = 4;
const BOUNDARY: i32 = 6;
const NEG: i32 = i32::MIN / 4;

/// The scoring DP's buffers.
#[derive(Debug, Default)]
struct Dp {
    adj: Vec<i32>,
    far: Vec<i32>,
    next: Vec<i32>,
    far_from: Vec<i32>,
    /// Per (unit, j): the unit used before (-1: none) and the query position it ended at.
    back: Vec<(i32, u8)>,
}

impl Dp {
    /// The best pinyin score of the title, with its tier; `None` when it does not match.
    fn score(&mut self, units: &[Unit], q: &Query) -> Option<(Tier, i32)> {
        let (best, _) = self.run(units, q, false)?;
        Some(decode(best))
    }

    /// The title's characters on the best pinyin path.
    fn path(&mut self, units: &[Unit], q: &Query) -> Vec<usize> {
        let Some((_, end)) = self.run(units, q, true) else {
            return Vec::new();
        };
        let m = q.pin.len() + 1;
        let mut out = Vec::new();
        let (mut i, mut j) = (end as i32, q.pin.len());
        while i >= 0 && j > 0 {
            out.push(units[i as usize].pos as usize);
            let (pi, pj) = self.back[i as usize * m + j];
            i = pi;
            j = pj as usize;
        }
        out.reverse();
        out
    }

    /// Runs the DP over the units that can spell part of the query; returns the best score
    /// and the unit it ends on. `adj[j]`: best with `q[..j]` spelt and the previous unit
    /// used; `far[j]`: with an earlier one used (the next use costs a gap).
    fn run(&mut self, units: &[Unit], q: &Query, trace: bool) -> Option<(i32, usize)> {
        let m = q.pin.len();
        let w = m + 1;
        for v in [
            &mut self.adj,
            &mut self.far,
            &mut self.next,
            &mut self.far_from,
        ] {
            v.clear();
            v.resize(w, NEG);
        }
        if trace {
            self.back.clear();
            self.back.resize(units.len() * w, (-1, 0));
        }
        let mut best = NEG;
        let mut best_at = 0;
        // Whether `adj` holds anything (else the merge into `far` is skipped).
        let mut live = false;
        for (i, u) in units.iter().enumerate() {
            let spellings = q.spellings(u.sym);
            if spellings.is_empty() && !live {
                continue;
            }
            let bound = if u.boundary { BOUNDARY } else { 0 };
            self.next.fill(NEG);
            let mut any = false;
            for p in spellings {
                let mut bits = p.starts;
                let add = i32::from(p.len) * CHAR + if p.full { FULL } else { 0 };
                while bits != 0 {
                    let j = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let (v, from) = if j == 0 {
                        (if i == 0 { PREFIX } else { 0 } + bound, -1)
                    } else {
                        let a = if live {
                            self.adj[j].saturating_add(CONSEC)
                        } else {
                            NEG
                        };
                        let f = self.far[j].saturating_add(bound - GAP);
                        if a >= f {
                            (a, i as i32 - 1)
                        } else {
                            (f, self.far_from[j])
                        }
                    };
                    if v <= NEG {
                        continue;
                    }
                    let to = j + p.len as usize;
                    if v + add > self.next[to] {
                        self.next[to] = v + add;
                        any = true;
                        if trace {
                            self.back[i * w + to] = (from, j as u8);
                        }
                    }
                }
            }
            if live {
                // `adj` is about unit i - 1: from unit i + 1 on it is a gap away.
                for j in 1..w {
                    if self.adj[j] > self.far[j] {
                        self.far[j] = self.adj[j];
                        self.far_from[j] = i as i32 - 1;
                    }
                }
            }
            std::mem::swap(&mut self.adj, &mut self.next);
            live = any;
            if self.adj[w - 1] > best {
                best = self.adj[w - 1];
                best_at = i;
            }
        }
        (best > NEG).then_some((best, best_at))
    }
}

/// Splits a pinyin score into its tier and the score within the tier.
fn decode(total: i32) -> (Tier, i32) {
    let gaps = if total >= 0 {
        0
    } else {
        (-total + GAP - 1) / GAP
    };
    let rest = total + gaps * GAP;
    let prefix = rest >= PREFIX;
    let base = rest - if prefix { PREFIX } else { 0 };
    let tier = match (gaps, prefix) {
        (0, true) => Tier::Prefix,
        (0, false) => Tier::Contiguous,
        _ => Tier::Fuzzy,
    };
    // Within the fuzzy tier fewer gaps first, then the first unit, as the title match's
    // nucleo scores roughly weigh them.
    (tier, base + if prefix { 32 } else { 0 } - gaps * 16)
}

/// Hits ranked (scored) at once; the rest are scored when asked for
/// ([`Search::rank_upto`]), a class (tier and key) at a time.
pub const RANK_FIRST: usize = 256;

/// The current query over an index, with its ranked hits.
///
/// Matching classifies every title cheaply (tier and key, no score); only the best classes,
/// enough to fill [`RANK_FIRST`] rows, are scored and sorted. The others wait in `pending`
/// in class order, each class in index order, and are scored when a row of theirs is asked
/// for, so what is shown is always in its final order.
pub struct Search {
    matcher: Matcher,
    dp: Dp,
    query: Query,
    generation: u64,
    hits: Vec<Hit>,
    /// Every matching title, in index order (what the next, longer query re-matches).
    matched: Vec<u32>,
    /// Matching titles not scored yet, by class: (class, item).
    pending: Vec<(u8, u32)>,
    /// Where `pending` starts (the ones before it were scored into `hits`).
    next_pending: usize,
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search")
            .field("query", &self.query.text)
            .field("hits", &self.len())
            .finish()
    }
}

impl Default for Search {
    fn default() -> Self {
        Search::new()
    }
}

/// A class: tier first, then the title's own characters before its pinyin.
fn class_of(tier: Tier, via: Via) -> u8 {
    (tier as u8) * 2 + u8::from(via == Via::Pinyin)
}

impl Search {
    pub fn new() -> Search {
        Search {
            matcher: Matcher::new(Config::DEFAULT),
            dp: Dp::default(),
            query: Query::new(""),
            generation: 0,
            hits: Vec::new(),
            matched: Vec::new(),
            pending: Vec::new(),
            next_pending: 0,
        }
    }

    /// Matches `raw` over `index`; returns the hits ranked so far (at least the first
    /// [`RANK_FIRST`], or all). When the normalised query extends the previous one on the
    /// same index, only the previous hits are matched again.
    pub fn update(&mut self, index: &Index, raw: &str) -> &[Hit] {
        let mut q = Query::new(raw);
        let same_index = self.generation == index.generation;
        if same_index && q.text == self.query.text {
            return &self.hits;
        }
        let narrowing = same_index && q.text.starts_with(&self.query.text);
        self.generation = index.generation;
        if q.is_empty() {
            self.hits = (0..index.len() as u32)
                .map(|item| Hit {
                    item,
                    tier: Tier::Exact,
                    score: 0,
                    via: Via::All,
                })
                .collect();
            self.matched = (0..index.len() as u32).collect();
            self.pending.clear();
            self.next_pending = 0;
            self.query = q;
            return &self.hits;
        }
        q.bind(index);
        let candidates = if narrowing {
            std::mem::take(&mut self.matched)
        } else {
            (0..index.len() as u32).collect()
        };
        let mut found: Vec<(u8, u32)> = Vec::with_capacity(candidates.len());
        let mut counts = [0usize; 8];
        for &i in &candidates {
            if let Some((t, v)) = index.classify(i as usize, &q) {
                let c = class_of(t, v);
                counts[c as usize] += 1;
                found.push((c, i));
            }
        }
        self.matched = candidates;
        self.matched.clear();
        self.matched.extend(found.iter().map(|f| f.1));
        // Bucket by class (stable: index order inside a class).
        let mut start = [0usize; 9];
        for c in 0..8 {
            start[c + 1] = start[c] + counts[c];
        }
        let mut pending = vec![(0u8, 0u32); found.len()];
        let mut at = start;
        for f in found {
            pending[at[f.0 as usize]] = f;
            at[f.0 as usize] += 1;
        }
        self.pending = pending;
        self.next_pending = 0;
        self.hits.clear();
        self.query = q;
        self.rank_upto(index, RANK_FIRST)
    }

    /// Scores and sorts pending classes until at least `n` hits are ranked (or all are);
    /// returns the ranked hits.
    pub fn rank_upto(&mut self, index: &Index, n: usize) -> &[Hit] {
        if self.generation != index.generation {
            return &self.hits;
        }
        while self.hits.len() < n && self.next_pending < self.pending.len() {
            let class = self.pending[self.next_pending].0;
            let from = self.hits.len();
            while let Some(&(c, i)) = self.pending.get(self.next_pending) {
                if c != class {
                    break;
                }
                self.next_pending += 1;
                if let Some(h) =
                    index.match_item(i as usize, &self.query, &mut self.matcher, &mut self.dp)
                {
                    self.hits.push(h);
                }
            }
            self.hits[from..].sort_unstable_by_key(rank_key);
        }
        &self.hits
    }

    /// Every hit, ranked.
    pub fn rank_all(&mut self, index: &Index) -> &[Hit] {
        self.rank_upto(index, usize::MAX)
    }

    /// The hits ranked so far (the best ones; [`Search::len`] counts all).
    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }

    /// How many titles match.
    pub fn len(&self) -> usize {
        self.hits.len() + self.pending.len() - self.next_pending
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn query(&self) -> &Query {
        &self.query
    }

    /// The highlight of `hit` under the current query.
    pub fn positions(&mut self, index: &Index, hit: &Hit) -> Vec<usize> {
        index.positions(hit, &self.query, &mut self.matcher)
    }
}

/// Tier, then the title's own characters before its pinyin, then score (higher first), then
/// index order, in one integer.
fn rank_key(h: &Hit) -> u64 {
    let s = ((1i64 << 28) - i64::from(h.score)).clamp(0, (1 << 29) - 1) as u64;
    let pinyin = u64::from(h.via == Via::Pinyin);
    (h.tier as u64) << 62 | pinyin << 61 | s << 32 | u64::from(h.item)
}

#[cfg(test)]
mod tests;
