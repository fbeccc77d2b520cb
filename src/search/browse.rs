//! Ways to wander besides searching: the archive by month, random picks, related articles,
//! and lists of given articles (bookmarks, history), all as [`Results`] the list pane shows.

use std::collections::HashMap;
use std::time::Instant;

use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use super::engine::{Request, Results, Scope, filters, hydrate, search};
use super::query::Query;
use crate::store::{ArticleId, Store};

/// A list to show instead of search results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListKind {
    /// Bookmarked articles, most recently bookmarked first.
    Bookmarks,
    /// Articles read, most recently read first.
    Recent,
    /// A month's articles (`YYYY-MM`), newest first, within the scope.
    Month(String, Scope),
    /// `n` random articles within the scope.
    Random(Scope, usize),
    /// Up to `n` articles related to one.
    Related(ArticleId, usize),
}

fn scoped_ids(
    conn: &Connection,
    scope: &Scope,
    cond: &str,
    tail: &str,
    extra: Vec<Value>,
) -> rusqlite::Result<Vec<i64>> {
    let f = filters(&Query::default(), scope, None);
    let sql = format!("SELECT a.id FROM articles a WHERE {cond}{} {tail}", f.sql);
    let mut p = extra;
    p.extend(f.params);
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params_from_iter(p), |r| r.get(0))?;
    rows.collect()
}

/// Months that have articles, newest first, with their counts, within the scope.
pub fn months(conn: &Connection, scope: &Scope) -> rusqlite::Result<Vec<(String, usize)>> {
    let f = filters(&Query::default(), scope, None);
    let sql = format!(
        "SELECT substr(a.published, 1, 7) m, count(*) FROM articles a \
         WHERE a.published IS NOT NULL{} GROUP BY m ORDER BY m DESC",
        f.sql
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params_from_iter(f.params), |r| {
        Ok((r.get(0)?, r.get::<_, i64>(1)? as usize))
    })?;
    rows.collect()
}

/// Points for each topical tag two articles share.
const SHARED_TAG: f64 = 20.0;
/// Points for being filed under the same category (not 其他).
const SAME_CATEGORY: f64 = 10.0;
/// Text similarity adds at most this much (less than [`SAME_CATEGORY`]): it orders articles
/// within a tier of shared tags and category, and brings in others only after them.
const TEXT_MAX: f64 = 9.0;
/// Hits of the title search that count as similar text.
const TEXT_HITS: usize = 40;
/// Most articles of the same category considered besides those sharing tags or text.
const SAME_CATEGORY_FILL: usize = 50;

/// Articles related to `id`: those sharing the most topical tags and the same category
/// first, then by text similarity (a search for the article's title); never the article
/// itself. Meta tags (转载文章, 原创…) say how an article came to be, not what it is about:
/// sharing one makes two articles no closer. Nor does both being in 其他.
pub fn related_ids(conn: &Connection, id: ArticleId, n: usize) -> rusqlite::Result<Vec<i64>> {
    use crate::store::classify::{CAT_OTHER, TAG_META};
    let (title, category, cat_name, cat_kind): (String, i64, String, i64) = conn.query_row(
        "SELECT a.title, a.category_id, c.name, c.kind FROM articles a \
         JOIN categories c ON c.id = a.category_id WHERE a.id = ?1",
        [id.0],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let topical_category = cat_kind != CAT_OTHER;
    let mut score: HashMap<i64, f64> = HashMap::new();
    let mut st = conn.prepare_cached(
        "SELECT x.article_id, count(*), max(a.category_id = ?2) FROM article_tags x \
         JOIN articles a ON a.id = x.article_id \
         WHERE x.tag_id IN (SELECT y.tag_id FROM article_tags y JOIN tags t ON t.id = y.tag_id \
                            WHERE y.article_id = ?1 AND t.kind != ?3) \
           AND x.article_id != ?1 \
         GROUP BY x.article_id ORDER BY count(*) DESC, max(a.published_ts) DESC LIMIT 200",
    )?;
    let rows = st.query_map([id.0, category, TAG_META], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, bool>(2)?,
        ))
    })?;
    let mut same_cat: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for row in rows {
        let (other, shared, same) = row?;
        *score.entry(other).or_default() += shared as f64 * SHARED_TAG;
        if same && topical_category {
            same_cat.insert(other);
        }
    }
    if topical_category {
        let mut st = conn.prepare_cached(
            "SELECT id FROM articles WHERE category_id = ?1 AND id != ?2 \
             ORDER BY published_ts DESC LIMIT ?3",
        )?;
        let rows = st.query_map(
            rusqlite::params![category, id.0, SAME_CATEGORY_FILL as i64],
            |r| r.get::<_, i64>(0),
        )?;
        for row in rows {
            let other = row?;
            score.entry(other).or_default();
            same_cat.insert(other);
        }
    }
    let mut req = Request::new(&title);
    req.limit = TEXT_HITS;
    req.excerpt_width = 10;
    for (rank, h) in search(conn, &req)?.hits.iter().enumerate() {
        if h.meta.id != id {
            let s = score.entry(h.meta.id.0).or_default();
            *s += TEXT_MAX * (TEXT_HITS - rank) as f64 / TEXT_HITS as f64;
            if topical_category && h.meta.category == cat_name {
                same_cat.insert(h.meta.id.0);
            }
        }
    }
    for other in same_cat {
        *score.entry(other).or_default() += SAME_CATEGORY;
    }
    let mut ranked: Vec<(i64, f64)> = score.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
    Ok(ranked.into_iter().take(n).map(|x| x.0).collect())
}

