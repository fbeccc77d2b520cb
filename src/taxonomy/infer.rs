//! Tags inferred from an article's title and body, for articles whose source gave no taxonomy
//! tag. Precision first: a wrong tag is worse than none.
//!
//! Every tag name and alias is looked for in the folded text (folded as search folds it) with
//! one Aho–Corasick pass, leftmost-longest (`spring cloud` is SpringCloud, not SpringBoot
//! followed by a word). A Latin name only counts on word boundaries: `java` never inside
//! `javascript`, `es` not in `es6`, and no tag is spelled `go` (`google` is safe). A name in
//! the title counts; in the body a tag must be frequent relative to the body's length.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::{Taxonomy, key};

/// Most tags inferred for one article.
pub const MAX_INFERRED: usize = 3;
/// Least times a tag must be named in the body (outside code blocks) to count from there.
const BODY_MIN_COUNT: usize = 4;
/// Least mentions per 1,000 characters of body text for a tag found only in the body.
const BODY_MIN_DENSITY: f64 = 1.5;
/// How much more often a body tag must be named when the title already gave one.
const BODY_WITH_TITLE: usize = 2;
/// A second body tag must be named at least this share as often as the first.
const BODY_RELATIVE: f64 = 0.5;
/// Names this short (`es`, `h5`, `js`) are too ambiguous for a body: they count in titles only.
const SHORT_NAME: usize = 2;

/// All names of all tags, ready to search.
#[derive(Debug)]
pub struct Matcher {
    ac: Option<AhoCorasick>,
    /// Per pattern: the tag's global index (display order over categories) and whether the
    /// pattern is short.
    patterns: Vec<(usize, bool)>,
    /// Global tag index → (category, tag).
    tags: Vec<(usize, usize)>,
}

