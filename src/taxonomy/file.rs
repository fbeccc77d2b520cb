//! `taxonomy.toml`: parsing and checking. Every problem is an error naming the line; limits
//! keep a hostile file (10,000 categories, 500-character names) from reaching the tree.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use toml::Spanned;

use super::{Category, Tag, Taxonomy, key};

/// Largest taxonomy file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// Most categories a taxonomy may have.
pub const MAX_CATEGORIES: usize = 200;
/// Most tags a taxonomy may have, over all categories.
pub const MAX_TAGS: usize = 5_000;
/// Most aliases of one tag.
pub const MAX_ALIASES: usize = 50;
/// Longest category, tag, alias or meta tag name, in characters.
pub const MAX_NAME_CHARS: usize = 60;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDe {
    mode: Option<Spanned<String>>,
    #[serde(default)]
    meta: Vec<Spanned<String>>,
    #[serde(default)]
    category: Vec<CategoryDe>,
    #[serde(default)]
    aliases: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Synonym groups for search: each key and its list mean the same.
    #[serde(default)]
    synonyms: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryDe {
    name: Spanned<String>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// The taxonomy a user's `taxonomy.toml` describes: the built-in one extended by it
/// (`mode = "extend"`, the default) or replaced (`mode = "replace"`). Errors read
/// `NAME:LINE: reason`.
pub fn parse_user(text: &str, name: &str) -> Result<Taxonomy, String> {
    let base = super::builtin();
    parse(text, name, Some(&base))
}

/// Where a name was defined, for "first on line N".
#[derive(Clone, Copy)]
enum Origin {
    BuiltIn,
    Line(usize),
}

impl Origin {
    fn describe(self) -> String {
        match self {
            Origin::BuiltIn => "in the built-in taxonomy".into(),
            Origin::Line(l) => format!("on line {l}"),
        }
    }
}

struct Builder<'a> {
    /// Byte offsets of the text's newlines, for [`Builder::line`]: counting them from the start
    /// for each of the ~700 names made parsing the built-in file quadratic (14M instructions,
    /// most of a `zhiku search` process's own work).
    newlines: Vec<usize>,
    name: &'a str,
    categories: Vec<Category>,
    /// Folded category name or alias → (category, origin).
    cats: HashMap<String, (usize, Origin)>,
    /// Folded tag name → (category, tag, origin).
    tags: HashMap<String, (usize, usize, Origin)>,
    /// Folded alias → (category, tag, origin).
    aliases: HashMap<String, (usize, usize, Origin)>,
    meta: Vec<String>,
    metas: HashMap<String, Origin>,
    synonyms: Vec<Vec<String>>,
}

impl Builder<'_> {
    fn err(&self, line: usize, reason: impl std::fmt::Display) -> String {
        format!("{}:{line}: {reason}", self.name)
    }

    fn line(&self, s: &Spanned<String>) -> usize {
        // The newlines before the offset (`partition_point`: those strictly below it), plus one.
        let offset = s.span().start;
        self.newlines.partition_point(|&n| n < offset) + 1
    }

    /// A name as it will be shown: one line of visible text, bounded.
    fn check_name(&self, s: &Spanned<String>, what: &str) -> Result<String, String> {
        let line = self.line(s);
        let raw = s.get_ref();
        if raw.chars().any(|c| {
            c.is_control()
                || crate::text::sanitize::is_bidi(c)
                || crate::text::sanitize::is_zero_width(c)
        }) {
            return Err(self.err(
                line,
                format!(
                    "the {what} {} contains a control or invisible character",
                    shown(raw)
                ),
            ));
        }
        let t = crate::text::fold::normalize_stored(raw.trim());
        if t.is_empty() {
            return Err(self.err(line, format!("a {what} needs a name")));
        }
        let n = t.chars().count();
        if n > MAX_NAME_CHARS {
            return Err(self.err(
                line,
                format!(
                    "the {what} {} is {n} characters long (at most {MAX_NAME_CHARS})",
                    shown(&t)
                ),
            ));
        }
        if t.contains('\u{1f}') || t == super::OTHER {
            return Err(self.err(
                line,
                format!("{} is reserved; choose another {what} name", shown(&t)),
            ));
        }
        Ok(t)
    }

    fn add_category(&mut self, c: &CategoryDe) -> Result<(), String> {
        let name = self.check_name(&c.name, "category")?;
        let line = self.line(&c.name);
        let ci = match self.cats.get(&key(&name)) {
            // Extending a built-in category (by name): its tags and aliases are added.
            Some(&(ci, Origin::BuiltIn)) if key(&self.categories[ci].name) == key(&name) => ci,
            Some(&(_, origin)) => {
                return Err(self.err(
                    line,
                    format!(
                        "the category {} is defined twice (first {})",
                        shown(&name),
                        origin.describe()
                    ),
                ));
            }
            None => {
                if self.categories.len() >= MAX_CATEGORIES {
                    return Err(self.err(
                        line,
                        format!("too many categories (at most {MAX_CATEGORIES})"),
                    ));
                }
                self.categories.push(Category {
                    name: name.clone(),
                    aliases: Vec::new(),
                    tags: Vec::new(),
                });
                let ci = self.categories.len() - 1;
                self.cats.insert(key(&name), (ci, Origin::Line(line)));
                ci
            }
        };
        for a in &c.aliases {
            let alias = self.check_name(a, "category alias")?;
            let line = self.line(a);
            match self.cats.get(&key(&alias)) {
                Some(&(other, _)) if other == ci => {}
                Some(&(other, origin)) => {
                    return Err(self.err(
                        line,
                        format!(
                            "{} already names the category {} ({})",
                            shown(&alias),
                            shown(&self.categories[other].name),
                            origin.describe()
                        ),
                    ));
                }
                None => {
                    self.cats.insert(key(&alias), (ci, Origin::Line(line)));
                    self.categories[ci].aliases.push(alias);
                }
            }
        }
        for t in &c.tags {
            self.add_tag(ci, t)?;
        }
        Ok(())
    }

    fn add_tag(&mut self, ci: usize, t: &Spanned<String>) -> Result<(), String> {
        let name = self.check_name(t, "tag")?;
        let line = self.line(t);
        let k = key(&name);
        if let Some(&(other, _, origin)) = self.tags.get(&k) {
            return Err(match (other == ci, origin) {
                // Naming a built-in tag again in its own category is harmless.
                (true, Origin::BuiltIn) => return Ok(()),
                (true, origin) => self.err(
                    line,
                    format!("the tag {} is listed twice (first {})", shown(&name), origin.describe()),
                ),
                (false, origin) => self.err(
                    line,
                    format!(
                        "the tag {} is already in the category {} ({}); a tag belongs to one category \
                         (to move a built-in tag, write mode = \"replace\" and the whole tree)",
                        shown(&name),
                        shown(&self.categories[other].name),
                        origin.describe()
                    ),
                ),
            });
        }
        if let Some(&(oc, ot, origin)) = self.aliases.get(&k) {
            return Err(self.err(
                line,
                format!(
                    "the tag {} is already an alias of {} ({})",
                    shown(&name),
                    shown(&self.categories[oc].tags[ot].name),
                    origin.describe()
                ),
            ));
        }
        if let Some(origin) = self.metas.get(&k) {
            return Err(self.err(
                line,
                format!(
                    "{} is already a meta tag ({})",
                    shown(&name),
                    origin.describe()
                ),
            ));
        }
        if self.tags.len() >= MAX_TAGS {
            return Err(self.err(line, format!("too many tags (at most {MAX_TAGS})")));
        }
        let ti = self.categories[ci].tags.len();
        self.categories[ci].tags.push(Tag {
            name,
            aliases: Vec::new(),
        });
        self.tags.insert(k, (ci, ti, Origin::Line(line)));
        Ok(())
    }

    fn add_aliases(
        &mut self,
        tag: &Spanned<String>,
        list: &[Spanned<String>],
    ) -> Result<(), String> {
        let line = self.line(tag);
        let tag_name = self.check_name(tag, "tag")?;
        let Some(&(ci, ti, _)) = self.tags.get(&key(&tag_name)) else {
            return Err(self.err(
                line,
                format!(
                    "aliases for {}, which is not a tag of any category (add it to a category's tags first)",
                    shown(&tag_name)
                ),
            ));
        };
        if list.len() > MAX_ALIASES {
            return Err(self.err(
                line,
                format!(
                    "too many aliases for {} (at most {MAX_ALIASES})",
                    shown(&tag_name)
                ),
            ));
        }
        for a in list {
            let alias = self.check_name(a, "alias")?;
            let line = self.line(a);
            let k = key(&alias);
            if let Some(&(oc, ot, origin)) = self.tags.get(&k) {
                if (oc, ot) == (ci, ti) {
                    continue; // the tag's own name in another case: nothing to add
                }
                return Err(self.err(
                    line,
                    format!(
                        "the alias {} of {} is the name of another tag ({}, {})",
                        shown(&alias),
                        shown(&tag_name),
                        shown(&self.categories[oc].tags[ot].name),
                        origin.describe()
                    ),
                ));
            }
            match self.aliases.get(&k) {
                Some(&(oc, ot, _)) if (oc, ot) == (ci, ti) => {}
                Some(&(oc, ot, origin)) => {
                    return Err(self.err(
                        line,
                        format!(
                            "the alias {} is already an alias of {} ({})",
                            shown(&alias),
                            shown(&self.categories[oc].tags[ot].name),
                            origin.describe()
                        ),
                    ));
                }
                None => {
                    if let Some(origin) = self.metas.get(&k) {
                        return Err(self.err(
                            line,
                            format!(
                                "the alias {} is a meta tag ({})",
                                shown(&alias),
                                origin.describe()
                            ),
                        ));
                    }
                    self.aliases.insert(k, (ci, ti, Origin::Line(line)));
                    self.categories[ci].tags[ti].aliases.push(alias);
                }
            }
        }
        Ok(())
    }

    /// A synonym group: the key and its list. Each word is a name as [`Builder::check_name`]
    /// wants it, with something to search for; a group may loop or repeat words (search reads
    /// each group once and caps what it takes from it).
    fn add_synonyms(
        &mut self,
        word: &Spanned<String>,
        list: &[Spanned<String>],
    ) -> Result<(), String> {
        let mut group = Vec::with_capacity(list.len() + 1);
        for w in std::iter::once(word).chain(list) {
            let name = self.check_name(w, "synonym")?;
            // What the tokeniser keeps (letters, digits, Han), checked without its 简繁 table:
            // loading that costs more than the rest of a `zhiku search` process.
            let searchable = crate::text::fold_str(&name)
                .chars()
                .any(|c| c.is_alphanumeric() || crate::text::is_cjk(c));
            if !searchable {
                return Err(self.err(
                    self.line(w),
                    format!(
                        "the synonym {} has no letter, digit or Han character to search for",
                        shown(&name)
                    ),
                ));
            }
            group.push(name);
        }
        if list.is_empty() {
            return Err(self.err(
                self.line(word),
                format!(
                    "the synonyms of {} are empty (list at least one other word)",
                    shown(&group[0])
                ),
            ));
        }
        self.synonyms.push(group);
        Ok(())
    }

    fn add_meta(&mut self, m: &Spanned<String>) -> Result<(), String> {
        let name = self.check_name(m, "meta tag")?;
        let line = self.line(m);
        let k = key(&name);
        if let Some(&(oc, ot, origin)) = self.tags.get(&k).or(self.aliases.get(&k)) {
            return Err(self.err(
                line,
                format!(
                    "the meta tag {} is also the tag {} ({}); a meta tag says nothing about the topic",
                    shown(&name),
                    shown(&self.categories[oc].tags[ot].name),
                    origin.describe()
                ),
            ));
        }
        if self.metas.contains_key(&k) {
            return Ok(());
        }
        self.metas.insert(k, Origin::Line(line));
        self.meta.push(name);
        Ok(())
    }
}

