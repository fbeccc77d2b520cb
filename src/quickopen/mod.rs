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
use keys::{Keys, Syms, char_bit};

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

/// The titles with their keys.
pub struct Index {
    items: Vec<Item>,
    keys: Vec<Keys>,
    /// Character sets (see `keys::char_bit`) of each folded title and of its spellings.
    tmask: Vec<u64>,
    pmask: Vec<u64>,
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
            tmask: Vec::new(),
            pmask: Vec::new(),
            syms: Syms::default(),
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
        };
        for r in rows {
            let clean = sanitize_line(&r.title);
            let title: String = clean.trim().chars().take(MAX_TITLE_CHARS).collect();
            let (k, t, p) = Keys::new(&title, &mut ix.syms);
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

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Matches one title; `None` when it does not match.
    fn match_item(&self, i: usize, q: &Query, m: &mut Matcher, dp: &mut Dp) -> Option<Hit> {
        let mut best: Option<Hit> = None;
        let k = &self.keys[i];
        if !q.atoms.is_empty() && q.tmask & !self.tmask[i] == 0 {
            let tier = if *k.compact == *q.compact {
                Some(Tier::Exact)
            } else if k.compact.starts_with(&*q.compact) {
                Some(Tier::Prefix)
            } else if k.compact.contains(&*q.compact) {
                Some(Tier::Contiguous)
            } else {
                None
            };
            let hay = haystack(k);
            let mut score = 0u32;
            let mut all = true;
            for a in &q.atoms {
                match a.score(hay, m) {
                    Some(s) => score += u32::from(s),
                    None => {
                        all = false;
                        break;
                    }
                }
            }
            if all || tier.is_some() {
                best = Some(Hit {
                    item: i as u32,
                    tier: tier.unwrap_or(Tier::Fuzzy),
                    score: score as i32,
                    via: Via::Title,
                });
            }
        }
        if !q.pin.is_empty()
            && q.pmask & !self.pmask[i] == 0
            && best.is_none_or(|b| b.tier > Tier::Exact)
            && self.pinyin_feasible(k, q)
            && let Some((tier, score)) = dp.score(&self.syms, k, q)
        {
            let h = Hit {
                item: i as u32,
                tier,
                score,
                via: Via::Pinyin,
            };
            if best.is_none_or(|b| (h.tier, -h.score) < (b.tier, -b.score)) {
                best = Some(h);
            }
        }
        best
    }

    /// Whether the query's pinyin characters can be spelt by the title's units in order:
    /// bit `j` of `reach` is set when `q[..j]` can be.
    fn pinyin_feasible(&self, k: &Keys, q: &Query) -> bool {
        let n = q.pin.len();
        let done = 1u128 << n;
        let mut reach = 1u128;
        for u in k.units.iter() {
            let s = &self.syms.list[u.sym as usize];
            let mut add = (reach & q.positions(s.ch)) << 1;
            for &r in &s.readings {
                let mut cand = reach;
                for (t, &b) in self.syms.reading(r).iter().enumerate() {
                    cand &= q.ascii[b as usize & 127] >> t;
                    if cand == 0 {
                        break;
                    }
                    add |= cand << (t + 1);
                }
            }
            reach |= add;
            if reach & done != 0 {
                return true;
            }
        }
        false
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
            Via::Pinyin => Dp::default().path(&self.syms, k, q),
        }
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
    tmask: u64,
    /// The characters the pinyin match spells: letters, digits, Han.
    pin: Vec<char>,
    pmask: u64,
    /// Bit `j` set when `pin[j]` is that ASCII character.
    ascii: Box<[u128; 128]>,
    other: Vec<(char, u128)>,
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
        let tmask = compact.chars().fold(0, |m, c| m | char_bit(c));
        let pin: Vec<char> = compact
            .chars()
            .filter(|&c| !keys::is_separator(c))
            .collect();
        let pmask = pin.iter().fold(0, |m, &c| m | char_bit(c));
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
            tmask,
            pin,
            pmask,
            ascii,
            other,
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
    fn score(&mut self, syms: &Syms, k: &Keys, q: &Query) -> Option<(Tier, i32)> {
        let (best, _) = self.run(syms, k, q, false)?;
        Some(decode(best))
    }

    /// The title's characters on the best pinyin path.
    fn path(&mut self, syms: &Syms, k: &Keys, q: &Query) -> Vec<usize> {
        let Some((_, end)) = self.run(syms, k, q, true) else {
            return Vec::new();
        };
        let m = q.pin.len() + 1;
        let mut out = Vec::new();
        let (mut i, mut j) = (end as i32, q.pin.len());
        while i >= 0 && j > 0 {
            out.push(k.units[i as usize].pos as usize);
            let (pi, pj) = self.back[i as usize * m + j];
            i = pi;
            j = pj as usize;
        }
        out.reverse();
        out
    }

    /// Runs the DP; returns the best score and the unit it ends on.
    fn run(&mut self, syms: &Syms, k: &Keys, q: &Query, trace: bool) -> Option<(i32, usize)> {
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
            self.back.resize(k.units.len() * w, (-1, 0));
        }
        let mut best = NEG;
        let mut best_at = 0;
        for (i, u) in k.units.iter().enumerate() {
            let s = &syms.list[u.sym as usize];
            let bound = if u.boundary { BOUNDARY } else { 0 };
            self.next.fill(NEG);
            for j in 0..m {
                let (v, from) = if j == 0 {
                    (if i == 0 { PREFIX } else { 0 } + bound, -1)
                } else {
                    let a = self.adj[j].saturating_add(CONSEC);
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
                let mut put = |to: usize, add: i32, next: &mut Vec<i32>| {
                    if v + add > next[to] {
                        next[to] = v + add;
                        if trace {
                            self.back[i * w + to] = (from, j as u8);
                        }
                    }
                };
                if q.pin[j] == s.ch {
                    put(j + 1, CHAR + FULL, &mut self.next);
                }
                for &r in &s.readings {
                    let spelt = syms.reading(r);
                    for (t, &b) in spelt.iter().enumerate() {
                        if j + t >= m || q.pin[j + t] != b as char {
                            break;
                        }
                        let full = if t + 1 == spelt.len() { FULL } else { 0 };
                        put(j + t + 1, (t as i32 + 1) * CHAR + full, &mut self.next);
                    }
                }
            }
            for j in 1..=m {
                if self.adj[j] > self.far[j] {
                    self.far[j] = self.adj[j];
                    self.far_from[j] = i as i32 - 1;
                }
            }
            std::mem::swap(&mut self.adj, &mut self.next);
            if self.adj[m] > best {
                best = self.adj[m];
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

/// The current query over an index, with its ranked hits.
pub struct Search {
    matcher: Matcher,
    dp: Dp,
    query: Query,
    generation: u64,
    hits: Vec<Hit>,
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search")
            .field("query", &self.query.text)
            .field("hits", &self.hits.len())
            .finish()
    }
}

impl Default for Search {
    fn default() -> Self {
        Search::new()
    }
}

impl Search {
    pub fn new() -> Search {
        Search {
            matcher: Matcher::new(Config::DEFAULT),
            dp: Dp::default(),
            query: Query::new(""),
            generation: 0,
            hits: Vec::new(),
        }
    }

    /// Matches `raw` over `index` and ranks the hits. When the normalised query extends the
    /// previous one on the same index, only the previous hits are matched again.
    pub fn update(&mut self, index: &Index, raw: &str) -> &[Hit] {
        let q = Query::new(raw);
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
            self.query = q;
            return &self.hits;
        }
        let mut hits = Vec::new();
        if narrowing {
            for h in &self.hits {
                if let Some(h) =
                    index.match_item(h.item as usize, &q, &mut self.matcher, &mut self.dp)
                {
                    hits.push(h);
                }
            }
        } else {
            for i in 0..index.len() {
                if let Some(h) = index.match_item(i, &q, &mut self.matcher, &mut self.dp) {
                    hits.push(h);
                }
            }
        }
        hits.sort_unstable_by_key(rank_key);
        self.hits = hits;
        self.query = q;
        &self.hits
    }

    pub fn hits(&self) -> &[Hit] {
        &self.hits
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
