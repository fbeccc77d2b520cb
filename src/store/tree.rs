//! The category tree with article counts, as the tree pane and `zhiku stats` show it.

use super::{Result, Store};

#[derive(Debug, Clone, PartialEq)]
pub struct TagNode {
    pub name: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CategoryNode {
    pub name: String,
    pub count: i64,
    pub tags: Vec<TagNode>,
}

/// All categories in display order with their tags; `total` counts every article.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tree {
    pub total: i64,
    pub categories: Vec<CategoryNode>,
}

impl Tree {
    /// Every tag name in the tree, in display order.
    pub fn all_tags(&self) -> impl Iterator<Item = &TagNode> {
        self.categories.iter().flat_map(|c| c.tags.iter())
    }

    /// Where a tag is: (category index, tag index within it).
    pub fn locate_tag(&self, name: &str) -> Option<(usize, usize)> {
        self.categories.iter().enumerate().find_map(|(ci, c)| {
            c.tags
                .iter()
                .position(|t| t.name == name)
                .map(|ti| (ci, ti))
        })
    }
}

impl Store {
    /// The category tree with counts. Taxonomy tags are listed even when empty; other tags
    /// only when some article carries them.
    pub fn tree(&self) -> Result<Tree> {
        let conn = self.conn();
        // A category holds the articles filed under it and those carrying one of its tags.
        let mut cats = conn
            .prepare(
                "SELECT c.id, c.name, coalesce(m.n, 0) FROM categories c LEFT JOIN \
                 (SELECT cat, count(*) n FROM (SELECT category_id cat, id aid FROM articles UNION \
                  SELECT t.category_id, x.article_id FROM article_tags x JOIN tags t ON t.id = x.tag_id) \
                  GROUP BY cat) m ON m.cat = c.id ORDER BY c.position",
            )
            .map_err(|e| self.err(e))?;
        let mut tags = conn
            .prepare(&format!(
                "SELECT t.name, (SELECT count(*) FROM article_tags at WHERE at.tag_id = t.id) n \
                 FROM tags t WHERE t.category_id = ?1 AND (t.position < {} OR n > 0) \
                 ORDER BY t.position, t.name",
                super::schema::OTHER_TAG_POSITION
            ))
            .map_err(|e| self.err(e))?;
        let rows: Vec<(i64, String, i64)> = cats
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|m| m.collect())
            .map_err(|e| self.err(e))?;
        let mut tree = Tree::default();
        for (id, name, count) in rows {
            let tag_nodes = tags
                .query_map([id], |r| {
                    Ok(TagNode {
                        name: r.get(0)?,
                        count: r.get(1)?,
                    })
                })
                .and_then(|m| m.collect())
                .map_err(|e| self.err(e))?;
            tree.categories.push(CategoryNode {
                name,
                count,
                tags: tag_nodes,
            });
        }
        tree.total = self.article_count()?;
        Ok(tree)
    }

    /// Earliest and latest publication date, if any article has one.
    pub fn date_range(&self) -> Result<Option<(String, String)>> {
        self.conn()
            .query_row(
                "SELECT min(published), max(published) FROM articles WHERE published IS NOT NULL",
                [],
                |r| {
                    Ok(r.get::<_, Option<String>>(0)?
                        .zip(r.get::<_, Option<String>>(1)?))
                },
            )
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewArticle;

    #[test]
    fn tree_lists_taxonomy_in_order_with_counts() {
        let mut s = Store::open_in_memory().unwrap();
        let tx = s.conn_mut().transaction().unwrap();
        for (title, tags) in [
            ("a", vec!["Redis"]),
            ("b", vec!["Redis", "Kafka"]),
            ("c", vec!["随笔"]),
        ] {
            let a = NewArticle {
                title: title.into(),
                body: "x".into(),
                tags: tags.into_iter().map(String::from).collect(),
                ..Default::default()
            };
            crate::store::articles::upsert(&tx, &a, "now").unwrap();
        }
        tx.commit().unwrap();
        let t = s.tree().unwrap();
        assert_eq!(t.total, 3);
        assert_eq!(t.categories.len(), 11);
        assert_eq!(t.categories[0].name, "前端技术");
        let mw = &t.categories[5];
        assert_eq!((mw.name.as_str(), mw.count), ("中间件与web容器", 2));
        assert_eq!(t.categories.last().unwrap().count, 1);
        let redis = mw.tags.iter().find(|t| t.name == "Redis").unwrap();
        assert_eq!(redis.count, 2);
        let other = t.categories.last().unwrap();
        assert_eq!(
            other.tags,
            [TagNode {
                name: "随笔".into(),
                count: 1
            }]
        );
        assert_eq!(t.all_tags().count(), 85);
    }
}
