//! Running a plan: each expression compiled once (prefixes expanded to the index terms they
//! stand for), evaluated once, counted and ranked (BM25 by `zk_rank`, title and tag hits
//! weighted above body hits), with a bounded path for very broad tiers so no query ranks more
//! than [`BROAD`] articles.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use super::engine::{BROAD, COUNT_CAP, Sort};
use super::expr::{Clause, Compiled, Expr, Node, Prefixes, compile};
use super::filters::Filters;
use super::hits::Picked;
use crate::index::rank::{Df, Plan};

/// The ranking function (see [`crate::index::rank`]); its plan is a statement's first parameter.
const RANK: &str = "zk_rank(fts, ?)";

/// Weights of the title, tags, author and body columns.
const WEIGHTS: [f64; 4] = [10.0, 6.0, 3.0, 1.0];

/// Matches of one expression: (row id, BM25 score or NaN), newest-imported first.
type Scored = Rc<Vec<(i64, f64)>>;

/// Indexes added by schema version 2 (a read-only store of version 1 lacks them).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Indexes {
    pub(crate) cover: bool,
    pub(crate) views: bool,
    /// The index carries tag and category markers (schema 3).
    pub(crate) markers: bool,
}

impl Indexes {
    pub(crate) fn of(conn: &Connection) -> rusqlite::Result<Indexes> {
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

/// The index whose order `sort` is (an `INDEXED BY` clause; empty when the store lacks it) and
/// the `ORDER BY` that walking it gives: a list stops after its page of rows instead of sorting
/// every article that qualifies. Relevance without text is newest first.
pub(crate) fn walk(sort: Sort, indexes: Indexes) -> (&'static str, &'static str) {
    match sort {
        Sort::MostViewed if indexes.views => (
            "INDEXED BY articles_views",
            "a.views DESC, a.published_ts DESC",
        ),
        Sort::MostViewed => ("", "a.views DESC, a.published_ts DESC"),
        Sort::Oldest => ("INDEXED BY articles_published", "a.published_ts ASC"),
        Sort::Relevance | Sort::Newest => ("INDEXED BY articles_published", "a.published_ts DESC"),
    }
}

/// One search's statements, with what they have found so far.
pub(crate) struct Ctx<'a> {
    pub(crate) conn: &'a Connection,
    pub(crate) f: Filters,
    pub(crate) indexes: Indexes,
    /// Matches of each expression evaluated so far (by source), newest-imported first, up to
    /// COUNT_CAP.
    memo: RefCell<HashMap<String, Scored>>,
    /// Each expression compiled so far (by source).
    compiled: RefCell<HashMap<String, Rc<Compiled>>>,
    prefixes: Prefixes,
    /// Document frequency of each clause looked up so far (by source).
    df: RefCell<HashMap<String, Df>>,
    /// Articles in the index, once counted.
    docs: Cell<Option<i64>>,
    /// The search ranks by relevance (other orders only count and list).
    ranking: bool,
    /// The connection's document lengths are current ([`Ctx::ranks`]).
    lengths: Cell<bool>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(conn: &'a Connection, f: Filters, indexes: Indexes, ranking: bool) -> Self {
        Ctx {
            conn,
            f,
            indexes,
            memo: Default::default(),
            compiled: Default::default(),
            prefixes: Default::default(),
            df: Default::default(),
            docs: Default::default(),
            ranking,
            lengths: Default::default(),
        }
    }

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

    fn compiled(&self, e: &Expr, key: &str) -> rusqlite::Result<Rc<Compiled>> {
        if let Some(c) = self.compiled.borrow().get(key) {
            return Ok(c.clone());
        }
        let c = Rc::new(compile(self.conn, e, &self.prefixes)?);
        self.compiled.borrow_mut().insert(key.to_owned(), c.clone());
        Ok(c)
    }

    /// The ranking plan of a compiled expression: its clauses' document frequencies are looked
    /// up only when there are several (one term's IDF cannot change the order).
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

    /// How many articles contain a clause, whatever the filters: exact up to [`COUNT_CAP`]; for
    /// a commoner one, estimated from the newest articles (10,001 matches among how many).
    fn doc_freq(&self, clause: &Clause) -> rusqlite::Result<Df> {
        let e = Expr {
            text: Some(Node::All(vec![clause.clone()])),
            ..Expr::default()
        };
        let key = e.source();
        if let Some(d) = self.df.borrow().get(&key) {
            return Ok(*d);
        }
        let expr = self.compiled(&e, &key)?.expr.clone();
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
        self.df.borrow_mut().insert(key, d);
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

    /// Matches of `e`, newest-imported first, at most [`COUNT_CAP`], evaluated once per
    /// search. When the search ranks, phrases of several tokens and ANDs of terms that are
    /// likely narrow (costly to evaluate twice) get their BM25 scores in the same pass; single
    /// tokens, OR tiers and likely broad ANDs (where scoring 10,000 rows would be wasted) get
    /// NaN and are scored later only if not broad.
    fn matches(&self, e: &Expr) -> rusqlite::Result<Scored> {
        let key = e.source();
        if let Some(m) = self.memo.borrow().get(&key) {
            return Ok(m.clone());
        }
        let c = self.compiled(e, &key)?;
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
        let rows = Rc::new(rows);
        self.memo.borrow_mut().insert(key, rows.clone());
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
            share *= match self.doc_freq(&Clause::literal(m.clone()))? {
                Df::Exact(n) => n as f64 / docs,
                Df::Share(s) => s,
            };
        }
        Ok(docs * share <= BROAD as f64)
    }

    pub(crate) fn count(&self, e: &Expr) -> rusqlite::Result<usize> {
        Ok(self.matches(e)?.len())
    }

    /// The `limit` best matches by BM25 (lower is better), evaluating `e` again.
    fn bm25(&self, e: &Expr, limit: usize) -> rusqlite::Result<Vec<(i64, f64)>> {
        let sql = format!(
            "SELECT f.rowid, {RANK} s FROM {} WHERE fts MATCH ?{} ORDER BY s LIMIT ?",
            self.from(),
            self.f.sql
        );
        let c = self.compiled(e, &e.source())?;
        let plan = self.plan(&c)?;
        self.ranks()?;
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(
            params_from_iter(self.params(Some(plan), &c.expr, &[limit as i64])),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        rows.collect()
    }

    /// Matches of `e` in another order than relevance.
    /// Walks the order's index and stops at `limit` (instead of sorting every match).
    fn sorted(&self, e: &Expr, sort: Sort, limit: usize) -> rusqlite::Result<Vec<i64>> {
        let (index, order) = walk(sort, self.indexes);
        let sql = format!(
            "SELECT a.id FROM articles a {index} WHERE a.id IN (SELECT rowid FROM fts WHERE fts MATCH ?){} \
             ORDER BY {order} LIMIT ?",
            self.f.sql,
        );
        let c = self.compiled(e, &e.source())?;
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(
            params_from_iter(self.params(None, &c.expr, &[limit as i64])),
            |r| r.get(0),
        )?;
        rows.collect()
    }

    /// The count of `e`'s matches and the first `limit` of them in `sort`'s order.
    pub(crate) fn listed(
        &self,
        e: &Expr,
        sort: Sort,
        limit: usize,
    ) -> rusqlite::Result<(usize, Vec<Picked>)> {
        let page = self.sorted(e, sort, limit)?;
        Ok((
            self.count(e)?,
            page.into_iter().map(|id| (id, 0.0, 0)).collect(),
        ))
    }

    /// The best `limit` matches of one tier: BM25 when the tier has at most [`BROAD`] matches.
    /// A broader tier is not ranked in full: among its newest-imported matches, those with the
    /// query in the title or tags come first (score -1), then the rest (score 0), newest first.
    pub(crate) fn ranked(&self, e: &Expr, limit: usize) -> rusqlite::Result<Vec<(i64, f64)>> {
        let all = self.matches(e)?;
        if all.len() <= BROAD && all.first().is_some_and(|x| x.1.is_nan()) {
            return self.bm25(e, limit);
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
        let head_expr = format!("{{title tags}} : ({})", self.compiled(e, &e.source())?.expr);
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
