//! The tag palette: every tag, filtered as you type by name, pinyin spelling or initials
//! (`zzwz` finds 转载文章).

use pinyin::ToPinyin;

use crate::text::fold_str;

/// A tag with its search keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub count: i64,
    keys: [String; 3],
}

impl Entry {
    pub fn new(name: &str, count: i64) -> Self {
        let mut full = String::new();
        let mut initials = String::new();
        for (c, p) in name.chars().zip(name.to_pinyin()) {
            match p {
                Some(p) => {
                    full.push_str(p.plain());
                    initials.push_str(p.first_letter());
                }
                None => {
                    let f = fold_str(&c.to_string());
                    full.push_str(&f);
                    initials.push_str(&f);
                }
            }
        }
        let strip = |s: String| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        Entry {
            name: name.to_owned(),
            count,
            keys: [strip(fold_str(name)), strip(full), strip(initials)],
        }
    }

    /// How well `q` (folded, no spaces) matches: lower is better; `None` when it does not.
    fn rank(&self, q: &str) -> Option<u8> {
        if q.is_empty() {
            return Some(3);
        }
        let mut best: Option<u8> = None;
        for key in &self.keys {
            let r = if key.starts_with(q) {
                Some(0)
            } else if key.contains(q) {
                Some(1)
            } else {
                None
            };
            best = match (best, r) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        best
    }
}

/// The palette's state.
#[derive(Debug, Clone, Default)]
pub struct Palette {
    pub input: String,
    pub entries: Vec<Entry>,
    pub shown: Vec<usize>,
    pub selected: usize,
}

impl Palette {
    pub fn new(entries: Vec<Entry>) -> Self {
        let mut p = Palette {
            entries,
            ..Default::default()
        };
        p.refilter();
        p
    }

    pub fn refilter(&mut self) {
        let q: String = fold_str(&self.input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut ranked: Vec<(u8, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.rank(&q).map(|r| (r, i)))
            .collect();
        ranked.sort_by_key(|&(r, i)| (r, std::cmp::Reverse(self.entries[i].count), i));
        self.shown = ranked.into_iter().map(|x| x.1).collect();
        self.selected = 0;
    }

    pub fn current(&self) -> Option<&Entry> {
        self.shown.get(self.selected).map(|&i| &self.entries[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &Palette) -> Vec<&str> {
        p.shown
            .iter()
            .map(|&i| p.entries[i].name.as_str())
            .collect()
    }

    #[test]
    fn pinyin_initials_full_spelling_and_names() {
        let mut p = Palette::new(vec![
            Entry::new("转载文章", 3),
            Entry::new("Redis", 9),
            Entry::new("Go Gin", 1),
        ]);
        p.input = "zzwz".into();
        p.refilter();
        assert_eq!(names(&p), ["转载文章"]);
        p.input = "zhuanzai".into();
        p.refilter();
        assert_eq!(names(&p), ["转载文章"]);
        p.input = "RED".into();
        p.refilter();
        assert_eq!(names(&p), ["Redis"]);
        p.input = "gogin".into();
        p.refilter();
        assert_eq!(names(&p), ["Go Gin"]);
        p.input.clear();
        p.refilter();
        assert_eq!(names(&p), ["Redis", "转载文章", "Go Gin"]);
    }
}
