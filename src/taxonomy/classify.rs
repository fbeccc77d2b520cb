//! Where an article goes: its category and its tags (given by the source or inferred), from
//! what the source said and the taxonomy. The same function serves import and `retag`.

use super::{OTHER, Taxonomy, infer, key};

/// The category an article is filed under: exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategoryChoice {
    /// A category of the taxonomy (index).
    Taxonomy(usize),
    /// The library's own category, by name (a path such as `后端/Java` for nested lists).
    Own(String),
    /// 其他: nothing classifies it.
    Other,
}

/// What kind of tag a classified tag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// A taxonomy tag of the category with this index.
    Taxonomy(usize),
    /// A meta tag (转载文章): says nothing about the topic.
    Meta,
    /// A tag the taxonomy does not know.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassTag {
    /// The taxonomy's spelling for taxonomy and meta tags, else the source's.
    pub name: String,
    pub kind: TagKind,
    /// Inferred from title and body, not given by the source.
    pub inferred: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub category: CategoryChoice,
    pub tags: Vec<ClassTag>,
}

impl Classified {
    /// The category's name as the store files it.
    pub fn category_name<'a>(&'a self, t: &'a Taxonomy) -> &'a str {
        match &self.category {
            CategoryChoice::Taxonomy(ci) => &t.categories[*ci].name,
            CategoryChoice::Own(n) => n,
            CategoryChoice::Other => OTHER,
        }
    }
}

/// The separator of a category path (`后端/Java`).
pub const PATH_SEP: char = '/';

fn resolve_tag(t: &Taxonomy, raw: &str) -> Option<ClassTag> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    Some(if let Some((name, ci)) = t.tag(raw) {
        ClassTag {
            name: name.to_owned(),
            kind: TagKind::Taxonomy(ci),
            inferred: false,
        }
    } else if let Some(m) = t.meta_tag(raw) {
        ClassTag {
            name: m.to_owned(),
            kind: TagKind::Meta,
            inferred: false,
        }
    } else {
        ClassTag {
            name: raw.to_owned(),
            kind: TagKind::Other,
            inferred: false,
        }
    })
}

fn push(tags: &mut Vec<ClassTag>, tag: ClassTag) {
    if !tags.iter().any(|x| key(&x.name) == key(&tag.name)) {
        tags.push(tag);
    }
}

