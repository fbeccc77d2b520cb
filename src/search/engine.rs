//! Running a query: tiers of FTS5 expressions (whole query, all terms, all words, any word),
//! BM25 ranking with title and tag hits weighted above body hits, and a bounded plan for very
//! broad queries so no query ranks more than [`BROAD`] articles.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::highlight::{Needle, excerpt, find_matches};
use super::query::{Query, Term, parse};
use crate::index::rank::{Df, Plan};
use crate::index::tokens::{Run, runs};
use crate::store::{ArticleId, ArticleMeta, article_from_row, articles::META_SELECT};
use crate::text::{fold_str, search_fold_str};

/// More matches than this are "broad": they are not ranked by BM25 in full (see README).
pub const BROAD: usize = 10_000;
/// Counts stop here; the UI shows "10,000+".
pub const COUNT_CAP: usize = BROAD + 1;
/// The ranking function (see [`super::rank`]); its plan is a statement's first parameter.
const RANK: &str = "zk_rank(fts, ?)";

/// Where a search looks, chosen in the tree pane.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    All,
    Category(String),
    Tag(String),
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    MostViewed,
    Oldest,
}

impl Sort {
    /// The index whose order this is (an `INDEXED BY` clause; empty when the store lacks it)
    /// and the `ORDER BY` that walking it gives: a list stops after its page of rows instead
    /// of sorting every article that qualifies. Relevance without text is newest first.
    fn walk(self, indexes: Indexes) -> (&'static str, &'static str) {
        match self {
            Sort::MostViewed if indexes.views => (
                "INDEXED BY articles_views",
                "a.views DESC, a.published_ts DESC",
            ),
            Sort::MostViewed => ("", "a.views DESC, a.published_ts DESC"),
            Sort::Oldest => ("INDEXED BY articles_published", "a.published_ts ASC"),
            Sort::Relevance | Sort::Newest => {
                ("INDEXED BY articles_published", "a.published_ts DESC")
            }
        }
    }
}

/// A search to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub text: String,
    /// The text is being typed: its last Latin word is a prefix.
    pub typing: bool,
    pub scope: Scope,
    pub sort: Sort,
    pub limit: usize,
    /// Display width of excerpts, in columns.
    pub excerpt_width: usize,
}

impl Request {
    pub fn new(text: &str) -> Self {
        Request {
            text: text.to_owned(),
            typing: false,
            scope: Scope::All,
            sort: Sort::Relevance,
            limit: 50,
            excerpt_width: 60,
        }
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub meta: ArticleMeta,
    /// BM25 score (lower is better); 0 when not ranked by relevance.
    pub score: f64,
    /// 0 whole query, 1 all terms, 2 all words, 3 some words; 0 without text.
    pub tier: u8,
    pub excerpt: String,
    pub excerpt_matches: Vec<std::ops::Range<usize>>,
    pub title_matches: Vec<std::ops::Range<usize>>,
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// Matching articles, counted up to [`COUNT_CAP`].
    pub total: usize,
    /// Needles for highlighting matches in the reader.
    pub needles: Vec<Needle>,
    pub elapsed: Duration,
}

/// The FTS5 phrase for a piece of text, or `None` when it has no searchable characters.
/// Tokens contain only letters, digits and CJK, so quoting them is always safe.
fn phrase(text: &str, prefix: bool) -> Option<String> {
    let rs = runs(text);
    let mut tokens: Vec<String> = Vec::new();
    let mut star = false;
    for (i, run) in rs.iter().enumerate() {
        let last = i + 1 == rs.len();
        match run {
            Run::Word(w) => {
                tokens.push(w.clone());
                star = last && prefix;
            }
            Run::Cjk(chars) if chars.len() == 1 => {
                tokens.push(chars[0].to_string());
                star = last;
            }
            Run::Cjk(chars) => {
                tokens.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
                if !last {
                    tokens.push(chars[chars.len() - 1].to_string());
                }
                star = false;
            }
        }
    }
    if tokens.is_empty() {
        return None;
    }
    Some(format!(
        "\"{}\"{}",
        tokens.join(" "),
        if star { "*" } else { "" }
    ))
}

/// Characters that join words rather than belong to them; long Han runs are split there.
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '的' | '与'
            | '和'
            | '及'
            | '或'
            | '了'
            | '在'
            | '是'
            | '对'
            | '把'
            | '被'
            | '从'
            | '向'
            | '为'
            | '之'
            | '并'
            | '且'
            | '但'
            | '而'
            | '吗'
            | '呢'
            | '怎'
            | '么'
            | '如'
            | '何'
    )
}