impl Matcher {
    pub(super) fn new(t: &Taxonomy) -> Self {
        let mut names: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut tags = Vec::new();
        for (ci, c) in t.categories.iter().enumerate() {
            for (ti, tag) in c.tags.iter().enumerate() {
                let g = tags.len();
                tags.push((ci, ti));
                for n in std::iter::once(&tag.name).chain(&tag.aliases) {
                    let k = key(n);
                    if k.is_empty() || names.contains(&k) {
                        continue;
                    }
                    patterns.push((g, k.chars().count() <= SHORT_NAME));
                    names.push(k);
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
            .ok();
        Matcher { ac, patterns, tags }
    }

    /// (global tag index, short name, byte offset) of every name on word boundaries in `folded`.
    fn find(&self, folded: &str) -> Vec<(usize, bool, usize)> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let bytes = folded.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        ac.find_iter(folded)
            .filter(|m| {
                let (s, e) = (m.start(), m.end());
                // A name starting (ending) with a letter or digit must not continue a word.
                let glued_before = word(bytes[s]) && s > 0 && word(bytes[s - 1]);
                let glued_after = word(bytes[e - 1]) && e < bytes.len() && word(bytes[e]);
                !glued_before && !glued_after
            })
            .map(|m| {
                let (g, short) = self.patterns[m.pattern().as_usize()];
                (g, short, m.start())
            })
            .collect()
    }
}

/// The body text that counts: fenced code blocks left out (code names libraries in passing).
fn prose(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let t = line.trim_start();
        match fence {
            Some(f) if t.starts_with(f) => fence = None,
            Some(_) => {}
            None if t.starts_with("```") => fence = Some("```"),
            None if t.starts_with("~~~") => fence = Some("~~~"),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Up to [`MAX_INFERRED`] taxonomy tags (as (category, tag) indices) for an article with this
/// title and body: those named in the title first, in title order, then those the body names
/// often enough, most named first.
pub fn infer(t: &Taxonomy, title: &str, body: &str) -> Vec<(usize, usize)> {
    let m = t.matcher();
    let mut out: Vec<usize> = Vec::new();
    for (g, _, _) in m.find(&crate::text::fold_str(title)) {
        if !out.contains(&g) && out.len() < MAX_INFERRED {
            out.push(g);
        }
    }
    let text = crate::text::fold_str(&prose(body));
    let chars = text.chars().filter(|c| !c.is_whitespace()).count().max(1);
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for (g, short, _) in m.find(&text) {
        if short {
            continue;
        }
        match counts.iter_mut().find(|c| c.0 == g) {
            Some(c) => c.1 += 1,
            None => counts.push((g, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let top = counts.first().map_or(0, |c| c.1);
    // With a tag from the title, a body tag must be named twice as often to join it.
    let factor = if out.is_empty() { 1 } else { BODY_WITH_TITLE };
    for (g, n) in counts {
        let density = n as f64 * 1000.0 / chars as f64;
        let frequent = n >= BODY_MIN_COUNT * factor
            && density >= BODY_MIN_DENSITY * factor as f64
            && n as f64 >= top as f64 * BODY_RELATIVE;
        if frequent && !out.contains(&g) && out.len() < MAX_INFERRED {
            out.push(g);
        }
    }
    out.into_iter().map(|g| m.tags[g]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::builtin;

    fn names(title: &str, body: &str) -> Vec<String> {
        let t = builtin();
        infer(&t, title, body)
            .into_iter()
            .map(|(c, i)| t.categories[c].tags[i].name.clone())
            .collect()
    }

    #[test]
    fn title_names_count_on_word_boundaries() {
        assert_eq!(names("Java高级面试指南 - 多线程", "正文"), ["Java"]);
        assert_eq!(names("JavaScript 闭包详解", "正文"), ["Javascript"]);
        assert!(names("JavaSE 与 Javadoc", "正文").is_empty());
        assert_eq!(names("k8s 集群排障", "正文"), ["Kubernetes"]);
        assert_eq!(names("用 Go语言 写一个爬虫", "正文"), ["Golang"]);
        assert!(
            names("Go 与 Google 的故事", "正文").is_empty(),
            "Go only via Golang/Go语言"
        );
        assert_eq!(names("ES 集群规划", "正文"), ["ElasticSearch"]);
        assert_eq!(names("ES6 解构赋值", "正文"), ["Javascript"]);
        assert!(names("ES2016 新特性", "正文").is_empty());
        assert_eq!(names("Spring Cloud 网关", "正文"), ["SpringCloud"]);
        assert_eq!(names("SpringBoot3 升级记", "正文"), ["SpringBoot"]);
        assert_eq!(names("MySQL8 窗口函数", "正文"), ["MySQL"]);
        assert_eq!(names("ＲＥＤＩＳ 全角标题", "正文"), ["Redis"]);
    }

    #[test]
    fn java_is_never_found_inside_javascript() {
        for title in [
            "用JavaScript实现防抖",
            "JavaScript中的闭包",
            "JAVASCRIPT 严格模式",
            "Javascript（ES6）的解构",
            "javascript:void(0) 是什么",
            "Java\u{200b}Script 的零宽字符",
        ] {
            assert_eq!(names(title, "正文"), ["Javascript"], "{title}");
        }
        assert_eq!(
            names("Java 和 JavaScript 的区别", "正文"),
            ["Java", "Javascript"]
        );
        assert_eq!(names("Java8 的 Stream", "正文"), ["Java"]);
        let front = "JavaScript 的事件循环、JavaScript 的微任务、JavaScript 的宏任务。".repeat(4);
        assert_eq!(names("事件循环详解", &front), ["Javascript"]);
    }

    #[test]
    fn the_body_counts_only_when_frequent() {
        let filler = "这是一段很长的正文，讲的是别的事情。".repeat(40);
        let once = format!("{filler}顺便提一句 Kafka。");
        assert!(names("消息积压的排查", &once).is_empty());
        let often = "Kafka 的分区、Kafka 的副本、Kafka 的消费者组、Kafka 的位移提交。".repeat(3);
        assert_eq!(names("消息积压的排查", &often), ["Kafka"]);
        // Names inside code blocks do not count.
        let code = format!("正文\n```\n{}\n```\n", "kafka.send(x);\n".repeat(20));
        assert!(names("消息积压的排查", &code).is_empty());
        // Short names (es, js) never count from the body.
        let es = "es 的分片、es 的副本、es 的映射、es 的查询。".repeat(4);
        assert!(names("搜索的排查", &es).is_empty());
    }

    #[test]
    fn at_most_three_title_first() {
        let got = names("Java Redis Kafka MySQL 大杂烩", "正文");
        assert_eq!(got, ["Java", "Redis", "Kafka"]);
    }
}
