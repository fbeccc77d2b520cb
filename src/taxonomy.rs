//! The category tree zhiku is modelled on, compiled in from `assets/taxonomy.json`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// Name of the category for tags outside the taxonomy.
pub const OTHER: &str = "其他";

#[derive(Debug, Deserialize)]
pub struct Category {
    pub name: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct File {
    categories: Vec<Category>,
}

/// The taxonomy with lookups by folded tag and category name.
#[derive(Debug)]
pub struct Taxonomy {
    pub categories: Vec<Category>,
    tag_index: HashMap<String, (usize, usize)>,
}

impl Taxonomy {
    fn load() -> Self {
        let file: File = serde_json::from_str(include_str!("../assets/taxonomy.json"))
            .expect("assets/taxonomy.json is valid");
        let mut tag_index = HashMap::new();
        for (ci, cat) in file.categories.iter().enumerate() {
            for (ti, tag) in cat.tags.iter().enumerate() {
                tag_index.insert(key(tag), (ci, ti));
            }
        }
        Taxonomy {
            categories: file.categories,
            tag_index,
        }
    }

    /// The taxonomy's spelling of `tag` and its category index, if it is a taxonomy tag.
    pub fn tag(&self, tag: &str) -> Option<(&str, usize)> {
        let &(ci, ti) = self.tag_index.get(&key(tag))?;
        Some((&self.categories[ci].tags[ti], ci))
    }

    /// The index of the category named `name` (case-insensitive), if any.
    pub fn category(&self, name: &str) -> Option<usize> {
        let k = key(name);
        self.categories.iter().position(|c| key(&c.name) == k)
    }
}

fn key(s: &str) -> String {
    crate::text::fold_str(s.trim())
}

/// The compiled-in taxonomy.
pub fn taxonomy() -> &'static Taxonomy {
    static T: OnceLock<Taxonomy> = OnceLock::new();
    T.get_or_init(Taxonomy::load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_ten_categories_and_84_tags() {
        let t = taxonomy();
        assert_eq!(t.categories.len(), 10);
        assert_eq!(t.categories.iter().map(|c| c.tags.len()).sum::<usize>(), 84);
    }

    #[test]
    fn tags_match_case_insensitively_in_taxonomy_spelling() {
        let t = taxonomy();
        assert_eq!(t.tag("redis").map(|x| x.0), Some("Redis"));
        assert_eq!(t.tag("ＲＥＤＩＳ").map(|x| x.0), Some("Redis"));
        assert_eq!(t.tag("go gin").map(|x| x.0), Some("Go Gin"));
        assert!(t.tag("转载文章").is_none());
        assert_eq!(t.category("数据库"), Some(4));
    }
}
