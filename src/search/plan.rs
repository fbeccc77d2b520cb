//! Planning a query: the parsed [`Query`] becomes a typed plan (tiers of clauses, filter
//! markers, exclusions, needles), computed once per search and rendered to FTS5's syntax in one
//! place ([`super::expr`]).
//!
//! Tiers, strongest first: 0 the whole query as one phrase, 1 every term, 2 every word of the
//! terms, 3 any word. When a term has equivalents (a tag alias, a synonym: [`super::equiv`]),
//! tier 1 is followed by the same tier with each such term matching any of its equivalents,
//! and tiers 2 and 3 also take in what that tier matches: every tier still matches everything
//! the one before did, and matches only through an equivalent rank below the literal ones.

use std::collections::HashSet;

use rusqlite::Connection;

use super::equiv::{Equivalent, equivalents};
use super::expr::{Alt, Clause, Node, Phrase};
use super::filters::tag_id;
use super::highlight::Needle;
use super::query::{Query, Term};
use crate::index::{Run, runs};
use crate::text::{fold_str, search_fold_str};

/// Characters that join words rather than belong to them; long Han runs are split there.
fn is_joiner(c: char) -> bool {
    "的与和及或了在是对把被从向为之并且但而吗呢怎么如何".contains(c)
}

/// The words of a term for partial matching: Latin words, short Han runs whole, longer runs
/// split at joiners and then into pairs. A four-character run stays whole in a one-term query,
/// so 故障恢复 alone keeps exact recall; beside other terms it counts as two words.
pub(crate) fn units(term: &Term, split_four: bool) -> Vec<(String, bool)> {
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

/// A tier: its number (0 whole query … 3 any word) and its text.
pub(crate) type Tier = (u8, Node);

/// The tiers of a query, strongest first, without duplicates; `alts` gives each term's
/// equivalents (as many entries as terms; empty when it has none).
pub(crate) fn tiers(q: &Query, split_four: bool, alts: &[Vec<Alt>]) -> Vec<Tier> {
    let mut literal: Vec<Clause> = Vec::new();
    let mut expanded: Vec<Clause> = Vec::new();
    for (i, t) in q.terms.iter().enumerate() {
        if let Some(p) = Phrase::of(&t.text, t.prefix) {
            let mut c = Clause::literal(p);
            literal.push(c.clone());
            if let Some(a) = alts.get(i) {
                c.0.extend(a.iter().cloned());
            }
            expanded.push(c);
        }
    }
    if literal.is_empty() {
        return Vec::new();
    }
    let unit_clauses: Vec<Clause> = distinct_units(q, split_four)
        .iter()
        .filter_map(|(u, p)| Phrase::of(u, *p))
        .map(Clause::literal)
        .collect();
    let mut out: Vec<Tier> = Vec::new();
    let push = |out: &mut Vec<Tier>, tier: u8, n: Node| {
        if !out.iter().any(|(_, x)| *x == n) {
            out.push((tier, n));
        }
    };
    if q.terms.len() > 1 {
        let whole: Vec<&str> = q.terms.iter().map(|t| t.text.as_str()).collect();
        let prefix = q.terms.last().is_some_and(|t| t.prefix);
        if let Some(p) = Phrase::of(&whole.join(" "), prefix) {
            push(&mut out, 0, Node::All(vec![Clause::literal(p)]));
        }
    }
    let all_terms = Node::All(literal);
    push(&mut out, 1, all_terms.clone());
    let with_alts = (expanded.iter().any(|c| c.0.len() > 1)).then_some(Node::All(expanded));
    if let Some(x) = &with_alts {
        push(&mut out, 1, x.clone());
    }
    // Each later tier also matches what the tier with equivalents does, so the tiers nest.
    let widen = |n: Node| match &with_alts {
        Some(x) if n == all_terms => x.clone(),
        Some(x) => Node::Union(vec![n, x.clone()]),
        None => n,
    };
    if !unit_clauses.is_empty() {
        let several = unit_clauses.len() > 1;
        push(&mut out, 2, widen(Node::All(unit_clauses.clone())));
        if several {
            push(&mut out, 3, widen(Node::Any(unit_clauses)));
        }
    }
    out
}

/// Needles for highlighting: every term's runs and words.
pub(crate) fn needles(q: &Query, split_four: bool) -> Vec<Needle> {
    let mut out: Vec<Needle> = Vec::new();
    let allowed = distinct_units(q, split_four);
    for t in &q.terms {
        for run in runs(&t.text) {
            match run {
                Run::Word(w) => add_needle(&mut out, &w),
                Run::Cjk(c) => add_needle(&mut out, &c.into_iter().collect::<String>()),
            }
        }
        for u in units(t, split_four) {
            if allowed.contains(&u) {
                add_needle(&mut out, &u.0);
            }
        }
    }
    out
}

pub(crate) fn add_needle(out: &mut Vec<Needle>, s: &str) {
    let n: Needle = search_fold_str(s).chars().collect();
    if !n.is_empty() && !out.contains(&n) {
        out.push(n);
    }
}

/// Each term's equivalents as alternatives of its clause (a tag's marker only when the store
/// has the tag), and their needles. Bounded by [`super::equiv`]'s caps.
pub(crate) fn alternatives(
    conn: &Connection,
    q: &Query,
    markers: bool,
) -> rusqlite::Result<(Vec<Vec<Alt>>, Vec<Needle>)> {
    let mut out = Vec::with_capacity(q.terms.len());
    let mut needles = Vec::new();
    for (t, eqs) in q.terms.iter().zip(equivalents(&q.terms)) {
        let mut alts: Vec<Alt> = Vec::new();
        let own = Phrase::of(&t.text, t.prefix);
        for e in eqs {
            let alt = match &e {
                Equivalent::Text(s) => Phrase::of(s, false).map(Alt::Text),
                Equivalent::Tag(_) if !markers => None,
                Equivalent::Tag(name) => tag_id(conn, &fold_str(name.trim()))?
                    .map(|id| Alt::Tag(Phrase::marker(crate::index::tag_marker(id)))),
            };
            if let Some(a) = alt
                && !alts.contains(&a)
                && own.as_ref().is_none_or(|o| a != Alt::Text(o.clone()))
            {
                if let Equivalent::Text(s) = &e {
                    add_needle(&mut needles, s);
                }
                alts.push(a);
            }
        }
        out.push(alts);
    }
    Ok((out, needles))
}

#[cfg(test)]
mod tests {
    use super::super::expr::Expr;
    use super::super::query::parse;
    use super::*;

    fn source(n: &Node) -> String {
        Expr {
            text: Some(n.clone()),
            ..Expr::default()
        }
        .source()
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
                let t = tiers(&q, split, &[]);
                assert!(t.len() <= 4, "{} tiers", t.len());
                for (_, n) in &t {
                    let e = source(n);
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
        let res = super::super::search(
            store.conn(),
            &super::super::Request::new(&"数据".repeat(5000)),
        )
        .unwrap();
        assert_eq!(res.total, 0);
    }

    #[test]
    fn tiers_of_a_two_term_query() {
        let q = parse("Kafka 消息积压", false);
        let t: Vec<String> = tiers(&q, true, &[]).iter().map(|x| source(&x.1)).collect();
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
    fn equivalents_add_a_tier_and_widen_the_later_ones() {
        let q = parse("k8s 扩容", false);
        let alts = vec![
            vec![
                Alt::Text(Phrase::of("Kubernetes", false).unwrap()),
                Alt::Tag(Phrase::marker("zkt7".into())),
            ],
            Vec::new(),
        ];
        let t: Vec<(u8, String)> = tiers(&q, true, &alts)
            .iter()
            .map(|x| (x.0, source(&x.1)))
            .collect();
        let x = "(\"k8s\"* OR \"kubernetes\" OR {tags} : \"zkt7\") AND \"扩容\"";
        assert_eq!(
            t,
            [
                (0, "\"k8s 扩容\"".to_owned()),
                (1, "\"k8s\"* AND \"扩容\"".to_owned()),
                (1, x.to_owned()),
                (3, format!("(\"k8s\"* OR \"扩容\") OR ({x})")),
            ]
        );
        // Tier 2 (all words) is tier 1 here: widened, it is the tier with equivalents.
    }
}
