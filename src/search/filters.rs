//! Filters of a search: `cat:` `tag:` `author:` and the tree's scope as index markers (a store
//! whose index carries them) or as SQL conditions, and dates and exclusions as SQL conditions.

use std::fmt::Write as _;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::engine::Scope;
use super::expr::Phrase;
use super::query::Query;
use crate::text::fold_str;

/// SQL conditions on `articles a` for the query's filters and the scope.
pub(crate) struct Filters {
    pub(crate) sql: String,
    pub(crate) params: Vec<Value>,
}

/// The categories (names) and tags (folded) a query and the scope filter by; taxonomy
/// aliases (`tag:k8s`, `cat:前端`) stand for the names they are aliases of.
pub(crate) fn categories_and_tags(q: &Query, scope: &Scope) -> (Vec<String>, Vec<String>) {
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

/// The id of the tag whose folded name is `fold`, if the store has it.
pub(crate) fn tag_id(conn: &Connection, fold: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM tags WHERE fold = ?1")?
        .query_row([fold], |r| r.get(0))
        .optional()
}

/// Category, tag and author filters as search-index markers (`{tags} : "zkc5"`) to AND into
/// the match expression: the index intersects them with the text, instead of each match being
/// checked. Only for stores whose index carries markers (schema 3).
pub(crate) fn markers(
    conn: &Connection,
    q: &Query,
    scope: &Scope,
) -> rusqlite::Result<Vec<Phrase>> {
    let mut out = Vec::new();
    let (cats, tags) = categories_and_tags(q, scope);
    for c in cats {
        let id: Option<i64> = conn
            .prepare_cached("SELECT id FROM categories WHERE name = ?1 COLLATE NOCASE")?
            .query_row([c.trim()], |r| r.get(0))
            .optional()?;
        out.push(Phrase::marker(crate::index::category_marker(
            id.unwrap_or(0),
        )));
    }
    for t in tags {
        let id = tag_id(conn, &t)?;
        out.push(Phrase::marker(crate::index::tag_marker(id.unwrap_or(0))));
    }
    for a in &q.authors {
        out.push(Phrase::marker(crate::index::author_marker(a)));
    }
    Ok(out)
}

pub(crate) fn filters(q: &Query, scope: &Scope, exclude: Option<&str>) -> Filters {
    filters_with(q, scope, exclude, false)
}

/// SQL conditions; with `markers`, categories and tags are left to [`markers()`].
pub(crate) fn filters_with(
    q: &Query,
    scope: &Scope,
    exclude: Option<&str>,
    markers: bool,
) -> Filters {
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
    let mut sql = String::new();
    for c in &conds {
        write!(sql, " AND {c}").expect("writing to a String");
    }
    Filters { sql, params }
}
