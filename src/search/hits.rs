//! Turning picked results into [`Hit`]s: each article's metadata, an excerpt around its best
//! match and the matches in its title; and the plain substring scan tests and benches compare
//! recall against.

use rusqlite::Connection;

use super::engine::Hit;
use super::highlight::{Needle, excerpt, find_matches};
use crate::store::{ArticleId, article_from_row, articles::META_SELECT};
use crate::text::search_fold_str;

/// A result chosen for the page: (row id, score, tier).
pub type Picked = (i64, f64, u8);

/// The hits of `picked`, in its order, highlighted with `needles`.
pub fn hydrate(
    conn: &Connection,
    picked: &[Picked],
    needles: &[Needle],
    width: usize,
) -> rusqlite::Result<Vec<Hit>> {
    hydrate_with(conn, picked, &|_| needles, width)
}

/// As [`hydrate`], each hit highlighted with the needles `needles(i)` gives the `i`th.
pub(crate) fn hydrate_with<'n>(
    conn: &Connection,
    picked: &[Picked],
    needles: &dyn Fn(usize) -> &'n [Needle],
    width: usize,
) -> rusqlite::Result<Vec<Hit>> {
    let mut meta_st = conn.prepare_cached(&format!("{META_SELECT} WHERE a.id = ?1"))?;
    let mut body_st = conn.prepare_cached("SELECT body FROM articles WHERE id = ?1")?;
    let mut hits = Vec::with_capacity(picked.len());
    for (i, &(id, score, tier)) in picked.iter().enumerate() {
        let meta = meta_st.query_row([id], article_from_row)?;
        let body: String = body_st.query_row([id], |r| r.get(0))?;
        let (excerpt, excerpt_matches) = excerpt(&body, needles(i), width);
        let title_matches = find_matches(&meta.title, needles(i));
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