/// The words of a term for partial matching: Latin words, short Han runs whole, longer runs
/// split at joiners and then into pairs. A four-character run stays whole in a one-term query,
/// so 故障恢复 alone keeps exact recall; beside other terms it counts as two words.
fn units(term: &Term, split_four: bool) -> Vec<(String, bool)> {
    if term.quoted {
        return vec![(term.text.clone(), false)];
    }
    let rs = runs(&term.text);
    let n = rs.len();
    let mut out = Vec::new();
    for (i, run) in rs.into_iter().enumerate() {
        match run {
            Run::Word(w) => out.push((w, term.prefix && i + 1 == n)),
            Run::Cjk(chars) if chars.len() <= 3 || (chars.len() == 4 && !split_four) => {
                out.push((chars.into_iter().collect(), false))
            }
            Run::Cjk(chars) => {
                for piece in chars.split(|c| is_joiner(*c)) {
                    match piece.len() {
                        0 | 1 => {}
                        2 | 3 => out.push((piece.iter().collect(), false)),
                        len => {
                            let mut k = 0;
                            while k < len {
                                let end = if len - k == 3 { len } else { (k + 2).min(len) };
                                out.push((piece[k..end].iter().collect(), false));
                                k = end;
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// A query's words (of [`units`]) counts at most this many distinct ones: with the caps of
/// [`super::query::parse`], a pasted text of any length plans a bounded number of tiers and
/// phrases.
pub const MAX_UNITS: usize = 32;

/// The distinct words of every term, in order, at most [`MAX_UNITS`].
fn distinct_units(q: &Query, split_four: bool) -> Vec<(String, bool)> {
    let mut seen: HashSet<(String, bool)> = HashSet::new();
    let mut out = Vec::new();
    for t in &q.terms {
        for u in units(t, split_four) {
            if out.len() == MAX_UNITS {
                return out;
            }
            if seen.insert(u.clone()) {
                out.push(u);
            }
        }
    }
    out
}

/// The tiers of a query, strongest first, without duplicates.
fn tiers(q: &Query, split_four: bool) -> Vec<(u8, String)> {
    let terms: Vec<String> = q
        .terms
        .iter()
        .filter_map(|t| phrase(&t.text, t.prefix))
        .collect();
    if terms.is_empty() {
        return Vec::new();
    }
    let all_units = distinct_units(q, split_four);
    let unit_exprs: Vec<String> = all_units
        .iter()
        .filter_map(|(u, p)| phrase(u, *p))
        .collect();
    let mut out: Vec<(u8, String)> = Vec::new();
    let mut push = |tier: u8, e: String| {
        if !out.iter().any(|(_, x)| *x == e) {
            out.push((tier, e));
        }
    };
    if q.terms.len() > 1 {
        let whole: Vec<&str> = q.terms.iter().map(|t| t.text.as_str()).collect();
        if let Some(e) = phrase(&whole.join(" "), q.terms.last().is_some_and(|t| t.prefix)) {
            push(0, e);
        }
    }
    push(1, terms.join(" AND "));
    if !unit_exprs.is_empty() {
        push(2, unit_exprs.join(" AND "));
        if unit_exprs.len() > 1 {
            push(3, unit_exprs.join(" OR "));
        }
    }
    out
}

/// Needles for highlighting: every term's runs and words.
fn needles(q: &Query, split_four: bool) -> Vec<Needle> {
    let mut out: Vec<Needle> = Vec::new();
    let mut add = |s: &str| {
        let n: Needle = search_fold_str(s).chars().collect();
        if !n.is_empty() && !out.contains(&n) {
            out.push(n);
        }
    };
    let allowed = distinct_units(q, split_four);
    for t in &q.terms {
        for run in runs(&t.text) {
            match run {
                Run::Word(w) => add(&w),
                Run::Cjk(c) => add(&c.into_iter().collect::<String>()),
            }
        }
        for u in units(t, split_four) {
            if allowed.contains(&u) {
                add(&u.0);
            }
        }
    }
    out
}

/// SQL conditions on `articles a` for the query's filters and the scope.
pub(crate) struct Filters {
    pub(crate) sql: String,
    pub(crate) params: Vec<Value>,
}

/// The categories (names) and tags (folded) a query and the scope filter by; taxonomy
/// aliases (`tag:k8s`, `cat:前端`) stand for the names they are aliases of.
fn categories_and_tags(q: &Query, scope: &Scope) -> (Vec<String>, Vec<String>) {
    let mut cats: Vec<&str> = q.categories.iter().map(String::as_str).collect();
    let mut tags: Vec<&str> = q.tags.iter().map(String::as_str).collect();
    match scope {
        Scope::All => {}
        Scope::Category(c) => cats.push(c),
        Scope::Tag(t) => tags.push(t),
    }
    let t = crate::taxonomy::taxonomy();
    let cats = cats
        .into_iter()
        .map(|c| match t.category(c) {
            Some(i) => t.categories[i].name.clone(),
            None => c.to_owned(),
        })
        .collect();
    let tags = tags
        .into_iter()
        .map(|x| fold_str(t.tag(x).map_or(x, |(name, _)| name).trim()))
        .collect();
    (cats, tags)
}

/// Category and tag filters as search-index markers (`{tags} : "zkc5"`) to AND into the match
/// expression: the index intersects them with the text, instead of each match being checked.
/// Only for stores whose index carries markers (schema 3; see `Indexes::markers`).
fn marker_clauses(conn: &Connection, q: &Query, scope: &Scope) -> rusqlite::Result<Vec<String>> {
    let mut out = Vec::new();
    let (cats, tags) = categories_and_tags(q, scope);
    for c in cats {
        let id: Option<i64> = conn
            .prepare_cached("SELECT id FROM categories WHERE name = ?1 COLLATE NOCASE")?
            .query_row([c.trim()], |r| r.get(0))
            .optional()?;
        out.push(format!(
            "{{tags}} : \"{}\"",
            crate::store::articles::category_marker(id.unwrap_or(0))
        ));
    }
    for t in tags {
        let id: Option<i64> = conn
            .prepare_cached("SELECT id FROM tags WHERE fold = ?1")?
            .query_row([&t], |r| r.get(0))
            .optional()?;
        out.push(format!(
            "{{tags}} : \"{}\"",
            crate::store::articles::tag_marker(id.unwrap_or(0))
        ));
    }
    for a in &q.authors {
        out.push(format!(
            "{{tags}} : \"{}\"",
            crate::store::articles::author_marker(a)
        ));
    }
    Ok(out)
}

pub(crate) fn filters(q: &Query, scope: &Scope, exclude: Option<&str>) -> Filters {
    filters_with(q, scope, exclude, false)
}

/// SQL conditions; with `markers`, categories and tags are left to [`marker_clauses`].
fn filters_with(q: &Query, scope: &Scope, exclude: Option<&str>, markers: bool) -> Filters {
    let mut conds: Vec<&str> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    // Sets of ids, evaluated once per statement (not once per match): filed under the
    // category (every article is in exactly one, as the tree counts); carrying the tag.
    let cat = "a.category_id IN (SELECT id FROM categories WHERE name = ? COLLATE NOCASE)";
    let tag = "a.id IN (SELECT x.article_id FROM article_tags x JOIN tags t ON t.id = x.tag_id \
               WHERE t.fold = ?)";
    let (mut cats, mut tags) = categories_and_tags(q, scope);
    let authors: &[String] = if markers { &[] } else { &q.authors };
    if markers {
        cats.clear();
        tags.clear();
    }
    for c in cats {
        conds.push(cat);
        params.push(Value::Text(c.trim().to_owned()));
    }
    for t in tags {
        conds.push(tag);
        params.push(Value::Text(t));
    }
    for a in authors {
        conds.push("a.author = ? COLLATE NOCASE");
        params.push(Value::Text(a.trim().to_owned()));
    }
    if let Some(s) = q.since {
        conds.push("a.published_ts >= ?");
        params.push(Value::Integer(s));
    }
    if let Some(u) = q.until {
        conds.push("a.published_ts < ?");
        params.push(Value::Integer(u));
    }
    if let Some(x) = exclude {
        conds.push("a.id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)");
        params.push(Value::Text(x.to_owned()));
    }
    let sql = if conds.is_empty() {
        String::new()
    } else {
        format!(" AND {}", conds.join(" AND "))
    };
    Filters { sql, params }
}

/// At most this many index terms stand in for a prefix (`"kaf"*` → `"kafka" OR "kafkaconsumer"
/// OR …`); a prefix with more keeps FTS5's own expansion.
const MAX_EXPANSIONS: usize = 160;

/// The index terms starting with `prefix`, or `None` when there are more than
/// [`MAX_EXPANSIONS`]. Read from `temp.zk_vocab`, an `fts5vocab` view of the index that
/// [`super::rank::register`] creates on every connection: FTS5 evaluates `"数"*` by
/// merging the whole doclist of every such term before it returns a row (20 ms for a character
/// as common as 数), while an OR of the terms is merged lazily and stops at the first rows.
fn prefix_terms(conn: &Connection, prefix: &str) -> rusqlite::Result<Option<Vec<String>>> {
    let mut st = conn.prepare_cached(
        "SELECT term FROM temp.zk_vocab WHERE term >= ?1 AND term < ?1 || char(1114111) LIMIT ?2",
    )?;
    let terms: Vec<String> = st
        .query_map(rusqlite::params![prefix, MAX_EXPANSIONS as i64 + 1], |r| {
            r.get(0)
        })?
        .collect::<Result<_, _>>()?;
    Ok((terms.len() <= MAX_EXPANSIONS).then_some(terms))
}

/// An expression as it runs: each prefix phrase (`"a b"*`) replaced by an OR of the phrases it
/// stands for (`("a bc" OR "a bd")`), the same matches found without merging every expansion up
/// front; and for [`Plan`], the term each phrase counts for.
#[derive(Debug)]
struct Compiled {
    expr: String,
    /// For each phrase of `expr`, in order: the index of its term in `terms`, or `None` for
    /// category and tag markers and for exclusions.
    groups: Vec<Option<usize>>,
    /// The query's terms as they were written (`"kaf"*`, `"消息 息积 积压"`).
    terms: Vec<String>,
    /// The category, tag and author markers the matches must carry (`"zkc5"`).
    markers: Vec<String>,
    /// The query joins phrases with OR (outside exclusions).
    has_or: bool,
}

impl Compiled {
    /// Costly to evaluate (worth ranking in the counting pass): a phrase of several tokens, or
    /// an AND of several terms or of a term and filter markers.
    fn costly(&self) -> bool {
        !self.has_or
            && match self.terms.as_slice() {
                [] => false,
                [one] => {
                    !self.markers.is_empty()
                        || one.trim_end_matches('*').trim_matches('"').contains(' ')
                }
                _ => true,
            }
    }
}

fn compile(conn: &Connection, expr: &str) -> rusqlite::Result<Compiled> {
    let mut out = String::with_capacity(expr.len());
    let mut groups = Vec::new();
    let mut terms: Vec<String> = Vec::new();
    let mut markers: Vec<String> = Vec::new();
    let mut has_or = false;
    let mut depth = 0usize;
    // Everything after a top-level NOT is an exclusion.
    let mut excluded = false;
    let mut rest = expr;
    while let Some(c) = rest.chars().next() {
        match c {
            '"' => {
                let Some(close) = rest[1..].find('"') else {
                    out.push_str(rest);
                    break;
                };
                let inner = &rest[1..1 + close];
                let star = rest[close + 2..].starts_with('*');
                let original = &rest[..close + 2 + usize::from(star)];
                rest = &rest[original.len()..];
                let marker = !excluded && out.ends_with("{tags} : ");
                if marker {
                    markers.push(original.to_owned());
                }
                let group = if excluded || marker {
                    None
                } else {
                    Some(match terms.iter().position(|t| t == original) {
                        Some(i) => i,
                        None => {
                            terms.push(original.to_owned());
                            terms.len() - 1
                        }
                    })
                };
                let expansions = if star {
                    let (head, last) = match inner.rfind(' ') {
                        Some(i) => (&inner[..=i], &inner[i + 1..]),
                        None => ("", inner),
                    };
                    prefix_terms(conn, last)?
                        .filter(|t| !t.is_empty())
                        .map(|t| (head, t))
                } else {
                    None
                };
                match expansions {
                    Some((head, alts)) => {
                        out.push('(');
                        for (i, t) in alts.iter().enumerate() {
                            if i > 0 {
                                out.push_str(" OR ");
                            }
                            out.push('"');
                            out.push_str(head);
                            out.push_str(&t.replace('"', "\"\""));
                            out.push('"');
                            groups.push(group);
                        }
                        out.push(')');
                    }
                    // Nothing starts with it (the prefix query finds nothing, at no cost), or
                    // too much does: FTS5 expands it.
                    None => {
                        out.push_str(original);
                        groups.push(group);
                    }
                }
                continue;
            }
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            'N' if depth == 0 && rest.starts_with("NOT ") && out.ends_with(' ') => excluded = true,
            'O' if !excluded && rest.starts_with("OR ") && out.ends_with(' ') => has_or = true,
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(Compiled {
        expr: out,
        groups,
        terms,
        markers,
        has_or,
    })
}

/// A result chosen for the page: (row id, score, tier).
type Picked = (i64, f64, u8);

/// Matches of one expression: (row id, BM25 score or NaN), newest-imported first.
type Scored = std::rc::Rc<Vec<(i64, f64)>>;

/// Indexes added by schema version 2 (a read-only store of version 1 lacks them).
#[derive(Debug, Clone, Copy)]
struct Indexes {
    cover: bool,
    views: bool,
    /// The index carries tag and category markers (schema 3).
    markers: bool,
}

impl Indexes {
    fn of(conn: &Connection) -> rusqlite::Result<Indexes> {
        let has = |name: &str| -> rusqlite::Result<bool> {
            conn.prepare_cached(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?1",
            )?
            .query_row([name], |r| r.get::<_, i64>(0))
            .map(|n| n > 0)
        };
        let version: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        Ok(Indexes {
            cover: has("articles_cover")?,
            views: has("articles_views")?,
            markers: version >= 3,
        })
    }
}

struct Ctx<'a> {
    conn: &'a Connection,
    f: Filters,
    indexes: Indexes,
    needles: Vec<Needle>,
    /// Matches of each expression evaluated so far, newest-imported first, up to COUNT_CAP.
    memo: std::cell::RefCell<std::collections::HashMap<String, Scored>>,
    /// Each expression compiled so far.
    compiled: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<Compiled>>>,
    /// Document frequency of each term looked up so far.
    df: std::cell::RefCell<std::collections::HashMap<String, Df>>,
    /// Articles in the index, once counted.
    docs: std::cell::Cell<Option<i64>>,
    /// The search ranks by relevance (other orders only count and list).
    ranking: bool,
    /// The connection's document lengths are current ([`Ctx::ranks`]).
    lengths: std::cell::Cell<bool>,
}

/// Weights of the title, tags, author and body columns.
const WEIGHTS: [f64; 4] = [10.0, 6.0, 3.0, 1.0];

impl Ctx<'_> {
    /// Call before a statement that ranks: brings the connection's document lengths up to date,
    /// once per search. Only ranking reads them, so a search that ranks nothing (no match, a
    /// list, another order) never loads the 400 KB of a 100,000-article library.
    fn ranks(&self) -> rusqlite::Result<()> {
        if !self.lengths.get() {
            crate::index::rank::refresh_lengths(self.conn)?;
            self.lengths.set(true);
        }
        Ok(())
    }

    /// Parameters of a statement: the ranking plan (when it ranks), the MATCH expression,
    /// the filters', then `extra`.
    fn params(&self, plan: Option<String>, expr: &str, extra: &[i64]) -> Vec<Value> {
        let mut p: Vec<Value> = plan.into_iter().map(Value::Text).collect();
        p.push(Value::Text(expr.to_owned()));
        p.extend(self.f.params.iter().cloned());
        p.extend(extra.iter().map(|&n| Value::Integer(n)));
        p
    }

    fn compiled(&self, expr: &str) -> rusqlite::Result<std::rc::Rc<Compiled>> {
        if let Some(c) = self.compiled.borrow().get(expr) {
            return Ok(c.clone());
        }
        let c = std::rc::Rc::new(compile(self.conn, expr)?);
        self.compiled
            .borrow_mut()
            .insert(expr.to_owned(), c.clone());
        Ok(c)
    }

    /// The ranking plan of a compiled expression: its terms' document frequencies are looked up
    /// only when there are several (one term's IDF cannot change the order).
    fn plan(&self, c: &Compiled) -> rusqlite::Result<String> {
        let df = if c.terms.len() > 1 {
            c.terms
                .iter()
                .map(|t| self.doc_freq(t))
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        Ok(Plan {
            weights: WEIGHTS,
            groups: c.groups.clone(),
            df,
        }
        .encode())
    }

    /// How many articles the index holds.
    fn docs(&self) -> rusqlite::Result<i64> {
        if let Some(n) = self.docs.get() {
            return Ok(n);
        }
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM fts_docsize")?
            .query_row([], |r| r.get(0))?;
        self.docs.set(Some(n));
        Ok(n)
    }

    /// How many articles contain a term, whatever the filters: exact up to [`COUNT_CAP`]; for
    /// a commoner term, estimated from the newest articles (10,001 matches among how many).
    fn doc_freq(&self, term: &str) -> rusqlite::Result<Df> {
        if let Some(d) = self.df.borrow().get(term) {
            return Ok(*d);
        }
        let expr = self.compiled(term)?.expr.clone();
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT rowid FROM fts WHERE fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
            )?
            .query_map(rusqlite::params![expr, COUNT_CAP as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let d = match ids.last() {
            Some(&last) if ids.len() >= COUNT_CAP => {
                let newer: i64 = self
                    .conn
                    .prepare_cached("SELECT count(*) FROM fts_docsize WHERE id >= ?1")?
                    .query_row([last], |r| r.get(0))?;
                Df::Share(ids.len() as f64 / newer.max(1) as f64)
            }
            _ => Df::Exact(ids.len() as u64),
        };
        self.df.borrow_mut().insert(term.to_owned(), d);
        Ok(d)
    }

    /// `FROM` clause: the articles table is joined only when a filter needs it (the join costs
    /// about 1 µs per match).
    fn from(&self) -> &'static str {
        match (self.f.sql.is_empty(), self.indexes.cover) {
            (true, _) => "fts f",
            // The narrow index holds every column a filter reads: one small page per match
            // instead of the article's own page (body included).
            (false, true) => "fts f JOIN articles a INDEXED BY articles_cover ON a.id = f.rowid",
            (false, false) => "fts f JOIN articles a ON a.id = f.rowid",
        }
    }

    /// Matches of `expr`, newest-imported first, at most [`COUNT_CAP`], evaluated once per
    /// search. When the search ranks, phrases of several tokens and ANDs of terms that are
    /// likely narrow (costly to evaluate twice) get their BM25 scores in the same pass; single
    /// tokens, OR tiers and likely broad ANDs (where scoring 10,000 rows would be wasted) get
    /// NaN and are scored later only if not broad.
    fn matches(&self, expr: &str) -> rusqlite::Result<Scored> {
        if let Some(m) = self.memo.borrow().get(expr) {
            return Ok(m.clone());
        }
        let c = self.compiled(expr)?;
        let plan = if self.ranking && c.costly() && self.likely_narrow(&c)? {
            Some(self.plan(&c)?)
        } else {
            None
        };
        let score = if plan.is_some() {
            self.ranks()?;
            RANK
        } else {
            "NULL"
        };
        let sql = format!(
            "SELECT f.rowid, {score} FROM {} WHERE fts MATCH ?{} ORDER BY f.rowid DESC LIMIT ?",
            self.from(),
            self.f.sql
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows: Vec<(i64, f64)> = st
            .query_map(
                params_from_iter(self.params(plan, &c.expr, &[COUNT_CAP as i64])),
                |r| Ok((r.get(0)?, r.get::<_, Option<f64>>(1)?.unwrap_or(f64::NAN))),
            )?
            .collect::<Result<_, _>>()?;
        let rows = std::rc::Rc::new(rows);
        self.memo.borrow_mut().insert(expr.to_owned(), rows.clone());
        Ok(rows)
    }

    /// Whether an expression that ranks in its counting pass is likely to have at most
    /// [`BROAD`] matches. An AND of terms can only be broad if each of them is, and is likely
    /// broad if the product of their shares (and of the filters' markers) says so: then it is
    /// counted first, and ranked only if it is not.
    fn likely_narrow(&self, c: &Compiled) -> rusqlite::Result<bool> {
        if c.terms.len() < 2 {
            return Ok(true);
        }
        let mut shares = Vec::with_capacity(c.terms.len());
        for t in &c.terms {
            match self.doc_freq(t)? {
                Df::Exact(_) => return Ok(true),
                Df::Share(s) => shares.push(s),
            }
        }
        let docs = self.docs()?.max(1) as f64;
        let mut share: f64 = shares.iter().product();
        for m in &c.markers {
            share *= match self.doc_freq(m)? {
                Df::Exact(n) => n as f64 / docs,
                Df::Share(s) => s,
            };
        }
        Ok(docs * share <= BROAD as f64)
    }

    fn count(&self, expr: &str) -> rusqlite::Result<usize> {
        Ok(self.matches(expr)?.len())
    }

    /// The `limit` best matches by BM25 (lower is better), evaluating `expr` again.
    fn bm25(&self, expr: &str, limit: usize) -> rusqlite::Result<Vec<(i64, f64)>> {
        let sql = format!(
            "SELECT f.rowid, {RANK} s FROM {} WHERE fts MATCH ?{} ORDER BY s LIMIT ?",
            self.from(),
            self.f.sql
        );
        let c = self.compiled(expr)?;
        let plan = self.plan(&c)?;
        self.ranks()?;
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(
            params_from_iter(self.params(Some(plan), &c.expr, &[limit as i64])),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        rows.collect()
    }

    /// Matches of `expr` in another order than relevance.
    /// Walks the order's index and stops at `limit` (instead of sorting every match).
    fn sorted(&self, expr: &str, sort: Sort, limit: usize) -> rusqlite::Result<Vec<i64>> {
        let (index, order) = sort.walk(self.indexes);
        let sql = format!(
            "SELECT a.id FROM articles a {index} WHERE a.id IN (SELECT rowid FROM fts WHERE fts MATCH ?){} \
             ORDER BY {order} LIMIT ?",
            self.f.sql,
        );
        let c = self.compiled(expr)?;
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(
            params_from_iter(self.params(None, &c.expr, &[limit as i64])),
            |r| r.get(0),
        )?;
        rows.collect()
    }

    /// The count of `expr`'s matches and the first `limit` of them in `sort`'s order.
    fn listed(
        &self,
        expr: &str,
        sort: Sort,
        limit: usize,
    ) -> rusqlite::Result<(usize, Vec<Picked>)> {
        let page = self.sorted(expr, sort, limit)?;
        Ok((
            self.count(expr)?,
            page.into_iter().map(|id| (id, 0.0, 0)).collect(),
        ))
    }

    /// The best `limit` matches of one tier: BM25 when the tier has at most [`BROAD`] matches.
    /// A broader tier is not ranked in full: among its newest-imported matches, those with the
    /// query in the title or tags come first (score -1), then the rest (score 0), newest first.
    fn ranked(&self, expr: &str, limit: usize) -> rusqlite::Result<Vec<(i64, f64)>> {
        let all = self.matches(expr)?;
        if all.len() <= BROAD && all.first().is_some_and(|x| x.1.is_nan()) {
            return self.bm25(expr, limit);
        }
        if all.len() <= BROAD {
            // Lower BM25 is better; equal scores keep the newer import first (stable sort).
            let mut best = all.to_vec();
            best.sort_by(|a, b| a.1.total_cmp(&b.1));
            best.truncate(limit);
            return Ok(best);
        }
        // Title and tag hits among the (up to 10,001) newest matches come first.
        let in_all: HashSet<i64> = all.iter().map(|x| x.0).collect();
        let sql = format!(
            "SELECT f.rowid FROM {} WHERE fts MATCH ?{} ORDER BY f.rowid DESC LIMIT ?",
            self.from(),
            self.f.sql
        );
        let head_expr = format!("{{title tags}} : ({})", self.compiled(expr)?.expr);
        let mut st = self.conn.prepare_cached(&sql)?;
        let mut head: Vec<(i64, f64)> = st
            .query_map(
                params_from_iter(self.params(None, &head_expr, &[limit as i64 * 2])),
                |r| r.get::<_, i64>(0),
            )?
            .filter_map(|r| match r {
                Ok(id) if in_all.contains(&id) => Some(Ok((id, -1.0))),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
            .take(limit)
            .collect::<Result<_, _>>()?;
        let taken: HashSet<i64> = head.iter().map(|x| x.0).collect();
        let rest = all
            .iter()
            .filter(|x| !taken.contains(&x.0))
            .take(limit)
            .map(|&(id, _)| (id, 0.0));
        head.extend(rest);
        head.truncate(limit);
        Ok(head)
    }
}

/// Runs a search. Every input string is searched as text: this never fails on user input.
/// `conn` is a store connection ([`crate::store::Store::conn`]), which has the ranking function
/// and the vocabulary view ([`super::rank::register`]).
pub fn search(conn: &Connection, req: &Request) -> rusqlite::Result<Results> {
    // One read transaction for the whole search: every statement sees the same state of the
    // store (an import committing meanwhile cannot take away an article being fetched), and
    // the 100-odd statements do not each take and release the store's read lock. Inside a
    // caller's transaction, the search is part of it.
    if !conn.is_autocommit() {
        return search_in(conn, req);
    }
    conn.execute_batch("BEGIN")?;
    let res = search_in(conn, req);
    // Ending it must not fail for good: a transaction left open would pin this connection to
    // an old state of the store. SQLite forgets an interrupt once no statement is running, so
    // ROLLBACK goes through after an interrupted search; it is retried in case an interrupt
    // lands while it runs.
    for _ in 0..3 {
        if conn.is_autocommit() {
            break;
        }
        let _ = conn.execute_batch("ROLLBACK");
    }
    res
}

fn search_in(conn: &Connection, req: &Request) -> rusqlite::Result<Results> {
    let start = Instant::now();
    let q = parse(&req.text, req.typing);
    let excluded: Vec<String> = q.excluded.iter().filter_map(|x| phrase(x, false)).collect();
    let exclude = (!excluded.is_empty()).then(|| excluded.join(" OR "));
    let indexes = Indexes::of(conn)?;
    // Category, tag and author filters are index markers joined to the match expression; a
    // query of filters alone (a category chosen in the tree) matches the markers alone.
    let clauses = if indexes.markers {
        marker_clauses(conn, &q, &req.scope)?
    } else {
        Vec::new()
    };
    let markers = indexes.markers && (q.has_text() || !clauses.is_empty());
    // Exclusions join the match expression (FTS5 `NOT`) when there is one; otherwise they are
    // an SQL condition.
    let (in_match, exclude) = if q.has_text() || markers {
        (exclude, None)
    } else {
        (None, exclude)
    };
    let filter_expr = (!q.has_text() && markers).then(|| {
        let e = clauses.join(" AND ");
        match &in_match {
            Some(x) => format!("({e}) NOT ({x})"),
            None => e,
        }
    });
    let build = |split_four: bool| -> Vec<(u8, String)> {
        tiers(&q, split_four)
            .into_iter()
            .map(|(t, mut e)| {
                if !clauses.is_empty() {
                    e = format!("({e}) AND {}", clauses.join(" AND "));
                }
                if let Some(x) = &in_match {
                    e = format!("({e}) NOT ({x})");
                }
                (t, e)
            })
            .collect()
    };
    // A four-character run stays whole in a one-term query (exact recall); only when nothing
    // contains it are its two words looked for (数据备份 → 数据, 备份).
    let multi = q.terms.len() > 1;
    let tiers = build(multi);
    let fallback = if multi { Vec::new() } else { build(true) };
    let mut ctx = Ctx {
        conn,
        indexes,
        f: filters_with(&q, &req.scope, exclude.as_deref(), markers),
        needles: needles(&q, multi),
        memo: Default::default(),
        compiled: Default::default(),
        df: Default::default(),
        docs: Default::default(),
        ranking: req.sort == Sort::Relevance,
        lengths: Default::default(),
    };
    let mut picked: Vec<Picked> = Vec::new();
    let total;
    if let Some(expr) = &filter_expr {
        (total, picked) = ctx.listed(expr, req.sort, req.limit)?;
    } else if tiers.is_empty() {
        // Dates and exclusions are checked on the way down the order's index; category, tag
        // and author conditions (a store without markers) are left to the query planner, as
        // each would read an article's own page per step.
        let (index, order) = req.sort.walk(ctx.indexes);
        let (cats, tags) = categories_and_tags(&q, &req.scope);
        let plain = q.authors.is_empty() && cats.is_empty() && tags.is_empty();
        let sql = format!(
            "SELECT a.id FROM articles a {} WHERE 1{} ORDER BY {order} LIMIT ?",
            if plain { index } else { "" },
            ctx.f.sql,
        );
        let mut p = ctx.f.params.clone();
        p.push(Value::Integer(req.limit as i64));
        let mut st = conn.prepare_cached(&sql)?;
        let ids: Vec<i64> = st
            .query_map(params_from_iter(p), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        picked.extend(ids.into_iter().map(|id| (id, 0.0, 0)));
        // Counting scans the narrow index, not the articles' pages.
        let cover = if ctx.indexes.cover {
            "INDEXED BY articles_cover"
        } else {
            ""
        };
        let sql = format!(
            "SELECT count(*) FROM (SELECT 1 FROM articles a {cover} WHERE 1{} LIMIT ?)",
            ctx.f.sql
        );
        let mut p = ctx.f.params.clone();
        p.push(Value::Integer(COUNT_CAP as i64));
        total = conn.query_row(&sql, params_from_iter(p), |r| r.get::<_, i64>(0))? as usize;
    } else {
        let (_, broadest) = tiers.last().expect("non-empty");
        if req.sort == Sort::Relevance {
            // Tiers nest (each matches everything the one before did), so the count is that of
            // the weakest tier needed to fill the page: looser tiers are not evaluated at all.
            let mut seen = HashSet::new();
            let mut counted = 0;
            let mut used = &tiers;
            if ctx.count(&tiers[0].1)? == 0 && fallback.len() > tiers.len() {
                used = &fallback;
                ctx.needles = needles(&q, true);
            }
            for (tier, expr) in used {
                if picked.len() >= req.limit {
                    break;
                }
                counted = ctx.count(expr)?;
                for (id, score) in ctx.ranked(expr, req.limit + seen.len())? {
                    if picked.len() < req.limit && seen.insert(id) {
                        picked.push((id, score, *tier));
                    }
                }
            }
            total = counted;
        } else {
            (total, picked) = ctx.listed(broadest, req.sort, req.limit)?;
        }
    }
    let needles = ctx.needles;
    let mut hits = hydrate(conn, &picked, &needles, req.excerpt_width)?;
    if req.sort == Sort::Relevance && !tiers.is_empty() {
        // Equal scores (and the unranked rest of a broad tier) go newest first.
        hits.sort_by(|x, y| {
            x.tier
                .cmp(&y.tier)
                .then(x.score.total_cmp(&y.score))
                .then_with(|| y.meta.published.cmp(&x.meta.published))
        });
    }
    Ok(Results {
        hits,
        total,
        needles,
        elapsed: start.elapsed(),
    })
}

pub(crate) fn hydrate(
    conn: &Connection,
    picked: &[Picked],
    needles: &[Needle],
    width: usize,
) -> rusqlite::Result<Vec<Hit>> {
    let mut meta_st = conn.prepare_cached(&format!("{META_SELECT} WHERE a.id = ?1"))?;
    let mut body_st = conn.prepare_cached("SELECT body FROM articles WHERE id = ?1")?;
    let mut hits = Vec::with_capacity(picked.len());
    for &(id, score, tier) in picked {
        let meta = meta_st.query_row([id], article_from_row)?;
        let body: String = body_st.query_row([id], |r| r.get(0))?;
        let (excerpt, excerpt_matches) = excerpt(&body, needles, width);
        let title_matches = find_matches(&meta.title, needles);
        hits.push(Hit {
            meta,
            score,
            tier,
            excerpt,
            excerpt_matches,
            title_matches,
        });
    }
    Ok(hits)
}

/// Articles whose text contains `needle` (a plain scan; the baseline for tests and benches).
pub fn scan_ids(conn: &Connection, needle: &str) -> rusqlite::Result<Vec<ArticleId>> {
    let n: Needle = search_fold_str(needle).chars().collect();
    let mut st = conn.prepare(
        "SELECT a.id, a.title || ' ' || coalesce(a.author, '') || ' ' || a.body || ' ' || \
         coalesce((SELECT group_concat(t.name, ' ') FROM article_tags x JOIN tags t ON t.id = x.tag_id \
         WHERE x.article_id = a.id), '') FROM articles a",
    )?;
    let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, text) = row?;
        if !find_matches(&text, std::slice::from_ref(&n)).is_empty() {
            out.push(ArticleId(id));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases() {
        assert_eq!(phrase("备份", false).unwrap(), "\"备份\"");
        assert_eq!(phrase("库", false).unwrap(), "\"库\"*");
        assert_eq!(phrase("数据库", false).unwrap(), "\"数据 据库\"");
        assert_eq!(
            phrase("DorisDB数据同步", false).unwrap(),
            "\"dorisdb 数据 据同 同步\""
        );
        assert_eq!(phrase("数据c", false).unwrap(), "\"数据 据 c\"");
        assert_eq!(phrase("Dor", true).unwrap(), "\"dor\"*");
        assert_eq!(phrase("\"(*^", false), None);
    }

    #[test]
    fn long_runs_split_into_words() {
        let t = Term {
            text: "DorisDB数据同步监控与故障恢复".into(),
            prefix: false,
            quoted: false,
        };
        let u: Vec<String> = units(&t, false).into_iter().map(|x| x.0).collect();
        assert_eq!(u, ["dorisdb", "数据", "同步", "监控", "故障", "恢复"]);
        let t = Term {
            text: "分布式事务".into(),
            prefix: false,
            quoted: false,
        };
        let u: Vec<String> = units(&t, false).into_iter().map(|x| x.0).collect();
        assert_eq!(u, ["分布", "式事务"]);
    }

    #[test]
    fn a_pasted_text_of_any_length_plans_a_bounded_search() {
        use super::super::query::{MAX_QUERY_CHARS, MAX_TERMS};
        let distinct: String = ('一'..='龥').step_by(7).take(5000).collect();
        for text in [
            "数据".repeat(5000),
            "数据 ".repeat(5000),
            distinct.clone(),
            distinct.chars().flat_map(|c| [c, ' ']).collect(),
            "Kafka消息积压".repeat(1000),
        ] {
            let q = parse(&text, false);
            assert!(q.terms.len() <= MAX_TERMS);
            for split in [false, true] {
                let t = tiers(&q, split);
                assert!(t.len() <= 4, "{} tiers", t.len());
                for (_, e) in &t {
                    // Phrases (quoted groups) and tokens inside them are bounded.
                    let phrases = e.matches('"').count() / 2;
                    assert!(phrases <= MAX_UNITS.max(MAX_TERMS), "{phrases} phrases");
                    assert!(
                        e.split(' ').count() <= 2 * MAX_QUERY_CHARS,
                        "{} tokens",
                        e.len()
                    );
                }
                assert!(needles(&q, split).len() <= MAX_QUERY_CHARS + MAX_UNITS);
            }
        }
        // And it still searches, as text.
        let store = crate::store::Store::open_in_memory().unwrap();
        let res = search(store.conn(), &Request::new(&"数据".repeat(5000))).unwrap();
        assert_eq!(res.total, 0);
    }

    #[test]
    fn tiers_of_a_two_term_query() {
        let q = parse("Kafka 消息积压", false);
        let t: Vec<String> = tiers(&q, true).into_iter().map(|x| x.1).collect();
        assert_eq!(
            t,
            [
                "\"kafka 消息 息积 积压\"",
                "\"kafka\"* AND \"消息 息积 积压\"",
                "\"kafka\"* AND \"消息\" AND \"积压\"",
                "\"kafka\"* OR \"消息\" OR \"积压\"",
            ]
        );
    }

    #[test]
    fn prefixes_expand_to_the_index_terms() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let conn = store.conn();
        for (id, text) in [
            (1, "kafka 消息"),
            (2, "kafkaconsumer 消费"),
            (3, "kubectl 数据"),
        ] {
            conn.execute(
                "INSERT INTO fts(rowid, title, tags, author, body) VALUES (?1, '', '', '', ?2)",
                rusqlite::params![id, text],
            )
            .unwrap();
        }
        let e = |x: &str| compile(conn, x).unwrap().expr;
        assert_eq!(e("\"kaf\"*"), "(\"kafka\" OR \"kafkaconsumer\")");
        assert_eq!(
            e("{title tags} : (\"kafka 消\"* AND \"x\") NOT \"y\"*"),
            "{title tags} : ((\"kafka 消息\" OR \"kafka 消费\") AND \"x\") NOT \"y\"*"
        );
        assert_eq!(e("\"数据\" OR \"k\""), "\"数据\" OR \"k\"");
        // Every expansion matches what the prefix query matches.
        for x in ["\"kaf\"*", "\"消\"*", "\"k\"*", "\"kafka 消\"*", "\"zz\"*"] {
            let ids = |q: &str| -> Vec<i64> {
                conn.prepare("SELECT rowid FROM fts WHERE fts MATCH ?1 ORDER BY rowid")
                    .unwrap()
                    .query_map([q], |r| r.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            };
            assert_eq!(ids(&e(x)), ids(x), "{x}");
        }
    }

    #[test]
    fn compiled_phrases_know_their_terms() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let conn = store.conn();
        conn.execute(
            "INSERT INTO fts(rowid, title, tags, author, body) VALUES (1, '', '', '', 'kafka kafkaconsumer 消息')",
            [],
        )
        .unwrap();
        let c = compile(
            conn,
            "((\"kaf\"* AND \"消息\") AND {tags} : \"zkc5\") NOT (\"y\" OR \"消息\")",
        )
        .unwrap();
        assert_eq!(
            c.expr,
            "(((\"kafka\" OR \"kafkaconsumer\") AND \"消息\") AND {tags} : \"zkc5\") NOT (\"y\" OR \"消息\")"
        );
        assert_eq!(c.groups, [Some(0), Some(0), Some(1), None, None, None]);
        assert_eq!(c.terms, ["\"kaf\"*", "\"消息\""]);
        assert_eq!(c.markers, ["\"zkc5\""]);
        assert!(c.costly() && !c.has_or);
        // One word is cheap to evaluate twice; a phrase or a word in a scope is not; nor is an
        // OR tier, which is often broad.
        let costly = |e: &str| compile(conn, e).unwrap().costly();
        assert!(!costly("\"消息\""));
        assert!(costly("\"消息 息积 积压\""));
        assert!(costly("(\"消息\") AND {tags} : \"zkc5\""));
        assert!(!costly("\"kafka\"* OR \"消息\""));
        assert!(!costly("(\"消息\") NOT (\"备份\" OR \"恢复\")"));
    }

    #[test]
    fn only_a_search_that_ranks_reads_the_document_lengths() {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        let data = "{\"id\":\"a\",\"title\":\"Kafka 消息积压\",\"body\":\"排查 KafkaConsumer\"}\n";
        crate::import::import(
            &mut store,
            vec![crate::import::Source::Memory {
                name: "a.jsonl".into(),
                data: data.as_bytes(),
            }],
            crate::import::Options::default(),
        )
        .unwrap();
        let conn = store.conn();
        let loaded = || crate::index::rank::lengths_loaded(conn);
        // Nothing matches, a list without text, another order: nothing is ranked.
        for (text, sort) in [
            ("zzqqxxnomatchzz", Sort::Relevance),
            ("", Sort::Relevance),
            ("消息积压", Sort::Newest),
        ] {
            let r = search(
                conn,
                &Request {
                    sort,
                    ..Request::new(text)
                },
            )
            .unwrap();
            assert!(!loaded(), "{text:?} {sort:?} read the lengths");
            assert_eq!(r.hits.len(), usize::from(!text.starts_with('z')));
        }
        let r = search(conn, &Request::new("消息积压")).unwrap();
        assert_eq!(r.total, 1);
        assert!(loaded());
    }

    #[test]
    fn a_search_inside_a_transaction_leaves_it_open() {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        let data = "{\"id\":\"a\",\"title\":\"Kafka 消息积压\",\"body\":\"排查 KafkaConsumer\"}\n";
        crate::import::import(
            &mut store,
            vec![crate::import::Source::Memory {
                name: "a.jsonl".into(),
                data: data.as_bytes(),
            }],
            crate::import::Options::default(),
        )
        .unwrap();
        let conn = store.conn();
        conn.execute_batch("BEGIN").unwrap();
        let r = search(conn, &Request::new("kafkacons")).unwrap();
        assert_eq!(r.total, 1);
        assert!(!conn.is_autocommit());
        conn.execute_batch("COMMIT").unwrap();
        let r = search(conn, &Request::new("消息积压")).unwrap();
        assert_eq!((r.total, conn.is_autocommit()), (1, true));
    }

    #[test]
    fn interrupted_searches_never_leave_a_transaction_open() {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        crate::import::import(
            &mut store,
            crate::sample::sources(),
            crate::import::Options::default(),
        )
        .unwrap();
        let conn = store.conn();
        let handle = conn.get_interrupt_handle();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let pest = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    handle.interrupt();
                    std::thread::sleep(Duration::from_micros(50));
                }
            })
        };
        let (mut ok, mut interrupted) = (0, 0);
        for q in [
            "数据",
            "Kafka 消息积压",
            "cat:数据库",
            "数",
            "故障恢复 -备份",
            "",
        ]
        .repeat(40)
        {
            match search(conn, &Request::new(q)) {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert_eq!(
                        e.sqlite_error_code(),
                        Some(rusqlite::ErrorCode::OperationInterrupted),
                        "{e}"
                    );
                    interrupted += 1;
                }
            }
            assert!(conn.is_autocommit(), "{q}: a transaction was left open");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        pest.join().unwrap();
        assert!(
            interrupted > 0 && ok + interrupted == 240,
            "{ok} {interrupted}"
        );
    }
}
