//! The category tree with article counts, as the tree pane, `zhiku tree` and `zhiku stats`
//! show it.
//!
//! Every article is filed under exactly one category, so the category counts add up to the
//! total and `cat:` finds what a category's count says. The taxonomy's categories come first
//! in its order, with all its tags; then the library's own categories (from its sources'
//! `categories`), sorted by pinyin; then 其他 for what nothing classifies. A tag outside the
//! taxonomy is shown once, under the category most of its articles are filed under; meta
//! tags (转载文章) under 其他. A tag's count is every article carrying it (what `tag:` finds).

use std::collections::HashMap;

use super::classify::{CAT_OTHER, CAT_OWN, CAT_TAXONOMY, TAG_META, TAG_TAXONOMY};
use super::{Result, Store};
use crate::taxonomy::classify::{PATH_SEP, pinyin_key};
use crate::taxonomy::key;

#[derive(Debug, Clone, PartialEq)]
pub struct TagNode {
    pub name: String,
    /// Articles carrying the tag.
    pub count: i64,
    /// Of those, how many carry it as an inferred tag.
    pub inferred: i64,
}

/// Where a category comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryKind {
    /// The taxonomy's (built-in or taxonomy.toml).
    Taxonomy,
    /// The library's own, from its sources' categories.
    Own,
    /// 其他.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CategoryNode {
    pub name: String,
    /// Articles filed under the category.
    pub count: i64,
    pub kind: CategoryKind,
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

    /// The tree as text, one node a line (`zhiku tree`): categories with their counts, tags
    /// indented under them, inferred counts in brackets. Names are sanitised.
    pub fn to_text(&self) -> String {
        use crate::text::{sanitize_line, str_width};
        let mut out = format!("全部 all {:>24}\n", self.total);
        for c in &self.categories {
            let name = sanitize_line(&c.name);
            let pad = 30usize.saturating_sub(str_width(&name));
            let kind = match c.kind {
                CategoryKind::Taxonomy => "",
                CategoryKind::Own => "  (library)",
                CategoryKind::Other => "",
            };
            out.push_str(&format!("{name}{} {:>6}{kind}\n", " ".repeat(pad), c.count));
            for t in &c.tags {
                let tname = sanitize_line(&t.name);
                let pad = 28usize.saturating_sub(str_width(&tname));
                let inferred = if t.inferred > 0 {
                    format!("  ({} inferred)", t.inferred)
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "  {tname}{} {:>6}{inferred}\n",
                    " ".repeat(pad),
                    t.count
                ));
            }
        }
        out
    }
}

struct TagRow {
    id: i64,
    name: String,
    category: i64,
    kind: i64,
}

/// The category (display index) a tag outside the taxonomy is shown under: the one most of
/// its articles are filed in. On a tie, the one it says most about (its articles are the
/// largest share of the category's), then the earlier one: not simply the first category
/// shown, which would collect every tag whose articles are split evenly.
fn home_by_count(
    counts: &[(i64, i64, i64)],
    pos: &HashMap<i64, usize>,
    size: impl Fn(usize) -> i64,
) -> Option<usize> {
    counts
        .iter()
        .filter_map(|&(cat, n, _)| pos.get(&cat).map(|&i| (i, n, size(i).max(1))))
        .max_by(|a, b| {
            a.1.cmp(&b.1)
                // a.n / a.size vs b.n / b.size, in integers.
                .then((a.1 * b.2).cmp(&(b.1 * a.2)))
                .then(b.0.cmp(&a.0))
        })
        .map(|x| x.0)
}

impl Store {
    /// The category tree with counts. Taxonomy tags are listed even when empty; other tags
    /// only when some article carries them. With `hide_empty_categories` in force (see
    /// [`crate::taxonomy::hide_empty_categories`]), taxonomy categories without articles and
    /// without tagged articles are left out.
    pub fn tree(&self) -> Result<Tree> {
        self.tree_with(crate::taxonomy::hide_empty_categories())
    }

