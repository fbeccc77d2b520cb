//! The taxonomy: categories in display order, their tags, the other spellings of each tag
//! (aliases) and the meta tags (转载文章…) that say nothing about an article's topic.
//!
//! The built-in one is compiled in from `assets/taxonomy.toml`; a `taxonomy.toml` in the
//! configuration folder extends or replaces it ([`load_user`]). The one in force is
//! [`taxonomy()`]: the built-in one unless the command line installed another ([`set_active`]).

pub mod classify;
pub mod cli;
mod file;
pub mod infer;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use sha2::{Digest, Sha256};

pub use file::{MAX_CATEGORIES, MAX_NAME_CHARS, MAX_TAGS, parse_user};

/// Name of the category for articles nothing classifies.
pub const OTHER: &str = "其他";

/// Bumped when classification or inference changes, so that stores are re-tagged.
const CLASSIFIER_VERSION: u32 = 1;

/// One tag of the taxonomy and the other spellings it is known by.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub name: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub name: String,
    /// Other names of the category itself, for a source's own category (`前端` → 前端技术).
    pub aliases: Vec<String>,
    pub tags: Vec<Tag>,
}

/// The taxonomy with lookups by folded name.
#[derive(Debug)]
pub struct Taxonomy {
    pub categories: Vec<Category>,
    pub meta: Vec<String>,
    /// Folded tag name or alias → (category, tag).
    tag_index: HashMap<String, (usize, usize)>,
    /// Folded category name or alias → category.
    cat_index: HashMap<String, usize>,
    /// Folded meta tag → its spelling.
    meta_index: HashMap<String, usize>,
    matcher: OnceLock<infer::Matcher>,
    hash: String,
    /// Synonym groups for search (`[synonyms]`): each group's words mean the same.
    pub synonyms: Vec<Vec<String>>,
    /// Folded word → the groups it is in.
    syn_index: HashMap<String, Vec<usize>>,
}

/// A synonym lookup reads at most this many words of the groups a word is in, whatever their
/// size or number ([`Taxonomy::synonyms_of`]).
pub const MAX_SYNONYM_SCAN: usize = 256;

impl Taxonomy {
    /// Builds the lookups. The caller has checked that names do not collide
    /// (`file::validate`); a later duplicate would shadow an earlier one.
    pub(crate) fn new(categories: Vec<Category>, meta: Vec<String>) -> Self {
        let mut tag_index = HashMap::new();
        let mut cat_index = HashMap::new();
        for (ci, c) in categories.iter().enumerate() {
            cat_index.entry(key(&c.name)).or_insert(ci);
            for a in &c.aliases {
                cat_index.entry(key(a)).or_insert(ci);
            }
            for (ti, t) in c.tags.iter().enumerate() {
                tag_index.entry(key(&t.name)).or_insert((ci, ti));
            }
        }
        // Aliases after every name: a name always wins over another tag's alias.
        for (ci, c) in categories.iter().enumerate() {
            for (ti, t) in c.tags.iter().enumerate() {
                for a in &t.aliases {
                    tag_index.entry(key(a)).or_insert((ci, ti));
                }
            }
        }
        let meta_index = meta.iter().enumerate().map(|(i, m)| (key(m), i)).collect();
        let hash = fingerprint(&categories, &meta);
        Taxonomy {
            categories,
            meta,
            tag_index,
            cat_index,
            meta_index,
            matcher: OnceLock::new(),
            hash,
            synonyms: Vec::new(),
            syn_index: HashMap::new(),
        }
    }

    /// The taxonomy with these synonym groups (they do not change classification, so not the
    /// [`Taxonomy::hash`]).
    pub(crate) fn with_synonyms(mut self, groups: Vec<Vec<String>>) -> Self {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (g, words) in groups.iter().enumerate() {
            for w in words {
                let list = index.entry(key(w)).or_default();
                if list.last() != Some(&g) {
                    list.push(g);
                }
            }
        }
        self.synonyms = groups;
        self.syn_index = index;
        self
    }

    /// The other words of the synonym groups `word` is in, each once, in the file's order: at
    /// most `cap`, from at most [`MAX_SYNONYM_SCAN`] words read.
    pub fn synonyms_of(&self, word: &str, cap: usize) -> Vec<&str> {
        let own = key(word);
        let Some(groups) = self.syn_index.get(&own) else {
            return Vec::new();
        };
        let mut out: Vec<&str> = Vec::new();
        let mut keys: Vec<String> = vec![own];
        let mut read = 0;
        'groups: for &g in groups {
            for w in &self.synonyms[g] {
                read += 1;
                if read > MAX_SYNONYM_SCAN || out.len() >= cap {
                    break 'groups;
                }
                let k = key(w);
                if !keys.contains(&k) {
                    keys.push(k);
                    out.push(w);
                }
            }
        }
        out
    }

    /// The taxonomy's spelling of `tag` (a name or an alias) and its category index.
    pub fn tag(&self, tag: &str) -> Option<(&str, usize)> {
        let &(ci, ti) = self.tag_index.get(&key(tag))?;
        Some((&self.categories[ci].tags[ti].name, ci))
    }

    /// The index of the category named `name` (or one of its aliases), case-insensitive.
    pub fn category(&self, name: &str) -> Option<usize> {
        self.cat_index.get(&key(name)).copied()
    }

    /// The taxonomy's spelling of a meta tag, if `tag` is one.
    pub fn meta_tag(&self, tag: &str) -> Option<&str> {
        self.meta_index
            .get(&key(tag))
            .map(|&i| self.meta[i].as_str())
    }

    /// Every tag with its category index, in display order.
    pub fn tags(&self) -> impl Iterator<Item = (usize, &Tag)> {
        self.categories
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| c.tags.iter().map(move |t| (ci, t)))
    }

    /// A fingerprint of everything classification depends on: a store tagged with another
    /// one is re-tagged.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    pub(crate) fn matcher(&self) -> &infer::Matcher {
        self.matcher.get_or_init(|| infer::Matcher::new(self))
    }
}

