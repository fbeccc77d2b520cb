//! A search from request to results: the query is parsed and planned once ([`super::plan`]:
//! tiers of typed clauses, filters, needles), its tiers run strongest first until the page is
//! full ([`super::exec`]), and the picked articles become hits ([`super::hits`]).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use super::exec::{Ctx, Indexes, walk};
use super::expr::{Expr, Phrase};
use super::highlight::Needle;
use super::query::parse;
use super::{filters, plan};
use crate::store::ArticleMeta;

pub(crate) use super::filters::filters;
pub use super::hits::{Picked, hydrate, scan_ids};

/// More matches than this are "broad": they are not ranked by BM25 in full (see README).
pub const BROAD: usize = 10_000;
/// Counts stop here; the UI shows "10,000+".
pub const COUNT_CAP: usize = BROAD + 1;

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
    /// 0 whole query, 1 all terms (also through their equivalents: [`super::equiv`]), 2 all
    /// words, 3 some words; 0 without text.
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

/// Runs a search. Every input string is searched as text: this never fails on user input.
/// `conn` is a store connection ([`crate::store::Store::conn`]), which has the ranking function
/// and the vocabulary view ([`crate::index::register`]).
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
    let excluded: Vec<Phrase> = q
        .excluded
        .iter()
        .filter_map(|x| Phrase::of(x, false))
        .collect();
    let indexes = Indexes::of(conn)?;
    // Category, tag and author filters are index markers joined to the match expression; a
    // query of filters alone (a category chosen in the tree) matches the markers alone.
    let markers = if indexes.markers {
        filters::markers(conn, &q, &req.scope)?
    } else {
        Vec::new()
    };
    let use_markers = indexes.markers && (q.has_text() || !markers.is_empty());
    // Exclusions join the match expression (FTS5 `NOT`) when there is one; otherwise they are
    // an SQL condition.
    let (in_match, exclude) = if q.has_text() || use_markers {
        (excluded, None)
    } else {
        let e = Expr {
            excluded: excluded.clone(),
            ..Expr::default()
        };
        (
            Vec::new(),
            (!excluded.is_empty()).then(|| e.excluded_source()),
        )
    };
    let filter_expr = (!q.has_text() && use_markers).then(|| Expr {
        text: None,
        markers: markers.clone(),
        excluded: in_match.clone(),
    });
    // Equivalents (tag aliases, synonyms) of the terms, as alternatives ranked below them.
    let (alts, alt_needles) = if q.has_text() {
        plan::alternatives(conn, &q, indexes.markers)?
    } else {
        (Vec::new(), Vec::new())
    };
    let build = |split_four: bool| -> Vec<(u8, Expr)> {
        plan::tiers(&q, split_four, &alts)
            .into_iter()
            .map(|(t, n)| {
                (
                    t,
                    Expr {
                        text: Some(n),
                        markers: markers.clone(),
                        excluded: in_match.clone(),
                    },
                )
            })
            .collect()
    };
    // A four-character run stays whole in a one-term query (exact recall); only when nothing
    // contains it are its two words looked for (数据备份 → 数据, 备份).
    let multi = q.terms.len() > 1;
    let tiers = build(multi);
    let fallback = if multi { Vec::new() } else { build(true) };
    let ctx = Ctx::new(
        conn,
        filters::filters_with(&q, &req.scope, exclude.as_deref(), use_markers),
        indexes,
        req.sort == Sort::Relevance,
    );
    let mut needles = plan::needles(&q, multi);
    let mut picked: Vec<Picked> = Vec::new();
    // For each picked result, the position of its tier among the tiers run, and whether that
    // tier takes equivalents.
    let mut from: Vec<(usize, bool)> = Vec::new();
    let total;
    if let Some(e) = &filter_expr {
        (total, picked) = ctx.listed(e, req.sort, req.limit)?;
    } else if tiers.is_empty() {
        // Dates and exclusions are checked on the way down the order's index; category, tag
        // and author conditions (a store without markers) are left to the query planner, as
        // each would read an article's own page per step.
        let (index, order) = walk(req.sort, ctx.indexes);
        let (cats, tags) = filters::categories_and_tags(&q, &req.scope);
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
                needles = plan::needles(&q, true);
            }
            for (pos, (tier, e)) in used.iter().enumerate() {
                if picked.len() >= req.limit {
                    break;
                }
                counted = ctx.count(e)?;
                for (id, score) in ctx.ranked(e, req.limit + seen.len())? {
                    if picked.len() < req.limit && seen.insert(id) {
                        picked.push((id, score, *tier));
                        from.push((pos, e.has_alternatives()));
                    }
                }
            }
            total = counted;
        } else {
            (total, picked) = ctx.listed(broadest, req.sort, req.limit)?;
        }
    }
    // Results found through an equivalent highlight it too, here and in the reader.
    let with_alts: Vec<Needle> = needles.iter().chain(&alt_needles).cloned().collect();
    let any_alt = from.iter().any(|f| f.1);
    let pick_needles = |i: usize| -> &[Needle] {
        match from.get(i) {
            Some((_, true)) => &with_alts,
            _ => &needles,
        }
    };
    let hits = super::hits::hydrate_with(conn, &picked, &pick_needles, req.excerpt_width)?;
    let mut hits: Vec<(usize, Hit)> = hits
        .into_iter()
        .enumerate()
        .map(|(i, h)| (from.get(i).map_or(0, |f| f.0), h))
        .collect();
    if req.sort == Sort::Relevance && !tiers.is_empty() {
        // Tier by tier; equal scores (and the unranked rest of a broad tier) go newest first.
        hits.sort_by(|(px, x), (py, y)| {
            px.cmp(py)
                .then(x.score.total_cmp(&y.score))
                .then_with(|| y.meta.published.cmp(&x.meta.published))
        });
    }
    Ok(Results {
        hits: hits.into_iter().map(|(_, h)| h).collect(),
        total,
        needles: if any_alt { with_alts } else { needles },
        elapsed: start.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