    /// [`Store::tree`] with the choice of leaving out empty taxonomy categories.
    pub fn tree_with(&self, hide_empty: bool) -> Result<Tree> {
        let conn = self.conn();
        let e = |e| self.err(e);
        let mut st = conn
            .prepare(
                "SELECT c.id, c.name, c.kind, c.position, \
                 (SELECT count(*) FROM articles a WHERE a.category_id = c.id) FROM categories c",
            )
            .map_err(e)?;
        let cats: Vec<(i64, String, i64, i64, i64)> = st
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(|m| m.collect())
            .map_err(e)?;
        let mut st = conn
            .prepare("SELECT id, name, category_id, kind FROM tags ORDER BY position, id")
            .map_err(e)?;
        let tags: Vec<TagRow> = st
            .query_map([], |r| {
                Ok(TagRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    category: r.get(2)?,
                    kind: r.get(3)?,
                })
            })
            .and_then(|m| m.collect())
            .map_err(e)?;
        // Per tag and category: articles, inferred ones.
        let mut st = conn
            .prepare(
                "SELECT x.tag_id, a.category_id, count(*), sum(x.inferred) FROM article_tags x \
                 JOIN articles a ON a.id = x.article_id GROUP BY x.tag_id, a.category_id",
            )
            .map_err(e)?;
        let mut per_tag: HashMap<i64, Vec<(i64, i64, i64)>> = HashMap::new();
        let rows = st
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(e)?;
        for row in rows {
            let (tag, cat, n, inf) = row.map_err(e)?;
            per_tag.entry(tag).or_default().push((cat, n, inf));
        }
        // Display order of categories: taxonomy by position, the library's own by pinyin, 其他.
        let mut order: Vec<&(i64, String, i64, i64, i64)> = cats.iter().collect();
        order.sort_by(|a, b| {
            let rank = |k: i64| match k {
                CAT_TAXONOMY => 0,
                CAT_OWN => 1,
                _ => 2,
            };
            rank(a.2)
                .cmp(&rank(b.2))
                .then(a.3.cmp(&b.3))
                .then_with(|| pinyin_key(&a.1).cmp(&pinyin_key(&b.1)))
                .then_with(|| a.1.cmp(&b.1))
        });
        let pos: HashMap<i64, usize> = order.iter().enumerate().map(|(i, c)| (c.0, i)).collect();
        let other = order.iter().position(|c| c.2 == CAT_OTHER);
        let mut nodes: Vec<CategoryNode> = order
            .iter()
            .map(|c| CategoryNode {
                name: c.1.clone(),
                count: c.4,
                kind: match c.2 {
                    CAT_TAXONOMY => CategoryKind::Taxonomy,
                    CAT_OWN => CategoryKind::Own,
                    _ => CategoryKind::Other,
                },
                tags: Vec::new(),
            })
            .collect();
        // A tag named like a category (中间件, 运维, 缓存 name taxonomy categories; RAG is the
        // last part of AI架构/RAG) is shown under it, whatever the counts.
        let taxonomy = crate::taxonomy::taxonomy();
        let mut named: HashMap<String, usize> = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            if n.kind == CategoryKind::Other {
                continue;
            }
            if n.kind == CategoryKind::Taxonomy
                && let Some(ci) = taxonomy.category(&n.name)
            {
                for a in &taxonomy.categories[ci].aliases {
                    named.entry(key(a)).or_insert(i);
                }
            }
            named.entry(key(&n.name)).or_insert(i);
            if let Some(last) = n.name.rsplit(PATH_SEP).next() {
                named.entry(key(last)).or_insert(i);
            }
        }
        // Tags placed by their own category keep taxonomy order; the others are sorted by
        // pinyin after them.
        let mut placed: Vec<Vec<TagNode>> = vec![Vec::new(); nodes.len()];
        let mut homed: Vec<Vec<TagNode>> = vec![Vec::new(); nodes.len()];
        for t in &tags {
            let counts = per_tag.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
            let count: i64 = counts.iter().map(|c| c.1).sum();
            let inferred: i64 = counts.iter().map(|c| c.2).sum();
            let node = TagNode {
                name: t.name.clone(),
                count,
                inferred,
            };
            if t.kind == TAG_TAXONOMY {
                if let Some(&i) = pos.get(&t.category) {
                    placed[i].push(node);
                }
                continue;
            }
            if count == 0 {
                continue;
            }
            let home = if t.kind == TAG_META {
                other
            } else {
                named
                    .get(&key(&t.name))
                    .copied()
                    .or_else(|| home_by_count(counts, &pos, |i| nodes[i].count))
                    .or(other)
            };
            if let Some(i) = home {
                homed[i].push(node);
            }
        }
        for (i, node) in nodes.iter_mut().enumerate() {
            let mut extra = std::mem::take(&mut homed[i]);
            extra.sort_by(|a, b| {
                pinyin_key(&a.name)
                    .cmp(&pinyin_key(&b.name))
                    .then_with(|| a.name.cmp(&b.name))
            });
            node.tags = std::mem::take(&mut placed[i]);
            node.tags.extend(extra);
        }
        nodes.retain(|n| match n.kind {
            CategoryKind::Taxonomy => {
                !hide_empty || n.count > 0 || n.tags.iter().any(|t| t.count > 0)
            }
            // The library's own categories exist while they have articles; 其他 is shown when
            // something is in it.
            CategoryKind::Own => n.count > 0,
            CategoryKind::Other => n.count > 0 || !n.tags.is_empty(),
        });
        Ok(Tree {
            total: self.article_count()?,
            categories: nodes,
        })
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

    fn store(items: &[(&str, Option<&str>, &[&str])]) -> Store {
        let mut s = Store::open_in_memory().unwrap();
        let tx = s.conn_mut().transaction().unwrap();
        for (title, cat, tags) in items {
            let a = NewArticle {
                title: (*title).into(),
                body: "x".into(),
                category: cat.map(String::from),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                ..Default::default()
            };
            crate::store::articles::upsert(&tx, &a, "now").unwrap();
        }
        tx.commit().unwrap();
        s
    }

    #[test]
    fn tree_lists_taxonomy_in_order_with_counts() {
        let s = store(&[
            ("a", None, &["Redis"]),
            ("b", None, &["Redis", "Kafka"]),
            ("c", None, &["随笔"]),
        ]);
        let t = s.tree_with(false).unwrap();
        assert_eq!(t.total, 3);
        assert_eq!(t.categories.len(), 11);
        assert_eq!(t.categories[0].name, "前端技术");
        let mw = &t.categories[5];
        assert_eq!((mw.name.as_str(), mw.count), ("中间件与web容器", 2));
        let redis = mw.tags.iter().find(|t| t.name == "Redis").unwrap();
        assert_eq!(redis.count, 2);
        let other = t.categories.last().unwrap();
        assert_eq!((other.name.as_str(), other.count), ("其他", 1));
        assert_eq!(
            other.tags,
            [TagNode {
                name: "随笔".into(),
                count: 1,
                inferred: 0,
            }]
        );
        assert_eq!(t.all_tags().count(), 85);
    }

    #[test]
    fn every_article_in_one_category_and_the_library_categories_after_the_taxonomy() {
        let s = store(&[
            ("a", Some("数据库"), &["Redis"]),
            ("b", Some("智能体"), &["OpenClaw", "AI架构"]),
            ("c", Some("面试指南"), &["OpenClaw"]),
            ("d", Some("面试指南"), &["八股"]),
            ("e", Some("AI架构/RAG"), &["转载文章"]),
            ("f", None, &["转载文章"]),
        ]);
        let t = s.tree_with(true).unwrap();
        assert_eq!(t.categories.iter().map(|c| c.count).sum::<i64>(), t.total);
        let names: Vec<&str> = t.categories.iter().map(|c| c.name.as_str()).collect();
        // Empty taxonomy categories hidden; 中间件 stays: Redis has an article (filed in 数据库).
        assert_eq!(
            names,
            [
                "数据库",
                "中间件与web容器",
                "AI架构/RAG",
                "面试指南",
                "智能体",
                "其他"
            ]
        );
        let db = &t.categories[0];
        assert_eq!(db.count, 1);
        let mw = &t.categories[1];
        assert_eq!(mw.count, 0);
        assert_eq!(mw.tags.iter().find(|t| t.name == "Redis").unwrap().count, 1);
        // OpenClaw: one article in 智能体 (of 1), one in 面试指南 (of 2); the tie goes to the
        // category it says most about (智能体), not to the earlier one.
        let interview = &t.categories[3];
        assert_eq!(interview.count, 2);
        let tags: Vec<(&str, i64)> = interview
            .tags
            .iter()
            .map(|t| (t.name.as_str(), t.count))
            .collect();
        assert_eq!(tags, [("八股", 1)]);
        let agent = &t.categories[4];
        assert_eq!(
            agent
                .tags
                .iter()
                .map(|t| (t.name.as_str(), t.count))
                .collect::<Vec<_>>(),
            [("AI架构", 1), ("OpenClaw", 2)]
        );
        let other = t.categories.last().unwrap();
        assert_eq!(other.count, 1);
        assert_eq!(other.tags[0].name, "转载文章");
        assert_eq!(other.tags[0].count, 2);
        assert_eq!(t.categories[2].kind, CategoryKind::Own);
    }

    #[test]
    fn a_tag_split_evenly_is_not_piled_under_the_first_category() {
        // 前端技术 comes first in the tree: a tie used to send every evenly split tag there
        // (Java under 前端技术 when one front-end article carried it).
        let s = store(&[
            ("a", Some("前端"), &["Vue3", "杂谈"]),
            ("b", Some("前端"), &["Vue3"]),
            ("c", Some("前端"), &["Vue3"]),
            ("d", Some("面试指南"), &["杂谈"]),
            ("e", Some("后端/Go"), &["中间件"]),
            ("f", Some("前端"), &["中间件", "运维"]),
            ("g", Some("AI架构/RAG"), &["RAG", "运维"]),
            ("h", Some("前端"), &["RAG"]),
        ]);
        let t = s.tree_with(true).unwrap();
        let home = |tag: &str| {
            let (ci, _) = t.locate_tag(tag).unwrap();
            t.categories[ci].name.as_str()
        };
        assert_eq!(home("杂谈"), "面试指南", "1 of 1 says more than 1 of 5");
        // Named like a category: under it, whatever the counts.
        assert_eq!(home("中间件"), "中间件与web容器");
        assert_eq!(home("运维"), "系统与容器");
        assert_eq!(home("RAG"), "AI架构/RAG");
        for c in &t.categories {
            let sum: i64 = c
                .tags
                .iter()
                .filter(|t| t.name == "运维")
                .map(|t| t.count)
                .sum();
            assert!(sum == 0 || c.name == "系统与容器");
        }
    }
}
