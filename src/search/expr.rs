//! A match expression as a typed tree (phrases, clauses of alternatives, tiers' nodes, filter
//! markers, exclusions) and its one rendering to FTS5 syntax: [`Expr::source`] as planned, and
//! [`compile`] as it runs, each prefix phrase expanded to the index terms it stands for and each
//! phrase told which clause it counts for in the ranking.

use std::cell::RefCell;
use std::collections::HashMap;

use rusqlite::Connection;

use crate::index::{Run, runs};

/// A phrase of index tokens; with `prefix`, its last token is a prefix (`"kafka 消"*`).
/// Tokens hold only letters, digits and CJK (or are markers), so quoting them is always safe.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Phrase {
    pub(crate) tokens: Vec<String>,
    pub(crate) prefix: bool,
}

impl Phrase {
    /// The phrase for a piece of text, or `None` when it has no searchable characters. A lone
    /// Han character at the end is a prefix (it is the first character of its bigrams).
    pub(crate) fn of(text: &str, prefix: bool) -> Option<Phrase> {
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
        (!tokens.is_empty()).then_some(Phrase {
            tokens,
            prefix: star,
        })
    }

    /// A marker token (`zkc5`) as a phrase.
    pub(crate) fn marker(token: String) -> Phrase {
        Phrase {
            tokens: vec![token],
            prefix: false,
        }
    }

    /// FTS5 syntax: `"a b"` or `"a b"*`.
    pub(crate) fn write(&self, out: &mut String) {
        out.push('"');
        out.push_str(&self.tokens.join(" "));
        out.push('"');
        if self.prefix {
            out.push('*');
        }
    }
}

/// One alternative of a clause: text in any column, or a marker in the tags column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Alt {
    Text(Phrase),
    Tag(Phrase),
}

/// What one term of the ranking stands for: any of its alternatives, the literal phrase first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Clause(pub(crate) Vec<Alt>);

impl Clause {
    pub(crate) fn literal(p: Phrase) -> Clause {
        Clause(vec![Alt::Text(p)])
    }

    /// A phrase of several tokens: costly to evaluate twice.
    pub(crate) fn several_tokens(&self) -> bool {
        matches!(self.0.first(), Some(Alt::Text(p)) if p.tokens.len() > 1)
    }
}

/// The text part of a match expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    /// Every clause.
    All(Vec<Clause>),
    /// Any clause.
    Any(Vec<Clause>),
    /// What any of the nodes matches.
    Union(Vec<Node>),
}

/// How a phrase of an expression counts for ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role<'a> {
    /// It counts for this clause.
    Term(&'a Clause),
    /// A category, tag or author filter, or an exclusion: it does not count.
    Filter,
}

/// One match expression: text (or none: filters alone), the filter markers every match
/// carries, and the exclusions.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Expr {
    pub(crate) text: Option<Node>,
    pub(crate) markers: Vec<Phrase>,
    pub(crate) excluded: Vec<Phrase>,
}

impl Expr {
    /// The expression as FTS5 syntax, prefixes unexpanded; also the key its matches are kept by.
    pub(crate) fn source(&self) -> String {
        let mut out = String::new();
        self.render(&mut out, &mut |p, _, out| {
            p.write(out);
            Ok::<(), std::convert::Infallible>(())
        })
        .unwrap_or_else(|e| match e {});
        out
    }

