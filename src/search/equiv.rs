//! Equivalents of a query term: other words that mean the same, searched as alternatives of the
//! term and ranked below its literal matches ([`super::plan::tiers`]).
//!
//! Sources, in order: a tag alias stands for its tag (`k8s` → the tag Kubernetes: its marker
//! in the index and its name as text); the synonym groups of `taxonomy.toml` (`容器` ↔
//! `container`); regional vocabulary (`软件` ↔ `軟體`, [`crate::text::regional`]). Another
//! source is one more call in [`sources`]. Whatever the tables hold,
//! expansion is bounded: at most [`MAX_PER_TERM`] equivalents of a term and [`MAX_PER_QUERY`]
//! in all; a table that loops (a ↔ b ↔ a) is read once per term, never followed.

use crate::taxonomy::key;

/// Most equivalents of one term.
pub const MAX_PER_TERM: usize = 8;
/// Most equivalents of one query, over all its terms.
pub const MAX_PER_QUERY: usize = 16;

/// One equivalent of a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Equivalent {
    /// Other text meaning the same (a tag's name, a synonym).
    Text(String),
    /// The tag named so (its name as the taxonomy spells it): matches its marker.
    Tag(String),
}

/// The equivalents of a term's text, from every source, the term's own spelling left out, each
/// once, at most `cap`.
fn sources(text: &str, cap: usize) -> Vec<Equivalent> {
    let t = crate::taxonomy::taxonomy();
    let own = key(text);
    let mut out: Vec<Equivalent> = Vec::new();
    let mut seen: Vec<String> = vec![own.clone()];
    let mut add = |out: &mut Vec<Equivalent>, e: Equivalent| {
        let k = match &e {
            Equivalent::Text(s) => key(s),
            Equivalent::Tag(s) => format!("\u{1f}{}", key(s)),
        };
        if out.len() < cap && !seen.contains(&k) {
            seen.push(k);
            out.push(e);
        }
    };
    // A tag alias: the tag's marker and its name. A tag's own name is matched as written.
    if let Some((name, _)) = t.tag(text)
        && key(name) != own
    {
        add(&mut out, Equivalent::Tag(name.to_owned()));
        add(&mut out, Equivalent::Text(name.to_owned()));
    }
    for s in t.synonyms_of(text, cap) {
        add(&mut out, Equivalent::Text(s.to_owned()));
    }
    // The same word in Taiwan or Hong Kong (软件 ↔ 軟體, folded: 软体), and back.
    for v in crate::text::regional::variants(&crate::text::search_fold_str(text)) {
        add(&mut out, Equivalent::Text((*v).to_owned()));
    }
    out
}

/// Each term's equivalents (one list per term, in order). Quoted terms are exact and have none;
/// the caps bound the whole query.
pub fn equivalents(terms: &[super::query::Term]) -> Vec<Vec<Equivalent>> {
    let mut budget = MAX_PER_QUERY;
    terms
        .iter()
        .map(|t| {
            if t.quoted || budget == 0 {
                return Vec::new();
            }
            let e = sources(&t.text, MAX_PER_TERM.min(budget));
            budget -= e.len();
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    #[test]
    fn an_alias_stands_for_its_tag_and_a_name_for_itself() {
        let q = parse("k8s Kubernetes \"k8s\" 扩容", false);
        let e = equivalents(&q.terms);
        assert_eq!(
            e[0],
            [
                Equivalent::Tag("Kubernetes".into()),
                Equivalent::Text("Kubernetes".into())
            ]
        );
        assert!(
            e[1].is_empty() && e[2].is_empty() && e[3].is_empty(),
            "{e:?}"
        );
    }

    #[test]
    fn built_in_synonyms_go_both_ways() {
        let q = parse("容器 container 协程", false);
        let e = equivalents(&q.terms);
        assert!(
            e[0].contains(&Equivalent::Text("container".into())),
            "{e:?}"
        );
        assert!(e[1].contains(&Equivalent::Text("容器".into())), "{e:?}");
        assert!(
            e[2].contains(&Equivalent::Text("coroutine".into())),
            "{e:?}"
        );
    }

    #[test]
    fn expansion_is_capped_per_term_and_per_query() {
        let q = parse(&"k8s 容器 协程 消息队列 MQ es ".repeat(3), false);
        let e = equivalents(&q.terms);
        assert!(e.iter().all(|x| x.len() <= MAX_PER_TERM));
        assert!(e.iter().map(Vec::len).sum::<usize>() <= MAX_PER_QUERY);
    }
}