fn fingerprint(categories: &[Category], meta: &[String]) -> String {
    let mut h = Sha256::new();
    h.update(format!("classifier {CLASSIFIER_VERSION}\n"));
    for c in categories {
        h.update(format!(
            "c\u{1f}{}\u{1f}{}\n",
            c.name,
            c.aliases.join("\u{1e}")
        ));
        for t in &c.tags {
            h.update(format!(
                "t\u{1f}{}\u{1f}{}\n",
                t.name,
                t.aliases.join("\u{1e}")
            ));
        }
    }
    for m in meta {
        h.update(format!("m\u{1f}{m}\n"));
    }
    h.finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How names are compared: trimmed and folded as search folds text.
pub fn key(s: &str) -> String {
    crate::text::fold_str(s.trim())
}

/// The built-in taxonomy (`assets/taxonomy.toml`).
pub fn builtin() -> Arc<Taxonomy> {
    static T: OnceLock<Arc<Taxonomy>> = OnceLock::new();
    T.get_or_init(|| {
        Arc::new(
            file::parse(
                include_str!("../../assets/taxonomy.toml"),
                "taxonomy.toml",
                None,
            )
            .expect("assets/taxonomy.toml is valid"),
        )
    })
    .clone()
}

static ACTIVE: RwLock<Option<Arc<Taxonomy>>> = RwLock::new(None);
static HIDE_EMPTY: AtomicBool = AtomicBool::new(false);

/// The taxonomy in force: the one [`set_active`] installed, else the built-in one.
pub fn taxonomy() -> Arc<Taxonomy> {
    if let Some(t) = ACTIVE.read().ok().and_then(|g| g.clone()) {
        return t;
    }
    builtin()
}

/// Installs the taxonomy imports and `retag` classify with (the command line does, from
/// `taxonomy.toml`, before it opens the store).
pub fn set_active(t: Taxonomy) {
    if let Ok(mut g) = ACTIVE.write() {
        *g = Some(Arc::new(t));
    }
}

/// Whether [`crate::store::Store::tree`] leaves out built-in categories without articles
/// (`hide_empty_categories` in config.toml).
pub fn hide_empty_categories() -> bool {
    HIDE_EMPTY.load(Ordering::Relaxed)
}

pub fn set_hide_empty_categories(hide: bool) {
    HIDE_EMPTY.store(hide, Ordering::Relaxed);
}

/// Where the user's taxonomy lives: `taxonomy.toml` beside `config.toml`.
pub fn user_path() -> Option<std::path::PathBuf> {
    crate::config::path().map(|p| p.with_file_name("taxonomy.toml"))
}

/// The taxonomy `path` describes on top of the built-in one; a missing file means the
/// built-in one. Errors read `PATH:LINE: reason`.
pub fn load_user(path: &std::path::Path) -> Result<Option<Taxonomy>, String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    let name = path.display().to_string();
    if meta.len() > file::MAX_FILE_BYTES {
        return Err(format!(
            "{name}: {} bytes; a taxonomy file is at most {} KiB",
            meta.len(),
            file::MAX_FILE_BYTES / 1024
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{name}: not UTF-8 text"))?;
    parse_user(&text, &name).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_ten_categories_and_84_tags_each_with_aliases() {
        let t = builtin();
        assert_eq!(t.categories.len(), 10);
        assert_eq!(t.tags().count(), 84);
        for (_, tag) in t.tags() {
            assert!(!tag.aliases.is_empty(), "{} has no aliases", tag.name);
        }
        assert!(t.meta_tag("转载文章").is_some());
    }

    #[test]
    fn tags_match_by_name_or_alias_in_taxonomy_spelling() {
        let t = builtin();
        assert_eq!(t.tag("redis").map(|x| x.0), Some("Redis"));
        assert_eq!(t.tag("ＲＥＤＩＳ").map(|x| x.0), Some("Redis"));
        assert_eq!(t.tag("go gin").map(|x| x.0), Some("Go Gin"));
        assert_eq!(t.tag("K8S").map(|x| x.0), Some("Kubernetes"));
        assert_eq!(t.tag("go语言").map(|x| x.0), Some("Golang"));
        assert_eq!(t.tag("es").map(|x| x.0), Some("ElasticSearch"));
        assert_eq!(t.tag("ES6").map(|x| x.0), Some("Javascript"));
        assert_eq!(t.tag("mysql8").map(|x| x.0), Some("MySQL"));
        assert_eq!(t.tag("SpringBoot3").map(|x| x.0), Some("SpringBoot"));
        assert_eq!(t.tag("spring-cloud").map(|x| x.0), Some("SpringCloud"));
        assert_eq!(t.tag("Vue3").map(|x| x.0), Some("VUE"));
        assert!(t.tag("go").is_none(), "Go alone is not Golang");
        assert!(t.tag("转载文章").is_none());
        assert_eq!(t.category("数据库"), Some(4));
        assert_eq!(t.category("消息队列"), Some(5));
    }

    #[test]
    fn the_hash_changes_with_the_taxonomy() {
        let user = parse_user("[aliases]\nRedis = [\"雷迪斯\"]\n", "t").unwrap();
        assert_ne!(user.hash(), builtin().hash());
        let same = parse_user("", "t").unwrap();
        assert_eq!(same.hash(), builtin().hash());
    }
}