/// How many bookmarks or history entries a list shows.
const USER_LIST: usize = 500;

/// Builds the list as results (no query: excerpts are the start of each body).
pub fn list(store: &Store, kind: &ListKind, excerpt_width: usize) -> crate::store::Result<Results> {
    let conn = store.conn();
    let start = Instant::now();
    let err = |e| store.err(e);
    let ids: Vec<i64> = match kind {
        ListKind::Bookmarks => store
            .bookmarks(USER_LIST)?
            .into_iter()
            .map(|i| i.0)
            .collect(),
        ListKind::Recent => store.recent(USER_LIST)?.into_iter().map(|i| i.0).collect(),
        ListKind::Month(m, scope) => scoped_ids(
            conn,
            scope,
            "substr(a.published, 1, 7) = ?",
            "ORDER BY a.published_ts DESC",
            vec![Value::Text(m.clone())],
        )
        .map_err(err)?,
        ListKind::Random(scope, n) => scoped_ids(
            conn,
            scope,
            "1",
            &format!("ORDER BY random() LIMIT {n}"),
            vec![],
        )
        .map_err(err)?,
        ListKind::Related(id, n) => related_ids(conn, *id, *n).map_err(err)?,
    };
    let picked: Vec<(i64, f64, u8)> = ids.iter().map(|&id| (id, 0.0, 0)).collect();
    let hits = hydrate(conn, &picked, &[], excerpt_width).map_err(err)?;
    Ok(Results {
        total: hits.len(),
        hits,
        needles: Vec::new(),
        elapsed: start.elapsed(),
    })
}

/// One random article within the scope.
pub fn random_one(conn: &Connection, scope: &Scope) -> rusqlite::Result<Option<ArticleId>> {
    Ok(
        scoped_ids(conn, scope, "1", "ORDER BY random() LIMIT 1", vec![])?
            .first()
            .map(|&i| ArticleId(i)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Options, import};
    use crate::store::Store;

    fn sample() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        import(&mut s, crate::sample::sources(), Options::default()).unwrap();
        s
    }

    #[test]
    fn months_newest_first_within_scope() {
        let s = sample();
        let all = months(s.conn(), &Scope::All).unwrap();
        assert!(all.len() >= 24);
        assert!(all.windows(2).all(|w| w[0].0 > w[1].0));
        assert_eq!(all.iter().map(|m| m.1).sum::<usize>(), 126);
        let redis = months(s.conn(), &Scope::Tag("Redis".into())).unwrap();
        assert!(redis.iter().map(|m| m.1).sum::<usize>() < 126);
        let (m, n) = &all[0];
        let r = list(&s, &ListKind::Month(m.clone(), Scope::All), 40).unwrap();
        assert_eq!(r.hits.len(), *n);
        assert!(
            r.hits
                .iter()
                .all(|h| h.meta.published.as_deref().unwrap().starts_with(m.as_str()))
        );
    }

    #[test]
    fn random_picks_stay_in_scope() {
        let s = sample();
        let r = list(&s, &ListKind::Random(Scope::Tag("Kafka".into()), 10), 40).unwrap();
        assert!(!r.hits.is_empty() && r.hits.len() <= 10);
        assert!(
            r.hits
                .iter()
                .all(|h| h.meta.tags.iter().any(|t| t == "Kafka"))
        );
        assert!(random_one(s.conn(), &Scope::All).unwrap().is_some());
    }

    #[test]
    fn related_articles_share_tags_and_exclude_the_article() {
        let s = sample();
        let a = s.article_by_ext_id("s-081").unwrap().unwrap();
        let r = list(&s, &ListKind::Related(a.meta.id, 10), 40).unwrap();
        assert_eq!(r.hits.len(), 10);
        assert!(r.hits.iter().all(|h| h.meta.id != a.meta.id));
        assert!(
            r.hits[0].meta.tags.iter().any(|t| a.meta.tags.contains(t)),
            "shared tags first"
        );
    }

    #[test]
    fn bookmarks_and_history_lists() {
        let s = sample();
        let a = s.article_by_ext_id("s-001").unwrap().unwrap();
        let b = s.article_by_ext_id("s-002").unwrap().unwrap();
        s.toggle_bookmark(a.meta.id).unwrap();
        s.mark_read(b.meta.id).unwrap();
        let r = list(&s, &ListKind::Bookmarks, 40).unwrap();
        assert_eq!(
            r.hits.iter().map(|h| h.meta.id).collect::<Vec<_>>(),
            [a.meta.id]
        );
        assert!(r.hits[0].meta.bookmarked);
        let r = list(&s, &ListKind::Recent, 40).unwrap();
        assert_eq!(
            r.hits.iter().map(|h| h.meta.id).collect::<Vec<_>>(),
            [b.meta.id]
        );
    }
}