    /// Writes the expression, each phrase by `phrase` (told what it counts for), in order.
    pub(crate) fn render<E>(
        &self,
        out: &mut String,
        phrase: &mut dyn FnMut(&Phrase, Role<'_>, &mut String) -> Result<(), E>,
    ) -> Result<(), E> {
        let text = match &self.text {
            Some(n) => {
                let mut t = String::new();
                render_node(n, &mut t, phrase)?;
                Some(t)
            }
            None => None,
        };
        let mut e = String::new();
        for (i, m) in self.markers.iter().enumerate() {
            if i > 0 {
                e.push_str(" AND ");
            }
            e.push_str("{tags} : ");
            phrase(m, Role::Filter, &mut e)?;
        }
        let mut e = match (text, self.markers.is_empty()) {
            (Some(t), true) => t,
            (Some(t), false) => format!("({t}) AND {e}"),
            (None, _) => e,
        };
        if !self.excluded.is_empty() {
            let mut x = String::new();
            for (i, p) in self.excluded.iter().enumerate() {
                if i > 0 {
                    x.push_str(" OR ");
                }
                phrase(p, Role::Filter, &mut x)?;
            }
            e = format!("({e}) NOT ({x})");
        }
        out.push_str(&e);
        Ok(())
    }

    /// The exclusions alone, as an FTS5 expression (`"a" OR "b"`): an SQL condition's parameter
    /// when there is no match expression to join them to.
    pub(crate) fn excluded_source(&self) -> String {
        let mut x = String::new();
        for (i, p) in self.excluded.iter().enumerate() {
            if i > 0 {
                x.push_str(" OR ");
            }
            p.write(&mut x);
        }
        x
    }

    /// Some term matches through its equivalents too.
    pub(crate) fn has_alternatives(&self) -> bool {
        self.clauses().iter().any(|c| c.0.len() > 1)
    }

    /// The clauses that count for ranking, each once, in order.
    pub(crate) fn clauses(&self) -> Vec<&Clause> {
        fn walk<'a>(n: &'a Node, out: &mut Vec<&'a Clause>) {
            match n {
                Node::All(cs) | Node::Any(cs) => {
                    for c in cs {
                        if !out.contains(&c) {
                            out.push(c);
                        }
                    }
                }
                Node::Union(ns) => ns.iter().for_each(|n| walk(n, out)),
            }
        }
        let mut out = Vec::new();
        if let Some(n) = &self.text {
            walk(n, &mut out);
        }
        out
    }

    /// A match is any of several alternatives (an OR outside the exclusions).
    pub(crate) fn has_or(&self) -> bool {
        fn any(n: &Node) -> bool {
            match n {
                Node::All(cs) => cs.iter().any(|c| c.0.len() > 1),
                Node::Any(_) | Node::Union(_) => true,
            }
        }
        self.text.as_ref().is_some_and(any)
    }
}

fn render_node<E>(
    n: &Node,
    out: &mut String,
    phrase: &mut dyn FnMut(&Phrase, Role<'_>, &mut String) -> Result<(), E>,
) -> Result<(), E> {
    match n {
        Node::All(cs) | Node::Any(cs) => {
            let join = if matches!(n, Node::All(_)) {
                " AND "
            } else {
                " OR "
            };
            for (i, c) in cs.iter().enumerate() {
                if i > 0 {
                    out.push_str(join);
                }
                let several = c.0.len() > 1;
                if several {
                    out.push('(');
                }
                for (j, a) in c.0.iter().enumerate() {
                    if j > 0 {
                        out.push_str(" OR ");
                    }
                    match a {
                        Alt::Text(p) => phrase(p, Role::Term(c), out)?,
                        Alt::Tag(p) => {
                            out.push_str("{tags} : ");
                            phrase(p, Role::Term(c), out)?;
                        }
                    }
                }
                if several {
                    out.push(')');
                }
            }
        }
        Node::Union(ns) => {
            for (i, n) in ns.iter().enumerate() {
                if i > 0 {
                    out.push_str(" OR ");
                }
                out.push('(');
                render_node(n, out, phrase)?;
                out.push(')');
            }
        }
    }
    Ok(())
}

/// At most this many index terms stand in for a prefix (`"kaf"*` → `"kafka" OR "kafkaconsumer"
/// OR …`); a prefix with more keeps FTS5's own expansion.
const MAX_EXPANSIONS: usize = 160;

/// The index terms starting with `prefix`, or `None` when there are more than
/// [`MAX_EXPANSIONS`]. Read from `temp.zk_vocab`, an `fts5vocab` view of the index that
/// [`crate::index::register`] creates on every connection: FTS5 evaluates `"数"*` by merging
/// the whole doclist of every such term before it returns a row (20 ms for a character as
/// common as 数), while an OR of the terms is merged lazily and stops at the first rows.
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
/// front; and for [`Plan`], the clause each phrase counts for.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) expr: String,
    /// For each phrase of `expr`, in order: the index of its clause in `terms`, or `None` for
    /// category, tag and author markers and for exclusions.
    pub(crate) groups: Vec<Option<usize>>,
    /// The clauses that count for ranking.
    pub(crate) terms: Vec<Clause>,
    /// The filter markers the matches must carry.
    pub(crate) markers: Vec<Phrase>,
    /// A match is any of several alternatives.
    pub(crate) has_or: bool,
}

