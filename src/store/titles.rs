//! Every article's title for quick-open (`crate::quickopen`): id, title and published date,
//! newest first, in one statement. Building the matcher's index from them is the caller's
//! (a worker's) job; nothing here knows about pinyin.

use super::{ArticleId, Result, Store};

/// One article as quick-open lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleRow {
    pub id: ArticleId,
    /// The stored title, untrusted: sanitise before display (the quick-open index does).
    pub title: String,
    /// The published date as stored (RFC 3339), `None` when the source gave none.
    pub published: Option<String>,
}

impl Store {
    /// Every article's (id, title, published), newest first: by `published_ts`, undated
    /// articles last, then the newest row id first (the order a fresh import gives).
    pub fn titles(&self) -> Result<Vec<TitleRow>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id, title, published FROM articles \
                 ORDER BY published_ts IS NULL, published_ts DESC, id DESC",
            )
            .map_err(|e| self.err(e))?;
        st.query_map([], |r| {
            Ok(TitleRow {
                id: ArticleId(r.get(0)?),
                title: r.get(1)?,
                published: r.get(2)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewArticle;
    use crate::store::articles::upsert;

    fn add(store: &mut Store, title: &str, published: Option<&str>) -> ArticleId {
        let a = NewArticle {
            title: title.into(),
            body: "正文".into(),
            published: published.map(|p| chrono::DateTime::parse_from_rfc3339(p).unwrap()),
            ..Default::default()
        };
        let tx = store.conn_mut().transaction().unwrap();
        let (id, _) = upsert(&tx, &a, "2025-01-01T00:00:00Z").unwrap();
        tx.commit().unwrap();
        id
    }

    #[test]
    fn newest_first_undated_last() {
        let mut s = Store::open_in_memory().unwrap();
        let old = add(&mut s, "旧文章", Some("2020-01-01T00:00:00Z"));
        let undated = add(&mut s, "无日期", None);
        let new = add(&mut s, "新文章", Some("2024-06-01T08:00:00Z"));
        let rows = s.titles().unwrap();
        let order: Vec<(ArticleId, &str)> = rows.iter().map(|r| (r.id, r.title.as_str())).collect();
        assert_eq!(
            order,
            [(new, "新文章"), (old, "旧文章"), (undated, "无日期")]
        );
        assert!(
            rows[0]
                .published
                .as_deref()
                .unwrap()
                .starts_with("2024-06-01")
        );
        assert_eq!(rows[2].published, None);
    }

    #[test]
    fn empty_store_has_no_titles() {
        let s = Store::open_in_memory().unwrap();
        assert_eq!(s.titles().unwrap(), []);
    }
}