/// A name in an error message: quoted, escaped, and cut to a readable length.
fn shown(s: &str) -> String {
    let cut: String = s.chars().take(30).collect();
    let q = format!("{cut:?}");
    if s.chars().count() > 30 {
        format!("{q}…")
    } else {
        q
    }
}

/// Parses a taxonomy file; with `base`, on top of it (extend or replace).
pub(super) fn parse(text: &str, name: &str, base: Option<&Taxonomy>) -> Result<Taxonomy, String> {
    let de: FileDe = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        format!("{name}:{line}: {}", e.message().trim())
    })?;
    let mut b = Builder {
        newlines: text
            .bytes()
            .enumerate()
            .filter(|&(_, c)| c == b'\n')
            .map(|(i, _)| i)
            .collect(),
        name,
        categories: Vec::new(),
        cats: HashMap::new(),
        tags: HashMap::new(),
        aliases: HashMap::new(),
        meta: Vec::new(),
        metas: HashMap::new(),
        synonyms: Vec::new(),
    };
    let replace = match &de.mode {
        None => false,
        Some(m) if m.get_ref() == "extend" => false,
        Some(m) if m.get_ref() == "replace" => true,
        Some(m) => {
            return Err(b.err(
                b.line(m),
                format!(
                    "mode is \"extend\" or \"replace\", not {}",
                    shown(m.get_ref())
                ),
            ));
        }
    };
    if let (Some(base), false) = (base, replace) {
        for (ci, c) in base.categories.iter().enumerate() {
            b.cats.insert(key(&c.name), (ci, Origin::BuiltIn));
            for a in &c.aliases {
                b.cats.insert(key(a), (ci, Origin::BuiltIn));
            }
            for (ti, t) in c.tags.iter().enumerate() {
                b.tags.insert(key(&t.name), (ci, ti, Origin::BuiltIn));
                for a in &t.aliases {
                    b.aliases.insert(key(a), (ci, ti, Origin::BuiltIn));
                }
            }
        }
        for m in &base.meta {
            b.metas.insert(key(m), Origin::BuiltIn);
        }
        b.categories = base.categories.clone();
        b.meta = base.meta.clone();
        b.synonyms = base.synonyms.clone();
    }
    for c in &de.category {
        b.add_category(c)?;
    }
    for m in &de.meta {
        b.add_meta(m)?;
    }
    for (tag, list) in &de.aliases {
        b.add_aliases(tag, list)?;
    }
    // In the file's order (a table's keys would come sorted), so errors come in line order.
    let mut groups: Vec<_> = de.synonyms.iter().collect();
    groups.sort_by_key(|(k, _)| k.span().start);
    for (word, list) in groups {
        b.add_synonyms(word, list)?;
    }
    Ok(Taxonomy::new(b.categories, b.meta).with_synonyms(b.synonyms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_user(text, "taxonomy.toml").unwrap_err()
    }

    #[test]
    fn extends_the_built_in_taxonomy() {
        let t = parse_user(
            "[[category]]\nname = \"AI\"\ntags = [\"OpenClaw\", \"智能体\"]\n\n\
             [[category]]\nname = \"中间件与web容器\"\ntags = [\"消息队列\", \"Redis\"]\n\n\
             [aliases]\n\"智能体\" = [\"agent\", \"AI Agent\"]\n\"消息队列\" = [\"mq\"]\n",
            "t",
        )
        .unwrap();
        assert_eq!(t.categories.len(), 11);
        assert_eq!(t.tag("agent"), Some(("智能体", 10)));
        assert_eq!(t.tag("MQ"), Some(("消息队列", 5)));
        assert_eq!(t.tag("k8s").map(|x| x.0), Some("Kubernetes"));
    }

    #[test]
    fn replaces_the_built_in_taxonomy() {
        let t = parse_user(
            "mode = \"replace\"\nmeta = [\"转载\"]\n[[category]]\nname = \"后端\"\ntags = [\"Java\"]\n",
            "t",
        )
        .unwrap();
        assert_eq!(t.categories.len(), 1);
        assert!(t.tag("redis").is_none());
        assert!(t.meta_tag("转载").is_some() && t.meta_tag("转载文章").is_none());
    }

    #[test]
    fn errors_name_the_line() {
        let e = err("[[category]]\nname = \"A\"\ntags = [\"x\",\n  \"x\"]\n");
        assert!(
            e.starts_with("taxonomy.toml:4: the tag \"x\" is listed twice (first on line 3)"),
            "{e}"
        );
        let e = err("[[category]]\nname = \"A\"\ntags = [\"Redis\"]\n");
        assert!(
            e.starts_with(
                "taxonomy.toml:3: the tag \"Redis\" is already in the category \"中间件与web容器\""
            ),
            "{e}"
        );
        let e = err("[[category]]\nname = \"A\"\ntags = [\"x\", \"y\"]\n[aliases]\nx = [\"Y\"]\n");
        assert!(e.starts_with("taxonomy.toml:5: the alias \"Y\" of \"x\" is the name of another tag (\"y\", on line 3)"), "{e}");
        let e = err("[aliases]\nRedis = [\"k8s\"]\n");
        assert!(
            e.starts_with(
                "taxonomy.toml:2: the alias \"k8s\" is already an alias of \"Kubernetes\""
            ),
            "{e}"
        );
        let e = err("[aliases]\n\"无此标签\" = [\"x\"]\n");
        assert!(
            e.starts_with("taxonomy.toml:2: aliases for \"无此标签\", which is not a tag"),
            "{e}"
        );
        let e = err("[[category]]\nname = \"A\\u0007B\"\n");
        assert!(
            e.starts_with("taxonomy.toml:2: the category \"A\\u{7}B\" contains a control"),
            "{e}"
        );
        let e = err(&format!("[[category]]\nname = \"{}\"\n", "长".repeat(500)));
        assert!(
            e.starts_with("taxonomy.toml:2: the category \"长长长"),
            "{e}"
        );
        assert!(e.contains("is 500 characters long (at most 60)"), "{e}");
        assert!(e.len() < 300, "the message stays short: {e}");
        let e = err("mode = \"merge\"\n");
        assert!(e.starts_with("taxonomy.toml:1: mode is"), "{e}");
        let e = err("\n[[category]]\nnom = \"A\"\n");
        assert!(e.starts_with("taxonomy.toml:3: unknown field `nom`"), "{e}");
        let e = err("[[category]]\nname = \"其他\"\n");
        assert!(
            e.starts_with("taxonomy.toml:2: \"其他\" is reserved"),
            "{e}"
        );
        let e = err("meta = [\"Redis\"]\n");
        assert!(
            e.starts_with("taxonomy.toml:1: the meta tag \"Redis\" is also the tag"),
            "{e}"
        );
        let e = err("[[category]]\nname = \"A\"\n[[category]]\nname = \"a\"\n");
        assert!(
            e.starts_with("taxonomy.toml:4: the category \"a\" is defined twice (first on line 2)"),
            "{e}"
        );
    }

    #[test]
    fn ten_thousand_categories_are_refused_at_the_first_one_too_many() {
        let mut text = String::new();
        for i in 0..10_000 {
            text.push_str(&format!("[[category]]\nname = \"c{i}\"\n"));
        }
        let e = err(&text);
        // 10 built-in categories, so the 191st of the file is the 201st.
        let line = 190 * 2 + 2;
        assert_eq!(
            e,
            format!("taxonomy.toml:{line}: too many categories (at most {MAX_CATEGORIES})")
        );
    }

    #[test]
    fn synonyms_extend_the_built_in_ones_and_bad_lines_are_named() {
        let t = parse_user(
            "[synonyms]\n\"服务网格\" = [\"service mesh\", \"istio\"]\n",
            "t",
        )
        .unwrap();
        assert_eq!(t.synonyms_of("服务网格", 8), ["service mesh", "istio"]);
        assert_eq!(t.synonyms_of("ISTIO", 8), ["服务网格", "service mesh"]);
        assert!(
            t.synonyms_of("容器", 8).contains(&"container"),
            "built-in kept"
        );
        let e = err("[synonyms]\n\"a\" = [\"b\"]\n\"c\" = [\"+++\"]\n");
        assert!(
            e.starts_with("taxonomy.toml:3: the synonym \"+++\" has no letter"),
            "{e}"
        );
        let e = err("[synonyms]\n\n\"a\" = []\n");
        assert!(
            e.starts_with("taxonomy.toml:3: the synonyms of \"a\" are empty"),
            "{e}"
        );
        let e = err(&format!("[synonyms]\nx = [\"{}\"]\n", "长".repeat(61)));
        assert!(e.starts_with("taxonomy.toml:2: the synonym \"长长"), "{e}");
        let e = err("[synonyms]\nx = [\"a\\u0007\"]\n");
        assert!(e.starts_with("taxonomy.toml:2: the synonym"), "{e}");
        let e = err("[synonyms]\nx = \"y\"\n");
        assert!(e.starts_with("taxonomy.toml:2:"), "{e}");
    }

    #[test]
    fn a_looping_or_huge_synonym_table_is_bounded() {
        // a ↔ b ↔ a, and a group that loops through itself.
        let t = parse_user("[synonyms]\na = [\"b\", \"a\", \"A\"]\nb = [\"a\"]\n", "t").unwrap();
        assert_eq!(t.synonyms_of("a", 8), ["b"]);
        assert_eq!(t.synonyms_of("b", 8), ["a"]);
        // One word to 10,000: accepted, and a lookup takes at most the cap.
        let list: Vec<String> = (0..10_000).map(|i| format!("\"w{i}\"")).collect();
        let t = parse_user(&format!("[synonyms]\nbig = [{}]\n", list.join(", ")), "t").unwrap();
        assert_eq!(t.synonyms_of("big", 8).len(), 8);
        assert_eq!(t.synonyms_of("w9999", 3), ["big", "w0", "w1"]);
    }

    #[test]
    fn the_alias_list_of_the_issue_is_accepted() {
        let t = parse_user(
            "[aliases]\nKubernetes = [\"k8s\", \"K8S\", \"kubernetes\"]\nGolang = [\"go语言\", \"golang\"]\n\
             ElasticSearch = [\"es\", \"elasticsearch\"]\n",
            "t",
        )
        .unwrap();
        assert_eq!(t.tag("K8S").map(|x| x.0), Some("Kubernetes"));
    }
}