impl Compiled {
    /// Costly to evaluate (worth ranking in the counting pass): a phrase of several tokens, or
    /// an AND of several terms or of a term and filter markers.
    pub(crate) fn costly(&self) -> bool {
        !self.has_or
            && match self.terms.as_slice() {
                [] => false,
                [one] => !self.markers.is_empty() || one.several_tokens(),
                _ => true,
            }
    }
}

/// Expansions of prefixes looked up so far.
pub(crate) type Prefixes = RefCell<HashMap<String, Option<Vec<String>>>>;

pub(crate) fn compile(
    conn: &Connection,
    e: &Expr,
    prefixes: &Prefixes,
) -> rusqlite::Result<Compiled> {
    let terms: Vec<Clause> = e.clauses().into_iter().cloned().collect();
    let mut groups = Vec::new();
    let mut out = String::new();
    e.render(&mut out, &mut |p, role, out| -> rusqlite::Result<()> {
        let group = match role {
            Role::Term(c) => terms.iter().position(|t| t == c),
            Role::Filter => None,
        };
        let expansions = match (p.prefix, p.tokens.split_last()) {
            (true, Some((last, head))) => {
                let known = prefixes.borrow().get(last).cloned();
                let alts = match known {
                    Some(a) => a,
                    None => {
                        let a = prefix_terms(conn, last)?;
                        prefixes.borrow_mut().insert(last.clone(), a.clone());
                        a
                    }
                };
                alts.filter(|t| !t.is_empty()).map(|t| (head, t))
            }
            _ => None,
        };
        match expansions {
            Some((head, alts)) => {
                out.push('(');
                for (i, t) in alts.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" OR ");
                    }
                    out.push('"');
                    for h in head {
                        out.push_str(h);
                        out.push(' ');
                    }
                    out.push_str(&t.replace('"', "\"\""));
                    out.push('"');
                    groups.push(group);
                }
                out.push(')');
            }
            // Nothing starts with it (the prefix query finds nothing, at no cost), or too
            // much does: FTS5 expands it.
            None => {
                p.write(out);
                groups.push(group);
            }
        }
        Ok(())
    })?;
    Ok(Compiled {
        expr: out,
        groups,
        has_or: e.has_or(),
        markers: e.markers.clone(),
        terms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(text: &str, prefix: bool) -> Option<String> {
        Phrase::of(text, prefix).map(|p| {
            let mut s = String::new();
            p.write(&mut s);
            s
        })
    }

    fn p(text: &str, prefix: bool) -> Phrase {
        Phrase::of(text, prefix).unwrap()
    }

    fn all(cs: Vec<Clause>) -> Expr {
        Expr {
            text: Some(Node::All(cs)),
            ..Expr::default()
        }
    }

    fn lit(text: &str, prefix: bool) -> Clause {
        Clause::literal(p(text, prefix))
    }

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
    fn filters_and_exclusions_render_around_the_text() {
        let e = Expr {
            text: Some(Node::All(vec![Clause::literal(
                Phrase::of("消息", false).unwrap(),
            )])),
            markers: vec![Phrase::marker("zkc5".into()), Phrase::marker("zkt2".into())],
            excluded: vec![
                Phrase::of("备份", false).unwrap(),
                Phrase::of("库", false).unwrap(),
            ],
        };
        assert_eq!(
            e.source(),
            "((\"消息\") AND {tags} : \"zkc5\" AND {tags} : \"zkt2\") NOT (\"备份\" OR \"库\"*)"
        );
        let f = Expr {
            text: None,
            ..e.clone()
        };
        assert_eq!(
            f.source(),
            "({tags} : \"zkc5\" AND {tags} : \"zkt2\") NOT (\"备份\" OR \"库\"*)"
        );
        assert!(!e.has_or());
        assert_eq!(e.clauses().len(), 1);
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
        let prefixes = Prefixes::default();
        let e = |x: &Expr| compile(conn, x, &prefixes).unwrap().expr;
        assert_eq!(
            e(&all(vec![lit("kaf", true)])),
            "(\"kafka\" OR \"kafkaconsumer\")"
        );
        let x = Expr {
            text: Some(Node::All(vec![lit("kafka 消", true), lit("x", false)])),
            markers: Vec::new(),
            excluded: vec![p("y", true)],
        };
        assert_eq!(
            format!("{{title tags}} : ({})", e(&x)),
            "{title tags} : (((\"kafka 消息\" OR \"kafka 消费\") AND \"x\") NOT (\"y\"*))"
        );
        let or = Expr {
            text: Some(Node::Any(vec![lit("数据", false), lit("k", false)])),
            ..Expr::default()
        };
        assert_eq!(e(&or), "\"数据\" OR \"k\"");
        // Every expansion matches what the prefix query matches.
        for (x, px) in [
            ("kaf", true),
            ("消", false),
            ("k", true),
            ("kafka 消", true),
            ("zz", true),
        ] {
            let ids = |q: &str| -> Vec<i64> {
                conn.prepare("SELECT rowid FROM fts WHERE fts MATCH ?1 ORDER BY rowid")
                    .unwrap()
                    .query_map([q], |r| r.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            };
            let ex = all(vec![lit(x, px)]);
            assert_eq!(ids(&e(&ex)), ids(&ex.source()), "{x}");
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
        let prefixes = Prefixes::default();
        let x = Expr {
            text: Some(Node::All(vec![lit("kaf", true), lit("消息", false)])),
            markers: vec![Phrase::marker("zkc5".into())],
            excluded: vec![p("y", false), p("消息", false)],
        };
        let c = compile(conn, &x, &prefixes).unwrap();
        assert_eq!(
            c.expr,
            "(((\"kafka\" OR \"kafkaconsumer\") AND \"消息\") AND {tags} : \"zkc5\") NOT (\"y\" OR \"消息\")"
        );
        assert_eq!(c.groups, [Some(0), Some(0), Some(1), None, None, None]);
        assert_eq!(c.terms, [lit("kaf", true), lit("消息", false)]);
        assert_eq!(c.markers, [Phrase::marker("zkc5".into())]);
        assert!(c.costly() && !c.has_or);
        // One word is cheap to evaluate twice; a phrase or a word in a scope is not; nor is an
        // OR tier, which is often broad.
        let costly = |x: &Expr| compile(conn, x, &prefixes).unwrap().costly();
        assert!(!costly(&all(vec![lit("消息", false)])));
        assert!(costly(&all(vec![lit("消息积压", false)])));
        assert!(costly(&Expr {
            markers: vec![Phrase::marker("zkc5".into())],
            ..all(vec![lit("消息", false)])
        }));
        assert!(!costly(&Expr {
            text: Some(Node::Any(vec![lit("kafka", true), lit("消息", false)])),
            ..Expr::default()
        }));
        assert!(!costly(&Expr {
            excluded: vec![p("备份", false), p("恢复", false)],
            ..all(vec![lit("消息", false)])
        }));
        // The alternatives of a term count for it, and make it an OR.
        let alt = Clause(vec![
            Alt::Text(p("k8s", true)),
            Alt::Text(p("Kubernetes", false)),
            Alt::Tag(Phrase::marker("zkt3".into())),
        ]);
        let c = compile(conn, &all(vec![alt, lit("消息", false)]), &prefixes).unwrap();
        assert_eq!(
            c.expr,
            "(\"k8s\"* OR \"kubernetes\" OR {tags} : \"zkt3\") AND \"消息\""
        );
        assert_eq!(c.groups, [Some(0), Some(0), Some(0), Some(1)]);
        assert!(c.has_or && !c.costly());
    }
}