/// Classifies an article. `category` is the source's category (a path for nested lists);
/// `tags` its tags as the source spelt them.
///
/// - Category: a taxonomy category named by the source's category (or one of its aliases);
///   else, when the path starts with a taxonomy tag (`java/基础`), that tag's category; else
///   the source's category as the library's own; with none, the first taxonomy tag's
///   category (given, then inferred); else 其他.
/// - Tags: the source's tags in the taxonomy's spelling (aliases resolved), then the
///   taxonomy tags the category path names; when none of these is a taxonomy tag, up to
///   three inferred from title and body.
pub fn classify(
    t: &Taxonomy,
    category: Option<&str>,
    tags: &[String],
    title: &str,
    body: &str,
) -> Classified {
    let mut out: Vec<ClassTag> = Vec::new();
    for raw in tags {
        if let Some(tag) = resolve_tag(t, raw) {
            push(&mut out, tag);
        }
    }
    let path: Vec<&str> = category
        .map(|c| {
            c.split(PATH_SEP)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut choice = None;
    if !path.is_empty() {
        let whole = path.join("/");
        if whole == OTHER {
            choice = Some(CategoryChoice::Other);
        } else if let Some(ci) = t.category(&whole).or_else(|| t.category(path[0])) {
            choice = Some(CategoryChoice::Taxonomy(ci));
        } else if let Some((_, ci)) = t.tag(path[0]) {
            choice = Some(CategoryChoice::Taxonomy(ci));
        } else {
            choice = Some(CategoryChoice::Own(whole));
        }
        for seg in &path {
            if let Some((name, ci)) = t.tag(seg) {
                push(
                    &mut out,
                    ClassTag {
                        name: name.to_owned(),
                        kind: TagKind::Taxonomy(ci),
                        inferred: false,
                    },
                );
            }
        }
    }
    if !out.iter().any(|x| matches!(x.kind, TagKind::Taxonomy(_))) {
        for (ci, ti) in infer::infer(t, title, body) {
            push(
                &mut out,
                ClassTag {
                    name: t.categories[ci].tags[ti].name.clone(),
                    kind: TagKind::Taxonomy(ci),
                    inferred: true,
                },
            );
        }
    }
    let category = choice.unwrap_or_else(|| {
        out.iter()
            .find_map(|x| match x.kind {
                TagKind::Taxonomy(ci) => Some(CategoryChoice::Taxonomy(ci)),
                _ => None,
            })
            .unwrap_or(CategoryChoice::Other)
    });
    Classified {
        category,
        tags: out,
    }
}

/// The key names are sorted by: their pinyin (`智能体` → `zhinengti`), Latin letters folded.
pub fn pinyin_key(s: &str) -> String {
    use pinyin::ToPinyin;
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        match c.to_pinyin() {
            Some(p) => out.push_str(p.plain()),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::builtin;

    fn c(cat: Option<&str>, tags: &[&str], title: &str) -> (String, Vec<(String, bool)>) {
        let t = builtin();
        let tags: Vec<String> = tags.iter().map(|s| s.to_string()).collect();
        let r = classify(&t, cat, &tags, title, "正文");
        (
            r.category_name(&t).to_owned(),
            r.tags.into_iter().map(|x| (x.name, x.inferred)).collect(),
        )
    }

    #[test]
    fn categories() {
        assert_eq!(c(None, &["转载文章", "redis"], "t").0, "中间件与web容器");
        assert_eq!(c(Some("数据库"), &["Redis"], "t").0, "数据库");
        assert_eq!(
            c(Some("数据库/mysql"), &[], "t").1,
            [("MySQL".into(), false)]
        );
        assert_eq!(c(Some("java/基础"), &["kafka"], "t").0, "服务端和客户端");
        assert_eq!(c(Some("面试指南"), &["OpenClaw"], "t").0, "面试指南");
        assert_eq!(c(Some("后端/Java"), &[], "t").0, "后端/Java");
        assert_eq!(c(Some("消息队列"), &[], "t").0, "中间件与web容器");
        assert_eq!(c(Some("其他"), &["Redis"], "t").0, OTHER);
        assert_eq!(c(None, &["随笔"], "t").0, OTHER);
    }

    #[test]
    fn aliases_resolve_and_inference_only_without_taxonomy_tags() {
        let (cat, tags) = c(None, &["k8s", "golang", "容器"], "Redis 的一次事故");
        assert_eq!(cat, "系统与容器");
        assert_eq!(
            tags,
            [
                ("Kubernetes".into(), false),
                ("Golang".into(), false),
                ("容器".into(), false)
            ]
        );
        let (cat, tags) = c(Some("面试指南"), &["OpenClaw"], "Java高级面试指南 - 多线程");
        assert_eq!(cat, "面试指南", "the source's category wins");
        assert_eq!(tags, [("OpenClaw".into(), false), ("Java".into(), true)]);
        let (cat, tags) = c(None, &["转载文章"], "jQuery 事件委托详解");
        assert_eq!(cat, "前端框架和UI库");
        assert_eq!(tags, [("转载文章".into(), false), ("JQuery".into(), true)]);
    }

    #[test]
    fn pinyin_order() {
        let mut v = vec!["智能体", "最新文章", "机器学习", "AI架构", "面试指南"];
        v.sort_by_key(|s| pinyin_key(s));
        assert_eq!(v, ["AI架构", "机器学习", "面试指南", "智能体", "最新文章"]);
    }
}
